import { labRunRequestSchema } from "@/lib/lab/types";
import { planLab } from "@/server/lab/plan";
import { runLab } from "@/server/lab/engine";
const seeds = Number(process.argv[2] ?? 2), workers = Number(process.argv[3] ?? 2);
const plan = planLab(labRunRequestSchema.parse({ market: { kind: "simulated", regime: "falling", seeds, durationMs: 3_600_000 }, grid: ["skewMode=linear,exponential,tiered", "skewFactor=0.1:1:0.1"] }));
const t0 = performance.now(); const c0 = process.cpuUsage();
const o = await runLab(plan, { workers });
const s = (performance.now() - t0) / 1000; const c = process.cpuUsage(c0);
console.log(plan.jobs.length, "sims", workers, "workers", s.toFixed(1), "s", (s * 1000 * Math.max(1, workers) / plan.jobs.length).toFixed(0), "ms/sim/worker", "cpu", ((c.user + c.system) / 1e6).toFixed(1), "s", o.status);
