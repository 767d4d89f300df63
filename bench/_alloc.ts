import { Session } from "node:inspector/promises";
import { simulate } from "@/server/lab/simulate";
const sess = new Session(); sess.connect();
async function once(seed: number, mode: string) {
  await simulate({ market: { kind: "simulated", market: "story", regime: "falling", seed, durationMs: 3_600_000 }, params: { skewMode: mode, skewFactor: 0.5 } as never, tickMs: 500, sampleEveryMs: 30_000, keepPath: false });
}
await once(1, "linear");
await sess.post("HeapProfiler.enable");
await sess.post("HeapProfiler.startSampling", { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
await once(2, "linear");
const { profile } = await sess.post("HeapProfiler.stopSampling");
const by = new Map<string, number>(); let total = 0;
const walk = (n: any, stack: string[]) => {
  const f = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").slice(-1)[0]}:${n.callFrame.lineNumber}`;
  const self = n.selfSize; total += self;
  if (self) { const k = [f, ...stack.slice(0, 2)].join(" < "); by.set(k, (by.get(k) ?? 0) + self); }
  for (const c of n.children) walk(c, [f, ...stack]);
};
walk(profile.head, []);
console.log("total MB", (total / 1e6).toFixed(1), "per tick B", (total / 7200).toFixed(0));
for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log((v / 7200).toFixed(0).padStart(6), "B/tick", k);
