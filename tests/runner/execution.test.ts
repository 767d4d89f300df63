// Execution (server/runner/execution.ts): commands are sent, never awaited; the venue's answers come back
// as order events on a real OrderTracker. A create whose outcome we did not hear makes the order unknown and
// is never sent again; a call past its deadline is lost, and its late answer is still applied.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  ExchangeError,
  InsufficientFunds,
  NetworkError,
  OrderNotFound,
  PostOnlyWouldCross,
  RateLimitExceeded,
  RequestTimeout,
  VenueUnavailable,
} from "@/server/venue/errors";
import { executionRig, fillOf, limitOrder, settle } from "@/tests/support/runner-doubles";

/** A rig with one order submitted (not yet answered). */
function submitted(deadlineMs = 1_000) {
  const r = executionRig(deadlineMs);
  const order = r.tracker.track(limitOrder("buy", "99.5"));
  r.execution.submit(order);
  return Object.assign(r, { order });
}

/** A rig with one order the venue acknowledged (open). */
async function resting(deadlineMs = 1_000) {
  const r = submitted(deadlineMs);
  r.venue.answerCreate(r.order.clientOrderId, "open");
  await settle();
  assert.equal(r.order.state, "open");
  return r;
}

describe("Execution.submit", () => {
  test("returns at once without waiting for the venue; the order stays pending_new, the call in flight", async () => {
    const r = executionRig();
    const order = r.tracker.track(limitOrder("sell", "100.5", "0.2", { postOnly: true }));
    const ret: unknown = r.execution.submit(order);
    assert.equal(ret, undefined, "submit returns nothing to await");
    assert.equal(r.venue.creates.length, 1);
    const req = r.venue.creates[0]!.req;
    assert.deepEqual(
      [req.clientOrderId, req.side, req.type, req.price?.toString(), req.size.toString(), req.postOnly, req.reduceOnly],
      [order.clientOrderId, "sell", "limit", "100.5", "0.2", true, false],
    );
    await settle();
    assert.equal(order.state, "pending_new");
    assert.equal(r.execution.pending, 1);
    assert.equal(r.execution.busyWith(order), true);
    assert.equal(r.settled, 0);
  });

  test("an accepted create moves pending_new → open with the venue's order id, and signals settled", async () => {
    const r = submitted();
    r.venue.answerCreate(r.order.clientOrderId, "open");
    await settle();
    assert.equal(r.order.state, "open");
    assert.equal(r.order.venueOrderId, `v-${r.order.clientOrderId}`);
    assert.equal(r.execution.pending, 0);
    assert.equal(r.execution.busyWith(r.order), false);
    assert.equal(r.settled, 1);
    assert.deepEqual(r.lost, []);
    assert.deepEqual(r.rejected, []);
  });

  for (const err of [new PostOnlyWouldCross("would cross"), new InsufficientFunds("no money"), new ExchangeError("no"), new RateLimitExceeded("slow down", { retryAfterMs: 500 })]) {
    test(`${err.name} rejects the order and calls onRejected once`, async () => {
      const r = submitted();
      r.venue.failCreate(r.order.clientOrderId, err);
      await settle();
      assert.equal(r.order.state, "rejected");
      assert.match(r.order.statusReason ?? "", new RegExp(err.name));
      assert.equal(r.rejected.length, 1);
      assert.equal(r.rejected[0]!.order, r.order);
      assert.equal(r.rejected[0]!.err, err);
      assert.deepEqual(r.lost, []);
      assert.equal(r.settled, 1);
      assert.equal(r.tracker.liveCount, 0);
    });
  }

  for (const err of [new RequestTimeout("timed out"), new VenueUnavailable("502"), new NetworkError("socket hang up"), new TypeError("fetch failed"), "a string thrown"]) {
    const name = err instanceof Error ? err.name : "a non-Error";
    test(`${name} makes the order unknown (onLost, create) and it is never sent again`, async () => {
      const r = submitted(1_000);
      r.venue.failCreate(r.order.clientOrderId, err);
      await settle();
      assert.equal(r.order.state, "unknown");
      assert.equal(r.lost.length, 1);
      assert.equal(r.lost[0]!.order, r.order);
      assert.equal(r.lost[0]!.kind, "create");
      assert.deepEqual(r.rejected, []);
      // Ticks go by, deadlines pass: nothing re-sends it.
      for (let i = 0; i < 5; i++) {
        r.clock.advance(1_000);
        r.execution.expire();
        await settle();
      }
      assert.equal(r.venue.createsOf(r.order.clientOrderId), 1);
      assert.equal(r.execution.sent.creates, 1);
      assert.equal(r.lost.length, 1, "lost is reported once");
      assert.equal(r.tracker.liveOn("buy").length, 1, "the unknown order still blocks its side");
    });
  }

  test("a venue that throws synchronously does not throw out of submit: the order becomes unknown", async () => {
    const r = executionRig();
    const order = r.tracker.track(limitOrder("buy", "99"));
    r.venue.throwOnCreate = new TypeError("cannot read properties of undefined");
    assert.doesNotThrow(() => r.execution.submit(order));
    await settle();
    assert.equal(order.state, "unknown");
    assert.equal(r.lost.length, 1);
    assert.equal(r.venue.createsOf(order.clientOrderId), 1);
  });

  test("a create past its deadline is lost once; its late answer is still applied", async () => {
    const r = submitted(1_000);
    r.clock.advance(999);
    r.execution.expire();
    assert.equal(r.order.state, "pending_new", "not lost before the deadline");
    assert.equal(r.lost.length, 0);

    r.clock.advance(1);
    r.execution.expire();
    assert.equal(r.order.state, "unknown");
    assert.equal(r.lost.length, 1);
    assert.equal(r.lost[0]!.kind, "create");
    assert.match(r.lost[0]!.why, /no answer to create within 1000 ms/);
    assert.equal(r.execution.busyWith(r.order), false, "an expired call no longer counts as busy");
    assert.equal(r.execution.pending, 1, "but it is still unanswered");

    r.clock.advance(5_000);
    r.execution.expire();
    assert.equal(r.lost.length, 1, "expire reports a lost call once");

    r.venue.answerCreate(r.order.clientOrderId, "open");
    await settle();
    assert.equal(r.order.state, "open", "the late acknowledgement resolves the unknown order");
    assert.equal(r.execution.pending, 0);
    assert.equal(r.venue.createsOf(r.order.clientOrderId), 1);
  });

  test("a late rejection after the deadline is applied too", async () => {
    const r = submitted(100);
    r.clock.advance(100);
    r.execution.expire();
    assert.equal(r.order.state, "unknown");
    r.venue.failCreate(r.order.clientOrderId, new PostOnlyWouldCross("would cross"));
    await settle();
    assert.equal(r.order.state, "rejected");
    assert.equal(r.rejected.length, 1);
  });
});

describe("Execution.cancel", () => {
  test("sends one cancel while a cancel of the order is in flight", async () => {
    const r = await resting();
    assert.equal(r.execution.cancel(r.order, "re-quote"), true);
    assert.equal(r.order.state, "pending_cancel");
    assert.equal(r.execution.cancel(r.order, "re-quote"), false);
    assert.equal(r.execution.cancel(r.order, "stand down"), false);
    assert.equal(r.venue.cancelsOf(r.order.clientOrderId), 1);
    assert.equal(r.execution.sent.cancels, 1);

    r.venue.answerCancel(r.order, "cancelled");
    await settle();
    assert.equal(r.order.state, "cancelled");
    assert.equal(r.execution.cancel(r.order, "again"), false, "a finished order is not cancelled again");
    assert.equal(r.venue.cancelsOf(r.order.clientOrderId), 1);
  });

  test("a cancel past its deadline is lost (unknown) and another cancel may then be sent", async () => {
    const r = await resting(500);
    r.execution.cancel(r.order, "re-quote");
    r.clock.advance(500);
    r.execution.expire();
    assert.equal(r.order.state, "unknown");
    assert.deepEqual(r.lost.map((l) => l.kind), ["cancel"]);
    assert.equal(r.execution.cancel(r.order, "retry"), true);
    assert.equal(r.venue.cancelsOf(r.order.clientOrderId), 2);
    assert.equal(r.order.state, "pending_cancel");
  });

  test("OrderNotFound is provisional: the order becomes unknown and onLost(cancel) is called", async () => {
    const r = await resting();
    r.execution.cancel(r.order, "re-quote");
    r.venue.failCancel(r.order.clientOrderId, new OrderNotFound("no such order"));
    await settle();
    assert.equal(r.order.state, "unknown");
    assert.equal(r.lost.length, 1);
    assert.equal(r.lost[0]!.kind, "cancel");
    assert.equal(r.tracker.liveCount, 1, "not treated as gone");
  });

  test("a network error on cancel makes the order unknown", async () => {
    const r = await resting();
    r.execution.cancel(r.order, "re-quote");
    r.venue.failCancel(r.order.clientOrderId, new RequestTimeout("timed out"));
    await settle();
    assert.equal(r.order.state, "unknown");
    assert.deepEqual(r.lost.map((l) => l.kind), ["cancel"]);
  });

  test("a refused cancel (ExchangeError) returns the order to open", async () => {
    const r = await resting();
    r.execution.cancel(r.order, "re-quote");
    r.venue.failCancel(r.order.clientOrderId, new ExchangeError("cancel refused"));
    await settle();
    assert.equal(r.order.state, "open");
    assert.deepEqual(r.lost, []);
    assert.equal(r.settled, 2);
  });

  test("a refused cancel of an order with fills returns it to partially_filled", async () => {
    const r = await resting();
    r.tracker.onFill(fillOf(r.order, "0.04"));
    assert.equal(r.order.state, "partially_filled");
    r.execution.cancel(r.order, "re-quote");
    r.venue.failCancel(r.order.clientOrderId, new ExchangeError("cancel refused"));
    await settle();
    assert.equal(r.order.state, "partially_filled");
    assert.equal(r.order.filled.toString(), "0.04");
  });

  test("a cancel answered 'filled' with every fill booked finishes the order as filled", async () => {
    const r = await resting();
    r.execution.cancel(r.order, "re-quote");
    r.tracker.onFill(fillOf(r.order, "0.1"));
    assert.equal(r.order.state, "filled");
    r.venue.answerCancel(r.order, "filled", "0.1");
    await settle();
    assert.equal(r.order.state, "filled");
    assert.equal(r.execution.pending, 0);
  });
});
