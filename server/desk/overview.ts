// One overview row per strategy, from its runner's books when it runs and from the last row seen (or the
// record alone) when it does not. The ratio sparkline is a ring the desk feeds once per overview.
import Decimal from "decimal.js";
import type { StrategyOverviewDTO } from "@/lib/desk";
import { totalPnl } from "@/lib/portfolio";
import type { Runner } from "@/server/runner/runner";
import { ratioOf } from "@/server/runner/views";
import type { StrategyRecord } from "@/server/store";

export const SPARK_POINTS = 60;

/** |inventory| × mark in quote currency; zero before the first mark. */
export function exposureOf(r: Runner): Decimal {
  const mark = r.lastDecision?.metrics.mid ?? null;
  return mark === null ? new Decimal(0) : r.inventory.abs().mul(mark);
}

export function pushSpark(ring: number[], v: number): void {
  ring.push(Number.isFinite(v) ? Math.round(v * 1000) / 1000 : 0);
  if (ring.length > SPARK_POINTS) ring.splice(0, ring.length - SPARK_POINTS);
}

export function runningRow(s: StrategyRecord, r: Runner, spark: number[], openAlerts: number): StrategyOverviewDTO {
  const v = r.view();
  const mark = r.lastDecision?.metrics.mid ?? null;
  return {
    id: s.id,
    name: s.name,
    market: s.market,
    symbol: s.symbol,
    venue: s.venue,
    account: s.account,
    lifecycle: s.lifecycle,
    riskState: r.riskState,
    paused: r.paused,
    inventory: r.inventory.toString(),
    ratio: ratioOf(v.position, v.params).toNumber(),
    ratioHistory: [...spark],
    pnlNet: totalPnl(v.position, mark).toDecimalPlaces(6).toString(),
    fees: v.position.fees.toString(),
    quote: r.market.quoteCurrency ?? "USD",
    exposure: exposureOf(r).toDecimalPlaces(6).toString(),
    openAlerts,
    lastTickAt: v.lastTickAt,
    fault: null,
  };
}

export function idleRow(s: StrategyRecord, last: StrategyOverviewDTO | undefined, fault: string | null): StrategyOverviewDTO {
  return {
    ...(last ?? {
      inventory: "0",
      ratio: 0,
      ratioHistory: [],
      pnlNet: "0",
      fees: "0",
      quote: "USD",
      openAlerts: 0,
      lastTickAt: null,
    }),
    id: s.id,
    name: s.name,
    market: s.market,
    symbol: s.symbol,
    venue: s.venue,
    account: s.account,
    lifecycle: s.lifecycle,
    riskState: null,
    paused: s.paused,
    exposure: "0",
    fault,
  };
}
