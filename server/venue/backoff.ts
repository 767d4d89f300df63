// After a venue throttles us (429), new orders are refused locally for a while, with exponential backoff and
// jitter, so a desk never storms a venue that already said "slow down"; cancels and reads still go out.
// One implementation for every adapter: the venue's name is the only difference.
import { RateLimitExceeded } from "@/server/venue/errors";

export interface BackoffConfig {
  backoffMinMs: number;
  backoffMaxMs: number;
  now: () => number;
}

export class ThrottleBackoff {
  until = 0;
  /** Requests refused locally during a backoff (none of them reached the venue). */
  refused = 0;
  private throttles = 0;

  constructor(
    private readonly venue: string,
    private readonly cfg: BackoffConfig,
  ) {}

  /** Throws RateLimitExceeded while backing off (for new orders only). */
  gate(what: string): void {
    const wait = this.until - this.cfg.now();
    if (wait > 0) {
      this.refused++;
      throw new RateLimitExceeded(`${what}: backing off for ${wait} ms after the venue throttled us`, { venue: this.venue, retryAfterMs: wait });
    }
  }

  /** The venue throttled us: back off at least as long as it asked, doubling on repeats (with jitter). */
  throttled(e: RateLimitExceeded): void {
    const base = Math.min(this.cfg.backoffMaxMs, this.cfg.backoffMinMs * 2 ** this.throttles++);
    const wait = Math.max(e.retryAfterMs ?? 0, base * (0.5 + Math.random() / 2));
    this.until = Math.max(this.until, this.cfg.now() + wait);
  }

  /** A call went through: the next throttle starts from the minimum again. */
  succeeded(): void {
    this.throttles = 0;
  }
}
