// The order state table (lib/orders.ts) through its one owner, OrderTracker: every (state, event) pair is
// tried. The expected table is written out here on purpose, not read from lib/orders.ts: changing the
// lifecycle must change this file too. Then the rules the table alone does not carry: "filled" means the
// booked fills sum to the size, and "not found" is final only after repeated answers over the grace period.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { IllegalOrderTransition, ORDER_STATES, canMoveOrderState, type OrderEvent, type OrderState } from "@/lib/orders";
import { OrderTracker, type TrackedOrder } from "@/server/runner/order-tracker";
import type { OrderRecord } from "@/server/store";
import type { VenueFill, VenueOrder } from "@/server/venue/types";

const D = (v: Decimal.Value) => new Decimal(v);

const EVENTS: readonly OrderEvent[] = [
  "submit_lost",
  "accepted",
  "fill",
  "filled",
  "cancel_sent",
  "cancel_lost",
  "cancel_failed",
  "cancelled",
  "rejected",
  "expired",
  "not_found",
  "found_open",
];

/** Where each legal event leads; every pair not listed must be refused. */
const EXPECTED: Record<OrderState, Partial<Record<OrderEvent, OrderState>>> = {
  pending_new: {
    submit_lost: "unknown",
    accepted: "open",
    fill: "partially_filled",
    filled: "filled",
    cancel_sent: "pending_cancel",
    cancelled: "cancelled",
    rejected: "rejected",
    expired: "expired",
    not_found: "rejected",
  },
  open: {
    accepted: "open",
    fill: "partially_filled",
    filled: "filled",
    cancel_sent: "pending_cancel",
    cancelled: "cancelled",
    expired: "expired",
    not_found: "cancelled",
  },
  partially_filled: {
    accepted: "partially_filled",
    fill: "partially_filled",
    filled: "filled",
    cancel_sent: "pending_cancel",
    cancelled: "cancelled",
    expired: "expired",
    not_found: "cancelled",
  },
  pending_cancel: {
    accepted: "pending_cancel",
    fill: "pending_cancel",
    filled: "filled",
    cancel_sent: "pending_cancel",
    cancel_lost: "unknown",
    cancel_failed: "open",
    cancelled: "cancelled",
    rejected: "rejected",
    expired: "expired",
    not_found: "cancelled",
  },
  unknown: {
    submit_lost: "unknown",
    accepted: "open",
    found_open: "open",
    fill: "unknown",
    filled: "filled",
    cancel_sent: "pending_cancel",
    cancel_lost: "unknown",
    cancelled: "cancelled",
    rejected: "rejected",
    expired: "expired",
    not_found: "rejected",
  },
  filled: {},
  cancelled: {},
  rejected: {},
  expired: {},
};

const T0 = Date.UTC(2026, 0, 1);

function clock(start = T0) {
  let t = start;
  return { now: () => t, set: (v: number) => void (t = v), advance: (ms: number) => void (t += ms) };
}

/** A stored order as recovery hands it to the tracker: the way to put an order in any state. */
function record(id: string, status: OrderState, filledSize: Decimal.Value = 0, size: Decimal.Value = 1): OrderRecord {
  const at = new Date(T0);
  return {
    id,
    clientOrderId: id,
    strategyId: "s",
    runId: null,
    side: "buy",
    type: "limit",
    price: D("100"),
    size: D(size),
    filledSize: D(filledSize),
    status,
    statusReason: null,
    venueOrderId: null,
    reduceOnly: false,
    postOnly: true,
    reason: "quote",
    createdAt: at,
    updatedAt: at,
    openedAt: null,
    closedAt: null,
    history: [],
  };
}

function newOrder(tracker: OrderTracker, id = "o-1", size: Decimal.Value = 1): TrackedOrder {
  return tracker.track({ clientOrderId: id, side: "buy", type: "limit", price: D("100"), size: D(size), reduceOnly: false, postOnly: true, reason: "quote" });
}

const fill = (clientOrderId: string, size: Decimal.Value, tradeId: string): VenueFill => ({
  tradeId,
  clientOrderId,
  venueOrderId: "v-1",
  side: "buy",
  price: D("100"),
  size: D(size),
  fee: D(0),
  liquidity: "maker",
  ts: T0,
});

const venueOrder = (clientOrderId: string, status: VenueOrder["status"], filledSize: Decimal.Value, size: Decimal.Value = 1): VenueOrder => ({
  clientOrderId,
  venueOrderId: "v-1",
  side: "buy",
  type: "limit",
  price: D("100"),
  size: D(size),
  filledSize: D(filledSize),
  status,
  ts: T0,
});

describe("order state table through OrderTracker.apply", () => {
  test("the table in lib/orders.ts covers every state", () => {
    assert.deepEqual([...ORDER_STATES].sort(), Object.keys(EXPECTED).sort());
  });

  for (const from of ORDER_STATES) {
    for (const event of EVENTS) {
      const to = EXPECTED[from][event];
      test(`${from} + ${event} → ${to ?? "IllegalOrderTransition"}`, () => {
        const c = clock();
        const tracker = new OrderTracker({ now: c.now });
        const changes: Array<{ to: OrderState; event: OrderEvent } | null> = [];
        tracker.onChange((_o, t) => changes.push(t ? { to: t.to, event: t.event } : null));
        tracker.restore(record("o", from));
        c.advance(10);
        if (to === undefined) {
          assert.throws(
            () => tracker.apply("o", event, "test"),
            (err: unknown) => err instanceof IllegalOrderTransition && err.from === from && err.event === event && err.clientOrderId === "o",
          );
          const o = tracker.get("o")!;
          assert.equal(o.state, from, "a refused event changed the state");
          assert.deepEqual(o.history, [], "a refused event was recorded");
          assert.deepEqual(changes, [], "a refused event was announced");
          // offer() is the lenient form for late answers: the same refusal, silently.
          assert.equal(tracker.offer("o", event), false);
          assert.equal(tracker.get("o")!.state, from);
          return;
        }
        const o = tracker.apply("o", event, "test");
        assert.equal(o.state, to);
        assert.deepEqual(o.history.at(-1), { at: T0 + 10, from, to, event, reason: "test" });
        assert.deepEqual(changes, [{ to, event }]);
        assert.equal(o.closedAt, ["filled", "cancelled", "rejected", "expired"].includes(to) ? T0 + 10 : null);
        // A stored order may follow every move the tracker makes (the store checks the same table).
        assert.ok(canMoveOrderState(from, to), `the store would refuse ${from} → ${to}`);
      });
    }
  }

  test("an order the tracker does not know is an error, not a silent no-op", () => {
    const tracker = new OrderTracker({ now: clock().now });
    assert.throws(() => tracker.apply("nope", "accepted"), /not tracked/);
    assert.equal(tracker.offer("nope", "accepted"), false);
  });

  test("'open' with fills booked is partially_filled (cancel_failed and found_open return to the resting state)", () => {
    const tracker = new OrderTracker({ now: clock().now });
    tracker.restore(record("a", "pending_cancel", "0.4"));
    assert.equal(tracker.apply("a", "cancel_failed").state, "partially_filled");
    tracker.restore(record("b", "unknown", "0.4"));
    assert.equal(tracker.apply("b", "found_open").state, "partially_filled");
    tracker.restore(record("c", "pending_cancel", "0"));
    assert.equal(tracker.apply("c", "cancel_failed").state, "open");
  });

  test("a new order starts pending_new, before any venue call, and is tracked once", () => {
    const tracker = new OrderTracker({ now: clock().now });
    const o = newOrder(tracker);
    assert.equal(o.state, "pending_new");
    assert.ok(o.filled.isZero());
    assert.deepEqual(tracker.live(), [o]);
    assert.throws(() => newOrder(tracker), /already tracked/);
  });
});

describe("filled means the booked fills sum to the size", () => {
  test("the venue saying 'filled' does not close the order; the booked fills do", () => {
    const tracker = new OrderTracker({ now: clock().now });
    const o = newOrder(tracker, "o", "1");
    tracker.onVenueOrder(venueOrder("o", "filled", "1"));
    assert.equal(o.state, "open", "filled at the venue, no fill booked: still open, waiting for the fills");
    assert.ok(o.venueFilled.eq(1), "the venue's figure is kept to ask for the missing fills");
    tracker.onFill(fill("o", "0.4", "t1"));
    assert.equal(o.state, "partially_filled");
    tracker.onVenueOrder(venueOrder("o", "filled", "1"));
    assert.equal(o.state, "partially_filled");
    tracker.onFill(fill("o", "0.6", "t2"));
    assert.equal(o.state, "filled");
    assert.ok(o.filled.eq(1));
    assert.deepEqual(
      o.history.map((t) => `${t.from}→${t.to}`),
      ["pending_new→open", "open→partially_filled", "partially_filled→filled"],
    );
  });

  test("a lost create the venue reports filled: the order is found (open), filled only by its fills", () => {
    const tracker = new OrderTracker({ now: clock().now });
    const o = newOrder(tracker, "o", "1");
    tracker.apply("o", "submit_lost");
    tracker.onVenueOrder(venueOrder("o", "filled", "1"));
    assert.equal(o.state, "open");
    tracker.onFill(fill("o", "1", "t1"));
    assert.equal(o.state, "filled");
  });

  test("a cancel answered 'cancelled' after the fills completed the order closes it filled, not cancelled", () => {
    const tracker = new OrderTracker({ now: clock().now });
    tracker.restore(record("o", "pending_cancel", "0.5"));
    tracker.onVenueOrder(venueOrder("o", "cancelled", "0.5"));
    assert.equal(tracker.get("o")!.state, "cancelled");
    tracker.restore(record("p", "pending_cancel", "1"));
    tracker.onVenueOrder(venueOrder("p", "cancelled", "1"));
    assert.equal(tracker.get("p")!.state, "filled");
  });

  test("a cancel answered 'filled' without the fills booked leaves the order pending until they are", () => {
    const tracker = new OrderTracker({ now: clock().now });
    const o = newOrder(tracker, "o", "1");
    tracker.onVenueOrder(venueOrder("o", "open", "0"));
    tracker.apply("o", "cancel_sent");
    tracker.onVenueOrder(venueOrder("o", "filled", "1"));
    assert.equal(o.state, "pending_cancel");
    tracker.onFill(fill("o", "1", "t1"));
    assert.equal(o.state, "filled");
  });

  test("a fill after the order closed changes its amounts, never its state", () => {
    const tracker = new OrderTracker({ now: clock().now });
    const o = newOrder(tracker, "o", "1");
    tracker.onVenueOrder(venueOrder("o", "open", "0"));
    tracker.apply("o", "cancel_sent");
    tracker.onVenueOrder(venueOrder("o", "cancelled", "0"));
    assert.equal(o.state, "cancelled");
    tracker.onFill(fill("o", "0.2", "t1"));
    assert.equal(o.state, "cancelled");
    assert.ok(o.filled.eq("0.2"));
  });

  test("fills while unknown or pending_cancel keep the state until the size is booked", () => {
    const tracker = new OrderTracker({ now: clock().now });
    const u = newOrder(tracker, "u", "1");
    tracker.apply("u", "submit_lost");
    tracker.onFill(fill("u", "0.3", "t1"));
    assert.equal(u.state, "unknown");
    tracker.onFill(fill("u", "0.7", "t2"));
    assert.equal(u.state, "filled");
    const p = newOrder(tracker, "p", "1");
    tracker.onVenueOrder(venueOrder("p", "open", "0"));
    tracker.apply("p", "cancel_sent");
    tracker.onFill(fill("p", "0.5", "t3"));
    assert.equal(p.state, "pending_cancel");
  });
});

describe("'not found' is final only after the configured attempts over the grace period", () => {
  const attempts = 3;
  const grace = 3_000;

  test("three answers within the grace period are not enough; the one after it is", () => {
    const c = clock();
    const tracker = new OrderTracker({ now: c.now });
    const o = newOrder(tracker, "o");
    tracker.apply("o", "submit_lost");
    for (const t of [0, 1_000, 2_000, 2_999]) {
      c.set(T0 + t);
      assert.equal(tracker.onNotFound("o", grace, attempts), false, `final at +${t} ms`);
      assert.equal(o.state, "unknown");
    }
    c.set(T0 + 3_000);
    assert.equal(tracker.onNotFound("o", grace, attempts), true);
    assert.equal(o.state, "rejected", "an unknown order the venue never held never rested: rejected");
    assert.match(o.statusReason ?? "", /not held by the venue after 5 queries over 3000 ms/);
  });

  test("a long grace period with too few answers is not enough either", () => {
    const c = clock();
    const tracker = new OrderTracker({ now: c.now });
    const o = newOrder(tracker, "o");
    assert.equal(tracker.onNotFound("o", grace, attempts), false);
    c.advance(60_000);
    assert.equal(tracker.onNotFound("o", grace, attempts), false);
    assert.equal(o.state, "pending_new");
    c.advance(1);
    assert.equal(tracker.onNotFound("o", grace, attempts), true);
    assert.equal(o.state, "rejected");
  });

  test("an answer from the venue in between starts the count again", () => {
    const c = clock();
    const tracker = new OrderTracker({ now: c.now });
    const o = newOrder(tracker, "o");
    tracker.onNotFound("o", grace, attempts);
    c.advance(1_500);
    tracker.onNotFound("o", grace, attempts);
    c.advance(1_500);
    tracker.onVenueOrder(venueOrder("o", "open", "0"));
    assert.equal(o.state, "open");
    for (let i = 0; i < 2; i++) {
      c.advance(1_500);
      assert.equal(tracker.onNotFound("o", grace, attempts), false);
    }
    c.advance(1_500);
    assert.equal(tracker.onNotFound("o", grace, attempts), true);
    assert.equal(o.state, "cancelled", "an order that rested and is gone: cancelled");
  });

  test("an unknown order with fills booked did rest: gone means cancelled, not rejected", () => {
    const c = clock();
    const tracker = new OrderTracker({ now: c.now });
    const o = newOrder(tracker, "o", "1");
    tracker.apply("o", "submit_lost");
    tracker.onFill(fill("o", "0.25", "t1"));
    for (let i = 0; i < attempts; i++) {
      tracker.onNotFound("o", grace, attempts);
      c.advance(grace / (attempts - 1));
    }
    assert.equal(o.state, "cancelled");
  });

  test("a finished order ignores 'not found'", () => {
    const c = clock();
    const tracker = new OrderTracker({ now: c.now });
    tracker.restore(record("o", "filled", "1"));
    for (let i = 0; i < 5; i++) {
      assert.equal(tracker.onNotFound("o", 0, 1), false);
      c.advance(grace);
    }
    assert.equal(tracker.get("o")!.state, "filled");
  });
});

describe("tracker bookkeeping", () => {
  test("live() holds exactly the orders in a live state; finished ones are pruned after the retention", () => {
    const c = clock();
    const tracker = new OrderTracker({ now: c.now, retainClosedMs: 1_000 });
    for (const s of ORDER_STATES) tracker.restore(record(`o-${s}`, s));
    assert.deepEqual(tracker.live().map((o) => o.state).sort(), ["open", "partially_filled", "pending_cancel", "pending_new", "unknown"]);
    const done = newOrder(tracker, "done");
    tracker.apply("done", "rejected");
    assert.equal(done.closedAt, T0);
    c.advance(1_001);
    tracker.prune();
    assert.equal(tracker.get("done"), undefined);
    assert.ok(tracker.get("o-open"), "live orders are never pruned");
  });

  test("restingOn names only an acknowledged limit order", () => {
    const tracker = new OrderTracker({ now: clock().now });
    newOrder(tracker, "p");
    assert.equal(tracker.restingOn("buy"), undefined);
    tracker.onVenueOrder(venueOrder("p", "open", "0"));
    assert.equal(tracker.restingOn("buy")?.clientOrderId, "p");
    tracker.apply("p", "cancel_sent");
    assert.equal(tracker.restingOn("buy"), undefined);
  });
});
