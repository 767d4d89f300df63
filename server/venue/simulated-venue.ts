// What the paper simulator and the replay venue have in common: the Venue interface over an integer
// market model, latency as scheduled actions in simulated time, the order lifecycle, fill delivery and
// the fault-injection hooks. The account (orders, fills, position, cash) is a SimAccount (sim-account.ts),
// the fault hooks and what they armed come from FaultHooks (sim-faults.ts). Subclasses only supply the market: its two displayed book
// sides and advanceMarket(), which processes their exogenous events (book updates, trades) in time order.
// One class chain in files by subject: FaultHooks (sim-faults.ts) → SimOrderLifecycle (sim-lifecycle.ts: the
// venue state, the order lifecycle, matching and fills) → SimulatedVenue (here: time advance, reads,
// watchers, the live surface, books, shutdown).
import type Decimal from "decimal.js";
import type { OrderBook } from "@/lib/market";
import { RequestTimeout, VenueError, VenueUnavailable } from "./errors";
import { buildBookSide } from "./sim-book";
import type { CancelFault, CreateFault, HangMethod } from "./sim-faults";
import { SimOrderLifecycle, type SimulatedVenueOptions, type SimulatedVenueStats } from "./sim-lifecycle";
import type { PendingAction } from "./sim-schedule";
import type { BookNeed, CreateOrderRequest, MarketRules, Venue, VenueBalance, VenueFill, VenueOrder, VenuePosition } from "./types";

export type { CancelFault, CreateFault, HangMethod, SimulatedVenueOptions, SimulatedVenueStats };

export abstract class SimulatedVenue extends SimOrderLifecycle implements Venue {
  /** Processes market events with time < until (or <= until when inclusive), updating eventTime. */
  protected abstract advanceMarket(until: number, inclusive: boolean): void;
  /** Exchange timestamp of the current displayed book. */
  protected abstract bookTime(): number;

  private readonly ownInBook: boolean;
  private readonly bookDepth: number;

  private readonly listeners = new Set<(fill: VenueFill) => void>();
  private syncing = false;
  private staleFrozen: OrderBook | null = null;
  private staleWanted = false;

  protected constructor(opts: SimulatedVenueOptions, startMs: number | undefined) {
    super(opts, startMs);
    this.ownInBook = opts.bookIncludesOwnOrders ?? true;
    this.bookDepth = opts.bookDepth ?? 50;
  }

  // ---------------------------------------------------------------- time

  /** Simulated time the venue has processed up to. */
  get time(): number {
    return this.simNow;
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
    this.live.deliver(() => this.buildBook());
    this.afterAdvance();
  }

  /** Runs after each top-level advance, once fills are delivered (a persistent account checkpoints here). */
  protected afterAdvance(): void {}

  private advanceCore(ms: number): void {
    const deadman = this.live.deadmanAt;
    if (deadman !== null && deadman <= ms) {
      // The dead-man fires at its deadline: nothing after it can fill our orders.
      this.live.fired();
      this.advanceCore(deadman);
      for (const o of this.resting.all()) this.live.order((this.cancelResting(o), this.view(o)));
    }
    for (let a = this.actions.takeDue(ms); a; a = this.actions.takeDue(ms)) {
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

  private runAction(a: PendingAction): void {
    try {
      let result: unknown;
      switch (a.kind) {
        case "place":
          this.live.order((result = this.activate(a.order!, a.note)) as VenueOrder);
          break;
        case "cancel": {
          const o = a.order!;
          if (o.status === "open" || o.status === "partially_filled") this.cancelResting(o);
          this.live.order((result = this.view(o)) as VenueOrder);
          break;
        }
        case "cancelAll":
          result = this.resting.all().map((o) => (this.cancelResting(o), this.view(o)));
          for (const o of result as VenueOrder[]) this.live.order(o);
          break;
        case "timeout":
          throw new RequestTimeout(a.note!, { venue: this.id });
      }
      // The venue failed while acting (its account could not be written): the answer must not go out.
      if (this.closed) throw new VenueUnavailable(`venue ${this.id} failed before answering${this.closedWhy}`, { venue: this.id });
      a.resolve(result as never);
    } catch (err) {
      a.reject(err);
    }
  }

  // ---------------------------------------------------------------- reads

  async fetchOrderBook(): Promise<OrderBook> {
    this.guard();
    if (this.faults.takeHang("fetchOrderBook")) return this.faults.hang();
    this.sync();
    return this.staleFrozen ?? this.buildBook();
  }

  orderBookNow(need?: BookNeed): OrderBook | null {
    if (this.closed || this.faults.throttled > 0 || this.faults.hangScripted("fetchOrderBook")) return null;
    this.sync();
    return this.staleFrozen ?? this.buildBook(need);
  }

  /** The last need's minimum size in lots (a strategy's parameters change rarely; the division runs once). */
  private needMin: { size: Decimal; lots: number } | null = null;

  private needLots(min: Decimal): number {
    if (this.needMin?.size !== min) {
      // As the grid's own minLots: at least one lot (a level of zero lots is never shown).
      this.needMin = { size: min, lots: Math.max(1, this.grid.lots(min, "ceil")) };
    }
    return this.needMin.lots;
  }

  async fetchOpenOrders(): Promise<VenueOrder[]> {
    this.guard();
    if (this.faults.takeHang("fetchOpenOrders")) return this.faults.hang();
    this.sync();
    const all = this.resting.all();
    const shown = this.faults.hideFreshMs > 0 ? all.filter((o) => !this.faults.hidden(o, this.simNow)) : all;
    return shown.map((o) => this.view(o));
  }

  async fetchOrder(clientOrderId: string): Promise<VenueOrder> {
    this.guard();
    if (this.faults.takeHang("fetchOrder")) return this.faults.hang();
    this.sync();
    const o = this.account.get(clientOrderId);
    // An order still in flight has not reached the venue: it does not know it yet.
    if (!o || this.faults.hidden(o, this.simNow)) throw this.notFound(clientOrderId);
    return this.view(o);
  }

  async fetchPosition(): Promise<VenuePosition> {
    this.guard();
    if (this.faults.takeHang("fetchPosition")) return this.faults.hang();
    this.sync();
    return { qty: this.position, ts: Math.floor(this.simNow) };
  }

  async fetchBalance(): Promise<VenueBalance> {
    this.guard();
    this.sync();
    return { quote: this.account.cash, base: this.position, ts: Math.floor(this.simNow) };
  }

  async fetchMyTrades(opts: { since?: number } = {}): Promise<VenueFill[]> {
    this.guard();
    if (this.faults.takeHang("fetchMyTrades")) return this.faults.hang();
    this.sync();
    return this.account.fillHistory(opts.since);
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
    this.shutdown("");
  }

  // ---------------------------------------------------------------- the live surface (sim-live.ts)

  loadMarkets(): Promise<MarketRules> {
    return this.live.loadMarkets();
  }
  createOrders(reqs: CreateOrderRequest[]): Promise<(VenueOrder | VenueError)[]> {
    return this.live.createOrders(reqs);
  }
  cancelOrders(clientOrderIds: string[]): Promise<(VenueOrder | VenueError)[]> {
    return this.live.cancelOrders(clientOrderIds);
  }
  watchOrders(listener: (o: VenueOrder) => void): () => void {
    return this.live.watchOrders(listener);
  }
  watchOrderBook(listener: (b: OrderBook) => void): () => void {
    return this.live.watchOrderBook(listener);
  }
  async armDeadman(ms: number): Promise<void> {
    this.guard();
    this.sync();
    this.live.armDeadman(this.simNow, ms);
  }
  async disarmDeadman(): Promise<void> {
    this.guard();
    this.live.disarmDeadman();
  }

  /**
   * Stops the venue for good because it can no longer keep its promises (a persistent account that cannot
   * write): every call, and every request in flight, fails with VenueUnavailable naming `why`, and fills
   * not yet delivered never are (they did not become durable either).
   */
  protected fail(why: string): void {
    this.shutdown(why);
  }

  private shutdown(why: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closedWhy = why ? `: ${why}` : "";
    this.listeners.clear();
    this.outbox = [];
    // Settle everything in flight, hanging calls included, so no caller waits forever on a closed venue.
    const err = () => new VenueUnavailable(`venue ${this.id} closed before answering${this.closedWhy}`, { venue: this.id });
    this.actions.close(err);
    this.faults.settleHung(err());
  }

  // ---------------------------------------------------------------- books

  private buildBook(need?: BookNeed): OrderBook {
    const levels = need ? need.levels : Infinity;
    const min = need ? this.needLots(need.minSize) : 1;
    return {
      bids: buildBookSide(this.bids, this.ownInBook ? this.resting.bids : [], this.bookDepth, this.grid, levels, min),
      asks: buildBookSide(this.asks, this.ownInBook ? this.resting.asks : [], this.bookDepth, this.grid, levels, min),
      ts: Math.floor(this.bookTime()),
    };
  }

  // ---------------------------------------------------------------- fault hooks needing the book (the rest: sim-faults.ts, sim-lifecycle.ts)

  /** While on, fetchOrderBook returns the snapshot of the moment it was switched on (same ts): a stale
   * feed. The market keeps moving and filling underneath. */
  staleBook(on = true): void {
    this.staleWanted = on;
    this.staleFrozen = on ? this.buildBook() : null;
  }
}
