// One strategy of the desk on the paper venue: its simulated market (a paper account folder of its own,
// so a restart continues it), its fill journal and its runner, over the database the desk shares. The
// desk's clock mode decides who ticks it: its own Clock on wall time, or the caller (tests, the bench).
import { join } from "node:path";
import type { PaperSettings } from "@/lib/desk";
import { Clock, phaseOf, type TimeSource } from "@/server/runner/clock";
import { FillJournal } from "@/server/runner/fill-journal";
import { PAPER_MARKETS } from "@/server/runner/paper-market";
import { Runner, defaultRunnerConfig, type RunnerConfig, type RunnerDeps } from "@/server/runner/runner";
import type { DeskLink } from "@/server/runner/desk-link";
import { paperAccountFolder } from "@/server/runner/open-paper-session";
import type { Store, StrategyRecord } from "@/server/store";
import { PaperVenue, openPaperAccount, type PaperVenue as PaperVenueType, type PaperVenueOptions } from "@/server/venue/paper";
import type { Venue } from "@/server/venue/types";
import { OrderNotFound } from "@/server/venue/errors";
import { clientIds, epochOfClientId } from "@/server/runner/client-ids";

export interface StrategySession {
  readonly runner: Runner;
  readonly venue: Venue;
  /** Null when the desk's caller ticks (manual clock). */
  readonly clock: Clock | null;
  close(reason: string): Promise<void>;
}

export interface OpenPaperStrategy {
  store: Store;
  strategy: StrategyRecord;
  settings: PaperSettings;
  time: TimeSource;
  /** "wall": a Clock per strategy on wall time; "manual": the caller calls runner.tick. */
  clock: "wall" | "manual";
  journalDir: string;
  /** Null: an in-memory paper venue that forgets everything with the process. */
  paperAccountDir: string | null;
  durable: boolean;
  runnerConfig?: Partial<RunnerConfig>;
  venueOverrides?: Partial<PaperVenueOptions>;
  /** Tests put a fault in front of the venue this way. */
  wrapVenue?: (v: Venue) => Venue;
  link: DeskLink;
  /** Opens the strategy's venue instead of the in-process paper account (a scaled-out desk's shared paper venue). */
  openVenue?: (options: PaperVenueOptions) => Promise<Venue>;
  /** The strategy's lease epoch on a scaled-out desk: carried in its client order ids. */
  clientEpoch?: number | null;
  emit?: RunnerDeps["emit"];
  log: (line: string) => void;
}

async function cancelEarlierEpochs(venue: Venue, tag: string, epoch: number, log: (line: string) => void): Promise<void> {
  const ids = clientIds(tag);
  const stale = (await venue.fetchOpenOrders()).filter((v) => ids.owns(v.clientOrderId) && (epochOfClientId(v.clientOrderId) ?? 0) < epoch);
  if (stale.length === 0) return;
  const results = await venue.cancelOrders(stale.map((v) => v.clientOrderId));
  const failed = results.filter((r) => r instanceof Error && !(r instanceof OrderNotFound));
  // A quote of the old owner's that may still rest: not quoting over it (the start fails; the lease goes back).
  if (failed.length > 0) throw new Error(`could not cancel ${failed.length} of the previous owner's orders: ${(failed[0] as Error).message}`);
  log(`cancelled ${stale.length} orders a previous owner left resting`);
}

export async function openPaperStrategy(o: OpenPaperStrategy): Promise<StrategySession> {
  const paper = PAPER_MARKETS[o.settings.market];
  const options: PaperVenueOptions = {
    ...paper.venueOptions(o.settings.seed, o.settings.regime),
    ...o.venueOverrides,
    startTime: o.time.now(),
    ...(o.clock === "manual" ? { clock: o.time } : {}),
  };
  const paperVenue: PaperVenueType | Venue = o.openVenue
    ? await o.openVenue(options)
    : o.paperAccountDir
      ? openPaperAccount({ ...options, dir: join(o.paperAccountDir, paperAccountFolder(o.strategy.name, o.settings.market, o.settings.seed)), fsync: o.durable })
      : new PaperVenue(options);
  const venue = o.wrapVenue ? o.wrapVenue(paperVenue) : paperVenue;
  // A new owner (scaled out) first takes down what earlier owners of the strategy left resting, so two
  // owners' quotes never rest at once; reconciliation then books what they filled.
  if (o.clientEpoch != null && o.strategy.clientTag) await cancelEarlierEpochs(venue, o.strategy.clientTag, o.clientEpoch, o.log);
  const journal = new FillJournal(join(o.journalDir, `fills-${o.strategy.name}.journal`), o.durable);
  const config: RunnerConfig = { ...defaultRunnerConfig(o.settings.tickMs), ...o.runnerConfig };
  const runner = new Runner({ venue, store: o.store, strategy: o.strategy, market: paper.market, time: o.time, journal, config, emit: o.emit, log: o.log, desk: o.link, clientEpoch: o.clientEpoch ?? null });
  try {
    await runner.open({ seed: o.settings.seed, config: { market: o.settings.market, regime: o.settings.regime ?? "default", tickMs: o.settings.tickMs, speed: o.clock === "wall" ? "realtime" : "manual" } });
  } catch (err) {
    journal.close();
    await paperVenue.close();
    throw err;
  }
  const clock =
    o.clock === "wall"
      ? new Clock({ intervalMs: o.settings.tickMs, speed: "realtime", phaseMs: phaseOf(o.strategy.id, o.settings.tickMs), onError: (err, n) => o.log(`tick ${n} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`) }, (_n, ts) => runner.tick(ts))
      : null;
  void clock?.start();
  let closed = false;
  return {
    runner,
    venue,
    clock,
    async close(reason) {
      if (closed) return;
      closed = true;
      await clock?.stop();
      await runner.shutdown(reason);
      journal.close();
      await paperVenue.close();
    },
  };
}
