// Commands to the venue are sent, not awaited (nautilus's ExecutionClient): submit and cancel return at
// once, and the venue's answer comes back later as an order event applied to the tracker. Every call has a
// deadline in the runner's time; a call past it is "lost": its order becomes unknown and the reconciler asks
// the venue what happened. A late answer is still applied: it is information, never a reason to re-send.
import { ExchangeError, OrderNotFound, RateLimitExceeded } from "@/server/venue/errors";
import type { Venue } from "@/server/venue/types";
import type { OrderTracker, TrackedOrder } from "@/server/runner/order-tracker";

export type CallKind = "create" | "cancel";

export interface ExecutionHooks {
  /** The venue refused an order; `throttled` when it asked us to slow down. */
  onRejected(order: TrackedOrder, err: unknown): void;
  /** A create or cancel whose outcome we did not hear (error, timeout, deadline). */
  onLost(order: TrackedOrder, kind: CallKind, why: string): void;
  /** Any answer arrived: a side may have cleared. */
  onSettled(): void;
}

interface InFlight {
  kind: CallKind;
  order: TrackedOrder;
  sentAt: number;
  expired: boolean;
}

export function errText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export class Execution {
  private readonly inflight = new Map<number, InFlight>();
  private seq = 0;
  sent = { creates: 0, cancels: 0 };

  constructor(
    private readonly venue: Venue,
    private readonly tracker: OrderTracker,
    private readonly now: () => number,
    private readonly deadlineMs: number,
    private readonly hooks: ExecutionHooks,
  ) {}

  /** Sends a tracked (pending_new) order. */
  submit(order: TrackedOrder): void {
    this.sent.creates++;
    const call = this.begin("create", order);
    let p: Promise<unknown>;
    try {
      p = this.venue.createOrder({
        clientOrderId: order.clientOrderId,
        side: order.side,
        type: order.type,
        price: order.price ?? undefined,
        size: order.size,
        postOnly: order.postOnly,
        reduceOnly: order.reduceOnly,
      });
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (v) => this.end(call, () => this.tracker.onVenueOrder(v as never)),
      (err) =>
        this.end(call, () => {
          if (err instanceof ExchangeError || err instanceof RateLimitExceeded) {
            // The venue answered no (or "slow down"): the order does not rest.
            if (this.tracker.offer(order.clientOrderId, "rejected", errText(err))) this.hooks.onRejected(order, err);
            return;
          }
          // Anything else (timeout, 5xx, lost connection): we do not know whether it reached the venue.
          // Unknown, resolved by asking; never re-sent.
          if (this.tracker.offer(order.clientOrderId, "submit_lost", errText(err))) this.hooks.onLost(order, "create", errText(err));
        }),
    );
  }

  /** Asks the venue to cancel; does nothing while a cancel of the same order is already in flight. */
  cancel(order: TrackedOrder, why: string): boolean {
    for (const c of this.inflight.values()) if (c.kind === "cancel" && c.order === order && !c.expired) return false;
    if (!this.tracker.offer(order.clientOrderId, "cancel_sent", why)) return false;
    this.sent.cancels++;
    const call = this.begin("cancel", order);
    let p: Promise<unknown>;
    try {
      p = this.venue.cancelOrder(order.clientOrderId);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (v) => this.end(call, () => this.tracker.onVenueOrder(v as never, why)),
      (err) =>
        this.end(call, () => {
          if (!(err instanceof ExchangeError) || err instanceof OrderNotFound) {
            // Not found is provisional (a fresh order may not be visible yet): the resolver asks again.
            if (this.tracker.offer(order.clientOrderId, "cancel_lost", errText(err))) this.hooks.onLost(order, "cancel", errText(err));
            return;
          }
          // The venue refused the cancel: the order still rests.
          this.tracker.offer(order.clientOrderId, "cancel_failed", errText(err));
        }),
    );
    return true;
  }

  /** Declares lost every call older than the deadline. Called on each tick. */
  expire(): void {
    const now = this.now();
    for (const c of this.inflight.values()) {
      if (c.expired || now - c.sentAt < this.deadlineMs) continue;
      c.expired = true;
      const why = `no answer to ${c.kind} within ${this.deadlineMs} ms`;
      const event = c.kind === "create" ? "submit_lost" : "cancel_lost";
      if (this.tracker.offer(c.order.clientOrderId, event, why)) this.hooks.onLost(c.order, c.kind, why);
    }
  }

  /** Calls sent and not yet answered (including those past their deadline). */
  get pending(): number {
    return this.inflight.size;
  }

  /** True while a call about this order is unanswered and within its deadline. */
  busyWith(order: TrackedOrder): boolean {
    for (const c of this.inflight.values()) if (c.order === order && !c.expired) return true;
    return false;
  }

  private begin(kind: CallKind, order: TrackedOrder): number {
    const id = ++this.seq;
    this.inflight.set(id, { kind, order, sentAt: this.now(), expired: false });
    return id;
  }

  private end(id: number, apply: () => void): void {
    this.inflight.delete(id);
    apply();
    this.hooks.onSettled();
  }
}
