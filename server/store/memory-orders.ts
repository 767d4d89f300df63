// The in-memory store's orders, fills and snapshots, and the batched writes of all three (memory-store.ts).
import { randomUUID } from "node:crypto";
import Decimal from "decimal.js";
import { BatchWriteError, OrderConflictError, OrderNotFoundError } from "./errors";
import type { FillRecord, NewFill, NewOrder, OrderPatch, OrderRecord, RecordFillResult, Snapshot } from "./records";
import type {
  FillFilter,
  ListFillsOptions,
  ListOrdersOptions,
  OrderFilter,
  ListSnapshotsOptions,
} from "./list-options";
import type { StoreWrite } from "./port";
import { canMoveOrderState, IllegalOrderStateChange } from "@/lib/orders";
import {
  TERMINAL,
  Exact,
  checkEnum,
  limitOf,
  msIn,
  msInNullable,
  exactIn,
  roundedIn,
  compareText,
  insertSorted,
  firstIndex,
  orderMatcher,
  fillSeqIn,
  byOrderKey,
  byTsSeq,
  orderOut,
  fillOut,
  snapshotOut,
  snapshotIn,
  sameDecimal,
  type OrderRow,
  type FillRow,
  type StrategyData,
} from "./memory-rows";

import { MemoryTables } from "./memory-tables";

export class MemoryOrders extends MemoryTables {
  // ── orders ──

  async saveOrder(order: NewOrder): Promise<{ order: OrderRecord; inserted: boolean }> {
    const r = this.saveOrderRow(order);
    return { order: orderOut(r.row), inserted: r.inserted };
  }

  // The row-level writes below serve both the public calls and applyWrites, whose callers read nothing back:
  // a batch does not pay for building records no one reads (parsed decimals, dates, the history copied).
  protected saveOrderRow(order: NewOrder): { row: OrderRow; inserted: boolean } {
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

  protected updateOrderRow(clientOrderId: string, patch: OrderPatch): OrderRow {
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

  protected openOrders(d: StrategyData): OrderRecord[] {
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

  protected recordFillRow(fill: NewFill): { inserted: boolean; order: OrderRow | null } {
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
  protected fillRange(rows: readonly FillRow[], f: FillFilter): [number, number] {
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
}
