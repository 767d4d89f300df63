// The runner's tick, one per runner: a clock tick (its housekeeping, the book read, the decision) or a
// decision on a book the venue's stream pushed (one synchronous stretch: its requests go out before anything
// else runs), the time each took, and what a tick tells the dashboard and the database (snapshot, status).
import type { OrderBook } from "@/lib/market";
import type { Position } from "@/lib/portfolio";
import type { QuoteDecision } from "@/lib/strategy";
import type { TrackedOrder } from "@/server/runner/order-tracker";
import { trackedOrderDto } from "@/server/runner/publisher";
import type { Runner } from "@/server/runner/runner";
import { TickTimer } from "@/server/runner/tick-timer";
import { snapshotRecordOf } from "@/server/runner/views";

export class TickCycle {
  private inTick = false;
  private readonly timer = new TickTimer();
  /** The tick's own work: its wall time less the wait for the book (what a desk of many adds per strategy). */
  private readonly workTimer = new TickTimer();
  /** Order changes of a decision on a pushed book, told to the dashboard once its requests are written. */
  heldOrderEvents: TrackedOrder[] | null = null;
  /** Order records of a decision on a pushed book (the order as it was, created): queued once its requests are written. */
  heldPersists: [TrackedOrder, boolean][] | null = null;
  private lastSnapshotStored = -Infinity;
  /** Chart points of fills booked while a tick reads its book: stored with the mark that read brings. */
  private fillPoints: { ts: number; position: Position }[] = [];
  private statusQueued = false;

  constructor(private readonly r: Runner) {}

  get ticking(): boolean {
    return this.inTick;
  }

  /** A clock tick, or (`book`) a decision on a book the venue's stream pushed. */
  async tick(ts: number, book?: OrderBook): Promise<void> {
    const r = this.r;
    // With decisions on book updates, a clock tick that finds one under way leaves it be (never two at once).
    if (r.bookTrigger && this.inTick) return;
    this.inTick = true;
    try {
      await this.tickOnce(ts, book);
    } finally {
      this.inTick = false;
      // A tick that published nothing (stopped meanwhile, or a pushed book's, published later) leaves none behind.
      if (this.fillPoints.length) setImmediate(() => this.storeFillPoints());
      r.loop.tickEnded();
      r.bookTrigger?.settled();
    }
  }

  private async tickOnce(ts: number, book?: OrderBook): Promise<void> {
    const r = this.r;
    const t0 = performance.now();
    r.loop.bookWaitMs = 0;
    r.stats.ticks++;
    r.lastTickAt = ts;
    if (!book || !r.running) void r.writes.kick();
    if (!r.running) return;
    if (book) return this.decideOnPushedBook(ts, book, t0);
    this.checkWritesBehind();
    r.execution.expire();
    r.tracker.prune();
    r.reconciler.onTick();
    r.flattener.step();
    const decision = ts < r.loop.backoffUntil ? null : await r.loop.decide(ts);
    this.recordTick(t0);
    this.publishTick(decision);
  }

  /**
   * A decision on a book the venue's stream pushed, in one synchronous stretch: its order requests are signed
   * and handed to the socket before anything else runs. What can wait for them does: the database's writes
   * (queued in order, sent after), the dashboard's order events and the tick's snapshot and status.
   */
  private decideOnPushedBook(ts: number, book: OrderBook, t0: number): void {
    const r = this.r;
    const release = r.writes.hold();
    if (r.streaming) this.heldOrderEvents ??= [];
    if (r.config.record) this.heldPersists = [];
    let decision: QuoteDecision | null = null;
    try {
      // What the decision reads first (orders past their deadline, a flatten under way); the tick's
      // housekeeping, which it does not read, once its requests are written.
      r.execution.expire();
      r.flattener.step();
      decision = ts < r.loop.backoffUntil ? null : r.loop.decideOn(ts, book);
      this.checkWritesBehind();
      r.tracker.prune();
      r.reconciler.onTick();
      this.recordTick(t0);
    } finally {
      // Still in the book's turn (nothing else can have queued an order record meanwhile): the records keep their order.
      const persists = this.heldPersists;
      this.heldPersists = null;
      if (persists) for (const [o, created] of persists) r.publisher.persistOrder(o, created, r.strategy.id, r.runId);
      // Order changes that come meanwhile (a venue answer) join the queue: the dashboard hears them in order.
      setImmediate(() => {
        release();
        const held = this.heldOrderEvents ?? [];
        this.heldOrderEvents = null;
        for (const o of held) r.emitEvent("order", trackedOrderDto(o));
        this.publishTick(decision);
      });
    }
  }

  private recordTick(t0: number): void {
    const wall = performance.now() - t0;
    this.timer.record(wall);
    this.workTimer.record(wall - this.r.loop.bookWaitMs);
  }

  metrics(reset = false): { ticks: number; tickP50Us: number; tickP99Us: number; tickMaxUs: number } {
    if (reset) this.workTimer.metrics(true);
    return this.timer.metrics(reset);
  }

  /** Recent ticks' durations, ms: wall time, or (work) less the wait for the book. */
  samples(kind: "wall" | "work"): Float64Array {
    return (kind === "work" ? this.workTimer : this.timer).samples();
  }

  /** The database falling behind is said, by count and by age, not left to be found. */
  private checkWritesBehind(): void {
    const r = this.r;
    const n = r.writes.length;
    const age = r.writes.oldestAgeMs;
    if (n > r.config.writesBehindCount || age > r.config.writesBehindMs) {
      r.publisher.alertThrottled("error", "critical", `database writes behind: ${n} queued, the oldest ${Math.round(age / 1000)} s old; fills are journaled`);
    }
  }

  /**
   * A point on the chart at a fill, at the time it was booked. A fill booked while a tick reads the book
   * waits for that read: with the mark of the decision before, the point would show a PnL the market had
   * already left (a spike at every fill after a move).
   */
  fillPoint(): void {
    const r = this.r;
    const ts = r.time.now();
    if (this.inTick) this.fillPoints.push({ ts, position: r.ledger.position });
    else r.publisher.storeSnapshot(snapshotRecordOf(r.view(), r.strategy.id, ts));
  }

  private storeFillPoints(): void {
    const r = this.r;
    if (!this.fillPoints.length) return;
    const view = r.view();
    for (const p of this.fillPoints.splice(0)) r.publisher.storeSnapshot(snapshotRecordOf({ ...view, position: p.position }, r.strategy.id, p.ts));
  }

  /** Streams every tick; stores a point on a timer and at every fill, rebalance, emergency and parameter change. */
  private publishTick(decision: QuoteDecision | null): void {
    const r = this.r;
    this.storeFillPoints();
    // Stamped when its state is read, after the book read: fills booked during that read come before it.
    const ts = Math.max(r.lastTickAt ?? 0, r.time.now());
    const persist = (decision?.metrics.mid ?? r.lastDecision?.metrics.mid) && (r.snapshotWanted || ts - this.lastSnapshotStored >= r.config.snapshotEveryMs);
    if (r.streaming) {
      r.emitEvent("snapshot", r.snapshot(ts));
      this.emitStatus();
    }
    if (persist && r.config.record) {
      this.lastSnapshotStored = ts;
      r.snapshotWanted = false;
      r.publisher.storeSnapshot(snapshotRecordOf(r.view(), r.strategy.id, ts));
    }
  }

  /**
   * The status goes out once per burst of changes: a tick and the venue answers that arrive with it would
   * each build the whole status (open orders, reconciliation) and post it to the web thread; with a hundred
   * strategies that was a few hundred builds a second nobody reads in between. It follows once the turn's
   * work is done (the tick, and the answers its book read brought).
   */
  emitStatus(): void {
    const r = this.r;
    if (!r.streaming || !r.params.loaded || this.statusQueued) return;
    this.statusQueued = true;
    setImmediate(() => {
      this.statusQueued = false;
      if (r.params.loaded) r.emitEvent("status", r.status());
    });
  }
}
