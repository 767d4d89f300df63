// Login throttling by backoff, not lockout (issue 9, item 7). Five wrong passwords used to lock "operator"
// out of that IP for 15 minutes, the right password included: anyone on the operator's network could keep the
// operator from the emergency button. Now each key allows a few free failures, then every further attempt
// waits 1 s, 2 s, 4 s … up to a ceiling after the last failure. Guessing slows to a crawl; a person waits
// seconds. Which keys an attempt counts against is the caller's choice (Auth.loginKeys): a browser that signed
// in before carries a device cookie and is judged only by its own failures, so an attacker cannot delay it.
// The state survives a restart through `persist` (a file in the data folder, see state-file.ts).

export interface LimitDecision {
  allowed: boolean;
  retryAfterSec: number;
}

/** A throttled key: its free failures; the key kinds are named by their prefix ("ip:", "u:" …). */
export interface LimitKey {
  key: string;
  free: number;
}

export interface LoginLimiterOptions {
  /** Failures counted this long after they happened. */
  windowMs?: number;
  /** The wait after the first failure beyond the free ones; doubles with each further one. */
  baseDelayMs?: number;
  /** The longest wait. */
  maxDelayMs?: number;
  maxKeys?: number;
  /** Called after each change, with the state to keep (debounced by the caller). */
  persist?: () => void;
  /** The clock (tests inject one). */
  now?: () => number;
}

/** What is kept across restarts: failure times per key, newest last. */
export type LimiterState = Record<string, number[]>;

const KEEP_PER_KEY = 32;

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  readonly windowMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  private readonly maxKeys: number;
  private readonly clock: () => number;

  constructor(private readonly opts: LoginLimiterOptions = {}) {
    this.windowMs = opts.windowMs ?? 15 * 60_000;
    this.baseDelayMs = opts.baseDelayMs ?? 1_000;
    this.maxDelayMs = opts.maxDelayMs ?? 5 * 60_000;
    this.maxKeys = opts.maxKeys ?? 50_000;
    this.clock = opts.now ?? Date.now;
  }

  private recent(key: string, now: number): number[] {
    const f = this.failures.get(key);
    if (!f) return [];
    const kept = f.filter((t) => t > now - this.windowMs);
    if (!kept.length) this.failures.delete(key);
    else if (kept.length !== f.length) this.failures.set(key, kept);
    return kept;
  }

  /** When the next attempt on `key` is allowed: free failures cost nothing, then the wait doubles. */
  private nextAllowedAt(k: LimitKey, now: number): number {
    const f = this.recent(k.key, now);
    if (f.length < k.free) return 0;
    const extra = f.length - k.free;
    const wait = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(extra, 30));
    return f[f.length - 1]! + wait;
  }

  check(keys: readonly LimitKey[], now = this.clock()): LimitDecision {
    const until = Math.max(0, ...keys.map((k) => this.nextAllowedAt(k, now)));
    return until > now ? { allowed: false, retryAfterSec: Math.ceil((until - now) / 1000) } : { allowed: true, retryAfterSec: 0 };
  }

  fail(keys: readonly LimitKey[], now = this.clock()): void {
    if (this.failures.size >= this.maxKeys) this.prune(now);
    for (const { key } of keys) {
      const f = this.recent(key, now);
      f.push(now);
      this.failures.set(key, f.length > KEEP_PER_KEY ? f.slice(-KEEP_PER_KEY) : f);
    }
    this.opts.persist?.();
  }

  /** A right password clears the keys it was judged by (not the IP's spraying count of other usernames). */
  succeed(keys: readonly LimitKey[]): void {
    let changed = false;
    for (const { key } of keys) if (!key.startsWith("ip:")) changed = this.failures.delete(key) || changed;
    if (changed) this.opts.persist?.();
  }

  snapshot(now = this.clock()): LimiterState {
    const out: LimiterState = {};
    for (const key of [...this.failures.keys()]) {
      const f = this.recent(key, now);
      if (f.length) out[key] = f;
    }
    return out;
  }

  restore(state: LimiterState, now = this.clock()): void {
    for (const [key, times] of Object.entries(state)) {
      const kept = times.filter((t) => Number.isFinite(t) && t > now - this.windowMs && t <= now + 60_000).slice(-KEEP_PER_KEY);
      if (kept.length) this.failures.set(key, kept);
      if (this.failures.size >= this.maxKeys) break;
    }
  }

  private prune(now: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
    // Still full: drop the oldest keys rather than grow without bound.
    for (const key of this.failures.keys()) {
      if (this.failures.size < this.maxKeys * 0.9) break;
      this.failures.delete(key);
    }
  }
}
