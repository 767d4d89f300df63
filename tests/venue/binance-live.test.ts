// What a live Binance desk meets beyond the contract, against the fake: the dead-man watchdog (Binance
// spot has none of its own), a lost acknowledgement, throttling, stream drops and stalls, refused
// credentials, partial fills. Waits are on what the system reports, never on a fixed sleep alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import Decimal from "decimal.js";
import { AuthenticationError, MarketDataDown, RateLimitExceeded } from "@/server/venue/errors";
import type { VenueFill, VenueOrder } from "@/server/venue/types";
import { connect, until } from "../fakes/binance/harness";
import { TEST_API_KEY, TEST_API_SECRET, startFakeBinance } from "../fakes/binance/server";

const passive = (v: Awaited<ReturnType<typeof connect>>["venue"], side: "buy" | "sell", ticks: number, id: string) => {
  const book = v.stream.book!;
  const m = v.market;
  const price = side === "buy" ? book.bids[0]!.price.minus(m.tickSize.mul(ticks)) : book.asks[0]!.price.plus(m.tickSize.mul(ticks));
  return { clientOrderId: id, side, type: "limit" as const, price, size: m.minSize, postOnly: true };
};

test("watchdog dead-man: heartbeats keep our orders; when the desk's heartbeat stops, the watchdog process cancels them all and the desk is told to reconcile", async () => {
  const c = await connect({ venue: { deadmanMs: 1_500 } });
  try {
    const v = c.venue;
    assert.equal(v.deadman.kind, "watchdog", "Binance spot: ccxt has no cancelAllOrdersAfter for it");
    const conn: string[] = [];
    v.watchConnection((s) => conn.push(s));
    await v.createOrders([passive(v, "buy", 100, "wd-b"), passive(v, "sell", 100, "wd-s")]);
    // Twice the dead-man's time with the heartbeat running: nothing cancelled.
    const refreshes = v.deadman.refreshes;
    await until("four more heartbeats", () => v.deadman.refreshes >= refreshes + 4, 10_000);
    assert.equal(c.fake.engine.openOrders(c.fake.user).length, 2, "heartbeats keep the orders");
    assert.equal(v.deadman.fired, 0);
    v.deadman.stopHeartbeat(); // the desk hangs
    await until("the watchdog to fire", () => v.deadman.fired === 1, 15_000);
    assert.deepEqual(c.fake.engine.openOrders(c.fake.user), [], "every open order of ours cancelled on the venue");
    assert.deepEqual((await v.fetchOpenOrders()).map((o) => o.clientOrderId), []);
    assert.deepEqual(conn, ["disconnected", "connected"], "the desk is made to reconcile");
  } finally {
    await c.close();
  }
});

test("watchdog dead-man: a clean stop disarms it (orders left resting are not cancelled after the deadline)", async () => {
  const fake = await startFakeBinance();
  const c = await connect({ fakeInstance: fake, venue: { deadmanMs: 1_200 } });
  await c.venue.createOrder(passive(c.venue, "buy", 100, "keep-1"));
  await c.close();
  const d = await connect({ fakeInstance: fake });
  try {
    // Long past the last deadline: with the watchdog disarmed and gone, the order still rests.
    await new Promise((r) => setTimeout(r, 2_500));
    assert.deepEqual(fake.engine.openOrders(fake.user).map((o) => o.clientOrderId), ["keep-1"]);
  } finally {
    await d.close();
    await fake.close();
  }
});

test("a lost acknowledgement (the venue accepted the order, the answer never came) ends with exactly one live order, sent once", async () => {
  const c = await connect();
  try {
    const v = c.venue;
    c.fake.faults.loseResponse("POST /api/v3/order");
    const o = await v.createOrder(passive(v, "buy", 30, "lost-ack-1"));
    assert.equal(o.clientOrderId, "lost-ack-1");
    assert.equal(o.status, "open", "the order the venue holds, found by our client id");
    assert.equal(c.fake.requests.filter((r) => r.route === "POST /api/v3/order").length, 1, "never re-sent");
    assert.deepEqual(c.fake.engine.openOrders(c.fake.user).map((x) => x.clientOrderId), ["lost-ack-1"], "exactly one live order");
    await assert.rejects(v.createOrder(passive(v, "buy", 31, "lost-ack-1")), /already used/, "the id is never reused");
  } finally {
    await c.close();
  }
});

test("HTTP 429 with Retry-After: the venue's wait is honoured, new orders are refused locally meanwhile, cancels still go out", async () => {
  const c = await connect();
  try {
    const v = c.venue;
    await v.createOrder(passive(v, "buy", 30, "rl-rest"));
    c.fake.faults.rateLimit("POST /api/v3/order", 1, 3);
    await assert.rejects(v.createOrder(passive(v, "buy", 31, "rl-1")), (e) => e instanceof RateLimitExceeded && (e.retryAfterMs ?? 0) >= 3_000);
    const posts = c.fake.requests.filter((r) => r.route === "POST /api/v3/order").length;
    await assert.rejects(v.createOrder(passive(v, "buy", 32, "rl-2")), RateLimitExceeded);
    assert.equal(c.fake.requests.filter((r) => r.route === "POST /api/v3/order").length, posts, "refused locally: no storm");
    assert.equal((await v.cancelOrder("rl-rest")).status, "cancelled", "cancels are not held back");
  } finally {
    await c.close();
  }
});

test("a dropped WebSocket: stale at once, reconnected, the book rebuilt from a snapshot and our orders pushed again", async () => {
  const c = await connect();
  try {
    const v = c.venue;
    const conn: string[] = [];
    v.watchConnection((s) => conn.push(s));
    c.fake.dropWebSockets();
    await until("disconnected", () => conn.includes("disconnected"));
    await assert.rejects(v.fetchOrderBook(), MarketDataDown);
    await until("connected again", () => conn.at(-1) === "connected" && v.stream.book !== null, 15_000);
    const snapshots = c.fake.requests.filter((r) => r.route === "GET /api/v3/depth").length;
    assert.ok(snapshots >= 2, `the book was rebuilt from a REST snapshot (${snapshots})`);
    const seen: VenueOrder[] = [];
    v.watchOrders((o) => seen.push(o));
    await v.createOrder(passive(v, "sell", 30, "after-drop"));
    await until("the order pushed on the resubscribed user stream", () => seen.some((o) => o.clientOrderId === "after-drop"));
  } finally {
    await c.close();
  }
});

test("a silently stalled stream is noticed (no book for stallMs) and reconnected", async () => {
  const c = await connect({ venue: { stallMs: 800 } });
  try {
    const conn: string[] = [];
    c.venue.watchConnection((s) => conn.push(s));
    c.fake.stallWebSockets();
    await until("reconnected after the stall", () => conn.join(",") === "disconnected,connected", 15_000);
    assert.ok(c.venue.stream.book);
  } finally {
    await c.close();
  }
});

test("partial fills: remaining size right, each fill delivered once and listed once over REST", async () => {
  const c = await connect();
  try {
    const v = c.venue;
    const fills: VenueFill[] = [];
    v.watchFills((f) => fills.push(f));
    const size = v.market.minSize.mul(10);
    const best = v.stream.book!.bids[0]!.price.plus(v.market.tickSize);
    await v.createOrder({ clientOrderId: "partial-1", side: "buy", type: "limit", price: best, size, postOnly: true });
    c.fake.engine.externalTrade("ETHUSDT", "SELL", v.market.minSize.mul(3).toString());
    c.fake.engine.externalTrade("ETHUSDT", "SELL", v.market.minSize.mul(2).toString());
    await c.settled();
    const mine = fills.filter((f) => f.clientOrderId === "partial-1");
    assert.equal(mine.length, 2);
    const o = await v.fetchOrder("partial-1");
    assert.equal(o.status, "partially_filled");
    assert.ok(o.filledSize.eq(v.market.minSize.mul(5)));
    assert.ok(mine.reduce((a, f) => a.add(f.size), new Decimal(0)).eq(o.filledSize));
    const listed = (await v.fetchMyTrades()).filter((f) => f.clientOrderId === "partial-1");
    assert.deepEqual(listed.map((f) => f.tradeId).sort(), mine.map((f) => f.tradeId).sort());
    // Binance answers a startTime with the next 24 hours only: a look-back of three days walks the windows.
    const lookback = (await v.fetchMyTrades({ since: Date.now() - 3 * 86_400_000 })).filter((f) => f.clientOrderId === "partial-1");
    assert.deepEqual(lookback.map((f) => f.tradeId).sort(), mine.map((f) => f.tradeId).sort());
    const cancelled = await v.cancelOrder("partial-1");
    assert.equal(cancelled.status, "cancelled");
    assert.ok(cancelled.filledSize.eq(o.filledSize));
    c.fake.engine.externalTrade("ETHUSDT", "SELL", "0.01");
    const again = await v.cancelOrder("partial-1");
    assert.equal(again.status, "cancelled", "a cancel of a finished order reports its final state");
  } finally {
    await c.close();
  }
});

test("refused credentials: a wrong secret fails at open as AuthenticationError (-1022), never as a network error", async () => {
  const fake = await startFakeBinance();
  try {
    await assert.rejects(connect({ fakeInstance: fake, venue: { secret: "not-the-secret" } }), (e) => e instanceof AuthenticationError && /-1022/.test(e.message));
  } finally {
    await fake.close();
  }
});

test("the fake checks Binance's rules on its own: signature over query+body, recvWindow, the API key", async () => {
  const fake = await startFakeBinance();
  try {
    const call = async (query: string, secret = TEST_API_SECRET, key = TEST_API_KEY) => {
      const sig = createHmac("sha256", secret).update(query).digest("hex");
      const res = await fetch(`${fake.url}/api/v3/openOrders?${query}&signature=${sig}`, { headers: { "X-MBX-APIKEY": key } });
      return { status: res.status, body: (await res.json()) as { code?: number } };
    };
    assert.equal((await call(`symbol=ETHUSDT&timestamp=${Date.now()}`)).status, 200);
    assert.equal((await call(`symbol=ETHUSDT&timestamp=${Date.now()}`, "wrong")).body.code, -1022);
    assert.equal((await call(`symbol=ETHUSDT&timestamp=${Date.now() - 60_000}&recvWindow=5000`)).body.code, -1021);
    assert.equal((await call(`symbol=ETHUSDT&timestamp=${Date.now()}`, TEST_API_SECRET, "unknown-key")).body.code, -2015);
  } finally {
    await fake.close();
  }
});

test("a market that leaves the band moves it (watchMarket), before the book that caused it is delivered", async () => {
  const c = await connect();
  try {
    const v = c.venue;
    const before = v.market;
    const events: string[] = [];
    v.watchMarket((m) => events.push(`market ${m.minPrice}-${m.maxPrice}`));
    v.watchOrderBook((b) => events.push(`book ${b.bids[0]?.price}`));
    c.fake.engine.setMark("ETHUSDT", "2800");
    await until("the band to move", () => events.some((e) => e.startsWith("market")));
    const m = v.market;
    assert.ok(m.maxPrice.gt(before.maxPrice) && m.minPrice.lte(new Decimal(2800)) && m.maxPrice.gte(new Decimal(2800)), `new band [${m.minPrice}, ${m.maxPrice}]`);
    assert.ok(m.tickSize.eq(before.tickSize) && m.lotSize.eq(before.lotSize), "the exchange's tick and lot do not change");
    const first = events.findIndex((e) => e.startsWith("market"));
    assert.ok(events.slice(first + 1).some((e) => e.startsWith("book 27")), "the book at the new price comes after the new band");
    assert.ok(!events.slice(0, first).some((e) => e.startsWith("book 27")), "no book outside the band before it moved");
    assert.deepEqual(await v.loadMarkets().then((r) => [r.minPrice.toString(), r.maxPrice.toString()]), [m.minPrice.toString(), m.maxPrice.toString()]);
  } finally {
    await c.close();
  }
});
