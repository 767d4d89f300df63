// One lab simulation: the desk's own runner (strategy, risk gate, quoter, fill ledger, rebalance and
// emergency close) on an in-memory store, against the paper simulator for one seed or against a recorded
// file, in simulated time as fast as the machine allows. It measures what the lab reports (metrics.ts).
// Nothing here reads the wall clock, so the same inputs give the same figures, bit for bit.
import type { ParamSet } from "@/lib/lab/grid";
import type { LabPathPoint, LabRunMetrics } from "@/lib/lab/types";
import { parseStrategyParams } from "@/lib/strategy";
import { createMemoryStore, type JsonObject } from "@/server/store";
import { PaperVenue, ReplayVenue, readReplayFile, type ReplayRecord } from "@/server/venue";
import { Clock, SimulatedTime } from "@/server/runner/clock";
import { FillJournal } from "@/server/runner/fill-journal";
import { PAPER_MARKETS, type PaperMarketName } from "@/server/runner/paper-market";
import type { JobMarket } from "@/server/lab/plan";
import { Runner, defaultRunnerConfig } from "@/server/runner/runner";
import { MetricsRecorder } from "@/server/lab/metrics";

/** Where simulated time starts: fixed, so a run never depends on when it ran. */
export const LAB_START = Date.UTC(2026, 0, 1);

/** The journal keeps a simulation's fills in memory: nothing of a lab run survives it, nothing touches disk. */
class MemoryJournal extends FillJournal {
  override readonly keeps = false;
  constructor() {
    super("(memory)", false);
  }
  override append(): void {}
  override readAll() {
    return [];
  }
  override truncate(): void {}
  override close(): void {}
}

/** Parsed replay files, by path: a worker replays the same file for every set. */
const replays = new Map<string, Promise<ReplayRecord[]>>();
function replayEvents(path: string): Promise<ReplayRecord[]> {
  let p = replays.get(path);
  if (!p) {
    p = readReplayFile(path);
    replays.set(path, p);
    p.catch(() => replays.delete(path));
  }
  return p;
}

export interface SimOptions {
  market: JobMarket;
  params: ParamSet;
  tickMs: number;
  /** Sample PnL (for its volatility) and the path every this many ms of simulated time; -1: 120 samples over a replay. */
  sampleEveryMs: number;
  keepPath: boolean;
  /** True: the venue builds its whole book every tick, as the desk's does (for the test that shows the lab's cut changes nothing). */
  wholeBook?: boolean;
  /** Checked between ticks; true stops the simulation early (a cancelled lab run). */
  cancelled?: () => boolean;
}

export interface SimResult {
  metrics: LabRunMetrics;
  path: LabPathPoint[];
}

/** Throws the strategy's own message when the set is not valid for the market (caught per run by the caller). */
export function marketParams(market: PaperMarketName, set: ParamSet): Record<string, unknown> {
  const preset = PAPER_MARKETS[market].params;
  return parseStrategyParams({ ...preset, ...set }) as unknown as Record<string, unknown>;
}

export async function simulate(opts: SimOptions): Promise<SimResult> {
  const m = opts.market;
  const paper = PAPER_MARKETS[m.market];
  const time = new SimulatedTime(LAB_START);
  let venue: PaperVenue | ReplayVenue;
  let endAt: number;
  if (m.kind === "simulated") {
    // A simulation never asks about an order finished minutes ago (answers come within the venue's latency):
    // the venue keeps its last 500 finished orders (about two simulated minutes' worth), not an hour's. Orders
    // kept that long outlive the young generation and are collected by the slower old-space collector.
    venue = new PaperVenue({ ...paper.venueOptions(m.seed, m.regime), clock: time, startTime: LAB_START, maxRetainedOrders: 500 });
    endAt = LAB_START + m.durationMs;
  } else {
    const replay = new ReplayVenue({ market: paper.market, events: await replayEvents(m.path), source: m.path, clock: time, startAt: LAB_START });
    venue = replay;
    endAt = replay.endTs;
  }
  const store = createMemoryStore();
  const params = marketParams(m.market, opts.params);
  const strategy = await store.ensureStrategy({
    name: "lab",
    market: paper.market.symbol,
    symbol: paper.market.symbol,
    venue: venue.id,
    mode: "paper",
    initialParams: params as JsonObject,
  });
  // Nothing of the run is stored: the metrics come from the runner's counters and the recorder.
  // Closed orders are kept 10 simulated seconds for late answers (the desk keeps them a minute of wall time):
  // the simulated venue answers within its latency, and the desk's minute would hold ~200 orders and their
  // histories in the old generation. The books are checked against the simulator once a simulated minute
  // (the desk: every 10 s): the simulator delivers every answer and fill as it happens, so a check finds
  // nothing, and at 10 s the checks cost ~5 % of a simulation.
  // The venue builds only the part of its book the strategy reads (BookNeed), which changes nothing either.
  const config = { ...defaultRunnerConfig(opts.tickMs), snapshotEveryMs: Number.MAX_SAFE_INTEGER, record: false, retainClosedMs: 10_000, reconcileEveryMs: 60_000, decisionBookOnly: !opts.wholeBook };
  const runner = new Runner({ venue, store, strategy, market: paper.market, time, journal: new MemoryJournal(), config, numberedClientIds: true });
  const every = opts.sampleEveryMs > 0 ? opts.sampleEveryMs : Math.max(opts.tickMs, Math.ceil((endAt - LAB_START) / 120 / opts.tickMs) * opts.tickMs);
  const recorder = new MetricsRecorder(runner, every, opts.keepPath, LAB_START);
  const unwatch = venue.watchFills((f) => recorder.onFill(f));
  await runner.open({ seed: m.kind === "simulated" ? m.seed : null, config: {} });

  const clock = new Clock({ intervalMs: opts.tickMs, speed: "max", sim: { time, endAt } }, async (_n, ts) => {
    if (opts.cancelled?.()) return void clock.stop();
    await runner.tick(ts);
    recorder.onTick(ts);
  });
  await clock.start();
  unwatch();
  const metrics = recorder.finish(m.kind === "simulated" ? m.seed : null);
  await runner.shutdown("lab run finished");
  await venue.close();
  return { metrics, path: recorder.path };
}
