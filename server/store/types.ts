// The runner's persistence port. The runner and the dashboard talk to this interface only; the Prisma
// implementation (prisma-store.ts) serves both PostgreSQL and PGlite. Money and quantities cross it as
// decimal.js values, timestamps as Date, free-form documents as JSON values.
import type Decimal from "decimal.js";
import type { AlertKind, Mode, RiskState } from "@/lib/domain";
import type { Side } from "@/lib/market";
import { LIVE_ORDER_STATES, TERMINAL_ORDER_STATES, type OrderState, type OrderTransition } from "@/lib/orders";
import type { LabRunStore } from "./lab-runs";

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

// ── list options ────────────────────────────────────────────────────────────────────────────────────────

export interface OrderFilter {
  side?: Side;
  /** Only orders in one of these states. */
  statuses?: OrderStatus[];
  /** Only orders placed for one of these reasons (e.g. the rebalances and emergency closes). */
  reasons?: OrderReason[];
}

export interface ListOrdersOptions extends OrderFilter {
  /** Default 100, max 10 000. */
  limit?: number;
  /** Only orders created strictly before this instant (paging backwards). */
  before?: Date;
  /**
   * With `before`: the last row already read, so orders created at exactly `before` whose clientOrderId
   * sorts below it come too. Rows share a millisecond often enough that paging on the instant alone
   * would skip them.
   */
  beforeId?: string;
}

export interface FillFilter {
  side?: Side;
  /** ts >= from */
  from?: Date;
  /** ts < to */
  to?: Date;
}

export interface ListFillsOptions extends FillFilter {
  /** Default 100, max 10 000. The newest fills in range are kept. */
  limit?: number;
  /** Paging backwards: only fills strictly older than this one in the list's (ts, id) order. */
  before?: { ts: Date; id: string };
}

export interface ListSnapshotsOptions {
  /** ts >= from */
  from?: Date;
  /** ts <= to */
  to?: Date;
  /** Default 1 000, max 100 000. When more match, the most recent `limit` are returned (still ascending). */
  limit?: number;
}

export interface ListAlertsOptions {
  unacknowledgedOnly?: boolean;
  kinds?: AlertKind[];
  /** Default 100, max 10 000. */
  limit?: number;
  /** Only alerts created strictly before this instant (paging backwards). */
  before?: Date;
}

export interface ListAuditOptions {
  target?: string;
  actor?: string;
  /** Only actions starting with this, e.g. "params." or "auth.". */
  actionPrefix?: string;
  /** Default 100, max 10 000. */
  limit?: number;
  before?: Date;
  /** With `before`: the last event read, so events at exactly `before` with a lower id come too (paging). */
  beforeId?: string;
}

// ── restart ─────────────────────────────────────────────────────────────────────────────────────────────

/** Everything a restarted runner needs, read in one consistent transaction. */
export interface RecoveryState {
  strategy: StrategyRecord;
  /** The current parameter version; null before the first one. */
  params: ParameterVersionRecord | null;
  /** Every fill of the strategy in the order it was recorded: replay these to rebuild inventory, PnL and peaks. */
  fills: FillRecord[];
  /** Orders that may still rest at the venue (LIVE_ORDER_STATUSES), oldest first: cancel or adopt them. */
  openOrders: OrderRecord[];
  /** Rebalances and emergency closes so far (the summed counts of those alerts, which are never deleted). */
  rebalanceCount: number;
  emergencyCount: number;
  /** The latest snapshot, e.g. for the last mark price; null before the first one. */
  lastSnapshot: Snapshot | null;
  /** The latest run; stoppedAt null there means the previous process died without a clean stop. */
  lastRun: RunRecord | null;
}

// ── batched writes ──────────────────────────────────────────────────────────────────────────────────────

/**
 * One of the runner's hot-path writes, as data, so that a run of them can reach the database together
 * (Store.applyWrites). Each means exactly what the method of the same name does.
 */
export type StoreWrite =
  | { op: "saveOrder"; order: NewOrder }
  /** ignoreMissing: an update for an order the store never saw is skipped instead of refused. */
  | { op: "updateOrder"; clientOrderId: string; patch: OrderPatch; ignoreMissing?: boolean }
  | { op: "recordFill"; fill: NewFill }
  | { op: "insertSnapshot"; snapshot: Snapshot };

// ── the port ────────────────────────────────────────────────────────────────────────────────────────────

export interface Store extends LabRunStore {
  /** Creates the strategy if missing (recording initialParams as version 1), else updates market, symbol, venue and mode. */
  ensureStrategy(def: StrategyDef): Promise<StrategyRecord>;
  getStrategy(name: string): Promise<StrategyRecord | null>;
  getStrategyById(id: string): Promise<StrategyRecord | null>;
  listStrategies(): Promise<StrategyRecord[]>;
  setRiskState(strategyId: string, state: RiskState, reason: string): Promise<StrategyRecord>;
  setPaused(strategyId: string, paused: boolean): Promise<StrategyRecord>;
  setLifecycle(strategyId: string, lifecycle: StrategyLifecycle): Promise<StrategyRecord>;

  /** Appends the next version and moves Strategy.currentParamVersion to it, in one transaction. */
  appendParameterVersion(change: NewParameterVersion): Promise<ParameterVersionRecord>;
  /** Newest first. */
  listParameterVersions(strategyId: string, opts?: { limit?: number }): Promise<ParameterVersionRecord[]>;
  /** A given version, or the current one when `version` is omitted. */
  getParameterVersion(strategyId: string, version?: number): Promise<ParameterVersionRecord | null>;

  /** Idempotent on clientOrderId: a second save returns the stored order (inserted false). */
  saveOrder(order: NewOrder): Promise<{ order: OrderRecord; inserted: boolean }>;
  /** Throws OrderNotFoundError when no order has this clientOrderId. */
  updateOrder(clientOrderId: string, patch: OrderPatch): Promise<OrderRecord>;
  getOrder(clientOrderId: string): Promise<OrderRecord | null>;
  /** Orders in LIVE_ORDER_STATUSES, oldest first. */
  listOpenOrders(strategyId: string): Promise<OrderRecord[]>;
  /** Newest first. */
  listOrders(strategyId: string, opts?: ListOrdersOptions): Promise<OrderRecord[]>;
  /** How many orders match: the total a paged list shows. */
  countOrders(strategyId: string, filter?: OrderFilter): Promise<number>;

  /**
   * Inserts the fill unless (venue, strategyId, venueTradeId) is already recorded and, in the same transaction,
   * adds its size to the order's filledSize and moves the order to partially_filled or filled.
   */
  recordFill(fill: NewFill): Promise<RecordFillResult>;
  /** Newest first. */
  listFills(strategyId: string, opts?: ListFillsOptions): Promise<FillRecord[]>;
  /** How many fills match: the total a paged list shows. */
  countFills(strategyId: string, filter?: FillFilter): Promise<number>;

  insertSnapshot(snapshot: Snapshot): Promise<void>;
  /**
   * Applies the writes in order, as the methods of the same names would one after another, in far fewer
   * round trips (one transaction on a database, multi-row statements for runs of one kind). When one
   * write fails, the call throws and none of them is kept, except what a BatchWriteError's `applied` says:
   * that many leading writes are in. Resolves to the number of writes applied.
   */
  applyWrites(writes: readonly StoreWrite[]): Promise<number>;
  /** One statement for the batch; returns the number of rows written. */
  insertSnapshots(batch: readonly Snapshot[]): Promise<number>;
  /** Ascending by ts. */
  listSnapshots(strategyId: string, opts?: ListSnapshotsOptions): Promise<Snapshot[]>;

  /**
   * Records an alert. While an alert of the same strategy and kind is unacknowledged, this is a repeat of
   * it: its count goes up by one, lastSeenAt becomes this occurrence's time, message and data become this
   * one's, and severity the worse of the two; the returned record (with the open alert's id) says so.
   * Otherwise a new alert (count 1) is recorded.
   */
  raiseAlert(alert: NewAlert): Promise<AlertRecord>;
  /** The first acknowledgement wins and later ones leave it unchanged; null when the alert does not exist. */
  acknowledgeAlert(id: string, by: string): Promise<AlertRecord | null>;
  /** Acknowledges every unacknowledged alert of the strategy; returns those it acknowledged. */
  acknowledgeAllAlerts(strategyId: string, by: string): Promise<AlertRecord[]>;
  /** Newest first. */
  listAlerts(strategyId: string, opts?: ListAlertsOptions): Promise<AlertRecord[]>;

  startRun(run: NewRun): Promise<RunRecord>;
  /** Stops a running run; stopping an already stopped run leaves it unchanged. Throws RunNotFoundError if missing. */
  stopRun(runId: string, reason: string, stoppedAt?: Date): Promise<RunRecord>;
  lastRun(strategyId: string): Promise<RunRecord | null>;

  recordAudit(event: NewAuditEvent): Promise<AuditRecord>;
  /** Newest first. */
  listAudit(opts?: ListAuditOptions): Promise<AuditRecord[]>;

  /** Throws StrategyNotFoundError when the strategy does not exist. */
  loadRecoveryState(strategyId: string): Promise<RecoveryState>;
}
