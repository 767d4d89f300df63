// A desk of many strategies in one process: each strategy is a market on a venue account with its own
// runner (parameters and versions, risk state, journal, books, history), over one shared database. The desk
// owns which strategies run, the venue accounts' shared order-rate budgets, and the desk-wide risk (the
// seed's max_total_position). One strategy's fault stays its own: a start that throws is recorded against
// that strategy only, a tick that throws is caught by its own clock (or by tick() here), and a HALT is a
// runner's state, never the desk's.
import type Decimal from "decimal.js";
import { paperSettingsSchema, type DeskOverviewDTO, type PaperSettings, type StrategyOverviewDTO } from "@/lib/desk";
import { CommandRejected } from "@/server/runner/commands";
import { wallTime, type TimeSource } from "@/server/runner/clock";
import type { Runner, RunnerConfig } from "@/server/runner/runner";
import type { Store, StrategyRecord } from "@/server/store";
import type { PaperVenueOptions } from "@/server/venue/paper";
import type { Venue } from "@/server/venue/types";
import { AccountLimits } from "@/server/desk/account-limits";
import { WriteCoalescer } from "@/server/desk/write-coalescer";
import { DeskRisk } from "@/server/desk/desk-risk";
import { openPaperStrategy, type StrategySession } from "@/server/desk/paper-strategy";
import { exposureOf, idleRow, pushSpark, runningRow } from "@/server/desk/overview";

export interface DeskOptions {
  store: Store;
  /** Wall time by default; tests and the bench pass simulated time with clock "manual". */
  time?: TimeSource;
  clock: "wall" | "manual";
  journalDir: string;
  paperAccountDir: string | null;
  durable?: boolean;
  runnerConfig?: Partial<RunnerConfig>;
  venueOverrides?: Partial<PaperVenueOptions>;
  maxTotalPosition?: Decimal | null;
  /** Scaled out: the exposure of the strategies other runner processes host (counted toward the cap). */
  exposureElsewhere?: () => Decimal;
  /** Order submits per second per venue account, shared by its strategies (default 100). */
  accountOrdersPerSecond?: number;
  wrapVenue?: (s: StrategyRecord, v: Venue) => Venue;
  /** Opens a strategy's venue instead of its in-process paper account (a scaled-out desk's shared paper venue). */
  openVenue?: (s: StrategyRecord, options: PaperVenueOptions) => Promise<Venue>;
  /**
   * "all" (one desk per database): startAll starts every running strategy. "leased" (server/cluster): startAll
   * only reads them; the lease keeper hosts a strategy (host) while it holds its lease and lets it go (release).
   */
  hosting?: "all" | "leased";
  /** A strategy's runner events, tagged with the strategy. */
  emit?: (strategyId: string, event: string, payload: unknown) => void;
  log?: (line: string) => void;
}

export class Desk {
  readonly store: Store;
  readonly time: TimeSource;
  readonly risk: DeskRisk;
  readonly limits: AccountLimits;
  /** Every strategy's database writes, one round trip at a time. */
  readonly writer: WriteCoalescer;
  private readonly sessions = new Map<string, StrategySession>();
  private readonly starting = new Map<string, Promise<StrategySession | null>>();
  private readonly records = new Map<string, StrategyRecord>();
  private readonly faults = new Map<string, string>();
  private readonly sparks = new Map<string, number[]>();
  private readonly lastRows = new Map<string, StrategyOverviewDTO>();
  private readonly alertCounts = new Map<string, number>();
  private readonly log: (line: string) => void;
  /** Set by a desk-wide pause; cleared by a desk-wide resume. */
  paused = false;

  constructor(readonly opts: DeskOptions) {
    this.store = opts.store;
    this.time = opts.time ?? wallTime;
    this.log = opts.log ?? (() => {});
    this.risk = new DeskRisk(() => [...this.sessions.values()].map((s) => ({ exposure: () => exposureOf(s.runner) })), opts.maxTotalPosition ?? null, 100, () => this.time.now(), opts.exposureElsewhere);
    this.limits = new AccountLimits(() => opts.accountOrdersPerSecond ?? 100);
    this.writer = new WriteCoalescer(this.store);
  }

  /** Reads every strategy, and starts those whose lifecycle is "running"; one that fails is left with its fault. */
  async startAll(): Promise<void> {
    for (const s of await this.store.listStrategies()) this.records.set(s.id, s);
    if (this.opts.hosting === "leased") return;
    const toStart = [...this.records.values()].filter((s) => s.lifecycle === "running");
    // A few at a time: each start reconciles with its venue and replays its journal.
    for (let i = 0; i < toStart.length; i += 8) await Promise.all(toStart.slice(i, i + 8).map((s) => this.startOne(s)));
  }

  list(): StrategyRecord[] {
    return [...this.records.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  record(id: string): StrategyRecord {
    const s = this.records.get(id);
    if (!s) throw new CommandRejected(`no strategy ${id}`, { strategy: "no such strategy" }, 404);
    return s;
  }

  /** Adds a strategy the store already holds (created by desk-commands.ts). */
  adopt(s: StrategyRecord): void {
    this.records.set(s.id, s);
  }

  runnerOf(id: string): Runner | null {
    return this.sessions.get(id)?.runner ?? null;
  }

  /** The runner of a running strategy, or a 409 saying why there is none. */
  runner(id: string): Runner {
    const s = this.record(id);
    const r = this.runnerOf(id);
    if (r) return r;
    const fault = this.faults.get(id);
    throw new CommandRejected(`strategy ${s.name} is ${fault ? `not running: ${fault}` : s.lifecycle}`, undefined, 409);
  }

  runners(): Array<{ record: StrategyRecord; runner: Runner }> {
    return this.list().flatMap((record) => {
      const runner = this.runnerOf(record.id);
      return runner ? [{ record, runner }] : [];
    });
  }

  fault(id: string): string | null {
    return this.faults.get(id) ?? null;
  }

  settingsOf(s: StrategyRecord): PaperSettings {
    if (s.venue !== "paper") throw new Error(`venue ${s.venue}: a desk of many runs paper strategies only (a live desk runs one strategy)`);
    const r = paperSettingsSchema.safeParse(s.settings ?? {});
    if (!r.success) throw new Error(`its settings are invalid: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    return r.data;
  }

  /** Scaled out: starts a running strategy whose lease this process took (epoch in its client ids); null on a fault. */
  async host(id: string, epoch: number): Promise<StrategySession | null> {
    const fresh = await this.store.getStrategyById(id);
    if (!fresh) return null;
    this.records.set(id, fresh);
    if (fresh.lifecycle !== "running") return null;
    // A strategy from before tags (sd-<uuid> ids) cannot carry an epoch; the fence still holds its orders.
    return this.startOne(fresh, fresh.clientTag ? epoch : null);
  }

  /** Scaled out: stops hosting a strategy (its lease is gone or given back); its lifecycle stays as it is. */
  async release(id: string, reason: string): Promise<void> {
    await this.starting.get(id);
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    this.risk.invalidate();
    await session.close(reason).catch((err: unknown) => this.log(`[${session.runner.strategy.name}] release failed: ${(err as Error).message}`));
  }

  /** A hosted strategy's |inventory| × mark (quote currency), or null when this process does not host it. */
  exposureOf(id: string): Decimal | null {
    const s = this.sessions.get(id);
    return s ? exposureOf(s.runner) : null;
  }

  /** The strategies this process runs now. */
  hostedIds(): string[] {
    return [...this.sessions.keys()];
  }

  private startOne(s: StrategyRecord, epoch: number | null = null): Promise<StrategySession | null> {
    const existing = this.sessions.get(s.id);
    if (existing) return Promise.resolve(existing);
    const inFlight = this.starting.get(s.id);
    if (inFlight) return inFlight;
    const p = (async () => {
      try {
        const session = await openPaperStrategy({
          store: this.store,
          strategy: s,
          settings: this.settingsOf(s),
          time: this.time,
          clock: this.opts.clock,
          journalDir: this.opts.journalDir,
          paperAccountDir: this.opts.paperAccountDir,
          durable: this.opts.durable ?? true,
          runnerConfig: this.opts.runnerConfig,
          venueOverrides: this.opts.venueOverrides,
          wrapVenue: this.opts.wrapVenue ? (v) => this.opts.wrapVenue!(s, v) : undefined,
          openVenue: this.opts.openVenue ? (options) => this.opts.openVenue!(s, options) : undefined,
          clientEpoch: epoch,
          link: { limiter: this.limits.limiterFor(s.account), growthBlocked: () => this.risk.growthBlocked(), applyWrites: this.writer.applyWrites },
          emit: this.opts.emit ? (event, payload) => this.onRunnerEvent(s.id, event, payload) : undefined,
          log: (line) => this.log(`[${s.name}] ${line}`),
        });
        this.sessions.set(s.id, session);
        this.faults.delete(s.id);
        this.risk.invalidate();
        if (this.paused) session.runner.setPaused(true);
        await this.refreshAlertCount(s.id);
        return session;
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        this.faults.set(s.id, why);
        this.log(`[${s.name}] could not start: ${why}`);
        return null;
      } finally {
        this.starting.delete(s.id);
      }
    })();
    this.starting.set(s.id, p);
    return p;
  }

  private onRunnerEvent(id: string, event: string, payload: unknown): void {
    if (event === "alert" && (payload as { severity?: string }).severity !== "info") this.alertCounts.set(id, (this.alertCounts.get(id) ?? 0) + 1);
    this.opts.emit!(id, event, payload);
  }

  async refreshAlertCount(id: string): Promise<void> {
    try {
      const open = await this.store.listAlerts(id, { unacknowledgedOnly: true, limit: 1000 });
      this.alertCounts.set(id, open.filter((a) => a.severity !== "info").length);
    } catch {
      // The count is a hint on the overview; the strategy page reads the alerts themselves.
    }
  }

  /** Starts a stopped strategy (its lifecycle becomes "running"); the answer says whether it runs. */
  async start(id: string): Promise<StrategyRecord> {
    const s = this.record(id);
    if (s.lifecycle === "archived") throw new CommandRejected(`strategy ${s.name} is archived: clone it to trade its market again`, undefined, 409);
    const updated = s.lifecycle === "running" ? s : await this.store.setLifecycle(id, "running");
    this.records.set(id, updated);
    // Scaled out: a runner with room takes its lease and starts it (server/cluster/lease-keeper.ts).
    if (this.opts.hosting === "leased") return updated;
    const session = await this.startOne(updated);
    if (!session) throw new CommandRejected(`strategy ${s.name} could not start: ${this.faults.get(id)}`, undefined, 409);
    return updated;
  }

  /** Cancels its quotes, flushes and closes its runner; it stays stopped across restarts. */
  async stop(id: string, reason: string, lifecycle: "stopped" | "archived" = "stopped"): Promise<StrategyRecord> {
    const s = this.record(id);
    await this.starting.get(id);
    const session = this.sessions.get(id);
    if (session) {
      this.lastRows.set(id, runningRow(s, session.runner, this.sparks.get(id) ?? [], this.alertCounts.get(id) ?? 0));
      this.sessions.delete(id);
      this.risk.invalidate();
      await session.close(reason);
    }
    this.faults.delete(id);
    const updated = await this.store.setLifecycle(id, lifecycle);
    this.records.set(id, updated);
    return updated;
  }

  /** Manual clock: one tick of every running strategy at `ts`, each on its own (a throw is that strategy's). */
  async tick(ts: number): Promise<void> {
    await Promise.all(
      [...this.sessions.entries()].map(async ([id, s]) => {
        try {
          await s.runner.tick(ts);
        } catch (err) {
          this.log(`[${this.records.get(id)?.name ?? id}] tick failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }),
    );
  }

  overview(): DeskOverviewDTO {
    const strategies: StrategyOverviewDTO[] = [];
    for (const s of this.list()) {
      if (s.lifecycle === "archived") continue;
      const r = this.runnerOf(s.id);
      if (!r) {
        strategies.push(idleRow(s, this.lastRows.get(s.id), this.faults.get(s.id) ?? null));
        continue;
      }
      let spark = this.sparks.get(s.id);
      if (!spark) this.sparks.set(s.id, (spark = []));
      const row = runningRow(s, r, spark, this.alertCounts.get(s.id) ?? 0);
      pushSpark(spark, row.ratio);
      row.ratioHistory = [...spark];
      strategies.push(row);
    }
    this.risk.invalidate();
    return {
      at: Date.now(),
      strategies,
      totalExposure: this.risk.total().toDecimalPlaces(6).toString(),
      maxTotalPosition: this.risk.maxTotalPosition?.toString() ?? null,
      growthBlocked: this.risk.growthBlocked() !== null,
      paused: this.paused,
    };
  }

  async close(reason: string): Promise<void> {
    await Promise.all([...this.starting.values()]);
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.close(reason).catch((err: unknown) => this.log(`close failed: ${(err as Error).message}`))));
  }
}
