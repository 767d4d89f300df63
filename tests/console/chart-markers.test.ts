// Issue 14, item 2 (the chart side): with rebalance 0.1 and emergency 0.15, rebalances fired at ±0.125 and
// the emergency at 0.168, but the sampled line peaked at 0.10 and showed none of it. The charts now mark
// fills, rebalances, emergency closes, parameter versions and risk-state changes from the events.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { FillDTO, OrderDTO, ParamVersionDTO, SnapshotDTO } from "@/lib/events";
import { chartMarkers, MAX_FILL_MARKERS, riskChanges } from "@/components/dashboard/chart-markers";

const snap = (ts: number, riskState: SnapshotDTO["riskState"]): SnapshotDTO => ({
  ts, mid: "2000", bestBid: null, bestAsk: null, ourBid: null, ourAsk: null, inventory: "0", ratio: 0.1, skew: 0,
  realizedPnl: "0", unrealizedPnl: "0", totalPnl: "0", fees: "0", riskState,
});
const fill = (ts: number, side: "buy" | "sell", price: string): FillDTO => ({ tradeId: `t${ts}`, clientOrderId: "o", side, price, size: "0.1", fee: "0", liquidity: "maker", inventoryAfter: "0", ts });
const order = (ts: number, reason: string): OrderDTO => ({ clientOrderId: `o${ts}`, side: "sell", type: "market", price: null, size: "0.1", filledSize: "0.1", status: "filled", reason, createdAt: ts, updatedAt: ts });
const version = (v: number, ts: number): ParamVersionDTO => ({ version: v, params: {}, previous: null, changedBy: "op", reason: "", createdAt: ts, rolledBackFrom: null });

test("every kind of event in the window becomes a marker, in time order; outside the window nothing", () => {
  // Sampled once a second: the emergency at 1500 falls between two samples, yet it is marked.
  const points = [snap(1000, "ACTIVE"), snap(2000, "REDUCING"), snap(3000, "REDUCING"), snap(4000, "ACTIVE")];
  const m = chartMarkers({
    from: 1000,
    to: 4000,
    fills: [fill(1200, "buy", "1999.5"), fill(1400, "sell", "2000.5"), fill(500, "buy", "1")],
    actions: [order(1300, "rebalance"), order(1500, "emergency"), order(1600, "quote"), order(9000, "rebalance")],
    versions: [version(1, 0), version(2, 2500)],
    points,
  });
  assert.deepEqual(m.fills.map((f) => [f.ts, f.side, f.y]), [[1400, "sell", 2000.5], [1200, "buy", 1999.5]]);
  assert.deepEqual(m.events.map((e) => [e.kind, e.ts, e.label]), [
    ["rebalance", 1300, "rebal"],
    ["emergency", 1500, "emergency"],
    ["risk", 2000, "REDUCING"],
    ["param", 2500, "v2"],
    ["risk", 4000, "ACTIVE"],
  ]);
});

test("risk changes come from consecutive snapshots; fill dots are capped to the newest", () => {
  assert.deepEqual(riskChanges([snap(1, "ACTIVE"), snap(2, "ACTIVE"), snap(3, "HALTED")]), [{ ts: 3, from: "ACTIVE", to: "HALTED" }]);
  const many = Array.from({ length: MAX_FILL_MARKERS + 50 }, (_, i) => fill(i, "buy", "1"));
  const m = chartMarkers({ from: 0, to: 1e9, fills: many, actions: [], versions: [], points: [] });
  assert.equal(m.fills.length, MAX_FILL_MARKERS);
  assert.equal(m.fills[0]!.ts, MAX_FILL_MARKERS + 49);
});
