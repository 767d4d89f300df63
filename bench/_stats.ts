import { simulate } from "@/server/lab/simulate";
import { Runner } from "@/server/runner/runner";
// capture runner stats by patching shutdown
const orig = Runner.prototype.shutdown;
Runner.prototype.shutdown = function (this: Runner, r: string) { console.log(JSON.stringify(this.stats)); return orig.call(this, r); } as never;
await simulate({ market: { kind: "simulated", market: "story", regime: "falling", seed: 2, durationMs: 3_600_000 }, params: { skewMode: "linear", skewFactor: 0.5 } as never, tickMs: 500, sampleEveryMs: 30_000, keepPath: false });
