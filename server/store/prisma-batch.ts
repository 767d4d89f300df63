// Store.applyWrites on Prisma: a run of the runner's writes in one transaction, each run of one kind in
// multi-row statements. One commit instead of one per write is what lets a desk of many strategies keep
// up with a database whose commit costs 7–25 ms. The results are the ones the single-write methods in
// prisma-store.ts give one after another; the row builders here are shared with them.
import Decimal from "decimal.js";
import { canMoveOrderState, IllegalOrderStateChange } from "@/lib/orders";
import type { Prisma } from "@/server/db/generated/client";
import { exactToDb, fromDb, roundedToDb } from "./decimal";
import { OrderConflictError, OrderNotFoundError } from "./errors";
import { TERMINAL_ORDER_STATUSES, type NewFill, type NewOrder, type OrderPatch, type OrderStatus, type Snapshot, type StoreWrite } from "./types";

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

/** The whole batch in the caller's transaction, run by run in order: a later run sees what an earlier one wrote. */
export async function applyWritesTx(tx: Tx, writes: readonly StoreWrite[]): Promise<void> {
  for (let i = 0; i < writes.length; ) {
    const op = writes[i]!.op;
    let j = i + 1;
    while (j < writes.length && writes[j]!.op === op) j++;
    const run = writes.slice(i, j);
    if (op === "saveOrder") await saveOrders(tx, run.map((w) => (w as Extract<StoreWrite, { op: "saveOrder" }>).order));
    else if (op === "updateOrder") await updateOrders(tx, run as Array<Extract<StoreWrite, { op: "updateOrder" }>>);
    else if (op === "recordFill") await recordFills(tx, run.map((w) => (w as Extract<StoreWrite, { op: "recordFill" }>).fill));
    else await tx.snapshot.createMany({ data: run.map((w) => snapshotRow((w as Extract<StoreWrite, { op: "insertSnapshot" }>).snapshot)) });
    i = j;
  }
}

async function saveOrders(tx: Tx, orders: NewOrder[]): Promise<void> {
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

async function updateOrders(tx: Tx, updates: Array<Extract<StoreWrite, { op: "updateOrder" }>>): Promise<void> {
  const ids = [...new Set(updates.map((u) => u.clientOrderId))];
  const rows = await tx.order.findMany({ where: { clientOrderId: { in: ids } }, select: { clientOrderId: true, status: true, openedAt: true, closedAt: true } });
  const current = new Map(rows.map((r) => [r.clientOrderId, { status: r.status as OrderStatus, openedAt: r.openedAt, closedAt: r.closedAt }]));
  // Several updates of one order (open, then cancelled) become one statement with their combined effect,
  // each checked against the state the ones before it left.
  const merged = new Map<string, Prisma.OrderUpdateInput>();
  for (const u of updates) {
    const cur = current.get(u.clientOrderId);
    if (!cur) {
      if (u.ignoreMissing) continue;
      throw new OrderNotFoundError(`no order ${u.clientOrderId}`);
    }
    let data = merged.get(u.clientOrderId);
    if (!data) merged.set(u.clientOrderId, (data = {}));
    patchData(u.clientOrderId, u.patch, cur, data);
  }
  for (const [clientOrderId, data] of merged) await tx.order.update({ where: { clientOrderId }, data });
}

const tradeKey = (venue: string, strategyId: string, venueTradeId: string) => `${venue}\u0000${strategyId}\u0000${venueTradeId}`;

async function recordFills(tx: Tx, fills: NewFill[]): Promise<void> {
  // ON CONFLICT DO NOTHING on (venue, strategyId, venueTradeId): a trade already recorded changes nothing.
  const created = await tx.fill.createManyAndReturn({ data: fills.map(fillRow), skipDuplicates: true, select: { venue: true, strategyId: true, venueTradeId: true } });
  const fresh = new Set(created.map((r) => tradeKey(r.venue, r.strategyId, r.venueTradeId)));
  const byOrder = new Map<string, NewFill[]>();
  for (const f of fills) {
    // A trade twice in one batch went in once: only its first occurrence counts.
    if (!fresh.delete(tradeKey(f.venue, f.strategyId, f.venueTradeId)) || f.clientOrderId === null) continue;
    const list = byOrder.get(f.clientOrderId);
    if (list) list.push(f);
    else byOrder.set(f.clientOrderId, [f]);
  }
  for (const [clientOrderId, list] of byOrder) {
    const total = list.reduce((s, f) => s.plus(f.size.toString()), new Exact(0));
    // The increment locks the order row, so concurrent fills of one order add up instead of overwriting.
    const bumped = await tx.order.updateManyAndReturn({ where: { clientOrderId }, data: { filledSize: { increment: exactToDb(total as unknown as Decimal, "order.filledSize") } } });
    const row = bumped[0];
    if (!row) continue;
    // Replays the fills one by one from the size before them: the status they leave, and the time of the
    // one that completed the order (recordFill's closedAt).
    const size = new Exact(fromDb(row.size).toString());
    let filled = new Exact(fromDb(row.filledSize).toString()).minus(total);
    let status = row.status as OrderStatus;
    let closedAt = row.closedAt;
    for (const f of list) {
      filled = filled.plus(f.size.toString());
      const done = filled.gte(size);
      if (done) status = "filled";
      else if (status === "pending_new" || status === "open") status = "partially_filled";
      if (done && closedAt === null) closedAt = f.ts;
    }
    if (status !== row.status || closedAt !== row.closedAt) await tx.order.update({ where: { clientOrderId }, data: { status, closedAt } });
  }
}
