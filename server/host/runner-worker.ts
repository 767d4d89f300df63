// The runner's thread: owns the database, the venues and the clocks. The web thread talks to it only by
// messages, so a burst of page loads or sockets can delay an answer but never a tick. A paper desk runs
// many strategies (server/desk), the environment's one among them; a live desk runs one.
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import Decimal from "decimal.js";
import { parentPort, workerData } from "node:worker_threads";
import { CommandRejected, type ControlAction } from "@/server/runner/commands";
import { runnerEnvFrom, type RunnerEnv } from "@/server/host/runner-env";
import { setThreadNice } from "@/server/host/thread-priority";
import type { CallMessage, SerializedError, WorkerInit, WorkerMessage } from "@/server/host/worker-protocol";
import { liveParamsPreset, openLiveSession } from "@/server/runner/open-live-session";
import { liveConfigFromEnv } from "@/server/config/live-config";
import { PAPER_MARKETS } from "@/server/runner/paper-market";
import type { Runner } from "@/server/runner/runner";
import type { RemoteStore } from "@/server/store/remote-store";
import { openRemoteStore } from "@/server/store/remote-store";
import { separateHistory } from "@/server/runner/strategy-history";
import { parseStrategyParams } from "@/lib/strategy";
import type { JsonObject, Store } from "@/server/store";
import { Desk } from "@/server/desk/desk";
import { strategyMethods, type Methods } from "@/server/host/strategy-methods";
import { deskMethods, singleDeskMethods } from "@/server/host/desk-methods";
import { startRecording, type WatchTrades } from "@/server/host/recording";

const LAB_METHODS: ReadonlySet<string> = new Set(["createLabRun", "updateLabRun", "saveLabResults", "listLabRuns", "getLabRun"]);

const port = parentPort;
if (!port) throw new Error("runner-worker must run in a worker thread");
const post = (m: WorkerMessage) => port.postMessage(m);
const init = workerData as WorkerInit;

function serialize(err: unknown): SerializedError {
  if (err instanceof CommandRejected) return { name: err.name, message: err.message, fields: err.fields, status: err.status };
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message };
}

interface Opened {
  store: Store;
  defaultRunner: () => Runner;
  defaultId: string;
  /** Methods of one strategy (throws CommandRejected when it does not run). */
  methodsOf: (id: string) => Methods;
  desk: Methods;
  runners: () => Runner[];
  close: (reason: string) => Promise<void>;
}

async function openPaperDesk(env: RunnerEnv, runnerConfig: object, db: object, log: (l: string) => void): Promise<Opened> {
  const store = await openRemoteStore(db);
  try {
    const name = env.SKEWDESK_STRATEGY ?? `paper-${env.SKEWDESK_MARKET}`;
    const paper = PAPER_MARKETS[env.SKEWDESK_MARKET];
    await separateHistory(store, name, "paper", "paper");
    // The environment's strategy: created on a fresh machine (npm start), its market settings following the env.
    const def = await store.ensureStrategy({
      name,
      market: paper.market.symbol,
      symbol: paper.market.symbol,
      venue: "paper",
      mode: "paper",
      initialParams: parseStrategyParams(paper.params) as unknown as JsonObject,
      settings: { market: env.SKEWDESK_MARKET, seed: env.SKEWDESK_SEED, tickMs: env.SKEWDESK_TICK_MS, ...(env.SKEWDESK_REGIME ? { regime: env.SKEWDESK_REGIME } : {}) },
    });
    const emit = (strategyId: string, event: string, payload: unknown) => post({ type: "event", event, payload, strategyId } as WorkerMessage);
    const desk = new Desk({
      store,
      clock: "wall",
      journalDir: init.dataDir,
      paperAccountDir: join(init.dataDir, "paper-account"),
      runnerConfig,
      maxTotalPosition: env.SKEWDESK_MAX_TOTAL_POSITION ?? null,
      accountOrdersPerSecond: env.SKEWDESK_MAX_ORDERS_PER_SEC,
      emit,
      log,
    });
    await desk.startAll();
    const limits = { maxInventory: env.SKEWDESK_MAX_INVENTORY, maxOrderSize: env.SKEWDESK_MAX_ORDER_SIZE };
    const cache = new Map<Runner, Methods>();
    return {
      store,
      defaultId: def.id,
      defaultRunner: () => desk.runner(def.id),
      methodsOf: (id) => {
        const runner = desk.runner(id);
        let m = cache.get(runner);
        if (!m) {
          const market = PAPER_MARKETS[desk.settingsOf(runner.strategy).market];
          cache.set(runner, (m = strategyMethods({ runner, store, market: market.market, preset: market.params as Record<string, unknown>, limits })));
        }
        return m;
      },
      desk: deskMethods(desk, limits),
      runners: () => desk.runners().map((r) => r.runner),
      close: async (reason) => {
        await desk.close(reason);
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

async function main(): Promise<void> {
  const env = runnerEnvFrom(init.env);
  // Before anything starts: the threads the runner starts (the database's, the venue's) inherit it.
  if (env.SKEWDESK_RUNNER_NICE !== undefined) console.log(`[runner] ${setThreadNice(env.SKEWDESK_RUNNER_NICE).line}`);
  // The slow part of a first start (creating and migrating the embedded database): say so as it happens.
  const opening = Date.now();
  console.log(`[runner] opening ${env.DATABASE_URL ? "PostgreSQL" : `the embedded database in ${join(init.dataDir, "pglite")}`}, applying migrations, recovering the desk's state…`);
  const runnerConfig = {
    maxOrdersPerSecond: env.SKEWDESK_MAX_ORDERS_PER_SEC,
    ...(env.SKEWDESK_STALE_AFTER_MS ? { staleAfterMs: env.SKEWDESK_STALE_AFTER_MS } : {}),
    reconcileEveryMs: env.SKEWDESK_RECONCILE_EVERY_MS,
    reconcileTolerance: env.SKEWDESK_RECONCILE_TOLERANCE ? new Decimal(env.SKEWDESK_RECONCILE_TOLERANCE) : null,
    venueDeadlineMs: env.SKEWDESK_VENUE_DEADLINE_MS,
  };
  const log = (line: string) => console.log(`[runner] ${line}`);
  // exclusive: one desk per PostgreSQL schema (a second start is refused); PGlite has its folder lock.
  const db = env.DATABASE_URL
    ? { databaseUrl: env.DATABASE_URL, exclusive: true, connectTimeoutMs: env.SKEWDESK_DB_CONNECT_TIMEOUT_MS, statementTimeoutMs: env.SKEWDESK_DB_STATEMENT_TIMEOUT_MS }
    : { dataDir: join(init.dataDir, "pglite") };
  let opened: Opened;
  if (init.mode === "live") {
    const emit = (event: string, payload: unknown) => post({ type: "event", event, payload } as WorkerMessage);
    const session = await openLiveSession({ live: liveConfigFromEnv(init.env), strategyName: env.SKEWDESK_STRATEGY, tickMs: env.SKEWDESK_TICK_MS, db, journalDir: init.dataDir, runnerConfig, emit, log });
    const runner = session.runner;
    void session.clock.start();
    // A live desk's market is the venue's (its grid read at start) and its preset the live one.
    const base = strategyMethods({ runner, store: session.store, market: runner.market, preset: liveParamsPreset(runner.market), limits: { maxInventory: env.SKEWDESK_MAX_INVENTORY, maxOrderSize: env.SKEWDESK_MAX_ORDER_SIZE } });
    const pair = session.pair;
    // A YES/NO pair is one strategy on the dashboard: its controls apply to both legs, and it merges.
    const methods: Methods = pair
      ? {
          ...base,
          control: (a: ControlAction, by: string) => pair.pair.control(a, by),
          // The close flattens both legs, so the operator sees both before confirming.
          emergencyPreview: () => ({ ...runner.emergencyPreview(), symbol: runner.market.symbol, otherLegs: [{ ...pair.noRunner.emergencyPreview(), symbol: pair.noVenue.market.symbol }] }),
          emergencyClose: async (by: string) => {
            const [outcome, no] = await Promise.all([runner.emergencyClose(by), pair.noRunner.emergencyClose(by)]);
            return { ...outcome, message: `${outcome.message} (${pair.noVenue.market.symbol}: ${no.message})` };
          },
          mergePair: (by: string) => pair.merger.merge(by),
        }
      : base;
    opened = {
      store: session.store,
      defaultId: runner.strategyId,
      defaultRunner: () => runner,
      methodsOf: (id) => {
        if (id !== runner.strategyId) throw new CommandRejected(`no strategy ${id} on this live desk`, undefined, 404);
        return methods;
      },
      desk: singleDeskMethods(runner),
      runners: () => (pair ? [runner, pair.noRunner] : [runner]),
      close: (reason) => session.close(reason),
    };
  } else opened = await openPaperDesk(env, runnerConfig, db, log);
  console.log(`[runner] ${init.mode === "live" ? `live ${opened.defaultRunner().market.symbol}` : `${env.SKEWDESK_MARKET} paper`} desk ready in ${((Date.now() - opening) / 1000).toFixed(1)} s`);
  const { store } = opened;
  // The desk lock's connection broke: another desk could take the lock and quote the same strategies, so this
  // one stops quoting until an operator resumes (after the lock is back: the log says when).
  (store as Partial<RemoteStore>).onDbEvent?.((event, detail) => {
    if (event === "lockRegained") return console.log("[runner] desk lock re-taken; resume from the dashboard when ready");
    console.error(`[runner] desk lock lost (${detail}): pausing so that two desks never quote at once`);
    for (const r of opened.runners()) r.control("pause", "system: desk lock lost").catch((err: unknown) => console.error(`[runner] pause failed: ${(err as Error).message}`));
  });
  // The market the environment's strategy trades is recorded for the lab (replay format, rotated, capped).
  const recorded = opened.defaultRunner();
  const stopRecording = startRecording(env, init.dataDir, recorded, recorded.venue as unknown as { watchTrades?: WatchTrades }, log);
  // How late the runner thread's event loop runs: what any contention would do to ticks.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();

  const common: Methods = {
    metrics: (reset: boolean) => {
      const runner = opened.defaultRunner();
      const out = {
        ...runner.tickMetrics(reset),
        loopDelayP99Us: Math.round(loopDelay.percentile(99) / 1000),
        queuedWrites: runner.queuedWrites,
        oldestWriteAgeMs: runner.oldestWriteAgeMs,
        runnerHeapMb: Math.round(process.memoryUsage().heapUsed / 1e5) / 10,
      };
      if (reset) loopDelay.reset();
      return out;
    },
    // The lab's runs live in the desk's database; only these store methods answer.
    lab: (method: string, ...args: unknown[]) => {
      if (!LAB_METHODS.has(method)) throw new Error(`unknown lab method ${method}`);
      return (store[method as keyof typeof store] as (...a: unknown[]) => unknown).apply(store, args);
    },
    stop: async (reason: string) => {
      clearInterval(overviewTimer);
      stopRecording();
      await opened.close(reason);
    },
    ...opened.desk,
  };
  const overviewTimer = setInterval(() => {
    try {
      post({ type: "desk", overview: (opened.desk["desk.overview"] as () => never)() });
    } catch (err) {
      console.error(`[runner] overview failed: ${(err as Error).message}`);
    }
  }, 1_000);
  overviewTimer.unref();

  port!.on("message", async (m: CallMessage) => {
    if (m?.type !== "call") return;
    try {
      const fn = common[m.method] ?? opened.methodsOf(m.strategyId ?? opened.defaultId)[m.method];
      if (!fn) throw new Error(`unknown method ${m.method}`);
      const value = await (fn as (...a: unknown[]) => unknown)(...m.args);
      post({ type: "result", id: m.id, ok: true, value });
    } catch (err) {
      post({ type: "result", id: m.id, ok: false, error: serialize(err) });
    }
  });
  // History reads from the web thread go straight to the database thread, never through this one.
  const readPort = (store as Partial<RemoteStore>).openReadPort?.();
  if (readPort) port!.postMessage({ type: "readPort", port: readPort, strategyId: opened.defaultId } satisfies WorkerMessage, [readPort]);
  post({ type: "ready", defaultStrategyId: opened.defaultId });
}

main().catch((err: unknown) => {
  post({ type: "fatal", message: err instanceof Error ? err.message : String(err) });
});
