// Strategy leases on PostgreSQL (server/cluster/lease-keeper.ts), with a stand-in for the desk: a runner takes
// the running strategies' leases, a second one gets its share (the first gives one back), a crashed runner's
// leases go to another only once they expired, under a new epoch, and by then the crashed one could no
// longer place an order; a runner whose event loop stalls past its margin stops placing at once; the store
// refuses an order of an epoch the lease has moved past.
import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import pg from "pg";
import Decimal from "decimal.js";
import { createDb } from "@/server/db";
import { createPrismaStore, LeaseFencedError } from "@/server/store";
import { resolveDbTarget } from "@/server/db/config";
import { DeskAlreadyRunningError, takeDeskLock, takeSharedDeskLock } from "@/server/db/pg-lock";
import { LeaseKeeper, leaseOptionsFrom, type LeaseHost } from "@/server/cluster/lease-keeper";

const url = process.env.TEST_DATABASE_URL;
const TTL = 2_000;

async function until<T>(what: string, probe: () => T | null | false | undefined, ceilingMs = 30_000): Promise<T> {
  const end = Date.now() + ceilingMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`not within ${ceilingMs / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("strategy leases on PostgreSQL", { skip: url ? false : "set TEST_DATABASE_URL to a PostgreSQL URL to run the lease tests" }, () => {
  const schema = `skewdesk_lease_${process.pid}_${randomBytes(3).toString("hex")}`;
  let settings: ReturnType<typeof resolveDbTarget> & { kind: "postgres" };
  const keepers: LeaseKeeper[] = [];

  before(async () => {
    const db = await createDb({ databaseUrl: url!, schema });
    await db.close();
    settings = resolveDbTarget({ databaseUrl: url!, schema }) as typeof settings;
  });
  // A test that fails leaves its keepers running; they would count as runners and hold leases in the next.
  afterEach(async () => {
    for (const k of keepers.splice(0)) await k.abandon();
  });
  after(async () => {
    for (const k of keepers) await k.abandon();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  });

  const keeper = (owner: string, running: string[], onHost?: (id: string, epoch: number) => void) => {
    const hosted = new Map<string, number>();
    const released: string[] = [];
    const host: LeaseHost = {
      runningIds: async () => running,
      host: async (id, epoch) => {
        onHost?.(id, epoch);
        hosted.set(id, epoch);
        return true;
      },
      release: async (id, why) => {
        hosted.delete(id);
        released.push(`${id}: ${why}`);
      },
    };
    const k = new LeaseKeeper(settings, host, leaseOptionsFrom(owner, TTL, () => undefined));
    keepers.push(k);
    return { k, hosted, released };
  };

  test("each runner writes its strategies' exposure on their leases and reads the others' (the desk-wide cap across runners)", async () => {
    const exposure = new Map([["x1", new Decimal("100.25")], ["x2", new Decimal("7")]]);
    const make = (owner: string, ids: string[]) => {
      const hosted = new Set<string>();
      const host: LeaseHost = {
        runningIds: async () => ids,
        host: async (id) => (hosted.add(id), true),
        release: async (id) => void hosted.delete(id),
        exposureOf: (id) => (hosted.has(id) ? exposure.get(id)! : null),
      };
      const k = new LeaseKeeper(settings, host, { owner, ttlMs: 60_000, renewEveryMs: 50, marginMs: 1_000, scanEveryMs: 50, log: () => undefined });
      keepers.push(k);
      k.start();
      return { k, hosted };
    };
    const a = make("exp-a", ["x1"]);
    await until("a hosts x1", () => a.hosted.has("x1"));
    const b = make("exp-b", ["x2"]);
    await until("b hosts x2", () => b.hosted.has("x2"));
    await until("each sees the other's exposure", () => a.k.exposureElsewhere().eq(7) && b.k.exposureElsewhere().eq("100.25"));
    // A position moves: the other runner sees it after the next renewal.
    exposure.set("x1", new Decimal("0.5"));
    await until("b sees x1's new exposure", () => b.k.exposureElsewhere().eq("0.5"));
    await a.k.stop("test");
    await until("a stopped runner's leases count no more", () => b.k.exposureElsewhere().isZero());
    await b.k.stop("test");
  });

  test("a clean stop gives its leases back only after the renewal under way has ended", async () => {
    // PostgreSQL re-checks an UPDATE that waited on a row against the row as the give-back left it, with the
    // renewal's older now(): a renewal overtaken by the give-back extended the lease for another ttl.
    const released: string[] = [];
    const hosted = new Set<string>();
    const host: LeaseHost = {
      runningIds: async () => ["g1"],
      host: async (id) => (hosted.add(id), true),
      release: async (id) => {
        hosted.delete(id);
        released.push(id);
      },
    };
    const k = new LeaseKeeper(settings, host, { owner: "stopper", ttlMs: 60_000, renewEveryMs: 20, marginMs: 1_000, scanEveryMs: 60_000, log: () => undefined });
    keepers.push(k);
    k.start();
    await until("g1 hosted", () => hosted.has("g1"));
    const holder = new pg.Client({ connectionString: url });
    const watcher = new pg.Client({ connectionString: url });
    await holder.connect();
    await watcher.connect();
    try {
      await holder.query("BEGIN");
      await holder.query(`SELECT 1 FROM "${schema}"."StrategyLease" WHERE "strategyId" = 'g1' FOR UPDATE`);
      const blocked = async () =>
        (await watcher.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE $1 AND wait_event_type = 'Lock'`, [`%${schema} stopper`])).rows[0]!.n;
      for (let i = 0; (await blocked()) < 1; i++) {
        if (i > 1500) throw new Error("no renewal came to wait on the lease row within 30 s");
        await new Promise((r) => setTimeout(r, 20));
      }
      const stopping = k.stop("test");
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(released, [], "the strategy was released and its lease given back while a renewal was under way");
      await holder.query("COMMIT");
      await stopping;
      assert.deepEqual(released, ["g1"]);
      const row = await watcher.query<{ over: boolean }>(`SELECT "expiresAt" <= (now() AT TIME ZONE 'UTC') AS over FROM "${schema}"."StrategyLease" WHERE "strategyId" = 'g1'`);
      assert.equal(row.rows[0]?.over, true, "the lease is given back: another runner may take it at once");
    } finally {
      await holder.end();
      await watcher.end();
    }
  });

  test("a lease taken while a renewal is in flight is not taken for lost (renewals back to back, 80 strategies taken at once)", async () => {
    // Before: the renewal's answer was checked against every lease held when it came back, so a lease taken
    // while it was in flight was missing from it and "lost" at once; its strategy then started unleased.
    const running = Array.from({ length: 80 }, (_, i) => `race-${i}`);
    const hosted = new Map<string, number>();
    const released: string[] = [];
    const host: LeaseHost = {
      runningIds: async () => running,
      host: async (id, epoch) => {
        await new Promise((r) => setTimeout(r, 30)); // a start takes a while (it reconciles with its venue)
        hosted.set(id, epoch);
        return true;
      },
      release: async (id, why) => {
        hosted.delete(id);
        released.push(`${id}: ${why}`);
      },
    };
    const k = new LeaseKeeper(settings, host, { owner: "racer", ttlMs: 60_000, renewEveryMs: 1, marginMs: 1_000, scanEveryMs: 60_000, log: () => undefined });
    keepers.push(k);
    k.start();
    await until("all 80 hosted", () => hosted.size === 80 || released.length > 0);
    assert.deepEqual(released, []);
    await k.stop("test");
  });

  test("shares, rebalancing, and a crashed runner's strategies taken only after its leases expired, with the fence already shut", async () => {
    const running = ["s1", "s2"];
    const a = keeper("a", running);
    a.k.start();
    await until("a hosts both", () => a.hosted.size === 2);
    assert.deepEqual([...a.hosted.values()], [1, 1]);
    assert.ok(a.k.mayPlace("s1") && a.k.mayPlace("s2"));

    // When b takes over a lease, a must already be unable to place on it.
    const aCouldPlaceAtTakeover: boolean[] = [];
    const b = keeper("b", running, (id) => aCouldPlaceAtTakeover.push(a.k.mayPlace(id)));
    b.k.start();
    await until("one strategy each", () => a.hosted.size === 1 && b.hosted.size === 1);
    assert.match(a.released.join(), /rebalancing/);
    const [movedId, movedEpoch] = [...b.hosted][0]!;
    assert.equal(movedEpoch, 2);

    const [aId, aEpoch] = [...a.hosted][0]!;
    const crashedAt = Date.now();
    await a.k.abandon();
    await until("b hosts both", () => b.hosted.size === 2);
    const tookAfterMs = Date.now() - crashedAt;
    assert.ok(b.hosted.get(aId)! > aEpoch, "a new epoch");
    assert.equal(b.hosted.get(movedId), movedEpoch);
    // The lease runs out by the database's clock: not before ttl less one renewal interval after the crash.
    assert.ok(tookAfterMs >= TTL / 2, `taken ${tookAfterMs} ms after the crash`);
    assert.deepEqual(aCouldPlaceAtTakeover, [false, false]);
    assert.equal(a.k.mayPlace(aId), false);
  });

  test("a runner whose event loop stalls past its margin places nothing until a renewal succeeds", async () => {
    const c = keeper("c", ["s3"]);
    c.k.start();
    await until("c hosts s3", () => c.hosted.size === 1);
    assert.ok(c.k.mayPlace("s3"));
    const stallUntil = Date.now() + TTL; // a blocked event loop: no renewal can run meanwhile
    while (Date.now() < stallUntil) {
      /* busy */
    }
    assert.equal(c.k.mayPlace("s3"), false);
  });

  test("runners share the desk's lock among themselves; a one-process desk and runners exclude each other", async () => {
    const r1 = await takeSharedDeskLock(settings);
    const r2 = await takeSharedDeskLock(settings);
    await assert.rejects(takeDeskLock(settings), (err: unknown) => err instanceof DeskAlreadyRunningError && /skewdesk runner/.test((err as Error).message));
    await r1.release();
    await r2.release();
    const single = await takeDeskLock(settings);
    await assert.rejects(takeSharedDeskLock(settings), (err: unknown) => err instanceof DeskAlreadyRunningError && /one-process desk/.test((err as Error).message));
    await single.release();
  });

  test("an order is stored only while the strategy's lease is at the order's epoch, one by one and in a batch", async () => {
    const db = await createDb({ databaseUrl: url!, schema });
    try {
      const store = createPrismaStore(db);
      const s = await store.ensureStrategy({ name: "fenced", market: "ETH-USD", symbol: "ETH-USD", venue: "paper", mode: "paper", clientTag: "fen123", initialParams: {} });
      const order = (epoch: number, n: number) => ({ clientOrderId: `sd-fen123-e${epoch}-${n}`, strategyId: s.id, side: "buy" as const, type: "limit" as const, price: new Decimal("1999.5"), size: new Decimal("0.1"), reason: "quote" as const });
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`INSERT INTO "${schema}"."StrategyLease" ("strategyId", owner, epoch, "expiresAt") VALUES ($1, 'x', 2, now() + interval '1 minute')`, [s.id]);
        assert.equal((await store.saveOrder(order(2, 1))).inserted, true);
        await assert.rejects(store.saveOrder(order(1, 2)), LeaseFencedError);
        await assert.rejects(store.applyWrites([{ op: "saveOrder", order: order(2, 3) }, { op: "saveOrder", order: order(1, 4) }]), /lease epoch 1/);
        // An id without an epoch (a one-process desk) is not checked.
        assert.equal((await store.saveOrder({ ...order(2, 5), clientOrderId: "sd-fen123-plain" })).inserted, true);
        const stored = (await c.query(`SELECT "clientOrderId" FROM "${schema}"."Order" ORDER BY "clientOrderId"`)).rows.map((r: { clientOrderId: string }) => r.clientOrderId);
        assert.deepEqual(stored, ["sd-fen123-e2-1", "sd-fen123-plain"]);
      } finally {
        await c.end();
      }
    } finally {
      await db.close();
    }
  });
});
