// Store.applyWrites on Prisma: a run of the runner's writes in one transaction, each run of one kind in
// multi-row statements. One commit instead of one per write is what lets a desk of many strategies keep
// up with a database whose commit costs 7–25 ms. The results are the ones the single-write methods in
// prisma-store.ts give one after another; the row builders here are shared with them.
import Decimal from "decimal.js";
import { canMoveOrderState, IllegalOrderStateChange } from "@/lib/orders";
import { Prisma } from "@/server/db/generated/client";
import { exactToDb, fromDb, roundedToDb } from "./decimal";
import { epochOfClientId } from "@/lib/lease-epoch";
import { LeaseFencedError, OrderConflictError, OrderNotFoundError } from "./errors";
import { TERMINAL_ORDER_STATUSES, type NewFill, type NewOrder, type OrderPatch, type OrderStatus, type Snapshot } from "./records";
import type { StoreWrite } from "./port";

type Tx = Prisma.TransactionClient;

const TERMINAL = new Set<OrderStatus>(TERMINAL_ORDER_STATUSES);
// Sums of numeric(38,18) values need 38 digits; decimal.js's default 20 would round them.
const Exact = Decimal.clone({ precision: 100 });

export function snapshotRow(s: Snapshot): Prisma.SnapshotCreateManyInput {
  const r = (d: Decimal, f: string) => roundedToDb(d, `snapshot.${f}`);
  const rn = (d: Decimal | null, f: string) => (d === null ? null : r(d, f));
  return {
    strategyId: s.strategyId,
    ts: s.ts,
    mid: r(s.mid, "mid"),
    bestBid: rn(s.bestBid, "bestBid"),
    bestAsk: rn(s.bestAsk, "bestAsk"),
    ourBid: rn(s.ourBid, "ourBid"),
    ourAsk: rn(s.ourAsk, "ourAsk"),
    inventory: r(s.inventory, "inventory"),
    ratio: r(s.ratio, "ratio"),
    skew: r(s.skew, "skew"),
    realizedPnl: r(s.realizedPnl, "realizedPnl"),
    unrealizedPnl: r(s.unrealizedPnl, "unrealizedPnl"),
    fees: r(s.fees, "fees"),
    riskState: s.riskState,
  };
}

export function orderRow(order: NewOrder): Prisma.OrderCreateManyInput {
  const status = order.status ?? "pending_new";
  const now = order.createdAt ?? new Date();
  return {
    clientOrderId: order.clientOrderId,
    strategyId: order.strategyId,
    runId: order.runId ?? null,
    side: order.side,
    type: order.type,
    price: order.price === null ? null : exactToDb(order.price, "order.price"),
    size: exactToDb(order.size, "order.size"),
    status,
    venueOrderId: order.venueOrderId ?? null,
    reduceOnly: order.reduceOnly ?? false,
    postOnly: order.postOnly ?? false,
    reason: order.reason,
    createdAt: now,
    openedAt: status === "open" ? now : null,
  };
}

export function fillRow(fill: NewFill): Prisma.FillCreateManyInput {
  return {
    strategyId: fill.strategyId,
    runId: fill.runId ?? null,
    venue: fill.venue,
    venueTradeId: fill.venueTradeId,
    kind: fill.kind ?? "trade",
    note: fill.note ?? null,
    clientOrderId: fill.clientOrderId,
    side: fill.side,
    price: exactToDb(fill.price, "fill.price"),
    size: exactToDb(fill.size, "fill.size"),
    fee: exactToDb(fill.fee, "fill.fee"),
    feeCurrency: fill.feeCurrency ?? null,
    liquidity: fill.liquidity,
    inventoryAfter: exactToDb(fill.inventoryAfter, "fill.inventoryAfter"),
    realizedPnlAfter: fill.realizedPnlAfter == null ? null : roundedToDb(fill.realizedPnlAfter, "fill.realizedPnlAfter"),
    ts: fill.ts,
  };
}

/** What saveOrder checks when the clientOrderId is taken: the same order again is fine, another is a conflict. */
export function sameOrder(stored: { strategyId: string; side: string; type: string; reason: string; price: Decimal | null; size: Decimal }, order: NewOrder): boolean {
  const samePrice = stored.price === null || order.price === null ? stored.price === order.price : stored.price.eq(order.price);
  return stored.strategyId === order.strategyId && stored.side === order.side && stored.type === order.type && stored.reason === order.reason && samePrice && stored.size.eq(order.size);
}

/**
 * The whole batch in the caller's transaction, in a fixed handful of statements whatever its size: every
 * new order in one insert, every fill in one, every snapshot in one, the orders the batch touches locked
 * and read once, then moved in memory through the batch's updates and fills in their order (each update
 * checked against the state the writes before it left) and written once each. Snapshots depend on nothing
 * else; an order's insert goes first, which changes nothing unless a write before it in the batch names the
 * same order; then the batch is split there and each part done in turn.
 */
export async function applyWritesTx(tx: Tx, writes: readonly StoreWrite[]): Promise<void> {
  const seen = new Set<string>();
  for (const [i, w] of writes.entries()) {
    const id = w.op === "saveOrder" ? null : w.op === "updateOrder" ? w.clientOrderId : w.op === "recordFill" ? w.fill.clientOrderId : null;
    if (w.op === "saveOrder" && seen.has(w.order.clientOrderId) && i > 0) {
      await applyPart(tx, writes.slice(0, i));
      return applyWritesTx(tx, writes.slice(i));
    }
    if (id !== null) seen.add(id);
  }
  await applyPart(tx, writes);
}

type UpdateWrite = Extract<StoreWrite, { op: "updateOrder" }>;

interface OrderState {
  status: OrderStatus;
  openedAt: Date | null;
  closedAt: Date | null;
  filled: Decimal;
  size: Decimal;
  data: Prisma.OrderUpdateInput | null;
}

async function applyPart(tx: Tx, writes: readonly StoreWrite[]): Promise<void> {
  const orders: NewOrder[] = [];
  const fills: NewFill[] = [];
  const snapshots: Snapshot[] = [];
  const touched = new Set<string>();
  for (const w of writes) {
    if (w.op === "saveOrder") orders.push(w.order);
    else if (w.op === "insertSnapshot") snapshots.push(w.snapshot);
    else if (w.op === "recordFill") fills.push(w.fill);
    else touched.add(w.clientOrderId);
  }
  if (orders.length) await saveOrders(tx, orders);
  if (snapshots.length) await tx.snapshot.createMany({ data: snapshots.map(snapshotRow) });
  // ON CONFLICT DO NOTHING on (venue, strategyId, venueTradeId): a trade already recorded changes nothing.
  const fresh = new Set<string>();
  if (fills.length) {
    const created = await tx.fill.createManyAndReturn({ data: fills.map(fillRow), skipDuplicates: true, select: { venue: true, strategyId: true, venueTradeId: true } });
    for (const r of created) fresh.add(tradeKey(r.venue, r.strategyId, r.venueTradeId));
  }
  // Which of the batch's fills moved their order: a trade twice in one batch went in once, its first time.
  const bumps = new Set<number>();
  for (const [i, w] of writes.entries()) {
    if (w.op !== "recordFill") continue;
    const f = w.fill;
    if (fresh.delete(tradeKey(f.venue, f.strategyId, f.venueTradeId)) && f.clientOrderId !== null) {
      bumps.add(i);
      touched.add(f.clientOrderId);
    }
  }
  if (!touched.size) return;
  const ids = [...touched];
  // Locked until the commit, so that fills of one order recorded elsewhere meanwhile add up rather than overwrite.
  await tx.$executeRaw`SELECT 1 FROM "Order" WHERE "clientOrderId" IN (${Prisma.join(ids)}) FOR UPDATE`;
  const rows = await tx.order.findMany({ where: { clientOrderId: { in: ids } }, select: { clientOrderId: true, status: true, openedAt: true, closedAt: true, filledSize: true, size: true } });
  const state = new Map<string, OrderState>(
    rows.map((r) => [r.clientOrderId, { status: r.status as OrderStatus, openedAt: r.openedAt, closedAt: r.closedAt, filled: new Exact(r.filledSize.toFixed()), size: new Exact(r.size.toFixed()), data: null }]),
  );
  for (const [i, w] of writes.entries()) {
    if (w.op === "updateOrder") applyUpdate(state, w);
    else if (w.op === "recordFill" && bumps.has(i)) applyFill(state.get(w.fill.clientOrderId!), w.fill);
  }
  await writeOrders(tx, state);
}

/**
 * Every changed order in one UPDATE … FROM (VALUES …): its state as the batch left it (status, filled size,
 * timestamps), and the free-text fields and history only where an update set them.
 */
async function writeOrders(tx: Tx, state: Map<string, OrderState>): Promise<void> {
  const rows: Prisma.Sql[] = [];
  const now = new Date();
  for (const [clientOrderId, s] of state) {
    const d = s.data;
    if (!d) continue;
    const has = (k: keyof Prisma.OrderUpdateInput) => d[k] !== undefined;
    rows.push(
      Prisma.sql`(${clientOrderId}::text, ${s.status}::text, ${exactToDb(s.filled as unknown as Decimal, "order.filledSize")}::numeric, ${s.openedAt}::timestamp(3), ${s.closedAt}::timestamp(3),
        ${has("statusReason")}::boolean, ${(d.statusReason as string | null | undefined) ?? null}::text,
        ${has("venueOrderId")}::boolean, ${(d.venueOrderId as string | null | undefined) ?? null}::text,
        ${has("history")}::boolean, ${has("history") ? JSON.stringify(d.history) : null}::jsonb)`,
    );
  }
  if (!rows.length) return;
  await tx.$executeRaw`
    UPDATE "Order" AS o SET
      "status" = v.status::"OrderStatus",
      "filledSize" = v.filled,
      "openedAt" = v.opened,
      "closedAt" = v.closed,
      "statusReason" = CASE WHEN v.set_reason THEN v.reason ELSE o."statusReason" END,
      "venueOrderId" = CASE WHEN v.set_vid THEN v.vid ELSE o."venueOrderId" END,
      "history" = CASE WHEN v.set_history THEN v.history ELSE o."history" END,
      "updatedAt" = ${now}::timestamp(3)
    FROM (VALUES ${Prisma.join(rows)}) AS v(cid, status, filled, opened, closed, set_reason, reason, set_vid, vid, set_history, history)
    WHERE o."clientOrderId" = v.cid`;
}

function applyUpdate(state: Map<string, OrderState>, u: UpdateWrite): void {
  const s = state.get(u.clientOrderId);
  if (!s) {
    if (u.ignoreMissing) return;
    throw new OrderNotFoundError(`no order ${u.clientOrderId}`);
  }
  const data = (s.data ??= {});
  patchData(u.clientOrderId, u.patch, s, data);
  if (u.patch.filledSize !== undefined) s.filled = new Exact(u.patch.filledSize.toString());
}

/** recordFill's effect on its order: filledSize up, partially filled or filled, closed at the completing fill. */
function applyFill(s: OrderState | undefined, f: NewFill): void {
  if (!s) return;
  const data = (s.data ??= {});
  s.filled = s.filled.plus(f.size.toString());
  data.filledSize = exactToDb(s.filled as unknown as Decimal, "order.filledSize");
  const done = s.filled.gte(s.size);
  if (done) data.status = s.status = "filled";
  else if (s.status === "pending_new" || s.status === "open") data.status = s.status = "partially_filled";
  if (done && s.closedAt === null) data.closedAt = s.closedAt = f.ts;
}

/**
 * Scaled out, every order id carries its owner's lease epoch: an order is stored only while the strategy's
 * lease is still at that epoch, checked in the write's own transaction with the lease row locked FOR SHARE
 * (a runner taking the lease waits for the write, or the write sees the new epoch and is refused for good).
 */
export async function checkLeaseEpochs(tx: Pick<Tx, "$queryRaw">, orders: readonly NewOrder[]): Promise<void> {
  const leased = orders.flatMap((o) => {
    const epoch = epochOfClientId(o.clientOrderId);
    return epoch === null ? [] : [{ o, epoch }];
  });
  if (!leased.length) return;
  const ids = [...new Set(leased.map((x) => x.o.strategyId))];
  const rows = await tx.$queryRaw<Array<{ strategyId: string; epoch: number }>>`SELECT "strategyId", epoch FROM "StrategyLease" WHERE "strategyId" IN (${Prisma.join(ids)}) FOR SHARE`;
  const epochs = new Map(rows.map((r) => [r.strategyId, Number(r.epoch)]));
  for (const { o, epoch } of leased) {
    const now = epochs.get(o.strategyId);
    if (now !== epoch) throw new LeaseFencedError(`order ${o.clientOrderId} is of lease epoch ${epoch}, the strategy's lease is at ${now ?? "none"}: another runner runs it`);
  }
}

async function saveOrders(tx: Tx, orders: NewOrder[]): Promise<void> {
  await checkLeaseEpochs(tx, orders);
  const created = await tx.order.createManyAndReturn({ data: orders.map(orderRow), skipDuplicates: true, select: { clientOrderId: true } });
  const inserted = new Set(created.map((r) => r.clientOrderId));
  // An id already stored, or saved twice in this run (the first one went in): the same order again, or a conflict.
  const again = orders.filter((o, i) => !inserted.has(o.clientOrderId) || orders.findIndex((x) => x.clientOrderId === o.clientOrderId) !== i);
  if (!again.length) return;
  const stored = await tx.order.findMany({ where: { clientOrderId: { in: again.map((o) => o.clientOrderId) } } });
  const byId = new Map(stored.map((r) => [r.clientOrderId, r]));
  for (const o of again) {
    const r = byId.get(o.clientOrderId);
    if (!r) throw new OrderConflictError(`order ${o.clientOrderId} was neither inserted nor found`);
    if (!sameOrder({ ...r, price: r.price === null ? null : fromDb(r.price), size: fromDb(r.size) }, o)) {
      throw new OrderConflictError(`clientOrderId ${o.clientOrderId} is already used by a different order`);
    }
  }
}

/** updateOrder's patch as row data, timestamps defaulting to now only while still empty (`cur` is the row so far). */
function patchData(clientOrderId: string, patch: OrderPatch, cur: { status: OrderStatus; openedAt: Date | null; closedAt: Date | null }, data: Prisma.OrderUpdateInput): void {
  if (patch.status !== undefined && !canMoveOrderState(cur.status, patch.status)) throw new IllegalOrderStateChange(clientOrderId, cur.status, patch.status);
  if (patch.status !== undefined) data.status = cur.status = patch.status;
  if (patch.statusReason !== undefined) data.statusReason = patch.statusReason;
  if (patch.filledSize !== undefined) data.filledSize = exactToDb(patch.filledSize, "order.filledSize");
  if (patch.venueOrderId !== undefined) data.venueOrderId = patch.venueOrderId;
  if (patch.history !== undefined) data.history = patch.history as unknown as Prisma.InputJsonValue;
  const now = new Date();
  if (patch.openedAt !== undefined) data.openedAt = cur.openedAt = patch.openedAt;
  else if (patch.status === "open" && cur.openedAt === null) data.openedAt = cur.openedAt = now;
  if (patch.closedAt !== undefined) data.closedAt = cur.closedAt = patch.closedAt;
  else if (patch.status !== undefined && TERMINAL.has(patch.status) && cur.closedAt === null) data.closedAt = cur.closedAt = now;
}

const tradeKey = (venue: string, strategyId: string, venueTradeId: string) => `${venue}\u0000${strategyId}\u0000${venueTradeId}`;
