// Desk truth checked against venue truth. At start, after a reconnect and periodically, the reconciler
// asks the venue for its open orders, the fills we may have missed and its position, squares the order
// tracker with them, and reports a position the desk cannot explain. Orders whose outcome we did not hear
// (unknown) are resolved here by asking the venue by client order id: never by sending them again.
import Decimal from "decimal.js";
import { OrderNotFound } from "@/server/venue/errors";
import type { OrderRecord } from "@/server/store";
import type { Venue, VenueFill, VenueOrder } from "@/server/venue/types";
import { errText, type Execution } from "@/server/runner/execution";
import type { FillLedger } from "@/server/runner/fill-ledger";
import type { OrderTracker, TrackedOrder } from "@/server/runner/order-tracker";
import { withDeadline } from "@/server/venue/deadline";

export interface ReconcilerConfig {
  /** A full check this often (runner time). */
  intervalMs: number;
  /** |desk − venue| above this is a mismatch. */
  tolerance: Decimal;
  /** "Not found" is final only after this many answers spanning this long. */
  notFoundAttempts: number;
  notFoundGraceMs: number;
  /** Deadline of each venue call, wall time. */
  deadlineMs: number;
}

export interface Mismatch {
  deskQty: Decimal;
  venueQty: Decimal;
  at: number;
}

export interface ReconcilerDeps {
  venue: Venue;
  tracker: OrderTracker;
  ledger: FillLedger;
  execution: Execution;
  now: () => number;
  config: ReconcilerConfig;
  /** Our client order ids (an order at the venue we do not track but did send is an orphan to cancel). */
  ownsOrder: (clientOrderId: string) => boolean;
  /** Books a fill through the desk's one fill path; false when it was already booked. */
  book: (f: VenueFill) => boolean;
  onMismatch: (m: Mismatch) => void;
  log: (line: string) => void;
}

export interface ReconcileReport {
  why: string;
  at: number;
  deskQty: Decimal;
  venueQty: Decimal | null;
  orphansCancelled: number;
  fillsRecovered: number;
  error: string | null;
}

export class Reconciler {
  private inFlight: Promise<ReconcileReport> | null = null;
  private lastAt = -Infinity;
  private readonly querying = new Set<string>();
  last: ReconcileReport | null = null;

  constructor(private readonly deps: ReconcilerDeps) {}

  /** Each tick: ask about unknown orders; run a full check when one is due. Never awaited by the tick. */
  onTick(): void {
    this.resolveUnknown();
    if (this.held === 0 && this.deps.now() - this.lastAt >= this.deps.config.intervalMs) void this.run("periodic");
  }

  private held = 0;

  /**
   * Runs `fn` with no full check under way or starting: a change of the venue's position that the desk books
   * itself when `fn` ends (a merge on chain) must not be compared half done and called a mismatch.
   */
  async whileHeld<T>(fn: () => Promise<T>): Promise<T> {
    this.held++;
    try {
      await this.inFlight?.catch(() => {});
      return await fn();
    } finally {
      this.held--;
    }
  }

  /** Asks the venue about every order whose outcome we did not hear, or whose fills are missing. */
  resolveUnknown(): void {
    // Every tick: most ticks find nothing to ask, so the orders to ask are collected before any is asked
    // (asking changes the live set), and an order with nothing filled at the venue is not compared.
    let ask: TrackedOrder[] | null = null;
    for (const o of this.deps.tracker.liveValues()) {
      if (o.state === "unknown" || (!o.venueFilled.isZero() && o.venueFilled.gt(o.filled))) (ask ??= []).push(o);
    }
    if (ask) for (const o of ask) void this.query(o);
  }

  /** One full check; concurrent callers share the one in flight. */
  run(why: string): Promise<ReconcileReport> {
    if (this.held > 0 && !this.inFlight) return Promise.resolve({ why, at: this.deps.now(), deskQty: this.deps.ledger.position.qty, venueQty: null, orphansCancelled: 0, fillsRecovered: 0, error: "held while the position changes on chain (a merge): compared next time" });
    if (!this.inFlight) {
      this.lastAt = this.deps.now();
      this.inFlight = this.check(why).finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  private call<T>(p: () => Promise<T>, what: string): Promise<T> {
    let started: Promise<T>;
    try {
      started = p();
    } catch (err) {
      started = Promise.reject(err);
    }
    return withDeadline(started, this.deps.config.deadlineMs, what);
  }

  private async check(why: string): Promise<ReconcileReport> {
    const { venue, tracker, ledger } = this.deps;
    const report: ReconcileReport = { why, at: this.deps.now(), deskQty: ledger.position.qty, venueQty: null, orphansCancelled: 0, fillsRecovered: 0, error: null };
    try {
      const open = await this.call(() => venue.fetchOpenOrders(), "fetchOpenOrders");
      const atVenue = new Set<string>();
      for (const v of open) {
        atVenue.add(v.clientOrderId);
        if (tracker.get(v.clientOrderId)) tracker.onVenueOrder(v, `reconciliation (${why})`);
        else if (this.deps.ownsOrder(v.clientOrderId)) {
          // Ours but untracked (sent by an earlier process whose record we lost): cancel, never quote on it.
          // It is tracked from now on, so its side stays blocked until the venue confirms the cancel; a
          // cancel that fails leaves it live, to be cancelled again, never beside a new quote.
          report.orphansCancelled++;
          this.deps.log(`reconciliation: cancelling untracked order ${v.clientOrderId} (${v.side} ${v.size} @ ${v.price ?? "market"})`);
          this.deps.execution.cancel(tracker.restore(strayRecord(v, this.deps.now())), "untracked order left by an earlier process");
        }
      }
      const grace = this.deps.config.notFoundGraceMs;
      const queries: Promise<void>[] = [];
      for (const o of tracker.live()) {
        const fresh = o.state === "pending_new" && this.deps.now() - o.createdAt < grace;
        if (!atVenue.has(o.clientOrderId) && !fresh && !this.deps.execution.busyWith(o)) queries.push(this.query(o));
      }
      await Promise.all(queries);
      report.fillsRecovered += await this.recoverFills(this.oldestLive() ?? this.lastAt - this.deps.config.intervalMs);

      // A comparison counts only when no fill reached the desk while the venue answered: otherwise the two
      // figures are of different moments. Missing fills are fetched and booked before comparing again.
      let verdict: { venueQty: Decimal; differs: boolean } | null = null;
      for (let attempt = 0; attempt < 4; attempt++) {
        const before = ledger.position.qty;
        const position = await this.call(() => venue.fetchPosition(), "fetchPosition");
        if (!ledger.position.qty.eq(before)) continue;
        verdict = { venueQty: position.qty, differs: this.differs(position.qty) };
        if (!verdict.differs) break;
        report.fillsRecovered += await this.recoverFills(0);
      }
      report.deskQty = ledger.position.qty;
      if (verdict) {
        report.venueQty = verdict.venueQty;
        if (verdict.differs) this.deps.onMismatch({ deskQty: ledger.position.qty, venueQty: verdict.venueQty, at: this.deps.now() });
      } else report.error = "the position kept moving while the venue answered: compared next time";
    } catch (err) {
      report.error = errText(err);
      this.deps.log(`reconciliation (${why}) incomplete: ${report.error}`);
    }
    this.last = report;
    return report;
  }

  private differs(venueQty: Decimal): boolean {
    return venueQty.sub(this.deps.ledger.position.qty).abs().gt(this.deps.config.tolerance);
  }

  private oldestLive(): number | null {
    let t: number | null = null;
    for (const o of this.deps.tracker.live()) if (t === null || o.createdAt < t) t = o.createdAt;
    return t;
  }

  /** Books the venue's fills since `since` that the ledger does not have; returns how many. */
  private async recoverFills(since: number): Promise<number> {
    const trades = await this.call(() => this.deps.venue.fetchMyTrades({ since: Math.max(0, since) }), "fetchMyTrades");
    let n = 0;
    for (const f of trades) {
      if (this.deps.ledger.has(f.tradeId)) continue;
      if (this.deps.book(f)) n++;
    }
    if (n) this.deps.log(`reconciliation booked ${n} fills the venue reported and we had missed`);
    return n;
  }

  private async query(o: TrackedOrder): Promise<void> {
    if (this.querying.has(o.clientOrderId)) return;
    this.querying.add(o.clientOrderId);
    try {
      const v = await this.call(() => this.deps.venue.fetchOrder(o.clientOrderId), `fetchOrder ${o.clientOrderId}`);
      if (v.filledSize.gt(o.filled)) await this.recoverFills(o.createdAt);
      this.deps.tracker.onVenueOrder(v, "status query");
    } catch (err) {
      if (err instanceof OrderNotFound) {
        const c = this.deps.config;
        if (this.deps.tracker.onNotFound(o.clientOrderId, c.notFoundGraceMs, c.notFoundAttempts)) {
          this.deps.log(`order ${o.clientOrderId} unknown to the venue after repeated queries: closed as never resting`);
        }
      } else this.deps.log(`status query of ${o.clientOrderId} failed: ${errText(err)}`);
    } finally {
      this.querying.delete(o.clientOrderId);
    }
  }
}

/**
 * An order of ours the venue holds and no record knows, as the tracker takes it back. Fills booked for it
 * before count as not booked (filled 0): it is only ever cancelled, and its fills reach the books by trade id.
 * It has no row in the database: its state changes are not stored, its fills are.
 */
function strayRecord(v: VenueOrder, now: number): OrderRecord {
  const at = new Date(now);
  return {
    id: "",
    clientOrderId: v.clientOrderId,
    strategyId: "",
    runId: null,
    side: v.side,
    type: v.type,
    price: v.price ?? null,
    size: v.size,
    filledSize: new Decimal(0),
    status: "open",
    statusReason: "found resting at the venue, untracked",
    venueOrderId: v.venueOrderId,
    reduceOnly: false,
    postOnly: false,
    reason: "quote",
    createdAt: at,
    updatedAt: at,
    openedAt: at,
    closedAt: null,
    history: [],
  };
}
