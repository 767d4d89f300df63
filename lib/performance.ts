// The figures an operator reads to judge the desk over a time range, from the recorded fills and
// snapshots. Money is computed exactly (decimal strings in, decimal strings out); the half-life is a
// statistic of the inventory ratio (an indicator, a number).
//
// - fill rate: fills per hour of the range;
// - spread captured per fill: how far inside mid each fill traded (a buy below mid, a sell above it earn
//   the difference), averaged, in the quote currency and in basis points of mid;
// - fees paid in the range, and PnL change (total, net of fees) and its rate per hour;
// - inventory half-life: how long a deviation from target takes to halve, from the ratio's lag-one
//   autocorrelation over the range (an AR(1) fit): dt · ln ½ / ln φ, for 0 < φ < 1.
import Decimal from "decimal.js";
import type { FillDTO, SnapshotDTO } from "./events";

export interface PerformanceFigures {
  from: number;
  to: number;
  fills: number;
  buys: number;
  sells: number;
  fillsPerHour: number;
  /** Base currency traded. */
  volume: string;
  /** Quote currency per fill; null without a fill with a known mid. */
  spreadCapturedPerFill: string | null;
  spreadCapturedBps: number | null;
  /** Quote currency, as the fills report them. */
  feesPaid: string;
  /** Total PnL (net of fees) at the end of the range minus at its start; null without two snapshots. */
  pnlChange: string | null;
  pnlPerHour: string | null;
  /** Seconds; null when the ratio does not revert within the range (or too few points). */
  inventoryHalfLifeSec: number | null;
}

/** The latest snapshot at or before ts (snapshots ascending). */
function midAt(points: readonly SnapshotDTO[], ts: number): string | null {
  let lo = 0;
  let hi = points.length - 1;
  let found: SnapshotDTO | null = null;
  while (lo <= hi) {
    const m = (lo + hi) >> 1;
    if (points[m]!.ts <= ts) {
      found = points[m]!;
      lo = m + 1;
    } else hi = m - 1;
  }
  return found?.mid ?? null;
}

export function halfLifeSeconds(points: readonly SnapshotDTO[]): number | null {
  if (points.length < 10) return null;
  let num = 0;
  let den = 0;
  for (let i = 1; i < points.length; i++) {
    num += points[i - 1]!.ratio * points[i]!.ratio;
    den += points[i - 1]!.ratio * points[i - 1]!.ratio;
  }
  if (den === 0) return null;
  const phi = num / den;
  if (!(phi > 0 && phi < 1)) return null;
  const dtSec = (points[points.length - 1]!.ts - points[0]!.ts) / (points.length - 1) / 1000;
  return (dtSec * Math.log(0.5)) / Math.log(phi);
}

export function computePerformance(fills: readonly FillDTO[], points: readonly SnapshotDTO[], from: number, to: number): PerformanceFigures {
  const hours = Math.max(to - from, 1) / 3_600_000;
  let volume = new Decimal(0);
  let fees = new Decimal(0);
  let captured = new Decimal(0);
  let capturedBps = new Decimal(0);
  let priced = 0;
  let buys = 0;
  for (const f of fills) {
    if (f.side === "buy") buys++;
    volume = volume.plus(f.size);
    fees = fees.plus(f.fee);
    const mid = midAt(points, f.ts);
    if (mid === null) continue;
    const edge = f.side === "buy" ? new Decimal(mid).minus(f.price) : new Decimal(f.price).minus(mid);
    captured = captured.plus(edge);
    capturedBps = capturedBps.plus(edge.div(mid).times(10_000));
    priced++;
  }
  const first = points[0];
  const last = points[points.length - 1];
  const pnl = first && last && last !== first ? new Decimal(last.totalPnl).minus(first.totalPnl) : null;
  return {
    from,
    to,
    fills: fills.length,
    buys,
    sells: fills.length - buys,
    fillsPerHour: fills.length / hours,
    volume: volume.toFixed(),
    spreadCapturedPerFill: priced ? captured.div(priced).toFixed() : null,
    spreadCapturedBps: priced ? capturedBps.div(priced).toNumber() : null,
    feesPaid: fees.toFixed(),
    pnlChange: pnl?.toFixed() ?? null,
    pnlPerHour: pnl ? pnl.div(hours).toFixed() : null,
    inventoryHalfLifeSec: halfLifeSeconds(points),
  };
}
