// Small in-memory doubles for the runner modules' unit tests (tests/runner/{execution,quoter,flattener}):
// a venue whose create and cancel calls return promises the test settles by hand, a clock the test moves,
// and a real OrderTracker + Execution wired to them. Nothing here waits on wall time.
import Decimal from "decimal.js";
import type { MarketSpec, Side } from "@/lib/market";
import { Execution, type CallKind } from "@/server/runner/execution";
import { OrderTracker, type NewTrackedOrder, type TrackedOrder } from "@/server/runner/order-tracker";
import type { OrderRecord } from "@/server/store";
import type { CreateOrderRequest, OrderStatus, Venue, VenueFill, VenueOrder } from "@/server/venue/types";

export const D = (v: Decimal.Value): Decimal => new Decimal(v);

/** Lets every already-settled promise callback run. */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Prices on a 0.01 grid, sizes on a 0.01 lot. */
export const MARKET: MarketSpec = {
  symbol: "TEST-USD",
  tickSize: D("0.01"),
  lotSize: D("0.01"),
  minSize: D("0.01"),
  minPrice: D("0.01"),
  maxPrice: D("100000"),
  makerFeeRate: D("0"),
  takerFeeRate: D("0"),
};

export class ManualClock {
  constructor(public t = 1_000_000) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

interface Call<R> {
  readonly resolve: (v: VenueOrder) => void;
  readonly reject: (err: unknown) => void;
  readonly req: R;
  settled: boolean;
}

const notUsed = (what: string) => (): never => {
  throw new Error(`HandVenue.${what} is not used by this test`);
};

/** A venue whose createOrder and cancelOrder answer only when the test says so. */
export class HandVenue implements Venue {
  readonly id = "hand";
  readonly market = MARKET;
  readonly creates: Array<Call<CreateOrderRequest>> = [];
  readonly cancels: Array<Call<string>> = [];
  /** Set to make the next createOrder call throw synchronously instead of returning a promise. */
  throwOnCreate: unknown = null;

  fetchOrderBook = notUsed("fetchOrderBook");
  fetchOpenOrders = notUsed("fetchOpenOrders");
  fetchOrder = notUsed("fetchOrder");
  fetchPosition = notUsed("fetchPosition");
  fetchBalance = notUsed("fetchBalance");
  loadMarkets = notUsed("loadMarkets");
  createOrders = notUsed("createOrders");
  cancelOrders = notUsed("cancelOrders");
  watchOrderBook = notUsed("watchOrderBook");
  watchOrders = notUsed("watchOrders");
  armDeadman = notUsed("armDeadman");
  disarmDeadman = notUsed("disarmDeadman");
  fetchMyTrades = notUsed("fetchMyTrades");
  cancelAllOrders = notUsed("cancelAllOrders");

  createOrder(req: CreateOrderRequest): Promise<VenueOrder> {
    const t = this.throwOnCreate;
    this.throwOnCreate = null;
    if (t !== null) {
      this.creates.push({ req, resolve: () => undefined, reject: () => undefined, settled: true });
      throw t;
    }
    return new Promise((resolve, reject) => this.creates.push({ req, resolve, reject, settled: false }));
  }

  cancelOrder(clientOrderId: string): Promise<VenueOrder> {
    return new Promise((resolve, reject) => this.cancels.push({ req: clientOrderId, resolve, reject, settled: false }));
  }

  watchFills(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {}

  /** How many times createOrder was called for this client order id. */
  createsOf(clientOrderId: string): number {
    return this.creates.filter((c) => c.req.clientOrderId === clientOrderId).length;
  }

  cancelsOf(clientOrderId: string): number {
    return this.cancels.filter((c) => c.req === clientOrderId).length;
  }

  /** Creates not answered yet. */
  get openCreates(): Array<Call<CreateOrderRequest>> {
    return this.creates.filter((c) => !c.settled);
  }

  get openCancels(): Array<Call<string>> {
    return this.cancels.filter((c) => !c.settled);
  }

  /** Answers the (only) unanswered create of this order. */
  answerCreate(clientOrderId: string, status: OrderStatus = "open", filled: Decimal.Value = 0): void {
    const c = this.unanswered(this.creates, (x) => x.req.clientOrderId === clientOrderId);
    c.resolve(venueOrderOf(c.req, status, filled));
  }

  failCreate(clientOrderId: string, err: unknown): void {
    this.unanswered(this.creates, (x) => x.req.clientOrderId === clientOrderId).reject(err);
  }

  /** Answers the (only) unanswered cancel of this order; `order` supplies side, type, price and size. */
  answerCancel(order: TrackedOrder, status: OrderStatus = "cancelled", filled: Decimal.Value = order.filled): void {
    const c = this.unanswered(this.cancels, (x) => x.req === order.clientOrderId);
    c.resolve(venueOrderOf(order, status, filled));
  }

  failCancel(clientOrderId: string, err: unknown): void {
    this.unanswered(this.cancels, (x) => x.req === clientOrderId).reject(err);
  }

  private unanswered<R>(calls: Array<Call<R>>, match: (c: Call<R>) => boolean): Call<R> {
    const open = calls.filter((c) => !c.settled && match(c));
    if (open.length !== 1) throw new Error(`expected one unanswered call, found ${open.length}`);
    const c = open[0]!;
    c.settled = true;
    return c;
  }
}

export function venueOrderOf(
  o: { clientOrderId: string; side: Side; type: "limit" | "market"; price?: Decimal | null; size: Decimal },
  status: OrderStatus,
  filled: Decimal.Value = 0,
): VenueOrder {
  return {
    clientOrderId: o.clientOrderId,
    venueOrderId: `v-${o.clientOrderId}`,
    side: o.side,
    type: o.type,
    price: o.price ?? undefined,
    size: o.size,
    filledSize: D(filled),
    status,
    ts: 0,
  };
}

let tradeSeq = 0;
export function fillOf(o: TrackedOrder, size: Decimal.Value, price: Decimal.Value = o.price ?? 100): VenueFill {
  return {
    tradeId: `t-${++tradeSeq}`,
    clientOrderId: o.clientOrderId,
    venueOrderId: `v-${o.clientOrderId}`,
    side: o.side,
    price: D(price),
    size: D(size),
    fee: D(0),
    liquidity: o.type === "market" ? "taker" : "maker",
    ts: 0,
  };
}

/** A stored order, as recovery hands it to OrderTracker.restore. */
export function orderRecord(over: Partial<OrderRecord> & Pick<OrderRecord, "clientOrderId" | "side">): OrderRecord {
  const at = new Date(1_000_000);
  return {
    id: over.clientOrderId,
    strategyId: "s",
    runId: null,
    type: "limit",
    price: D(100),
    size: D("0.1"),
    filledSize: D(0),
    status: "open",
    statusReason: null,
    venueOrderId: `v-${over.clientOrderId}`,
    reduceOnly: false,
    postOnly: true,
    reason: "quote",
    createdAt: at,
    updatedAt: at,
    openedAt: at,
    closedAt: null,
    history: [],
    ...over,
  };
}

export interface Lost {
  order: TrackedOrder;
  kind: CallKind;
  why: string;
}

/** A real OrderTracker and Execution over a HandVenue; `onSettled` is the test's to set. */
export class ExecutionRig {
  readonly clock = new ManualClock();
  readonly venue = new HandVenue();
  readonly tracker = new OrderTracker({ now: this.clock.now });
  readonly rejected: Array<{ order: TrackedOrder; err: unknown }> = [];
  readonly lost: Lost[] = [];
  /** Answers that reached the hooks so far. */
  settled = 0;
  onSettled: () => void = () => undefined;
  readonly execution: Execution;

  constructor(deadlineMs = 1_000) {
    this.execution = new Execution(this.venue, this.tracker, this.clock.now, deadlineMs, {
      onRejected: (order, err) => void this.rejected.push({ order, err }),
      onLost: (order, kind, why) => void this.lost.push({ order, kind, why }),
      onSettled: () => {
        this.settled++;
        this.onSettled();
      },
    });
  }
}

export const executionRig = (deadlineMs = 1_000): ExecutionRig => new ExecutionRig(deadlineMs);

let idSeq = 0;
export const newId = (): string => `c-${++idSeq}`;

export function limitOrder(side: Side, price: Decimal.Value, size: Decimal.Value = "0.1", over: Partial<NewTrackedOrder> = {}): NewTrackedOrder {
  return { clientOrderId: newId(), side, type: "limit", price: D(price), size: D(size), reduceOnly: false, postOnly: true, reason: "quote", ...over };
}
