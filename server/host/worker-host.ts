// RunnerHost backed by a worker thread. The web thread (Next, HTTP API, socket.io) and the runner share
// a process but not an event loop: rendering pages or serving a hundred sockets cannot delay a tick.
// A worker thread rather than a child process: one `npm start`, one PID to signal, structured-clone
// messages, and the worker still dies with the process.
import { Worker } from "node:worker_threads";
import { CommandRejected } from "@/server/runner/commands";
import type { RunnerHost } from "@/server/host/runner-host";
import type { WorkerInit, WorkerMessage } from "@/server/host/worker-protocol";
import type { WebConfig } from "@/server/config/web-config";
import { snapshotDto } from "@/server/runner/publisher";
import type { Snapshot } from "@/server/store";
import { readPortClient, type ReadCall } from "@/server/store/read-port";
import { EventRouter, deskHost } from "@/server/host/worker-host-parts";

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

/** Which calls went to the runner's thread and how many reads went straight to the database thread. */
export interface HostStats {
  runnerCalls: Record<string, number>;
  directReads: number;
}

export async function createRunnerHost(
  config: Pick<WebConfig, "dataDir" | "mode">,
  env: Record<string, string | undefined> = process.env,
): Promise<RunnerHost & { stats(): HostStats }> {
  const init: WorkerInit = { dataDir: config.dataDir, mode: config.mode, env: { ...env } };
  const worker = new Worker(new URL("./runner-worker-boot.mjs", import.meta.url), { workerData: init, execArgv: process.execArgv });
  const pending = new Map<number, Pending>();
  const router = new EventRouter();
  let nextId = 1;
  let dead: string | null = null;
  let reader: { call: ReadCall; strategyId: string } | null = null;
  const stats: HostStats = { runnerCalls: {}, directReads: 0 };

  const ready = new Promise<void>((resolve, reject) => {
    worker.on("message", (m: WorkerMessage) => {
      switch (m.type) {
        case "ready":
          router.defaultId = m.defaultStrategyId;
          resolve();
          break;
        case "desk":
          router.overview(m.overview);
          break;
        case "readPort":
          reader = { call: readPortClient(m.port), strategyId: m.strategyId };
          break;
        case "fatal":
          dead = m.message;
          reject(new Error(`runner failed to start: ${m.message}`));
          break;
        case "result": {
          const p = pending.get(m.id);
          if (!p) break;
          pending.delete(m.id);
          if (m.ok) p.resolve(m.value);
          else if (m.error.name === "CommandRejected") p.reject(new CommandRejected(m.error.message, m.error.fields, m.error.status));
          else p.reject(Object.assign(new Error(m.error.message), { name: m.error.name }));
          break;
        }
        case "event":
          router.dispatch(m.event, m.payload, m.strategyId);
          break;
      }
    });
    worker.on("error", (err) => {
      dead = err.message;
      reject(err);
      for (const p of pending.values()) p.reject(new CommandRejected(`runner stopped: ${err.message}`, undefined, 503));
      pending.clear();
      console.error(`[runner] worker error: ${err.stack ?? err.message}`);
    });
    worker.on("exit", (code) => {
      dead ??= `exited with code ${code}`;
      reject(new Error(`runner ${dead}`));
      for (const p of pending.values()) p.reject(new CommandRejected(`runner stopped (${dead})`, undefined, 503));
      pending.clear();
    });
  });
  await ready;

  const callFor =
    (strategyId: string | undefined) =>
    <T>(method: string, ...args: unknown[]): Promise<T> => {
      if (dead) return Promise.reject(new CommandRejected(`runner stopped (${dead})`, undefined, 503));
      const id = nextId++;
      stats.runnerCalls[method] = (stats.runnerCalls[method] ?? 0) + 1;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ type: "call", id, method, args, ...(strategyId ? { strategyId } : {}) });
      });
    };
  const call = callFor(undefined);

  /** The calls about one strategy: the default one when `strategyId` is undefined. */
  const strategyHost = (strategyId: string | undefined): RunnerHost => {
    const c = callFor(strategyId);
    return {
      status: () => c("status"),
      snapshots: async (q) => {
        if (!reader || dead) return c("snapshots", q);
        stats.directReads++;
        const range = { from: q.from !== undefined ? new Date(q.from) : undefined, to: q.to !== undefined ? new Date(q.to) : undefined, limit: q.limit };
        const rows = (await reader.call("listSnapshots", [strategyId ?? reader.strategyId, range])) as Snapshot[];
        return rows.map(snapshotDto);
      },
      fills: (limit) => c("fills", limit),
      orders: (limit) => c("orders", limit),
      alerts: (limit) => c("alerts", limit),
      fillsPage: (q) => c("fillsPage", q),
      ordersPage: (q) => c("ordersPage", q),
      market: () => c("market"),
      acknowledgeAlert: (id, by) => c("acknowledgeAlert", id, by),
      acknowledgeAllAlerts: (by) => c("acknowledgeAllAlerts", by),
      params: () => c("params"),
      previewParams: (p, base) => c("previewParams", p, base),
      applyParams: (p, reason, by, base) => c("applyParams", p, reason, by, base),
      rollbackParams: (v, reason, by) => c("rollbackParams", v, reason, by),
      control: (a, by) => c("control", a, by),
      emergencyPreview: () => c("emergencyPreview"),
      emergencyClose: (by) => c("emergencyClose", by),
      resolveMismatch: (req, by) => c("resolveMismatch", req, by),
      mergePair: (by) => c("mergePair", by),
      audit: (e) => c("audit", e),
      auditLog: (q) => c("auditLog", q),
      performance: (r) => c("performance", r),
      metrics: (reset) => c("metrics", reset),
      on: (event, listener) => router.on(strategyId ?? null, event, listener),
      stop: () => Promise.reject(new CommandRejected("stop the desk, not one strategy's view of it", undefined, 409)),
    };
  };
  const perStrategy = new Map<string, RunnerHost>();
  const desk = deskHost(call, router);

  return {
    ...strategyHost(undefined),
    stats: () => ({ runnerCalls: { ...stats.runnerCalls }, directReads: stats.directReads }),
    labRuns: {
      createLabRun: (run) => call("lab", "createLabRun", run),
      updateLabRun: (id, patch) => call("lab", "updateLabRun", id, patch),
      saveLabResults: (id, results) => call("lab", "saveLabResults", id, results),
      listLabRuns: (limit) => call("lab", "listLabRuns", limit),
      getLabRun: (id) => call("lab", "getLabRun", id),
    },
    desk,
    forStrategy(strategyId) {
      let h = perStrategy.get(strategyId);
      if (!h) perStrategy.set(strategyId, (h = { ...strategyHost(strategyId), desk }));
      return h;
    },
    async stop(reason) {
      if (dead) return;
      await call("stop", reason);
      dead = "stopped";
      await worker.terminate();
    },
  };
}
