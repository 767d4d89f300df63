// The Store on Prisma: one implementation for PostgreSQL and PGlite. Writes that must stay consistent
// (a parameter version and the strategy's pointer to it; a fill and its order) share one transaction.
// Inside a transaction only `tx` is used: PGlite has a single session, so touching `this.prisma` there
// would wait on the transaction itself. Strategies, parameter versions, orders, fills and snapshots are in
// prisma-orders.ts, the class this one extends; rows ↔ records in prisma-rows.ts, batched writes in prisma-batch.ts.
import type { Db } from "@/server/db";
import { Prisma } from "@/server/db/generated/client";
import type { LabResultRecord, LabRunPatch, NewLabRun } from "./lab-runs";
import { RunNotFoundError, StoreError, StrategyNotFoundError } from "./errors";
import { jsonIn, toAlert, toAudit, toFill, toOrder, toParameterVersion, toRun, toSnapshot, toStrategy } from "./prisma-rows";
import {
  type AlertRecord,
  type AuditRecord,
  type NewAlert,
  type NewAuditEvent,
  type NewRun,
  type RunRecord,
  SEVERITY_RANK,
} from "./records";
import type { ListAlertsOptions, ListAuditOptions } from "./list-options";
import type { RecoveryState, Store } from "./port";
import { LIVE, PrismaOrders, limitOf } from "./prisma-orders";

export class PrismaStore extends PrismaOrders implements Store {
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

/** The store for a database made by createDb. */
export function createPrismaStore(db: Pick<Db, "prisma" | "kind">): Store {
  return new PrismaStore(db);
}
