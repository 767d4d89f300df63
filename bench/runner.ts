// Simulated market events per wall-clock second through the whole managed market maker: the paper
// venue's price process and matching, and every tick the runner's full cycle (book less our orders,
// decideQuotes, risk gate, cancel-before-requote with anti-churn, fills booked into the in-memory store).
// Our bar: 500 000 events/s.   Run alone: node --experimental-wasm-modules --import tsx bench/runner.ts
import { pathToFileURL } from "node:url";
import { openPaperSession } from "@/server/runner/open-paper-session";

const fmt = (x: number) => Math.round(x).toLocaleString("en-US");

/** perSec null: the story market's own flow (10 trades and 10 book updates a second, the lab's market). */
async function once(minutes: number, seed: number, perSec: number | null) {
  const s = await openPaperSession({
    db: "none",
    strategyName: `bench-${seed}`,
    seed,
    regime: { markov: { states: ["calm", "falling", "trending_up", "volatile"], meanDwellMs: 300_000 } },
    speed: "max",
    tickMs: 500,
    startTime: Date.UTC(2026, 0, 1),
    durationMs: minutes * 60_000,
    journalDir: "data/bench-journal",
    durableJournal: false,
    // A busy market: half trades, half book updates.
    venueOverrides: perSec === null ? { latencyMs: 20 } : { flow: { tradesPerSec: perSec / 2, bookUpdatesPerSec: perSec / 2, meanTradeSize: "0.05", tradeSizeTail: 1.8 }, latencyMs: 20 },
  });
  const e0 = s.venue.stats.events;
  const t0 = performance.now();
  await s.clock.start();
  const ms = performance.now() - t0;
  const events = s.venue.stats.events - e0;
  const st = s.runner.stats;
  await s.close();
  return { eventsPerSec: events / (ms / 1000), events, ms, ticks: st.ticks, usPerTick: (ms * 1000) / st.ticks, fills: st.fills, orders: st.ordersPlaced };
}

/** µs per tick, by market: [what, µs] in the order measured. */
export type RunnerFigures = Array<[string, number]>;

export async function run(): Promise<RunnerFigures> {
  await once(5, 7, 400); // warm-up: JIT, module loading
  console.log("\nrunner + paper venue (in-memory store, 500 ms ticks, full runner cycle every tick):");
  // How many market events fall between two ticks decides the figure, so it is shown for three markets: the
  // story market the lab sweeps (20 events a second) and two busy ones.
  const out: RunnerFigures = [];
  for (const perSec of [null, 400, 1000]) {
    const r = await once(60, 11, perSec);
    const what = perSec === null ? "story market (lab's), 20" : String(perSec).padStart(4);
    out.push([perSec === null ? "story market" : `${perSec} events/s`, r.usPerTick]);
    console.log(
      `  ${what} events per simulated s: ${fmt(r.eventsPerSec)} events/s through strategy + matching ` +
        `(${fmt(r.events)} events, ${fmt(r.ticks)} ticks at ${r.usPerTick.toFixed(1)} us each [bar <= 40 us: ${r.usPerTick <= 40 ? "ok" : "OVER"}], ${fmt(r.fills)} fills, ${fmt(r.orders)} orders, ${(r.ms / 1000).toFixed(1)} s)`,
    );
  }
  console.log("  our bars: 500,000 events/s; the runner cycle (wall time / ticks, market included) <= 40 us per tick (issue 13)");
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
