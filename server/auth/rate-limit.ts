// Login throttling: failures are counted per IP+username (stops guessing one account) and per IP (stops
// spraying many usernames). A locked key is refused before the password is even checked.
export interface LimitDecision {
  allowed: boolean;
  retryAfterSec: number;
}

interface Window {
  failures: number[];
}

export class LoginLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    readonly maxFailures = 5,
    readonly windowMs = 15 * 60_000,
    /** Failures per IP across usernames. */
    readonly maxFailuresPerIp = maxFailures * 6,
    private readonly maxKeys = 50_000,
  ) {}

  private keys(ip: string, username: string): Array<[string, number]> {
    return [
      [`u:${ip}|${username.trim().toLowerCase()}`, this.maxFailures],
      [`ip:${ip}`, this.maxFailuresPerIp],
    ];
  }

  private recent(key: string, now: number): number[] {
    const w = this.windows.get(key);
    if (!w) return [];
    w.failures = w.failures.filter((t) => t > now - this.windowMs);
    if (!w.failures.length) this.windows.delete(key);
    return w.failures;
  }

  check(ip: string, username: string, now = Date.now()): LimitDecision {
    let retry = 0;
    for (const [key, max] of this.keys(ip, username)) {
      const f = this.recent(key, now);
      if (f.length >= max) retry = Math.max(retry, Math.ceil((f[f.length - max]! + this.windowMs - now) / 1000));
    }
    return { allowed: retry === 0, retryAfterSec: retry };
  }

  fail(ip: string, username: string, now = Date.now()): void {
    if (this.windows.size >= this.maxKeys) this.prune(now);
    for (const [key] of this.keys(ip, username)) {
      const w = this.windows.get(key) ?? { failures: [] };
      w.failures.push(now);
      if (w.failures.length > 100) w.failures.splice(0, w.failures.length - 100);
      this.windows.set(key, w);
    }
  }

  succeed(ip: string, username: string): void {
    this.windows.delete(this.keys(ip, username)[0]![0]);
  }

  private prune(now: number): void {
    for (const key of [...this.windows.keys()]) this.recent(key, now);
    // Still full: drop the oldest keys rather than grow without bound.
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys * 0.9) break;
      this.windows.delete(key);
    }
  }
}
