// views.ts: the runner's state as the dashboard sees it. Our bid and ask are the newest live limit order on
// each side; the reconciliation panel says not_checked / ok / mismatch with the difference venue − desk;
// the stored snapshot is null before the first mid and carries exact decimals after.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { applyFill, flatPosition, type Position } from "@/lib/portfolio";
import { compileStrategyParams, decideQuotes, type QuoteDecision } from "@/lib/strategy";
import { OrderTracker } from "@/server/runner/order-tracker";
import type { ReconcileReport } from "@/server/runner/reconciler";
import { reconciliationOf, snapshotRecordOf, statusOf, type ViewState } from "@/server/runner/views";
import { D, MARKET, ManualClock, limitOrder } from "@/tests/support/runner-doubles";

const PARAMS = compileStrategyParams({ targetInventory: "0.1", maxInventory: "1", orderSize: "0.1", safeRangeLow: null, safeRangeHigh: null });

/** Long 0.3 at 99.99, 0.01 paid in fees. */
const LONG: Position = applyFill(flatPosition, { side: "buy", price: D("99.99"), size: D("0.3"), fee: D("0.01") });

function view(tracker: OrderTracker, over: Partial<ViewState> = {}): ViewState {
  return {
    strategyName: "views",
    mode: "paper",
    venueId: "hand",
    market: MARKET,
    position: LONG,
    params: PARAMS,
    paramVersion: 4,
    riskState: "ACTIVE",
    running: true,
    paused: false,
    rebalanceCount: 0,
    decision: null,
    lastTickAt: null,
    tickMs: 250,
    staleAfterMs: 5_000,
    tracker,
    mismatch: null,
    lastReconcile: null,
    tolerance: D("0.01"),
    ...over,
  };
}

function report(venueQty: Decimal.Value | null, at: number, deskQty: Decimal.Value = LONG.qty): ReconcileReport {
  return { why: "periodic", at, deskQty: D(deskQty), venueQty: venueQty === null ? null : D(venueQty), orphansCancelled: 0, fillsRecovered: 0, error: venueQty === null ? "RequestTimeout: no answer" : null };
}

function decisionWithMid(mid: string): QuoteDecision {
  return {
    bid: { price: D("99.98"), size: D("0.1") },
    ask: { price: D("100.03"), size: D("0.1") },
    skipped: [],
    action: null,
    metrics: { mid: D(mid), bestBid: D("99.99"), bestAsk: D("100.02"), ratio: 0.2, skew: -0.1, positionSkew: 0.2, imbalance: 0, spread: D("0.03") },
    warnings: [],
    usedFallback: false,
    mergeable: null,
  };
}

describe("statusOf: our quotes", () => {
  test("our bid and ask are the newest live limit order on each side", () => {
    const clock = new ManualClock();
    const tracker = new OrderTracker({ now: clock.now });
    const oldBid = tracker.track(limitOrder("buy", "99"));
    tracker.apply(oldBid.clientOrderId, "accepted");
    const ask = tracker.track(limitOrder("sell", "101"));
    tracker.apply(ask.clientOrderId, "accepted");
    clock.advance(100);
    // A re-quote in flight: the old bid is being cancelled, the new one not yet acknowledged.
    tracker.apply(oldBid.clientOrderId, "cancel_sent");
    const newBid = tracker.track(limitOrder("buy", "98.5"));
    // A newer market order on the ask side is not a quote.
    tracker.track({ clientOrderId: "mkt", side: "sell", type: "market", price: null, size: D("0.1"), reduceOnly: true, postOnly: false, reason: "emergency" });

    let st = statusOf(view(tracker));
    assert.deepEqual([st.ourBid, st.ourAsk], ["98.5", "101"]);
    assert.equal(st.openOrders.length, 4);

    tracker.apply(newBid.clientOrderId, "rejected", "post-only would cross");
    st = statusOf(view(tracker));
    assert.equal(st.ourBid, "99", "a finished order is not our quote");

    tracker.apply(oldBid.clientOrderId, "cancelled");
    tracker.apply(ask.clientOrderId, "cancel_sent");
    tracker.apply(ask.clientOrderId, "cancelled");
    st = statusOf(view(tracker));
    assert.deepEqual([st.ourBid, st.ourAsk], [null, null]);
  });

  test("carries the position and parameters as exact strings", () => {
    const tracker = new OrderTracker({ now: () => 0 });
    const st = statusOf(view(tracker, { decision: decisionWithMid("100.005"), lastTickAt: 123, paused: true, riskState: "REDUCING" }));
    assert.deepEqual(
      [st.inventory, st.targetInventory, st.maxInventory, st.ratio, st.fees, st.realizedPnl, st.unrealizedPnl, st.mid, st.bestBid, st.bestAsk, st.paramVersion],
      ["0.3", "0.1", "1", 0.2, "0.01", "0", "0.0045", "100.005", "99.99", "100.02", 4],
    );
    assert.deepEqual([st.strategy, st.market, st.venue, st.mode, st.riskState, st.paused, st.lastTickAt], ["views", "TEST-USD", "hand", "paper", "REDUCING", true, 123]);
  });
});

describe("reconciliationOf", () => {
  const tracker = new OrderTracker({ now: () => 0 });

  test("not_checked before any reconciliation", () => {
    assert.deepEqual(reconciliationOf(view(tracker)), {
      state: "not_checked",
      deskInventory: "0.3",
      venuePosition: null,
      difference: null,
      tolerance: "0.01",
      checkedAt: null,
      detectedAt: null,
      unknownOrders: 0,
    });
  });

  test("not_checked when the last check could not read the venue's position", () => {
    const r = reconciliationOf(view(tracker, { lastReconcile: report(null, 5_000) }));
    assert.deepEqual([r.state, r.venuePosition, r.difference, r.checkedAt], ["not_checked", null, null, 5_000]);
  });

  test("ok after a check, with the difference venue − desk", () => {
    let r = reconciliationOf(view(tracker, { lastReconcile: report("0.3", 7_000) }));
    assert.deepEqual([r.state, r.venuePosition, r.difference, r.checkedAt, r.detectedAt], ["ok", "0.3", "0", 7_000, null]);
    r = reconciliationOf(view(tracker, { lastReconcile: report("0.305", 7_000) }));
    assert.deepEqual([r.state, r.difference], ["ok", "0.005"]);
    r = reconciliationOf(view(tracker, { position: flatPosition, lastReconcile: report("0", 7_000, "0") }));
    assert.deepEqual([r.state, r.venuePosition, r.difference], ["ok", "0", "0"], "a flat venue is a figure, not a missing one");
  });

  test("fills booked after a check do not show as a difference: both figures are the check's", () => {
    // Checked when desk and venue both held 0.1; the desk has bought 0.2 since (its position is 0.3 now).
    const r = reconciliationOf(view(tracker, { lastReconcile: report("0.1", 7_000, "0.1") }));
    assert.deepEqual([r.state, r.deskInventory, r.venuePosition, r.difference], ["ok", "0.1", "0.1", "0"]);
  });

  test("mismatch names both figures and the difference venue − desk, with the time it was found", () => {
    const r = reconciliationOf(view(tracker, { mismatch: { deskQty: D("0.3"), venueQty: D("0.05"), at: 9_000 }, lastReconcile: report("0.05", 9_500) }));
    assert.deepEqual(r, {
      state: "mismatch",
      deskInventory: "0.3",
      venuePosition: "0.05",
      difference: "-0.25",
      tolerance: "0.01",
      checkedAt: 9_500,
      detectedAt: 9_000,
      unknownOrders: 0,
    });
  });

  test("counts the orders whose outcome is unknown, and is what statusOf shows", () => {
    const t = new OrderTracker({ now: () => 0 });
    for (const price of ["99", "98"]) t.apply(t.track(limitOrder("buy", price)).clientOrderId, "submit_lost");
    t.apply(t.track(limitOrder("sell", "101")).clientOrderId, "accepted");
    t.track(limitOrder("sell", "102"));
    const v = view(t, { lastReconcile: report("0.3", 1) });
    assert.equal(reconciliationOf(v).unknownOrders, 2);
    assert.deepEqual(statusOf(v).reconciliation, reconciliationOf(v));
  });
});

describe("snapshotRecordOf", () => {
  const tracker = new OrderTracker({ now: () => 0 });

  test("is null before the first decision and while the book gives no mid", () => {
    assert.equal(snapshotRecordOf(view(tracker), "s-1", 1_000), null);
    const noMid = decideQuotes({ inventory: D(0) }, PARAMS, { bids: [], asks: [], ts: 0 }, MARKET);
    assert.equal(noMid.metrics.mid, null, "precondition: an empty book has no mid");
    assert.equal(snapshotRecordOf(view(tracker, { decision: noMid }), "s-1", 1_000), null);
  });

  test("after the first mid, every figure is an exact decimal", () => {
    const t = new OrderTracker({ now: () => 0 });
    t.track(limitOrder("buy", "99.98"));
    t.track(limitOrder("sell", "100.03"));
    const s = snapshotRecordOf(view(t, { decision: decisionWithMid("100.005"), riskState: "REDUCING" }), "s-1", 1_234)!;
    assert.ok(s);
    for (const k of ["mid", "bestBid", "bestAsk", "ourBid", "ourAsk", "inventory", "ratio", "skew", "realizedPnl", "unrealizedPnl", "fees"] as const) {
      assert.ok(s[k] instanceof Decimal, `${k} is a Decimal`);
    }
    const str = (d: Decimal | null) => d?.toString() ?? null;
    assert.deepEqual(
      [str(s.mid), str(s.bestBid), str(s.bestAsk), str(s.ourBid), str(s.ourAsk), str(s.inventory), str(s.ratio), str(s.skew), str(s.realizedPnl), str(s.unrealizedPnl), str(s.fees)],
      // ratio (0.3 − 0.1) / 1 and unrealized (100.005 − 99.99) × 0.3 in floating point would be 0.19999999999999998 and 0.004499999999999…
      // The skew is the position's (ratio 0.2 × skewFactor 0.5), not the decision's −0.1: a point taken at a
      // fill comes before the decision on the new inventory.
      ["100.005", "99.99", "100.02", "99.98", "100.03", "0.3", "0.2", "0.1", "0", "0.0045", "0.01"],
    );
    assert.deepEqual([s.strategyId, s.ts.getTime(), s.riskState], ["s-1", 1_234, "REDUCING"]);
  });
});
