// The Prisma store's strategies, parameter versions, orders, fills and snapshots (prisma-store.ts), and the
// helpers both halves share. PrismaStore (prisma-store.ts: alerts, runs, audit, recovery, lab runs) extends this
// class: one chain, one owner of the client. Inside a transaction only `tx` is used (see prisma-store.ts).
import { canMoveOrderState, IllegalOrderStateChange } from "@/lib/orders";
import type { Db } from "@/server/db";
import { Prisma, type PrismaClient } from "@/server/db/generated/client";
import { exactToDb, fromDb } from "./decimal";
import { PrismaLabRuns } from "./lab-runs";
import { OrderConflictError, OrderNotFoundError, StaleParameterVersionError, StoreError, StrategyNotFoundError } from "./errors";
import { applyWritesTx, checkLeaseEpochs, fillRow, orderRow, sameOrder, snapshotRow } from "./prisma-batch";
import { epochOfClientId } from "@/lib/lease-epoch";
import { jsonIn, toFill, toOrder, toParameterVersion, toSnapshot, toStrategy } from "./prisma-rows";
import {
  LIVE_ORDER_STATUSES,
  TERMINAL_ORDER_STATUSES,
  type FillRecord,
  type NewFill,
  type NewOrder,
  type NewParameterVersion,
  type OrderPatch,
  type OrderRecord,
  type OrderStatus,
  type ParameterVersionRecord,
  type RecordFillResult,
  type RiskState,
  type Snapshot,
  type StrategyDef,
  type StrategyLifecycle,
  type StrategyRecord,
} from "./records";
import type {
  FillFilter,
  ListFillsOptions,
  ListOrdersOptions,
  ListSnapshotsOptions,
  OrderFilter,
} from "./list-options";
import type { StoreWrite } from "./port";

type Tx = Prisma.TransactionClient;

const TERMINAL = new Set<OrderStatus>(TERMINAL_ORDER_STATUSES);
export const LIVE = [...LIVE_ORDER_STATUSES];

export function limitOf(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1) throw new StoreError(`limit must be a positive integer, got ${limit}`);
  return Math.min(limit, max);
}

export class PrismaOrders {
  protected readonly prisma: PrismaClient;
  protected readonly kind: Db["kind"];

  protected readonly lab: PrismaLabRuns;

  constructor(db: Pick<Db, "prisma" | "kind">) {
    this.prisma = db.prisma;
    this.kind = db.kind;
    this.lab = new PrismaLabRuns(db.prisma);
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

  protected async saveOrderIn(db: Pick<PrismaClient, "order">, order: NewOrder): Promise<{ order: OrderRecord; inserted: boolean }> {
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
