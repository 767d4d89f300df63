// A desk in a test tube: many paper strategies over one store on simulated time, ticked by hand (the
// desk's "manual" clock). `run` moves time tick by tick and lets each venue answer arrive.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Decimal from "decimal.js";
import type { CreateStrategyRequest } from "@/lib/desk";
import { SimulatedTime } from "@/server/runner/clock";
import { Desk, type DeskOptions } from "@/server/desk/desk";
import { createStrategy } from "@/server/desk/desk-commands";
import type { Store, StrategyRecord } from "@/server/store";

export const T0 = Date.UTC(2026, 0, 1);
export const settle = () => new Promise<void>((r) => setImmediate(r));

export interface TestDesk {
  desk: Desk;
  time: SimulatedTime;
  /** Moves simulated time by `ms` in ticks of `stepMs`, ticking every strategy and settling answers. */
  run(ms: number, stepMs?: number, each?: (t: number) => void | Promise<void>, beforeEach?: (t: number) => void): Promise<void>;
  add(name: string, over?: Partial<CreateStrategyRequest>): Promise<StrategyRecord>;
}

export async function openTestDesk(store: Store, over: Partial<DeskOptions> & { maxTotalPosition?: Decimal | null } = {}): Promise<TestDesk> {
  const time = new SimulatedTime(T0);
  const dir = mkdtempSync(join(tmpdir(), "skewdesk-desk-"));
  const desk = new Desk({ store, time, clock: "manual", journalDir: dir, paperAccountDir: null, durable: false, ...over });
  await desk.startAll();
  let seed = 100;
  return {
    desk,
    time,
    async run(ms, stepMs = 500, each, beforeEach) {
      const end = time.now() + ms;
      while (time.now() < end) {
        const t = time.now() + stepMs;
        time.advanceTo(t);
        beforeEach?.(t);
        await desk.tick(t);
        await settle();
        await settle();
        await each?.(t);
      }
    },
    add: (name, o = {}) =>
      createStrategy(desk, { name, venue: "paper", settings: { market: "story", seed: ++seed, regime: "volatile", tickMs: 500 }, ...o }, "tester"),
  };
}

/** Keeps the process alive while the desk's deadline timers (unref'd) are the only thing pending. */
export function keepAlive(): () => void {
  const h = setInterval(() => undefined, 1_000);
  return () => clearInterval(h);
}
export { join };
