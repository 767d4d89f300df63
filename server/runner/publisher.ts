// What the desk tells the world: alerts (streamed at once, stored through the write queue under the same
// id), order changes (one DTO mapping for the live stream and for reloads), snapshots (streamed every tick,
// stored on a timer and at every event worth a point on the chart) and the status.
import { randomUUID } from "node:crypto";
import Decimal from "decimal.js";
import type { AlertKind } from "@/lib/domain";
import type { AlertDTO, FillDTO, OrderDTO, SnapshotDTO } from "@/lib/events";
import type { RunnerEvents } from "@/server/runner/commands";
import type { FillKind, FillRecord, NewOrder, OrderPatch, OrderRecord, Snapshot, Store } from "@/server/store";
import type { TrackedOrder } from "@/server/runner/order-tracker";
import type { WriteQueue } from "@/server/runner/write-queue";

export type Emit = <K extends keyof RunnerEvents>(event: K, payload: RunnerEvents[K]) => void;

/** The fields every order view has in common: a tracked order and a stored row both map through this. */
export interface OrderView {
  clientOrderId: string;
  side: OrderDTO["side"];
  type: OrderDTO["type"];
  price: Decimal | null;
  size: Decimal;
  status: string;
  reason: string;
}

export function orderDto(o: OrderView, filled: Decimal, createdAt: number, updatedAt: number): OrderDTO {
  return {
    clientOrderId: o.clientOrderId,
    side: o.side,
    type: o.type,
    price: o.price ? o.price.toString() : null,
    size: o.size.toString(),
    filledSize: filled.toString(),
    status: o.status,
    reason: o.reason,
    createdAt,
    updatedAt,
  };
}

/** One fill mapping for the live stream and for reloads alike. */
export function fillDto(
  f: { tradeId: string; clientOrderId: string | null; side: FillDTO["side"]; price: Decimal; size: Decimal; fee: Decimal; liquidity: FillDTO["liquidity"]; kind: FillKind; note: string | null },
  inventoryAfter: Decimal,
  ts: number,
): FillDTO {
  return {
    tradeId: f.tradeId,
    clientOrderId: f.clientOrderId ?? "",
    side: f.side,
    price: f.price.toString(),
    size: f.size.toString(),
    fee: f.fee.toString(),
    liquidity: f.liquidity,
    inventoryAfter: inventoryAfter.toString(),
    ts,
    ...(f.kind === "adjustment" ? { adjustment: { note: f.note } } : {}),
  };
}

export const storedFillDto = (f: FillRecord): FillDTO => fillDto({ ...f, tradeId: f.venueTradeId }, f.inventoryAfter, f.ts.getTime());

/** One snapshot mapping for the live stream and for reloads alike. */
export function snapshotDto(s: Snapshot): SnapshotDTO {
  const total = s.realizedPnl.add(s.unrealizedPnl).sub(s.fees);
  return {
    ts: s.ts.getTime(),
    mid: s.mid.toString(),
    bestBid: s.bestBid?.toString() ?? null,
    bestAsk: s.bestAsk?.toString() ?? null,
    ourBid: s.ourBid?.toString() ?? null,
    ourAsk: s.ourAsk?.toString() ?? null,
    inventory: s.inventory.toString(),
    ratio: s.ratio.toNumber(),
    skew: s.skew.toNumber(),
    realizedPnl: s.realizedPnl.toString(),
    unrealizedPnl: s.unrealizedPnl.toString(),
    totalPnl: total.toString(),
    fees: s.fees.toString(),
    riskState: s.riskState,
  };
}

export const trackedOrderDto = (o: TrackedOrder): OrderDTO => orderDto({ ...o, status: o.state }, o.filled, o.createdAt, o.updatedAt);
export const storedOrderDto = (o: OrderRecord): OrderDTO => orderDto(o, o.filledSize, o.createdAt.getTime(), o.updatedAt.getTime());

export class Publisher {
  private readonly alertLast = new Map<string, number>();
  /** Our alert id → the stored row it joined, where grouping gave it another. */
  private readonly storedIds = new Map<string, string>();

  constructor(
    private readonly deps: {
      store: Store;
      writes: WriteQueue;
      strategyId: () => string;
      now: () => number;
      emit: Emit;
      log: (line: string) => void;
    },
  ) {}

  /** Returns the alert's id (its row follows under the same id). */
  alert(kind: AlertKind, severity: AlertDTO["severity"], message: string): string {
    this.deps.log(`[${severity}] ${kind}: ${message}`);
    const createdAt = new Date(this.deps.now());
    // The operator sees the alert at once (even while the database is down); its row follows through the
    // write queue under the same id, which is what acknowledge uses.
    const id = randomUUID();
    this.deps.emit("alert", { id, kind, severity, message, createdAt: createdAt.getTime(), acknowledgedBy: null, acknowledgedAt: null });
    const strategyId = this.deps.strategyId();
    // Alerts never wait behind fills: they go in the priority lane.
    this.deps.writes.push(
      async () => {
        // A repeat of an open alert joins it (alert grouping): the row then has the open alert's id.
        const row = await this.deps.store.raiseAlert({ id, strategyId, kind, severity, message, createdAt });
        if (row.id !== id) this.storedIds.set(id, row.id);
      },
      { lane: "priority", label: "alert" },
    );
    return id;
  }

  /** Acknowledges an alert the desk itself resolved (by whom resolved it), in order with the alerts. */
  acknowledge(id: string, by: string): void {
    this.deps.writes.push(() => this.deps.store.acknowledgeAlert(this.storedIds.get(id) ?? id, by), { lane: "priority", label: "alert" });
  }

  /** The same alert at most once every 30 s (simulated or wall time): a stuck venue must not flood the feed. */
  alertThrottled(kind: AlertKind, severity: AlertDTO["severity"], message: string): void {
    const key = `${kind}:${message.slice(0, 40)}`;
    const now = this.deps.now();
    const last = this.alertLast.get(key);
    if (last !== undefined && now - last < 30_000) return;
    this.alertLast.set(key, now);
    this.alert(kind, severity, message);
  }

  storeSnapshot(snap: Snapshot | null): void {
    if (!snap) return;
    this.deps.writes.pushWrite({ op: "insertSnapshot", snapshot: snap }, () => this.deps.store.insertSnapshot(snap), { droppable: true, label: "snapshot" });
  }

  /** Stores an order's state, fills and history; the tracker calls this on every change. */
  persistOrder(o: TrackedOrder, created: boolean, strategyId: string, runId: string | null): void {
    const store = this.deps.store;
    if (created) {
      const order: NewOrder = {
        clientOrderId: o.clientOrderId,
        strategyId,
        runId,
        side: o.side,
        type: o.type,
        price: o.price,
        size: o.size,
        status: "pending_new",
        reduceOnly: o.reduceOnly,
        postOnly: o.postOnly,
        reason: o.reason,
        createdAt: new Date(o.createdAt),
      };
      this.deps.writes.pushWrite({ op: "saveOrder", order }, () => store.saveOrder(order), { label: `order ${o.clientOrderId}` });
      return;
    }
    const status = o.state;
    // The whole history is written when the order finishes (and when it becomes unknown, the moment an
    // operator most wants to read it); in between, the state alone keeps the hot path light.
    const history = o.closedAt !== null || status === "unknown" ? [...o.history] : undefined;
    const closedAt = o.closedAt === null ? undefined : new Date(o.closedAt);
    const patch: OrderPatch = {
      status,
      ...(history ? { history } : {}),
      venueOrderId: o.venueOrderId,
      statusReason: o.statusReason,
      ...(status === "open" ? { openedAt: new Date(o.updatedAt) } : {}),
      ...(closedAt ? { closedAt } : {}),
    };
    const clientOrderId = o.clientOrderId;
    this.deps.writes.pushWrite({ op: "updateOrder", clientOrderId, patch, ignoreMissing: true }, () => store.updateOrder(clientOrderId, patch).catch(ignoreMissingOrder), { label: `order ${clientOrderId}` });
  }
}

function ignoreMissingOrder(err: unknown): void {
  // A status update for an order the store never saw (its insert was dropped): nothing to correct.
  if (err instanceof Error && err.name === "OrderNotFoundError") return;
  throw err;
}
