// The runner's thread: owns the database, the venue and the clock. The web thread talks to it only by
// messages, so a burst of page loads or sockets can delay an answer but never a tick.
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import Decimal from "decimal.js";
import { parentPort, workerData } from "node:worker_threads";
import { resolveMismatchSchema, type AuditQuery, type FillsPageQuery, type OrdersPageQuery, type ParamsBase, type ResolveMismatchRequest } from "@/lib/events";
import { parseStrategyParams } from "@/lib/strategy/params";
import { CommandRejected, type ControlAction } from "@/server/runner/commands";
import { runnerEnvFrom } from "@/server/host/runner-env";
import type { CallMessage, SerializedError, WorkerInit, WorkerMessage } from "@/server/host/worker-protocol";
import { createParamCommands } from "@/server/host/param-commands";
import { openPaperSession } from "@/server/runner/open-paper-session";
import { liveParamsPreset, openLiveSession } from "@/server/runner/open-live-session";
import { liveConfigFromEnv } from "@/server/config/live-config";
import { PAPER_MARKETS } from "@/server/runner/paper-market";
import { storedOrderDto } from "@/server/runner/publisher";
import type { JsonValue } from "@/server/store";
import type { RemoteStore } from "@/server/store/remote-store";
import { alertDto, fillDto, marketDto, snapshotDto } from "@/server/host/dto";
import { auditPage, fillsPage, ordersPage, performance } from "@/server/host/history";
import { previewSideBySide } from "@/server/host/preview";
import type { RegimeSetting } from "@/server/venue/paper";
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

async function main(): Promise<void> {
  const env = runnerEnvFrom(init.env);
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
  const emit = (event: string, payload: unknown) => post({ type: "event", event, payload } as WorkerMessage);
  const log = (line: string) => console.log(`[runner] ${line}`);
  // exclusive: one desk per PostgreSQL schema (a second start is refused); PGlite has its folder lock.
  const db = env.DATABASE_URL
    ? {
        databaseUrl: env.DATABASE_URL,
        exclusive: true,
        connectTimeoutMs: env.SKEWDESK_DB_CONNECT_TIMEOUT_MS,
        statementTimeoutMs: env.SKEWDESK_DB_STATEMENT_TIMEOUT_MS,
      }
    : { dataDir: join(init.dataDir, "pglite") };
  const session =
    init.mode === "live"
      ? await openLiveSession({ live: liveConfigFromEnv(init.env), strategyName: env.SKEWDESK_STRATEGY, tickMs: env.SKEWDESK_TICK_MS, db, journalDir: init.dataDir, runnerConfig, emit, log })
      : await openPaperSession({
          strategyName: env.SKEWDESK_STRATEGY,
          market: env.SKEWDESK_MARKET,
          seed: env.SKEWDESK_SEED,
          regime: env.SKEWDESK_REGIME as RegimeSetting | undefined,
          tickMs: env.SKEWDESK_TICK_MS,
          speed: "realtime",
          db,
          dbThread: true,
          journalDir: init.dataDir,
          runnerConfig,
          emit,
          log,
        });
  console.log(`[runner] ${init.mode === "live" ? `live ${session.runner.market.symbol}` : `${env.SKEWDESK_MARKET} paper`} market ready in ${((Date.now() - opening) / 1000).toFixed(1)} s`);
  const { runner, store } = session;
  const sid = runner.strategyId;
  // The desk lock's connection broke: another desk could take the lock and quote the same strategy, so this
  // one stops quoting until an operator resumes it (after the lock is back: the log says when).
  (store as Partial<RemoteStore>).onDbEvent?.((event, detail) => {
    if (event === "lockRegained") return console.log("[runner] desk lock re-taken; resume from the dashboard when ready");
    console.error(`[runner] desk lock lost (${detail}): pausing so that two desks never quote at once`);
    runner.control("pause", "system: desk lock lost").catch((err: unknown) => console.error(`[runner] pause failed: ${(err as Error).message}`));
  });
  void session.clock.start();
  const stopRecording = startRecording(env, init.dataDir, runner, session.venue as unknown as { watchTrades?: WatchTrades }, log);
  // How late the runner thread's event loop runs: what any contention would do to ticks.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const paper = PAPER_MARKETS[env.SKEWDESK_MARKET];
  // A live desk's market is the venue's (its grid read at start) and its preset the live one.
  const deskMarket = init.mode === "live" ? runner.market : paper.market;
  const preset = init.mode === "live" ? liveParamsPreset(runner.market) : (paper.params as Record<string, unknown>);
  const market = marketDto(deskMarket, parseStrategyParams(preset) as unknown as Record<string, unknown>);
  // A preview prices the parameters in force beside the proposal, on the same book (preview.ts).
  const previewTarget = {
    previewParams: (params: Record<string, unknown>) =>
      previewSideBySide(
        {
          paramVersion: () => runner.status().paramVersion,
          paramsOf: async (v) => (await store.getParameterVersion(sid, v))?.params ?? null,
          preview: (p) => runner.previewParams(p),
        },
        params,
      ),
    applyParams: (input: Record<string, unknown>, reason: string, by: string) => runner.applyParams(input, reason, by),
    rollbackParams: (version: number, reason: string, by: string) => runner.rollbackParams(version, reason, by),
  };
  const paramCommands = createParamCommands(previewTarget, {
    market: deskMarket,
    preset,
    limits: { maxInventory: env.SKEWDESK_MAX_INVENTORY, maxOrderSize: env.SKEWDESK_MAX_ORDER_SIZE },
    current: async () => ((await store.getParameterVersion(sid))?.params ?? {}) as Record<string, unknown>,
    version: async (n) => ((await store.getParameterVersion(sid, n))?.params ?? null) as Record<string, unknown> | null,
  });

  const methods: Record<string, (...args: never[]) => unknown> = {
    status: () => runner.status(),
    snapshots: async (q: { from?: number; to?: number; limit: number }) =>
      (await store.listSnapshots(sid, { from: q.from !== undefined ? new Date(q.from) : undefined, to: q.to !== undefined ? new Date(q.to) : undefined, limit: q.limit })).map(snapshotDto),
    fills: async (limit: number) => (await store.listFills(sid, { limit })).map(fillDto),
    orders: async (limit: number) => (await store.listOrders(sid, { limit })).map(storedOrderDto),
    alerts: async (limit: number) => (await store.listAlerts(sid, { limit })).map(alertDto),
    fillsPage: (q: FillsPageQuery) => fillsPage(store, sid, q),
    ordersPage: (q: OrdersPageQuery) => ordersPage(store, sid, q),
    market: () => market,
    acknowledgeAlert: async (id: string, by: string) => {
      const a = await store.acknowledgeAlert(id, by);
      if (!a) throw new CommandRejected(`no alert ${id}`, { id: "no such alert" }, 404);
      return alertDto(a);
    },
    acknowledgeAllAlerts: async (by: string) => (await store.acknowledgeAllAlerts(sid, by)).map(alertDto),
    params: () => runner.paramsList(),
    previewParams: (p: Record<string, unknown>, base?: ParamsBase) => paramCommands.preview(p, base),
    applyParams: (p: Record<string, unknown>, reason: string, by: string, base?: ParamsBase) => paramCommands.apply(p, reason, by, base),
    rollbackParams: (v: number, reason: string, by: string) => paramCommands.rollback(v, reason, by),
    control: (a: ControlAction, by: string) => runner.control(a, by),
    emergencyPreview: () => runner.emergencyPreview(),
    emergencyClose: (by: string) => runner.emergencyClose(by),
    resolveMismatch: (req: ResolveMismatchRequest, by: string) => runner.resolveMismatch(resolveMismatchSchema.parse(req), by),
    audit: async (e: { actor: string; action: string; target: string; before?: unknown; after?: unknown; ip?: string }) => {
      await store.recordAudit({ ...e, before: e.before as JsonValue, after: e.after as JsonValue });
    },
    auditLog: (q: AuditQuery) => auditPage(store, q),
    performance: (r: { from: number; to: number }) => performance(store, sid, r),
    metrics: (reset: boolean) => {
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
      stopRecording();
      await session.close(reason);
    },
  };

  port!.on("message", async (m: CallMessage) => {
    if (m?.type !== "call") return;
    const fn = methods[m.method];
    try {
      if (!fn) throw new Error(`unknown method ${m.method}`);
      const value = await (fn as (...a: unknown[]) => unknown)(...m.args);
      post({ type: "result", id: m.id, ok: true, value });
    } catch (err) {
      post({ type: "result", id: m.id, ok: false, error: serialize(err) });
    }
  });
  // History reads from the web thread go straight to the database thread, never through this one.
  const readPort = (store as Partial<RemoteStore>).openReadPort?.();
  if (readPort) port!.postMessage({ type: "readPort", port: readPort, strategyId: sid } satisfies WorkerMessage, [readPort]);
  post({ type: "ready" });
}

main().catch((err: unknown) => {
  post({ type: "fatal", message: err instanceof Error ? err.message : String(err) });
});
