// The story's question, measured: in a falling market, does the inventory skew keep inventory under the
// rebalance threshold more often than quoting without skew? Same seeds, same market, skew on vs off.
//   node --experimental-wasm-modules --import tsx bench/skew-falling.ts [seeds=8] [minutes=10]
import { pathToFileURL } from "node:url";
import { openPaperSession } from "@/server/runner/open-paper-session";
import { benchJournalDir } from "./journal-dir";

export interface SkewTrial {
  seed: number;
  skewFactor: string;
  ticks: number;
  ticksAboveRebalance: number;
  emergencies: number;
  maxAbsInventory: string;
  fills: number;
}

export async function runTrial(seed: number, skewFactor: string, minutes: number, maxInventory = "0.3"): Promise<SkewTrial> {
  const s = await openPaperSession({
    db: "none",
    strategyName: `skew-${seed}-${skewFactor}`,
    seed,
    regime: "falling",
    speed: "max",
    startTime: Date.UTC(2026, 0, 1),
    durationMs: minutes * 60_000,
    journalDir: benchJournalDir(),
    durableJournal: false,
    paramsOverride: { skewFactor, maxInventory },
  });
  await s.clock.start();
  const st = s.runner.stats;
  const out = { seed, skewFactor, ticks: st.ticks, ticksAboveRebalance: st.ticksAboveRebalance, emergencies: st.emergencies, maxAbsInventory: st.maxAbsInventory.toString(), fills: st.fills };
  await s.close();
  return out;
}

export async function compareSkew(seeds: number, minutes: number): Promise<{ on: SkewTrial[]; off: SkewTrial[] }> {
  const on: SkewTrial[] = [];
  const off: SkewTrial[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    on.push(await runTrial(seed, "0.5", minutes));
    off.push(await runTrial(seed, "0", minutes));
  }
  return { on, off };
}

const pct = (t: SkewTrial[]) => {
  const above = t.reduce((a, x) => a + x.ticksAboveRebalance, 0);
  const ticks = t.reduce((a, x) => a + x.ticks, 0);
  return { above, ticks, pct: (100 * above) / ticks, emergencies: t.reduce((a, x) => a + x.emergencies, 0) };
};

export async function run(seeds = 8, minutes = 10): Promise<void> {
  const { on, off } = await compareSkew(seeds, minutes);
  const a = pct(on);
  const b = pct(off);
  console.log(`\nskew in the story's falling market (${seeds} seeds x ${minutes} simulated min, maxInventory 0.3, rebalance 0.8, emergency 0.95):`);
  console.log(`  skew on  (skewFactor 0.5): above rebalance ${a.above}/${a.ticks} ticks (${a.pct.toFixed(2)}%), emergency closes ${a.emergencies}`);
  console.log(`  skew off (skewFactor 0):   above rebalance ${b.above}/${b.ticks} ticks (${b.pct.toFixed(2)}%), emergency closes ${b.emergencies}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run(Number(process.argv[2] ?? 8), Number(process.argv[3] ?? 10));
}
