// The one owner of every order's state for a venue account (hummingbot's ClientOrderTracker, with
// nautilus's state table from lib/orders.ts): an order is tracked before it is sent, every answer, fill
// and reconciliation result moves it through the table, and an illegal move is refused. Finished orders are
// kept a while for late answers. Everyone else reads; only events change it.
import Decimal from "decimal.js";
import type { Side } from "@/lib/market";
import { IllegalOrderTransition, isLive, isTerminal, nextOrderState, type OrderEvent, type OrderState, type OrderTransition } from "@/lib/orders";
import type { OrderReason, OrderRecord, OrderType } from "@/server/store";
import type { VenueFill, VenueOrder } from "@/server/venue/types";

export interface TrackedOrder {
  readonly clientOrderId: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly price: Decimal | null;
  readonly size: Decimal;
  readonly reduceOnly: boolean;
  readonly postOnly: boolean;
  readonly reason: OrderReason;
  readonly createdAt: number;
  /** Sum of the fills booked for it: the only measure of "filled". */
  filled: Decimal;
  /** What the venue last said was filled; above `filled`, fills are missing and must be fetched. */
  venueFilled: Decimal;
  state: OrderState;
  venueOrderId: string | null;
  statusReason: string | null;
  updatedAt: number;
  closedAt: number | null;
  /** Successive "not found" answers to a status query, and when the first came. */
  notFound: { first: number; count: number } | null;
  history: OrderTransition[];
}

export interface NewTrackedOrder {
  clientOrderId: string;
  side: Side;
  type: OrderType;
  price: Decimal | null;
  size: Decimal;
  reduceOnly: boolean;
  postOnly: boolean;
  reason: OrderReason;
}

/** Called after every change: `transition` is null when only fill amounts or ids changed. */
export type OrderListener = (order: TrackedOrder, transition: OrderTransition | null) => void;

export interface OrderTrackerOptions {
  now: () => number;
  /** Finished orders are remembered this long for late answers and fills. Default 60 s. */
  retainClosedMs?: number;
  onChange?: OrderListener;
}

const ZERO = new Decimal(0);

export class OrderTracker {
  private readonly orders = new Map<string, TrackedOrder>();
  /** The live ones, kept apart: the hot path asks for them several times a tick. */
  private readonly liveOrders = new Map<string, TrackedOrder>();
  /** Finished orders in the order they finished, for pruning. */
  private readonly closedIds: string[] = [];
  /** When each of closedIds closed: prune reads these numbers first, not the order (a map look-up each tick). */
  private readonly closedAts: number[] = [];
  private closedHead = 0;
  private readonly now: () => number;
  private readonly retainClosedMs: number;
  private readonly listeners: OrderListener[] = [];

  constructor(opts: OrderTrackerOptions) {
    this.now = opts.now;
    this.retainClosedMs = opts.retainClosedMs ?? 60_000;
    if (opts.onChange) this.listeners.push(opts.onChange);
  }

  onChange(listener: OrderListener): void {
    this.listeners.push(listener);
  }

  /** Starts tracking an order about to be sent: pending_new, before any venue call. */
  track(o: NewTrackedOrder): TrackedOrder {
    if (this.orders.has(o.clientOrderId)) throw new Error(`order ${o.clientOrderId} is already tracked`);
    const at = this.now();
    // Fields listed, not spread: every tracked order gets the same object shape, cheaply (the hot path).
    const order: TrackedOrder = {
      clientOrderId: o.clientOrderId,
      side: o.side,
      type: o.type,
      price: o.price,
      size: o.size,
      reduceOnly: o.reduceOnly,
      postOnly: o.postOnly,
      reason: o.reason,
      createdAt: at,
      filled: ZERO,
      venueFilled: ZERO,
      state: "pending_new",
      venueOrderId: null,
      statusReason: null,
      updatedAt: at,
      closedAt: null,
      notFound: null,
      history: [],
    };
    this.orders.set(o.clientOrderId, order);
    this.liveOrders.set(o.clientOrderId, order);
    this.emit(order, null);
    return order;
  }

  /** Takes back an order the database says may still be live (recovery after a restart). */
  restore(r: OrderRecord, history: OrderTransition[] = []): TrackedOrder {
    const order: TrackedOrder = {
      clientOrderId: r.clientOrderId,
      side: r.side,
      type: r.type,
      price: r.price,
      size: r.size,
      reduceOnly: r.reduceOnly,
      postOnly: r.postOnly,
      reason: r.reason,
      createdAt: r.createdAt.getTime(),
      // recordFill keeps filledSize equal to the fills stored for it: those are booked already.
      filled: r.filledSize,
      venueFilled: r.filledSize,
      state: r.status,
      venueOrderId: r.venueOrderId,
      statusReason: r.statusReason,
      updatedAt: r.updatedAt.getTime(),
      closedAt: r.closedAt ? r.closedAt.getTime() : null,
      notFound: null,
      history,
    };
    this.orders.set(r.clientOrderId, order);
    if (isLive(order.state)) this.liveOrders.set(r.clientOrderId, order);
    return order;
  }

  get(clientOrderId: string): TrackedOrder | undefined {
    return this.orders.get(clientOrderId);
  }

  /** Every order that may still rest or trade at the venue. */
  live(): TrackedOrder[] {
    return [...this.liveOrders.values()];
  }

  get liveCount(): number {
    return this.liveOrders.size;
  }

  /** The live orders themselves, in the order they were tracked: for a walk that needs no array of its own. */
  liveValues(): IterableIterator<TrackedOrder> {
    return this.liveOrders.values();
  }

  liveOn(side: Side): TrackedOrder[] {
    const out: TrackedOrder[] = [];
    for (const o of this.liveOrders.values()) if (o.side === side) out.push(o);
    return out;
  }

  /** The acknowledged resting limit order on a side, if any. */
  restingOn(side: Side): TrackedOrder | undefined {
    for (const o of this.liveOrders.values()) {
      if (o.side === side && o.type === "limit" && (o.state === "open" || o.state === "partially_filled")) return o;
    }
    return undefined;
  }

  /** Live orders in one state (unknown, pending_cancel, …). */
  inState(state: OrderState): TrackedOrder[] {
    return [...this.liveOrders.values()].filter((o) => o.state === state);
  }

  /** Moves an order by the table; throws IllegalOrderTransition when the table has no such move. */
  apply(clientOrderId: string, event: OrderEvent, reason?: string): TrackedOrder {
    const o = this.orders.get(clientOrderId);
    if (!o) throw new Error(`order ${clientOrderId} is not tracked`);
    this.transition(o, event, reason);
    return o;
  }

  /** Like apply, but a move the table refuses is ignored (a late or repeated answer); returns whether it moved. */
  offer(clientOrderId: string, event: OrderEvent, reason?: string): boolean {
    const o = this.orders.get(clientOrderId);
    if (!o || nextOrderState(o.state, event) === null) return false;
    this.transition(o, event, reason);
    return true;
  }

  /**
   * A booked fill of one of our orders. The order is `filled` only when its booked fills sum to its size.
   * A fill after the order closed (a cancel the venue confirmed raced a trade) changes its amounts, not its
   * state; the reconciler compares positions, so nothing is lost.
   */
  onFill(f: VenueFill): TrackedOrder | null {
    const o = this.orders.get(f.clientOrderId);
    if (!o) return null;
    o.filled = o.filled.add(f.size);
    if (o.venueFilled.lt(o.filled)) o.venueFilled = o.filled;
    o.updatedAt = this.now();
    if (isTerminal(o.state)) {
      this.emit(o, null);
      return o;
    }
    const done = o.filled.gte(o.size);
    if (done) this.transition(o, "filled", "fills booked to its size");
    else if (nextOrderState(o.state, "fill") !== o.state) this.transition(o, "fill");
    else this.emit(o, null);
    return o;
  }

  /** What the venue says of an order (an answer to create, cancel or a status query). */
  onVenueOrder(v: VenueOrder, reason?: string): TrackedOrder | null {
    const o = this.orders.get(v.clientOrderId);
    if (!o) return null;
    o.notFound = null;
    if (v.venueOrderId && o.venueOrderId !== v.venueOrderId) o.venueOrderId = v.venueOrderId;
    // Most answers report nothing filled: isZero() spares decimal.js's comparison (it copies its argument).
    if (!v.filledSize.isZero() && v.filledSize.gt(o.venueFilled)) o.venueFilled = v.filledSize;
    const before = o.state;
    switch (v.status) {
      case "open":
      case "partially_filled":
        if (o.state === "unknown") this.transition(o, "found_open", reason ?? "the venue holds it");
        else if (o.state === "pending_new") this.transition(o, "accepted", reason);
        break;
      case "filled":
        // The venue's word is not enough: filled means our booked fills sum to the size.
        if (o.filled.gte(o.size)) this.offer(o.clientOrderId, "filled", reason);
        else if (o.state === "pending_new" || o.state === "unknown") this.transition(o, o.state === "unknown" ? "found_open" : "accepted", "filled at the venue; fills being booked");
        break;
      case "cancelled":
        if (o.filled.gte(o.size)) this.offer(o.clientOrderId, "filled", reason);
        else this.offer(o.clientOrderId, "cancelled", reason);
        break;
      case "rejected":
        this.offer(o.clientOrderId, "rejected", reason);
        break;
      case "expired":
        this.offer(o.clientOrderId, "expired", reason);
        break;
    }
    if (o.state === before) this.emit(o, null);
    return o;
  }

  /**
   * The venue does not know the order. Final ("not_found") only after `attempts` answers spanning at least
   * `graceMs`: real venues report fresh orders as unknown for a while. Returns true when it became final.
   */
  onNotFound(clientOrderId: string, graceMs: number, attempts: number): boolean {
    const o = this.orders.get(clientOrderId);
    if (!o || isTerminal(o.state)) return false;
    const now = this.now();
    o.notFound = o.notFound ? { first: o.notFound.first, count: o.notFound.count + 1 } : { first: now, count: 1 };
    if (o.notFound.count < attempts || now - o.notFound.first < graceMs) return false;
    const why = `not held by the venue after ${o.notFound.count} queries over ${now - o.notFound.first} ms`;
    // An unknown order with fills booked did rest and trade: it is gone, not rejected.
    if (o.state === "unknown" && o.filled.gt(0)) this.transition(o, "cancelled", why);
    else this.transition(o, "not_found", why);
    return true;
  }

  /** Forgets finished orders older than the retention. */
  prune(): void {
    const cutoff = this.now() - this.retainClosedMs;
    while (this.closedHead < this.closedIds.length) {
      // Closed at or after the cutoff when listed: the order is kept (its close can only have moved later).
      if (this.closedAts[this.closedHead]! >= cutoff) break;
      const o = this.orders.get(this.closedIds[this.closedHead]!);
      if (o && o.closedAt !== null && o.closedAt >= cutoff) break;
      if (o && o.closedAt !== null) this.orders.delete(o.clientOrderId);
      this.closedHead++;
    }
    if (this.closedHead > 4096) {
      this.closedIds.splice(0, this.closedHead);
      this.closedAts.splice(0, this.closedHead);
      this.closedHead = 0;
    }
  }

  get size(): number {
    return this.orders.size;
  }

  private transition(o: TrackedOrder, event: OrderEvent, reason?: string): void {
    let to = nextOrderState(o.state, event);
    if (to === null) throw new IllegalOrderTransition(o.clientOrderId, o.state, event);
    // "open" with fills booked is partially filled (the table speaks of the resting state).
    if (to === "open" && !o.filled.isZero() && o.filled.isPositive()) to = "partially_filled";
    const at = this.now();
    const t: OrderTransition = reason ? { at, from: o.state, to, event, reason } : { at, from: o.state, to, event };
    o.state = to;
    o.updatedAt = at;
    if (reason) o.statusReason = reason;
    if (isTerminal(to)) {
      o.closedAt = at;
      this.liveOrders.delete(o.clientOrderId);
      this.closedIds.push(o.clientOrderId);
      this.closedAts.push(at);
    }
    o.history.push(t);
    this.emit(o, t);
  }

  private emit(o: TrackedOrder, t: OrderTransition | null): void {
    for (const l of this.listeners) l(o, t);
  }
}
