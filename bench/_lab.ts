import { Session } from "node:inspector/promises";
import fs from "node:fs";
import { simulate } from "@/server/lab/simulate";
const sess = new Session(); sess.connect();
async function once(seed: number, mode: string) {
  const t0 = performance.now();
  const r = await simulate({ market: { kind: "simulated", market: "story", regime: "falling", seed, durationMs: 3_600_000 }, params: { skewMode: mode, skewFactor: 0.5 } as never, tickMs: 500, sampleEveryMs: 30_000, keepPath: false });
  return [performance.now() - t0, r.metrics.fills] as const;
}
for (const m of ["linear", "exponential", "tiered"]) await once(1, m);
const prof = process.argv[2] === "prof";
if (prof) { await sess.post("Profiler.enable"); await sess.post("Profiler.setSamplingInterval", { interval: 100 }); await sess.post("Profiler.start"); }
let total = 0; const c0 = process.cpuUsage();
for (const m of ["linear", "exponential", "tiered"]) { let s = 0; const fills = []; for (const seed of [2, 3, 4]) { const [ms, f] = await once(seed, m); s += ms; fills.push(f); } total += s; console.log(m, (s * 1000 / 3 / 7200).toFixed(1), "us/tick", fills.join(",")); }
const c = process.cpuUsage(c0); console.log("cpu", ((c.user+c.system)/9/7200).toFixed(1), "us/tick"); console.log("all", (total * 1000 / 9 / 7200).toFixed(1), "us/tick", (total/9).toFixed(0), "ms/sim");
if (prof) { const { profile } = await sess.post("Profiler.stop"); fs.writeFileSync("/tmp/lab.cpuprofile", JSON.stringify(profile)); }
