// The fake Polymarket CLOB checks what the real one checks, with code of its own: a request signed with
// another key, a tampered body, or an order signed for another exchange is refused in the venue's words.
// These tests sign by hand (viem and node:crypto), not with the client, so they hold the fake to the scheme.
import { test } from "node:test";
import assert from "node:assert/strict";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import { createL1Headers, createL2Headers, OrderBuilder, Side, orderToJsonV2, OrderType } from "@polymarket/clob-client-v2";
import { createWalletClient, custom } from "viem";
import { CONDITION_ID, TEST_PRIVATE_KEY, YES_TOKEN, startFakePolymarket, type FakePolymarket } from "../fakes/polymarket/server";
import { l2Signature, v2OrderHash } from "../fakes/polymarket/verify";

const wallet = (key: `0x${string}`) => createWalletClient({ account: privateKeyToAccount(key), transport: custom({ request: async () => undefined }) });

async function withFake(fn: (f: FakePolymarket) => Promise<void>, opts = {}): Promise<void> {
  const f = await startFakePolymarket(opts);
  try {
    await fn(f);
  } finally {
    await f.close();
  }
}

async function creds(f: FakePolymarket, key: `0x${string}` = TEST_PRIVATE_KEY) {
  const h = await createL1Headers(wallet(key) as never, 137 as never, 0);
  const r = await fetch(`${f.url}/auth/api-key`, { method: "POST", headers: h as unknown as Record<string, string> });
  assert.equal(r.status, 200);
  const k = (await r.json()) as { apiKey: string; secret: string; passphrase: string };
  return { key: k.apiKey, secret: k.secret, passphrase: k.passphrase };
}

test("fake: L1 — a ClobAuth signature by the address's own key derives the API key; another key's is 'Invalid L1 Request headers'", () =>
  withFake(async (f) => {
    const h = (await createL1Headers(wallet(TEST_PRIVATE_KEY) as never, 137 as never, 0)) as unknown as Record<string, string>;
    assert.equal((await fetch(`${f.url}/auth/derive-api-key`, { headers: h })).status, 400, "nothing to derive before a key was created");
    const c = await creds(f);
    const again = (await (await fetch(`${f.url}/auth/derive-api-key`, { headers: h })).json()) as { apiKey: string };
    assert.equal(again.apiKey, c.key, "derive returns the key created for this address and nonce");
    const other = (await createL1Headers(wallet(generatePrivateKey()) as never, 137 as never, 0)) as unknown as Record<string, string>;
    const forged = { ...other, POLY_ADDRESS: h.POLY_ADDRESS! };
    const r = await fetch(`${f.url}/auth/derive-api-key`, { headers: forged });
    assert.equal(r.status, 401);
    assert.deepEqual(await r.json(), { error: "Invalid L1 Request headers" });
    f.authFailures.length = 0;
  }));

test("fake: L2 — the HMAC covers timestamp, method, path and the exact body; a tampered body is refused", () =>
  withFake(async (f) => {
    const c = await creds(f);
    const w = wallet(TEST_PRIVATE_KEY);
    const body = JSON.stringify({ heartbeat_id: "" });
    const h = (await createL2Headers(w as never, c, { method: "POST", requestPath: "/v1/heartbeats", body })) as unknown as Record<string, string>;
    // The client's signature is the one our independent HMAC computes.
    assert.equal(h.POLY_SIGNATURE, l2Signature(c.secret, h.POLY_TIMESTAMP!, "POST", "/v1/heartbeats", body));
    const ok = await fetch(`${f.url}/v1/heartbeats`, { method: "POST", headers: { ...h, "Content-Type": "application/json" }, body });
    assert.equal(ok.status, 200);
    const bad = await fetch(`${f.url}/v1/heartbeats`, { method: "POST", headers: { ...h, "Content-Type": "application/json" }, body: JSON.stringify({ heartbeat_id: "x" }) });
    assert.equal(bad.status, 401);
    assert.deepEqual(await bad.json(), { error: "Unauthorized/Invalid api key" });
    f.authFailures.length = 0;
  }));

test("fake: V2 orders — the EIP-712 signature is checked for the right exchange; the order id is its hash; the venue's order errors", () =>
  withFake(async (f) => {
    const c = await creds(f);
    const w = wallet(TEST_PRIVATE_KEY);
    const builder = new OrderBuilder(w as never, 137 as never);
    const post = async (order: unknown, postOnly = false) => {
      const body = JSON.stringify(orderToJsonV2(order as never, c.key, OrderType.GTC, postOnly, false));
      const h = (await createL2Headers(w as never, c, { method: "POST", requestPath: "/order", body })) as unknown as Record<string, string>;
      const r = await fetch(`${f.url}/order`, { method: "POST", headers: { ...h, "Content-Type": "application/json" }, body });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const good = await builder.buildOrder({ tokenID: YES_TOKEN, price: 0.4, size: 10, side: Side.BUY }, { tickSize: "0.01", negRisk: false }, 2);
    const r = await post(good);
    assert.equal(r.status, 200);
    assert.equal(r.body.orderID, v2OrderHash(good as never, 137, false));
    assert.equal(r.body.status, "live");
    // Signed for the neg-risk exchange: the signature does not verify for this (non-neg-risk) market.
    const wrong = await builder.buildOrder({ tokenID: YES_TOKEN, price: 0.4, size: 10, side: Side.BUY }, { tickSize: "0.01", negRisk: true }, 2);
    assert.deepEqual((await post(wrong)).body, { error: "invalid signature" });
    const tampered = { ...(await builder.buildOrder({ tokenID: YES_TOKEN, price: 0.4, size: 10, side: Side.BUY }, { tickSize: "0.01", negRisk: false }, 2)), makerAmount: "3000000" };
    assert.deepEqual((await post(tampered)).body, { error: "invalid signature" });
    const offTick = await builder.buildOrder({ tokenID: YES_TOKEN, price: 0.405, size: 10, side: Side.BUY }, { tickSize: "0.001", negRisk: false }, 2);
    assert.match(String((await post(offTick)).body.error), /^INVALID_ORDER_MIN_TICK_SIZE/);
    const small = await builder.buildOrder({ tokenID: YES_TOKEN, price: 0.4, size: 2, side: Side.BUY }, { tickSize: "0.01", negRisk: false }, 2);
    assert.match(String((await post(small)).body.error), /^INVALID_ORDER_MIN_SIZE/);
    const crossing = await builder.buildOrder({ tokenID: YES_TOKEN, price: 0.6, size: 10, side: Side.BUY }, { tickSize: "0.01", negRisk: false }, 2);
    assert.deepEqual((await post(crossing, true)).body, { error: "invalid post-only order: order crosses book" });
    const huge = await builder.buildOrder({ tokenID: YES_TOKEN, price: 0.4, size: 400000, side: Side.BUY }, { tickSize: "0.01", negRisk: false }, 2);
    assert.match(String((await post(huge)).body.error), /^not enough balance \/ allowance/);
    assert.deepEqual(f.authFailures, ["order signature", "order signature"]);
    f.authFailures.length = 0;
  }));

test("fake: an account the venue refuses gets its 'deposit wallet flow' message", () =>
  withFake(
    async (f) => {
      const c = await creds(f);
      const w = wallet(TEST_PRIVATE_KEY);
      const order = await new OrderBuilder(w as never, 137 as never).buildOrder({ tokenID: YES_TOKEN, price: 0.4, size: 10, side: Side.BUY }, { tickSize: "0.01", negRisk: false }, 2);
      const body = JSON.stringify(orderToJsonV2(order as never, c.key, OrderType.GTC, true, false));
      const h = (await createL2Headers(w as never, c, { method: "POST", requestPath: "/order", body })) as unknown as Record<string, string>;
      const r = await fetch(`${f.url}/order`, { method: "POST", headers: { ...h, "Content-Type": "application/json" }, body });
      assert.equal(r.status, 400);
      assert.deepEqual(await r.json(), { error: "maker address not allowed, please use the deposit wallet flow" });
    },
    { makersNotAllowed: [privateKeyToAccount(TEST_PRIVATE_KEY).address] },
  ));

test("fake: the market channel sends a book (levels worst first, as the venue lists them) then price_change arrays; PING gets PONG", () =>
  withFake(async (f) => {
    const { default: WebSocket } = await import("ws");
    const ws = new WebSocket(`${f.wsUrl}/ws/market`);
    const frames: unknown[] = [];
    ws.on("message", (d) => frames.push(d.toString()));
    await new Promise((r) => ws.once("open", r));
    ws.send(JSON.stringify({ assets_ids: [YES_TOKEN], type: "market" }));
    ws.send("PING");
    const deadline = Date.now() + 5_000;
    while (frames.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const [book] = JSON.parse(frames.find((x) => String(x).startsWith("["))! as string) as { event_type: string; market: string; bids: { price: string }[] }[];
    assert.equal(book!.event_type, "book");
    assert.equal(book!.market, CONDITION_ID);
    assert.ok(Number(book!.bids[0]!.price) < Number(book!.bids.at(-1)!.price), "bids listed worst first");
    assert.ok(frames.includes("PONG"));
    f.engine.externalTrade(YES_TOKEN, "SELL", "5");
    while (!frames.some((x) => String(x).includes("price_change")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const pc = JSON.parse(frames.find((x) => String(x).includes("price_change")) as string) as { event_type: string; price_changes: { side: string; size: string }[] }[];
    assert.equal(pc[0]!.event_type, "price_change");
    assert.ok(pc[0]!.price_changes.some((c) => c.side === "BUY"), "the hit bid level changed");
    ws.terminate();
  }));
