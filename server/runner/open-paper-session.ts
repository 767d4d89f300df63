// One use case: open a paper trading session — database, store, simulated venue, journal and runner —
// wired the same way whether the clock follows the wall or runs simulated time flat out.
import { join } from "node:path";
import { parseStrategyParams } from "@/lib/strategy";
import { createDb, type Db, type DbOptions } from "@/server/db";
import { createMemoryStore, createPrismaStore, type JsonObject, type Store } from "@/server/store";
import { openRemoteStore } from "@/server/store/remote-store";
import { PaperVenue, openPaperAccount, type PaperVenueOptions, type RegimeSetting } from "@/server/venue/paper";
import { Clock, SimulatedTime, wallTime, type TimeSource } from "@/server/runner/clock";
import { FillJournal } from "@/server/runner/fill-journal";
import { PAPER_MARKETS, type PaperMarketName } from "@/server/runner/paper-market";
import { Runner, defaultRunnerConfig, type RunnerConfig, type RunnerDeps } from "@/server/runner/runner";
import { separateHistory } from "@/server/runner/strategy-history";

export interface PaperSessionOptions {
  strategyName?: string;
  market?: PaperMarketName;
  seed?: number;
  regime?: RegimeSetting;
  tickMs?: number;
  /** "realtime" for a live console; a factor or "max" for simulations (simulated time). */
  speed?: "realtime" | number | "max";
  /** Simulated runs: where simulated time starts (ms) and how long it runs. */
  startTime?: number;
  durationMs?: number;
  /** "none": the in-memory store (fast simulations; nothing survives the process). */
  db?: DbOptions | Db | "none";
  /** Run the database in a thread of its own (the product does: its work then never delays a tick). */
  dbThread?: boolean;
  /** Wrap the store (tests inject faults this way). */
  wrapStore?: (store: Store) => Store;
  /** Folder for the fill journal; defaults to the data dir (or ./data). */
  journalDir?: string;
  /**
   * Where paper accounts live (one sub-folder per strategy, market and seed), or null for an in-memory
   * venue that forgets everything with the process. Default: `<journalDir>/paper-account` when the session
   * opens its own database (the product, the CLI with a database), null with db "none" or a Db passed in.
   */
  paperAccountDir?: string | null;
  /** fsync every journal append, and every paper account record (default true). */
  durableJournal?: boolean;
  paramsOverride?: Record<string, unknown>;
  runnerConfig?: Partial<RunnerConfig>;
  /** Simulator settings on top of the market's preset (flow rates, book shape, latency). */
  venueOverrides?: Partial<PaperVenueOptions>;
  emit?: RunnerDeps["emit"];
  log?: (line: string) => void;
}

export interface PaperSession {
  runner: Runner;
  venue: PaperVenue;
  store: Store;
  /** null with db "none". */
  db: Db | null;
  time: TimeSource;
  clock: Clock;
  /** Stops the clock, cancels all quotes, flushes, closes the database (if this session opened it). */
  close(reason?: string): Promise<void>;
}

const isDb = (x: unknown): x is Db => typeof x === "object" && x !== null && "prisma" in x;

/** One paper account per strategy, market and seed: `<strategy>__<market>__seed<seed>`, unsafe characters as "_". */
export function paperAccountFolder(strategyName: string, market: string, seed: number): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, "_");
  return `${safe(strategyName)}__${safe(market)}__seed${seed}`;
}

export async function openPaperSession(opts: PaperSessionOptions = {}): Promise<PaperSession> {
  const marketName = opts.market ?? "story";
  const paper = PAPER_MARKETS[marketName];
  const seed = opts.seed ?? 42;
  const tickMs = opts.tickMs ?? 500;
  const speed = opts.speed ?? "realtime";
  const simulated = speed !== "realtime";
  const startTime = opts.startTime ?? Date.now();
  const simTime = simulated ? new SimulatedTime(startTime) : null;
  const time: TimeSource = simTime ?? wallTime;

  const ownsDb = !isDb(opts.db);
  const remote = opts.dbThread && opts.db !== "none" && !isDb(opts.db) ? await openRemoteStore(opts.db ?? {}) : null;
  const db = remote || opts.db === "none" ? null : isDb(opts.db) ? opts.db : await createDb(opts.db);
  const store = (opts.wrapStore ?? ((x: Store) => x))(remote ?? (db ? createPrismaStore(db) : createMemoryStore()));
  const params = parseStrategyParams({ ...paper.params, ...(opts.paramsOverride ?? {}) });
  try {
    await separateHistory(store, opts.strategyName ?? `paper-${marketName}`, "paper", "paper");
  } catch (err) {
    if (ownsDb) await db?.close();
    await remote?.close();
    throw err;
  }
  const strategy = await store.ensureStrategy({
    name: opts.strategyName ?? `paper-${marketName}`,
    market: paper.market.symbol,
    symbol: paper.market.symbol,
    venue: "paper",
    mode: "paper",
    initialParams: params as unknown as JsonObject,
  });

  const journalDir = opts.journalDir ?? join(process.cwd(), "data");
  const venueOptions: PaperVenueOptions = {
    ...paper.venueOptions(seed, opts.regime),
    ...opts.venueOverrides,
    clock: simTime ?? undefined,
    startTime,
  };
  const accountRoot = opts.paperAccountDir !== undefined ? opts.paperAccountDir : opts.db === "none" || isDb(opts.db) ? null : join(journalDir, "paper-account");
  const closeDb = async () => {
    if (ownsDb) await db?.close();
    await remote?.close();
  };
  let venue: PaperVenue;
  try {
    // The paper venue is an account: restarting the desk continues its orders, fills, ids and market.
    venue = accountRoot
      ? openPaperAccount({ ...venueOptions, dir: join(accountRoot, paperAccountFolder(strategy.name, marketName, seed)), fsync: opts.durableJournal ?? true })
      : new PaperVenue(venueOptions);
  } catch (err) {
    // A paper account that cannot be opened stops the start (never a fresh account over it): say why, leave nothing open.
    await closeDb();
    throw err;
  }
  const journal = new FillJournal(join(journalDir, `fills-${strategy.name}.journal`), opts.durableJournal ?? true);
  const config: RunnerConfig = { ...defaultRunnerConfig(tickMs), ...opts.runnerConfig };
  const runner = new Runner({ venue, store, strategy, market: paper.market, time, journal, config, emit: opts.emit, log: opts.log });
  await runner.open({ seed, config: { market: marketName, regime: String(opts.regime ?? "default"), tickMs, speed: String(speed) } });

  const clock = new Clock(
    {
      intervalMs: tickMs,
      speed,
      sim: simTime ? { time: simTime, endAt: opts.durationMs !== undefined ? startTime + opts.durationMs : undefined } : undefined,
      onError: (err, n) => opts.log?.(`tick ${n} failed: ${err instanceof Error ? err.stack : String(err)}`),
    },
    (_n, ts) => runner.tick(ts),
  );

  let closed = false;
  return {
    runner,
    venue,
    store,
    db,
    time,
    clock,
    async close(reason = "closed") {
      if (closed) return;
      closed = true;
      await clock.stop();
      await runner.shutdown(reason);
      journal.close();
      await venue.close();
      await closeDb();
    },
  };
}

