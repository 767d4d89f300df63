// Every venue call of the adapter goes through here: a deadline (a call that never answers must not hold
// anything forever), our error classes, and a backoff with jitter after the venue throttled us, during
// which new orders are refused at once (no storm) while cancels and reads still go out.
import { RateLimitExceeded, RequestTimeout, type VenueError } from "@/server/venue/errors";
import { VENUE, mapError } from "./errors";

export interface CallConfig {
  deadlineMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  now: () => number;
}

export class Calls {
  backoffUntil = 0;
  private throttles = 0;
  /** Requests refused locally during a backoff (none of them reached the venue). */
  refusedDuringBackoff = 0;

  constructor(private readonly cfg: CallConfig) {}

  async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RequestTimeout(`${what}: no answer within ${this.cfg.deadlineMs} ms`, { venue: VENUE })), this.cfg.deadlineMs);
      timer.unref?.();
    });
    try {
      let started: Promise<T>;
      try {
        started = fn();
      } catch (err) {
        started = Promise.reject(err);
      }
      const v = await Promise.race([started, expired]);
      this.throttles = 0;
      return v;
    } catch (err) {
      const e: VenueError = mapError(err, what);
      if (e instanceof RateLimitExceeded) this.throttled(e);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Throws RateLimitExceeded while backing off (for new orders only). */
  gate(what: string): void {
    const wait = this.backoffUntil - this.cfg.now();
    if (wait > 0) {
      this.refusedDuringBackoff++;
      throw new RateLimitExceeded(`${what}: backing off for ${wait} ms after the venue throttled us`, { venue: VENUE, retryAfterMs: wait });
    }
  }

  private throttled(e: RateLimitExceeded): void {
    const base = Math.min(this.cfg.backoffMaxMs, this.cfg.backoffMinMs * 2 ** this.throttles++);
    const wait = Math.max(e.retryAfterMs ?? 0, base * (0.5 + Math.random() / 2));
    this.backoffUntil = Math.max(this.backoffUntil, this.cfg.now() + wait);
  }
}
