// What an operator wants to know after a run, computed from the runner's counters and position.
import Decimal from "decimal.js";
import { totalPnl, unrealizedPnl } from "@/lib/portfolio";
import type { PaperSession } from "@/server/runner/open-paper-session";

export interface RunSummary {
  seed: number;
  simulatedMs: number;
  wallMs: number;
  ticks: number;
  fills: number;
  ordersPlaced: number;
  cancels: number;
  requotesSkipped: number;
  postOnlyRejects: number;
  quotesClamped: number;
  inventory: string;
  maxAbsInventory: string;
  maxAbsRatio: number;
  realizedPnl: string;
  unrealizedPnl: string;
  fees: string;
  totalPnl: string;
  ticksAboveRebalance: number;
  fractionAboveRebalance: number;
  rebalances: number;
  emergencyCloses: number;
  riskState: string;
  venueEvents: number;
  eventsPerSecond: number;
}

export function summarizeRun(s: PaperSession, meta: { seed: number; simulatedMs: number; wallMs: number; tickMs: number }): RunSummary {
  const st = s.runner.stats;
  const pos = s.runner.currentPosition;
  const mark = s.runner.status().mid;
  const markDec = mark ? new Decimal(mark) : null;
  const maxInv = Number(s.runner.status().maxInventory);
  const events = s.venue.stats.events;
  return {
    seed: meta.seed,
    simulatedMs: meta.simulatedMs,
    wallMs: meta.wallMs,
    ticks: st.ticks,
    fills: st.fills,
    ordersPlaced: st.ordersPlaced,
    cancels: st.cancels,
    requotesSkipped: st.requotesSkipped,
    postOnlyRejects: st.postOnlyRejects,
    quotesClamped: st.quotesClamped,
    inventory: pos.qty.toString(),
    maxAbsInventory: st.maxAbsInventory.toString(),
    maxAbsRatio: maxInv > 0 ? st.maxAbsInventory.toNumber() / maxInv : 0,
    realizedPnl: pos.realized.toFixed(2),
    unrealizedPnl: unrealizedPnl(pos, markDec).toFixed(2),
    fees: pos.fees.toFixed(2),
    totalPnl: totalPnl(pos, markDec).toFixed(2),
    ticksAboveRebalance: st.ticksAboveRebalance,
    fractionAboveRebalance: st.ticks ? st.ticksAboveRebalance / st.ticks : 0,
    rebalances: st.rebalances,
    emergencyCloses: st.emergencies,
    riskState: s.runner.state.riskState,
    venueEvents: events,
    eventsPerSecond: meta.wallMs > 0 ? Math.round(events / (meta.wallMs / 1000)) : 0,
  };
}

export function formatSummary(r: RunSummary): string {
  const min = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
  return [
    `Run summary (seed ${r.seed}): ${min(r.simulatedMs)} simulated in ${(r.wallMs / 1000).toFixed(1)} s`,
    `  fills                 ${r.fills} (${r.ordersPlaced} orders placed, ${r.cancels} cancels, ${r.requotesSkipped} re-quotes skipped)`,
    `  post-only quotes      ${r.postOnlyRejects} refused as crossing, ${r.quotesClamped} capped inside the newest book (kept off the opposite best)`,
    `  PnL                   total ${r.totalPnl} = realized ${r.realizedPnl} + unrealized ${r.unrealizedPnl} − fees ${r.fees}`,
    `  inventory             now ${r.inventory}, max |inventory| ${r.maxAbsInventory} (ratio ${r.maxAbsRatio.toFixed(2)})`,
    `  above rebalance       ${r.ticksAboveRebalance} of ${r.ticks} ticks (${(r.fractionAboveRebalance * 100).toFixed(1)}%), ${r.rebalances} rebalance episodes`,
    `  emergency closes      ${r.emergencyCloses}`,
    `  risk state            ${r.riskState}`,
    `  venue events          ${r.venueEvents} (${r.eventsPerSecond.toLocaleString("en-US")} /s of wall time)`,
  ].join("\n");
}
