// The simulated venues' order lifecycle and matching side: the venue state (account, resting orders,
// simulated time, the action queue), what a request becomes once it reaches the venue (accepted, rejected,
// taking liquidity, resting, cancelled) and how fills are booked, queued for delivery and followed by the
// reduce-only rule. Apart from the Venue surface (simulated-venue.ts: time advance, reads, watchers,
// shutdown) so that each file stays small; one class chain, FaultHooks → SimOrderLifecycle →
// SimulatedVenue, so that the state still has one owner and the hot path gains no indirection.
import Decimal from "decimal.js";
import type { MarketSpec, Side } from "@/lib/market";
import { systemClock, type VenueClock } from "./clock";
import {
  OrderNotFound,
  OrderRejected,
  PostOnlyWouldCross,
  RateLimitExceeded,
  VenueError,
  VenueUnavailable,
} from "./errors";
import { MarketGrid } from "./grid";
import {
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
import { SimAccount } from "./sim-account";
import { FaultHooks } from "./sim-faults";
import { validateOrder } from "./sim-orders";
import { ActionQueue } from "./sim-schedule";
import { SimLiveSurface } from "./sim-live";
import type { CreateOrderRequest, VenueFill, VenueOrder } from "./types";

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
  /** How long a request may stay unanswered before RequestTimeout (the 'timeout' and 'lost_ack' faults). Default 5000. */
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

export interface SimulatedVenueStats {
  /** Exogenous market events processed (book updates + trades). */
  events: number;
  bookUpdates: number;
  trades: number;
  fills: number;
}

const ZERO = new Decimal(0);

export abstract class SimOrderLifecycle extends FaultHooks {
  readonly id: string;
  readonly market: MarketSpec;
  readonly grid: MarketGrid;
  readonly stats: SimulatedVenueStats = { events: 0, bookUpdates: 0, trades: 0, fills: 0 };

  protected readonly clock: VenueClock;
  protected readonly latencyMs: number;
  protected readonly queue: boolean;
  protected readonly account: SimAccount;
  protected readonly resting: SimAccount["resting"];
  /** Simulated time up to which the market has been processed. */
  protected simNow: number;
  /** Time of the event being processed; fills and order updates are stamped with it. */
  protected eventTime: number;

  protected abstract readonly bids: LevelSource;
  protected abstract readonly asks: LevelSource;

  private readonly requestTimeoutMs: number;
  protected readonly onListenerError: (err: unknown) => void;

  protected outbox: VenueFill[] = [];
  /** Batches, pushed orders and books, the dead-man (sim-live.ts). */
  protected readonly live = new SimLiveSurface(this);
  protected readonly actions: ActionQueue;
  protected closed = false;
  protected closedWhy = "";

  protected constructor(opts: SimulatedVenueOptions, startMs: number | undefined) {
    super();
    this.id = opts.id ?? "sim";
    this.market = opts.market;
    this.grid = new MarketGrid(opts.market);
    this.clock = opts.clock ?? systemClock;
    this.latencyMs = opts.latencyMs ?? 50;
    this.queue = opts.queuePosition ?? true;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 5000;
    this.onListenerError = opts.onListenerError ?? ((err) => console.error(`[venue ${this.id}] fill listener threw`, err));
    this.account = new SimAccount(this.id, opts.market, this.grid, opts.maxRetainedOrders ?? 100_000);
    this.resting = this.account.resting;
    this.actions = new ActionQueue(this.clock, {
      sync: () => this.sync(),
      processedUntil: () => this.simNow,
      closed: () => this.closed,
      onError: this.onListenerError,
    });
    if (!(this.latencyMs >= 0) || !Number.isFinite(this.latencyMs)) throw new Error(`latencyMs must be >= 0, got ${this.latencyMs}`);
    this.simNow = startMs ?? this.clock.now();
    this.eventTime = this.simNow;
  }

  /** Brings the simulation up to the clock (the time advance is simulated-venue.ts's); requests start with it. */
  protected abstract sync(): void;

  /** Net position the venue holds for us (reduce-only checks use it). */
  get position(): Decimal {
    return this.grid.size(this.account.position);
  }

  private timeoutAfter<T>(what: string): Promise<T> {
    const msg = `venue ${this.id}: ${what} unanswered after ${this.requestTimeoutMs} ms (injected)`;
    return this.actions.schedule<T>(this.simNow + this.requestTimeoutMs, "timeout", null, msg);
  }

  protected guard(): void {
    if (this.closed) throw new VenueUnavailable(`venue ${this.id} is closed${this.closedWhy}`, { venue: this.id });
    const f = this.faults;
    if (f.throttled > 0) {
      f.throttled--;
      throw new RateLimitExceeded(`venue ${this.id}: rate limit exceeded`, { venue: this.id, retryAfterMs: 1000 });
    }
  }

  protected notFound(clientOrderId: string): OrderNotFound {
    return new OrderNotFound(`venue ${this.id}: no order ${clientOrderId}`, { venue: this.id });
  }

  // ---------------------------------------------------------------- orders

  async createOrder(req: CreateOrderRequest): Promise<VenueOrder> {
    this.guard();
    this.sync();
    const spec = validateOrder(req, this.id, this.market, this.grid, (id) => this.account.has(id));
    const fault = this.faults.createFaults.shift();
    // The first three never reach the venue: nothing is placed and the client id stays free.
    if (fault === "error") throw new VenueUnavailable(`venue ${this.id}: order ${req.clientOrderId} not sent (injected)`, { venue: this.id });
    if (fault === "timeout") return this.timeoutAfter(`order ${req.clientOrderId}`);
    if (fault === "hang") return this.faults.hang();
    const o = this.account.register(spec, this.simNow);
    const reject = this.faults.rejects.shift();
    const at = this.simNow + this.latencyMs;
    if (fault === undefined) return this.actions.schedule(at, "place", o, reject);
    this.actions.scheduleUnheard(at, "place", o, reject);
    return fault === "lost_ack" ? this.timeoutAfter(`order ${req.clientOrderId}`) : this.faults.hang();
  }

  async cancelOrder(clientOrderId: string): Promise<VenueOrder> {
    this.guard();
    this.sync();
    const o = this.account.get(clientOrderId);
    if (!o) throw this.notFound(clientOrderId);
    const fault = this.faults.cancelFaults.shift();
    if (fault === "error") throw new VenueUnavailable(`venue ${this.id}: cancel ${clientOrderId} failed (injected)`, { venue: this.id });
    if (fault === "hang") return this.faults.hang();
    if (fault === "timeout") return this.timeoutAfter(`cancel ${clientOrderId}`);
    const at = this.simNow + this.latencyMs;
    if (fault === undefined) return this.actions.schedule(at, "cancel", o);
    this.actions.scheduleUnheard(at, "cancel", o);
    return this.timeoutAfter(`cancel ${clientOrderId}`);
  }

  async cancelAllOrders(): Promise<VenueOrder[]> {
    this.guard();
    if (this.faults.takeHang("cancelAllOrders")) return this.faults.hang();
    this.sync();
    return this.actions.schedule(this.simNow + this.latencyMs, "cancelAll", null);
  }

  protected cancelResting(o: SimOrder): void {
    this.resting.remove(o);
    o.status = "cancelled";
    o.updatedAt = this.eventTime;
    this.account.retire(o);
    this.account.changed(o);
  }

  /** The order reaches the venue (after latency). Throws to reject. Its outcome is logged either way. */
  protected activate(o: SimOrder, injectedReject: string | undefined): VenueOrder {
    try {
      return this.accept(o, injectedReject);
    } finally {
      this.account.changed(o);
    }
  }

  private accept(o: SimOrder, injectedReject: string | undefined): VenueOrder {
    o.updatedAt = this.eventTime;
    o.acceptedAt = this.eventTime;
    if (injectedReject !== undefined) return this.rejectOrder(o, new OrderRejected(`venue ${this.id}: order ${o.clientOrderId} rejected: ${injectedReject}`, { venue: this.id }));
    if (o.reduceOnly) {
      const pos = this.account.position;
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
        this.account.retire(o);
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
    this.account.retire(o);
    throw err;
  }

  private take(o: SimOrder, src: LevelSource, limitTick: number): void {
    takeLiquidity(src, limitTick, o.sizeLots - o.filledLots, (tick, lots) => {
      applyFill(o, lots, this.eventTime);
      this.sink(o, lots, tick, "taker");
    });
    if (o.status === "filled") this.account.retire(o);
    this.settle();
  }

  // ---------------------------------------------------------------- fills

  /** FillSink for the matching functions: one VenueFill per call. */
  protected readonly sink: FillSink = (o, lots, tick, liquidity) => {
    // Booked (and, on a persistent account, written) here, before any listener can see it.
    const fill = this.account.fill(o, lots, tick, liquidity, this.eventTime);
    this.stats.fills++;
    this.outbox.push(fill);
    this.live.order(this.view(o));
    if (this.faults.duplicateFills > 0) {
      this.faults.duplicateFills--;
      this.outbox.push(fill);
    }
    if (liquidity === "maker" && o.status === "filled") this.account.retire(o);
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
    const pos = this.account.position;
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

  // ---------------------------------------------------------------- fault hooks needing the account (the rest: sim-faults.ts, simulated-venue.ts)

  /** Test-only divergence: the venue's position moves by `qtyDelta` (base units, on the lot grid) without a
   * fill anyone can see; cash does not move. Reduce-only checks use the new position. */
  adjustPosition(qtyDelta: Decimal.Value): void {
    const lots = this.grid.lotsExact(new Decimal(qtyDelta));
    if (lots === null) throw new Error(`adjustPosition: ${String(qtyDelta)} is not a multiple of the lot size ${this.grid.lot}`);
    this.sync();
    this.account.adjust(lots, this.simNow);
    if (this.resting.reduceOnlyCount > 0) this.enforceReduceOnly();
  }
}
