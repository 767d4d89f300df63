// A runner process of a scaled-out desk (SKEWDESK_ROLE=runner): no web server, no strategy of its own. It
// shares the PostgreSQL desk with the other runners: it hosts the running strategies whose leases it holds
// (server/cluster/lease-keeper.ts), each on its paper account in the shared paper venue, every order fenced
// by the lease and carrying its epoch. Its strategies' live streams and its part of the overview go to the
// web processes through socket.io's PostgreSQL adapter (cluster-bus.ts).
import { hostname } from "node:os";
import { join } from "node:path";
import Decimal from "decimal.js";
import { z } from "zod";
import { paperSettingsSchema } from "@/lib/desk";
import { resolveDbTarget } from "@/server/db/config";
import { takeSharedDeskLock } from "@/server/db/pg-lock";
import { Desk } from "@/server/desk/desk";
import { runnerEnvFrom, type RunnerEnv } from "@/server/host/runner-env";
import { setThreadNice } from "@/server/host/thread-priority";
import { parseStrategyParams } from "@/lib/strategy";
import { newClientTag } from "@/server/runner/client-ids";
import type { JsonObject, Store } from "@/server/store";
import { paperAccountFolder } from "@/server/runner/open-paper-session";
import { PAPER_MARKETS } from "@/server/runner/paper-market";
import { openRemoteStore } from "@/server/store/remote-store";
import { fenceVenue } from "@/server/cluster/fenced-venue";
import { LeaseKeeper, leaseOptionsFrom } from "@/server/cluster/lease-keeper";
import { RemoteVenue } from "@/server/cluster/remote-venue";
import { ensurePrivateDir } from "@/server/config/private-dir";
import { busAdapter } from "@/server/cluster/bus";
import { attachRunnerBus } from "@/server/cluster/runner-bus";

const clusterEnvSchema = z.object({
  DATABASE_URL: z.string({ error: "is required: a scaled-out desk runs on PostgreSQL" }).min(1, "is required: a scaled-out desk runs on PostgreSQL"),
  SKEWDESK_PAPER_VENUE_URL: z
    .string({ error: "is required: the shared paper venue's URL (npm run paper-venue prints it)" })
    .url("must be the shared paper venue's URL, e.g. http://127.0.0.1:8790")
    .refine((u) => /^https?:$/.test(new URL(u).protocol), "must start with http:// or https://"),
  SKEWDESK_RUNNER_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,40}$/, "letters, digits, . _ - (at most 40)")
    .default(`${hostname().replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 24)}-${process.pid}`),
  SKEWDESK_LEASE_TTL_MS: z.coerce.number().int().min(2_000, "must be at least 2000 (ms)").max(120_000, "must be at most 120000 (ms)").default(5_000),
  SKEWDESK_DATA_DIR: z.string().min(1).default("./data"),
});
export type ClusterEnv = z.infer<typeof clusterEnvSchema>;

export function clusterEnvFrom(env: Record<string, string | undefined>): ClusterEnv {
  const blank = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === "" ? undefined : v]));
  const r = clusterEnvSchema.safeParse(blank);
  if (!r.success) throw new Error(`Invalid scale-out environment: ${r.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  return r.data;
}

/** The environment's strategy, created by the first runner on a fresh database (as `npm start` does), tagged. */
async function ensureDefaultStrategy(store: Store, env: RunnerEnv): Promise<void> {
  const name = env.SKEWDESK_STRATEGY ?? `paper-${env.SKEWDESK_MARKET}`;
  if (await store.getStrategy(name)) return;
  const paper = PAPER_MARKETS[env.SKEWDESK_MARKET];
  try {
    await store.ensureStrategy({
      name,
      market: paper.market.symbol,
      symbol: paper.market.symbol,
      venue: "paper",
      mode: "paper",
      clientTag: newClientTag(),
      initialParams: parseStrategyParams(paper.params) as unknown as JsonObject,
      settings: { market: env.SKEWDESK_MARKET, seed: env.SKEWDESK_SEED, tickMs: env.SKEWDESK_TICK_MS, ...(env.SKEWDESK_REGIME ? { regime: env.SKEWDESK_REGIME } : {}) },
    });
  } catch (err) {
    // Another runner starting beside this one created it first.
    if (!(await store.getStrategy(name))) throw err;
  }
}

export interface ClusterRunner {
  desk: Desk;
  leases: LeaseKeeper;
  owner: string;
  stop(reason: string): Promise<void>;
}

export async function startClusterRunner(env: Record<string, string | undefined>, log: (line: string) => void = (l) => console.log(l)): Promise<ClusterRunner> {
  const cluster = clusterEnvFrom(env);
  const runnerEnv = runnerEnvFrom(env);
  // A scaled-out runner is a process of its own: its main thread runs the desk.
  if (runnerEnv.SKEWDESK_RUNNER_NICE !== undefined) log(setThreadNice(runnerEnv.SKEWDESK_RUNNER_NICE).line);
  const target = resolveDbTarget({ databaseUrl: cluster.DATABASE_URL }, env);
  if (target.kind !== "postgres") throw new Error("a scaled-out desk needs PostgreSQL");
  const dataDir = join(cluster.SKEWDESK_DATA_DIR, `runner-${cluster.SKEWDESK_RUNNER_ID}`);
  ensurePrivateDir(dataDir);
  const pgSettings = { connectionString: target.connectionString, schema: target.schema, display: target.display, connectTimeoutMs: target.connectTimeoutMs, statementTimeoutMs: target.statementTimeoutMs };
  // Not exclusive: several runners share the schema (the leases say who runs what), a one-process desk does not.
  const deskLock = await takeSharedDeskLock(pgSettings);
  const store = await openRemoteStore({ databaseUrl: cluster.DATABASE_URL, connectTimeoutMs: target.connectTimeoutMs, statementTimeoutMs: target.statementTimeoutMs });
  const owner = cluster.SKEWDESK_RUNNER_ID;
  let leases: LeaseKeeper | null = null;
  // eslint-disable-next-line prefer-const -- the desk and its bus refer to each other
  let desk: Desk;
  const bus = attachRunnerBus({
    owner,
    desk: () => desk,
    store,
    bus: busAdapter(pgSettings, `runner ${owner}`, (l) => log(`[bus] ${l}`)),
    limits: { maxInventory: runnerEnv.SKEWDESK_MAX_INVENTORY, maxOrderSize: runnerEnv.SKEWDESK_MAX_ORDER_SIZE },
    log: (l) => log(`[bus] ${l}`),
  });
  desk = new Desk({
    store,
    clock: "wall",
    journalDir: dataDir,
    paperAccountDir: null,
    hosting: "leased",
    runnerConfig: {
      maxOrdersPerSecond: runnerEnv.SKEWDESK_MAX_ORDERS_PER_SEC,
      reconcileEveryMs: runnerEnv.SKEWDESK_RECONCILE_EVERY_MS,
      reconcileTolerance: runnerEnv.SKEWDESK_RECONCILE_TOLERANCE ? new Decimal(runnerEnv.SKEWDESK_RECONCILE_TOLERANCE) : null,
      venueDeadlineMs: runnerEnv.SKEWDESK_VENUE_DEADLINE_MS,
      ...(runnerEnv.SKEWDESK_STALE_AFTER_MS ? { staleAfterMs: runnerEnv.SKEWDESK_STALE_AFTER_MS } : {}),
    },
    maxTotalPosition: runnerEnv.SKEWDESK_MAX_TOTAL_POSITION ?? null,
    exposureElsewhere: () => leases?.exposureElsewhere() ?? new Decimal(0),
    accountOrdersPerSecond: runnerEnv.SKEWDESK_MAX_ORDERS_PER_SEC,
    openVenue: async (s) => {
      const settings = paperSettingsSchema.parse(s.settings ?? {});
      const hello = { account: paperAccountFolder(s.name, settings.market, settings.seed), market: settings.market, seed: settings.seed, ...(settings.regime ? { regime: settings.regime } : {}) };
      return RemoteVenue.open(cluster.SKEWDESK_PAPER_VENUE_URL, hello, PAPER_MARKETS[settings.market].market, runnerEnv.SKEWDESK_VENUE_DEADLINE_MS);
    },
    wrapVenue: (s, v) => fenceVenue(v, () => leases?.mayPlace(s.id) ?? false, s.name),
    emit: bus.emit,
    log,
  });
  await ensureDefaultStrategy(store, runnerEnv);
  await desk.startAll();
  leases = new LeaseKeeper(
    pgSettings,
    {
      runningIds: async () => {
        // Also how this runner learns of strategies created, started or stopped through another one.
        const all = await store.listStrategies();
        for (const s of all) desk.adopt(s);
        return all.filter((s) => s.lifecycle === "running" && s.venue === "paper").map((s) => s.id);
      },
      host: async (id, epoch) => (await desk.host(id, epoch)) !== null,
      release: (id, reason) => desk.release(id, reason),
      exposureOf: (id) => desk.exposureOf(id),
    },
    leaseOptionsFrom(owner, cluster.SKEWDESK_LEASE_TTL_MS, (l) => log(`[lease] ${l}`)),
  );
  leases.start();
  log(`[runner ${owner}] ready: sharing the desk at ${target.display}, paper venue ${cluster.SKEWDESK_PAPER_VENUE_URL}, lease ${cluster.SKEWDESK_LEASE_TTL_MS} ms`);
  let stopping: Promise<void> | null = null;
  return {
    desk,
    leases,
    owner,
    stop(reason) {
      stopping ??= (async () => {
        await leases!.stop(reason);
        await desk.close(reason);
        await bus.close();
        await deskLock.release();
        await store.close();
      })();
      return stopping;
    },
  };
}
