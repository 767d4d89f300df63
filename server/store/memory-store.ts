// The Store in process memory, for simulations, backtests and fast runner tests (`--db none`). It keeps the
// Prisma store's semantics, checked by the same contract suite: the same idempotency keys, orderings, limits,
// numeric(38,18) range checks and errors. Every method does its work synchronously once called, so each call
// is atomic the way a database transaction is. Records are copied on the way in and out: nothing a caller
// holds aliases stored state. Rows keep decimals as their database strings and instants as epoch
// milliseconds, which is compact (long backtests keep every row) and immutable.
//
// Where PostgreSQL would refuse a write with a driver error (foreign keys, enum values, invalid dates, a
// numeric overflow while adding to filledSize) this store throws a StoreError subclass instead. Its rows, their
// checks and conversions are in memory-rows.ts.
import { randomUUID } from "node:crypto";
import Decimal from "decimal.js";
import { MemoryLabRuns, type LabResultRecord, type LabRunPatch, type NewLabRun } from "./lab-runs";
import {
  BatchWriteError,
  OrderConflictError,
  OrderNotFoundError,
  RunNotFoundError,
  StaleParameterVersionError,
  StoreError,
  StrategyNotFoundError,
} from "./errors";
import {
  type AlertRecord,
  type AuditRecord,
  type FillRecord,
  type ListAlertsOptions,
  type ListAuditOptions,
  type FillFilter,
  type ListFillsOptions,
  type ListOrdersOptions,
  SEVERITY_RANK,
  type OrderFilter,
  type ListSnapshotsOptions,
  type NewAlert,
  type NewAuditEvent,
  type NewFill,
  type NewOrder,
  type NewParameterVersion,
  type NewRun,
  type OrderPatch,
  type OrderRecord,
  type OrderStatus,
  type ParameterVersionRecord,
  type RecordFillResult,
  type RecoveryState,
  type RiskState,
  type RunRecord,
  type Snapshot,
  type Store,
  type StrategyDef,
  type StrategyLifecycle,
  type StoreWrite,
  type StrategyRecord,
} from "./types";
import { canMoveOrderState, IllegalOrderStateChange } from "@/lib/orders";
import {
  TERMINAL,
  LIVE,
  Exact,
  checkEnum,
  limitOf,
  msIn,
  msInNullable,
  exactIn,
  roundedIn,
  jsonIn,
  compareText,
  insertSorted,
  firstIndex,
  orderMatcher,
  fillSeqIn,
  byOrderKey,
  byTsSeq,
  byCreatedId,
  byStartedId,
  strategyOut,
  versionOut,
  orderOut,
  fillOut,
  snapshotOut,
  alertOut,
  runOut,
  auditOut,
  snapshotIn,
  sameDecimal,
  type StoredJson,
  type StrategyRow,
  type ParameterVersionRow,
  type OrderRow,
  type FillRow,
  type AlertRow,
  type RunRow,
  type AuditRow,
  type StrategyData,
} from "./memory-rows";

export class MemoryStore implements Store {
  private readonly lab = new MemoryLabRuns();

  // ── lab runs (lab-runs.ts) ──
  createLabRun(run: NewLabRun) {
    return this.lab.createLabRun(run);
  }
  updateLabRun(id: string, patch: LabRunPatch) {
    return this.lab.updateLabRun(id, patch);
  }
  saveLabResults(id: string, results: readonly LabResultRecord[]) {
    return this.lab.saveLabResults(id, results);
  }
  listLabRuns(limit?: number) {
    return this.lab.listLabRuns(limit);
  }
  getLabRun(id: string) {
    return this.lab.getLabRun(id);
  }
  private readonly strategies = new Map<string, StrategyData>();
  private readonly strategyIdByName = new Map<string, string>();
  private readonly orders = new Map<string, OrderRow>();
  private readonly alerts = new Map<string, AlertRow>();
  private readonly runs = new Map<string, RunRow>();
  /** By (createdAt, id). */
  private readonly audit: AuditRow[] = [];
  /** One sequence for all fills, like the table's bigint identity. */
  private fillSeq = 0;
  private snapshotSeq = 0;

  private data(strategyId: string): StrategyData {
    const d = this.strategies.get(strategyId);
    if (!d) throw new StrategyNotFoundError(`no strategy ${strategyId}`);
    return d;
  }

  private checkRun(runId: string | null): void {
    if (runId !== null && !this.runs.has(runId)) throw new RunNotFoundError(`no run ${runId}`);
  }

  private setStatus(d: StrategyData, row: OrderRow, status: OrderStatus): void {
    row.status = status;
    if (LIVE.has(status)) d.liveOrders.set(row.clientOrderId, row);
    else d.liveOrders.delete(row.clientOrderId);
  }

  // ── strategies ──

  async ensureStrategy(def: StrategyDef): Promise<StrategyRecord> {
    checkEnum("mode", def.mode);
    const initialParams = def.initialParams ? jsonIn(def.initialParams) : null;
    const now = Date.now();
    const existingId = this.strategyIdByName.get(def.name);
    let d: StrategyData;
    if (existingId !== undefined) {
      d = this.data(existingId);
      Object.assign(d.row, { market: def.market, symbol: def.symbol, venue: def.venue, mode: def.mode, updatedAt: now });
      if (def.settings) d.row.settings = jsonIn(def.settings);
    } else {
      const row: StrategyRow = {
        id: randomUUID(),
        name: def.name,
        market: def.market,
        symbol: def.symbol,
        venue: def.venue,
        mode: def.mode,
        currentParamVersion: 0,
        riskState: "ACTIVE",
        riskReason: null,
        riskChangedAt: now,
        paused: false,
        clientTag: def.clientTag ?? null,
        account: def.account ?? "paper",
        settings: jsonIn(def.settings ?? null),
        lifecycle: "running",
        createdAt: now,
        updatedAt: now,
      };
      if (row.clientTag !== null && [...this.strategies.values()].some((x) => x.row.clientTag === row.clientTag)) {
        throw new Error(`client tag ${row.clientTag} is already used by another strategy`);
      }
      d = {
        row,
        versions: [],
        orders: [],
        liveOrders: new Map(),
        fills: [],
        fillsByTs: [],
        tradeIds: new Map(),
        snapshots: [],
        alerts: [],
        rebalanceCount: 0,
        emergencyCount: 0,
        runs: [],
      };
      this.strategies.set(row.id, d);
      this.strategyIdByName.set(row.name, row.id);
    }
    if (d.row.currentParamVersion === 0 && initialParams !== null) {
      this.appendVersion({ strategyId: d.row.id, changedBy: "system", reason: "initial parameters" }, initialParams);
    }
    return strategyOut(d.row);
  }

  async getStrategy(name: string): Promise<StrategyRecord | null> {
    const id = this.strategyIdByName.get(name);
    return id === undefined ? null : strategyOut(this.data(id).row);
  }

  async getStrategyById(id: string): Promise<StrategyRecord | null> {
    const d = this.strategies.get(id);
    return d ? strategyOut(d.row) : null;
  }

  async listStrategies(): Promise<StrategyRecord[]> {
    return [...this.strategies.values()].map((d) => d.row).sort((a, b) => compareText(a.name, b.name)).map(strategyOut);
  }

  async setRiskState(strategyId: string, state: RiskState, reason: string): Promise<StrategyRecord> {
    checkEnum("riskState", state);
    const { row } = this.data(strategyId);
    const now = Date.now();
    Object.assign(row, { riskState: state, riskReason: reason, riskChangedAt: now, updatedAt: now });
    return strategyOut(row);
  }

  async setPaused(strategyId: string, paused: boolean): Promise<StrategyRecord> {
    const { row } = this.data(strategyId);
    Object.assign(row, { paused, updatedAt: Date.now() });
    return strategyOut(row);
  }

  async setLifecycle(strategyId: string, lifecycle: StrategyLifecycle): Promise<StrategyRecord> {
    checkEnum("lifecycle", lifecycle);
    const { row } = this.data(strategyId);
    Object.assign(row, { lifecycle, updatedAt: Date.now() });
    return strategyOut(row);
  }

  // ── parameter versions ──

  async appendParameterVersion(change: NewParameterVersion): Promise<ParameterVersionRecord> {
    return versionOut(this.appendVersion(change, jsonIn(change.params)));
  }

  /** Every check comes before the first change, so a refused change writes nothing. */
  private appendVersion(change: Omit<NewParameterVersion, "params">, params: StoredJson): ParameterVersionRow {
    const d = this.data(change.strategyId);
    const current = d.row.currentParamVersion;
    const version = current + 1;
    if (change.expectedCurrentVersion !== undefined && change.expectedCurrentVersion !== current) {
      throw new StaleParameterVersionError(change.expectedCurrentVersion, current);
    }
    if (change.rolledBackFrom !== undefined) {
      const target = change.rolledBackFrom;
      const exists = Number.isInteger(target) && target >= 1 && target < version;
      if (!exists) throw new StoreError(`cannot roll back to version ${target}: versions run from 1 to ${current}`);
    }
    const now = Date.now();
    const row: ParameterVersionRow = {
      id: randomUUID(),
      strategyId: d.row.id,
      version,
      params,
      previous: d.versions[current - 1]?.params ?? null,
      changedBy: change.changedBy,
      reason: change.reason,
      rolledBackFrom: change.rolledBackFrom ?? null,
      createdAt: now,
    };
    d.versions.push(row);
    d.row.currentParamVersion = version;
    d.row.updatedAt = now;
    return row;
  }

  async listParameterVersions(strategyId: string, opts: { limit?: number } = {}): Promise<ParameterVersionRecord[]> {
    const limit = limitOf(opts.limit, 100, 10_000);
    const versions = this.strategies.get(strategyId)?.versions ?? [];
    return versions.slice(-limit).reverse().map(versionOut);
  }

  async getParameterVersion(strategyId: string, version?: number): Promise<ParameterVersionRecord | null> {
    const versions = this.strategies.get(strategyId)?.versions ?? [];
    // Versions run 1, 2, 3… without gaps, so version v sits at index v - 1.
    const row = version === undefined ? versions.at(-1) : Number.isInteger(version) && version >= 1 ? versions[version - 1] : undefined;
    return row ? versionOut(row) : null;
  }

  // ── orders ──

  async saveOrder(order: NewOrder): Promise<{ order: OrderRecord; inserted: boolean }> {
    const r = this.saveOrderRow(order);
    return { order: orderOut(r.row), inserted: r.inserted };
  }

  // The row-level writes below serve both the public calls and applyWrites, whose callers read nothing back:
  // a batch does not pay for building records no one reads (parsed decimals, dates, the history copied).
  private saveOrderRow(order: NewOrder): { row: OrderRow; inserted: boolean } {
    const price = order.price === null ? null : exactIn(order.price, "order.price");
    const size = exactIn(order.size, "order.size");
    const status = order.status ?? "pending_new";
    checkEnum("side", order.side);
    checkEnum("type", order.type);
    checkEnum("status", status);
    checkEnum("reason", order.reason);
    const createdAt = order.createdAt === undefined ? Date.now() : msIn(order.createdAt, "order.createdAt");

    const existing = this.orders.get(order.clientOrderId);
    if (existing) {
      const same =
        existing.strategyId === order.strategyId &&
        existing.side === order.side &&
        existing.type === order.type &&
        existing.reason === order.reason &&
        sameDecimal(existing.price, order.price) &&
        order.size.eq(existing.size);
      if (!same) throw new OrderConflictError(`clientOrderId ${order.clientOrderId} is already used by a different order`);
      return { row: existing, inserted: false };
    }

    const runId = order.runId ?? null;
    const d = this.data(order.strategyId);
    this.checkRun(runId);
    const row: OrderRow = {
      id: randomUUID(),
      clientOrderId: order.clientOrderId,
      strategyId: d.row.id,
      runId,
      side: order.side,
      type: order.type,
      price,
      size,
      filledSize: "0",
      status,
      statusReason: null,
      venueOrderId: order.venueOrderId ?? null,
      reduceOnly: order.reduceOnly ?? false,
      postOnly: order.postOnly ?? false,
      reason: order.reason,
      createdAt,
      updatedAt: Date.now(),
      openedAt: status === "open" ? createdAt : null,
      closedAt: null,
      history: "[]",
    };
    this.orders.set(row.clientOrderId, row);
    insertSorted(d.orders, row, byOrderKey);
    this.setStatus(d, row, status);
    return { row, inserted: true };
  }

  async updateOrder(clientOrderId: string, patch: OrderPatch): Promise<OrderRecord> {
    return orderOut(this.updateOrderRow(clientOrderId, patch));
  }

  private updateOrderRow(clientOrderId: string, patch: OrderPatch): OrderRow {
    const filledSize = patch.filledSize === undefined ? undefined : exactIn(patch.filledSize, "order.filledSize");
    if (patch.status !== undefined) checkEnum("status", patch.status);
    const openedAt = patch.openedAt === undefined ? undefined : msInNullable(patch.openedAt, "order.openedAt");
    const closedAt = patch.closedAt === undefined ? undefined : msInNullable(patch.closedAt, "order.closedAt");
    const row = this.orders.get(clientOrderId);
    if (!row) throw new OrderNotFoundError(`no order ${clientOrderId}`);
    if (patch.status !== undefined && !canMoveOrderState(row.status, patch.status)) throw new IllegalOrderStateChange(clientOrderId, row.status, patch.status);

    const now = Date.now();
    if (patch.history !== undefined) row.history = JSON.stringify(patch.history);
    if (patch.statusReason !== undefined) row.statusReason = patch.statusReason;
    if (filledSize !== undefined) row.filledSize = filledSize;
    if (patch.venueOrderId !== undefined) row.venueOrderId = patch.venueOrderId;
    // Timestamps default to now only when still empty, so a repeated status report does not move them.
    if (openedAt !== undefined) row.openedAt = openedAt;
    else if (patch.status === "open" && row.openedAt === null) row.openedAt = now;
    if (closedAt !== undefined) row.closedAt = closedAt;
    else if (patch.status !== undefined && TERMINAL.has(patch.status) && row.closedAt === null) row.closedAt = now;
    if (patch.status !== undefined) this.setStatus(this.data(row.strategyId), row, patch.status);
    row.updatedAt = now;
    return row;
  }

  async getOrder(clientOrderId: string): Promise<OrderRecord | null> {
    const row = this.orders.get(clientOrderId);
    return row ? orderOut(row) : null;
  }

  async listOpenOrders(strategyId: string): Promise<OrderRecord[]> {
    const d = this.strategies.get(strategyId);
    return d ? this.openOrders(d) : [];
  }

  private openOrders(d: StrategyData): OrderRecord[] {
    return [...d.liveOrders.values()].sort(byOrderKey).map(orderOut);
  }

  async listOrders(strategyId: string, opts: ListOrdersOptions = {}): Promise<OrderRecord[]> {
    const limit = limitOf(opts.limit, 100, 10_000);
    const rows = this.strategies.get(strategyId)?.orders ?? [];
    const before = opts.before ? msIn(opts.before, "before") : undefined;
    const beforeId = opts.beforeId;
    // Rows are sorted by (createdAt, clientOrderId): everything below the cursor is a prefix.
    const end =
      before === undefined
        ? rows.length
        : firstIndex(rows, (o) => o.createdAt > before || (o.createdAt === before && (beforeId === undefined || compareText(o.clientOrderId, beforeId) >= 0)));
    const match = orderMatcher(opts);
    const out: OrderRecord[] = [];
    for (let i = end - 1; i >= 0 && out.length < limit; i--) if (match(rows[i]!)) out.push(orderOut(rows[i]!));
    return out;
  }

  async countOrders(strategyId: string, filter: OrderFilter = {}): Promise<number> {
    const match = orderMatcher(filter);
    return (this.strategies.get(strategyId)?.orders ?? []).filter(match).length;
  }

  // ── fills ──

  async recordFill(fill: NewFill): Promise<RecordFillResult> {
    const r = this.recordFillRow(fill);
    return { inserted: r.inserted, order: r.order ? orderOut(r.order) : null };
  }

  private recordFillRow(fill: NewFill): { inserted: boolean; order: OrderRow | null } {
    const size = exactIn(fill.size, "fill.size");
    const price = exactIn(fill.price, "fill.price");
    const fee = exactIn(fill.fee, "fill.fee");
    const inventoryAfter = exactIn(fill.inventoryAfter, "fill.inventoryAfter");
    const realizedPnlAfter = fill.realizedPnlAfter == null ? null : roundedIn(fill.realizedPnlAfter, "fill.realizedPnlAfter");
    const ts = msIn(fill.ts, "fill.ts");
    checkEnum("side", fill.side);
    checkEnum("liquidity", fill.liquidity);
    const clientOrderId = fill.clientOrderId;

    const existingTrades = this.strategies.get(fill.strategyId)?.tradeIds.get(fill.venue);
    if (existingTrades?.has(fill.venueTradeId)) {
      const order = clientOrderId === null ? undefined : this.orders.get(clientOrderId);
      return { inserted: false, order: order ?? null };
    }
    const d = this.data(fill.strategyId);
    const runId = fill.runId ?? null;
    this.checkRun(runId);

    // Work out the order's new state before writing anything, so a refused fill changes nothing.
    const order = clientOrderId === null ? undefined : this.orders.get(clientOrderId);
    const filledSize = order ? exactIn(new Exact(order.filledSize).plus(size), "order.filledSize") : undefined;

    this.fillSeq += 1;
    const row: FillRow = {
      seq: this.fillSeq,
      id: String(this.fillSeq),
      strategyId: d.row.id,
      runId,
      venue: fill.venue,
      venueTradeId: fill.venueTradeId,
      kind: fill.kind ?? "trade",
      note: fill.note ?? null,
      clientOrderId,
      side: fill.side,
      price,
      size,
      fee,
      feeCurrency: fill.feeCurrency ?? null,
      liquidity: fill.liquidity,
      inventoryAfter,
      realizedPnlAfter,
      ts,
      createdAt: Date.now(),
    };
    d.fills.push(row);
    insertSorted(d.fillsByTs, row, byTsSeq);
    let trades = d.tradeIds.get(fill.venue);
    if (!trades) d.tradeIds.set(fill.venue, (trades = new Set()));
    trades.add(fill.venueTradeId);

    if (!order || filledSize === undefined) return { inserted: true, order: null };
    order.filledSize = filledSize;
    order.updatedAt = Date.now();
    const filled = new Decimal(filledSize).gte(order.size);
    let status = order.status;
    if (filled) status = "filled";
    else if (status === "pending_new" || status === "open") status = "partially_filled";
    if (filled && order.closedAt === null) order.closedAt = ts;
    // The order may belong to another strategy: the fill's clientOrderId is not tied to its strategy.
    if (status !== order.status) this.setStatus(this.data(order.strategyId), order, status);
    return { inserted: true, order };
  }

  async listFills(strategyId: string, opts: ListFillsOptions = {}): Promise<FillRecord[]> {
    const limit = limitOf(opts.limit, 100, 10_000);
    const rows = this.strategies.get(strategyId)?.fillsByTs ?? [];
    const [start, rangeEnd] = this.fillRange(rows, opts);
    let end = rangeEnd;
    if (opts.before) {
      const ts = msIn(opts.before.ts, "before.ts");
      const seq = fillSeqIn(opts.before.id);
      end = Math.min(end, firstIndex(rows, (f) => f.ts > ts || (f.ts === ts && f.seq >= seq)));
    }
    const side = opts.side;
    const out: FillRecord[] = [];
    for (let i = end - 1; i >= start && out.length < limit; i--) if (side === undefined || rows[i]!.side === side) out.push(fillOut(rows[i]!));
    return out;
  }

  async countFills(strategyId: string, filter: FillFilter = {}): Promise<number> {
    const rows = this.strategies.get(strategyId)?.fillsByTs ?? [];
    const [start, end] = this.fillRange(rows, filter);
    if (filter.side === undefined) return Math.max(0, end - start);
    let n = 0;
    for (let i = start; i < end; i++) if (rows[i]!.side === filter.side) n++;
    return n;
  }

  /** [start, end) of the rows (sorted by ts) inside the filter's time range. */
  private fillRange(rows: readonly FillRow[], f: FillFilter): [number, number] {
    const from = f.from ? msIn(f.from, "from") : undefined;
    const to = f.to ? msIn(f.to, "to") : undefined;
    const start = from === undefined ? 0 : firstIndex(rows, (r) => r.ts >= from);
    const end = to === undefined ? rows.length : firstIndex(rows, (r) => r.ts >= to);
    return [start, Math.max(start, end)];
  }

  // ── snapshots ──

  async insertSnapshot(snapshot: Snapshot): Promise<void> {
    await this.insertSnapshots([snapshot]);
  }

  async applyWrites(writes: readonly StoreWrite[]): Promise<number> {
    // Each write here is atomic on its own but the batch is not: a failure reports how many went in.
    for (const [i, w] of writes.entries()) {
      try {
        if (w.op === "saveOrder") this.saveOrderRow(w.order);
        else if (w.op === "recordFill") this.recordFillRow(w.fill);
        else if (w.op === "insertSnapshot") await this.insertSnapshot(w.snapshot);
        else if (!w.ignoreMissing || this.orders.has(w.clientOrderId)) this.updateOrderRow(w.clientOrderId, w.patch);
      } catch (err) {
        throw new BatchWriteError(i, err);
      }
    }
    return writes.length;
  }

  async insertSnapshots(batch: readonly Snapshot[]): Promise<number> {
    if (batch.length === 0) return 0;
    // The whole batch is checked first: like one INSERT statement, it is written entirely or not at all.
    const rows = batch.map((s, i) => snapshotIn(s, this.snapshotSeq + i + 1));
    const targets = rows.map((r) => this.data(r.strategyId));
    this.snapshotSeq += rows.length;
    rows.forEach((r, i) => insertSorted(targets[i]!.snapshots, r, byTsSeq));
    return rows.length;
  }

  async listSnapshots(strategyId: string, opts: ListSnapshotsOptions = {}): Promise<Snapshot[]> {
    const limit = limitOf(opts.limit, 1_000, 100_000);
    const rows = this.strategies.get(strategyId)?.snapshots ?? [];
    const from = opts.from ? msIn(opts.from, "from") : undefined;
    const to = opts.to ? msIn(opts.to, "to") : undefined;
    const start = from === undefined ? 0 : firstIndex(rows, (s) => s.ts >= from);
    const end = to === undefined ? rows.length : firstIndex(rows, (s) => s.ts > to);
    // A capped range keeps its most recent end, still ascending.
    return rows.slice(Math.max(start, end - limit), Math.max(start, end)).map(snapshotOut);
  }

  // ── alerts ──

  async raiseAlert(alert: NewAlert): Promise<AlertRecord> {
    checkEnum("kind", alert.kind);
    checkEnum("severity", alert.severity);
    const data = jsonIn(alert.data);
    const seen = alert.createdAt ? msIn(alert.createdAt, "alert.createdAt") : Date.now();
    const d = this.data(alert.strategyId);
    if (alert.kind === "rebalance") d.rebalanceCount += 1;
    if (alert.kind === "emergency") d.emergencyCount += 1;
    // A repeat while the kind's alert is open: the same alert, seen once more.
    let open: AlertRow | undefined;
    for (let i = d.alerts.length - 1; i >= 0 && !open; i--) {
      const a = d.alerts[i]!;
      if (a.kind === alert.kind && a.acknowledgedAt === null) open = a;
    }
    if (open) {
      open.count += 1;
      open.lastSeenAt = Math.max(open.lastSeenAt, seen);
      open.message = alert.message;
      if (SEVERITY_RANK[alert.severity] > SEVERITY_RANK[open.severity]) open.severity = alert.severity;
      if (alert.data !== undefined) open.data = data;
      return alertOut(open);
    }
    const row: AlertRow = {
      id: alert.id ?? randomUUID(),
      strategyId: d.row.id,
      kind: alert.kind,
      severity: alert.severity,
      message: alert.message,
      data,
      createdAt: seen,
      count: 1,
      lastSeenAt: seen,
      acknowledgedBy: null,
      acknowledgedAt: null,
    };
    insertSorted(d.alerts, row, byCreatedId);
    this.alerts.set(row.id, row);
    return alertOut(row);
  }

  async acknowledgeAlert(id: string, by: string): Promise<AlertRecord | null> {
    const row = this.alerts.get(id);
    if (!row) return null;
    if (row.acknowledgedAt === null) {
      row.acknowledgedBy = by;
      row.acknowledgedAt = Date.now();
    }
    return alertOut(row);
  }

  async acknowledgeAllAlerts(strategyId: string, by: string): Promise<AlertRecord[]> {
    const now = Date.now();
    const out: AlertRecord[] = [];
    const rows = this.strategies.get(strategyId)?.alerts ?? [];
    for (let i = rows.length - 1; i >= 0; i--) {
      const a = rows[i]!;
      if (a.acknowledgedAt !== null) continue;
      a.acknowledgedBy = by;
      a.acknowledgedAt = now;
      out.push(alertOut(a));
    }
    return out;
  }

  async listAlerts(strategyId: string, opts: ListAlertsOptions = {}): Promise<AlertRecord[]> {
    const limit = limitOf(opts.limit, 100, 10_000);
    const rows = this.strategies.get(strategyId)?.alerts ?? [];
    const before = opts.before ? msIn(opts.before, "before") : undefined;
    const kinds = opts.kinds ? new Set(opts.kinds) : undefined;
    const out: AlertRecord[] = [];
    let i = before === undefined ? rows.length : firstIndex(rows, (a) => a.createdAt >= before);
    while (--i >= 0 && out.length < limit) {
      const a = rows[i]!;
      if (opts.unacknowledgedOnly && a.acknowledgedAt !== null) continue;
      if (kinds && !kinds.has(a.kind)) continue;
      out.push(alertOut(a));
    }
    return out;
  }

  // ── runs ──

  async startRun(run: NewRun): Promise<RunRecord> {
    if (run.seed != null && !Number.isSafeInteger(run.seed)) throw new StoreError(`run seed must be a safe integer, got ${run.seed}`);
    checkEnum("mode", run.mode);
    const config = jsonIn(run.config);
    const startedAt = run.startedAt ? msIn(run.startedAt, "run.startedAt") : Date.now();
    const d = this.data(run.strategyId);
    const row: RunRow = {
      id: randomUUID(),
      strategyId: d.row.id,
      mode: run.mode,
      seed: run.seed ?? null,
      config,
      startedAt,
      stoppedAt: null,
      stopReason: null,
    };
    this.runs.set(row.id, row);
    d.runs.push(row);
    return runOut(row);
  }

  async stopRun(runId: string, reason: string, stoppedAt: Date = new Date()): Promise<RunRecord> {
    const at = msIn(stoppedAt, "run.stoppedAt");
    const row = this.runs.get(runId);
    if (!row) throw new RunNotFoundError(`no run ${runId}`);
    if (row.stoppedAt === null) {
      row.stoppedAt = at;
      row.stopReason = reason;
    }
    return runOut(row);
  }

  async lastRun(strategyId: string): Promise<RunRecord | null> {
    const d = this.strategies.get(strategyId);
    const last = d && this.latestRun(d);
    return last ? runOut(last) : null;
  }

  private latestRun(d: StrategyData): RunRow | null {
    let last: RunRow | null = null;
    for (const r of d.runs) if (last === null || byStartedId(r, last) > 0) last = r;
    return last;
  }

  // ── audit ──

  async recordAudit(event: NewAuditEvent): Promise<AuditRecord> {
    const row: AuditRow = {
      id: randomUUID(),
      actor: event.actor,
      action: event.action,
      target: event.target,
      before: jsonIn(event.before),
      after: jsonIn(event.after),
      ip: event.ip ?? null,
      createdAt: Date.now(),
    };
    insertSorted(this.audit, row, byCreatedId);
    return auditOut(row);
  }

  async listAudit(opts: ListAuditOptions = {}): Promise<AuditRecord[]> {
    const limit = limitOf(opts.limit, 100, 10_000);
    const rows = this.audit;
    const before = opts.before ? msIn(opts.before, "before") : undefined;
    const beforeId = opts.beforeId;
    const out: AuditRecord[] = [];
    // Rows are sorted by (createdAt, id): everything below the cursor is a prefix.
    let i =
      before === undefined
        ? rows.length
        : firstIndex(rows, (a) => a.createdAt > before || (a.createdAt === before && (beforeId === undefined || compareText(a.id, beforeId) >= 0)));
    while (--i >= 0 && out.length < limit) {
      const a = rows[i]!;
      if (opts.target && a.target !== opts.target) continue;
      if (opts.actor && a.actor !== opts.actor) continue;
      if (opts.actionPrefix && !a.action.startsWith(opts.actionPrefix)) continue;
      out.push(auditOut(a));
    }
    return out;
  }

  // ── restart ──

  async loadRecoveryState(strategyId: string): Promise<RecoveryState> {
    const d = this.data(strategyId);
    const params = d.versions.at(-1);
    const lastSnapshot = d.snapshots.at(-1);
    const lastRun = this.latestRun(d);
    return {
      strategy: strategyOut(d.row),
      params: params ? versionOut(params) : null,
      fills: d.fills.map(fillOut),
      openOrders: this.openOrders(d),
      rebalanceCount: d.rebalanceCount,
      emergencyCount: d.emergencyCount,
      lastSnapshot: lastSnapshot ? snapshotOut(lastSnapshot) : null,
      lastRun: lastRun ? runOut(lastRun) : null,
    };
  }
}

/** A fresh, empty store that lives as long as the process (or the object): nothing is shared between instances. */
export function createMemoryStore(): Store {
  return new MemoryStore();
}
