// Runs a planned lab: its simulations spread over worker threads (or in this thread with workers: 0),
// progress after each, cancellation at any moment (the threads are terminated: a cancelled run stops
// within milliseconds, whatever simulation was under way). Results come back in plan order, so the same
// plan gives the same results however the threads interleave.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { LabPathPoint, LabRunMetrics, LabSetResult } from "@/lib/lab/types";
import { aggregateSet } from "@/server/lab/aggregate";
import type { FromLabWorker, ToLabWorker } from "@/server/lab/lab-worker";
import type { LabJob, LabPlan } from "@/server/lab/plan";
import { simulate } from "@/server/lab/simulate";

export interface LabRunOptions {
  /** Worker threads; 0 runs in this thread. Default: the machine's cores. */
  workers?: number;
  /** After each finished simulation. */
  onProgress?: (completed: number, total: number) => void;
  signal?: AbortSignal;
}

export type LabOutcome =
  | { status: "done"; results: LabSetResult[] }
  | { status: "cancelled"; completed: number }
  | { status: "failed"; error: string };

type JobResult = { metrics: LabRunMetrics; path: LabPathPoint[] };

export const defaultLabWorkers = (): number => Math.max(1, availableParallelism());

export async function runLab(plan: LabPlan, opts: LabRunOptions = {}): Promise<LabOutcome> {
  const workers = Math.min(opts.workers ?? defaultLabWorkers(), plan.jobs.length);
  const results: (JobResult | undefined)[] = new Array(plan.jobs.length);
  let completed = 0;
  const done = (job: LabJob, r: JobResult) => {
    results[job.index] = r;
    completed++;
    opts.onProgress?.(completed, plan.jobs.length);
  };
  if (opts.signal?.aborted) return { status: "cancelled", completed: 0 };
  try {
    if (workers <= 0) await runHere(plan.jobs, done, opts.signal);
    else await runInThreads(plan.jobs, workers, done, opts.signal);
  } catch (err) {
    if (err instanceof Cancelled) return { status: "cancelled", completed };
    return { status: "failed", error: err instanceof Error ? err.message : String(err) };
  }
  if (opts.signal?.aborted) return { status: "cancelled", completed };
  return { status: "done", results: assemble(plan, results as JobResult[]) };
}

function assemble(plan: LabPlan, results: JobResult[]): LabSetResult[] {
  return plan.sets.map((set, setIndex) => {
    const mine = plan.jobs.filter((j) => j.setIndex === setIndex);
    const first = mine.find((j) => j.keepPath);
    return aggregateSet(
      setIndex,
      set,
      mine.map((j) => results[j.index]!.metrics),
      first ? results[first.index]!.path : [],
    );
  });
}

class Cancelled extends Error {}

async function runHere(jobs: readonly LabJob[], done: (j: LabJob, r: JobResult) => void, signal?: AbortSignal): Promise<void> {
  for (const job of jobs) {
    if (signal?.aborted) throw new Cancelled();
    const r = await simulate({ market: job.market, params: job.params, tickMs: job.tickMs, sampleEveryMs: job.sampleEveryMs, keepPath: job.keepPath, cancelled: () => signal?.aborted ?? false });
    if (signal?.aborted) throw new Cancelled();
    done(job, r);
  }
}

function runInThreads(jobs: readonly LabJob[], count: number, done: (j: LabJob, r: JobResult) => void, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const threads: Worker[] = [];
    let next = 0;
    let finished = 0;
    let over = false;
    const end = (err?: Error) => {
      if (over) return;
      over = true;
      signal?.removeEventListener("abort", onAbort);
      for (const w of threads) void w.terminate();
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => end(new Cancelled());
    signal?.addEventListener("abort", onAbort, { once: true });
    const feed = (w: Worker) => {
      if (next >= jobs.length) return;
      w.postMessage({ type: "job", job: jobs[next++]! } satisfies ToLabWorker);
    };
    for (let i = 0; i < count; i++) {
      const w = new Worker(new URL("./lab-worker-boot.mjs", import.meta.url), { execArgv: process.execArgv.filter((a) => !a.startsWith("--cpu-prof")) });
      threads.push(w);
      w.on("message", (m: FromLabWorker) => {
        if (over) return;
        if (m.type === "ready") return feed(w);
        if (m.type === "error") return end(new Error(`simulation ${m.index + 1} failed: ${m.message}`));
        done(jobs[m.index]!, { metrics: m.metrics, path: m.path });
        if (++finished === jobs.length) return end();
        feed(w);
      });
      w.on("error", (err) => end(new Error(`a lab worker failed: ${err.message}`)));
      w.on("exit", (code) => {
        if (!over) end(new Error(`a lab worker exited (code ${code}) before the run finished`));
      });
    }
  });
}
