// Persistence never blocks a tick and never reorders a lane: writes run one at a time in submission order.
// When the database fails, the queue keeps the failed write at its head and retries it on the next kick, so
// a fill recorded after an outage is still recorded after the order it belongs to. Fills are also in the
// journal, so a process dying with writes queued loses nothing that recovery can't replay.
//
// Two things that used to stall it for good (issue 9, items 1 and 2):
// - A write that can NEVER succeed (a constraint violation, a numeric overflow, input the database refuses)
//   sat at the head and was retried forever, 11,296 writes piling up behind it. Such a write is now taken
//   out of the line: handed to onDeadLetter with its label and counted, and the line moves on. Only errors
//   that say the database was unreachable or busy (connection loss, timeouts, deadlocks) are retried.
// - Alerts and risk-state changes waited behind every fill queued before them, so "database writes failing"
//   never arrived. They go in the priority lane, which always drains first.
//
// Batches (issue 12, item 4): a desk of 100 strategies writes hundreds of orders, fills and snapshots a
// second, and one commit per write (7–25 ms on PostgreSQL here) could not keep up. Writes pushed as data
// (pushWrite) that wait together in the normal lane go to the database as one batch (Store.applyWrites:
// one transaction, multi-row statements). When a batch fails, its writes are tried again one by one, the
// way they always were, so a write that can never succeed is still isolated and dead-lettered alone, and
// a lost connection still keeps everything in line for the retry.

import { BatchWriteError, IllegalOrderStateChange, StoreError } from "@/server/store/errors";
import type { StoreWrite } from "@/server/store/port";

export type WriteLane = "priority" | "normal";

export interface PushOptions {
  /** "priority" for alerts and risk state: written before any queued fill, order or snapshot. */
  lane?: WriteLane;
  /** Snapshots: dropped oldest-first when more than maxDroppable are queued during an outage. */
  droppable?: boolean;
  /** What the write is ("fill T-123", "alert"), for onDeadLetter and logs. */
  label?: string;
}

export interface WriteQueueOptions {
  /** Snapshots beyond this many queued are dropped oldest-first during an outage; fills and orders never are. */
  maxDroppable: number;
  /** A write failed and will be retried (a retryable error); consecutiveFailures counts from 1. */
  onError: (err: unknown, consecutiveFailures: number) => void;
  onRecovered: (afterFailures: number) => void;
  /** A write failed with an error retrying cannot fix; it has been removed from the queue. */
  onDeadLetter?: (err: unknown, label: string) => void;
  /** Overrides the built-in classification (isPermanentWriteError). */
  isPermanent?: (err: unknown) => boolean;
  /** The clock for oldestAgeMs and flush deadlines (tests inject one). */
  now?: () => number;
  /** How flush waits between retries (tests inject one). */
  sleep?: (ms: number) => Promise<void>;
  /** Writes several writes pushed with pushWrite at once (Store.applyWrites); without it they go one by one. */
  applyBatch?: (writes: readonly StoreWrite[]) => Promise<unknown>;
  /** At most this many writes per batch (default 500). */
  maxBatch?: number;
}

export interface WriteOptions extends PushOptions {
  /** Runs once the write is in the database (after its batch commits), e.g. to truncate a journal. */
  then?: () => void;
}

interface Job {
  /** The write alone: a batch that failed is retried through this, one write at a time. */
  run: () => Promise<unknown>;
  /** The write as data, when it may join a batch. */
  write?: StoreWrite;
  then?: () => void;
  droppable: boolean;
  label: string;
  queuedAt: number;
}

// SQLSTATE classes that describe the data or the statement, not the connection: the same write fails again.
// 22 data exception (22003 numeric overflow, 22021 NUL byte, 22P02 bad input), 23 integrity constraint,
// 42 syntax or undefined object, 2B/2D/2F/44 other statement-level refusals.
const PERMANENT_SQLSTATE = /^(22|23|42|2B|2D|2F|44)[0-9A-Z]{3}$/;
// Prisma's request errors that are about the data or the query; P1xxx (reachability) and the P2xxx that
// mean timeouts or conflicts (P2024 pool timeout, P2028 transaction API, P2034 write conflict) are retried.
const PERMANENT_PRISMA = new Set([
  "P2000", "P2002", "P2003", "P2004", "P2005", "P2006", "P2007", "P2011", "P2012", "P2013", "P2014",
  "P2019", "P2020", "P2023", "P2025", "P2033", "P2039",
]);

/** The SQLSTATE an error carries: a pg error's `code`, the database thread's `sqlState`, or a raw query's message. */
function sqlStateOf(err: Record<string, unknown>): string | undefined {
  if (typeof err.sqlState === "string") return err.sqlState;
  if (typeof err.code === "string" && /^[0-9A-Z]{5}$/.test(err.code) && !err.code.startsWith("P")) return err.code;
  const meta = err.meta as { driverAdapterError?: { cause?: { originalCode?: unknown; code?: unknown } } } | undefined;
  const cause = meta?.driverAdapterError?.cause;
  const fromMeta = cause?.originalCode ?? cause?.code;
  if (typeof fromMeta === "string") return fromMeta;
  const m = typeof err.message === "string" ? /Code: `([0-9A-Z]{5})`/.exec(err.message) : null;
  return m?.[1];
}

/**
 * True when retrying `err` cannot help: the store refused the value itself (StoreError: out of range, conflict,
 * missing row), or the database refused the data or the statement. Connection errors, timeouts, deadlocks and
 * anything unrecognised are retryable: dropping a write on a guess would lose it.
 */
export function isPermanentWriteError(err: unknown): boolean {
  // The store's own refusals: a value out of range, a conflict, a missing row, a state the order table cannot
  // reach. The same write is refused again on every retry.
  if (err instanceof StoreError || err instanceof IllegalOrderStateChange) return true;
  if (typeof err !== "object" || err === null) return false;
  const e = err as Record<string, unknown>;
  if (e.name === "PrismaClientValidationError") return true;
  const state = sqlStateOf(e);
  if (state !== undefined) return PERMANENT_SQLSTATE.test(state);
  return typeof e.code === "string" && PERMANENT_PRISMA.has(e.code);
}

const DONE: Promise<void> = Promise.resolve();

export class WriteQueue {
  private readonly lanes: Record<WriteLane, Job[]> = { priority: [], normal: [] };
  private draining: Promise<void> | null = null;
  private failures = 0;
  private droppable = 0;
  private readonly now: () => number;
  dropped = 0;
  /** Writes taken out of the line because they could never succeed. */
  deadLettered = 0;

  constructor(private readonly opts: WriteQueueOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Writes waiting, both lanes. */
  get length(): number {
    return this.lanes.priority.length + this.lanes.normal.length;
  }

  /** How long the oldest waiting write has waited (0 when none): "behind by age", next to length's "by count". */
  get oldestAgeMs(): number {
    // Read every tick: no arrays for two heads.
    const a = this.lanes.priority[0]?.queuedAt ?? Infinity;
    const b = this.lanes.normal[0]?.queuedAt ?? Infinity;
    const oldest = Math.min(a, b);
    return oldest === Infinity ? 0 : Math.max(0, this.now() - oldest);
  }

  get healthy(): boolean {
    return this.failures === 0;
  }

  /** Queues a write. The boolean form is the old signature: `push(run, true)` = a droppable snapshot. */
  push(run: () => Promise<unknown>, options: boolean | PushOptions = {}): void {
    const o: PushOptions = typeof options === "boolean" ? { droppable: options } : options;
    const droppable = o.droppable ?? false;
    this.lanes[o.lane ?? "normal"].push({ run, droppable, label: o.label ?? "write", queuedAt: this.now() });
    if (droppable && ++this.droppable > this.opts.maxDroppable) this.dropOldestDroppable();
    if (!this.held) this.kick();
  }

  /**
   * Queues a write that may reach the database in a batch with the writes around it (normal lane only).
   * `run` is the same write on its own: what a failed batch falls back to.
   */
  pushWrite(write: StoreWrite, run: () => Promise<unknown>, options: WriteOptions = {}): void {
    const droppable = options.droppable ?? false;
    const job: Job = { run, droppable, label: options.label ?? write.op, queuedAt: this.now(), ...(options.then ? { then: options.then } : {}) };
    if ((options.lane ?? "normal") === "normal") job.write = write;
    this.lanes[options.lane ?? "normal"].push(job);
    if (droppable && ++this.droppable > this.opts.maxDroppable) this.dropOldestDroppable();
    if (!this.held) this.kick();
  }

  private held = 0;

  /**
   * Until the returned release is called, writes queue in order without starting a round trip (whose
   * synchronous part, building the statement or posting it to the database thread, would run first): a
   * decision on a pushed book holds them while it signs and sends its order requests. Release kicks.
   */
  hold(): () => void {
    this.held++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.held === 0) void this.kick();
    };
  }

  /** Batches sent to the database (a batch of one included): the round trips the writes took. */
  batches = 0;

  /** Starts draining if idle; resolves when the queue is empty or a write failed and waits for a retry. */
  kick(): Promise<void> {
    // Nothing queued and nothing draining: done already (every tick kicks; most find the queue empty).
    if (this.draining === null && this.length === 0) return DONE;
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  /** Waits until everything queued so far is written, retrying through failures up to `timeoutMs`. */
  async flush(timeoutMs = 10_000, retryEveryMs = 200): Promise<boolean> {
    // The race below leaves the losing timer running: it is cleared when the flush ends, or a flush that
    // finished early would hold the process's exit for the rest of its deadline.
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const sleep =
      this.opts.sleep ??
      ((ms: number) =>
        new Promise<void>((r) => {
          const t = setTimeout(() => {
            timers.delete(t);
            r();
          }, ms);
          timers.add(t);
        }));
    const deadline = this.now() + timeoutMs;
    try {
      for (;;) {
        // A write in progress may take long (a slow database): wait for the drain only until the deadline.
        await Promise.race([this.kick(), sleep(Math.max(0, deadline - this.now()))]);
        if (this.length === 0) return true;
        const left = deadline - this.now();
        if (left <= 0) return false;
        // Never past the deadline: a caller with an answer budget (the emergency close) relies on it.
        await sleep(Math.min(retryEveryMs, left));
      }
    } finally {
      for (const t of timers) clearTimeout(t);
    }
  }

  /** Fill writes the database has taken (a benchmark's "fills stored"). */
  fillsWritten = 0;

  private dropOldestDroppable(): void {
    // Never one of the head writes being written right now.
    const jobs = this.lanes.normal;
    const first = Math.max(1, this.inFlight);
    const i = jobs.findIndex((j, idx) => j.droppable && idx >= first);
    if (i >= first) {
      jobs.splice(i, 1);
      this.droppable--;
      this.dropped++;
    }
  }

  /** Head writes of the normal lane being written now (they must not be dropped from under the batch). */
  private inFlight = 0;
  /** Head writes of the normal lane to try one at a time: what is left of a batch that failed. */
  private singles = 0;

  private async drain(): Promise<void> {
    for (;;) {
      const priority = this.lanes.priority.length > 0;
      const lane = priority ? this.lanes.priority : this.lanes.normal;
      const head = lane[0];
      if (!head) return;
      if (!priority && this.singles === 0 && head.write && this.opts.applyBatch) {
        const batch = this.batchAtHead();
        if (batch.length > 1) {
          if (!(await this.runBatch(batch))) this.singles = batch.length;
          continue;
        }
      }
      if (!(await this.runOne(lane, head, !priority))) return;
    }
  }

  /** The writes at the head of the normal lane that may go together. */
  private batchAtHead(): Job[] {
    const max = this.opts.maxBatch ?? 500;
    const jobs = this.lanes.normal;
    let n = 0;
    while (n < jobs.length && n < max && jobs[n]!.write) n++;
    return jobs.slice(0, n);
  }

  /** True when the whole batch is in; false when it must be tried again one by one (nothing of it is lost). */
  private async runBatch(batch: Job[]): Promise<boolean> {
    this.inFlight = batch.length;
    this.batches++;
    try {
      await this.opts.applyBatch!(batch.map((j) => j.write!));
    } catch (err) {
      // A store without transactions may have taken a leading part: those are done, the rest go one by one.
      const applied = err instanceof BatchWriteError || (err as { name?: unknown })?.name === "BatchWriteError" ? Number((err as BatchWriteError).applied) || 0 : 0;
      for (const job of batch.slice(0, applied)) this.done(this.lanes.normal, job);
      this.singles = batch.length - applied;
      return this.singles === 0;
    } finally {
      this.inFlight = 0;
    }
    for (const job of batch) this.done(this.lanes.normal, job);
    return true;
  }

  /** One write on its own. False when it failed and waits for a retry (the drain stops). */
  private async runOne(lane: Job[], job: Job, normal: boolean): Promise<boolean> {
    if (normal) this.inFlight = 1;
    this.batches++;
    try {
      await job.run();
    } catch (err) {
      if ((this.opts.isPermanent ?? isPermanentWriteError)(err)) {
        this.remove(lane, job);
        if (normal && this.singles > 0) this.singles--;
        this.deadLettered++;
        this.opts.onDeadLetter?.(err, job.label);
        return true;
      }
      this.failures++;
      this.opts.onError(err, this.failures);
      return false;
    } finally {
      if (normal) this.inFlight = 0;
    }
    if (normal && this.singles > 0) this.singles--;
    this.done(lane, job);
    return true;
  }

  /** A write is in: out of the line, counted, its follow-up run, and a failure streak ended. */
  private done(lane: Job[], job: Job): void {
    this.remove(lane, job);
    if (job.label.startsWith("fill ")) this.fillsWritten++;
    job.then?.();
    if (this.failures) {
      this.opts.onRecovered(this.failures);
      this.failures = 0;
    }
  }

  private remove(lane: Job[], job: Job): void {
    if (lane[0] === job) lane.shift();
    if (job.droppable) this.droppable--;
  }
}
