// Requests in flight at a simulated venue: each takes effect at a simulated time (latency, injected
// timeouts), in time order, and the queue makes sure the simulation gets there once the clock does,
// whatever kind of clock the venue runs on (see clock.ts).
import type { VenueClock } from "./clock";
import type { SimOrder } from "./matching";

export type ActionKind = "place" | "cancel" | "cancelAll" | "timeout";

/** A request in flight: takes effect at simulated time `at`. A record, not a closure: this path is hot. */
export interface PendingAction {
  at: number;
  kind: ActionKind;
  order: SimOrder | null;
  /** Injected rejection reason (place) or error message (timeout). */
  note: string | undefined;
  resolve: (v: never) => void;
  reject: (err: unknown) => void;
}

/** What the queue needs from its venue. */
export interface ScheduleHost {
  /** Brings the simulation up to the clock (runs due actions). */
  sync(): void;
  /** Simulated time processed so far. */
  processedUntil(): number;
  closed(): boolean;
  onError(err: unknown): void;
}

/**
 * Microtasks are queued as reactions to this promise, not with queueMicrotask: Node's builds an AsyncResource
 * for every call, and this runs for every order call of a simulation. Same queue, same order.
 */
const settled = Promise.resolve();

/** For an action whose answer nobody will hear (a lost acknowledgement). */
const ignore = (): void => undefined;

export class ActionQueue {
  private pending: PendingAction[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly clock: VenueClock,
    private readonly host: ScheduleHost,
  ) {}

  /** Queues a request to take effect at simulated time `at`; the promise settles when it does. */
  schedule<T>(at: number, kind: ActionKind, order: SimOrder | null, note?: string): Promise<T> {
    return new Promise<T>((resolve, reject) => this.enqueue({ at, kind, order, note, resolve: resolve as (v: never) => void, reject }));
  }

  /** Queues a request whose answer is lost: it takes effect, nobody hears how it went. */
  scheduleUnheard(at: number, kind: ActionKind, order: SimOrder | null, note?: string): void {
    this.enqueue({ at, kind, order, note, resolve: ignore, reject: ignore });
  }

  /** The earliest action due at or before `ms`, taken off the queue. */
  takeDue(ms: number): PendingAction | undefined {
    const q = this.pending;
    return q.length && q[0]!.at <= ms ? q.shift() : undefined;
  }

  /** Stops waking and rejects every request still in flight. */
  close(err: () => unknown): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const pending = this.pending;
    this.pending = [];
    for (const a of pending) a.reject(err());
  }

  private enqueue(action: PendingAction): void {
    const q = this.pending;
    let i = q.length;
    while (i > 0 && q[i - 1]!.at > action.at) i--;
    // Most requests are due last (one latency after now): push, without the array splice returns.
    if (i === q.length) q.push(action);
    else q.splice(i, 0, action);
    this.wake(action.at);
  }

  private readonly syncDue = (): void => {
    if (!this.host.closed()) this.host.sync();
  };

  /** Makes sure the simulation reaches `at` once the clock does. */
  private wake(at: number): void {
    const clock = this.clock;
    const host = this.host;
    if (at <= clock.now()) {
      void settled.then(this.syncDue);
      return;
    }
    if (clock.sleepUntil) {
      clock.sleepUntil(at).then(this.syncDue, (err) => host.onError(err));
    } else if (clock.advanceTo) {
      // Simulated time owned by the caller: waiting for an answer consumes it. (The check is written out, not
      // a named closure: this runs for every order call of a simulation.)
      void settled.then(() => {
        if (host.closed() || host.processedUntil() >= at) return;
        clock.advanceTo!(at);
        host.sync();
      });
    } else {
      const done = () => host.closed() || host.processedUntil() >= at;
      const poll = () => {
        if (done()) return;
        const now = clock.now();
        if (now >= at) {
          host.sync();
          if (done()) return;
        }
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          poll();
        }, Math.min(50, Math.max(1, at - now)));
        this.timers.add(timer);
      };
      void settled.then(poll);
    }
  }
}
