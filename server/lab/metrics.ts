// What a lab simulation measures, as it runs: exact money (Decimal) for PnL, fees, inventory and spread
// captured; counts for ticks, fills and emergency closes; and a sampled path of inventory and PnL for the
// page's overlaid charts. PnL volatility is the standard deviation of the PnL's change per sample interval.
import Decimal from "decimal.js";
import type { LabPathPoint, LabRunMetrics } from "@/lib/lab/types";
import { totalPnl } from "@/lib/portfolio";
import type { Runner } from "@/server/runner/runner";
import type { VenueFill } from "@/server/venue";
import { money } from "@/server/lab/aggregate";

const ZERO = new Decimal(0);

export class MetricsRecorder {
  readonly path: LabPathPoint[] = [];
  private spread = ZERO;
  private nextSample: number;
  private lastPnl: Decimal | null = null;
  private readonly changes: Decimal[] = [];

  constructor(
    private readonly runner: Runner,
    private readonly every: number,
    private readonly keepPath: boolean,
    private readonly start: number,
  ) {
    this.nextSample = start;
  }

  private mid(): Decimal | null {
    return this.runner.lastDecision?.metrics.mid ?? null;
  }

  /** A buy below mid or a sell above it earns the difference on its size. */
  onFill(f: VenueFill): void {
    const mid = this.mid();
    if (!mid) return;
    const edge = f.side === "buy" ? mid.sub(f.price) : f.price.sub(mid);
    this.spread = this.spread.add(edge.mul(f.size));
  }

  onTick(ts: number): void {
    if (ts < this.nextSample) return;
    // Stamped with the sample's scheduled time, so every set's path shares the same times.
    const at = this.nextSample;
    this.nextSample += this.every * Math.max(1, Math.ceil((ts - this.nextSample + 1) / this.every));
    const pnl = totalPnl(this.runner.currentPosition, this.mid());
    if (this.lastPnl) this.changes.push(pnl.sub(this.lastPnl));
    this.lastPnl = pnl;
    if (this.keepPath) this.path.push({ t: at - this.start, inventory: this.runner.inventory.toString(), pnl: money(pnl, 2) });
  }

  finish(seed: number | null): LabRunMetrics {
    const st = this.runner.stats;
    const pos = this.runner.currentPosition;
    const pnl = totalPnl(pos, this.mid());
    return {
      seed,
      ticks: st.ticks,
      fills: st.fills,
      pnl: money(pnl, 2),
      fees: money(pos.fees, 2),
      maxAbsInventory: st.maxAbsInventory.toString(),
      ticksAboveRebalance: st.ticksAboveRebalance,
      msAboveRebalance: st.ticksAboveRebalance * this.runner.config.tickMs,
      emergencyCloses: st.emergencies,
      spreadCaptured: money(this.spread, 2),
      pnlVolatility: money(stdDev(this.changes), 4),
    };
  }
}

/** Population standard deviation, exact up to the square root (Decimal's, to its precision). */
export function stdDev(xs: readonly Decimal[]): Decimal {
  if (xs.length < 2) return ZERO;
  const mean = xs.reduce((a, x) => a.add(x), ZERO).div(xs.length);
  const v = xs.reduce((a, x) => a.add(x.sub(mean).pow(2)), ZERO).div(xs.length);
  return v.sqrt();
}
