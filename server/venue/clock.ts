// The time a simulated venue runs on. Only now() is required; the optional methods tell the venue how
// to let time pass while a request is "in flight" (latency):
//   sleepUntil(ms)  the clock knows how to wait (e.g. a virtual clock that jumps, or a test clock);
//   advanceTo(ms)   a simulated time source (the runner's SimulatedTime): waiting for an ack consumes
//                   simulated time, so the venue moves it forward itself instead of deadlocking a tick;
//   neither         wall time (or accelerated wall time): the venue polls with timers.

export interface VenueClock {
  now(): number;
  sleepUntil?(ms: number): Promise<void>;
  advanceTo?(ms: number): void;
}

export const systemClock: VenueClock = { now: () => Date.now() };

/**
 * A test/bench clock. With `autoAdvance` (default) a wait jumps time forward at once, so latency costs
 * simulated time but no wall time; without it, waits resolve only when the test moves time.
 */
export class ManualClock implements VenueClock {
  private t: number;
  private readonly autoAdvance: boolean;
  private waiters: { at: number; resolve: () => void }[] = [];

  constructor(startMs = 0, opts: { autoAdvance?: boolean } = {}) {
    this.t = startMs;
    this.autoAdvance = opts.autoAdvance ?? true;
  }

  now(): number {
    return this.t;
  }

  advanceTo(ms: number): void {
    if (ms > this.t) this.t = ms;
    if (!this.waiters.length) return;
    const due = this.waiters.filter((w) => w.at <= this.t);
    this.waiters = this.waiters.filter((w) => w.at > this.t);
    for (const w of due) w.resolve();
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.t + ms);
  }

  sleepUntil(ms: number): Promise<void> {
    if (this.autoAdvance) this.advanceTo(ms);
    if (ms <= this.t) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ at: ms, resolve }));
  }
}
