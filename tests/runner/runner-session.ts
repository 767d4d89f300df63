// A paper session for the runner suites: the runner against the paper venue on a test database, with its
// ticks driven by hand on simulated time, so what a test asserts happened at a known tick.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Db } from "@/server/db";
import { openPaperSession, type PaperSession, type PaperSessionOptions } from "@/server/runner/open-paper-session";

const T0 = Date.UTC(2026, 0, 1);
let counter = 0;

export async function session(db: Db, opts: Partial<PaperSessionOptions> = {}): Promise<PaperSession> {
  const journalDir = opts.journalDir ?? mkdtempSync(join(tmpdir(), "skewdesk-journal-"));
  return openPaperSession({
    db,
    strategyName: opts.strategyName ?? `t${process.pid}-${++counter}`,
    speed: "max",
    startTime: T0,
    tickMs: 500,
    journalDir,
    // The venue is an account that outlives the session, as a restarted desk finds it.
    paperAccountDir: join(journalDir, "paper-account"),
    durableJournal: false,
    ...opts,
  });
}

/** Advances simulated time one tick at a time and runs the tick; `each` sees the state after each. */
export async function run(s: PaperSession, ticks: number, each?: (i: number) => Promise<void> | void): Promise<void> {
  for (let i = 0; i < ticks; i++) {
    const t = s.time.now() + 500;
    (s.time as unknown as { advanceTo(t: number): void }).advanceTo(t);
    await s.runner.tick(t);
    await settle();
    await each?.(i);
  }
}

/** Lets every venue answer already due arrive: the simulated venue answers within microtasks. */
const settle = () => new Promise<void>((r) => setImmediate(r));

export async function sidesAtVenue(s: PaperSession): Promise<{ buy: number; sell: number }> {
  const open = await s.venue.fetchOpenOrders();
  return { buy: open.filter((o) => o.side === "buy").length, sell: open.filter((o) => o.side === "sell").length };
}
