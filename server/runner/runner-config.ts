// The runner's settings and counters, with the defaults a desk starts from.
import Decimal from "decimal.js";

export interface RunnerConfig {
  tickMs: number;
  /** Market data older than this (by the book's timestamp) is stale: cancel all, alert, wait. */
  staleAfterMs: number;
  /** A resting quote within this many ticks of the new price, with the same size, is left alone. */
  requoteToleranceTicks: number;
  /** How often a snapshot is persisted (every tick is streamed; fills and events add points). */
  snapshotEveryMs: number;
  maxOrdersPerSecond: number;
  /** After a venue throttle or reject, quoting pauses at least this long (doubling while it repeats). */
  backoffMs: number;
  /** Largest single rebalance order, in base units; the excess is worked down tick by tick. */
  rebalanceChunk: Decimal | null;
  /** After post-only refusals, quotes keep up to this many extra ticks off the opposite best (quoter.ts). */
  maxCrossMarginTicks: number;
  /** That extra distance halves after this long without a refusal. */
  crossMarginDecayMs: number;
  /** Every venue call's deadline: past it, an order call's outcome is unknown and reconciled. */
  venueDeadlineMs: number;
  /** Desk books checked against the venue this often (runner time). */
  reconcileEveryMs: number;
  /** |desk − venue| above this halts the desk; null = one lot. */
  reconcileTolerance: Decimal | null;
  /** "Not found" is final only after this many answers spanning at least this long. */
  notFoundAttempts: number;
  notFoundGraceMs: number;
  /** Finished orders remembered for late answers. */
  retainClosedMs: number;
  /** An emergency close sends its market orders once quotes are down, or after this long regardless. */
  flattenCancelWaitMs: number;
  /** Operator commands answer within this (wall time), whatever the venue does. */
  answerWithinMs: number;
  /** Decide on each new book from the venue's stream, at most once per this many ms; null: on ticks only. */
  quoteOnBookMs: number | null;
  /** Live money: nothing is quoted until an operator arms the desk (each start), an audited command. */
  requireArming: boolean;
  /** More queued database writes than this, or an older one than this (wall ms), raises an alert. */
  writesBehindCount: number;
  writesBehindMs: number;
  /**
   * False: orders, fills and snapshots are not written to the store at all (a lab simulation, whose store
   * nothing reads and whose results come from the runner's own counters). Alerts and state changes still are.
   */
  record: boolean;
  /**
   * True: a simulated venue may build only the part of its book the strategy reads (BookNeed), a lab
   * simulation's saving. Off on the desk, whose previews, emergency estimate and recording read the whole book.
   */
  decisionBookOnly: boolean;
}

export const defaultRunnerConfig = (tickMs: number): RunnerConfig => ({
  tickMs,
  staleAfterMs: Math.max(5_000, tickMs * 5),
  requoteToleranceTicks: 1,
  snapshotEveryMs: Math.max(1_000, tickMs),
  record: true,
  decisionBookOnly: false,
  maxOrdersPerSecond: 100,
  backoffMs: Math.max(1_000, tickMs * 2),
  rebalanceChunk: null,
  maxCrossMarginTicks: 32,
  crossMarginDecayMs: 5_000,
  venueDeadlineMs: 5_000,
  reconcileEveryMs: 10_000,
  reconcileTolerance: null,
  notFoundAttempts: 3,
  notFoundGraceMs: 3_000,
  retainClosedMs: 60_000,
  flattenCancelWaitMs: 1_000,
  answerWithinMs: 600,
  requireArming: false,
  quoteOnBookMs: null,
  writesBehindCount: 1_000,
  writesBehindMs: 30_000,
});

export interface RunnerStats {
  ticks: number;
  fills: number;
  ordersPlaced: number;
  cancels: number;
  requotesSkipped: number;
  emergencies: number;
  rebalances: number;
  maxAbsInventory: Decimal;
  ticksAboveRebalance: number;
  ticksQuoting: number;
  /** Post-only quotes capped at placement against the newest book (see quoter.ts). */
  quotesClamped: number;
  /** Post-only quotes the venue refused as crossing: each makes the desk re-read the book and decide again. */
  postOnlyRejects: number;
}

export const newRunnerStats = (): RunnerStats => ({
  ticks: 0,
  fills: 0,
  ordersPlaced: 0,
  cancels: 0,
  requotesSkipped: 0,
  emergencies: 0,
  rebalances: 0,
  maxAbsInventory: new Decimal(0),
  ticksAboveRebalance: 0,
  ticksQuoting: 0,
  quotesClamped: 0,
  postOnlyRejects: 0,
});
