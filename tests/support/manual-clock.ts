// A clock a test advances by hand: timers fire when the test moves time past them, in time order, never
// because the machine was fast or slow.
import type { HubClock } from "@/server/realtime/hub";

interface Timer {
  id: number;
  at: number;
  fn: () => void;
  every: number | null;
}

export class ManualClock implements HubClock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = 1_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    return this.add(fn, ms, null);
  }

  setInterval(fn: () => void, ms: number): unknown {
    return this.add(fn, ms, Math.max(1, ms));
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }

  clearInterval(handle: unknown): void {
    this.clearTimeout(handle);
  }

  /** Moves time forward by `ms`, firing every timer due on the way (each at its own time). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      this.t = Math.max(this.t, next.at);
      if (next.every === null) this.clearTimeout(next.id);
      else next.at += next.every;
      next.fn();
    }
    this.t = end;
  }

  private add(fn: () => void, ms: number, every: number | null): number {
    const id = ++this.seq;
    this.timers.push({ id, at: this.t + Math.max(0, ms), fn, every });
    return id;
  }
}
