// The emergency close as a small state machine driven by order events and ticks, so nothing waits on the
// venue: take the quotes down, then market orders until |inventory − target| is under one lot, the book runs
// dry, an order fails, or five attempts. Whoever started it can await `done` (with a bound of its own).
import Decimal from "decimal.js";
import type { MarketSpec, Side } from "@/lib/market";
import { isLive, isTerminal } from "@/lib/orders";
import type { Execution } from "@/server/runner/execution";
import type { OrderTracker, TrackedOrder } from "@/server/runner/order-tracker";

export interface FlattenResult {
  filled: Decimal;
  /** Volume-weighted price of what the market orders got; null when nothing filled. */
  averagePrice: Decimal | null;
  failure: string | null;
}

export interface FlattenerDeps {
  tracker: OrderTracker;
  execution: Execution;
  market: MarketSpec;
  now: () => number;
  /** Inventory minus target, now. */
  excess: () => Decimal;
  inventory: () => Decimal;
  newId: () => string;
  /** Quotes still resting after this long (runner time) no longer hold the market orders back. */
  cancelWaitMs: number;
}

const ZERO = new Decimal(0);
const MAX_ATTEMPTS = 5;

export class Flattener {
  private job: {
    why: string;
    startedAt: number;
    attempts: number;
    order: TrackedOrder | null;
    before: Decimal;
    filled: Decimal;
    notional: Decimal;
    failure: string | null;
    resolve: (r: FlattenResult) => void;
    done: Promise<FlattenResult>;
  } | null = null;

  constructor(private readonly deps: FlattenerDeps) {}

  get active(): boolean {
    return this.job !== null;
  }

  /** Starts a flatten (or joins the one under way); the promise settles when it has finished. */
  start(why: string): Promise<FlattenResult> {
    if (this.job) return this.job.done;
    let resolve!: (r: FlattenResult) => void;
    const done = new Promise<FlattenResult>((r) => (resolve = r));
    this.job = { why, startedAt: this.deps.now(), attempts: 0, order: null, before: this.deps.inventory(), filled: ZERO, notional: ZERO, failure: null, resolve, done };
    for (const o of this.deps.tracker.live()) if (o.type === "limit") this.deps.execution.cancel(o, why);
    this.step();
    return done;
  }

  /** A fill of one of the flatten's orders, for the average price. */
  onFill(clientOrderId: string, price: Decimal, size: Decimal): void {
    const j = this.job;
    if (!j || j.order?.clientOrderId !== clientOrderId) return;
    j.filled = j.filled.add(size);
    j.notional = j.notional.add(price.mul(size));
  }

  /** Called on every order event and tick. */
  step(): void {
    const j = this.job;
    if (!j) return;
    const { tracker, market } = this.deps;
    if (j.order) {
      const o = j.order;
      if (!isTerminal(o.state)) return; // wait for the market order's outcome (unknown is resolved by the reconciler)
      if (o.state === "rejected") return this.finish(`market ${o.side} ${o.size} failed: ${o.statusReason ?? "rejected"}`);
      // The venue's answer can come before its fills (a REST answer ahead of the fill stream): wait for them,
      // the reconciler fetches what is missing. Only an order the venue filled nothing of means a dry book.
      if (o.venueFilled.gt(o.filled)) return;
      if (o.filled.isZero()) return this.finish("the book ran dry: the market order filled nothing");
      j.order = null;
    }
    const quotesLeft = tracker.live().some((o) => o.type === "limit" && isLive(o.state));
    if (quotesLeft && this.deps.now() - j.startedAt < this.deps.cancelWaitMs) return;
    if (j.attempts >= MAX_ATTEMPTS && !this.withinALot()) return this.finish(`still ${this.deps.excess().abs()} from target after ${MAX_ATTEMPTS} market orders`);
    const excess = this.deps.excess();
    const amount = excess.abs().div(market.lotSize).floor().mul(market.lotSize);
    if (amount.lt(market.minSize) || amount.isZero()) return this.finish(null);
    const side: Side = excess.gt(0) ? "sell" : "buy";
    const before = this.deps.inventory();
    // Reduce-only only when the move to target shrinks the position without crossing zero; a target
    // further from zero than the position (e.g. −0.9 while holding −0.4) needs an order that adds.
    const after = before.sub(excess.gt(0) ? amount : amount.neg());
    const reduceOnly = after.abs().lte(before.abs()) && (after.isZero() || after.isNegative() === before.isNegative());
    j.attempts++;
    j.order = tracker.track({ clientOrderId: this.deps.newId(), side, type: "market", price: null, size: amount, reduceOnly, postOnly: false, reason: "emergency" });
    this.deps.execution.submit(j.order);
  }

  private withinALot(): boolean {
    const m = this.deps.market;
    const amount = this.deps.excess().abs().div(m.lotSize).floor().mul(m.lotSize);
    return amount.lt(m.minSize) || amount.isZero();
  }

  private finish(failure: string | null): void {
    const j = this.job!;
    this.job = null;
    const avg = j.filled.gt(0) ? j.notional.div(j.filled).toDecimalPlaces(this.deps.market.tickSize.decimalPlaces()) : null;
    j.resolve({ filled: j.filled, averagePrice: avg, failure });
  }
}
