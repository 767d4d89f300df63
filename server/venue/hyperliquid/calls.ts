// Every venue call of the adapter goes through here: a deadline (a call that never answers must not hold
// anything forever), our error classes, and a backoff with jitter after the venue throttled us, during
// which new orders are refused at once (no storm) while cancels and reads still go out.
import { RateLimitExceeded, type VenueError } from "@/server/venue/errors";
import { withDeadline } from "@/server/venue/deadline";
import { ThrottleBackoff } from "@/server/venue/backoff";
import { VENUE, mapError } from "./errors";

export interface CallConfig {
  deadlineMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  now: () => number;
}

export class Calls {
  private readonly backoff: ThrottleBackoff;

  constructor(private readonly cfg: CallConfig) {
    this.backoff = new ThrottleBackoff(VENUE, cfg);
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
      const v = await withDeadline(started, this.cfg.deadlineMs, what, { venue: VENUE });
      this.backoff.succeeded();
      return v;
    } catch (err) {
      const e: VenueError = mapError(err, what);
      if (e instanceof RateLimitExceeded) this.backoff.throttled(e);
      throw e;
    }
  }

  /** Throws RateLimitExceeded while backing off (for new orders only). */
  gate(what: string): void {
    this.backoff.gate(what);
  }
}
