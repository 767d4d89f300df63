// The managed market maker: on each tick it reads the market, asks the strategy core what it wants,
// passes the intents through the risk gate, cancels before it re-quotes (a cancel that is not confirmed
// stops the cycle: never two sets of quotes), places orders, and books every fill: journal first, then
// memory, then the database. The strategy never touches the venue; the runner never does quote maths.
import { randomUUID } from "node:crypto";
import Decimal from "decimal.js";
import type { MarketSpec, OrderBook, Side } from "@/lib/market";
import { applyFill, flatPosition, totalPnl, unrealizedPnl, type Position } from "@/lib/portfolio";
import { compileStrategyParams, decideQuotes, strategyParamsSchema, type CompiledParams, type QuoteDecision } from "@/lib/strategy";
import type {
  AlertDTO,
  AlertKind,
  EmergencyOutcomeDTO,
  EmergencyPreviewDTO,
  FillDTO,
  OrderDTO,
  ParamVersionDTO,
  QuotePreviewDTO,
  RiskState,
  SnapshotDTO,
  StatusDTO,
} from "@/lib/events";
import { CommandRejected, type ControlAction, type RunnerEvents } from "@/server/runner/commands";
import type { JsonObject, OrderRecord, OrderStatus, ParameterVersionRecord, Store, StrategyRecord } from "@/server/store";
import { ExchangeError, NetworkError, PostOnlyWouldCross, RateLimitExceeded, isRetryable } from "@/server/venue/errors";
import type { Venue, VenueFill, VenueOrder } from "@/server/venue/types";
import type { TimeSource } from "@/server/runner/clock";
import { FillJournal, JournalWriteError, type JournalFill } from "@/server/runner/fill-journal";
import type { OrderIntent } from "@/server/runner/intents";
import { excludeOwnOrders } from "@/server/runner/own-orders";
import { OrderRateLimiter, RiskGate } from "@/server/runner/risk-gate";
import { WriteQueue } from "@/server/runner/write-queue";

export interface RunnerConfig {
  tickMs: number;
  /** Market data older than this (by the book's timestamp) is stale: cancel all, alert, wait. */
  staleAfterMs: number;
  /** A resting quote within this many ticks of the new price, with the same size, is left alone. */
  requoteToleranceTicks: number;
  /** How often a snapshot is persisted (every tick is streamed). */
  snapshotEveryMs: number;
  maxOrdersPerSecond: number;
  /** After a venue throttle or reject, quoting pauses at least this long (doubling while it repeats). */
  backoffMs: number;
  /** Largest single rebalance order, in base units; the excess is worked down tick by tick. */
  rebalanceChunk: Decimal | null;
}

export const defaultRunnerConfig = (tickMs: number): RunnerConfig => ({
  tickMs,
  staleAfterMs: Math.max(5_000, tickMs * 5),
  requoteToleranceTicks: 1,
  snapshotEveryMs: Math.max(1_000, tickMs),
  maxOrdersPerSecond: 100,
  backoffMs: Math.max(1_000, tickMs * 2),
  rebalanceChunk: null,
});

export interface RunnerDeps {
  venue: Venue;
  store: Store;
  strategy: StrategyRecord;
  market: MarketSpec;
  time: TimeSource;
  journal: FillJournal;
  config: RunnerConfig;
  runMeta?: { seed?: number | null; config?: JsonObject };
  emit?: <K extends keyof RunnerEvents>(event: K, payload: RunnerEvents[K]) => void;
  log?: (line: string) => void;
}

interface Resting {
  clientOrderId: string;
  side: Side;
  price: Decimal;
  size: Decimal;
  filled: Decimal;
  reduceOnly: boolean;
  reason: OrderIntent["reason"];
}

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
}

const ZERO = new Decimal(0);
const SIDES: readonly Side[] = ["buy", "sell"];
const str = (d: Decimal | null | undefined) => (d ? d.toString() : null);

export class Runner {
  private readonly venue: Venue;
  private readonly store: Store;
  private readonly market: MarketSpec;
  private readonly time: TimeSource;
  private readonly journal: FillJournal;
  private readonly config: RunnerConfig;
  private readonly gate: RiskGate;
  private readonly writes: WriteQueue;
  private readonly emitEvent: NonNullable<RunnerDeps["emit"]>;
  /** Without a listener (simulations, benchmarks) no DTO is built for streaming. */
  private readonly streaming: boolean;
  private readonly log: (line: string) => void;

  private strategy: StrategyRecord;
  private params!: CompiledParams;
  private paramVersion = 0;
  private position: Position = flatPosition;
  private riskState: RiskState;
  private paused: boolean;
  private running = false;
  private rebalanceCount = 0;
  private inRebalance = false;
  private runId: string | null = null;
  private readonly seenTrades = new Set<string>();
  private readonly resting = new Map<Side, Resting>();
  /** Sides whose last cancel was not confirmed: nothing new goes there until a cancel confirms. */
  private readonly unconfirmed = new Map<Side, string>();
  private lastBook: OrderBook | null = null;
  private lastDecision: QuoteDecision | null = null;
  private lastTickAt: number | null = null;
  private lastSnapshotPersisted = 0;
  private stale = false;
  private backoffUntil = 0;
  private backoffMs: number;
  private emergencyPending = false;
  private journalBroken = false;
  private busy: Promise<unknown> = Promise.resolve();
  private unsubscribeFills: (() => void) | null = null;
  private readonly alertLast = new Map<string, number>();
  readonly stats: RunnerStats = {
    ticks: 0,
    fills: 0,
    ordersPlaced: 0,
    cancels: 0,
    requotesSkipped: 0,
    emergencies: 0,
    rebalances: 0,
    maxAbsInventory: ZERO,
    ticksAboveRebalance: 0,
    ticksQuoting: 0,
  };

  constructor(deps: RunnerDeps) {
    this.venue = deps.venue;
    this.store = deps.store;
    this.market = deps.market;
    this.time = deps.time;
    this.journal = deps.journal;
    this.config = deps.config;
    this.strategy = deps.strategy;
    this.riskState = deps.strategy.riskState;
    this.paused = deps.strategy.paused;
    this.backoffMs = deps.config.backoffMs;
    this.gate = new RiskGate(new OrderRateLimiter(deps.config.maxOrdersPerSecond));
    this.emitEvent = deps.emit ?? (() => {});
    this.streaming = deps.emit !== undefined;
    this.log = deps.log ?? (() => {});
    this.writes = new WriteQueue({
      maxDroppable: 10_000,
      onError: (err, n) => {
        if (n !== 1) return;
        const why = err instanceof Error ? err.message : String(err);
        this.log(`database write failed, will retry: ${why}`);
        void this.alert("error", "critical", `database writes failing (${why}): writes are queued in order, fills are journaled; trading continues`);
      },
      onRecovered: (n) => {
        this.log(`database writes recovered after ${n} failed attempts`);
        void this.alert("error", "info", `database available again after ${n} failed write attempts; journaled fills replayed`);
      },
    });
  }

  // ------------------------------------------------------------------ start-up and recovery

  /**
   * Rebuilds everything from the database and the journal (a kill -9 can strike at any point), then
   * squares the venue with it: fills the venue reports that we never booked are booked, orders we think
   * rest but the venue does not know are closed, orders the venue holds are cancelled (quotes are cheap to
   * re-place; adopting a half-known order is not).
   */
  async open(runMeta?: RunnerDeps["runMeta"]): Promise<void> {
    const rec = await this.store.loadRecoveryState(this.strategy.id);
    this.strategy = rec.strategy;
    this.riskState = rec.strategy.riskState;
    this.paused = rec.strategy.paused;
    this.rebalanceCount = rec.rebalanceCount;
    if (!rec.params) throw new Error(`strategy ${this.strategy.name} has no parameter version: create it with initial parameters`);
    this.setParams(rec.params);

    for (const f of rec.fills) {
      this.seenTrades.add(f.venueTradeId);
      this.position = applyFill(this.position, f);
    }
    // Journal entries the database never saw (the process died, or the database was down).
    const journaled = this.journal.readAll().filter((j) => !this.seenTrades.has(j.tradeId));
    for (const j of journaled) this.bookFill(fromJournal(j), { journal: false });

    if (rec.lastRun && rec.lastRun.stoppedAt === null) {
      this.writes.push(() => this.store.stopRun(rec.lastRun!.id, "process died; recovered on restart", new Date(this.time.now())));
    }
    const run = await this.store.startRun({
      strategyId: this.strategy.id,
      mode: this.strategy.mode,
      seed: runMeta?.seed ?? null,
      config: runMeta?.config,
      startedAt: new Date(this.time.now()),
    });
    this.runId = run.id;

    this.unsubscribeFills = this.venue.watchFills((f) => this.bookFill(f, { journal: true }));

    // Fills the venue has for orders we thought open (missed while we were down).
    const openInDb = rec.openOrders;
    if (openInDb.length) {
      const since = Math.min(...openInDb.map((o) => o.createdAt.getTime()));
      for (const f of await this.venue.fetchMyTrades({ since })) this.bookFill(f, { journal: true });
    }
    const atVenue = await this.venue.fetchOpenOrders();
    const atVenueIds = new Set(atVenue.map((o) => o.clientOrderId));
    const nowDate = () => new Date(this.time.now());
    for (const o of openInDb) {
      if (!atVenueIds.has(o.clientOrderId)) {
        this.writes.push(() =>
          this.store.updateOrder(o.clientOrderId, { status: "cancelled", statusReason: "not held by the venue at restart", closedAt: nowDate() }),
        );
      }
    }
    if (atVenue.length) {
      const cancelled = await this.venue.cancelAllOrders();
      for (const o of cancelled) this.persistVenueOrder(o, "cancelled at restart");
    }
    await this.writes.flush();
    this.truncateJournalIfDrained();
    this.log(
      `recovered ${this.strategy.name}: inventory ${this.position.qty} from ${rec.fills.length} fills (+${journaled.length} from the journal), ` +
        `${openInDb.length} open orders in the database, ${atVenue.length} at the venue`,
    );
    this.running = true;
    this.emitStatus();
  }

  private setParams(v: ParameterVersionRecord): void {
    this.params = compileStrategyParams(v.params);
    this.paramVersion = v.version;
  }

  // ------------------------------------------------------------------ the tick

  /** Serializes ticks and operator commands: a command never interleaves with a half-done tick. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.busy.then(fn, fn);
    this.busy = next.catch(() => undefined);
    return next;
  }

  tick(ts: number): Promise<void> {
    return this.exclusive(async () => {
      const t0 = performance.now();
      await this.runTick(ts);
      this.tickDurations[this.tickCount++ % this.tickDurations.length] = performance.now() - t0;
    });
  }

  private readonly tickDurations = new Float64Array(8192);
  private tickCount = 0;

  /** Wall-clock duration of the recent ticks (up to the last 8192), in microseconds. */
  tickMetrics(reset = false): { ticks: number; tickP50Us: number; tickP99Us: number; tickMaxUs: number } {
    const n = Math.min(this.tickCount, this.tickDurations.length);
    const xs = Array.from(this.tickDurations.subarray(0, n)).sort((a, b) => a - b);
    const at = (q: number) => (n ? Math.round(xs[Math.min(n - 1, Math.floor(q * n))]! * 1000) : 0);
    const out = { ticks: this.tickCount, tickP50Us: at(0.5), tickP99Us: at(0.99), tickMaxUs: n ? Math.round(xs[n - 1]! * 1000) : 0 };
    if (reset) this.tickCount = 0;
    return out;
  }

  private async runTick(ts: number): Promise<void> {
    this.stats.ticks++;
    this.lastTickAt = ts;
    void this.writes.kick();
    if (!this.running) return;

    if (ts < this.backoffUntil) {
      // Backing off after a throttle or reject: no request at all, what rests stays.
      this.publishTick(null);
      return;
    }
    let book: OrderBook;
    try {
      book = await this.venue.fetchOrderBook();
    } catch (err) {
      if (err instanceof RateLimitExceeded) await this.backoff(err, "venue throttled a market data request");
      else await this.alertThrottled("error", "warning", `market data unavailable: ${errText(err)}`);
      this.publishTick(null);
      return;
    }

    const age = ts - book.ts;
    if (age > this.config.staleAfterMs) {
      if (!this.stale) {
        this.stale = true;
        await this.alert("stale_data", "warning", `market data is ${Math.round(age / 1000)} s old: quotes cancelled until it is fresh again`);
        await this.cancelAll("stale market data");
      }
      this.publishTick(null);
      return;
    }
    if (this.stale) {
      this.stale = false;
      await this.alert("stale_data", "info", "market data fresh again: quoting resumes");
    }

    const own = [...this.resting.values()].map((r) => ({ side: r.side, price: r.price, remaining: r.size.sub(r.filled) }));
    this.lastBook = excludeOwnOrders(book, own);
    const decision = decideQuotes({ inventory: this.position.qty }, this.params, this.lastBook, this.market);
    this.lastDecision = decision;
    this.trackRebalance(decision);

    if (this.journalBroken) {
      await this.cancelAll("fill journal cannot be written");
    } else if (decision.action?.kind === "emergency" || this.emergencyPending) {
      this.emergencyPending = false;
      if (decision.action?.kind === "emergency") await this.emergencyFlatten("emergency threshold reached", decision);
    } else if (this.paused || this.riskState === "HALTED") {
      if (this.resting.size) await this.cancelAll(this.paused ? "paused" : "risk state HALTED");
    } else {
      await this.requote(decision, ts);
    }
    this.publishTick(decision);
  }

  private trackRebalance(decision: QuoteDecision): void {
    const above = decision.action !== null;
    if (above) this.stats.ticksAboveRebalance++;
    if (above && !this.inRebalance) {
      this.inRebalance = true;
      this.rebalanceCount++;
      this.stats.rebalances++;
      const a = decision.action!;
      void this.alert(
        "rebalance",
        a.kind === "emergency" ? "critical" : "warning",
        `inventory ratio ${decision.metrics.ratio.toFixed(3)} past the ${a.kind} threshold: ${a.side} ${a.amount} toward target`,
      );
    } else if (!above) this.inRebalance = false;
  }

  private intentsFor(decision: QuoteDecision): OrderIntent[] {
    const intents: OrderIntent[] = [];
    const action = decision.action?.kind === "rebalance" ? decision.action : null;
    for (const side of SIDES) {
      const q = side === "buy" ? decision.bid : decision.ask;
      if (action && action.side === side) {
        // Work the excess back with a reduce-only order at the opposite best price, one chunk per tick.
        const chunk = this.config.rebalanceChunk ?? this.params.orderSize;
        const size = Decimal.min(action.amount, chunk);
        const price = action.limitPrice ?? q?.price ?? null;
        if (price && size.gt(0)) {
          intents.push({ side, type: "limit", price, size, postOnly: false, reduceOnly: true, reason: "rebalance" });
          continue;
        }
      }
      if (q) intents.push({ side, type: "limit", price: q.price, size: q.size, postOnly: true, reduceOnly: false, reason: "quote" });
    }
    return intents;
  }

  private async requote(decision: QuoteDecision, ts: number): Promise<void> {
    const { accepted } = this.gate.check(this.intentsFor(decision), {
      riskState: this.riskState,
      inventory: this.position.qty,
      targetInventory: this.params.targetInventory,
      maxInventory: this.params.maxInventory,
      lotSize: this.market.lotSize,
      now: ts,
    });
    const want = new Map<Side, OrderIntent>();
    for (const i of accepted) want.set(i.side, i);

    // Cancel first, both sides at once, and only then place (both at once, as the Rust document's
    // tokio::join!): a failed or unconfirmed cancel stops the whole cycle.
    const clearSide = async (side: Side): Promise<{ ok: boolean; place: OrderIntent | null }> => {
      const desired = want.get(side) ?? null;
      const stuck = this.unconfirmed.get(side);
      if (stuck && !(await this.cancelConfirmed(side, stuck, "retrying an unconfirmed cancel"))) return { ok: false, place: null };
      const rest = this.resting.get(side);
      if (rest && desired && this.withinTolerance(rest, desired)) {
        this.stats.requotesSkipped++;
        return { ok: true, place: null };
      }
      if (rest && !(await this.cancelConfirmed(side, rest.clientOrderId, "re-quote"))) return { ok: false, place: null };
      return { ok: true, place: desired };
    };
    const cleared = await Promise.all(SIDES.map(clearSide));
    if (cleared.some((c) => !c.ok)) return;
    const toPlace = cleared.flatMap((c) => (c.place ? [c.place] : []));
    if (toPlace.length) this.stats.ticksQuoting++;
    await Promise.all(toPlace.map((intent) => this.place(intent, ts)));
  }

  private withinTolerance(rest: Resting, desired: OrderIntent): boolean {
    if (!desired.price || rest.reduceOnly !== desired.reduceOnly) return false;
    const tolerance = this.market.tickSize.mul(this.config.requoteToleranceTicks);
    return rest.price.sub(desired.price).abs().lte(tolerance) && rest.size.sub(rest.filled).eq(desired.size);
  }

  /** true when the venue confirmed the order no longer rests. */
  private async cancelConfirmed(side: Side, clientOrderId: string, why: string): Promise<boolean> {
    this.writes.push(() => this.store.updateOrder(clientOrderId, { status: "pending_cancel" }).catch(ignoreMissingOrder));
    try {
      const final = await this.venue.cancelOrder(clientOrderId);
      this.stats.cancels++;
      this.persistVenueOrder(final, why);
      this.resting.delete(side);
      this.unconfirmed.delete(side);
      return true;
    } catch (err) {
      if (err instanceof ExchangeError && err.name === "OrderNotFound") {
        // The venue no longer has it (filled or expired): nothing rests there.
        this.writes.push(() =>
          this.store.updateOrder(clientOrderId, { status: "cancelled", statusReason: "unknown to the venue", closedAt: new Date(this.time.now()) }).catch(ignoreMissingOrder),
        );
        this.resting.delete(side);
        this.unconfirmed.delete(side);
        return true;
      }
      this.unconfirmed.set(side, clientOrderId);
      await this.alertThrottled("cancel_failure", "critical", `cancel of ${side} ${clientOrderId} not confirmed (${errText(err)}): no new ${side} quote until the venue confirms`);
      return false;
    }
  }

  private async place(intent: OrderIntent, ts: number): Promise<"ok" | "skip" | "stop"> {
    const clientOrderId = `sd-${randomUUID()}`;
    const at = new Date(ts);
    this.writes.push(() =>
      this.store.saveOrder({
        clientOrderId,
        strategyId: this.strategy.id,
        runId: this.runId,
        side: intent.side,
        type: intent.type,
        price: intent.price,
        size: intent.size,
        status: "pending_new",
        reduceOnly: intent.reduceOnly,
        postOnly: intent.postOnly,
        reason: intent.reason,
        createdAt: at,
      }),
    );
    if (intent.type === "limit" && intent.price) {
      // Track before the call: fills can arrive while the venue is still acknowledging.
      this.resting.set(intent.side, { clientOrderId, side: intent.side, price: intent.price, size: intent.size, filled: ZERO, reduceOnly: intent.reduceOnly, reason: intent.reason });
    }
    try {
      const o = await this.venue.createOrder({
        clientOrderId,
        side: intent.side,
        type: intent.type,
        price: intent.price ?? undefined,
        size: intent.size,
        postOnly: intent.postOnly,
        reduceOnly: intent.reduceOnly,
      });
      this.stats.ordersPlaced++;
      this.backoffMs = this.config.backoffMs;
      this.persistVenueOrder(o, null);
      if (o.status !== "open" && o.status !== "partially_filled") this.resting.delete(intent.side);
      return "ok";
    } catch (err) {
      this.resting.delete(intent.side);
      const closed = { status: "rejected" as OrderStatus, statusReason: errText(err), closedAt: new Date(this.time.now()) };
      if (err instanceof PostOnlyWouldCross) {
        this.writes.push(() => this.store.updateOrder(clientOrderId, closed));
        return "skip";
      }
      if (err instanceof RateLimitExceeded || err instanceof ExchangeError) {
        this.writes.push(() => this.store.updateOrder(clientOrderId, closed));
        await this.backoff(err, "venue refused an order");
        return "stop";
      }
      if (err instanceof NetworkError || isRetryable(err)) {
        // Unknown outcome: the order may rest. Treat it as resting until a cancel confirms.
        this.unconfirmed.set(intent.side, clientOrderId);
        await this.alertThrottled("error", "warning", `order ${clientOrderId} outcome unknown (${errText(err)}): will cancel before quoting that side`);
        return "stop";
      }
      throw err;
    }
  }

  /** Exponential backoff (to a minute) after a throttle or a reject: the venue sees no order storm. */
  private async backoff(err: unknown, what: string): Promise<void> {
    const retryAfter = err instanceof RateLimitExceeded ? (err.retryAfterMs ?? 0) : 0;
    const wait = Math.max(this.backoffMs, retryAfter);
    this.backoffUntil = this.time.now() + wait;
    await this.alertThrottled("error", "warning", `${what} (${errText(err)}): backing off ${wait} ms`);
    this.backoffMs = Math.min(this.backoffMs * 2, 60_000);
  }

  private async cancelAll(why: string): Promise<number> {
    let n = 0;
    for (const side of SIDES) {
      const id = this.resting.get(side)?.clientOrderId ?? this.unconfirmed.get(side);
      if (id && (await this.cancelConfirmed(side, id, why))) n++;
    }
    return n;
  }

  // ------------------------------------------------------------------ fills

  /**
   * Journal first (durable), then memory, then the database through the ordered write queue. A fill
   * seen twice (venue redelivery, reconciliation, journal replay) is booked once.
   */
  private bookFill(f: VenueFill, opts: { journal: boolean }): void {
    if (this.seenTrades.has(f.tradeId)) return;
    if (opts.journal) {
      try {
        this.journal.append(toJournal(f));
      } catch (err) {
        if (err instanceof JournalWriteError && !this.journalBroken) {
          // Booking continues in memory and in the database, but quoting halts: we can no longer promise durability.
          this.journalBroken = true;
          this.riskState = "HALTED";
          this.writes.push(() => this.store.setRiskState(this.strategy.id, "HALTED", err.message));
          void this.alert("error", "critical", `${err.message}: quoting HALTED`);
        }
      }
    }
    this.seenTrades.add(f.tradeId);
    this.position = applyFill(this.position, f);
    this.stats.fills++;
    if (this.captureNotional) this.notionalCaptured = this.notionalCaptured.add(f.price.mul(f.size));
    const abs = this.position.qty.abs();
    if (abs.gt(this.stats.maxAbsInventory)) this.stats.maxAbsInventory = abs;

    const r = this.resting.get(f.side);
    if (r && r.clientOrderId === f.clientOrderId) {
      r.filled = r.filled.add(f.size);
      const done = r.filled.gte(r.size);
      if (this.streaming) this.emitEvent("order", { ...restingDto(r, f.ts), status: done ? "filled" : "partially_filled" });
      if (done) this.resting.delete(f.side);
    }
    const inventoryAfter = this.position.qty;
    const realizedAfter = this.position.realized;
    this.writes.push(async () => {
      await this.store.recordFill({
        strategyId: this.strategy.id,
        runId: this.runId,
        venue: this.venue.id,
        venueTradeId: f.tradeId,
        clientOrderId: f.clientOrderId,
        side: f.side,
        price: f.price,
        size: f.size,
        fee: f.fee,
        liquidity: f.liquidity,
        inventoryAfter,
        realizedPnlAfter: realizedAfter,
        ts: new Date(f.ts),
      });
      this.truncateJournalIfDrained();
    });

    // A fill that pushes |ratio| past the emergency threshold is flattened on the next tick at the latest.
    if (this.params && this.ratio().abs().gte(this.params.emergencyThreshold)) this.emergencyPending = true;
    this.emitEvent("fill", fillDto(f, inventoryAfter));
  }

  private truncateJournalIfDrained(): void {
    // Only the last write in the queue may truncate: everything journaled is then in the database.
    if (this.writes.length <= 1 && !this.journalBroken) {
      try {
        this.journal.truncate();
      } catch {
        // Leaving entries behind is harmless: recovery skips those already in the database.
      }
    }
  }

  // ------------------------------------------------------------------ emergency close

  private excess(): Decimal {
    return this.position.qty.sub(this.params.targetInventory);
  }

  private ratio(): Decimal {
    return this.excess().div(this.params.maxInventory);
  }

  /**
   * Market orders until |inventory − target| is under one lot, the book runs dry, or five attempts:
   * a thin book can fill only part of one market order.
   */
  private async flatten(reason: "emergency", why: string): Promise<{ filled: Decimal; failure: string | null }> {
    let filled = ZERO;
    let failure: string | null = null;
    await this.cancelAll(why);
    for (let attempt = 0; attempt < 5; attempt++) {
      const excess = this.excess();
      const amount = excess.abs().div(this.market.lotSize).floor().mul(this.market.lotSize);
      if (amount.lt(this.market.minSize) || amount.isZero()) break;
      const side: Side = excess.gt(0) ? "sell" : "buy";
      const clientOrderId = `sd-${randomUUID()}`;
      const before = this.position.qty;
      // Reduce-only only when the move to target shrinks the position without crossing zero; a target
      // further from zero than the position (e.g. −0.9 while holding −0.4) needs an order that adds.
      const after = before.sub(excess.gt(0) ? amount : amount.neg());
      const reduceOnly = after.abs().lte(before.abs()) && (after.isZero() || after.isNegative() === before.isNegative());
      this.writes.push(() =>
        this.store.saveOrder({
          clientOrderId,
          strategyId: this.strategy.id,
          runId: this.runId,
          side,
          type: "market",
          price: null,
          size: amount,
          status: "pending_new",
          reduceOnly,
          postOnly: false,
          reason,
          createdAt: new Date(this.time.now()),
        }),
      );
      try {
        const o = await this.venue.createOrder({ clientOrderId, side, type: "market", size: amount, reduceOnly });
        this.stats.ordersPlaced++;
        this.persistVenueOrder(o, why, "emergency");
      } catch (err) {
        this.writes.push(() => this.store.updateOrder(clientOrderId, { status: "rejected", statusReason: errText(err), closedAt: new Date(this.time.now()) }));
        failure = `market ${side} ${amount} failed: ${errText(err)}`;
        await this.alert("emergency", "critical", `emergency ${failure}`);
        break;
      }
      const moved = before.sub(this.position.qty).abs();
      if (moved.isZero()) break;
      filled = filled.add(moved);
    }
    return { filled, failure };
  }

  private async emergencyFlatten(why: string, decision: QuoteDecision): Promise<void> {
    this.stats.emergencies++;
    const before = this.position.qty;
    const { filled } = await this.flatten("emergency", why);
    await this.setRisk("REDUCING", `${why}: flattened ${filled}, stays REDUCING until an operator re-arms`);
    await this.alert(
      "emergency",
      "critical",
      `EMERGENCY CLOSE (${why}): ratio ${decision.metrics.ratio.toFixed(3)}, inventory ${before} → ${this.position.qty}; REDUCING until re-armed`,
    );
  }

  // ------------------------------------------------------------------ operator commands

  emergencyPreview(): EmergencyPreviewDTO {
    const excess = this.excess();
    const amount = excess.abs().div(this.market.lotSize).floor().mul(this.market.lotSize);
    const side: Side | null = amount.gt(0) ? (excess.gt(0) ? "sell" : "buy") : null;
    return {
      side,
      amount: amount.toString(),
      estimatedPrice: side ? str(this.estimateMarketPrice(side, amount)) : null,
      inventory: this.position.qty.toString(),
      targetInventory: this.params.targetInventory.toString(),
    };
  }

  /** Volume-weighted price a market order of `amount` would get from the last book. */
  private estimateMarketPrice(side: Side, amount: Decimal): Decimal | null {
    const levels = side === "sell" ? this.lastBook?.bids : this.lastBook?.asks;
    if (!levels?.length) return null;
    let left = amount;
    let cost = ZERO;
    for (const l of levels) {
      const take = Decimal.min(left, l.size);
      cost = cost.add(take.mul(l.price));
      left = left.sub(take);
      if (left.lte(0)) break;
    }
    const got = amount.sub(left);
    return got.gt(0) ? cost.div(got).toDecimalPlaces(this.market.tickSize.decimalPlaces()) : null;
  }

  emergencyClose(by: string): Promise<EmergencyOutcomeDTO> {
    return this.exclusive(async () => {
      const before = this.position.qty;
      const fillsBefore = this.stats.fills;
      const cancelledBefore = this.stats.cancels;
      this.captureNotional = true;
      this.notionalCaptured = ZERO;
      const { filled, failure } = await this.flatten("emergency", `emergency close by ${by}`);
      this.captureNotional = false;
      await this.setPaused(true);
      const avg = filled.gt(0) ? this.notionalCaptured.div(filled).toDecimalPlaces(this.market.tickSize.decimalPlaces()) : null;
      this.notionalCaptured = ZERO;
      const left = this.excess().abs();
      const message = failure
        ? `${filled.gt(0) ? `flattened ${filled} at ~${avg}, then ` : ""}${failure}: inventory ${before} → ${this.position.qty}, ${left} from target; strategy paused`
        : filled.gt(0)
          ? `flattened ${filled} at ~${avg}: inventory ${before} → ${this.position.qty}; strategy paused`
          : `nothing to flatten (inventory ${before} at target); quotes cancelled, strategy paused`;
      await this.alert("emergency", "critical", `EMERGENCY CLOSE by ${by}: ${message}`);
      // The page reloads orders, fills and alerts when the answer arrives: they must already be stored.
      // Bounded, so that a database outage delays the answer by seconds, not forever (the journal has the fills).
      await this.writes.flush(5_000);
      this.emitStatus();
      return {
        filled: filled.toString(),
        averagePrice: str(avg),
        inventoryAfter: this.position.qty.toString(),
        cancelledOrders: this.stats.cancels - cancelledBefore,
        paused: true,
        message: `${message} (${this.stats.fills - fillsBefore} fills)`,
      };
    });
  }

  private captureNotional = false;
  private notionalCaptured = ZERO;

  control(action: ControlAction, by: string): Promise<StatusDTO> {
    return this.exclusive(async () => {
      switch (action) {
        case "start":
        case "resume":
          if (this.riskState === "HALTED" && this.journalBroken) throw new CommandRejected("the fill journal cannot be written: fix the disk, then restart", undefined, 409);
          await this.setPaused(false);
          break;
        case "pause":
          await this.setPaused(true);
          await this.cancelAll(`paused by ${by}`);
          break;
        case "rearm": {
          if (this.riskState === "ACTIVE") throw new CommandRejected("already ACTIVE: nothing to re-arm", undefined, 409);
          if (this.journalBroken) throw new CommandRejected("the fill journal cannot be written: fix the disk, then restart", undefined, 409);
          if (this.ratio().abs().gte(this.params.emergencyThreshold)) {
            throw new CommandRejected(`inventory ratio ${this.ratio().toFixed(3)} is still past the emergency threshold: flatten first`, undefined, 409);
          }
          await this.setRisk("ACTIVE", `re-armed by ${by}`);
          break;
        }
      }
      this.emitStatus();
      return this.status();
    });
  }

  private async setPaused(paused: boolean): Promise<void> {
    if (this.paused === paused) return;
    this.paused = paused;
    this.writes.push(() => this.store.setPaused(this.strategy.id, paused));
  }

  private async setRisk(state: RiskState, reason: string): Promise<void> {
    if (this.riskState === state) return;
    const from = this.riskState;
    this.riskState = state;
    this.writes.push(() => this.store.setRiskState(this.strategy.id, state, reason));
    await this.alert("risk_state", state === "ACTIVE" ? "info" : "critical", `risk state ${from} → ${state}: ${reason}`);
  }

  /** Validates without applying; throws CommandRejected with field errors. */
  validateParams(input: Record<string, unknown>): CompiledParams {
    const parsed = strategyParamsSchema.safeParse(input);
    if (!parsed.success) {
      const fields: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path.join(".") || "params";
        fields[key] ??= issue.message;
      }
      throw new CommandRejected(`invalid parameters: ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join("; ")}`, fields);
    }
    return compileStrategyParams(parsed.data);
  }

  previewParams(input: Record<string, unknown>): QuotePreviewDTO {
    const compiled = this.validateParams(input);
    const book = this.lastBook;
    if (!book) throw new CommandRejected("no market data yet: wait for the first tick", undefined, 409);
    const d = decideQuotes({ inventory: this.position.qty }, compiled, book, this.market);
    return {
      bid: d.bid ? { price: d.bid.price.toString(), size: d.bid.size.toString() } : null,
      ask: d.ask ? { price: d.ask.price.toString(), size: d.ask.size.toString() } : null,
      skipped: d.skipped.map((s) => ({ side: s.side, reason: s.reason })),
      action: d.action ? { kind: d.action.kind, side: d.action.side, amount: d.action.amount.toString() } : null,
      mid: str(d.metrics.mid),
      warnings: d.warnings,
    };
  }

  applyParams(input: Record<string, unknown>, reason: string, by: string, rolledBackFrom?: number): Promise<ParamVersionDTO> {
    const compiled = this.validateParams(input);
    return this.exclusive(async () => {
      // The version is persisted before it takes effect: what trades is always on record.
      const v = await this.store.appendParameterVersion({
        strategyId: this.strategy.id,
        params: compiled.source as unknown as JsonObject,
        changedBy: by,
        reason,
        rolledBackFrom,
        expectedCurrentVersion: this.paramVersion,
      });
      this.params = compiled;
      this.paramVersion = v.version;
      const dto = paramDto(v);
      this.emitEvent("params", dto);
      this.emitStatus();
      return dto;
    });
  }

  async rollbackParams(version: number, reason: string, by: string): Promise<ParamVersionDTO> {
    const v = await this.store.getParameterVersion(this.strategy.id, version);
    if (!v) throw new CommandRejected(`no parameter version ${version}`, { version: "no such version" }, 404);
    return this.applyParams(v.params, reason || `rollback to version ${version}`, by, version);
  }

  async paramsList(): Promise<{ current: ParamVersionDTO; versions: ParamVersionDTO[] }> {
    const versions = await this.store.listParameterVersions(this.strategy.id, { limit: 200 });
    const current = versions.find((v) => v.version === this.paramVersion) ?? (await this.store.getParameterVersion(this.strategy.id));
    if (!current) throw new Error("strategy has no parameter version");
    return { current: paramDto(current), versions: versions.map(paramDto) };
  }

  // ------------------------------------------------------------------ shutdown

  /** SIGTERM: cancel every quote, flush every write, close the run. */
  shutdown(reason: string): Promise<void> {
    return this.exclusive(async () => {
      this.running = false;
      try {
        await this.cancelAll(`shutdown: ${reason}`);
      } catch (err) {
        this.log(`cancel on shutdown failed: ${errText(err)}`);
      }
      this.unsubscribeFills?.();
      if (this.runId) {
        const id = this.runId;
        this.writes.push(() => this.store.stopRun(id, reason, new Date(this.time.now())));
      }
      const flushed = await this.writes.flush(15_000);
      if (!flushed) this.log(`shutdown: ${this.writes.length} writes still queued; fills among them are in the journal`);
      else this.truncateJournalIfDrained();
    });
  }

  flushWrites(timeoutMs?: number): Promise<boolean> {
    return this.writes.flush(timeoutMs);
  }

  /** Writes waiting for the database (fills, orders, snapshots, alerts), oldest first. */
  get queuedWrites(): number {
    return this.writes.length;
  }

  get databaseHealthy(): boolean {
    return this.writes.healthy;
  }

  // ------------------------------------------------------------------ views

  get strategyId(): string {
    return this.strategy.id;
  }

  get inventory(): Decimal {
    return this.position.qty;
  }

  get currentPosition(): Position {
    return this.position;
  }

  get state(): { riskState: RiskState; paused: boolean; rebalanceCount: number; paramVersion: number } {
    return { riskState: this.riskState, paused: this.paused, rebalanceCount: this.rebalanceCount, paramVersion: this.paramVersion };
  }

  get openQuotes(): Array<{ side: Side; price: Decimal; size: Decimal; clientOrderId: string }> {
    return [...this.resting.values()].map((r) => ({ side: r.side, price: r.price, size: r.size.sub(r.filled), clientOrderId: r.clientOrderId }));
  }

  private mark(): Decimal | null {
    return this.lastDecision?.metrics.mid ?? null;
  }

  snapshot(ts: number): SnapshotDTO {
    const d = this.lastDecision;
    const mark = this.mark();
    return {
      ts,
      mid: str(d?.metrics.mid),
      bestBid: str(d?.metrics.bestBid),
      bestAsk: str(d?.metrics.bestAsk),
      ourBid: str(this.resting.get("buy")?.price),
      ourAsk: str(this.resting.get("sell")?.price),
      inventory: this.position.qty.toString(),
      ratio: this.ratio().toNumber(),
      skew: d?.metrics.skew ?? 0,
      realizedPnl: this.position.realized.toString(),
      unrealizedPnl: unrealizedPnl(this.position, mark).toString(),
      totalPnl: totalPnl(this.position, mark).toString(),
      fees: this.position.fees.toString(),
      riskState: this.riskState,
    };
  }

  status(): StatusDTO {
    const d = this.lastDecision;
    const mark = this.mark();
    return {
      strategy: this.strategy.name,
      market: this.market.symbol,
      venue: this.venue.id,
      mode: this.strategy.mode,
      riskState: this.riskState,
      running: this.running,
      paused: this.paused,
      inventory: this.position.qty.toString(),
      targetInventory: this.params.targetInventory.toString(),
      maxInventory: this.params.maxInventory.toString(),
      ratio: this.ratio().toNumber(),
      skew: d?.metrics.skew ?? 0,
      peak: this.position.peak.toString(),
      rebalanceCount: this.rebalanceCount,
      realizedPnl: this.position.realized.toString(),
      unrealizedPnl: unrealizedPnl(this.position, mark).toString(),
      fees: this.position.fees.toString(),
      openOrders: [...this.resting.values()].map((r) => restingDto(r, this.lastTickAt ?? 0)),
      lastTickAt: this.lastTickAt,
      tickIntervalMs: this.config.tickMs,
      staleAfterMs: this.config.staleAfterMs,
      paramVersion: this.paramVersion,
      rebalanceThreshold: this.params.rebalanceThreshold,
      emergencyThreshold: this.params.emergencyThreshold,
      mid: str(d?.metrics.mid),
      bestBid: str(d?.metrics.bestBid),
      bestAsk: str(d?.metrics.bestAsk),
      ourBid: str(this.resting.get("buy")?.price),
      ourAsk: str(this.resting.get("sell")?.price),
    };
  }

  private publishTick(decision: QuoteDecision | null): void {
    const ts = this.lastTickAt ?? this.time.now();
    const persist = decision?.metrics.mid && ts - this.lastSnapshotPersisted >= this.config.snapshotEveryMs;
    if (!this.streaming && !persist) return;
    const snap = this.snapshot(ts);
    if (this.streaming) {
      this.emitEvent("snapshot", snap);
      this.emitStatus();
    }
    if (persist && decision?.metrics.mid) {
      this.lastSnapshotPersisted = ts;
      const mark = decision.metrics.mid;
      const pos = this.position;
      const risk = this.riskState;
      this.writes.push(
        () =>
          this.store.insertSnapshot({
            strategyId: this.strategy.id,
            ts: new Date(ts),
            mid: mark,
            bestBid: decision.metrics.bestBid,
            bestAsk: decision.metrics.bestAsk,
            ourBid: snap.ourBid ? new Decimal(snap.ourBid) : null,
            ourAsk: snap.ourAsk ? new Decimal(snap.ourAsk) : null,
            inventory: pos.qty,
            ratio: new Decimal(snap.ratio),
            skew: new Decimal(decision.metrics.skew),
            realizedPnl: pos.realized,
            unrealizedPnl: unrealizedPnl(pos, mark),
            fees: pos.fees,
            riskState: risk,
          }),
        true,
      );
    }
  }

  private emitStatus(): void {
    if (this.streaming && this.params) this.emitEvent("status", this.status());
  }

  private persistVenueOrder(o: VenueOrder, reason: string | null, orderReason?: OrderIntent["reason"]): void {
    const now = new Date(this.time.now());
    if (this.streaming) {
      // Every change of an order reaches the live tables, not only its placement.
      const why = orderReason ?? [...this.resting.values()].find((r) => r.clientOrderId === o.clientOrderId)?.reason ?? "quote";
      this.emitEvent("order", {
        clientOrderId: o.clientOrderId,
        side: o.side,
        type: o.type,
        price: str(o.price),
        size: o.size.toString(),
        filledSize: o.filledSize.toString(),
        status: o.status,
        reason: why,
        createdAt: o.ts,
        updatedAt: now.getTime(),
      });
    }
    const terminal = o.status === "filled" || o.status === "cancelled" || o.status === "rejected";
    this.writes.push(() =>
      this.store
        .updateOrder(o.clientOrderId, {
          status: o.status,
          venueOrderId: o.venueOrderId,
          ...(o.status === "open" ? { openedAt: now } : {}),
          ...(terminal ? { closedAt: now } : {}),
          ...(reason ? { statusReason: reason } : {}),
        })
        .catch(ignoreMissingOrder),
    );
  }

  // ------------------------------------------------------------------ alerts

  private async alert(kind: AlertKind, severity: AlertDTO["severity"], message: string): Promise<void> {
    this.log(`[${severity}] ${kind}: ${message}`);
    const createdAt = new Date(this.time.now());
    // The operator sees the alert at once (even while the database is down); its row follows through
    // the write queue under the same id, which is what acknowledge uses.
    const id = randomUUID();
    this.emitEvent("alert", { id, kind, severity, message, createdAt: createdAt.getTime(), acknowledgedBy: null, acknowledgedAt: null });
    this.writes.push(() => this.store.raiseAlert({ id, strategyId: this.strategy.id, kind, severity, message, createdAt }));
  }

  /** The same alert at most once every 30 s (simulated or wall time): a stuck venue must not flood the feed. */
  private async alertThrottled(kind: AlertKind, severity: AlertDTO["severity"], message: string): Promise<void> {
    const key = `${kind}:${message.slice(0, 40)}`;
    const now = this.time.now();
    const last = this.alertLast.get(key);
    if (last !== undefined && now - last < 30_000) return;
    this.alertLast.set(key, now);
    await this.alert(kind, severity, message);
  }
}

// ------------------------------------------------------------------ mapping

function errText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function ignoreMissingOrder(err: unknown): void {
  // A status update for an order the store never saw (its insert was dropped): nothing to correct.
  if (err instanceof Error && err.name === "OrderNotFoundError") return;
  throw err;
}

function toJournal(f: VenueFill): JournalFill {
  return {
    tradeId: f.tradeId,
    clientOrderId: f.clientOrderId,
    venueOrderId: f.venueOrderId,
    side: f.side,
    price: f.price.toString(),
    size: f.size.toString(),
    fee: f.fee.toString(),
    liquidity: f.liquidity,
    ts: f.ts,
  };
}

function fromJournal(j: JournalFill): VenueFill {
  return { ...j, price: new Decimal(j.price), size: new Decimal(j.size), fee: new Decimal(j.fee) };
}

function fillDto(f: VenueFill, inventoryAfter: Decimal): FillDTO {
  return {
    tradeId: f.tradeId,
    clientOrderId: f.clientOrderId,
    side: f.side,
    price: f.price.toString(),
    size: f.size.toString(),
    fee: f.fee.toString(),
    liquidity: f.liquidity,
    inventoryAfter: inventoryAfter.toString(),
    ts: f.ts,
  };
}

function restingDto(r: Resting, ts: number): OrderDTO {
  return {
    clientOrderId: r.clientOrderId,
    side: r.side,
    type: "limit",
    price: r.price.toString(),
    size: r.size.toString(),
    filledSize: r.filled.toString(),
    status: r.filled.gt(0) ? "partially_filled" : "open",
    reason: r.reason,
    createdAt: ts,
    updatedAt: ts,
  };
}

export function orderDto(o: OrderRecord): OrderDTO {
  return {
    clientOrderId: o.clientOrderId,
    side: o.side,
    type: o.type,
    price: str(o.price),
    size: o.size.toString(),
    filledSize: o.filledSize.toString(),
    status: o.status,
    reason: o.reason,
    createdAt: o.createdAt.getTime(),
    updatedAt: o.updatedAt.getTime(),
  };
}

export function paramDto(v: ParameterVersionRecord): ParamVersionDTO {
  return {
    version: v.version,
    params: v.params,
    previous: v.previous,
    changedBy: v.changedBy,
    reason: v.reason,
    createdAt: v.createdAt.getTime(),
    rolledBackFrom: v.rolledBackFrom,
  };
}
