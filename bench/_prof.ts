import { Session } from "node:inspector/promises";
import fs from "node:fs";
import { openPaperSession } from "@/server/runner/open-paper-session";
const sess = new Session(); sess.connect();
async function once(minutes: number, seed: number, prof: boolean) {
  const s = await openPaperSession({
    db: "none", strategyName: `bench-${seed}`, seed,
    regime: { markov: { states: ["calm", "falling", "trending_up", "volatile"], meanDwellMs: 300_000 } },
    speed: "max", tickMs: 500, startTime: Date.UTC(2026, 0, 1), durationMs: minutes * 60_000,
    journalDir: "data/bench-journal", durableJournal: false, venueOverrides: { latencyMs: 20 },
  });
  if (prof) { await sess.post("Profiler.enable"); await sess.post("Profiler.setSamplingInterval", { interval: 50 }); await sess.post("Profiler.start"); }
  const t0 = performance.now();
  await s.clock.start();
  const ms = performance.now() - t0;
  if (prof) { const { profile } = await sess.post("Profiler.stop"); fs.writeFileSync("/tmp/tick.cpuprofile", JSON.stringify(profile)); }
  const st = s.runner.stats;
  await s.close();
  console.log(minutes, (ms*1000/st.ticks).toFixed(1), "us/tick", st.ticks, st.fills, st.ordersPlaced);
}
await once(5, 7, false);
await once(60, 11, false);
await once(60, 11, true);
