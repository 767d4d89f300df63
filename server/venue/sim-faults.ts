// Fault injection for the simulated venues: the ways real venues misbehave that the runner must survive
// (lost acknowledgements, timeouts, calls that never return, reads that lag behind writes, a position
// that moves without a fill we can see). This holds what is armed; SimulatedVenue consults it at the top
// of each call. The hooks and their effects are listed in paper/README.md.
import type { SimOrder } from "./matching";

/**
 * How the next createOrder fails:
 *  lost_ack           the venue accepts and places the order, the call rejects with RequestTimeout after
 *                     requestTimeoutMs (we never heard the answer);
 *  timeout            RequestTimeout after requestTimeoutMs, the order is NOT placed;
 *  hang               the call never settles (until close()), the order is NOT placed;
 *  hang_after_accept  the order is placed, the call never settles (until close());
 *  error              VenueUnavailable at once, the order is NOT placed.
 */
export type CreateFault = "lost_ack" | "timeout" | "hang" | "hang_after_accept" | "error";
/** How the next cancelOrder fails; only lost_ack lets the cancel take effect. */
export type CancelFault = "error" | "timeout" | "hang" | "lost_ack";
/** Calls hangNext can make hang. */
export type HangMethod = "fetchOrderBook" | "fetchOpenOrders" | "fetchOrder" | "fetchPosition" | "fetchMyTrades" | "cancelAllOrders";

export const CREATE_FAULTS: readonly CreateFault[] = ["lost_ack", "timeout", "hang", "hang_after_accept", "error"];
export const CANCEL_FAULTS: readonly CancelFault[] = ["error", "timeout", "hang", "lost_ack"];
export const HANG_METHODS: readonly HangMethod[] = ["fetchOrderBook", "fetchOpenOrders", "fetchOrder", "fetchPosition", "fetchMyTrades", "cancelAllOrders"];

function oneOf<T extends string>(what: string, noun: string, value: T, allowed: readonly T[]): T {
  // Hooks are called from tests and scripts, where a typo would otherwise silently inject nothing.
  if (!allowed.includes(value)) throw new Error(`${what}: unknown ${noun} ${JSON.stringify(value)}; expected one of ${allowed.join(", ")}`);
  return value;
}

export class SimFaults {
  readonly createFaults: CreateFault[] = [];
  readonly cancelFaults: CancelFault[] = [];
  /** Reasons for the next orders the venue rejects on arrival (rejectNext). */
  readonly rejects: string[] = [];
  throttled = 0;
  duplicateFills = 0;
  hideFreshMs = 0;
  private readonly hangs = new Map<HangMethod, number>();
  /** Rejecters of calls left hanging, so close() can still settle them. */
  private readonly hung = new Set<(err: unknown) => void>();

  failNextCreate(mode: CreateFault): void {
    this.createFaults.push(oneOf("failNextCreate", "mode", mode, CREATE_FAULTS));
  }

  failNextCancel(mode: CancelFault): void {
    this.cancelFaults.push(oneOf("failNextCancel", "mode", mode, CANCEL_FAULTS));
  }

  hangNext(method: HangMethod, count: number): void {
    oneOf("hangNext", "method", method, HANG_METHODS);
    if (!Number.isInteger(count) || count < 0) throw new Error(`hangNext: count must be an integer >= 0, got ${count}`);
    this.hangs.set(method, (this.hangs.get(method) ?? 0) + count);
  }

  hideFreshOrders(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new Error(`hideFreshOrders: ms must be >= 0, got ${ms}`);
    this.hideFreshMs = ms;
  }

  /** True when the next call of `method` is to hang (without counting it). */
  hangScripted(method: HangMethod): boolean {
    return this.hangs.size !== 0 && (this.hangs.get(method) ?? 0) > 0;
  }

  /** True when this call of `method` is to hang (and counts it). */
  takeHang(method: HangMethod): boolean {
    if (this.hangs.size === 0) return false;
    const n = this.hangs.get(method);
    if (!n) return false;
    if (n === 1) this.hangs.delete(method);
    else this.hangs.set(method, n - 1);
    return true;
  }

  /** A call that never settles on its own; close() rejects it. */
  hang<T>(): Promise<T> {
    return new Promise<T>((_resolve, reject) => {
      this.hung.add(reject);
    });
  }

  settleHung(err: unknown): void {
    const all = [...this.hung];
    this.hung.clear();
    for (const reject of all) reject(err);
  }

  /** The venue does not show an order accepted less than hideFreshMs ago (an order in flight is unknown anyway). */
  hidden(o: SimOrder, now: number): boolean {
    if (o.status === "pending") return true;
    return this.hideFreshMs > 0 && now - o.acceptedAt < this.hideFreshMs;
  }
}

/**
 * The fault hooks every simulated venue offers (SimOrderLifecycle, then SimulatedVenue, extend this; adjustPosition
 * and staleBook, which need the account and the market, are theirs). Effects in paper/README.md; calls queue up.
 */
export abstract class FaultHooks {
  protected readonly faults = new SimFaults();

  /** The next createOrder fails as `mode` says (see CreateFault). */
  failNextCreate(mode: CreateFault): void {
    this.faults.failNextCreate(mode);
  }

  /** The next cancel fails: 'error' throws VenueUnavailable at once, 'timeout' throws RequestTimeout after
   * requestTimeoutMs, 'hang' never settles (until close()); the order stays open in those three. 'lost_ack':
   * the cancel takes effect, the call throws RequestTimeout after requestTimeoutMs. */
  failNextCancel(mode: CancelFault = "error"): void {
    this.faults.failNextCancel(mode);
  }

  /** The next `count` calls of `method` never settle (until close()); a hung cancelAllOrders cancels nothing. */
  hangNext(method: HangMethod, count = 1): void {
    this.faults.hangNext(method, count);
  }

  /** Orders accepted less than `ms` of venue time ago are unknown to fetchOrder (OrderNotFound) and missing
   * from fetchOpenOrders, as on venues whose reads lag their writes. 0 turns it off. */
  hideFreshOrders(ms: number): void {
    this.faults.hideFreshOrders(ms);
  }

  /** The next order is rejected by the venue (OrderRejected) when it arrives. */
  rejectNext(reason = "injected rejection"): void {
    this.faults.rejects.push(reason);
  }

  /** The next `calls` requests (any method but watchFills/close) throw RateLimitExceeded. */
  throttle(calls = 1): void {
    this.faults.throttled += calls;
  }

  /** The next `count` fills are delivered twice to watchFills listeners (same tradeId); fetchMyTrades
   * still lists each once. */
  duplicateNextFill(count = 1): void {
    this.faults.duplicateFills += count;
  }
}
