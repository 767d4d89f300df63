// The story's Clock (Story 033): drives a strategy's onTick at a fixed interval. One loop serves live
// trading (wall time) and simulation (simulated time, accelerated by a speed factor or as fast as possible),
// so the runner code is the same in both.

export interface TimeSource {
  now(): number;
}

export const wallTime: TimeSource = { now: () => Date.now() };

/** Simulated time: only moves when advanced. */
export class SimulatedTime implements TimeSource {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  advanceTo(t: number): void {
    if (t > this.t) this.t = t;
  }
}

export type TickHandler = (tick: number, timestamp: number) => Promise<void> | void;

export interface ClockOptions {
  intervalMs: number;
  /** "realtime" follows the wall; a number > 0 runs simulated time that many times faster; "max" as fast as possible. */
  speed: "realtime" | number | "max";
  /** Simulated time only: where the clock starts and (optionally) stops. */
  sim?: { time: SimulatedTime; endAt?: number };
  onError?: (err: unknown, tick: number) => void;
  /**
   * Realtime only: after the first tick, ticks fall on wall times ≡ phaseMs (mod intervalMs). A desk gives each
   * strategy its own phase, so a hundred strategies tick spread over the second instead of all at once.
   */
  phaseMs?: number;
}

/** The first instant after `now` that is ≡ phase (mod interval). */
export function nextOnPhase(now: number, intervalMs: number, phaseMs: number): number {
  const next = now + ((((phaseMs - now) % intervalMs) + intervalMs) % intervalMs);
  return next > now ? next : next + intervalMs;
}

/** A strategy's phase within the tick interval, from its id: stable across restarts, spread evenly over ids. */
export function phaseOf(id: string, intervalMs: number): number {
  // FNV-1a: any id, uniformly spread; UUIDs would do with less, but names or tags may be given too.
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h % intervalMs;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const yieldToIo = () => new Promise<void>((r) => setImmediate(r));

/**
 * Ticks never overlap: a tick that runs longer than the interval delays the next one instead of
 * stacking (a late quote beats two sets of quotes). Missed wall-clock ticks are skipped, not replayed.
 */
export class Clock {
  private running = false;
  private tick = 0;
  private done: Promise<void> | null = null;

  constructor(
    private readonly opts: ClockOptions,
    private readonly onTick: TickHandler,
  ) {
    if (!Number.isInteger(opts.intervalMs) || opts.intervalMs < 10) throw new Error(`tick interval must be an integer >= 10 ms, got ${opts.intervalMs}`);
    if (opts.speed !== "realtime" && !opts.sim) throw new Error("an accelerated clock needs simulated time");
  }

  get ticks(): number {
    return this.tick;
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): Promise<void> {
    if (this.running) return this.done ?? Promise.resolve();
    this.running = true;
    this.done = this.opts.speed === "realtime" ? this.runRealtime() : this.runSimulated();
    return this.done;
  }

  /** Resolves once the tick in flight (if any) has finished. */
  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  private async fire(ts: number): Promise<void> {
    const n = ++this.tick;
    try {
      await this.onTick(n, ts);
    } catch (err) {
      this.opts.onError?.(err, n);
    }
  }

  private async runRealtime(): Promise<void> {
    const interval = this.opts.intervalMs;
    let next = Date.now();
    let first = true;
    while (this.running) {
      await this.fire(Date.now());
      next += interval;
      const now = Date.now();
      if (first && this.opts.phaseMs !== undefined) next = nextOnPhase(now, interval, this.opts.phaseMs);
      first = false;
      // A late tick keeps the phase: the next one is the next instant on it.
      if (next < now) next = now + interval - ((now - next) % interval);
      await sleep(next - now);
    }
  }

  private async runSimulated(): Promise<void> {
    const { time, endAt } = this.opts.sim!;
    const interval = this.opts.intervalMs;
    const speed = this.opts.speed;
    let sinceYield = 0;
    while (this.running) {
      const t = time.now() + interval;
      if (endAt !== undefined && t > endAt) break;
      time.advanceTo(t);
      await this.fire(t);
      if (typeof speed === "number") await sleep(interval / speed);
      else if (++sinceYield >= 50) {
        // Let sockets, timers and I/O breathe even at full speed.
        sinceYield = 0;
        await yieldToIo();
      }
    }
    this.running = false;
  }
}
