// The Store in process memory, for simulations, backtests and fast runner tests (`--db none`). It keeps the
// Prisma store's semantics, checked by the same contract suite: the same idempotency keys, orderings, limits,
// numeric(38,18) range checks and errors. Every method does its work synchronously once called, so each call
// is atomic the way a database transaction is. Records are copied on the way in and out: nothing a caller
// holds aliases stored state. Rows keep decimals as their database strings and instants as epoch
// milliseconds, which is compact (long backtests keep every row) and immutable.
//
// Where PostgreSQL would refuse a write with a driver error (foreign keys, enum values, invalid dates, a
// numeric overflow while adding to filledSize) this store throws a StoreError subclass instead.
// One class chain owns the state, in files by subject: memory-tables.ts (the tables, strategies, parameter
// versions) → memory-orders.ts (orders, fills, snapshots, batched writes) → this file (alerts, runs, audit,
// recovery, lab runs); the rows and their conversions are in memory-rows.ts.
import { randomUUID } from "node:crypto";
import { MemoryLabRuns, type LabResultRecord, type LabRunPatch, type NewLabRun } from "./lab-runs";
import { RunNotFoundError, StoreError } from "./errors";
import {
  type AlertRecord,
  type AuditRecord,
  SEVERITY_RANK,
  type NewAlert,
  type NewAuditEvent,
  type NewRun,
  type RunRecord,
} from "./records";
import type { ListAlertsOptions, ListAuditOptions } from "./list-options";
import type { RecoveryState, Store } from "./port";
import {
  checkEnum,
  limitOf,
  msIn,
  jsonIn,
  compareText,
  insertSorted,
  firstIndex,
  byCreatedId,
  byStartedId,
  strategyOut,
  versionOut,
  fillOut,
  snapshotOut,
  alertOut,
  runOut,
  auditOut,
  type AlertRow,
  type RunRow,
  type AuditRow,
  type StrategyData,
} from "./memory-rows";

import { MemoryOrders } from "./memory-orders";

export class MemoryStore extends MemoryOrders implements Store {
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

  protected latestRun(d: StrategyData): RunRow | null {
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
