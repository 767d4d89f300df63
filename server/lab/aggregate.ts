// A parameter set's figures over its runs: means of money (exact, rounded to cents as displayed), the worst
// inventory, totals of counts. Runs arrive in plan order, so the same plan aggregates to the same bytes.
import Decimal from "decimal.js";
import type { ParamSet } from "@/lib/lab/grid";
import type { LabPathPoint, LabRunMetrics, LabSetResult } from "@/lib/lab/types";

const ZERO = new Decimal(0);

/** Rounded for display, and never "-0.00" (a stored zero reads back unsigned). */
export function money(d: Decimal, dp: number): string {
  const r = d.toDecimalPlaces(dp);
  return (r.isZero() ? ZERO : r).toFixed(dp);
}

function mean(runs: readonly LabRunMetrics[], key: "pnl" | "spreadCaptured" | "pnlVolatility" | "fees", dp: number): string {
  if (!runs.length) return ZERO.toFixed(dp);
  return money(runs.reduce((a, r) => a.add(r[key]), ZERO).div(runs.length), dp);
}

export function aggregateSet(index: number, params: ParamSet, runs: readonly LabRunMetrics[], path: LabPathPoint[]): LabSetResult {
  const ticks = runs.reduce((a, r) => a + r.ticks, 0);
  const above = runs.reduce((a, r) => a + r.ticksAboveRebalance, 0);
  return {
    index,
    params: { ...params },
    runs: runs.length,
    pnl: mean(runs, "pnl", 2),
    maxAbsInventory: runs.reduce((a, r) => Decimal.max(a, r.maxAbsInventory), ZERO).toString(),
    fractionAboveRebalance: ticks ? above / ticks : 0,
    msAboveRebalance: runs.length ? Math.round(runs.reduce((a, r) => a + r.msAboveRebalance, 0) / runs.length) : 0,
    emergencyCloses: runs.reduce((a, r) => a + r.emergencyCloses, 0),
    fills: runs.reduce((a, r) => a + r.fills, 0),
    spreadCaptured: mean(runs, "spreadCaptured", 2),
    pnlVolatility: mean(runs, "pnlVolatility", 4),
    fees: mean(runs, "fees", 2),
    perRun: [...runs],
    path,
  };
}
