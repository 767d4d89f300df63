// The runner's state as the dashboard sees it: status and chart snapshots, built from the modules' own
// state. Pure functions: the runner hands them what they read.
import Decimal from "decimal.js";
import type { MarketSpec } from "@/lib/market";
import { totalPnl, unrealizedPnl, type Position } from "@/lib/portfolio";
import { calculateSkew, type CompiledParams, type QuoteDecision } from "@/lib/strategy";
import type { Mode, RiskState } from "@/lib/domain";
import type { PairDTO, ReconciliationDTO, SnapshotDTO, StatusDTO } from "@/lib/events";
import type { OrderTracker } from "@/server/runner/order-tracker";
import type { Snapshot } from "@/server/store";
import { snapshotDto, trackedOrderDto } from "@/server/runner/publisher";
import type { Mismatch, ReconcileReport } from "@/server/runner/reconciler";
import type { Runner } from "@/server/runner/runner";

export interface ViewState {
  strategyName: string;
  mode: Mode;
  venueId: string;
  market: MarketSpec;
  position: Position;
  params: CompiledParams;
  paramVersion: number;
  riskState: RiskState;
  running: boolean;
  paused: boolean;
  /** Absent = armed (paper desks need no arming). */
  armed?: boolean;
  rebalanceCount: number;
  decision: QuoteDecision | null;
  lastTickAt: number | null;
  tickMs: number;
  staleAfterMs: number;
  tracker: OrderTracker;
  mismatch: Mismatch | null;
  lastReconcile: ReconcileReport | null;
  tolerance: Decimal;
  quotesParamVersion?: number;
  pair?: PairDTO;
}

const str = (d: Decimal | null | undefined) => (d ? d.toString() : null);

/** What the views read of a runner, at this moment. */
export function viewOf(r: Runner): ViewState {
  return {
    strategyName: r.strategy.name,
    mode: r.strategy.mode,
    venueId: r.venue.id,
    market: r.market,
    position: r.ledger.position,
    params: r.params.current,
    paramVersion: r.params.version,
    riskState: r.riskState,
    running: r.running,
    paused: r.paused,
    armed: r.armed,
    rebalanceCount: r.rebalanceCount,
    decision: r.lastDecision,
    lastTickAt: r.lastTickAt,
    tickMs: r.config.tickMs,
    staleAfterMs: r.config.staleAfterMs,
    tracker: r.tracker,
    mismatch: r.mismatch,
    lastReconcile: r.reconciler.last,
    tolerance: r.config.reconcileTolerance ?? r.market.lotSize,
    quotesParamVersion: r.quoter.quotesParamVersion,
    pair: r.deskLink.pairStatus?.(),
  };
}

export function ratioOf(position: Position, params: CompiledParams): Decimal {
  return position.qty.sub(params.targetInventory).div(params.maxInventory);
}

/** Our quote on a side: the newest live limit order there (a re-quote in flight shows the price it goes to). */
function quoteOn(tracker: OrderTracker, side: "buy" | "sell"): Decimal | null {
  let newest: { price: Decimal | null; createdAt: number } | null = null;
  for (const o of tracker.liveOn(side)) if (o.type === "limit" && (!newest || o.createdAt >= newest.createdAt)) newest = o;
  return newest?.price ?? null;
}

export function ourPrices(tracker: OrderTracker): { ourBid: string | null; ourAsk: string | null } {
  return { ourBid: str(quoteOn(tracker, "buy")), ourAsk: str(quoteOn(tracker, "sell")) };
}

/**
 * The stored point: exact values, no round trip through strings. Null before the first mid. The skew is the
 * position's own (the decision's formula on this inventory): a point taken at a fill, before the next
 * decision, would otherwise pair the new inventory with the skew of the one before.
 */
export function snapshotRecordOf(v: ViewState, strategyId: string, ts: number): Snapshot | null {
  const m = v.decision?.metrics;
  if (!m?.mid) return null;
  return {
    strategyId,
    ts: new Date(ts),
    mid: m.mid,
    bestBid: m.bestBid,
    bestAsk: m.bestAsk,
    ourBid: quoteOn(v.tracker, "buy"),
    ourAsk: quoteOn(v.tracker, "sell"),
    inventory: v.position.qty,
    ratio: ratioOf(v.position, v.params),
    skew: new Decimal(calculateSkew(v.params, v.position.qty)),
    realizedPnl: v.position.realized,
    unrealizedPnl: unrealizedPnl(v.position, m.mid),
    fees: v.position.fees,
    riskState: v.riskState,
  };
}

export function snapshotOf(v: ViewState, ts: number): SnapshotDTO {
  const record = snapshotRecordOf(v, "", ts);
  if (record) return snapshotDto(record);
  // Before the first mid: no price yet, the books as they stand.
  return {
    ts,
    mid: null,
    bestBid: null,
    bestAsk: null,
    ...ourPrices(v.tracker),
    inventory: v.position.qty.toString(),
    ratio: ratioOf(v.position, v.params).toNumber(),
    skew: 0,
    realizedPnl: v.position.realized.toString(),
    unrealizedPnl: "0",
    totalPnl: totalPnl(v.position, null).toString(),
    fees: v.position.fees.toString(),
    riskState: v.riskState,
  };
}

export function reconciliationOf(v: ViewState): ReconciliationDTO {
  const r = v.lastReconcile;
  const mm = v.mismatch;
  // Both figures as of one comparison: the venue's position read at a check against the desk's inventory at
  // that check. Fills booked since move the desk's figure only, and would show a difference that is not there.
  const checked = mm ?? (r?.venueQty ? { deskQty: r.deskQty, venueQty: r.venueQty } : null);
  return {
    state: mm ? "mismatch" : checked ? "ok" : "not_checked",
    deskInventory: (checked?.deskQty ?? v.position.qty).toString(),
    venuePosition: str(checked?.venueQty ?? null),
    difference: checked ? checked.venueQty.sub(checked.deskQty).toString() : null,
    tolerance: v.tolerance.toString(),
    checkedAt: r?.at ?? null,
    detectedAt: mm?.at ?? null,
    unknownOrders: v.tracker.inState("unknown").length,
  };
}

export function statusOf(v: ViewState): StatusDTO {
  const m = v.decision?.metrics;
  const mark = m?.mid ?? null;
  return {
    strategy: v.strategyName,
    market: v.market.symbol,
    venue: v.venueId,
    mode: v.mode,
    riskState: v.riskState,
    running: v.running,
    paused: v.paused,
    armed: v.armed ?? true,
    inventory: v.position.qty.toString(),
    targetInventory: v.params.targetInventory.toString(),
    maxInventory: v.params.maxInventory.toString(),
    ratio: ratioOf(v.position, v.params).toNumber(),
    skew: m?.skew ?? 0,
    peak: v.position.peak.toString(),
    rebalanceCount: v.rebalanceCount,
    realizedPnl: v.position.realized.toString(),
    unrealizedPnl: unrealizedPnl(v.position, mark).toString(),
    fees: v.position.fees.toString(),
    openOrders: v.tracker.live().map(trackedOrderDto),
    lastTickAt: v.lastTickAt,
    tickIntervalMs: v.tickMs,
    staleAfterMs: v.staleAfterMs,
    paramVersion: v.paramVersion,
    rebalanceThreshold: v.params.rebalanceThreshold,
    emergencyThreshold: v.params.emergencyThreshold,
    mid: str(m?.mid),
    bestBid: str(m?.bestBid),
    bestAsk: str(m?.bestAsk),
    ...ourPrices(v.tracker),
    reconciliation: reconciliationOf(v),
    quotesParamVersion: v.quotesParamVersion,
    ...(v.pair ? { pair: v.pair } : {}),
  };
}
