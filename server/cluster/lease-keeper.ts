// Strategy leases: when several runner processes share one PostgreSQL desk, each running strategy is hosted by
// the one process holding its StrategyLease row. Expiry is by the database's clock; taking an expired lease
// bumps its epoch. The holder renews every `renewEveryMs`; it treats the lease as its own only until
// `ttlMs - marginMs` after it SENT the last renewal that succeeded (its own monotonic clock), so it stops
// placing orders before the database could hand the lease to anyone else (fencing: see fenceVenue). A runner
// killed with -9 stops renewing; its strategies are taken by the others once the leases expire, and each new
// owner reconciles (cancels the old owner's quotes) before it quotes.
import { performance } from "node:perf_hooks";
import Decimal from "decimal.js";
import pg from "pg";
import { pgClientConfig, type PgSettings } from "@/server/db/pg-connect";

export interface LeaseHost {
  /** Running strategies (lifecycle "running"), read from the database. */
  runningIds(): Promise<string[]>;
  /** Starts hosting (reconciles with the venue first); false when it could not start. */
  host(id: string, epoch: number): Promise<boolean>;
  release(id: string, reason: string): Promise<void>;
  /** A hosted strategy's |inventory| × mark, written on its lease at each renewal (the desk-wide cap). */
  exposureOf?(id: string): Decimal | null;
}

export interface LeaseOptions {
  /** This process in the lease rows and in PostgreSQL's application_name (presence of the runners). */
  owner: string;
  ttlMs: number;
  renewEveryMs: number;
  /** Orders stop this long before the lease could expire (must cover an order call in flight). */
  marginMs: number;
  /** How often free and expired leases are looked for. */
  scanEveryMs: number;
  log: (line: string) => void;
}

interface Held {
  epoch: number;
  /** performance.now() until which orders may be placed. */
  placeUntil: number;
  hosted: boolean;
}

const APP_PREFIX = "skewdesk runner ";

export function leaseOptionsFrom(owner: string, ttlMs: number, log: (line: string) => void): LeaseOptions {
  // Renewed every sixth of the lease: a runner whose event loop stalls for up to ~half a lease still quotes on.
  return { owner, ttlMs, renewEveryMs: Math.max(200, Math.floor(ttlMs / 6)), marginMs: Math.floor(ttlMs / 4), scanEveryMs: Math.max(200, Math.floor(ttlMs / 6)), log };
}

export class LeaseKeeper {
  private readonly pool: pg.Pool;
  private readonly held = new Map<string, Held>();
  private readonly retryAt = new Map<string, number>();
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private scanning = false;
  private renewing = false;
  private readonly presence: string;
  private elsewhere = new Decimal(0);
  /** Renewals and scans under way: a clean stop waits for them (see stop()). */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    settings: PgSettings,
    private readonly host: LeaseHost,
    readonly opts: LeaseOptions,
  ) {
    // application_name tells the runners apart in pg_stat_activity: how many share the work.
    // (per schema: desks in other schemas of the database are not counted).
    this.presence = `${APP_PREFIX}${settings.schema} `;
    this.pool = new pg.Pool({ ...pgClientConfig(settings, `${this.presence}${opts.owner}`.slice(0, 63)), max: 3 });
    this.pool.on("error", (err) => opts.log(`lease connection error: ${err.message}`));
  }

  start(): void {
    const every = (ms: number, fn: () => Promise<void>) => {
      const t = setInterval(() => void this.track(fn()), ms);
      this.timers.push(t);
    };
    every(this.opts.renewEveryMs, () => this.renew());
    every(this.opts.scanEveryMs, () => this.scan());
    void this.track(this.scan());
  }

  private track(work: Promise<void>): Promise<void> {
    const settled = work.catch((err: unknown) => this.opts.log(`lease: ${(err as Error).message}`));
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return settled;
  }

  /** True while orders of this strategy may go out: its lease is certainly still this process's. */
  mayPlace(id: string): boolean {
    const h = this.held.get(id);
    return h !== undefined && performance.now() < h.placeUntil;
  }

  epochOf(id: string): number | null {
    return this.held.get(id)?.epoch ?? null;
  }

  heldIds(): string[] {
    return [...this.held.keys()];
  }

  private async renew(): Promise<void> {
    if (this.renewing || this.stopped || this.held.size === 0) return;
    this.renewing = true;
    try {
      // Judged against the leases held when the renewal was sent: one taken while it was in flight is not in
      // its answer, and is not lost (a run saw a lease taken and "lost" in the same millisecond).
      const asked = new Map(this.held);
      const sent = performance.now();
      let rows: Array<{ strategyId: string; epoch: number }>;
      try {
        const ids = [...asked.keys()];
        const exposures = ids.map((id) => this.host.exposureOf?.(id)?.toFixed() ?? null);
        const r = await this.pool.query<{ strategyId: string; epoch: number }>(
          `UPDATE "StrategyLease" AS l SET "expiresAt" = (now() AT TIME ZONE 'UTC') + $2 * interval '1 millisecond',
             exposure = COALESCE(v.e, l.exposure)
           FROM (SELECT unnest($3::text[]) AS id, unnest($4::text[]) AS e) AS v
           WHERE l."strategyId" = v.id AND l.owner = $1 AND l."expiresAt" > (now() AT TIME ZONE 'UTC') RETURNING l."strategyId", l.epoch`,
          [this.opts.owner, this.opts.ttlMs, ids, exposures],
        );
        rows = r.rows;
      } catch (err) {
        // Not renewed: the leases run out on their own; past placeUntil nothing is placed, past the expiry let go.
        this.opts.log(`lease renewal failed: ${(err as Error).message}`);
        for (const [id, h] of asked) if (this.held.get(id) === h && performance.now() > h.placeUntil + this.opts.marginMs) await this.lose(id, "lease expired: renewal failed");
        return;
      }
      const renewed = new Map(rows.map((r) => [r.strategyId, r.epoch]));
      for (const [id, h] of asked) {
        if (this.held.get(id) !== h) continue; // given back or lost meanwhile
        if (renewed.get(id) === h.epoch) h.placeUntil = sent + this.opts.ttlMs - this.opts.marginMs;
        else await this.lose(id, "lease lost");
      }
    } finally {
      this.renewing = false;
    }
  }

  /** The exposure other runners last wrote on the leases they hold (live leases only: a dead runner's run out). */
  exposureElsewhere(): Decimal {
    return this.elsewhere;
  }

  private async readElsewhere(): Promise<void> {
    const r = await this.pool.query<{ total: string }>(
      `SELECT COALESCE(sum(exposure::numeric), 0)::text AS total FROM "StrategyLease" WHERE owner <> $1 AND "expiresAt" > (now() AT TIME ZONE 'UTC')`,
      [this.opts.owner],
    );
    this.elsewhere = new Decimal(r.rows[0]?.total ?? "0");
  }

  private async lose(id: string, why: string): Promise<void> {
    if (!this.held.delete(id)) return;
    this.opts.log(`${id}: ${why}; no more orders from here`);
    await this.host.release(id, why);
  }

  /** Takes free or expired leases up to this runner's share, and hosts their strategies. */
  private async scan(): Promise<void> {
    if (this.scanning || this.stopped) return;
    this.scanning = true;
    try {
      const running = await this.host.runningIds();
      const runningSet = new Set(running);
      // A strategy stopped or archived meanwhile: give its lease back.
      for (const id of this.held.keys()) if (!runningSet.has(id)) await this.giveBack(id, "no longer running");
      const runners = await this.runnerCount();
      // The others' exposure, as their last renewals wrote it (a scan runs as often as a renewal).
      await this.readElsewhere();
      const share = Math.ceil(running.length / Math.max(1, runners));
      const r = await this.pool.query<{ strategyId: string; orphan: boolean }>(
        `SELECT "strategyId", "expiresAt" < (now() AT TIME ZONE 'UTC') - $1 * interval '1 millisecond' AS orphan FROM "StrategyLease"
         WHERE "expiresAt" > (now() AT TIME ZONE 'UTC') OR "expiresAt" < (now() AT TIME ZONE 'UTC') - $1 * interval '1 millisecond'`,
        [2 * this.opts.ttlMs],
      );
      const taken = new Set(r.rows.filter((x) => !x.orphan).map((x) => x.strategyId));
      // Left without an owner for two lease lengths (its runners' shares are full): taken whatever the share.
      const orphans = new Set(r.rows.filter((x) => x.orphan).map((x) => x.strategyId));
      const free = running.filter((id) => !taken.has(id) && !this.held.has(id) && (this.retryAt.get(id) ?? 0) <= performance.now());
      // Up to this runner's share (the others take the rest); the strategies start side by side.
      const room = Math.max(0, share - this.held.size);
      await Promise.all(free.filter((id, i) => i < room || orphans.has(id)).map((id) => this.take(id)));
      // More than its share while others run (it started first): one goes back, another runner takes it.
      if (runners > 1 && this.held.size > share) {
        const surplus = [...this.held].find(([, h]) => h.hosted)?.[0];
        if (surplus) await this.giveBack(surplus, "rebalancing: another runner takes it");
      }
    } finally {
      this.scanning = false;
    }
  }

  private async runnerCount(): Promise<number> {
    const r = await this.pool.query<{ n: string }>(
      `SELECT count(DISTINCT application_name) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE $1`,
      [`${this.presence.replace(/[\\%_]/g, "\\$&")}%`],
    );
    return Math.max(1, Number(r.rows[0]?.n ?? 1));
  }

  private async take(id: string): Promise<void> {
    const sent = performance.now();
    const r = await this.pool.query<{ epoch: number }>(
      `INSERT INTO "StrategyLease" ("strategyId", owner, epoch, "expiresAt", "takenAt")
       VALUES ($1, $2, 1, (now() AT TIME ZONE 'UTC') + $3 * interval '1 millisecond', now() AT TIME ZONE 'UTC')
       ON CONFLICT ("strategyId") DO UPDATE SET owner = EXCLUDED.owner, epoch = "StrategyLease".epoch + 1,
         "expiresAt" = EXCLUDED."expiresAt", "takenAt" = EXCLUDED."takenAt"
       WHERE "StrategyLease"."expiresAt" <= (now() AT TIME ZONE 'UTC')
       RETURNING epoch`,
      [id, this.opts.owner, this.opts.ttlMs],
    );
    const epoch = r.rows[0]?.epoch;
    if (epoch === undefined) return; // another runner was first
    const held: Held = { epoch, placeUntil: sent + this.opts.ttlMs - this.opts.marginMs, hosted: false };
    this.held.set(id, held);
    this.opts.log(`${id}: lease taken (epoch ${epoch}); reconciling before quoting`);
    const ok = await this.host.host(id, epoch);
    if (this.held.get(id) !== held) {
      // Lost while it started: lose() may have run before the start began, with nothing to release yet.
      await this.host.release(id, "lease lost while starting");
      return;
    }
    if (ok) held.hosted = true;
    else {
      // It could not start here (its fault is on the overview): let another runner try, later this one again.
      this.retryAt.set(id, performance.now() + 10 * this.opts.ttlMs);
      await this.giveBack(id, "could not start");
    }
  }

  private async giveBack(id: string, why: string): Promise<void> {
    const h = this.held.get(id);
    if (!h) return;
    this.held.delete(id);
    await this.host.release(id, why);
    // Only after its quotes are down: the next owner may take it at once.
    await this.pool
      .query(`UPDATE "StrategyLease" SET "expiresAt" = now() AT TIME ZONE 'UTC' WHERE "strategyId" = $1 AND owner = $2 AND epoch = $3`, [id, this.opts.owner, h.epoch])
      .catch((err: unknown) => this.opts.log(`lease give-back failed (it expires on its own): ${(err as Error).message}`));
  }

  /** Stops renewing and scanning without giving anything back: what a crash leaves (the leases run out). */
  async abandon(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.pool.end().catch(() => undefined);
  }

  /** Clean stop: every strategy released (quotes cancelled), every lease given back. */
  async stop(reason: string): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    // A renewal still under way could outlive the give-back: PostgreSQL re-checks an UPDATE that waited on the
    // row against the given-back row, with the renewal's older now(), and extends the lease for another ttl
    // (a CI run saw a stopped runner's lease live on). A scan under way could take a lease after it.
    await Promise.all([...this.inFlight]);
    for (const id of [...this.held.keys()]) await this.giveBack(id, reason);
    await this.pool.end().catch(() => undefined);
  }
}
