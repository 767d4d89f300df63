// The RunnerHost of a web process of a scaled-out desk (SKEWDESK_ROLE=web): no runner of its own. The web
// server, API, hub and desk sockets are the one-process desk's, unchanged; behind them, this host:
// - hears every runner's strategy events and overview on the bus and hands them to the hub as a worker's;
// - merges the overview: each strategy's row from the runner that runs it, so every socket sees every strategy;
// - routes a call about a strategy to the runner holding its lease, and desk calls to one runner (the first
//   by name: create, metrics) or to all (pause, resume, close all: each answers for its own strategies);
// - reads history (charts) and the lab's runs straight from PostgreSQL.
import { Server } from "socket.io";
import type { DeskCommandReportDTO, DeskOverviewDTO, StrategyOverviewDTO } from "@/lib/desk";
import { resolveDbTarget } from "@/server/db/config";
import { ConfigError } from "@/server/config/web-config";
import type { DeskHost, RunnerHost } from "@/server/host/runner-host";
import { EventRouter, strategyCalls } from "@/server/host/worker-host-parts";
import { CommandRejected, type RunnerEvents } from "@/server/runner/commands";
import { snapshotDto } from "@/server/runner/publisher";
import type { Snapshot } from "@/server/store";
import { readPortClient } from "@/server/store/read-port";
import { openRemoteStore } from "@/server/store/remote-store";
import { BUS, busAdapter, type BusCall, type BusReply } from "@/server/cluster/bus";
import type { RunnerOverview } from "@/server/cluster/runner-bus";

/** A runner not heard from for this long is left out of the overview and of the routing. */
const SILENT_MS = 4_000;

export async function createClusterHost(env: Record<string, string | undefined>, log: (line: string) => void = (l) => console.log(l)): Promise<RunnerHost> {
  const target = resolveDbTarget({}, env);
  if (target.kind !== "postgres") throw new ConfigError("SKEWDESK_ROLE=web needs DATABASE_URL: a scaled-out desk runs on PostgreSQL");
  const store = await openRemoteStore({ databaseUrl: env.DATABASE_URL, connectTimeoutMs: target.connectTimeoutMs, statementTimeoutMs: target.statementTimeoutMs });
  const bus = busAdapter(target, "web", (l) => log(`[bus] ${l}`));
  const io = new Server({ adapter: bus.adapter, serveClient: false });
  const router = new EventRouter();
  const runners = new Map<string, { at: number; msg: RunnerOverview }>();

  io.on(BUS.event as never, (strategyId: string, event: keyof RunnerEvents, payload: unknown) => router.dispatch(event, payload, strategyId));
  io.on(BUS.overview as never, (msg: RunnerOverview) => {
    if (typeof msg?.runner === "string" && Array.isArray(msg.hosted) && msg.overview) runners.set(msg.runner, { at: Date.now(), msg });
  });
  // Another web process's call: not for us (answered at once, so it does not wait for a timeout).
  io.on(BUS.call as never, (_call: unknown, ack: unknown) => {
    if (typeof ack === "function") (ack as (r: BusReply) => void)({ skip: true });
  });

  const live = () => {
    const now = Date.now();
    for (const [id, r] of runners) if (now - r.at > SILENT_MS) runners.delete(id);
    return [...runners.values()].map((r) => r.msg).sort((a, b) => a.runner.localeCompare(b.runner));
  };
  const ownerOf = (strategyId: string) => live().find((r) => r.hosted.includes(strategyId))?.runner ?? null;
  const leader = () => {
    const first = live()[0];
    if (!first) throw new CommandRejected("no runner process is up: start one (npm run runner:cluster)", undefined, 503);
    return first.runner;
  };

  const merged = (): DeskOverviewDTO => {
    const rs = live();
    const rows = new Map<string, StrategyOverviewDTO>();
    for (const r of rs) for (const row of r.overview.strategies) if (!rows.has(row.id) || r.hosted.includes(row.id)) rows.set(row.id, row);
    const base = rs[0]?.overview;
    return {
      at: Date.now(),
      strategies: [...rows.values()].sort((a, b) => a.name.localeCompare(b.name)),
      // The desk-wide figures are each runner's own: the first runner's stand for the desk.
      totalExposure: base?.totalExposure ?? "0",
      maxTotalPosition: base?.maxTotalPosition ?? null,
      growthBlocked: rs.some((r) => r.overview.growthBlocked),
      paused: rs.length > 0 && rs.every((r) => r.overview.paused),
    };
  };
  const overviewTimer = setInterval(() => router.overview(merged()), 1_000);
  overviewTimer.unref();

  /** Sends a call to every process; the one it is for answers. */
  const send = (call: BusCall): Promise<BusReply[]> =>
    new Promise((resolve) => {
      // The adapter gives up on processes that have not answered after 5 s (a killed runner, until its
      // heartbeat is missed), with the answers it has: the one that matters is usually among them.
      io.serverSideEmit(BUS.call, call, (_err: unknown, replies: BusReply[] | undefined) => resolve(Array.isArray(replies) ? replies : []));
    });
  const unwrap = (r: BusReply | undefined, what: string): unknown => {
    if (!r || "skip" in r) throw new CommandRejected(`${what}: no runner process answered (a strategy moves to another runner within about 15 s after its runner stops)`, undefined, 503);
    if (r.ok) return r.value;
    if (r.error.status !== undefined) throw new CommandRejected(r.error.message, r.error.fields, r.error.status);
    throw Object.assign(new Error(r.error.message), { name: r.error.name });
  };
  const answered = (replies: BusReply[]) => replies.find((r) => !("skip" in r));
  const call = async (c: BusCall, what: string): Promise<unknown> => unwrap(answered(await send(c)), what);

  // The default strategy ("/" and the unprefixed API): the environment's, created by the first runner.
  const name = env.SKEWDESK_STRATEGY ?? `paper-${env.SKEWDESK_MARKET ?? "story"}`;
  const waitUntil = Date.now() + 120_000;
  let def = await store.getStrategy(name);
  while (!def && Date.now() < waitUntil) {
    await new Promise((r) => setTimeout(r, 500));
    def = (await store.getStrategy(name)) ?? (await store.listStrategies())[0] ?? null;
  }
  if (!def) throw new Error(`no strategy in the database after 120 s: start a runner process first (npm run runner:cluster)`);
  const defaultId = def.id;
  router.defaultId = defaultId;
  const reader = readPortClient(store.openReadPort());

  const strategyHost = (strategyId: string): RunnerHost => {
    const c = <T>(method: string, ...args: unknown[]) => call({ strategyId, method, args }, `strategy ${strategyId}`) as Promise<T>;
    return {
      ...strategyCalls(c),
      snapshots: async (q) => {
        const range = { from: q.from !== undefined ? new Date(q.from) : undefined, to: q.to !== undefined ? new Date(q.to) : undefined, limit: q.limit };
        return ((await reader("listSnapshots", [strategyId, range])) as Snapshot[]).map(snapshotDto);
      },
      on: (event, listener) => router.on(strategyId === defaultId ? null : strategyId, event, listener),
      stop: () => Promise.reject(new CommandRejected("stop the desk, not one strategy's view of it", undefined, 409)),
    };
  };

  const each = async (method: string, by: string): Promise<DeskCommandReportDTO> => {
    const replies = (await send({ runner: "*", method, args: [by] })).filter((r): r is Extract<BusReply, { ok: true }> => "ok" in r && r.ok);
    if (replies.length === 0) throw new CommandRejected("no runner process answered", undefined, 503);
    const reports = replies.map((r) => r.value as DeskCommandReportDTO);
    return { action: reports[0]!.action, results: reports.flatMap((r) => r.results) };
  };
  const desk: DeskHost = {
    overview: async () => merged(),
    onOverview: (l) => router.onOverview(l),
    strategy: async (id) => call(ownerOf(id) ? { strategyId: id, method: "desk.strategy", args: [id] } : { runner: leader(), method: "desk.strategy", args: [id] }, `strategy ${id}`) as never,
    create: async (req, by) => call({ runner: leader(), method: "desk.create", args: [req, by] }, "create") as never,
    lifecycle: async (id, action, by) =>
      call(ownerOf(id) ? { strategyId: id, method: "desk.lifecycle", args: [id, action, by] } : { runner: leader(), method: "desk.lifecycle", args: [id, action, by] }, `strategy ${id}`) as never,
    metrics: async (reset) => call({ runner: leader(), method: "desk.metrics", args: [reset] }, "metrics") as never,
    pause: (by) => each("desk.pause", by),
    resume: (by) => each("desk.resume", by),
    emergencyClose: (by) => each("desk.emergencyClose", by),
  };

  const perStrategy = new Map<string, RunnerHost>();
  return {
    ...strategyHost(defaultId),
    on: (event, listener) => router.on(null, event, listener),
    labRuns: store,
    desk,
    forStrategy(strategyId) {
      let h = perStrategy.get(strategyId);
      if (!h) perStrategy.set(strategyId, (h = { ...strategyHost(strategyId), desk }));
      return h;
    },
    async stop() {
      clearInterval(overviewTimer);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await bus.close();
      await store.close();
    },
  };
}
