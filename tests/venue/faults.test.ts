// The fault hooks the runner's tests rely on, each checked for exactly what paper/README.md says it does,
// on the paper venue and the replay venue. Time is ManualClock time; "never settles" is checked by letting
// venue time pass far beyond every latency and timeout and the event loop turn, then close() settling it.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { ManualClock } from "@/server/venue/clock";
import { InvalidOrder, OrderNotFound, RequestTimeout, VenueUnavailable, isRetryable } from "@/server/venue/errors";
import { PaperVenue, STORY_MARKET, storyPaperOptions } from "@/server/venue/paper";
import { ReplayVenue } from "@/server/venue/replay";
import type { SimulatedVenue } from "@/server/venue/simulated-venue";
import type { HangMethod } from "@/server/venue/sim-faults";

const T0 = 1_700_000_000_000;
const SAMPLE = new URL("../../server/venue/replay/sample.jsonl", import.meta.url).pathname;
const d = (v: Decimal.Value) => new Decimal(v);

interface Harness {
  venue: SimulatedVenue;
  clock: ManualClock;
}

const makers: Record<string, () => Promise<Harness>> = {
  paper: async () => {
    const clock = new ManualClock(T0);
    return { venue: new PaperVenue({ ...storyPaperOptions(42, "calm"), clock, requestTimeoutMs: 2000, latencyMs: 50 }), clock };
  },
  replay: async () => {
    const clock = new ManualClock(T0);
    return { venue: await ReplayVenue.fromFile(SAMPLE, { market: STORY_MARKET, startAt: T0, clock, requestTimeoutMs: 2000, latencyMs: 50 }), clock };
  },
};

/** Tracks whether a call has settled without awaiting it. */
function track<T>(p: Promise<T>) {
  const t = { settled: false, value: undefined as T | undefined, error: undefined as unknown };
  p.then(
    (v) => ((t.settled = true), (t.value = v)),
    (e) => ((t.settled = true), (t.error = e)),
  );
  return t;
}

/** Venue time passes (far beyond latency and timeout) and the event loop turns a few times. */
async function letTimePass(h: Harness, ms = 60_000): Promise<void> {
  h.clock.advanceBy(ms);
  h.venue.advanceTo(h.clock.now());
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

async function restingBuy(h: Harness, id: string) {
  const book = await h.venue.fetchOrderBook();
  return h.venue.createOrder({ clientOrderId: id, side: "buy", type: "limit", price: book.bids[0]!.price.minus("5.00"), size: d("0.1"), postOnly: true });
}

async function passiveRequest(h: Harness, id: string) {
  const book = await h.venue.fetchOrderBook();
  return { clientOrderId: id, side: "buy" as const, type: "limit" as const, price: book.bids[0]!.price.minus("5.00"), size: d("0.1"), postOnly: true };
}

for (const [name, make] of Object.entries(makers)) {
  describe(`fault hooks (${name})`, () => {
    test("failNextCreate('lost_ack'): the order is placed, the call rejects with RequestTimeout after requestTimeoutMs", async () => {
      const h = await make();
      const req = await passiveRequest(h, "lost");
      const t0 = h.clock.now();
      h.venue.failNextCreate("lost_ack");
      await assert.rejects(h.venue.createOrder(req), (e) => e instanceof RequestTimeout && isRetryable(e));
      assert.equal(h.clock.now(), t0 + 2000, "after the request timeout of venue time");
      const o = await h.venue.fetchOrder("lost");
      assert.equal(o.status, "open", "the venue holds it");
      assert.deepEqual((await h.venue.fetchOpenOrders()).map((x) => x.clientOrderId), ["lost"]);
      await assert.rejects(h.venue.createOrder(req), InvalidOrder, "its client id is taken");
      await h.venue.close();
    });

    test("failNextCreate('timeout'): RequestTimeout after requestTimeoutMs, nothing placed, the id is free", async () => {
      const h = await make();
      const req = await passiveRequest(h, "to");
      const t0 = h.clock.now();
      h.venue.failNextCreate("timeout");
      await assert.rejects(h.venue.createOrder(req), RequestTimeout);
      assert.equal(h.clock.now(), t0 + 2000);
      await assert.rejects(h.venue.fetchOrder("to"), OrderNotFound);
      assert.deepEqual(await h.venue.fetchOpenOrders(), []);
      assert.equal((await h.venue.createOrder(req)).status, "open", "a retry with the same id is a new order");
      await h.venue.close();
    });

    test("failNextCreate('hang'): never settles, nothing placed; close() rejects it with VenueUnavailable", async () => {
      const h = await make();
      const req = await passiveRequest(h, "hang");
      h.venue.failNextCreate("hang");
      const call = track(h.venue.createOrder(req));
      await letTimePass(h);
      assert.equal(call.settled, false);
      await assert.rejects(h.venue.fetchOrder("hang"), OrderNotFound);
      assert.deepEqual(await h.venue.fetchOpenOrders(), []);
      await h.venue.close();
      await letTimePass(h, 0);
      assert.ok(call.settled && call.error instanceof VenueUnavailable, "settled by close()");
    });

    test("failNextCreate('hang_after_accept'): the order is placed, the call never settles until close()", async () => {
      const h = await make();
      const req = await passiveRequest(h, "haa");
      h.venue.failNextCreate("hang_after_accept");
      const call = track(h.venue.createOrder(req));
      await letTimePass(h);
      assert.equal(call.settled, false);
      assert.equal((await h.venue.fetchOrder("haa")).status, "open");
      await h.venue.close();
      await letTimePass(h, 0);
      assert.ok(call.error instanceof VenueUnavailable);
    });

    test("failNextCreate('error'): VenueUnavailable at once, nothing placed", async () => {
      const h = await make();
      const req = await passiveRequest(h, "err");
      const t0 = h.clock.now();
      h.venue.failNextCreate("error");
      await assert.rejects(h.venue.createOrder(req), (e) => e instanceof VenueUnavailable && isRetryable(e));
      assert.equal(h.clock.now(), t0, "no venue time passed");
      await assert.rejects(h.venue.fetchOrder("err"), OrderNotFound);
      assert.equal((await h.venue.createOrder(req)).status, "open", "faults queue: only the next call failed");
      await h.venue.close();
    });

    test("failNextCancel('lost_ack'): the cancel takes effect, the call rejects with RequestTimeout", async () => {
      const h = await make();
      await restingBuy(h, "cl");
      h.venue.failNextCancel("lost_ack");
      const t0 = h.clock.now();
      await assert.rejects(h.venue.cancelOrder("cl"), RequestTimeout);
      assert.equal(h.clock.now(), t0 + 2000);
      assert.equal((await h.venue.fetchOrder("cl")).status, "cancelled");
      assert.deepEqual(await h.venue.fetchOpenOrders(), []);
      await h.venue.close();
    });

    test("failNextCancel('hang'): the order stays open; close() settles the call", async () => {
      const h = await make();
      await restingBuy(h, "ch");
      h.venue.failNextCancel("hang");
      const call = track(h.venue.cancelOrder("ch"));
      await letTimePass(h);
      assert.equal(call.settled, false);
      assert.equal((await h.venue.fetchOrder("ch")).status, "open");
      await h.venue.close();
      await letTimePass(h, 0);
      assert.ok(call.error instanceof VenueUnavailable);
    });

    const calls: Record<HangMethod, (v: SimulatedVenue) => Promise<unknown>> = {
      fetchOrderBook: (v) => v.fetchOrderBook(),
      fetchOpenOrders: (v) => v.fetchOpenOrders(),
      fetchOrder: (v) => v.fetchOrder("h-rest"),
      fetchPosition: (v) => v.fetchPosition(),
      fetchMyTrades: (v) => v.fetchMyTrades(),
      cancelAllOrders: (v) => v.cancelAllOrders(),
    };
    for (const [method, call] of Object.entries(calls) as [HangMethod, (v: SimulatedVenue) => Promise<unknown>][]) {
      test(`hangNext('${method}', 2): the next two calls never settle, the third answers; close() settles them`, async () => {
        const h = await make();
        await restingBuy(h, "h-rest");
        h.venue.hangNext(method, 2);
        const first = track(call(h.venue));
        const second = track(call(h.venue));
        await letTimePass(h);
        assert.equal(first.settled || second.settled, false);
        if (method === "cancelAllOrders") assert.equal((await h.venue.fetchOrder("h-rest")).status, "open", "a hung cancel-all cancels nothing");
        await call(h.venue);
        await h.venue.close();
        await letTimePass(h, 0);
        assert.ok(first.error instanceof VenueUnavailable && second.error instanceof VenueUnavailable);
      });
    }

    test("hideFreshOrders(ms): fresh orders are unknown to fetchOrder and missing from fetchOpenOrders until ms old", async () => {
      const h = await make();
      await restingBuy(h, "old");
      await letTimePass(h, 5000);
      h.venue.hideFreshOrders(3000);
      const o = await restingBuy(h, "fresh");
      await assert.rejects(h.venue.fetchOrder("fresh"), OrderNotFound);
      assert.deepEqual((await h.venue.fetchOpenOrders()).map((x) => x.clientOrderId), ["old"]);
      await letTimePass(h, 2999 - (h.clock.now() - o.ts));
      await assert.rejects(h.venue.fetchOrder("fresh"), OrderNotFound, "still hidden just before");
      await letTimePass(h, 1);
      assert.equal((await h.venue.fetchOrder("fresh")).status, "open");
      assert.deepEqual((await h.venue.fetchOpenOrders()).map((x) => x.clientOrderId), ["old", "fresh"]);
      h.venue.hideFreshOrders(0);
      await restingBuy(h, "fresh2");
      assert.equal((await h.venue.fetchOrder("fresh2")).status, "open", "0 turns it off");
      await h.venue.close();
    });

    test("adjustPosition: the position moves without a fill; cash does not; reduce-only follows the new position", async () => {
      const h = await make();
      h.venue.adjustPosition("0.25");
      assert.equal((await h.venue.fetchPosition()).qty.toString(), "0.25");
      const bal = await h.venue.fetchBalance();
      assert.equal(bal.base.toString(), "0.25");
      assert.equal(bal.quote.toString(), "0");
      assert.deepEqual(await h.venue.fetchMyTrades(), []);
      const o = await h.venue.createOrder({ clientOrderId: "ro", side: "sell", type: "market", size: d("0.1"), reduceOnly: true });
      assert.equal(o.status, "filled", "a reduce-only sell is accepted against the adjusted long");
      h.venue.adjustPosition(d("-0.15"));
      assert.equal((await h.venue.fetchPosition()).qty.toString(), "0");
      assert.throws(() => h.venue.adjustPosition("0.0001"), /not a multiple of the lot size 0\.001/);
      await h.venue.close();
    });

    test("an unknown mode is refused instead of silently injecting nothing", async () => {
      const h = await make();
      assert.throws(() => h.venue.failNextCreate("lost" as never), /failNextCreate: unknown mode "lost"; expected one of lost_ack, timeout, hang, hang_after_accept, error/);
      assert.throws(() => h.venue.failNextCancel("later" as never), /failNextCancel: unknown mode "later"/);
      assert.throws(() => h.venue.hangNext("createOrder" as never, 1), /hangNext: unknown method "createOrder"; expected one of fetchOrderBook, fetchOpenOrders, fetchOrder, fetchPosition, fetchMyTrades, cancelAllOrders/);
      await h.venue.close();
    });
  });
}

describe("orderBookNow: the book without a call, for a simulation's tick; null whenever the call would not just answer", () => {
  for (const [name, make] of Object.entries(makers)) {
    test(`${name}: the same book as fetchOrderBook; null with a hang scripted (left for the call), under a throttle, and once closed`, async () => {
      const h = await make();
      await letTimePass(h, 5_000);
      const now = h.venue.orderBookNow();
      assert.ok(now && now.bids.length > 0 && now.asks.length > 0);
      const fetched = await h.venue.fetchOrderBook();
      assert.deepEqual(JSON.parse(JSON.stringify(now)), JSON.parse(JSON.stringify(fetched)));

      h.venue.hangNext("fetchOrderBook", 1);
      assert.equal(h.venue.orderBookNow(), null);
      const hung = track(h.venue.fetchOrderBook());
      await letTimePass(h, 1_000);
      assert.equal(hung.settled, false, "the scripted hang was left for the call");
      assert.ok(h.venue.orderBookNow(), "and the next tick reads the book again");

      h.venue.throttle(1);
      assert.equal(h.venue.orderBookNow(), null);
      await assert.rejects(h.venue.fetchOrderBook(), /rate limit/);

      await h.venue.close();
      assert.equal(h.venue.orderBookNow(), null);
      await letTimePass(h, 0);
      assert.equal(hung.settled, true, "close() settles the hung call");
    });
  }
});
