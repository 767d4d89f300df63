// The wire bodies sent to Binance, checked against ccxt's own static request fixtures (copied with
// attribution in fixtures/ccxt-binance-requests.json): our client, pointed at the fake, sends each case's
// parameters with the same values (ccxt's skipKeys aside: signature, timestamp, recvWindow, the client id),
// and the fake, checking the HMAC independently with node:crypto, accepts each. Then the adapter's own
// orders: post-only goes as LIMIT_MAKER (no timeInForce), every order carries our client id.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Decimal from "decimal.js";
import { createClient } from "@/server/venue/ccxt";
import { connect } from "../fakes/binance/harness";
import { TEST_API_KEY, TEST_API_SECRET, startFakeBinance } from "../fakes/binance/server";

interface Case {
  description: string;
  url: string;
  input: [string, string, string, number, number, Record<string, unknown>?];
  output: string;
}
const fixtures = JSON.parse(readFileSync(join(import.meta.dirname, "fixtures", "ccxt-binance-requests.json"), "utf8")) as { skipKeys: string[]; cases: Case[] };

const kept = (params: URLSearchParams) => [...params.entries()].filter(([k]) => !fixtures.skipKeys.includes(k)).sort(([a], [b]) => a.localeCompare(b));

test("our ccxt client sends ccxt's recorded Binance spot order bodies, and the fake verifies each signature", async () => {
  const fake = await startFakeBinance();
  const client = createClient({ exchangeId: "binance", apiKey: TEST_API_KEY, secret: TEST_API_SECRET, restUrl: fake.url, wsUrl: fake.wsUrl, timeoutMs: 5_000 });
  try {
    await client.loadMarkets();
    for (const [i, c] of fixtures.cases.entries()) {
      const [symbol, type, side, amount, price, params] = c.input;
      const id = `fixture-${i}`;
      await client.createOrder(symbol, type, side, amount, price, { ...(params ?? {}), newClientOrderId: id });
      const sent = fake.requests.filter((r) => r.route === "POST /api/v3/order").at(-1)!;
      assert.equal(new URL(c.url).pathname, "/api/v3/order", `${c.description}: the same route`);
      assert.equal(sent.status, 200, `${c.description}: the fake accepted the request and its signature`);
      assert.deepEqual(kept(sent.params), kept(new URLSearchParams(c.output)), `${c.description}: the same parameters and values`);
      assert.equal(sent.params.get("newClientOrderId"), id, `${c.description}: our client id, not ccxt's broker id`);
      assert.ok(sent.params.get("signature")?.match(/^[0-9a-f]{64}$/), "an HMAC-SHA256 hex signature");
    }
  } finally {
    await client.close();
    await fake.close();
  }
});

test("the adapter sends post-only as LIMIT_MAKER and our (wire-mapped) client id on every order, recorded before sending", async () => {
  const c = await connect();
  try {
    const v = c.venue;
    const book = await v.fetchOrderBook();
    const deskId = "sd-abc123-0f8fad5b-d9cb-469f-a165-70867728950e";
    await v.createOrder({ clientOrderId: deskId, side: "buy", type: "limit", price: book.bids[0]!.price.minus(1), size: v.market.minSize, postOnly: true });
    await v.createOrder({ clientOrderId: "plain-gtc-1", side: "sell", type: "limit", price: book.asks[0]!.price.plus(1), size: v.market.minSize });
    await v.createOrder({ clientOrderId: "mkt-1", side: "buy", type: "market", size: v.market.minSize });
    const posts = c.fake.requests.filter((r) => r.route === "POST /api/v3/order").map((r) => Object.fromEntries(r.params));
    assert.equal(posts.length, 3);
    assert.equal(posts[0]!.type, "LIMIT_MAKER");
    assert.equal(posts[0]!.timeInForce, undefined, "LIMIT_MAKER takes no timeInForce");
    assert.ok(posts[0]!.newClientOrderId!.length <= 36, "Binance's 36-character limit");
    assert.equal(v.ids.clientOrderId(posts[0]!.newClientOrderId!), deskId, "the desk's id comes back from the wire id");
    assert.equal(posts[1]!.type, "LIMIT");
    assert.equal(posts[1]!.timeInForce, "GTC");
    assert.equal(posts[1]!.newClientOrderId, "plain-gtc-1");
    assert.equal(posts[2]!.type, "MARKET");
    assert.equal(posts[2]!.newClientOrderId, "mkt-1");
    assert.equal(posts[2]!.price, undefined);
    assert.ok(new Decimal(posts[0]!.price!).eq(book.bids[0]!.price.minus(1)), "the exact price, unrounded");
    const open = await v.fetchOpenOrders();
    assert.deepEqual(open.map((o) => o.clientOrderId).sort(), [deskId, "plain-gtc-1"].sort(), "orders come back under the desk's ids");
  } finally {
    await c.close();
  }
});
