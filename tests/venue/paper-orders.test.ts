// Orders on the paper venue: partial fills, exact fees, latency on simulated and on wall time, crossing and
// reduce-only orders, the faults it injects for the runner's tests, and invariants under random use.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import fc from "fast-check";
import { ManualClock } from "@/server/venue/clock";
import {
  OrderRejected,
  RateLimitExceeded,
  RequestTimeout,
  VenueUnavailable,
  isRetryable,
} from "@/server/venue/errors";
import { PaperVenue, STORY_MARKET, storyPaperOptions, type RegimeSetting } from "@/server/venue/paper";
import type { VenueFill } from "@/server/venue/types";
import { assertWellFormedBook } from "./contract";
import { T0, d, fmtBook, paper } from "./paper-helpers";

describe("paper venue: fills, fees, latency", () => {
  test("a large quote fills in parts; its fills add up to filledSize", async () => {
    const { venue, clock } = paper({ seed: 9 });
    const book = await venue.fetchOrderBook();
    const price = book.bids[0]!.price.plus("0.01");
    const fills: VenueFill[] = [];
    venue.watchFills((f) => fills.push(f));
    await venue.createOrder({ clientOrderId: "big", side: "buy", type: "limit", price, size: d("3"), postOnly: true });
    let sawPartial = false;
    for (let i = 0; i < 600 && fills.length < 3; i++) {
      clock.advanceBy(100);
      const open = await venue.fetchOpenOrders();
      if (open[0]?.status === "partially_filled") {
        sawPartial = true;
        const sum = fills.reduce((a, f) => a.plus(f.size), d(0));
        assert.ok(open[0].filledSize.eq(sum), `filledSize ${open[0].filledSize} = sum of fills ${sum}`);
      }
    }
    assert.ok(fills.length >= 2 && sawPartial, `partial fills seen (${fills.length})`);
    assert.ok(fills.every((f) => f.size.lt(3) && f.price.eq(price) && f.liquidity === "maker"));
  });

  test("fees are exact Decimal products, maker and taker", async () => {
    const { venue } = paper({ seed: 42 });
    const fills: VenueFill[] = [];
    venue.watchFills((f) => fills.push(f));
    await venue.createOrder({ clientOrderId: "sweep", side: "buy", type: "market", size: d("2") });
    assert.ok(fills.length >= 3, "a 2 ETH market order sweeps several levels");
    let prev = d(0);
    for (const f of fills) {
      assert.ok(f.price.gte(prev), "sweeps up the asks");
      prev = f.price;
      assert.equal(f.fee.toString(), f.price.mul(f.size).mul("0.0005").toString());
    }
    // A worked value: 1999.8 x 0.097 x 0.0001 = 0.01939806 exactly.
    assert.equal(d("1999.8").mul("0.097").mul(STORY_MARKET.makerFeeRate).toString(), "0.01939806");
    const total = fills.reduce((a, f) => a.plus(f.size), d(0));
    assert.equal(total.toString(), "2");
  });

  test("orders and cancels take effect after latencyMs of simulated time", async () => {
    const clock = new ManualClock(T0, { autoAdvance: false });
    const venue = new PaperVenue({ ...storyPaperOptions(1, "calm"), clock, latencyMs: 80 });
    const book = await venue.fetchOrderBook();
    let placed = false;
    const p = venue.createOrder({ clientOrderId: "lat", side: "buy", type: "limit", price: book.bids[0]!.price.minus(5), size: d("0.1"), postOnly: true }).then((o) => {
      placed = true;
      return o;
    });
    clock.advanceTo(T0 + 79);
    await new Promise((r) => setImmediate(r));
    assert.equal(placed, false, "not accepted before the latency has passed");
    assert.deepEqual(await venue.fetchOpenOrders(), [], "the venue does not show it yet");
    clock.advanceTo(T0 + 80);
    const o = await p;
    assert.equal(o.ts, T0 + 80);
    let cancelled = false;
    const c = venue.cancelOrder("lat").then((x) => ((cancelled = true), x));
    clock.advanceTo(T0 + 150);
    await new Promise((r) => setImmediate(r));
    assert.equal(cancelled, false);
    assert.equal((await venue.fetchOpenOrders()).length, 1, "still resting until the cancel lands");
    clock.advanceTo(T0 + 160);
    assert.equal((await c).status, "cancelled");
    assert.equal((await c).ts, T0 + 160);
    await venue.close();
  });

  test("with a simulated time source (now + advanceTo, like the runner's), waiting for an answer moves it by the latency", async () => {
    let t = T0;
    const time = { now: () => t, advanceTo: (ms: number) => void (t = Math.max(t, ms)) };
    const venue = new PaperVenue({ ...storyPaperOptions(1, "calm"), clock: time, latencyMs: 30 });
    const book = await venue.fetchOrderBook();
    const o = await venue.createOrder({ clientOrderId: "s", side: "buy", type: "limit", price: book.bids[0]!.price.minus(5), size: d("0.1"), postOnly: true });
    assert.equal(o.ts, T0 + 30);
    assert.equal(t, T0 + 30);
    await venue.cancelOrder("s");
    assert.equal(t, T0 + 60);
    await venue.close();
  });

  test("on wall time the answer comes after the latency in real milliseconds", async () => {
    const venue = new PaperVenue({ ...storyPaperOptions(1, "calm"), latencyMs: 40 });
    const started = Date.now();
    await venue.createOrder({ clientOrderId: "w", side: "buy", type: "market", size: d("0.01") });
    const took = Date.now() - started;
    assert.ok(took >= 39 && took < 1000, `took ${took} ms`);
    await venue.close();
  });

  test("a crossing limit order without postOnly takes liquidity, then rests", async () => {
    const { venue } = paper({ seed: 4 });
    const book = await venue.fetchOrderBook();
    const fills: VenueFill[] = [];
    venue.watchFills((f) => fills.push(f));
    const price = book.asks[0]!.price;
    const o = await venue.createOrder({ clientOrderId: "x", side: "buy", type: "limit", price, size: d("5") });
    assert.equal(o.status, "partially_filled");
    assert.ok(fills.length >= 1 && fills.every((f) => f.liquidity === "taker" && f.price.lte(price)));
    const open = await venue.fetchOpenOrders();
    assert.equal(open[0]?.clientOrderId, "x");
    const b = await venue.fetchOrderBook();
    assert.ok(b.bids[0]!.price.eq(price), "our rest is the best bid, shown in the book");
  });

  test("our resting orders show in the book unless bookIncludesOwnOrders is off", async () => {
    for (const own of [true, false]) {
      const { venue } = paper({ seed: 2, bookIncludesOwnOrders: own });
      const book = await venue.fetchOrderBook();
      const price = book.bids[0]!.price.plus("0.05");
      await venue.createOrder({ clientOrderId: "q", side: "buy", type: "limit", price, size: d("0.123"), postOnly: true });
      const b = await venue.fetchOrderBook();
      if (own) assert.ok(b.bids[0]!.price.eq(price) && b.bids[0]!.size.eq("0.123"));
      else assert.ok(!b.bids.some((l) => l.price.eq(price)));
    }
  });

  test("reduce-only orders may only shrink the position", async () => {
    const { venue } = paper({ seed: 8 });
    await assert.rejects(venue.createOrder({ clientOrderId: "r0", side: "sell", type: "market", size: d("0.1"), reduceOnly: true }), OrderRejected);
    await venue.createOrder({ clientOrderId: "long", side: "buy", type: "market", size: d("0.1") });
    assert.equal(venue.position.toString(), "0.1");
    await assert.rejects(venue.createOrder({ clientOrderId: "r1", side: "sell", type: "market", size: d("0.2"), reduceOnly: true }), OrderRejected);
    await assert.rejects(venue.createOrder({ clientOrderId: "r2", side: "buy", type: "market", size: d("0.05"), reduceOnly: true }), OrderRejected);
    const o = await venue.createOrder({ clientOrderId: "r3", side: "sell", type: "market", size: d("0.1"), reduceOnly: true });
    assert.equal(o.status, "filled");
    assert.equal(venue.position.toString(), "0");
  });
});

describe("paper venue: fault injection", () => {
  const resting = async (venue: PaperVenue, id: string) => {
    const book = await venue.fetchOrderBook();
    return venue.createOrder({ clientOrderId: id, side: "buy", type: "limit", price: book.bids[0]!.price.minus(3), size: d("0.1"), postOnly: true });
  };

  test("failNextCancel('error'): VenueUnavailable, retryable, the order still rests; the next cancel works", async () => {
    const { venue } = paper({ regime: "calm" });
    await resting(venue, "f1");
    venue.failNextCancel("error");
    await assert.rejects(venue.cancelOrder("f1"), (e) => e instanceof VenueUnavailable && isRetryable(e));
    assert.equal((await venue.fetchOpenOrders()).length, 1);
    assert.equal((await venue.cancelOrder("f1")).status, "cancelled");
  });

  test("failNextCancel('timeout'): RequestTimeout after requestTimeoutMs of simulated time, order still rests", async () => {
    const { venue, clock } = paper({ regime: "calm", requestTimeoutMs: 2000 });
    await resting(venue, "f2");
    venue.failNextCancel("timeout");
    const t = clock.now();
    await assert.rejects(venue.cancelOrder("f2"), (e) => e instanceof RequestTimeout && isRetryable(e));
    assert.equal(clock.now(), t + 2000);
    assert.equal((await venue.fetchOpenOrders())[0]?.clientOrderId, "f2");
  });

  test("failNextCancel('hang'): the cancel never settles", async () => {
    const { venue, clock } = paper({ regime: "calm" });
    await resting(venue, "f3");
    venue.failNextCancel("hang");
    const outcome = await Promise.race([
      venue.cancelOrder("f3").then(() => "settled", () => "settled"),
      (async () => {
        clock.advanceBy(60_000);
        venue.advanceTo(clock.now());
        await new Promise((r) => setTimeout(r, 20));
        return "pending";
      })(),
    ]);
    assert.equal(outcome, "pending");
    assert.equal((await venue.fetchOpenOrders()).length, 1);
  });

  test("rejectNext: OrderRejected, not retryable, nothing rests", async () => {
    const { venue } = paper();
    venue.rejectNext("risk check");
    await assert.rejects(resting(venue, "rj"), (e) => e instanceof OrderRejected && !isRetryable(e) && /risk check/.test(e.message));
    assert.deepEqual(await venue.fetchOpenOrders(), []);
    await resting(venue, "ok");
    assert.equal((await venue.fetchOpenOrders()).length, 1);
  });

  test("throttle(n): the next n requests throw RateLimitExceeded, then calls pass", async () => {
    const { venue } = paper();
    venue.throttle(2);
    await assert.rejects(venue.fetchOrderBook(), (e) => e instanceof RateLimitExceeded && isRetryable(e));
    await assert.rejects(resting(venue, "th"), RateLimitExceeded);
    await resting(venue, "th2");
  });

  test("staleBook: the book and its timestamp freeze while the market moves on", async () => {
    const { venue, clock } = paper();
    const before = await venue.fetchOrderBook();
    venue.staleBook(true);
    clock.advanceBy(30_000);
    const stale = await venue.fetchOrderBook();
    assert.equal(stale.ts, before.ts);
    assert.equal(fmtBook(stale), fmtBook(before));
    venue.staleBook(false);
    const fresh = await venue.fetchOrderBook();
    assert.ok(fresh.ts > before.ts + 25_000);
  });

  test("duplicateNextFill: a listener sees the same trade id twice, fetchMyTrades lists it once", async () => {
    const { venue } = paper();
    const seen: string[] = [];
    venue.watchFills((f) => seen.push(f.tradeId));
    venue.duplicateNextFill();
    await venue.createOrder({ clientOrderId: "dup", side: "buy", type: "market", size: d("0.01") });
    assert.equal(seen.length, 2);
    assert.equal(seen[0], seen[1]);
    assert.equal((await venue.fetchMyTrades()).length, 1);
  });

  test("a closed venue refuses calls with VenueUnavailable and settles requests in flight", async () => {
    const clock = new ManualClock(T0, { autoAdvance: false });
    const venue = new PaperVenue({ ...storyPaperOptions(1), clock });
    const inFlight = venue.createOrder({ clientOrderId: "c", side: "buy", type: "market", size: d("0.01") });
    await venue.close();
    await assert.rejects(inFlight, VenueUnavailable);
    await assert.rejects(venue.fetchOrderBook(), VenueUnavailable);
  });
});

describe("paper venue: invariants under random use", () => {
  test("fills add up to filledSize, never exceed size, position = signed fills, book always well-formed", async () => {
    const action = fc.oneof(
      fc.record({ kind: fc.constant("limit" as const), side: fc.constantFrom("buy" as const, "sell" as const), off: fc.integer({ min: -30, max: 30 }), lots: fc.integer({ min: 1, max: 3000 }), postOnly: fc.boolean() }),
      fc.record({ kind: fc.constant("market" as const), side: fc.constantFrom("buy" as const, "sell" as const), lots: fc.integer({ min: 1, max: 800 }) }),
      fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant("wait" as const), ms: fc.integer({ min: 1, max: 20_000 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1e6 }), fc.constantFrom<RegimeSetting>("calm", "falling", "volatile"), fc.array(action, { maxLength: 30 }), async (seed, regime, actions) => {
        const { venue, clock } = paper({ seed, regime, latencyMs: 20 });
        const fills: VenueFill[] = [];
        venue.watchFills((f) => fills.push(f));
        const sizes = new Map<string, Decimal>();
        let n = 0;
        for (const a of actions) {
          if (a.kind === "wait") {
            clock.advanceBy(a.ms);
            venue.advanceTo(clock.now());
          } else if (a.kind === "cancel") {
            const ids = [...sizes.keys()];
            if (ids.length) await venue.cancelOrder(ids[a.pick % ids.length]!);
          } else {
            const id = `p${++n}`;
            const size = STORY_MARKET.lotSize.mul(a.lots);
            sizes.set(id, size);
            const book = await venue.fetchOrderBook();
            const ref = a.kind === "limit" ? (a.side === "buy" ? book.bids[0]!.price : book.asks[0]!.price) : undefined;
            await venue
              .createOrder({ clientOrderId: id, side: a.side, type: a.kind, size, price: ref?.plus(STORY_MARKET.tickSize.mul(a.kind === "limit" ? a.off : 0)), postOnly: a.kind === "limit" && a.postOnly })
              .catch(() => undefined);
          }
          assertWellFormedBook(await venue.fetchOrderBook(), venue);
        }
        const ids = new Set(fills.map((f) => f.tradeId));
        assert.equal(ids.size, fills.length);
        let pos = d(0);
        const byOrder = new Map<string, Decimal>();
        for (const f of fills) {
          pos = f.side === "buy" ? pos.plus(f.size) : pos.minus(f.size);
          byOrder.set(f.clientOrderId, (byOrder.get(f.clientOrderId) ?? d(0)).plus(f.size));
        }
        assert.ok(venue.position.eq(pos), `position ${venue.position} = ${pos}`);
        for (const [id, filled] of byOrder) assert.ok(filled.lte(sizes.get(id)!), `${id} overfilled`);
        for (const o of await venue.fetchOpenOrders()) assert.ok((byOrder.get(o.clientOrderId) ?? d(0)).eq(o.filledSize));
        await venue.close();
      }),
      { numRuns: Number(process.env.VENUE_PROP_RUNS ?? 40) },
    );
  });
});
