// The wire bodies our Hyperliquid client sends, checked against ccxt's own static request fixtures
// (copied with attribution in fixtures/ccxt-hyperliquid-requests.json): the same action, key for key and
// in the same order (the signature hashes the msgpack of it), minus the builder fee ccxt attaches.
// Each body is then sent to the fake, whose independent verifier must accept the signature.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Decimal from "decimal.js";
import { HyperliquidClient } from "@/server/venue/hyperliquid";
import { orderAction, type OrderLeg, type Tif } from "@/server/venue/hyperliquid/order-action";
import { l2BookSchema } from "@/server/venue/hyperliquid/wire";
import { BadResponse } from "@/server/venue/errors";
import { parseVenueData } from "@/server/venue/schemas";
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

test("the order action the adapter builds is ccxt's createOrdersRequest action, byte for byte, for prices and sizes on the grid", async () => {
  const client = new HyperliquidClient({ walletAddress: "0x0000000000000000000000000000000000000001", privateKey: TEST_PRIVATE_KEY, restUrl: "http://127.0.0.1:9", wsUrl: "ws://127.0.0.1:9/ws", testnet: false, timeoutMs: 1_000 });
  const fake = await startFakeHyperliquid({ coins: COINS });
  try {
    const loader = new HyperliquidClient({ walletAddress: fake.users[0]!, privateKey: TEST_PRIVATE_KEY, restUrl: fake.url, wsUrl: fake.wsUrl, testnet: false, timeoutMs: 5_000, rateLimitMs: 2 });
    await loader.loadMarkets();
    client.setMarkets(Object.values(loader.markets ?? {}) as never);
    await loader.close();
    // A deterministic spread of grid values: five significant figures at most, at most 6 − szDecimals decimals.
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const tifs: Tif[] = ["Alo", "Gtc", "Ioc"];
    let checked = 0;
    for (const [symbol, asset, sz] of [["BTC/USDC:USDC", 0, 5], ["ETH/USDC:USDC", 1, 4], ["SOL/USDC:USDC", 5, 2]] as const) {
      for (let i = 0; i < 200; i++) {
        const intDigits = 1 + rnd(6);
        const decimals = Math.min(6 - sz, Math.max(0, 5 - intDigits));
        const price = new Decimal(1 + rnd(10 ** Math.min(5, intDigits + decimals) - 1)).div(new Decimal(10).pow(decimals)).mul(intDigits + decimals > 5 ? new Decimal(10).pow(intDigits + decimals - 5) : 1);
        const size = new Decimal(1 + rnd(100_000)).div(new Decimal(10).pow(sz));
        const legs: OrderLeg[] = [0, 1].slice(0, 1 + rnd(2)).map((k) => ({ asset, buy: rnd(2) === 0, price: k ? price.add(new Decimal(10).pow(-decimals)) : price, size, reduceOnly: rnd(2) === 0, tif: tifs[rnd(3)]!, cloid: `0x${(i * 2 + k).toString(16).padStart(32, "0")}` }));
        const ccxtAction = (client.createOrdersRequest(legs.map((l) => ({ symbol, type: "limit", side: l.buy ? "buy" : "sell", amount: l.size.toString(), price: l.price.toString(), params: { clientOrderId: l.cloid, reduceOnly: l.reduceOnly, timeInForce: l.tif } })) as never) as { action: Record<string, unknown> }).action;
        delete ccxtAction.builder;
        const ours = orderAction(legs);
        assert.equal(JSON.stringify(ours), JSON.stringify(ccxtAction), `${symbol} ${legs.map((l) => `${l.price}x${l.size}`).join(", ")}`);
        assert.deepEqual(client.packb(ours), client.packb(ccxtAction), "the same msgpack bytes are hashed");
        checked++;
      }
    }
    assert.equal(checked, 600);
  } finally {
    await client.close();
    await fake.close();
  }
});

test("an l2Book is read into Decimals, and a bad level is refused naming the field, as the per-field schemas did", () => {
  const ok = parseVenueData(l2BookSchema, { coin: "ETH", time: 1, levels: [[{ px: "1999.9", sz: "0.5", n: 1 }], [{ px: "2000.1", sz: "0" }]] }, "l2Book", "hyperliquid");
  assert.equal(ok.levels[0][0]!.price.toString(), "1999.9");
  assert.equal(ok.levels[0][0]!.size.toString(), "0.5");
  assert.ok(ok.levels[1][0]!.size.isZero());
  const refused = (levels: unknown, field: RegExp) => assert.throws(() => parseVenueData(l2BookSchema, { coin: "ETH", time: 1, levels }, "l2Book", "hyperliquid"), (e: Error) => e instanceof BadResponse && field.test(e.message), JSON.stringify(levels));
  refused([[{ px: "0", sz: "1" }], []], /levels\.0\.0\.px: must be > 0/);
  refused([[], [{ px: "1", sz: "-1" }]], /levels\.1\.0\.sz: must be >= 0/);
  refused([[{ px: "1", sz: "1" }, { px: "abc", sz: "1" }], []], /levels\.0\.1\.px: expected a decimal number, got "abc"/);
  refused([[{ px: "1", sz: null }], []], /levels\.0\.0\.sz: expected a decimal number/);
  refused([["1", "2"], []], /levels\.0\.0: expected \{px, sz\}/);
  refused([[{ px: "1e30", sz: "1" }], []], /levels\.0\.0\.px: is too large/);
  refused([[{ px: "1", sz: "1" }]], /levels/);
});
