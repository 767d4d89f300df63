// The behaviours every live adapter must be proven to have (../shared/notes/live-venues.md), for the
// Polymarket adapter against the wire-level fake CLOB: refused legs on their own, partial fills and trade
// statuses counted once, FAILED trades reversed, final cancels, throttling, lost answers, the dead-man,
// tick-size changes and refused accounts. Waits are on states the system reports, never on a fixed sleep.
import { test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { AuthenticationError, InvalidOrder, MarketDataDown, NetworkError, PostOnlyWouldCross, RateLimitExceeded, RequestTimeout, isRetryable } from "@/server/venue/errors";
import type { VenueFill, VenueOrder } from "@/server/venue/types";
import { privateKeyToAccount } from "viem/accounts";
import { connect, until, type Connected } from "../fakes/polymarket/harness";
import { TEST_PRIVATE_KEY, YES_TOKEN, startFakePolymarket } from "../fakes/polymarket/server";
import type { FakeOptions } from "../fakes/polymarket/server";
import type { PolymarketConfig } from "@/server/venue/polymarket";

let n = 0;
const id = (tag: string) => `pm-test-${tag}-${++n}`;
const d = (v: string | number) => new Decimal(v);

async function withVenue(fn: (c: Connected) => Promise<void>, opts: { fake?: FakeOptions; venue?: Partial<PolymarketConfig> } = {}): Promise<void> {
  const c = await connect(opts);
  try {
    await fn(c);
  } finally {
    await c.close();
  }
}

const live = (c: Connected) => [...c.fake.engine.orders.values()].filter((o) => o.owner === c.apiKey && o.status === "LIVE");

test("1. a crossing post-only leg is rejected on its own; the other legs rest and are tracked", () =>
  withVenue(async ({ venue, ...c }) => {
    const book = await venue.fetchOrderBook();
    const m = venue.market;
    const ok1 = id("a");
    const ok2 = id("b");
    const res = await venue.createOrders([
      { clientOrderId: ok1, side: "buy", type: "limit", price: book.bids[0]!.price.minus(m.tickSize.mul(5)), size: m.minSize, postOnly: true },
      { clientOrderId: id("cross"), side: "buy", type: "limit", price: book.asks[0]!.price, size: m.minSize, postOnly: true },
      { clientOrderId: ok2, side: "sell", type: "limit", price: book.asks[0]!.price.plus(m.tickSize.mul(5)), size: m.minSize, postOnly: true },
    ]);
    assert.equal((res[0] as VenueOrder).status, "open");
    assert.ok(res[1] instanceof PostOnlyWouldCross, `the crossing leg alone is refused: ${String(res[1])}`);
    assert.equal((res[2] as VenueOrder).status, "open");
    assert.deepEqual((await venue.fetchOpenOrders()).map((o) => o.clientOrderId).sort(), [ok1, ok2].sort());
    assert.equal(live({ venue, ...c }).length, 2);
  }));

test("2. partial fills: remaining size right; a trade re-sent per status (MATCHED, MINED, CONFIRMED) is counted once", () =>
  withVenue(async (c) => {
    const { venue, fake } = c;
    const book = await venue.fetchOrderBook();
    const m = venue.market;
    const oid = id("partial");
    const fills: VenueFill[] = [];
    venue.watchFills((f) => f.clientOrderId === oid && fills.push(f));
    await venue.createOrder({ clientOrderId: oid, side: "buy", type: "limit", price: book.bids[0]!.price.plus(m.tickSize), size: d(20), postOnly: true });
    fake.engine.externalTrade(YES_TOKEN, "SELL", "7");
    fake.engine.externalTrade(YES_TOKEN, "SELL", "5.5");
    await until("two fills", () => fills.length === 2);
    // Each trade goes on to MINED and CONFIRMED: wait for the venue to report both, then check nothing was added.
    await until("the trades confirmed", () => fake.engine.tradesOf(c.apiKey).every((t) => t.status === "CONFIRMED"));
    await until("the repeats seen", () => venue.stream.ledger.repeats >= 4);
    assert.equal(fills.length, 2, "each trade counted once");
    assert.deepEqual(fills.map((f) => f.size.toString()), ["7", "5.5"]);
    const o = await venue.fetchOrder(oid);
    assert.equal(o.status, "partially_filled");
    assert.equal(o.filledSize.toString(), "12.5");
    assert.equal(o.size.minus(o.filledSize).toString(), "7.5", "remaining size");
  }));

test("2b. a trade that FAILED on chain is reversed exactly: position and cash back where they were", () =>
  withVenue(async (c) => {
    const { venue, fake } = c;
    const start = await venue.fetchBalance();
    const fills: VenueFill[] = [];
    venue.watchFills((f) => fills.push(f));
    fake.engine.failNext = 1;
    await venue.createOrder({ clientOrderId: id("fail"), side: "buy", type: "market", size: d(10) });
    await until("the fill and its reversal", () => fills.length === 2);
    const [fill, rev] = fills;
    assert.equal(rev!.tradeId, `${fill!.tradeId}:reversed`);
    assert.equal(rev!.side, "sell");
    assert.ok(rev!.price.eq(fill!.price) && rev!.size.eq(fill!.size) && rev!.fee.eq(fill!.fee.neg()));
    const end = await venue.fetchBalance();
    assert.ok(end.base.eq(start.base) && end.quote.eq(start.quote), `balances restored: ${end.base}/${end.quote} vs ${start.base}/${start.quote}`);
    const listed = await venue.fetchMyTrades();
    assert.deepEqual(listed.map((f) => f.tradeId).sort(), fills.map((f) => f.tradeId).sort(), "REST shows the same fill and reversal");
    assert.equal(venue.stream.ledger.reversals, 1);
  }));

test("3. cancel of an already-filled order reports it filled, once, without retrying", () =>
  withVenue(async (c) => {
    const { venue, fake } = c;
    const book = await venue.fetchOrderBook();
    const oid = id("filled");
    await venue.createOrder({ clientOrderId: oid, side: "buy", type: "limit", price: book.bids[0]!.price.plus(venue.market.tickSize), size: d(5), postOnly: true });
    fake.engine.externalTrade(YES_TOKEN, "SELL", "5");
    await until("filled", async () => (await venue.fetchOrder(oid)).status === "filled");
    const before = fake.counts.get("DELETE /order") ?? 0;
    const o = await venue.cancelOrder(oid);
    assert.equal(o.status, "filled");
    assert.equal(o.filledSize.toString(), "5");
    assert.equal(fake.counts.get("DELETE /order"), before + 1, "one cancel request, not retried");
  }));

test("4. a 429 backs off with jitter: new orders are refused locally (no storm) while cancels still go out", () =>
  withVenue(async (c) => {
    const { venue, fake } = c;
    const book = await venue.fetchOrderBook();
    const resting = id("rest");
    await venue.createOrder({ clientOrderId: resting, side: "buy", type: "limit", price: book.bids[0]!.price.minus(venue.market.tickSize.mul(5)), size: d(5), postOnly: true });
    fake.faults.rateLimit("POST /order", 1);
    const req = () => ({ clientOrderId: id("t"), side: "buy" as const, type: "limit" as const, price: book.bids[0]!.price.minus(venue.market.tickSize.mul(6)), size: d(5), postOnly: true });
    await assert.rejects(venue.createOrder(req()), RateLimitExceeded);
    const sent = fake.counts.get("POST /order")!;
    for (let i = 0; i < 20; i++) await assert.rejects(venue.createOrder(req()), RateLimitExceeded);
    assert.equal(fake.counts.get("POST /order"), sent, "nothing more reached the venue during the backoff");
    assert.equal(venue.http.refusedDuringBackoff, 20);
    assert.equal((await venue.cancelOrder(resting)).status, "cancelled", "cancels still go out");
  }));

test("4b. throttling shows as latency: a call queued past its deadline is an unknown outcome (RequestTimeout), never re-sent", () =>
  withVenue(
    async (c) => {
      const { venue, fake } = c;
      fake.faults.delay("GET /balance-allowance", 1_500, 1);
      const before = fake.counts.get("GET /balance-allowance")!;
      const err = await venue.fetchPosition().then(() => null, (e: unknown) => e);
      assert.ok(err instanceof RequestTimeout && isRetryable(err), String(err));
      // The fake counts a request when it arrives, before holding it.
      assert.equal(fake.counts.get("GET /balance-allowance"), before + 1, "sent once, not retried by the adapter");
    },
    { venue: { deadlineMs: 500 } },
  ));

test("5. a WebSocket drop makes the book stale at once and reconnects; a silent stall forces a reconnect", () =>
  withVenue(
    async (c) => {
      const { venue, fake } = c;
      const states: string[] = [];
      venue.watchConnection((s) => states.push(s));
      fake.dropSockets("/ws/market");
      await until("disconnected", () => states.includes("disconnected"));
      await assert.rejects(venue.fetchOrderBook(), MarketDataDown);
      await until("reconnected", () => venue.stream.state === "connected");
      assert.ok((await venue.fetchOrderBook()).bids.length > 0, "a fresh book from the new snapshot");
      const before = venue.stream.reconnects;
      fake.stallSockets("/ws/user");
      await until("the stall noticed and the socket reopened", () => venue.stream.reconnects > before && venue.stream.state === "connected", 5_000);
      assert.deepEqual(states.slice(0, 2), ["disconnected", "connected"]);
    },
    { venue: { stallMs: 600 } },
  ));

test("7. heartbeats keep the venue's dead-man fed; when they stop getting through it fires, the adapter notices and resyncs", () =>
  withVenue(
    async (c) => {
      const { venue, fake } = c;
      const book = await venue.fetchOrderBook();
      await until("a few beats", () => venue.heartbeat.beats >= 3);
      await venue.createOrder({ clientOrderId: id("dm"), side: "buy", type: "limit", price: book.bids[0]!.price.minus(venue.market.tickSize.mul(5)), size: d(5), postOnly: true });
      const states: string[] = [];
      venue.watchConnection((s) => states.push(s));
      fake.faults.rateLimit("POST /v1/heartbeats", 1_000);
      await until("the fake's dead-man fired", () => fake.heartbeatsMissed === 1);
      assert.equal(live(c).length, 0, "the venue cancelled our orders");
      fake.faults.clear();
      await until("the adapter noticed", () => venue.heartbeat.fired === 1);
      assert.deepEqual(states.slice(0, 2), ["disconnected", "connected"], "a resync was signalled");
      const beats = venue.heartbeat.beats;
      await until("a new chain of beats", () => venue.heartbeat.beats > beats + 1);
      assert.equal(fake.heartbeatsMissed, 1);
    },
    { fake: { deadmanMs: 600 }, venue: { heartbeatMs: 100, heartbeatWindowMs: 600 } },
  ));

test("9. a submit whose answer was lost (the venue accepted it) ends with exactly one live order, asked about and never re-sent", () =>
  withVenue(async (c) => {
    const { venue, fake } = c;
    const book = await venue.fetchOrderBook();
    const oid = id("lost");
    const req = { clientOrderId: oid, side: "buy" as const, type: "limit" as const, price: book.bids[0]!.price.minus(venue.market.tickSize.mul(5)), size: d(5), postOnly: true };
    fake.faults.loseResponse("POST /order", 1);
    const err = await venue.createOrder(req).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof NetworkError && isRetryable(err), `a lost answer is an unknown outcome: ${String(err)}`);
    assert.equal((await venue.fetchOrder(oid)).status, "open", "the venue knows it by the hash computed before sending");
    await assert.rejects(venue.createOrder(req), InvalidOrder, "the same client id is never sent twice");
    assert.equal(fake.counts.get("POST /order"), 1);
    assert.equal(live(c).length, 1, "exactly one live order");
  }));

test("10. a tick-size change rebuilds the grid, pulls quotes that left it, and asks the desk to reconcile", () =>
  withVenue(async (c) => {
    const { venue, fake } = c;
    fake.engine.setTick(YES_TOKEN, "0.001");
    await until("the finer tick", () => venue.market.tickSize.eq("0.001"));
    const book = await venue.fetchOrderBook();
    const fine = id("fine");
    const coarse = id("coarse");
    await venue.createOrder({ clientOrderId: fine, side: "buy", type: "limit", price: book.bids[0]!.price.minus("0.005"), size: d(5), postOnly: true });
    await venue.createOrder({ clientOrderId: coarse, side: "buy", type: "limit", price: book.bids[0]!.price.minus("0.01"), size: d(5), postOnly: true });
    const states: string[] = [];
    venue.watchConnection((s) => states.push(s));
    fake.engine.setTick(YES_TOKEN, "0.01");
    await until("the off-grid quote pulled", () => venue.pulledOnTick === 1 && states.length === 2);
    assert.deepEqual((await venue.fetchOpenOrders()).map((o) => o.clientOrderId), [coarse]);
    assert.equal(venue.market.maxPrice.toString(), "0.99");
    await assert.rejects(venue.createOrder({ clientOrderId: id("x"), side: "buy", type: "limit", price: d("0.405"), size: d(5), postOnly: true }), InvalidOrder);
  }));

test("11. authentication failures are reported as such at start and never retried; a refused account gets the deposit-wallet message", async () => {
  const fake = await startFakePolymarket({ makersNotAllowed: [privateKeyToAccount(TEST_PRIVATE_KEY).address] });
  try {
    const bad = PolymarketVenueOpen({ restUrl: fake.url, creds: { key: "00000000-0000-4000-a000-000000000000", secret: "c2VjcmV0", passphrase: "x" } });
    await assert.rejects(bad, (e) => e instanceof AuthenticationError && !isRetryable(e));
    assert.equal(fake.counts.get("GET /balance-allowance"), 1, "refused once, not retried");
    fake.authFailures.length = 0;
    const c = await connect({ fakeInstance: fake });
    const book = await c.venue.fetchOrderBook();
    const err = await c.venue.createOrder({ clientOrderId: id("refused"), side: "buy", type: "limit", price: book.bids[0]!.price, size: d(5), postOnly: true }).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof AuthenticationError, String(err));
    assert.match(err.message, /deposit wallet flow/);
    await c.close();
  } finally {
    await fake.close();
  }
});

test("pagination: open orders and our trades beyond one page are all listed", () =>
  withVenue(
    async (c) => {
      const { venue } = c;
      const book = await venue.fetchOrderBook();
      for (let i = 0; i < 5; i++) await venue.createOrder({ clientOrderId: id(`p${i}`), side: "buy", type: "limit", price: book.bids[0]!.price.minus(venue.market.tickSize.mul(i + 3)), size: d(5), postOnly: true });
      assert.equal((await venue.fetchOpenOrders()).length, 5);
      assert.ok((c.fake.counts.get("GET /data/orders") ?? 0) >= 3, "three pages of two");
      for (let i = 0; i < 5; i++) await venue.createOrder({ clientOrderId: id(`m${i}`), side: "buy", type: "market", size: d(5) });
      await c.settled();
      const trades = await venue.fetchMyTrades();
      assert.equal(trades.length, c.fake.engine.tradesOf(c.apiKey).length);
      assert.ok(trades.length >= 5);
    },
    { fake: { pageSize: 2 } },
  ));

async function PolymarketVenueOpen(cfg: Partial<PolymarketConfig>) {
  const { PolymarketVenue } = await import("@/server/venue/polymarket");
  return PolymarketVenue.open({ privateKey: TEST_PRIVATE_KEY, chainId: 137, tokenId: YES_TOKEN, heartbeatMs: null, ...cfg });
}

test("8. orders a previous run left on the venue are listed as ours by their hash and can be cancelled, never duplicated", async () => {
  const fake = await startFakePolymarket();
  try {
    const first = await connect({ fakeInstance: fake });
    const book = await first.venue.fetchOrderBook();
    const left = await first.venue.createOrder({ clientOrderId: id("left"), side: "buy", type: "limit", price: book.bids[0]!.price.minus(first.venue.market.tickSize.mul(4)), size: d(5), postOnly: true });
    await first.close(); // a crash: nothing cancelled (heartbeats were off)
    const second = await connect({ fakeInstance: fake });
    const open = await second.venue.fetchOpenOrders();
    assert.equal(open.length, 1);
    assert.equal(open[0]!.clientOrderId, `pm-${left.venueOrderId}`, "known by the venue's id, the order hash");
    assert.ok(open[0]!.price!.eq(left.price!) && open[0]!.size.eq(left.size));
    assert.equal((await second.venue.cancelOrder(open[0]!.clientOrderId)).status, "cancelled");
    assert.deepEqual(await second.venue.fetchOpenOrders(), []);
    await second.close();
  } finally {
    await fake.close();
  }
});
