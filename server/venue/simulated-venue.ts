// What the paper simulator and the replay venue have in common: the Venue interface over an integer
// market model, latency as scheduled actions in simulated time, the order lifecycle, fees, fill delivery
// and the fault-injection hooks. Subclasses only supply the market: its two displayed book sides and
// advanceMarket(), which processes their exogenous events (book updates, trades) in time order.
import Decimal from "decimal.js";
import type { BookLevel, MarketSpec, OrderBook, Side } from "@/lib/market";
import { systemClock, type VenueClock } from "./clock";
import {
  InvalidOrder,
  OrderNotFound,
  OrderRejected,
  PostOnlyWouldCross,
  RateLimitExceeded,
  RequestTimeout,
  VenueError,
  VenueUnavailable,
} from "./errors";
import { LazyLevel, MarketGrid } from "./grid";
import {
  RestingOrders,
  applyFill,
  displayedAt,
  fillCrossed,
  matchPrint,
  sweepWithResting,
  takeLiquidity,
  topTick,
  type FillSink,
  type LevelSource,
  type SimOrder,
} from "./matching";
import type { CreateOrderRequest, Venue, VenueBalance, VenueFill, VenueOrder, VenuePosition } from "./types";

export interface SimulatedVenueOptions {
  /** Venue id, also the prefix of venue order ids and trade ids. */
  id?: string;
  market: MarketSpec;
  /** Default: wall time. Tests and accelerated runs pass a ManualClock or the runner's simulated time. */
  clock?: VenueClock;
  /** Simulated time an order or cancel takes to become effective. Default 50 ms. */
  latencyMs?: number;
  /** Queue position model for resting orders (see matching.ts). Default true. */
  queuePosition?: boolean;
  /** How long a request may stay unanswered before RequestTimeout (the 'timeout' cancel fault). Default 5000. */
  requestTimeoutMs?: number;
  /** Show our resting orders in fetchOrderBook like a real venue does. Default true. */
  bookIncludesOwnOrders?: boolean;
  /** Levels per side in fetchOrderBook. Default 50. */
  bookDepth?: number;
  /** Finished orders remembered for cancelOrder look-ups. Default 100 000. */
  maxRetainedOrders?: number;
  /** A watchFills listener threw. Default: console.error. */
  onListenerError?: (err: unknown) => void;
}

export type CancelFault = "error" | "timeout" | "hang";

export interface SimulatedVenueStats {
  /** Exogenous market events processed (book updates + trades). */
  events: number;
  bookUpdates: number;
  trades: number;
  fills: number;
}

type ActionKind = "place" | "cancel" | "cancelAll" | "timeout";

/** A request in flight: takes effect at simulated time `at`. A record, not a closure: this path is hot. */
interface PendingAction {
  at: number;
  kind: ActionKind;
  order: SimOrder | null;
  /** Injected rejection reason (place) or error message (timeout). */
  note: string | undefined;
  resolve: (v: never) => void;
  reject: (err: unknown) => void;
}

const ZERO = new Decimal(0);

export abstract class SimulatedVenue implements Venue {
  readonly id: string;
  readonly market: MarketSpec;
  readonly grid: MarketGrid;
  readonly stats: SimulatedVenueStats = { events: 0, bookUpdates: 0, trades: 0, fills: 0 };

  protected readonly clock: VenueClock;
  protected readonly latencyMs: number;
  protected readonly queue: boolean;
  protected readonly resting = new RestingOrders();
  /** Simulated time up to which the market has been processed. */
  protected simNow: number;
  /** Time of the event being processed; fills and order updates are stamped with it. */
  protected eventTime: number;

  protected abstract readonly bids: LevelSource;
  protected abstract readonly asks: LevelSource;
  /** Processes market events with time < until (or <= until when inclusive), updating eventTime. */
  protected abstract advanceMarket(until: number, inclusive: boolean): void;
  /** Exchange timestamp of the current displayed book. */
  protected abstract bookTime(): number;

  private readonly requestTimeoutMs: number;
  private readonly ownInBook: boolean;
  private readonly bookDepth: number;
  private readonly maxRetained: number;
  private readonly onListenerError: (err: unknown) => void;
  private readonly makerRate: Decimal;
  private readonly takerRate: Decimal;
  private readonly makerUnit: Decimal;
  private readonly takerUnit: Decimal;

  private readonly orders = new Map<string, SimOrder>();
  private readonly finished: string[] = [];
  private finishedHead = 0;
  private readonly fills: VenueFill[] = [];
  private outbox: VenueFill[] = [];
  private readonly listeners = new Set<(fill: VenueFill) => void>();
  private pending: PendingAction[] = [];
  private actionSeq = 0;
  private orderSeq = 0;
  private tradeSeq = 0;
  private positionLots = 0;
  /** Quote currency held: starts at 0 (paper accounts trade on credit), moves by every fill's cash flow and fee. */
  private cash = ZERO;
  private syncing = false;
  private closed = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  // Fault injection.
  private cancelFaults: CancelFault[] = [];
  private rejectQueue: string[] = [];
  private throttled = 0;
  private staleFrozen: OrderBook | null = null;
  private staleWanted = false;
  private duplicateFills = 0;

  protected constructor(opts: SimulatedVenueOptions, startMs: number | undefined) {
    this.id = opts.id ?? "sim";
    this.market = opts.market;
    this.grid = new MarketGrid(opts.market);
    this.clock = opts.clock ?? systemClock;
    this.latencyMs = opts.latencyMs ?? 50;
    this.queue = opts.queuePosition ?? true;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 5000;
    this.ownInBook = opts.bookIncludesOwnOrders ?? true;
    this.bookDepth = opts.bookDepth ?? 50;
    this.maxRetained = opts.maxRetainedOrders ?? 100_000;
    this.onListenerError = opts.onListenerError ?? ((err) => console.error(`[venue ${this.id}] fill listener threw`, err));
    this.makerRate = new Decimal(opts.market.makerFeeRate);
    this.takerRate = new Decimal(opts.market.takerFeeRate);
    this.makerUnit = this.grid.tick.mul(this.grid.lot).mul(this.makerRate);
    this.takerUnit = this.grid.tick.mul(this.grid.lot).mul(this.takerRate);
    if (!(this.latencyMs >= 0) || !Number.isFinite(this.latencyMs)) throw new Error(`latencyMs must be >= 0, got ${this.latencyMs}`);
    this.simNow = startMs ?? this.clock.now();
    this.eventTime = this.simNow;
  }

  // ---------------------------------------------------------------- time

  /** Simulated time the venue has processed up to. */
  get time(): number {
    return this.simNow;
  }

  /** Net position the venue has seen us trade, in lots of the market (reduce-only checks use it). */
  get position(): Decimal {
    return this.grid.size(this.positionLots);
  }

  /**
   * Runs the simulation up to `ms` (no-op when already there), independently of the clock: tests and
   * benches drive time with it. Due order and cancel actions take effect in time order.
   */
  advanceTo(ms: number): void {
    if (this.syncing) {
      this.advanceCore(ms);
      return;
    }
    this.syncing = true;
    try {
      this.advanceCore(ms);
    } finally {
      this.syncing = false;
    }
    this.flush();
  }

  private advanceCore(ms: number): void {
    while (this.pending.length && this.pending[0]!.at <= ms) {
      const a = this.pending.shift()!;
      if (a.at > this.simNow) {
        this.advanceMarket(a.at, false);
        this.simNow = a.at;
      }
      this.eventTime = this.simNow;
      this.runAction(a);
    }
    if (ms >= this.simNow) {
      this.advanceMarket(ms, true);
      this.simNow = ms;
    }
    if (this.staleWanted && !this.staleFrozen) this.staleFrozen = this.buildBook();
  }

  /** Brings the simulation up to the clock; every public call starts with it. */
  protected sync(): void {
    this.advanceTo(this.clock.now());
  }

  private flush(): void {
    while (this.outbox.length) {
      const batch = this.outbox;
      this.outbox = [];
      for (const f of batch) {
        for (const l of [...this.listeners]) {
          try {
            l(f);
          } catch (err) {
            this.onListenerError(err);
          }
        }
      }
    }
  }

  /** Queues a request to take effect at simulated time `at`; the promise settles when it does. */
  private schedule<T>(at: number, kind: ActionKind, order: SimOrder | null, note?: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const action: PendingAction = { at, kind, order, note, resolve: resolve as (v: never) => void, reject };
      const q = this.pending;
      let i = q.length;
      while (i > 0 && q[i - 1]!.at > at) i--;
      q.splice(i, 0, action);
      this.wake(at);
    });
  }

  private runAction(a: PendingAction): void {
    try {
      let result: unknown;
      switch (a.kind) {
        case "place":
          result = this.activate(a.order!, a.note);
          break;
        case "cancel": {
          const o = a.order!;
          if (o.status === "open" || o.status === "partially_filled") this.cancelResting(o);
          result = this.view(o);
          break;
        }
        case "cancelAll":
          result = this.resting.all().map((o) => (this.cancelResting(o), this.view(o)));
          break;
        case "timeout":
          throw new RequestTimeout(a.note!, { venue: this.id });
      }
      a.resolve(result as never);
    } catch (err) {
      a.reject(err);
    }
  }

  /** Makes sure the simulation reaches `at` once the clock does. */
  private wake(at: number): void {
    const clock = this.clock;
    if (at <= clock.now()) {
      queueMicrotask(this.syncDue);
      return;
    }
    const done = () => this.closed || this.simNow >= at;
    if (clock.sleepUntil) {
      clock.sleepUntil(at).then(
        () => !this.closed && this.sync(),
        (err) => this.onListenerError(err),
      );
    } else if (clock.advanceTo) {
      // Simulated time owned by the caller: waiting for an answer consumes it.
      queueMicrotask(() => {
        if (done()) return;
        clock.advanceTo!(at);
        this.sync();
      });
    } else {
      const poll = () => {
        if (done()) return;
        const now = clock.now();
        if (now >= at) {
          this.sync();
          if (done()) return;
        }
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          poll();
        }, Math.min(50, Math.max(1, at - now)));
        this.timers.add(timer);
      };
      queueMicrotask(poll);
    }
  }

  private readonly syncDue = (): void => {
    if (!this.closed) this.sync();
  };

  private guard(): void {
    if (this.closed) throw new VenueUnavailable(`venue ${this.id} is closed`, { venue: this.id });
    if (this.throttled > 0) {
      this.throttled--;
      throw new RateLimitExceeded(`venue ${this.id}: rate limit exceeded`, { venue: this.id, retryAfterMs: 1000 });
    }
  }

  // ---------------------------------------------------------------- reads

  async fetchOrderBook(): Promise<OrderBook> {
    this.guard();
    this.sync();
    return this.staleFrozen ?? this.buildBook();
  }

  async fetchOpenOrders(): Promise<VenueOrder[]> {
    this.guard();
    this.sync();
    return this.resting.all().map((o) => this.view(o));
  }

  async fetchOrder(clientOrderId: string): Promise<VenueOrder> {
    this.guard();
    this.sync();
    const o = this.orders.get(clientOrderId);
    if (!o) throw new OrderNotFound(`venue ${this.id}: no order ${clientOrderId}`, { venue: this.id });
    return this.view(o);
  }

  async fetchPosition(): Promise<VenuePosition> {
    this.guard();
    this.sync();
    return { qty: this.position, ts: Math.floor(this.simNow) };
  }

  async fetchBalance(): Promise<VenueBalance> {
    this.guard();
    this.sync();
    return { quote: this.cash, base: this.position, ts: Math.floor(this.simNow) };
  }

  async fetchMyTrades(opts: { since?: number } = {}): Promise<VenueFill[]> {
    this.guard();
    this.sync();
    const since = opts.since;
    return since === undefined ? [...this.fills] : this.fills.filter((f) => f.ts >= since);
  }

  watchFills(listener: (fill: VenueFill) => void): () => void {
    // Wrap so the same function can subscribe twice and unsubscribe each independently.
    const l = (f: VenueFill) => listener(f);
    this.listeners.add(l);
    return () => {
      this.listeners.delete(l);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const pending = this.pending;
    this.pending = [];
    this.listeners.clear();
    // Settle everything in flight so no caller waits forever on a closed venue.
    for (const a of pending) a.reject(new VenueUnavailable(`venue ${this.id} closed before answering`, { venue: this.id }));
  }

  // ---------------------------------------------------------------- orders

  async createOrder(req: CreateOrderRequest): Promise<VenueOrder> {
    this.guard();
    this.sync();
    const o = this.validate(req);
    this.orders.set(o.clientOrderId, o);
    const reject = this.rejectQueue.shift();
    return this.schedule(this.simNow + this.latencyMs, "place", o, reject);
  }

  async cancelOrder(clientOrderId: string): Promise<VenueOrder> {
    this.guard();
    this.sync();
    const o = this.orders.get(clientOrderId);
    if (!o) throw new OrderNotFound(`venue ${this.id}: no order ${clientOrderId}`, { venue: this.id });
    const fault = this.cancelFaults.shift();
    if (fault === "error") throw new VenueUnavailable(`venue ${this.id}: cancel ${clientOrderId} failed (injected)`, { venue: this.id });
    if (fault === "hang") return new Promise<VenueOrder>(() => undefined);
    if (fault === "timeout") {
      const msg = `venue ${this.id}: cancel ${clientOrderId} unconfirmed after ${this.requestTimeoutMs} ms (injected)`;
      return this.schedule(this.simNow + this.requestTimeoutMs, "timeout", null, msg);
    }
    return this.schedule(this.simNow + this.latencyMs, "cancel", o);
  }

  async cancelAllOrders(): Promise<VenueOrder[]> {
    this.guard();
    this.sync();
    return this.schedule(this.simNow + this.latencyMs, "cancelAll", null);
  }

  private cancelResting(o: SimOrder): void {
    this.resting.remove(o);
    o.status = "cancelled";
    o.updatedAt = this.eventTime;
    this.retire(o);
  }

  private invalid(req: CreateOrderRequest, why: string): never {
    throw new InvalidOrder(`venue ${this.id}: order ${req.clientOrderId}: ${why}`, { venue: this.id });
  }

  private validate(req: CreateOrderRequest): SimOrder {
    if (typeof req.clientOrderId !== "string" || !req.clientOrderId) this.invalid(req, "clientOrderId is required");
    if (this.orders.has(req.clientOrderId)) this.invalid(req, "clientOrderId already used");
    if (req.side !== "buy" && req.side !== "sell") this.invalid(req, `side must be buy or sell, got ${String(req.side)}`);
    if (req.type !== "limit" && req.type !== "market") this.invalid(req, `type must be limit or market, got ${String(req.type)}`);
    if (!Decimal.isDecimal(req.size)) this.invalid(req, "size must be a Decimal");
    const sizeLots = this.grid.lotsExact(req.size);
    if (sizeLots === null) this.invalid(req, `size ${req.size} is not a multiple of the lot size ${this.grid.lot}`);
    if (sizeLots! < this.grid.minLots) this.invalid(req, `size ${req.size} is below the minimum ${this.market.minSize}`);
    let priceTick = NaN;
    if (req.type === "limit") {
      if (!Decimal.isDecimal(req.price)) this.invalid(req, "a limit order needs a Decimal price");
      const t = this.grid.ticksExact(req.price!);
      if (t === null) this.invalid(req, `price ${req.price} is not on the tick grid ${this.grid.tick}`);
      if (t! < this.grid.minTick || t! > this.grid.maxTick) this.invalid(req, `price ${req.price} is outside [${this.market.minPrice}, ${this.market.maxPrice}]`);
      priceTick = t!;
    } else if (req.postOnly) this.invalid(req, "a market order cannot be post-only");
    const seq = ++this.orderSeq;
    return {
      seq,
      clientOrderId: req.clientOrderId,
      venueOrderId: `${this.id}-${seq}`,
      side: req.side,
      type: req.type,
      priceTick,
      sizeLots: sizeLots!,
      filledLots: 0,
      status: "pending",
      queueAheadLots: 0,
      postOnly: req.postOnly ?? false,
      reduceOnly: req.reduceOnly ?? false,
      updatedAt: this.simNow,
    };
  }

  /** The order reaches the venue (after latency). Throws to reject. */
  private activate(o: SimOrder, injectedReject: string | undefined): VenueOrder {
    o.updatedAt = this.eventTime;
    if (injectedReject !== undefined) return this.rejectOrder(o, new OrderRejected(`venue ${this.id}: order ${o.clientOrderId} rejected: ${injectedReject}`, { venue: this.id }));
    if (o.reduceOnly) {
      const pos = this.positionLots;
      const reduces = o.side === "buy" ? pos < 0 : pos > 0;
      if (!reduces || o.sizeLots > Math.abs(pos)) {
        return this.rejectOrder(o, new OrderRejected(`venue ${this.id}: reduce-only order ${o.clientOrderId} would not reduce the position (${this.position})`, { venue: this.id }));
      }
    }
    const opposite = o.side === "buy" ? this.asks : this.bids;
    if (o.type === "market") {
      this.take(o, opposite, NaN);
      if (o.status !== "filled") {
        o.status = "cancelled"; // no more liquidity: the unfilled rest expires, as market orders do
        this.retire(o);
      }
      return this.view(o);
    }
    const best = topTick(opposite);
    const crosses = best === best && (o.side === "buy" ? o.priceTick >= best : o.priceTick <= best);
    // Self-trade prevention: a limit order may not cross one of our own resting orders.
    const own = o.side === "buy" ? this.resting.asks[0] : this.resting.bids[0];
    const crossesOwn = own !== undefined && (o.side === "buy" ? o.priceTick >= own.priceTick : o.priceTick <= own.priceTick);
    if ((crosses || crossesOwn) && o.postOnly) {
      const at = crosses ? best : own!.priceTick;
      return this.rejectOrder(o, new PostOnlyWouldCross(`venue ${this.id}: post-only ${o.side} ${this.grid.price(o.priceTick)} would cross ${this.grid.price(at)}`, { venue: this.id }));
    }
    if (crossesOwn) {
      return this.rejectOrder(o, new OrderRejected(`venue ${this.id}: ${o.side} ${this.grid.price(o.priceTick)} would trade with our own order ${own.clientOrderId} at ${this.grid.price(own.priceTick)} (self-trade prevention)`, { venue: this.id }));
    }
    if (crosses) this.take(o, opposite, o.priceTick);
    if (o.status === "filled") return this.view(o);
    if (o.status === "pending") o.status = "open";
    o.queueAheadLots = this.queue ? displayedAt(o.side === "buy" ? this.bids : this.asks, o.priceTick) : 0;
    this.resting.add(o);
    return this.view(o);
  }

  private rejectOrder(o: SimOrder, err: VenueError): never {
    o.status = "rejected";
    this.retire(o);
    throw err;
  }

  private take(o: SimOrder, src: LevelSource, limitTick: number): void {
    takeLiquidity(src, limitTick, o.sizeLots - o.filledLots, (tick, lots) => {
      applyFill(o, lots, this.eventTime);
      this.sink(o, lots, tick, "taker");
    });
    if (o.status === "filled") this.retire(o);
    this.settle();
  }

  /** Remembers a finished order for look-ups, forgetting the oldest past the cap. */
  private retire(o: SimOrder): void {
    this.finished.push(o.clientOrderId);
    if (this.finished.length - this.finishedHead > this.maxRetained) {
      const old = this.finished[this.finishedHead++]!;
      const oo = this.orders.get(old);
      if (oo && oo.status !== "open" && oo.status !== "partially_filled" && oo.status !== "pending") this.orders.delete(old);
      if (this.finishedHead > 65_536) {
        this.finished.splice(0, this.finishedHead);
        this.finishedHead = 0;
      }
    }
  }

  // ---------------------------------------------------------------- fills

  /** FillSink for the matching functions: one VenueFill per call. */
  protected readonly sink: FillSink = (o, lots, tick, liquidity) => {
    const price = this.grid.price(tick);
    const size = this.grid.size(lots);
    // price x size x rate = (tick x lot x rate) x (ticks x lots): one Decimal multiplication, same exact value.
    const units = tick * lots;
    const fee = Number.isSafeInteger(units)
      ? (liquidity === "maker" ? this.makerUnit : this.takerUnit).mul(units)
      : price.mul(size).mul(liquidity === "maker" ? this.makerRate : this.takerRate);
    const fill: VenueFill = {
      tradeId: `${this.id}-T${++this.tradeSeq}`,
      clientOrderId: o.clientOrderId,
      venueOrderId: o.venueOrderId,
      side: o.side,
      price,
      size,
      fee,
      liquidity,
      ts: Math.floor(this.eventTime),
    };
    this.stats.fills++;
    this.fills.push(fill);
    this.outbox.push(fill);
    if (this.duplicateFills > 0) {
      this.duplicateFills--;
      this.outbox.push(fill);
    }
    this.positionLots += o.side === "buy" ? lots : -lots;
    const notional = price.mul(size);
    this.cash = this.cash.add(o.side === "buy" ? notional.neg() : notional).sub(fee);
    if (liquidity === "maker" && o.status === "filled") this.retire(o);
    // Matching may be iterating the resting arrays right now: enforce reduce-only once it is done.
    if (this.resting.reduceOnlyCount > 0) this.reduceOnlyDirty = true;
  };

  private reduceOnlyDirty = false;

  private settle(): void {
    if (this.reduceOnlyDirty) {
      this.reduceOnlyDirty = false;
      this.enforceReduceOnly();
    }
  }

  /** A simulated aggressive order sweeping the displayed side it hits, with our resting orders in it. */
  protected sweep(aggressor: Side, lots: number): void {
    sweepWithResting(this.resting, aggressor, aggressor === "sell" ? this.bids : this.asks, lots, this.queue, this.eventTime, this.sink);
    this.settle();
  }

  /** A recorded print: `aggressor` traded `lots` at `tick`. */
  protected print(aggressor: Side, tick: number, lots: number): void {
    matchPrint(this.resting, aggressor, tick, lots, this.queue, this.eventTime, this.sink);
    this.settle();
  }

  /** A resting reduce-only order that could now grow or flip the position is cancelled, as venues do. */
  private enforceReduceOnly(): void {
    const pos = this.positionLots;
    for (const o of this.resting.all()) {
      if (!o.reduceOnly || o.status === "filled") continue;
      const reduces = o.side === "buy" ? pos < 0 : pos > 0;
      if (!reduces || o.sizeLots - o.filledLots > Math.abs(pos)) this.cancelResting(o);
    }
  }

  /** Called by subclasses after a side of the displayed book changed: resolves crossed resting orders. */
  protected resolveCrossed(): void {
    if (this.resting.bids.length) fillCrossed(this.resting, "buy", this.asks, this.eventTime, this.sink);
    if (this.resting.asks.length) fillCrossed(this.resting, "sell", this.bids, this.eventTime, this.sink);
    this.settle();
  }

  // ---------------------------------------------------------------- views

  protected view(o: SimOrder): VenueOrder {
    return {
      clientOrderId: o.clientOrderId,
      venueOrderId: o.venueOrderId,
      side: o.side,
      type: o.type,
      price: o.type === "limit" ? this.grid.price(o.priceTick) : undefined,
      size: this.grid.size(o.sizeLots),
      filledSize: o.filledLots === 0 ? ZERO : this.grid.size(o.filledLots),
      status: o.status === "pending" ? "open" : o.status,
      ts: Math.floor(o.updatedAt),
    };
  }

  private buildBook(): OrderBook {
    return {
      bids: this.buildSide(this.bids, this.ownInBook ? this.resting.bids : []),
      asks: this.buildSide(this.asks, this.ownInBook ? this.resting.asks : []),
      ts: Math.floor(this.bookTime()),
    };
  }

  /** Displayed levels after depletion, merged with our resting orders, best first. */
  private buildSide(src: LevelSource, own: SimOrder[]): BookLevel[] {
    const dir = src.dir;
    const ticks: number[] = [];
    const lots: number[] = [];
    const n = src.levelCount();
    let cum = 0;
    for (let i = 0; i < n; i++) {
      const l = src.levelLots(i);
      let rem = cum + l - src.depleted;
      rem = rem <= 0 ? 0 : rem > l ? l : rem;
      cum += l;
      if (rem > 0) {
        ticks.push(src.levelTick(i));
        lots.push(rem);
      }
    }
    for (const o of own) {
      const rem = o.sizeLots - o.filledLots;
      let k = 0;
      while (k < ticks.length && (dir < 0 ? ticks[k]! > o.priceTick : ticks[k]! < o.priceTick)) k++;
      if (ticks[k] === o.priceTick) lots[k]! += rem;
      else {
        ticks.splice(k, 0, o.priceTick);
        lots.splice(k, 0, rem);
      }
    }
    const out: BookLevel[] = [];
    const depth = Math.min(ticks.length, this.bookDepth);
    for (let k = 0; k < depth; k++) out.push(new LazyLevel(this.grid, ticks[k]!, lots[k]!));
    return out;
  }

  // ---------------------------------------------------------------- fault injection

  /** The next cancel fails: 'error' throws VenueUnavailable at once, 'timeout' throws RequestTimeout after
   * requestTimeoutMs, 'hang' never settles. The order stays open in every case. Calls queue up. */
  failNextCancel(mode: CancelFault = "error"): void {
    this.cancelFaults.push(mode);
  }

  /** The next createOrder is rejected by the venue (OrderRejected) when it arrives. Calls queue up. */
  rejectNext(reason = "injected rejection"): void {
    this.rejectQueue.push(reason);
  }

  /** The next `calls` requests (any method but watchFills/close) throw RateLimitExceeded. */
  throttle(calls = 1): void {
    this.throttled += calls;
  }

  /** While on, fetchOrderBook returns the snapshot of the moment it was switched on (same ts): a stale
   * feed. The market keeps moving and filling underneath. */
  staleBook(on = true): void {
    this.staleWanted = on;
    this.staleFrozen = on ? this.buildBook() : null;
  }

  /** The next `count` fills are delivered twice to watchFills listeners (same tradeId); fetchMyTrades
   * still lists each once. */
  duplicateNextFill(count = 1): void {
    this.duplicateFills += count;
  }
}

