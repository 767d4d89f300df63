// The managed market maker, composed: each tick reads the book (with a deadline), asks the strategy core
// what it wants, and hands that to the quoter, which moves the order tracker toward it by sending commands
// whose answers come back as order events. No tick and no operator command ever waits on a venue call:
// pause, resume and the emergency close answer whatever the venue does. Fills go through the fill ledger;
// the reconciler checks the desk's books against the venue's; the publisher tells the dashboard.
import Decimal from "decimal.js";
import type { RiskState } from "@/lib/domain";
import type { EmergencyOutcomeDTO, EmergencyPreviewDTO, ParamVersionDTO, QuotePreviewDTO, SnapshotDTO, StatusDTO } from "@/lib/events";
import type { ResolveMismatchRequest } from "@/lib/api-requests";
import type { MarketSpec, OrderBook, Side } from "@/lib/market";
import { decideQuotes, type CompiledParams, type QuoteDecision } from "@/lib/strategy";
import { CommandRejected, type ControlAction } from "@/server/runner/commands";
import type { JsonObject, Store, StrategyRecord } from "@/server/store";
import type { Venue, VenueFill } from "@/server/venue/types";
import type { TimeSource } from "@/server/runner/clock";
import type { BookTrigger } from "@/server/runner/book-trigger";
import { Execution } from "@/server/runner/execution";
import type { FillJournal } from "@/server/runner/fill-journal";
import { FillLedger, entryOfFill } from "@/server/runner/fill-ledger";
import { Flattener, type FlattenResult } from "@/server/runner/flattener";
import { OrderTracker } from "@/server/runner/order-tracker";
import { ParamService } from "@/server/runner/param-service";
import { Publisher, trackedOrderDto, type Emit } from "@/server/runner/publisher";
import { Quoter } from "@/server/runner/quoter";
import { Reconciler, type Mismatch } from "@/server/runner/reconciler";
import { OrderRateLimiter, RiskGate } from "@/server/runner/risk-gate";
import { emergencyPreviewOf, previewOf } from "@/server/runner/previews";
import { defaultRunnerConfig, newRunnerStats, type RunnerConfig, type RunnerStats } from "@/server/runner/runner-config";
import { TickCycle } from "@/server/runner/tick-cycle";
import { snapshotOf, statusOf, viewOf, type ViewState } from "@/server/runner/views";
import { WriteQueue } from "@/server/runner/write-queue";
import { recover } from "@/server/runner/recovery";
import { executionHooks, ledgerHooks, writeQueueHooks } from "@/server/runner/runner-hooks";
import { DecisionLoop } from "@/server/runner/decision-loop";
import { control, emergencyClose, resolveMismatch } from "@/server/runner/operator-commands";
import { clientIds, type ClientIds } from "@/server/runner/client-ids";
import type { DeskLink } from "@/server/runner/desk-link";

export { defaultRunnerConfig, type RunnerConfig, type RunnerStats };

export interface RunnerDeps {
  venue: Venue;
  store: Store;
  strategy: StrategyRecord;
  market: MarketSpec;
  time: TimeSource;
  journal: FillJournal;
  config: RunnerConfig;
  runMeta?: { seed?: number | null; config?: JsonObject };
  emit?: Emit;
  log?: (line: string) => void;
  /** Set when the runner is one strategy of a desk of many (server/desk). */
  desk?: DeskLink;
  /** The strategy's lease epoch on a scaled-out desk (server/cluster): carried in every client order id. */
  clientEpoch?: number | null;
  /**
   * Numbered client ids (sd-…-1, -2, …) instead of random ones: only for a venue that lives and dies with the
   * runner (a lab simulation), where no earlier run's id can still be about. Anywhere else an id must not repeat
   * across restarts.
   */
  numberedClientIds?: boolean;
}

const sleep = (ms: number) => new Promise<"late">((r) => setTimeout(() => r("late"), ms).unref?.());

export class Runner {
  readonly venue: Venue;
  readonly store: Store;
  /** The venue's grid; a live venue may move it (a new tick size: recovery.ts re-rounds the quotes). */
  market: MarketSpec;
  readonly time: TimeSource;
  readonly config: RunnerConfig;
  readonly writes: WriteQueue;
  readonly tracker: OrderTracker;
  readonly execution: Execution;
  readonly ledger: FillLedger;
  readonly reconciler: Reconciler;
  readonly params: ParamService;
  readonly publisher: Publisher;
  readonly stats: RunnerStats = newRunnerStats();
  readonly quoter: Quoter;
  readonly flattener: Flattener;
  readonly loop: DecisionLoop;
  readonly emitEvent: Emit;
  readonly streaming: boolean;
  readonly log: (line: string) => void;
  readonly cycle: TickCycle;
  readonly ids: ClientIds;
  readonly deskLink: DeskLink;

  strategy: StrategyRecord;
  riskState: RiskState;
  paused: boolean;
  /** False on a live desk until an operator arms it: no quote goes out before. */
  armed: boolean;
  running = false;
  rebalanceCount = 0;
  runId: string | null = null;
  mismatch: Mismatch | null = null;
  /** The critical alert of the open mismatch: acknowledged when an operator resolves it. */
  mismatchAlertId: string | null = null;
  unsubscribeFills: (() => void) | null = null;
  lastDecision: QuoteDecision | null = null;
  lastTickAt: number | null = null;
  snapshotWanted = false;

  constructor(deps: RunnerDeps) {
    this.venue = deps.venue;
    this.store = deps.store;
    this.market = deps.market;
    this.time = deps.time;
    this.config = deps.config;
    this.strategy = deps.strategy;
    this.riskState = deps.strategy.riskState;
    this.paused = deps.strategy.paused || deps.config.requireArming;
    this.armed = !deps.config.requireArming;
    this.emitEvent = deps.emit ?? (() => {});
    this.streaming = deps.emit !== undefined;
    this.log = deps.log ?? (() => {});
    this.ids = clientIds(deps.strategy.clientTag ?? null, deps.clientEpoch ?? null, deps.numberedClientIds ?? false);
    this.deskLink = deps.desk ?? {};
    const now = () => this.time.now();
    const sid = () => this.strategy.id;
    this.writes = new WriteQueue(writeQueueHooks(this));
    this.publisher = new Publisher({ store: this.store, writes: this.writes, strategyId: sid, now, emit: this.emitEvent, log: this.log });
    this.tracker = new OrderTracker({ now, retainClosedMs: deps.config.retainClosedMs });
    this.tracker.onChange((o, t) => {
      if (t?.from === "pending_cancel" && t.to === "cancelled") this.stats.cancels++;
      if (deps.config.record) {
        const created = t === null && o.history.length === 0 && o.state === "pending_new";
        // During a decision on a pushed book, the record is built once its requests are written (the state as it was).
        if (this.cycle.heldPersists) this.cycle.heldPersists.push([{ ...o, history: o.closedAt !== null || o.state === "unknown" ? o.history.slice() : o.history }, created]);
        else this.publisher.persistOrder(o, created, this.strategy.id, this.runId);
      }
      if (!this.streaming) return;
      // During a decision on a pushed book, the state as it was (a shallow copy) waits for the requests to leave.
      if (this.cycle.heldOrderEvents) this.cycle.heldOrderEvents.push({ ...o });
      else this.emitEvent("order", trackedOrderDto(o));
    });
    this.execution = new Execution(this.venue, this.tracker, now, deps.config.venueDeadlineMs, executionHooks(this));
    this.ledger = new FillLedger({
      journal: deps.journal,
      store: this.store,
      writes: this.writes,
      venueId: this.venue.id,
      strategyId: deps.strategy.id,
      runId: () => this.runId,
      record: deps.config.record,
      ...ledgerHooks(this),
    });
    this.quoter = new Quoter(this.tracker, this.execution, new RiskGate(this.deskLink.limiter ?? new OrderRateLimiter(deps.config.maxOrdersPerSecond)), this.market, deps.config, this.stats, this.newId, () => this.loop.seenBook);
    const market = () => this.market;
    this.flattener = new Flattener({
      tracker: this.tracker,
      execution: this.execution,
      get market() {
        return market();
      },
      now,
      excess: () => this.excess(),
      inventory: () => this.ledger.position.qty,
      newId: this.newId,
      cancelWaitMs: deps.config.flattenCancelWaitMs,
    });
    this.reconciler = new Reconciler({
      venue: this.venue,
      tracker: this.tracker,
      ledger: this.ledger,
      execution: this.execution,
      now,
      config: {
        intervalMs: deps.config.reconcileEveryMs,
        tolerance: deps.config.reconcileTolerance ?? this.market.lotSize,
        notFoundAttempts: deps.config.notFoundAttempts,
        notFoundGraceMs: deps.config.notFoundGraceMs,
        deadlineMs: deps.config.venueDeadlineMs,
      },
      ownsOrder: (id) => this.ids.owns(id),
      book: (f) => this.onVenueFill(f),
      onMismatch: (m) => this.loop.onMismatch(m),
      log: this.log,
    });
    this.loop = new DecisionLoop(this);
    this.cycle = new TickCycle(this);
    this.params = new ParamService(this.store, sid, (dto) => {
      this.snapshotWanted = true;
      this.emitEvent("params", dto);
      this.emitStatus();
    });
  }

  private readonly newId = (): string => this.ids.newId();

  /** Rebuilds from the database and the journal, then squares the books with the venue (recovery.ts). */
  open(runMeta?: RunnerDeps["runMeta"]): Promise<void> {
    return recover(this, runMeta);
  }

  /** Books a fill the venue reported (pushed or fetched): once, whatever the path. */
  onVenueFill(f: VenueFill): boolean {
    // Another strategy's fill on a shared account stream or trade history: its owner books it, never us.
    if (this.ids.foreign(f.clientOrderId)) return false;
    if (!this.ledger.book(entryOfFill(f))) return false;
    this.flattener.onFill(f.clientOrderId, f.price, f.size);
    this.tracker.onFill(f);
    return true;
  }

  // ------------------------------------------------------------------ the tick (tick-cycle.ts)

  /** Set while the desk decides on book updates (live): see book-trigger.ts. */
  bookTrigger: BookTrigger | null = null;

  get ticking(): boolean {
    return this.cycle.ticking;
  }

  /** A clock tick, or (`book`) a decision on a book the venue's stream pushed. */
  tick(ts: number, book?: OrderBook): Promise<void> {
    return this.cycle.tick(ts, book);
  }


  excess(): Decimal {
    return this.ledger.position.qty.sub(this.params.current.targetInventory);
  }

  async boundedFlatten(why: string): Promise<FlattenResult | null> {
    const r = await Promise.race([this.flattener.start(why), sleep(this.config.answerWithinMs)]);
    return r === "late" ? null : r;
  }

  // ------------------------------------------------------------------ operator commands

  emergencyPreview(): EmergencyPreviewDTO {
    return emergencyPreviewOf(this.ledger.position.qty, this.params.current.targetInventory, this.market, this.loop.lastBook);
  }

  emergencyClose(by: string): Promise<EmergencyOutcomeDTO> {
    return emergencyClose(this, by);
  }

  control(action: ControlAction, by: string): Promise<StatusDTO> {
    return control(this, action, by);
  }

  /** Resolves a reconciliation mismatch (operator-commands.ts). */
  resolveMismatch(req: ResolveMismatchRequest, by: string): Promise<StatusDTO> {
    return resolveMismatch(this, req, by);
  }

  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    this.writes.push(() => this.store.setPaused(this.strategy.id, paused), { lane: "priority", label: "paused" });
  }

  /** The state the risk gate applies: a desk over its total cap makes an ACTIVE strategy REDUCING-like. */
  gateRiskState(): RiskState {
    return this.riskState === "ACTIVE" && this.deskLink.growthBlocked?.() ? "REDUCING" : this.riskState;
  }

  setRisk(state: RiskState, reason: string): void {
    if (this.riskState === state) return;
    const from = this.riskState;
    this.riskState = state;
    this.snapshotWanted = true;
    this.writes.push(() => this.store.setRiskState(this.strategy.id, state, reason), { lane: "priority", label: "risk state" });
    this.publisher.alert("risk_state", state === "ACTIVE" ? "info" : "critical", `risk state ${from} → ${state}: ${reason}`);
  }

  validateParams(input: Record<string, unknown>): CompiledParams {
    return this.params.validate(input);
  }

  previewParams(input: Record<string, unknown>): QuotePreviewDTO {
    const compiled = this.params.validate(input);
    if (!this.loop.lastBook) throw new CommandRejected("no market data yet: wait for the first tick", undefined, 409);
    // A pair's leg previews with the pair's state (the position skew from both legs), as it decides.
    return previewOf(decideQuotes({ ...this.deskLink.quoteState?.(), inventory: this.ledger.position.qty }, compiled, this.loop.lastBook, this.market));
  }

  applyParams(input: Record<string, unknown>, reason: string, by: string): Promise<ParamVersionDTO> {
    return this.params.apply(input, reason, by);
  }

  rollbackParams(version: number, reason: string, by: string): Promise<ParamVersionDTO> {
    return this.params.rollback(version, reason, by);
  }

  paramsList(): Promise<{ current: ParamVersionDTO; versions: ParamVersionDTO[] }> {
    return this.params.list();
  }

  // ------------------------------------------------------------------ shutdown

  /**
   * Resolves once every order call sent has been answered (or lost), or after `ms` of wall time: the venue may
   * never answer. True when no order is left live.
   */
  async quiet(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (this.execution.pending > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    return this.tracker.liveCount === 0;
  }

  /** SIGTERM: cancel every quote, flush every write, close the run. */
  async shutdown(reason: string): Promise<void> {
    this.running = false;
    this.quoter.standDown(`shutdown: ${reason}`);
    if (!(await this.quiet(this.config.venueDeadlineMs))) this.log(`shutdown: ${this.tracker.live().length} orders not confirmed closed by the venue`);
    this.unsubscribeFills?.();
    this.bookTrigger?.stop();
    if (this.runId) {
      const id = this.runId;
      this.writes.push(() => this.store.stopRun(id, reason, new Date(this.time.now())));
    }
    if (!(await this.writes.flush(15_000))) this.log(`shutdown: ${this.writes.length} writes still queued; fills among them are in the journal`);
    else this.ledger.truncateJournalIfDrained();
  }

  flushWrites(timeoutMs?: number): Promise<boolean> {
    return this.writes.flush(timeoutMs);
  }

  // ------------------------------------------------------------------ views

  tickMetrics(reset = false): { ticks: number; tickP50Us: number; tickP99Us: number; tickMaxUs: number } {
    return this.cycle.metrics(reset);
  }

  /** Recent ticks' durations, ms: wall time, or (work) less the wait for the book. */
  tickSamples(kind: "wall" | "work" = "wall"): Float64Array {
    return this.cycle.samples(kind);
  }

  get queuedWrites(): number {
    return this.writes.length;
  }

  /** Age of the oldest write waiting for the database, ms (0 when none waits). */
  get oldestWriteAgeMs(): number {
    return this.writes.oldestAgeMs;
  }


  get databaseHealthy(): boolean {
    return this.writes.healthy;
  }

  get strategyId(): string {
    return this.strategy.id;
  }

  get inventory(): Decimal {
    return this.ledger.position.qty;
  }

  get currentPosition() {
    return this.ledger.position;
  }

  get state(): { riskState: RiskState; paused: boolean; rebalanceCount: number; paramVersion: number } {
    return { riskState: this.riskState, paused: this.paused, rebalanceCount: this.rebalanceCount, paramVersion: this.params.version };
  }

  get openQuotes(): Array<{ side: Side; price: Decimal; size: Decimal; clientOrderId: string }> {
    return this.tracker.live().flatMap((o) => (o.price ? [{ side: o.side, price: o.price, size: o.size.sub(o.filled), clientOrderId: o.clientOrderId }] : []));
  }

  view(): ViewState {
    return viewOf(this);
  }

  snapshot(ts: number): SnapshotDTO {
    return snapshotOf(this.view(), ts);
  }

  status(): StatusDTO {
    return statusOf(this.view());
  }


  /** The status to the dashboard, once per burst of changes (tick-cycle.ts). */
  emitStatus(): void {
    this.cycle.emitStatus();
  }

  markRunning(): void {
    this.running = true;
  }
}
