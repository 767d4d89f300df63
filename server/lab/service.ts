// The lab as the desk serves it: one run at a time (the machine's cores go to it), stored as it starts and
// as it ends, progress streamed (a few times a second at most), cancellable by an operator. Runs left
// "running" by a desk that stopped are marked failed at start, so the list never shows a run that is not.
import { availableParallelism } from "node:os";
import type { LabFileDTO, LabProgressDTO, LabRunDTO, LabRunRequest, LabRunSummaryDTO, LabSetResult } from "@/lib/lab/types";
import { GridError } from "@/lib/lab/grid";
import type { JsonObject, LabResultRecord, LabRunRecord, LabRunStore } from "@/server/store";
import { PAPER_MARKETS } from "@/server/runner/paper-market";
import { runLab } from "@/server/lab/engine";
import { LabFileMissing, listLabFiles, resolveLabFile } from "@/server/lab/files";
import { planLab } from "@/server/lab/plan";

export class LabRejected extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409,
  ) {
    super(message);
    this.name = "LabRejected";
  }
}

export interface LabServiceOptions {
  store: LabRunStore;
  dataDir: string;
  /** Worker threads per run (default: one core less than the machine has, at least one: the desk keeps a core). */
  workers?: number;
  onProgress?: (p: LabProgressDTO) => void;
  /** Minimum ms between two progress events of a run (the last one always goes). */
  progressEveryMs?: number;
  log?: (line: string) => void;
}

export function summaryOf(r: LabRunRecord): LabRunSummaryDTO {
  const req = r.request as unknown as LabRunRequest;
  const m = PAPER_MARKETS[req.market.market].market;
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    market: req.market,
    grid: req.grid,
    tickMs: req.tickMs,
    sets: r.sets,
    simulations: r.simulations,
    completed: r.completed,
    createdBy: r.createdBy,
    createdAt: r.createdAt.getTime(),
    finishedAt: r.finishedAt?.getTime() ?? null,
    wallMs: r.wallMs,
    error: r.error,
    baseCurrency: m.baseCurrency ?? "base",
    quoteCurrency: m.quoteCurrency ?? "quote",
  };
}

export function recordOf(r: LabSetResult): LabResultRecord {
  const { perRun, path, ...figures } = r;
  return { ...figures, detail: { perRun, path } as unknown as JsonObject };
}

export function resultOf(r: LabResultRecord): LabSetResult {
  const { detail, ...figures } = r;
  const d = detail as unknown as Pick<LabSetResult, "perRun" | "path">;
  return { ...figures, perRun: d.perRun, path: d.path };
}

export class LabService {
  private current: { id: string; abort: AbortController; done: Promise<void> } | null = null;
  private readonly ready: Promise<void>;

  constructor(private readonly opts: LabServiceOptions) {
    this.ready = this.markInterrupted();
  }

  private async markInterrupted(): Promise<void> {
    try {
      for (const r of await this.opts.store.listLabRuns(500)) {
        if (r.status === "running") await this.opts.store.updateLabRun(r.id, { status: "failed", error: "the desk stopped while this run was under way", finishedAt: new Date() });
      }
    } catch (err) {
      this.opts.log?.(`[lab] could not check for interrupted runs: ${(err as Error).message}`);
    }
  }

  files(): LabFileDTO[] {
    return listLabFiles(this.opts.dataDir);
  }

  async list(limit = 50): Promise<LabRunSummaryDTO[]> {
    await this.ready;
    return (await this.opts.store.listLabRuns(limit)).map(summaryOf);
  }

  async get(id: string): Promise<LabRunDTO> {
    await this.ready;
    const r = await this.opts.store.getLabRun(id);
    if (!r) throw new LabRejected(`no lab run ${id}`, 404);
    return { ...summaryOf(r.run), results: r.results.map(resultOf) };
  }

  /** Plans (bad input throws LabRejected 400 and stores nothing), stores the run, and starts it. */
  async start(req: LabRunRequest, by: string): Promise<LabRunSummaryDTO> {
    await this.ready;
    if (this.current) throw new LabRejected("a lab run is already under way: wait for it or cancel it", 409);
    let plan;
    try {
      const file = req.market.kind === "replay" ? resolveLabFile(req.market, this.opts.dataDir) : undefined;
      plan = planLab(req, file);
    } catch (err) {
      if (err instanceof GridError || err instanceof LabFileMissing) throw new LabRejected(err.message, 400);
      throw err;
    }
    if (this.current) throw new LabRejected("a lab run is already under way: wait for it or cancel it", 409);
    const abort = new AbortController();
    const slot = { id: "", abort, done: Promise.resolve() };
    this.current = slot;
    let run: LabRunRecord;
    try {
      run = await this.opts.store.createLabRun({
        name: req.name || req.grid.join(" "),
        request: req as unknown as JsonObject,
        sets: plan.sets.length,
        simulations: plan.jobs.length,
        createdBy: by,
      });
    } catch (err) {
      this.current = null;
      throw err;
    }
    slot.id = run.id;
    slot.done = this.work(run, plan, abort.signal).finally(() => {
      if (this.current === slot) this.current = null;
    });
    return summaryOf(run);
  }

  private async work(run: LabRunRecord, plan: ReturnType<typeof planLab>, signal: AbortSignal): Promise<void> {
    const { store } = this.opts;
    const every = this.opts.progressEveryMs ?? 250;
    let last = 0;
    const started = Date.now();
    const progress = (completed: number, status: LabProgressDTO["status"]) => this.opts.onProgress?.({ id: run.id, completed, simulations: run.simulations, status });
    progress(0, "running");
    const outcome = await runLab(plan, {
      workers: this.opts.workers ?? Math.max(1, availableParallelism() - 1),
      signal,
      onProgress: (completed) => {
        const now = Date.now();
        if (completed < run.simulations && now - last < every) return;
        last = now;
        progress(completed, "running");
      },
    });
    const wallMs = Date.now() - started;
    try {
      if (outcome.status === "done") {
        await store.saveLabResults(run.id, outcome.results.map(recordOf));
        await store.updateLabRun(run.id, { status: "done", completed: run.simulations, finishedAt: new Date(), wallMs });
        progress(run.simulations, "done");
      } else if (outcome.status === "cancelled") {
        await store.updateLabRun(run.id, { status: "cancelled", completed: outcome.completed, finishedAt: new Date(), wallMs });
        progress(outcome.completed, "cancelled");
      } else {
        await store.updateLabRun(run.id, { status: "failed", error: outcome.error, finishedAt: new Date(), wallMs });
        progress(0, "failed");
      }
    } catch (err) {
      this.opts.log?.(`[lab] run ${run.id} could not be stored: ${(err as Error).message}`);
      progress(0, "failed");
    }
  }

  /** Stops the run under way; resolves once it is stored as cancelled. */
  async cancel(id: string): Promise<LabRunSummaryDTO> {
    await this.ready;
    const c = this.current;
    if (!c || c.id !== id) {
      const r = await this.opts.store.getLabRun(id);
      if (!r) throw new LabRejected(`no lab run ${id}`, 404);
      throw new LabRejected(`lab run ${id} is not running (${r.run.status})`, 409);
    }
    c.abort.abort();
    await c.done;
    const r = await this.opts.store.getLabRun(id);
    return summaryOf(r!.run);
  }

  /** Resolves when the run under way (if any) has finished and been stored. */
  async idle(): Promise<void> {
    await this.current?.done;
  }

  async close(): Promise<void> {
    this.current?.abort.abort();
    await this.idle();
  }
}
