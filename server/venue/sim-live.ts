// The live venues' surface (types.ts) for the venues that simulate, so that paper and replay pass the same
// contract suite as a live adapter: a batch is its legs, each with its own result; order updates and books
// are pushed as simulated time produces them; the dead-man switch runs on simulated time (armed until a
// deadline, refreshed by arming again, disarmed; at its deadline every resting order of ours is cancelled).
import Decimal from "decimal.js";
import type { OrderBook } from "@/lib/market";
import { VenueError, VenueUnavailable } from "./errors";
import type { CreateOrderRequest, MarketRules, Venue, VenueOrder } from "./types";

type Core = Pick<Venue, "id" | "market" | "createOrder" | "cancelOrder">;

export class SimLiveSurface {
  /** Simulated time at which the dead-man cancels our orders; null when disarmed. */
  deadmanAt: number | null = null;
  deadmanFired = 0;
  private readonly orderListeners = new Set<(o: VenueOrder) => void>();
  private readonly bookListeners = new Set<(b: OrderBook) => void>();
  private pendingOrders: VenueOrder[] = [];
  private lastBookTs = -Infinity;

  constructor(private readonly v: Core) {}

  loadMarkets(): Promise<MarketRules> {
    // No notional minimum in a simulation: the minimum size is the only floor.
    return Promise.resolve({ ...this.v.market, minNotional: new Decimal(0) });
  }

  createOrders(reqs: CreateOrderRequest[]): Promise<(VenueOrder | VenueError)[]> {
    return Promise.all(reqs.map((r) => this.v.createOrder(r).catch((e: unknown) => asVenueError(e, this.v.id))));
  }

  cancelOrders(clientOrderIds: string[]): Promise<(VenueOrder | VenueError)[]> {
    return Promise.all(clientOrderIds.map((id) => this.v.cancelOrder(id).catch((e: unknown) => asVenueError(e, this.v.id))));
  }

  armDeadman(now: number, ms: number): void {
    if (!(ms > 0)) throw new RangeError(`dead-man: ${ms} ms is not a time ahead`);
    this.deadmanAt = now + ms;
  }

  disarmDeadman(): void {
    this.deadmanAt = null;
  }

  /** The dead-man fired (the venue cancelled our orders): disarmed until armed again. */
  fired(): void {
    this.deadmanAt = null;
    this.deadmanFired++;
  }

  watchOrders(listener: (o: VenueOrder) => void): () => void {
    const l = (o: VenueOrder) => listener(o);
    this.orderListeners.add(l);
    return () => this.orderListeners.delete(l);
  }

  watchOrderBook(listener: (b: OrderBook) => void): () => void {
    const l = (b: OrderBook) => listener(b);
    this.bookListeners.add(l);
    return () => this.bookListeners.delete(l);
  }

  /** An order changed (placed, filled in part or whole, cancelled): delivered with the fills. */
  order(o: VenueOrder): void {
    if (this.orderListeners.size) this.pendingOrders.push(o);
  }

  /** After each advance: order updates, then the book if it changed. */
  deliver(book: () => OrderBook): void {
    if (this.pendingOrders.length) {
      const orders = this.pendingOrders;
      this.pendingOrders = [];
      for (const o of orders) for (const l of [...this.orderListeners]) l(o);
    }
    if (!this.bookListeners.size) return;
    const b = book();
    if (b.ts === this.lastBookTs) return;
    this.lastBookTs = b.ts;
    for (const l of [...this.bookListeners]) l(b);
  }
}

function asVenueError(e: unknown, venue: string): VenueError {
  return e instanceof VenueError ? e : new VenueUnavailable(`venue ${venue}: ${e instanceof Error ? e.message : String(e)}`, { venue, cause: e });
}
