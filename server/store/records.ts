// What the store keeps, as written (New…) and as read back (…Record): strategies, parameter versions, orders,
// fills, snapshots, alerts, runs, audit events. Money is decimal.js, time Date, documents JSON; the port is port.ts.
import type Decimal from "decimal.js";
import type { AlertKind, Mode, RiskState } from "@/lib/domain";
import type { Side } from "@/lib/market";
import { LIVE_ORDER_STATES, TERMINAL_ORDER_STATES, type OrderState, type OrderTransition } from "@/lib/orders";

export type { OrderTransition };

export type { AlertKind, RiskState };
export type StrategyMode = Mode;
export type OrderType = "limit" | "market";
export type OrderStatus = OrderState;
/** Why an order exists: a regular quote, a reduce-only rebalance, or an emergency flatten. */
export type OrderReason = "quote" | "rebalance" | "emergency";
export type Liquidity = "maker" | "taker";
/** A trade the venue reported, or an operator's audited correction of inventory to the venue's. */
export type FillKind = "trade" | "adjustment";
export type AlertSeverity = "info" | "warning" | "critical";

/** Statuses in which an order may still rest or trade at the venue. */
export const LIVE_ORDER_STATUSES = LIVE_ORDER_STATES;
export const TERMINAL_ORDER_STATUSES = TERMINAL_ORDER_STATES;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

// ── strategies ──────────────────────────────────────────────────────────────────────────────────────────

export interface StrategyDef {
  name: string;
  /** Human market identifier, e.g. a Polymarket slug. */
  market: string;
  /** The venue's instrument id (MarketSpec.symbol). */
  symbol: string;
  venue: string;
  mode: StrategyMode;
  /** Recorded as parameter version 1 (changedBy "system") when the strategy has no version yet. */
  initialParams?: JsonObject;
  /** Set on creation only (a desk-created strategy); an existing strategy keeps the tag it has. */
  clientTag?: string | null;
  /** Venue account; default "paper". Set on creation only. */
  account?: string;
  /** How the desk opens its market; set on creation only. */
  settings?: JsonObject | null;
}

/** running: the desk runs it (quoting or paused); stopped: no runner; archived: stopped and out of the overview. */
export type StrategyLifecycle = "running" | "stopped" | "archived";

export interface StrategyRecord {
  id: string;
  name: string;
  market: string;
  symbol: string;
  venue: string;
  mode: StrategyMode;
  /** 0 until the first parameter version. */
  currentParamVersion: number;
  riskState: RiskState;
  riskReason: string | null;
  riskChangedAt: Date;
  paused: boolean;
  /** In every client order id it sends (sd-<tag>-…); null for a strategy from before tags (sd-<uuid>). */
  clientTag: string | null;
  account: string;
  settings: JsonObject | null;
  lifecycle: StrategyLifecycle;
  createdAt: Date;
  updatedAt: Date;
}

// ── parameter versions ──────────────────────────────────────────────────────────────────────────────────

export interface NewParameterVersion {
  strategyId: string;
  params: JsonObject;
  changedBy: string;
  reason: string;
  /** When this change is a rollback: the earlier version whose params it restores (must exist). */
  rolledBackFrom?: number;
  /**
   * Optimistic concurrency: the version the caller edited. When given and the strategy has moved on,
   * nothing is written and a StaleParameterVersionError is thrown.
   */
  expectedCurrentVersion?: number;
}

export interface ParameterVersionRecord {
  id: string;
  strategyId: string;
  /** 1, 2, 3… per strategy, without gaps. */
  version: number;
  params: JsonObject;
  /** The params of version - 1; null for version 1. */
  previous: JsonObject | null;
  changedBy: string;
  reason: string;
  rolledBackFrom: number | null;
  createdAt: Date;
}

// ── orders and fills ────────────────────────────────────────────────────────────────────────────────────

export interface NewOrder {
  clientOrderId: string;
  strategyId: string;
  runId?: string | null;
  side: Side;
  type: OrderType;
  /** Null for market orders. */
  price: Decimal | null;
  size: Decimal;
  /** Defaults to "pending_new" (saved before it is sent). */
  status?: OrderStatus;
  venueOrderId?: string | null;
  reduceOnly?: boolean;
  postOnly?: boolean;
  reason: OrderReason;
  createdAt?: Date;
}

export interface OrderRecord {
  id: string;
  clientOrderId: string;
  strategyId: string;
  runId: string | null;
  side: Side;
  type: OrderType;
  price: Decimal | null;
  size: Decimal;
  filledSize: Decimal;
  status: OrderStatus;
  /** Free text from the venue or the runner, e.g. a reject reason. */
  statusReason: string | null;
  venueOrderId: string | null;
  reduceOnly: boolean;
  postOnly: boolean;
  reason: OrderReason;
  createdAt: Date;
  updatedAt: Date;
  openedAt: Date | null;
  closedAt: Date | null;
  /** Every state transition, oldest first. */
  history: OrderTransition[];
}

/**
 * A change to an order. Unset fields are left alone. When `status` becomes "open" and `openedAt` is not
 * given, openedAt is set to now if still empty; when it becomes terminal, closedAt likewise.
 */
export interface OrderPatch {
  status?: OrderStatus;
  statusReason?: string | null;
  /** Cumulative filled size as the venue reports it. recordFill maintains it on its own. */
  filledSize?: Decimal;
  venueOrderId?: string | null;
  openedAt?: Date | null;
  closedAt?: Date | null;
  /** Replaces the stored history (the order tracker holds the whole of it). */
  history?: OrderTransition[];
}

export interface NewFill {
  strategyId: string;
  runId?: string | null;
  /** With strategyId and venueTradeId, the fill's identity: the same trade recorded twice is one row. */
  venue: string;
  venueTradeId: string;
  /** Default "trade". */
  kind?: FillKind;
  /** Why an adjustment was booked; null for trades. */
  note?: string | null;
  /** Our order, if known. A fill for an unknown order is still recorded (it is money that moved). */
  clientOrderId: string | null;
  side: Side;
  price: Decimal;
  size: Decimal;
  fee: Decimal;
  feeCurrency?: string | null;
  liquidity: Liquidity;
  /** Signed inventory right after this fill, as the runner computed it. */
  inventoryAfter: Decimal;
  realizedPnlAfter?: Decimal | null;
  ts: Date;
}

export interface FillRecord {
  /** Insertion sequence (a decimal integer string); fills replay in this order. */
  id: string;
  strategyId: string;
  runId: string | null;
  venue: string;
  venueTradeId: string;
  kind: FillKind;
  note: string | null;
  clientOrderId: string | null;
  side: Side;
  price: Decimal;
  size: Decimal;
  fee: Decimal;
  feeCurrency: string | null;
  liquidity: Liquidity;
  inventoryAfter: Decimal;
  realizedPnlAfter: Decimal | null;
  ts: Date;
  createdAt: Date;
}

export interface RecordFillResult {
  /** False when this venue trade was already recorded: nothing changed. */
  inserted: boolean;
  /** The fill's order after the update (or as it stands, when not inserted); null when unknown. */
  order: OrderRecord | null;
}

// ── snapshots, alerts, runs, audit ─────────────────────────────────────────────────────────────────────

export interface Snapshot {
  strategyId: string;
  ts: Date;
  mid: Decimal;
  bestBid: Decimal | null;
  bestAsk: Decimal | null;
  ourBid: Decimal | null;
  ourAsk: Decimal | null;
  inventory: Decimal;
  ratio: Decimal;
  skew: Decimal;
  realizedPnl: Decimal;
  unrealizedPnl: Decimal;
  fees: Decimal;
  riskState: RiskState;
}

export interface NewAlert {
  /** A UUID chosen by the caller, so an alert can be shown before its row is written. Default: generated. */
  id?: string;
  strategyId: string;
  kind: AlertKind;
  severity: AlertSeverity;
  message: string;
  data?: JsonValue;
  createdAt?: Date;
}

export interface AlertRecord {
  id: string;
  strategyId: string;
  kind: AlertKind;
  severity: AlertSeverity;
  /** The latest occurrence's message (and data). */
  message: string;
  data: JsonValue | null;
  /** First seen. */
  createdAt: Date;
  /** Occurrences while unacknowledged (1 for one). */
  count: number;
  lastSeenAt: Date;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
}

/** The worse of two severities: a repeat that is worse than the first occurrence raises the alert's. */
export const SEVERITY_RANK: Readonly<Record<AlertSeverity, number>> = { info: 0, warning: 1, critical: 2 };

export interface NewRun {
  strategyId: string;
  mode: StrategyMode;
  /** Simulator seed; a safe integer. */
  seed?: number | null;
  config?: JsonValue;
  startedAt?: Date;
}

export interface RunRecord {
  id: string;
  strategyId: string;
  mode: StrategyMode;
  seed: number | null;
  config: JsonValue | null;
  startedAt: Date;
  /** Null while running, or when the process died without stopping the run. */
  stoppedAt: Date | null;
  stopReason: string | null;
}

export interface NewAuditEvent {
  /** Who: an operator's user name, or "system". */
  actor: string;
  /** What, e.g. "params.update", "strategy.pause", "alert.ack". */
  action: string;
  /** On what, e.g. "strategy:<name>". */
  target: string;
  before?: JsonValue;
  after?: JsonValue;
  ip?: string | null;
}

export interface AuditRecord {
  id: string;
  actor: string;
  action: string;
  target: string;
  before: JsonValue | null;
  after: JsonValue | null;
  ip: string | null;
  createdAt: Date;
}
