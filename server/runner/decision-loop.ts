// The decision loop: each tick reads the book (the one venue call a tick waits for, with a deadline), asks
// the strategy core what it wants and hands it to the quoter or the flattener. It owns the tick-to-tick state
// (stale data, backoff, a pending emergency, the rebalance episode); it never waits on an order call.
import type { OrderBook } from "@/lib/market";
import { decideQuotes, type QuoteDecision } from "@/lib/strategy";
import { MarketDataDown, RateLimitExceeded } from "@/server/venue/errors";
import type { BookNeed } from "@/server/venue/types";
import { withDeadline } from "@/server/venue/deadline";
import { errText } from "@/server/runner/execution";
import { excludeOwnOrders } from "@/server/runner/own-orders";
import type { Mismatch } from "@/server/runner/reconciler";
import type { Runner } from "@/server/runner/runner";

export class DecisionLoop {
  stale = false;
  backoffUntil = 0;
  backoffMs: number;
  emergencyPending = false;
  inRebalance = false;
  lastBook: OrderBook | null = null;
  /** The newest book seen from the venue, our own orders included: what a quote placed now would meet. */
  seenBook: OrderBook | null = null;
  private rereading = false;
  private rereadAfterTick = false;
  /** Wall time this tick spent waiting for the book (the venue's answer, and other work meanwhile), ms. */
  bookWaitMs = 0;
  /**
   * After an unclean stop an order we sent may rest at the venue with no record of ours, and venues show
   * fresh orders only after a while: no quote goes out until a reconciliation one not-found grace period
   * after the start has had the chance to find it (and cancel it).
   */
  private hold: { until: number; checked: boolean } | null = null;

  constructor(private readonly desk: Runner) {
    this.backoffMs = desk.config.backoffMs;
    this.need = { levels: 0, minSize: desk.market.minSize };
  }

  holdAfterUncleanStop(now: number): void {
    this.hold = { until: now + this.desk.config.notFoundGraceMs, checked: false };
  }

  /** True while quoting waits for the post-restart reconciliation. */
  private holding(ts: number): boolean {
    const h = this.hold;
    if (!h) return false;
    if (ts < h.until) return true;
    if (!h.checked) {
      h.checked = true;
      void this.desk.reconciler.run("after an unclean restart").finally(() => {
        if (this.hold === h) this.hold = null;
      });
    }
    return this.hold !== null;
  }

  /**
   * Reads the book (the one venue call a tick waits for, with a deadline) and acts on the decision. An
   * in-process venue's book is read without a call: the decision is then made before this returns.
   */
  decide(ts: number): QuoteDecision | null | Promise<QuoteDecision | null> {
    const now = this.desk.venue.orderBookNow?.(this.desk.config.decisionBookOnly ? this.bookNeed() : undefined);
    if (!now) return this.fetchAndDecide(ts);
    this.bookWaitMs = 0;
    return this.decideOn(ts, now);
  }

  private readonly need: { levels: number; minSize: BookNeed["minSize"] };

  /** What decideQuotes will read of the book (one object, refilled each tick). */
  private bookNeed(): BookNeed {
    const p = this.desk.params.current;
    this.need.levels = p.depthLookback + this.desk.tracker.liveCount;
    this.need.minSize = p.minLevelSize ?? this.desk.market.minSize;
    return this.need;
  }

  private async fetchAndDecide(ts: number): Promise<QuoteDecision | null> {
    let book: OrderBook;
    const asked = performance.now();
    try {
      book = await withDeadline(this.desk.venue.fetchOrderBook(), this.desk.config.venueDeadlineMs, "fetchOrderBook");
      this.bookWaitMs = performance.now() - asked;
    } catch (err) {
      this.bookWaitMs = performance.now() - asked;
      if (err instanceof RateLimitExceeded) this.backoff(err, "venue throttled a market data request");
      else this.desk.publisher.alertThrottled("error", "warning", `market data unavailable: ${errText(err)}`);
      // A dropped stream means our quotes sit on a book we no longer see: take them down now, not when it is stale.
      if (err instanceof MarketDataDown && this.desk.running) this.desk.quoter.standDown("market data stream down");
      return null;
    }
    return this.decideOn(ts, book);
  }

  /**
   * Acts on a book in hand (a tick's read, or one the venue's stream pushed): synchronous, so on a pushed
   * book the order requests it causes are signed and handed to the socket before anything else runs.
   */
  decideOn(ts: number, book: OrderBook): QuoteDecision | null {
    if (!this.desk.running) return null;
    this.noteBook(book);
    const age = ts - book.ts;
    if (age > this.desk.config.staleAfterMs) {
      if (!this.stale) {
        this.stale = true;
        this.desk.publisher.alert("stale_data", "warning", `market data is ${Math.round(age / 1000)} s old: quotes cancelled until it is fresh again`);
      }
      this.desk.quoter.standDown("stale market data");
      return null;
    }
    if (this.stale) {
      this.stale = false;
      this.desk.publisher.alert("stale_data", "info", "market data fresh again: quoting resumes");
    }
    this.lastBook = excludeOwnOrders(book, this.desk.tracker.liveValues());
    const params = this.desk.params.current;
    const link = this.desk.deskLink;
    const decision = decideQuotes({ ...link.quoteState?.(), inventory: this.desk.ledger.position.qty }, params, this.lastBook, this.desk.market);
    const hold = link.holdQuotes?.() ?? null;
    this.desk.lastDecision = decision;
    this.trackRebalance(decision);

    if (this.desk.ledger.journalBroken) this.desk.quoter.standDown("fill journal cannot be written");
    else if (this.holding(ts)) this.desk.quoter.standDown("waiting for the venue to show orders sent before an unclean stop");
    else if (decision.action?.kind === "emergency" || this.emergencyPending) {
      this.emergencyPending = false;
      if (decision.action?.kind === "emergency" && !this.desk.flattener.active) this.startEmergency("emergency threshold reached", decision);
    } else if (this.desk.flattener.active) this.desk.quoter.standDown("emergency close under way");
    else if (hold) this.desk.quoter.standDown(hold);
    else if (this.desk.paused || this.desk.riskState === "HALTED") this.desk.quoter.standDown(this.desk.paused ? "paused" : "risk state HALTED");
    else {
      this.desk.quoter.plan(decision, params, {
        riskState: this.desk.gateRiskState(),
        inventory: this.desk.ledger.position.qty,
        targetInventory: params.targetInventory,
        maxInventory: params.maxInventory,
        lotSize: this.desk.market.lotSize,
        now: ts,
        minPosition: this.desk.market.minPosition,
        minSize: this.desk.market.minSize,
      }, this.desk.params.version);
    }
    return decision;
  }

  /** A book from the venue (a read or its stream); an older one than we hold is ignored. */
  noteBook(book: OrderBook): void {
    if (!this.seenBook || book.ts >= this.seenBook.ts) this.seenBook = book;
  }

  /**
   * The venue refused a post-only quote as crossing: our view of the book is behind the venue's. That is
   * information, not a reason to retry the order or back off: read the book again and decide on it now.
   * One re-read at a time, none while a tick is deciding anyway or while backing off.
   */
  rereadBook(): void {
    // A tick under way has read its book already: the re-read follows it.
    if (this.desk.ticking) {
      this.rereadAfterTick = true;
      return;
    }
    const now = this.desk.time.now();
    if (this.rereading || !this.desk.running || now < this.backoffUntil) return;
    this.rereading = true;
    // Always the asking kind: this runs inside a venue's order event, which must not decide (and send) in turn.
    void this.fetchAndDecide(now).finally(() => {
      this.rereading = false;
    });
  }

  /** A tick ended: a re-read asked for while it ran happens now. */
  tickEnded(): void {
    if (!this.rereadAfterTick) return;
    this.rereadAfterTick = false;
    this.rereadBook();
  }

  /** An order answer arrived: the quoter and the flattener may move on. */
  afterOrderEvent(): void {
    this.desk.flattener.step();
    if (!this.desk.flattener.active && !this.desk.paused && this.desk.armed && this.desk.riskState !== "HALTED" && !this.stale) this.desk.quoter.step();
    this.desk.emitStatus();
  }

  trackRebalance(decision: QuoteDecision): void {
    const above = decision.action !== null;
    if (above) this.desk.stats.ticksAboveRebalance++;
    if (above && !this.inRebalance) {
      this.inRebalance = true;
      this.desk.rebalanceCount++;
      this.desk.stats.rebalances++;
      this.desk.snapshotWanted = true;
      const a = decision.action!;
      this.desk.publisher.alert(
        "rebalance",
        a.kind === "emergency" ? "critical" : "warning",
        `inventory ratio ${decision.metrics.ratio.toFixed(3)} past the ${a.kind} threshold: ${a.side} ${a.amount} toward target`,
      );
    } else if (!above) this.inRebalance = false;
  }

  /** Exponential backoff (to a minute) after a throttle or a reject: the venue sees no order storm. */
  backoff(err: unknown, what: string): void {
    const retryAfter = err instanceof RateLimitExceeded ? (err.retryAfterMs ?? 0) : 0;
    const wait = Math.max(this.backoffMs, retryAfter);
    this.backoffUntil = this.desk.time.now() + wait;
    this.desk.publisher.alertThrottled("error", "warning", `${what} (${errText(err)}): backing off ${wait} ms`);
    this.backoffMs = Math.min(this.backoffMs * 2, 60_000);
  }


  startEmergency(why: string, decision: QuoteDecision): void {
    this.desk.stats.emergencies++;
    this.desk.snapshotWanted = true;
    const before = this.desk.ledger.position.qty;
    this.desk.quoter.standDown(why);
    this.desk.setRisk("REDUCING", `${why}: flattening, stays REDUCING until an operator re-arms`);
    void this.desk.flattener.start(why).then((r) => {
      this.desk.snapshotWanted = true;
      this.desk.publisher.alert(
        "emergency",
        "critical",
        `EMERGENCY CLOSE (${why}): ratio ${decision.metrics.ratio.toFixed(3)}, inventory ${before} → ${this.desk.ledger.position.qty}${r.failure ? `; ${r.failure}` : ""}; REDUCING until re-armed`,
      );
    });
  }

  onMismatch(m: Mismatch): void {
    const first = this.desk.mismatch === null;
    this.desk.mismatch = m;
    if (!first) return this.desk.emitStatus();
    const diff = m.venueQty.sub(m.deskQty);
    this.desk.quoter.standDown("reconciliation mismatch");
    this.desk.setRisk("HALTED", `reconciliation mismatch: desk ${m.deskQty}, venue ${m.venueQty}`);
    this.desk.mismatchAlertId = this.desk.publisher.alert(
      "reconciliation",
      "critical",
      `books differ from the venue: desk inventory ${m.deskQty}, venue position ${m.venueQty} (difference ${diff}): HALTED, quotes cancelled. Adopt the venue's position or flatten, from the dashboard.`,
    );
    this.desk.emitStatus();
  }

  /** Waits for a flatten at most `ms` (wall time): controls answer within a second whatever the venue does. */
}
