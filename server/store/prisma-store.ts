// The Store on Prisma: one implementation for PostgreSQL and PGlite. Writes that must stay consistent
// (a parameter version and the strategy's pointer to it; a fill and its order) share one transaction.
// Inside a transaction only `tx` is used: PGlite has a single session, so touching `this.prisma` there
// would wait on the transaction itself.
import { canMoveOrderState, IllegalOrderStateChange } from "@/lib/orders";
import type { Db } from "@/server/db";
import { Prisma, type PrismaClient } from "@/server/db/generated/client";
import { exactToDb, fromDb } from "./decimal";
import { PrismaLabRuns, type LabResultRecord, type LabRunPatch, type NewLabRun } from "./lab-runs";
import {
  OrderConflictError,
  OrderNotFoundError,
  RunNotFoundError,
  StaleParameterVersionError,
  StoreError,
  StrategyNotFoundError,
} from "./errors";
import { applyWritesTx, checkLeaseEpochs, fillRow, orderRow, sameOrder, snapshotRow } from "./prisma-batch";
import { epochOfClientId } from "@/lib/lease-epoch";
import { jsonIn, toAlert, toAudit, toFill, toOrder, toParameterVersion, toRun, toSnapshot, toStrategy } from "./prisma-rows";
import {
  LIVE_ORDER_STATUSES,
  TERMINAL_ORDER_STATUSES,
  type AlertRecord,
  type AuditRecord,
  type FillFilter,
  type FillRecord,
  type ListAlertsOptions,
  type ListAuditOptions,
  type ListFillsOptions,
  type ListOrdersOptions,
  type ListSnapshotsOptions,
  type NewAlert,
  type NewAuditEvent,
  type NewFill,
  type NewOrder,
  type NewParameterVersion,
  type NewRun,
  type OrderFilter,
  type OrderPatch,
  type OrderRecord,
  type OrderStatus,
  type ParameterVersionRecord,
  type RecordFillResult,
  type RecoveryState,
  type RiskState,
  type RunRecord,
  SEVERITY_RANK,
  type Snapshot,
  type Store,
  type StoreWrite,
  type StrategyDef,
  type StrategyLifecycle,
  type StrategyRecord,
} from "./types";

type Tx = Prisma.TransactionClient;

const TERMINAL = new Set<OrderStatus>(TERMINAL_ORDER_STATUSES);
const LIVE = [...LIVE_ORDER_STATUSES];

function limitOf(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1) throw new StoreError(`limit must be a positive integer, got ${limit}`);
  return Math.min(limit, max);
}

export class PrismaStore implements Store {
  private readonly prisma: PrismaClient;
  private readonly kind: Db["kind"];

  private readonly lab: PrismaLabRuns;

  constructor(db: Pick<Db, "prisma" | "kind">) {
    this.prisma = db.prisma;
    this.kind = db.kind;
    this.lab = new PrismaLabRuns(db.prisma);
  }

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

  // ── strategies ──

  async ensureStrategy(def: StrategyDef): Promise<StrategyRecord> {
    return this.prisma.$transaction(async (tx) => {
      const config = { market: def.market, symbol: def.symbol, venue: def.venue, mode: def.mode };
      const created = {
        name: def.name,
        ...config,
        clientTag: def.clientTag ?? null,
        account: def.account ?? "paper",
        ...(def.settings ? { settings: jsonIn(def.settings) } : {}),
      };
      // Settings given again (the desk's default strategy, from the environment) follow the latest start.
      const update = def.settings ? { ...config, settings: jsonIn(def.settings) } : config;
      const row = await tx.strategy.upsert({ where: { name: def.name }, create: created, update });
      if (row.currentParamVersion > 0 || !def.initialParams) return toStrategy(row);
      await appendVersion(tx, { strategyId: row.id, params: def.initialParams, changedBy: "system", reason: "initial parameters" });
      return toStrategy(await tx.strategy.findUniqueOrThrow({ where: { id: row.id } }));
    });
  }

  async getStrategy(name: string): Promise<StrategyRecord | null> {
    const row = await this.prisma.strategy.findUnique({ where: { name } });
    return row && toStrategy(row);
  }

  async getStrategyById(id: string): Promise<StrategyRecord | null> {
    const row = await this.prisma.strategy.findUnique({ where: { id } });
    return row && toStrategy(row);
  }

  async listStrategies(): Promise<StrategyRecord[]> {
    return (await this.prisma.strategy.findMany({ orderBy: { name: "asc" } })).map(toStrategy);
  }

  async setRiskState(strategyId: string, state: RiskState, reason: string): Promise<StrategyRecord> {
    const rows = await this.prisma.strategy.updateManyAndReturn({
      where: { id: strategyId },
      data: { riskState: state, riskReason: reason, riskChangedAt: new Date() },
    });
    if (!rows[0]) throw new StrategyNotFoundError(`no strategy ${strategyId}`);
    return toStrategy(rows[0]);
  }

  async setPaused(strategyId: string, paused: boolean): Promise<StrategyRecord> {
    const rows = await this.prisma.strategy.updateManyAndReturn({ where: { id: strategyId }, data: { paused } });
    if (!rows[0]) throw new StrategyNotFoundError(`no strategy ${strategyId}`);
    return toStrategy(rows[0]);
  }

  async setLifecycle(strategyId: string, lifecycle: StrategyLifecycle): Promise<StrategyRecord> {
    const rows = await this.prisma.strategy.updateManyAndReturn({ where: { id: strategyId }, data: { lifecycle } });
    if (!rows[0]) throw new StrategyNotFoundError(`no strategy ${strategyId}`);
    return toStrategy(rows[0]);
  }

  // ── parameter versions ──

  async appendParameterVersion(change: NewParameterVersion): Promise<ParameterVersionRecord> {
    return this.prisma.$transaction((tx) => appendVersion(tx, change));
  }

  async listParameterVersions(strategyId: string, opts: { limit?: number } = {}): Promise<ParameterVersionRecord[]> {
    const rows = await this.prisma.parameterVersion.findMany({
      where: { strategyId },
      orderBy: { version: "desc" },
      take: limitOf(opts.limit, 100, 10_000),
    });
    return rows.map(toParameterVersion);
  }

  async getParameterVersion(strategyId: string, version?: number): Promise<ParameterVersionRecord | null> {
    const row =
      version === undefined
        ? await this.prisma.parameterVersion.findFirst({ where: { strategyId }, orderBy: { version: "desc" } })
        : await this.prisma.parameterVersion.findUnique({ where: { strategyId_version: { strategyId, version } } });
    return row && toParameterVersion(row);
  }

  // ── orders ──

  async saveOrder(order: NewOrder): Promise<{ order: OrderRecord; inserted: boolean }> {
    if (epochOfClientId(order.clientOrderId) === null) return this.saveOrderIn(this.prisma, order);
    // Scaled out: stored only while the strategy's lease is at the order's epoch (checkLeaseEpochs).
    return this.prisma.$transaction(async (tx) => {
      await checkLeaseEpochs(tx, [order]);
      return this.saveOrderIn(tx, order);
    });
  }

  private async saveOrderIn(db: Pick<PrismaClient, "order">, order: NewOrder): Promise<{ order: OrderRecord; inserted: boolean }> {
    const created = await db.order.createManyAndReturn({ data: [orderRow(order)], skipDuplicates: true });
    if (created[0]) return { order: toOrder(created[0]), inserted: true };

    const existing = await db.order.findUnique({ where: { clientOrderId: order.clientOrderId } });
    if (!existing) throw new StoreError(`order ${order.clientOrderId} was neither inserted nor found`);
    const stored = toOrder(existing);
    if (!sameOrder(stored, order)) throw new OrderConflictError(`clientOrderId ${order.clientOrderId} is already used by a different order`);
    return { order: stored, inserted: false };
  }

  async updateOrder(clientOrderId: string, patch: OrderPatch): Promise<OrderRecord> {
    const data: Prisma.OrderUpdateInput = {};
    if (patch.status !== undefined) data.status = patch.status;
    if (patch.statusReason !== undefined) data.statusReason = patch.statusReason;
    if (patch.filledSize !== undefined) data.filledSize = exactToDb(patch.filledSize, "order.filledSize");
    if (patch.venueOrderId !== undefined) data.venueOrderId = patch.venueOrderId;
    if (patch.openedAt !== undefined) data.openedAt = patch.openedAt;
    if (patch.closedAt !== undefined) data.closedAt = patch.closedAt;
    if (patch.history !== undefined) data.history = patch.history as unknown as Prisma.InputJsonValue;

    const needsOpened = patch.status === "open" && patch.openedAt === undefined;
    const needsClosed = patch.status !== undefined && TERMINAL.has(patch.status) && patch.closedAt === undefined;
    if (!needsOpened && !needsClosed && patch.status === undefined) {
      const rows = await this.prisma.order.updateManyAndReturn({ where: { clientOrderId }, data });
      if (!rows[0]) throw new OrderNotFoundError(`no order ${clientOrderId}`);
      return toOrder(rows[0]);
    }
    // Timestamps default to now only when still empty, so a repeated status report does not move them.
    return this.prisma.$transaction(async (tx) => {
      const current = await tx.order.findUnique({ where: { clientOrderId }, select: { openedAt: true, closedAt: true, status: true } });
      if (!current) throw new OrderNotFoundError(`no order ${clientOrderId}`);
      if (patch.status !== undefined && !canMoveOrderState(current.status, patch.status)) {
        throw new IllegalOrderStateChange(clientOrderId, current.status, patch.status);
      }
      const now = new Date();
      if (needsOpened && current.openedAt === null) data.openedAt = now;
      if (needsClosed && current.closedAt === null) data.closedAt = now;
      return toOrder(await tx.order.update({ where: { clientOrderId }, data }));
    });
  }

  async getOrder(clientOrderId: string): Promise<OrderRecord | null> {
    const row = await this.prisma.order.findUnique({ where: { clientOrderId } });
    return row && toOrder(row);
  }

  async listOpenOrders(strategyId: string): Promise<OrderRecord[]> {
    const rows = await this.prisma.order.findMany({
      where: { strategyId, status: { in: LIVE } },
      orderBy: [{ createdAt: "asc" }, { clientOrderId: "asc" }],
    });
    return rows.map(toOrder);
  }

  async listOrders(strategyId: string, opts: ListOrdersOptions = {}): Promise<OrderRecord[]> {
    const before: Prisma.OrderWhereInput = !opts.before
      ? {}
      : opts.beforeId === undefined
        ? { createdAt: { lt: opts.before } }
        : { OR: [{ createdAt: { lt: opts.before } }, { createdAt: opts.before, clientOrderId: { lt: opts.beforeId } }] };
    const rows = await this.prisma.order.findMany({
      where: { AND: [orderWhere(strategyId, opts), before] },
      orderBy: [{ createdAt: "desc" }, { clientOrderId: "desc" }],
      take: limitOf(opts.limit, 100, 10_000),
    });
    return rows.map(toOrder);
  }

  countOrders(strategyId: string, filter: OrderFilter = {}): Promise<number> {
    return this.prisma.order.count({ where: orderWhere(strategyId, filter) });
  }

  // ── fills ──

  async recordFill(fill: NewFill): Promise<RecordFillResult> {
    const row = fillRow(fill);
    const size = row.size;
    const clientOrderId = fill.clientOrderId;
    return this.prisma.$transaction(async (tx) => {
      // ON CONFLICT DO NOTHING on (venue, strategyId, venueTradeId): a replayed fill changes nothing.
      const { count } = await tx.fill.createMany({ data: [row], skipDuplicates: true });
      if (clientOrderId === null) return { inserted: count === 1, order: null };
      if (count === 0) {
        const order = await tx.order.findUnique({ where: { clientOrderId } });
        return { inserted: false, order: order && toOrder(order) };
      }
      // The increment locks the order row, so concurrent fills of one order add up instead of overwriting.
      const bumped = await tx.order.updateManyAndReturn({ where: { clientOrderId }, data: { filledSize: { increment: size } } });
      const current = bumped[0];
      if (!current) return { inserted: true, order: null };
      const filled = fromDb(current.filledSize).gte(fromDb(current.size));
      let status: OrderStatus = current.status;
      if (filled) status = "filled";
      else if (status === "pending_new" || status === "open") status = "partially_filled";
      if (status === current.status && (!filled || current.closedAt !== null)) return { inserted: true, order: toOrder(current) };
      const updated = await tx.order.update({
        where: { clientOrderId },
        data: { status, ...(filled && current.closedAt === null ? { closedAt: fill.ts } : {}) },
      });
      return { inserted: true, order: toOrder(updated) };
    });
  }

  async listFills(strategyId: string, opts: ListFillsOptions = {}): Promise<FillRecord[]> {
    const b = opts.before;
    const before: Prisma.FillWhereInput = b ? { OR: [{ ts: { lt: b.ts } }, { ts: b.ts, id: { lt: fillIdIn(b.id) } }] } : {};
    const rows = await this.prisma.fill.findMany({
      where: { AND: [fillWhere(strategyId, opts), before] },
      orderBy: [{ ts: "desc" }, { id: "desc" }],
      take: limitOf(opts.limit, 100, 10_000),
    });
    return rows.map(toFill);
  }

  countFills(strategyId: string, filter: FillFilter = {}): Promise<number> {
    return this.prisma.fill.count({ where: fillWhere(strategyId, filter) });
  }

  // ── snapshots ──

  async insertSnapshot(snapshot: Snapshot): Promise<void> {
    await this.prisma.snapshot.create({ data: snapshotRow(snapshot) });
  }

  async applyWrites(writes: readonly StoreWrite[]): Promise<number> {
    if (writes.length === 0) return 0;
    // A pool of PostgreSQL connections, or PGlite's one session, may be busy with other strategies' batches:
    // waiting for it is not a failure.
    await this.prisma.$transaction((tx) => applyWritesTx(tx, writes), { maxWait: 60_000, timeout: 60_000 });
    return writes.length;
  }

  async insertSnapshots(batch: readonly Snapshot[]): Promise<number> {
    if (batch.length === 0) return 0;
    const { count } = await this.prisma.snapshot.createMany({ data: batch.map(snapshotRow) });
    return count;
  }

  async listSnapshots(strategyId: string, opts: ListSnapshotsOptions = {}): Promise<Snapshot[]> {
    const ts: Prisma.DateTimeFilter<"Snapshot"> = {};
    if (opts.from) ts.gte = opts.from;
    if (opts.to) ts.lte = opts.to;
    // Newest `limit` first, then flipped: a capped range keeps its most recent end.
    const rows = await this.prisma.snapshot.findMany({
      where: { strategyId, ...(opts.from || opts.to ? { ts } : {}) },
      orderBy: [{ ts: "desc" }, { id: "desc" }],
      take: limitOf(opts.limit, 1_000, 100_000),
    });
    return rows.reverse().map(toSnapshot);
  }

  // ── alerts ──

  async raiseAlert(alert: NewAlert): Promise<AlertRecord> {
    const seen = alert.createdAt ?? new Date();
    return this.prisma.$transaction(async (tx) => {
      // The strategy's row lock orders concurrent raises of one strategy: two repeats cannot both find no
      // open alert and insert two. (PGlite has one session; the lock is then simply granted.)
      const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "Strategy" WHERE "id" = ${alert.strategyId} FOR UPDATE`;
      if (!locked.length) throw new StrategyNotFoundError(`no strategy ${alert.strategyId}`);
      const open = await tx.alert.findFirst({
        where: { strategyId: alert.strategyId, kind: alert.kind, acknowledgedAt: null },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      });
      if (open) {
        const severity = SEVERITY_RANK[alert.severity] > SEVERITY_RANK[open.severity] ? alert.severity : open.severity;
        const row = await tx.alert.update({
          where: { id: open.id },
          data: {
            count: { increment: 1 },
            lastSeenAt: seen > open.lastSeenAt ? seen : open.lastSeenAt,
            message: alert.message,
            severity,
            ...(alert.data !== undefined ? { data: jsonIn(alert.data) } : {}),
          },
        });
        return toAlert(row);
      }
      const row = await tx.alert.create({
        data: {
          ...(alert.id ? { id: alert.id } : {}),
          strategyId: alert.strategyId,
          kind: alert.kind,
          severity: alert.severity,
          message: alert.message,
          data: jsonIn(alert.data),
          createdAt: seen,
          lastSeenAt: seen,
        },
      });
      return toAlert(row);
    });
  }

  async acknowledgeAlert(id: string, by: string): Promise<AlertRecord | null> {
    const rows = await this.prisma.alert.updateManyAndReturn({
      where: { id, acknowledgedAt: null },
      data: { acknowledgedBy: by, acknowledgedAt: new Date() },
    });
    if (rows[0]) return toAlert(rows[0]);
    const row = await this.prisma.alert.findUnique({ where: { id } });
    return row && toAlert(row);
  }

  async acknowledgeAllAlerts(strategyId: string, by: string): Promise<AlertRecord[]> {
    const rows = await this.prisma.alert.updateManyAndReturn({
      where: { strategyId, acknowledgedAt: null },
      data: { acknowledgedBy: by, acknowledgedAt: new Date() },
    });
    return rows.map(toAlert).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  async listAlerts(strategyId: string, opts: ListAlertsOptions = {}): Promise<AlertRecord[]> {
    const rows = await this.prisma.alert.findMany({
      where: {
        strategyId,
        ...(opts.unacknowledgedOnly ? { acknowledgedAt: null } : {}),
        ...(opts.kinds ? { kind: { in: opts.kinds } } : {}),
        ...(opts.before ? { createdAt: { lt: opts.before } } : {}),
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limitOf(opts.limit, 100, 10_000),
    });
    return rows.map(toAlert);
  }

  // ── runs ──

  async startRun(run: NewRun): Promise<RunRecord> {
    if (run.seed != null && !Number.isSafeInteger(run.seed)) throw new StoreError(`run seed must be a safe integer, got ${run.seed}`);
    const row = await this.prisma.run.create({
      data: {
        strategyId: run.strategyId,
        mode: run.mode,
        seed: run.seed == null ? null : BigInt(run.seed),
        config: jsonIn(run.config),
        ...(run.startedAt ? { startedAt: run.startedAt } : {}),
      },
    });
    return toRun(row);
  }

  async stopRun(runId: string, reason: string, stoppedAt: Date = new Date()): Promise<RunRecord> {
    const rows = await this.prisma.run.updateManyAndReturn({
      where: { id: runId, stoppedAt: null },
      data: { stoppedAt, stopReason: reason },
    });
    if (rows[0]) return toRun(rows[0]);
    const row = await this.prisma.run.findUnique({ where: { id: runId } });
    if (!row) throw new RunNotFoundError(`no run ${runId}`);
    return toRun(row);
  }

  async lastRun(strategyId: string): Promise<RunRecord | null> {
    const row = await this.prisma.run.findFirst({ where: { strategyId }, orderBy: [{ startedAt: "desc" }, { id: "desc" }] });
    return row && toRun(row);
  }

  // ── audit ──

  async recordAudit(event: NewAuditEvent): Promise<AuditRecord> {
    const row = await this.prisma.auditEvent.create({
      data: {
        actor: event.actor,
        action: event.action,
        target: event.target,
        before: jsonIn(event.before),
        after: jsonIn(event.after),
        ip: event.ip ?? null,
      },
    });
    return toAudit(row);
  }

  async listAudit(opts: ListAuditOptions = {}): Promise<AuditRecord[]> {
    const before: Prisma.AuditEventWhereInput = !opts.before
      ? {}
      : opts.beforeId === undefined
        ? { createdAt: { lt: opts.before } }
        : { OR: [{ createdAt: { lt: opts.before } }, { createdAt: opts.before, id: { lt: opts.beforeId } }] };
    const rows = await this.prisma.auditEvent.findMany({
      where: {
        ...(opts.target ? { target: opts.target } : {}),
        ...(opts.actor ? { actor: opts.actor } : {}),
        ...(opts.actionPrefix ? { action: { startsWith: opts.actionPrefix } } : {}),
        ...before,
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limitOf(opts.limit, 100, 10_000),
    });
    return rows.map(toAudit);
  }

  // ── restart ──

  async loadRecoveryState(strategyId: string): Promise<RecoveryState> {
    const p = this.prisma;
    // One transaction, repeatable read on PostgreSQL, so the pieces agree with each other.
    // (PGlite has a single session: a transaction there is already a consistent view.)
    const [strategy, params, fills, openOrders, rebalanceCount, emergencyCount, lastSnapshot, lastRun] = await p.$transaction(
      [
        p.strategy.findUnique({ where: { id: strategyId } }),
        p.parameterVersion.findFirst({ where: { strategyId }, orderBy: { version: "desc" } }),
        p.fill.findMany({ where: { strategyId }, orderBy: { id: "asc" } }),
        p.order.findMany({ where: { strategyId, status: { in: LIVE } }, orderBy: [{ createdAt: "asc" }, { clientOrderId: "asc" }] }),
        p.alert.aggregate({ where: { strategyId, kind: "rebalance" }, _sum: { count: true } }),
        p.alert.aggregate({ where: { strategyId, kind: "emergency" }, _sum: { count: true } }),
        p.snapshot.findFirst({ where: { strategyId }, orderBy: [{ ts: "desc" }, { id: "desc" }] }),
        p.run.findFirst({ where: { strategyId }, orderBy: [{ startedAt: "desc" }, { id: "desc" }] }),
      ],
      this.kind === "postgres" ? { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead } : undefined,
    );
    if (!strategy) throw new StrategyNotFoundError(`no strategy ${strategyId}`);
    return {
      strategy: toStrategy(strategy),
      params: params && toParameterVersion(params),
      fills: fills.map(toFill),
      openOrders: openOrders.map(toOrder),
      rebalanceCount: rebalanceCount._sum.count ?? 0,
      emergencyCount: emergencyCount._sum.count ?? 0,
      lastSnapshot: lastSnapshot && toSnapshot(lastSnapshot),
      lastRun: lastRun && toRun(lastRun),
    };
  }
}

async function appendVersion(tx: Tx, change: NewParameterVersion): Promise<ParameterVersionRecord> {
  const { strategyId } = change;
  // Bumping the pointer first takes the strategy's row lock: concurrent appends queue up and get 1, 2, 3…
  const bumped = await tx.strategy.updateManyAndReturn({
    where: { id: strategyId },
    data: { currentParamVersion: { increment: 1 } },
    select: { currentParamVersion: true },
  });
  if (!bumped[0]) throw new StrategyNotFoundError(`no strategy ${strategyId}`);
  const version = bumped[0].currentParamVersion;
  if (change.expectedCurrentVersion !== undefined && change.expectedCurrentVersion !== version - 1) {
    throw new StaleParameterVersionError(change.expectedCurrentVersion, version - 1);
  }
  if (change.rolledBackFrom !== undefined) {
    const target = change.rolledBackFrom;
    const exists = Number.isInteger(target) && target >= 1 && target < version;
    if (!exists) throw new StoreError(`cannot roll back to version ${target}: versions run from 1 to ${version - 1}`);
  }
  const previous =
    version > 1 ? await tx.parameterVersion.findUnique({ where: { strategyId_version: { strategyId, version: version - 1 } } }) : null;
  const row = await tx.parameterVersion.create({
    data: {
      strategyId,
      version,
      params: jsonIn(change.params) as Prisma.InputJsonValue,
      previous: previous ? (previous.params as Prisma.InputJsonValue) : Prisma.DbNull,
      changedBy: change.changedBy,
      reason: change.reason,
      rolledBackFrom: change.rolledBackFrom ?? null,
    },
  });
  return toParameterVersion(row);
}

function orderWhere(strategyId: string, f: OrderFilter): Prisma.OrderWhereInput {
  return {
    strategyId,
    ...(f.side ? { side: f.side } : {}),
    ...(f.statuses ? { status: { in: f.statuses } } : {}),
    ...(f.reasons ? { reason: { in: f.reasons } } : {}),
  };
}

function fillWhere(strategyId: string, f: FillFilter): Prisma.FillWhereInput {
  const ts: Prisma.DateTimeFilter<"Fill"> = {};
  if (f.from) ts.gte = f.from;
  if (f.to) ts.lt = f.to;
  return { strategyId, ...(f.side ? { side: f.side } : {}), ...(f.from || f.to ? { ts } : {}) };
}

/** A fill id is the decimal string of the row's bigint sequence. */
function fillIdIn(id: string): bigint {
  if (!/^\d{1,19}$/.test(id)) throw new StoreError(`fill id must be a decimal integer, got ${JSON.stringify(id)}`);
  return BigInt(id);
}

/** The store for a database made by createDb. */
export function createPrismaStore(db: Pick<Db, "prisma" | "kind">): Store {
  return new PrismaStore(db);
}
