// A lab worker thread: runs the simulations it is handed, one at a time, and answers each with its
// figures. Cancelling a lab run terminates the thread, so it keeps no state worth saving.
import { parentPort } from "node:worker_threads";
import type { LabJob } from "@/server/lab/plan";
import { simulate } from "@/server/lab/simulate";

export type ToLabWorker = { type: "job"; job: LabJob };
export type FromLabWorker =
  | { type: "ready" }
  | { type: "result"; index: number; metrics: import("@/lib/lab/types").LabRunMetrics; path: import("@/lib/lab/types").LabPathPoint[] }
  | { type: "error"; index: number; message: string };

const port = parentPort;
if (!port) throw new Error("lab-worker must run in a worker thread");

port.on("message", (m: ToLabWorker) => {
  if (m.type !== "job") return;
  const { job } = m;
  simulate({ market: job.market, params: job.params, tickMs: job.tickMs, sampleEveryMs: job.sampleEveryMs, keepPath: job.keepPath }).then(
    (r) => port.postMessage({ type: "result", index: job.index, metrics: r.metrics, path: r.path } satisfies FromLabWorker),
    (err: unknown) => port.postMessage({ type: "error", index: job.index, message: err instanceof Error ? err.message : String(err) } satisfies FromLabWorker),
  );
});
port.postMessage({ type: "ready" } satisfies FromLabWorker);
