// Paper venue throughput: simulated market events (book updates + trades) per wall-clock second through
// the paper simulator and its matching, the part of "strategy + paper matching" this module owns.
//   raw:      two resting quotes near the touch, re-placed only when filled; time advanced in big steps.
//   requote:  like a runner tick: every N ms of simulated time cancel both quotes (confirmed) and place two
//             new ones around the touch through the async Venue API (latency 0, as the bench's clock jumps).
//             Once more on a paper account in a temporary folder: what writing every order change and fill
//             (writeSync, no fsync) costs.
// Run alone: node --import tsx bench/paper.ts
import Decimal from "decimal.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ManualClock } from "@/server/venue/clock";
import { PaperVenue, openPaperAccount, storyPaperOptions } from "@/server/venue/paper";

const T0 = 1_700_000_000_000;
const SIZE = new Decimal("0.1");

// The story market, 20 events per simulated second, regimes switching every ~5 simulated minutes
// (a single 'falling' regime would reach the price floor within the hours of simulated time a run covers).
const REGIMES = { markov: { states: ["calm", "falling", "trending_up", "volatile"] as const, meanDwellMs: 300_000 } };

function makeVenue(seed: number, latencyMs = 0, accountDir?: string) {
  const clock = new ManualClock(T0);
  const opts = { ...storyPaperOptions(seed, { markov: { ...REGIMES.markov, states: [...REGIMES.markov.states] } }), clock, latencyMs };
  const venue = accountDir ? openPaperAccount({ ...opts, dir: accountDir }) : new PaperVenue(opts);
  return { venue, clock };
}

async function quote(venue: PaperVenue, n: number, offsetTicks: number): Promise<void> {
  const b = await venue.fetchOrderBook();
  if (!b.bids.length || !b.asks.length) return; // a side swept empty: wait for the next book
  const tick = venue.market.tickSize.mul(offsetTicks);
  await Promise.all([
    venue.createOrder({ clientOrderId: `b${n}`, side: "buy", type: "limit", price: b.bids[0]!.price.minus(tick), size: SIZE, postOnly: true }).catch(() => undefined),
    venue.createOrder({ clientOrderId: `a${n}`, side: "sell", type: "limit", price: b.asks[0]!.price.plus(tick), size: SIZE, postOnly: true }).catch(() => undefined),
  ]);
}

/** Events/s with two quotes resting; a filled quote is re-placed at the next step. */
async function raw(targetEvents: number): Promise<{ eventsPerSec: number; events: number; fills: number; ms: number }> {
  const { venue, clock } = makeVenue(1);
  let n = 0;
  await quote(venue, ++n, 5);
  const stepMs = 60_000; // ~1 200 events per step
  const t0 = performance.now();
  const e0 = venue.stats.events;
  while (venue.stats.events - e0 < targetEvents) {
    clock.advanceBy(stepMs);
    venue.advanceTo(clock.now());
    const open = venue.fetchOpenOrders();
    if ((await open).length < 2) {
      await venue.cancelAllOrders();
      await quote(venue, ++n, 5);
    }
  }
  const ms = performance.now() - t0;
  const events = venue.stats.events - e0;
  await venue.close();
  return { eventsPerSec: events / (ms / 1000), events, fills: venue.stats.fills, ms };
}

/** Events/s when both quotes are cancelled and re-placed every `everyMs` of simulated time. */
async function requote(everyMs: number, targetEvents: number, accountDir?: string): Promise<{ eventsPerSec: number; requotes: number; usPerRequote: number; fills: number }> {
  const { venue, clock } = makeVenue(2, 0, accountDir);
  let n = 0;
  const t0 = performance.now();
  const e0 = venue.stats.events;
  while (venue.stats.events - e0 < targetEvents) {
    clock.advanceBy(everyMs);
    venue.advanceTo(clock.now());
    await venue.cancelAllOrders();
    await quote(venue, ++n, 3);
  }
  const ms = performance.now() - t0;
  const events = venue.stats.events - e0;
  await venue.close();
  return { eventsPerSec: events / (ms / 1000), requotes: n, usPerRequote: (ms * 1000) / n, fills: venue.stats.fills };
}

const fmt = (x: number) => Math.round(x).toLocaleString("en-US");

export async function run(): Promise<void> {
  console.log("\npaper venue: story market, Markov regimes, 10 trades + 10 book updates per simulated second, seeded");
  await raw(300_000); // warm-up
  const r = await raw(3_000_000);
  console.log(`  raw matching, 2 resting quotes:       ${fmt(r.eventsPerSec)} events/s  (${fmt(r.events)} events, ${fmt(r.fills)} fills, ${(r.ms / 1000).toFixed(2)} s)`);
  await requote(1000, 50_000);
  for (const every of [1000, 100]) {
    const q = await requote(every, every >= 1000 ? 1_000_000 : 200_000);
    console.log(
      `  re-quote every ${String(every).padStart(4)} ms simulated:       ${fmt(q.eventsPerSec)} events/s  (${fmt(q.requotes)} cancel-all + 2 places, ${q.usPerRequote.toFixed(1)} us per cycle incl. advancing, ${fmt(q.fills)} fills)`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "skewdesk-bench-account-"));
  try {
    const q = await requote(1000, 300_000, join(dir, "account"));
    console.log(
      `  the same, every 1000 ms, paper account:  ${fmt(q.eventsPerSec)} events/s  (${q.usPerRequote.toFixed(1)} us per cycle, every order change and fill written to the account's logs)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
