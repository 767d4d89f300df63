// The lab's runner cycle, measured in a process of its own as a lab worker thread runs it: lab simulations
// only, so the code's type feedback is the lab's (a process that first ran the desk's recording cycle makes
// the same functions slower: they have seen other shapes). Prints one JSON line: ticks, ms, us per tick.
//   node --experimental-wasm-modules --import tsx bench/lab-cycle.ts
import { simulate } from "@/server/lab/simulate";

const hour = 3_600_000;
// Warm-up: module loading and the JIT, on a seed not measured.
await simulate({ market: { kind: "simulated", market: "story", regime: "falling", seed: 100, durationMs: hour / 6 }, params: {}, tickMs: 500, sampleEveryMs: 30_000, keepPath: false });
let ticks = 0;
let ms = 0;
for (const skewMode of ["linear", "exponential", "tiered"]) {
  for (const seed of [101, 102]) {
    const t0 = performance.now();
    const r = await simulate({ market: { kind: "simulated", market: "story", regime: "falling", seed, durationMs: hour }, params: { skewMode, skewFactor: "0.5" }, tickMs: 500, sampleEveryMs: 30_000, keepPath: false });
    ms += performance.now() - t0;
    ticks += r.metrics.ticks;
  }
}
console.log(JSON.stringify({ ticks, ms, usPerTick: (ms * 1000) / ticks }));
