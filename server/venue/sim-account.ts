// The account a simulated venue keeps for us: the orders it knows (resting, in flight, and the finished
// ones it still remembers), our fills, the position and cash they add up to, and the id counters. It is
// kept apart from the market so that a paper account can outlive the process: every change goes through
// one of the methods below, which report it to an AccountLog (paper/paper-account.ts writes it to disk
// before the change is visible to anyone) and can be replayed from one (replay()).
import Decimal from "decimal.js";
import type { MarketSpec, Side } from "@/lib/market";
import type { MarketGrid } from "./grid";
import { RestingOrders, applyFill, type SimOrder } from "./matching";
import type { Liquidity, OrderType, VenueFill } from "./types";

/** Where account changes go, synchronously, before the venue answers or delivers anything. */
export interface AccountLog {
  /** The order's full state after a change other than a fill (created, accepted, cancelled, rejected). */
  order(o: SimOrder): void;
  /** One of our fills; `tradeSeq` is the counter behind its trade id. */
  fill(f: VenueFill, tradeSeq: number): void;
  /** The position moved without a fill (the adjustPosition test hook). */
  adjust(lots: number, at: number): void;
}

/** What an order is before the venue numbers it. */
export interface OrderSpec {
  readonly clientOrderId: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly priceTick: number;
  readonly sizeLots: number;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
}

/** The account without its fill history (which only grows, so it is kept in a file of its own). */
export interface AccountState {
  orderSeq: number;
  tradeSeq: number;
  positionLots: number;
  cash: Decimal;
  /** Every order the venue remembers, in seq order. */
  orders: SimOrder[];
  /** Finished orders in the order they finished: the oldest is forgotten first. */
  finished: string[];
  /** Resting orders per side, in book priority. */
  restingBids: string[];
  restingAsks: string[];
}

/** A change read back from an account log. */
export type AccountEvent =
  | { kind: "order"; order: SimOrder }
  | { kind: "fill"; fill: VenueFill; tradeSeq: number; tick: number; lots: number }
  | { kind: "adjust"; lots: number; at: number };

// Cash sums every fill's notional and fee: decimal.js's default 20 significant digits would round a long
// account's sum, so cash is kept at 100.
const Exact = Decimal.clone({ precision: 100 });
const ZERO = new Exact(0);

/**
 * An order as a literal of fixed shape. Orders are read on every matching pass; an object built by a
 * spread with added fields is a slow (dictionary-mode) object in V8, three times slower to re-quote with.
 */
export function orderOf(o: SimOrder): SimOrder {
  return {
    seq: o.seq,
    clientOrderId: o.clientOrderId,
    venueOrderId: o.venueOrderId,
    side: o.side,
    type: o.type,
    priceTick: o.priceTick,
    sizeLots: o.sizeLots,
    filledLots: o.filledLots,
    status: o.status,
    queueAheadLots: o.queueAheadLots,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    acceptedAt: o.acceptedAt,
    updatedAt: o.updatedAt,
  };
}

const isResting = (s: SimOrder["status"]) => s === "open" || s === "partially_filled";
const isFinished = (s: SimOrder["status"]) => s !== "pending" && !isResting(s);

export class SimAccount {
  readonly resting = new RestingOrders();
  log: AccountLog | null = null;

  private readonly orders = new Map<string, SimOrder>();
  private finished: string[] = [];
  private finishedHead = 0;
  private readonly fills: VenueFill[] = [];
  private fillsInOrder = true;

  private noteFill(f: VenueFill): void {
    const last = this.fills[this.fills.length - 1];
    // NaN or an earlier time than the last: fall back to the scan (which NaN never passes either).
    if (!(f.ts >= (last?.ts ?? -Infinity))) this.fillsInOrder = false;
  }
  private orderSeq = 0;
  private tradeSeq = 0;
  private positionLots = 0;
  /** Quote currency held: starts at 0 (paper accounts trade on credit), moves by every fill's cash flow and fee. */
  private cashHeld = ZERO;
  private readonly makerRate: Decimal;
  private readonly takerRate: Decimal;
  private readonly makerUnit: Decimal;
  private readonly takerUnit: Decimal;

  constructor(
    private readonly venueId: string,
    market: MarketSpec,
    private readonly grid: MarketGrid,
    private readonly maxRetained: number,
  ) {
    this.makerRate = new Decimal(market.makerFeeRate);
    this.takerRate = new Decimal(market.takerFeeRate);
    this.makerUnit = grid.tick.mul(grid.lot).mul(this.makerRate);
    this.takerUnit = grid.tick.mul(grid.lot).mul(this.takerRate);
  }

  get position(): number {
    return this.positionLots;
  }

  get cash(): Decimal {
    return this.cashHeld;
  }

  get(clientOrderId: string): SimOrder | undefined {
    return this.orders.get(clientOrderId);
  }

  has(clientOrderId: string): boolean {
    return this.orders.has(clientOrderId);
  }

  fillHistory(since?: number): VenueFill[] {
    if (since === undefined) return [...this.fills];
    // Fills are booked in time order (checked as they are): the reconciler's look-back is a binary search,
    // not a scan of the whole history every few seconds.
    if (!this.fillsInOrder) return this.fills.filter((f) => f.ts >= since);
    let lo = 0;
    let hi = this.fills.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.fills[mid]!.ts >= since) hi = mid;
      else lo = mid + 1;
    }
    return this.fills.slice(lo);
  }

  /** The venue numbers an order it has received (still in flight until accepted). */
  register(spec: OrderSpec, at: number): SimOrder {
    const seq = ++this.orderSeq;
    // Field for field as in orderOf: one object shape for every order (see there why).
    const o: SimOrder = {
      seq,
      clientOrderId: spec.clientOrderId,
      venueOrderId: `${this.venueId}-${seq}`,
      side: spec.side,
      type: spec.type,
      priceTick: spec.priceTick,
      sizeLots: spec.sizeLots,
      filledLots: 0,
      status: "pending",
      queueAheadLots: 0,
      postOnly: spec.postOnly,
      reduceOnly: spec.reduceOnly,
      acceptedAt: NaN,
      updatedAt: at,
    };
    this.orders.set(o.clientOrderId, o);
    this.log?.order(o);
    return o;
  }

  /** Reports a change of `o` other than a fill. */
  changed(o: SimOrder): void {
    this.log?.order(o);
  }

  /** Books one fill of `o` (already applied to the order by the matching code) and returns it. */
  fill(o: SimOrder, lots: number, tick: number, liquidity: Liquidity, at: number): VenueFill {
    const price = this.grid.price(tick);
    const size = this.grid.size(lots);
    // price x size x rate = (tick x lot x rate) x (ticks x lots): one Decimal multiplication, same exact value.
    const units = tick * lots;
    const fee = Number.isSafeInteger(units)
      ? (liquidity === "maker" ? this.makerUnit : this.takerUnit).mul(units)
      : price.mul(size).mul(liquidity === "maker" ? this.makerRate : this.takerRate);
    const f: VenueFill = {
      tradeId: `${this.venueId}-T${++this.tradeSeq}`,
      clientOrderId: o.clientOrderId,
      venueOrderId: o.venueOrderId,
      side: o.side,
      price,
      size,
      fee,
      liquidity,
      ts: Math.floor(at),
    };
    this.book(f, lots);
    this.log?.fill(f, this.tradeSeq);
    return f;
  }

  /** Moves the position without a fill (test-only divergence between the venue and our books). */
  adjust(lots: number, at: number): void {
    this.positionLots += lots;
    this.log?.adjust(lots, at);
  }

  /** Remembers a finished order for look-ups, forgetting the oldest past the cap. */
  retire(o: SimOrder): void {
    this.finished.push(o.clientOrderId);
    if (this.finished.length - this.finishedHead > this.maxRetained) {
      const old = this.finished[this.finishedHead++]!;
      const oo = this.orders.get(old);
      if (oo && isFinished(oo.status)) this.orders.delete(old);
      if (this.finishedHead > 65_536) {
        this.finished.splice(0, this.finishedHead);
        this.finishedHead = 0;
      }
    }
  }

  private book(f: VenueFill, lots: number): void {
    this.noteFill(f);
    this.fills.push(f);
    this.positionLots += f.side === "buy" ? lots : -lots;
    const notional = new Exact(f.price).mul(f.size);
    this.cashHeld = this.cashHeld.add(f.side === "buy" ? notional.neg() : notional).sub(f.fee);
  }

  // ---------------------------------------------------------------- persistence

  /** The account as it stands (orders are copies: the caller may serialize at leisure). */
  state(): AccountState {
    const orders = [...this.orders.values()].sort((a, b) => a.seq - b.seq).map(orderOf);
    return {
      orderSeq: this.orderSeq,
      tradeSeq: this.tradeSeq,
      positionLots: this.positionLots,
      cash: this.cashHeld,
      orders,
      finished: this.finished.slice(this.finishedHead).filter((id) => this.orders.has(id)),
      restingBids: this.resting.bids.map((o) => o.clientOrderId),
      restingAsks: this.resting.asks.map((o) => o.clientOrderId),
    };
  }

  /**
   * Loads a saved state and the fill history up to it (an empty account has none of either). Called on a
   * fresh account only, before any trading and with no log attached.
   */
  load(state: AccountState, history: readonly VenueFill[]): void {
    for (const o of state.orders) this.orders.set(o.clientOrderId, orderOf(o));
    const byId = (id: string, side: Side) => {
      const o = this.orders.get(id);
      if (!o || o.side !== side || !isResting(o.status)) throw new Error(`resting ${side} ${id} is not an open ${side} order of the account`);
      return o;
    };
    // add() keeps orders at one price in insertion order, so adding in book order rebuilds the same queues.
    for (const id of state.restingBids) this.resting.add(byId(id, "buy"));
    for (const id of state.restingAsks) this.resting.add(byId(id, "sell"));
    this.finished = [...state.finished];
    this.finishedHead = 0;
    this.orderSeq = state.orderSeq;
    this.tradeSeq = state.tradeSeq;
    this.positionLots = state.positionLots;
    this.cashHeld = new Exact(state.cash);
    for (const f of history) {
      this.noteFill(f);
      this.fills.push(f);
    }
  }

  /** Applies one logged change, exactly as it happened live. Throws on a change that cannot follow the state. */
  replay(e: AccountEvent): void {
    if (e.kind === "adjust") {
      this.positionLots += e.lots;
      return;
    }
    if (e.kind === "fill") {
      const o = this.orders.get(e.fill.clientOrderId);
      if (!o || (!isResting(o.status) && o.status !== "pending")) throw new Error(`fill ${e.fill.tradeId} is for order ${e.fill.clientOrderId}, which is not open`);
      if (e.tradeSeq !== this.tradeSeq + 1) throw new Error(`fill ${e.fill.tradeId} follows trade ${this.tradeSeq}`);
      const before = o.status;
      applyFill(o, e.lots, e.fill.ts);
      // Every maker fill consumes the queue ahead first (matching.ts), so after one nothing is ahead of us.
      if (e.fill.liquidity === "maker") o.queueAheadLots = 0;
      this.tradeSeq = e.tradeSeq;
      this.book(e.fill, e.lots);
      this.moved(o, before);
      return;
    }
    const rec = e.order;
    const o = this.orders.get(rec.clientOrderId);
    if (!o) {
      if (rec.seq <= this.orderSeq) throw new Error(`order ${rec.clientOrderId} reuses seq ${rec.seq}`);
      const created = orderOf(rec);
      this.orders.set(rec.clientOrderId, created);
      this.orderSeq = rec.seq;
      this.moved(created, "pending");
      return;
    }
    if (o.seq !== rec.seq) throw new Error(`order ${rec.clientOrderId} changes seq ${o.seq} -> ${rec.seq}`);
    const before = o.status;
    o.filledLots = rec.filledLots;
    o.status = rec.status;
    o.queueAheadLots = rec.queueAheadLots;
    o.acceptedAt = rec.acceptedAt;
    o.updatedAt = rec.updatedAt;
    this.moved(o, before);
  }

  /** Keeps the resting book and the finished list in step with a replayed status change. */
  private moved(o: SimOrder, before: SimOrder["status"]): void {
    const was = isResting(before);
    const now = isResting(o.status);
    if (!was && now) this.resting.add(o);
    else if (was && !now) this.resting.remove(o);
    if (!isFinished(before) && isFinished(o.status)) this.retire(o);
  }

  /**
   * Settles what a stopped process left half-way, as the venue would have: an order still in flight never
   * reached the venue and ends 'rejected' (its client id stays used, a look-up gets a definite answer); a
   * market order caught between its fills and its end has its unfilled rest expire ('cancelled').
   */
  settleInterrupted(at: number): SimOrder[] {
    const out: SimOrder[] = [];
    for (const o of this.orders.values()) {
      if (o.status === "pending") o.status = "rejected";
      else if (o.type === "market" && isResting(o.status)) {
        this.resting.remove(o);
        o.status = "cancelled";
      } else continue;
      o.updatedAt = at;
      this.retire(o);
      this.changed(o);
      out.push(o);
    }
    return out;
  }
}
