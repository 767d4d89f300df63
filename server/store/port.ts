// The runner's persistence port: the Store interface, what a restart reads (RecoveryState) and the batched writes
// (StoreWrite). The runner and the dashboard talk to it only; prisma-store.ts serves both PostgreSQL and PGlite.
import type { RiskState } from "@/lib/domain";
import type { LabRunStore } from "./lab-runs";
import type {
  FillFilter,
  ListAlertsOptions,
  ListAuditOptions,
  ListFillsOptions,
  ListOrdersOptions,
  ListSnapshotsOptions,
  OrderFilter,
} from "./list-options";
import type {
  AlertRecord,
  AuditRecord,
  FillRecord,
  NewAlert,
  NewAuditEvent,
  NewFill,
  NewOrder,
  NewParameterVersion,
  NewRun,
  OrderPatch,
  OrderRecord,
  ParameterVersionRecord,
  RecordFillResult,
  RunRecord,
  Snapshot,
  StrategyDef,
  StrategyLifecycle,
  StrategyRecord,
} from "./records";

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
