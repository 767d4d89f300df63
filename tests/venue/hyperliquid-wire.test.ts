// The wire bodies our Hyperliquid client sends, checked against ccxt's own static request fixtures
// (copied with attribution in fixtures/ccxt-hyperliquid-requests.json): the same action, key for key and
// in the same order (the signature hashes the msgpack of it), minus the builder fee ccxt attaches.
// Each body is then sent to the fake, whose independent verifier must accept the signature.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HyperliquidClient } from "@/server/venue/hyperliquid";
import { DEFAULT_COINS, TEST_PRIVATE_KEY, startFakeHyperliquid } from "../fakes/hyperliquid/server";

interface Case {
  description: string;
  input: [string, string, string, number, number, Record<string, unknown>?];
  output: string;
}
const fixtures = JSON.parse(readFileSync(join(import.meta.dirname, "fixtures", "ccxt-hyperliquid-requests.json"), "utf8")) as { cases: Case[] };

// The fixture's asset numbers: BTC 0, ETH 1, SOL 5 (universe order), SOL with two size decimals.
const COINS = [...DEFAULT_COINS, { name: "AAA", szDecimals: 1, mark: "10", maxLeverage: 3 }, { name: "BBB", szDecimals: 1, mark: "10", maxLeverage: 3 }, { name: "CCC", szDecimals: 1, mark: "10", maxLeverage: 3 }, { name: "SOL", szDecimals: 2, mark: "150", maxLeverage: 20 }].map((c) => (c.name === "ETH" ? { ...c, mark: "3500" } : c));

test("our client's order actions equal ccxt's recorded wire bodies, without the builder fee, and verify on the fake", async () => {
  const fake = await startFakeHyperliquid({ coins: COINS });
  const client = new HyperliquidClient({ walletAddress: fake.users[0]!, privateKey: TEST_PRIVATE_KEY, restUrl: fake.url, wsUrl: fake.wsUrl, testnet: false, timeoutMs: 5_000, rateLimitMs: 2 });
  try {
    await client.loadMarkets();
    for (const c of fixtures.cases) {
      const [symbol, type, side, amount, price, params] = c.input;
      const expected = (JSON.parse(c.output) as { action: Record<string, unknown> }).action;
      assert.ok(expected.builder, `${c.description}: ccxt's fixture carries its builder fee`);
      delete expected.builder;
      const request = client.createOrdersRequest([{ symbol, type, side, amount, price, params: params ?? {} }] as never) as { action: Record<string, unknown>; nonce: number; signature: unknown };
      assert.equal(JSON.stringify(request.action), JSON.stringify(expected), `${c.description}: same keys, same order, same values`);
      const answer = await client.privatePostExchange(request);
      assert.equal((answer as { status: string }).status, "ok", `${c.description}: the fake verified the signature (${JSON.stringify(answer)})`);
    }
    assert.deepEqual(fake.exchange.forbidden, []);
  } finally {
    await client.close();
    await fake.close();
  }
});
