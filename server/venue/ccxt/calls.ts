// Every venue call of the adapter goes through here: a deadline (a call that never answers must not hold
// anything forever), our error classes, and the shared backoff with jitter after the venue throttled us,
// during which new orders are refused at once (no storm) while cancels and reads still go out.
import { RateLimitExceeded, type VenueError } from "@/server/venue/errors";
import { withDeadline } from "@/server/venue/deadline";
import { ThrottleBackoff } from "@/server/venue/backoff";
import { mapError } from "./errors";

export interface CallConfig {
  venue: string;
  deadlineMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  now: () => number;
  /** The last HTTP answer's headers (ccxt keeps them): Retry-After of a 429. */
  lastHeaders?: () => Record<string, string> | undefined;
}

export class Calls {
  private readonly backoff: ThrottleBackoff;

  constructor(private readonly cfg: CallConfig) {
    this.backoff = new ThrottleBackoff(cfg.venue, cfg);
  }

  get backoffUntil(): number {
    return this.backoff.until;
  }

  /** Requests refused locally during a backoff (none of them reached the venue). */
  get refusedDuringBackoff(): number {
    return this.backoff.refused;
  }

  async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      let started: Promise<T>;
      try {
        started = fn();
      } catch (err) {
        started = Promise.reject(err);
      }
      const v = await withDeadline(started, this.cfg.deadlineMs, what, { venue: this.cfg.venue });
      this.backoff.succeeded();
      return v;
    } catch (err) {
      let e: VenueError = mapError(err, what, this.cfg.venue);
      if (e instanceof RateLimitExceeded) {
        if (e.retryAfterMs === undefined) {
          const h = this.cfg.lastHeaders?.();
          const s = Number(h?.["retry-after"] ?? h?.["Retry-After"]);
          if (Number.isFinite(s) && s > 0) e = new RateLimitExceeded(e.message, { venue: this.cfg.venue, cause: err, retryAfterMs: s * 1000 });
        }
        this.backoff.throttled(e as RateLimitExceeded);
      }
      throw e;
    }
  }

  /** Throws RateLimitExceeded while backing off (for new orders only). */
  gate(what: string): void {
    this.backoff.gate(what);
  }
}
