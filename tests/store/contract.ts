// One behavioural contract for every Store backend. pglite.test.ts, postgres.test.ts and memory.test.ts run
// it; each test works on its own strategy so the tests share one store without seeing each other's rows.
// The cases are in files by subject (contract-*.ts, batch-contract.ts); storeContract registers them all in
// one suite per backend, so every backend runs every case.
// Cases that only make sense for a database (migrations, persistence across a reopen) are in
// databaseContract, which the Prisma runs add to the suite through ContractOptions.extraTests.
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { defaultMigrationsDir, readMigrationsList, type Db } from "@/server/db";
import {
  type NewFill,
  type NewOrder,
  type Snapshot,
  type Store,
  type StrategyRecord,
} from "@/server/store";
import { batchWritesContract } from "./batch-contract";
import { ordersFillsContract } from "./contract-orders-fills";
import { recoveryIntegrityContract } from "./contract-recovery-integrity";
import { snapshotsAlertsAuditContract } from "./contract-snapshots-alerts-audit";
import { strategiesContract } from "./contract-strategies";

export interface StoreHarness {
  store: Store;
  close(): Promise<void>;
}

/** A store over a database (the Prisma runs). */
export interface DatabaseHarness extends StoreHarness {
  db: Db;
  /** Closes this database and opens the same one again (same folder or schema). */
  reopen(): Promise<DatabaseHarness>;
}

export interface ContractOptions<H extends StoreHarness> {
  /** Runs once after the last test and the final close, e.g. to drop a PostgreSQL schema. */
  afterAll?: () => Promise<void>;
  /** Backend-specific tests, registered after the shared ones in the same suite so they share its harness. */
  extraTests?: (ctx: ContractContext<H>) => void;
}

/** What extraTests get from the suite: its harness and the contract's fixtures. */
export interface ContractContext<H extends StoreHarness> {
  harness(): H;
  /** Makes `next` the suite's harness, e.g. after a reopen; the suite closes it at the end. */
  replace(next: H): void;
  strategy(initialParams?: Record<string, string | number>): Promise<StrategyRecord>;
  fill(strategyId: string, over?: Partial<NewFill>): NewFill;
}

/** What the parts of the contract (contract-*.ts) get from the suite: its store and the fixtures. */
export interface ContractFixtures {
  /** The suite's store as it is when a test runs: opened in before(), replaced by a reopen. */
  store(): Store;
  strategy(initialParams?: Record<string, string | number>): Promise<StrategyRecord>;
  order(strategyId: string, over?: Partial<NewOrder>): NewOrder;
  fill(strategyId: string, over?: Partial<NewFill>): NewFill;
  snapshot(strategyId: string, ts: Date, over?: Partial<Snapshot>): Snapshot;
}

const D = (s: string | number) => new Decimal(s);

export function storeContract<H extends StoreHarness>(name: string, open: () => Promise<H>, options: ContractOptions<H> = {}): void {
  describe(`Store contract: ${name}`, () => {
    let h: H;
    let store: Store;

    before(async () => {
      h = await open();
      store = h.store;
    });
    after(async () => {
      try {
        await h?.close();
      } finally {
        await options.afterAll?.();
      }
    });

    let seq = 0;
    async function strategy(initialParams?: Record<string, string | number>): Promise<StrategyRecord> {
      seq += 1;
      return store.ensureStrategy({
        name: `contract-${seq}-${randomUUID().slice(0, 8)}`,
        market: "will-it-rain",
        symbol: "RAIN-YES",
        venue: "paper",
        mode: "paper",
        ...(initialParams ? { initialParams } : {}),
      });
    }
    const order = (strategyId: string, over: Partial<NewOrder> = {}): NewOrder => ({
      clientOrderId: `c-${randomUUID()}`,
      strategyId,
      side: "buy",
      type: "limit",
      price: D("0.45"),
      size: D("10"),
      reason: "quote",
      ...over,
    });
    const fill = (strategyId: string, over: Partial<NewFill> = {}): NewFill => ({
      strategyId,
      venue: "paper",
      venueTradeId: `t-${randomUUID()}`,
      clientOrderId: null,
      side: "buy",
      price: D("0.45"),
      size: D("1"),
      fee: D("0"),
      liquidity: "maker",
      inventoryAfter: D("1"),
      ts: new Date(),
      ...over,
    });
    const snapshot = (strategyId: string, ts: Date, over: Partial<Snapshot> = {}): Snapshot => ({
      strategyId,
      ts,
      mid: D("0.5"),
      bestBid: D("0.49"),
      bestAsk: D("0.51"),
      ourBid: D("0.48"),
      ourAsk: null,
      inventory: D("3"),
      ratio: D("0.3"),
      skew: D("-0.01"),
      realizedPnl: D("1.5"),
      unrealizedPnl: D("-0.25"),
      fees: D("0.01"),
      riskState: "ACTIVE",
      ...over,
    });

    const fixtures: ContractFixtures = { store: () => store, strategy, order, fill, snapshot };
    strategiesContract(fixtures);
    ordersFillsContract(fixtures);
    snapshotsAlertsAuditContract(fixtures);
    recoveryIntegrityContract(fixtures);

    batchWritesContract({ store: () => store, strategy: () => strategy(), order, fill, snapshot });

    options.extraTests?.({
      harness: () => h,
      replace: (next) => {
        h = next;
        store = next.store;
      },
      strategy,
      fill,
    });
  });
}

/** The cases only a database has: the migration ledger and data that outlives a reopen. */
export function databaseContract(ctx: ContractContext<DatabaseHarness>): void {
  const { strategy, fill } = ctx;

  test("migrations are recorded in _prisma_migrations with Prisma's checksums, and re-running them is a no-op", async () => {
    const h = ctx.harness();
    const list = await readMigrationsList(defaultMigrationsDir());
    const rows = await h.db.prisma.$queryRawUnsafe<
      { migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null; applied_steps_count: number }[]
    >(`SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`);
    assert.deepEqual(
      rows.map((r) => r.migration_name),
      list.migrationDirectories.map((m) => m.path),
    );
    for (const r of rows) {
      const sql = readFileSync(join(list.baseDir, r.migration_name, "migration.sql"));
      assert.equal(r.checksum, createHash("sha256").update(sql).digest("hex"), `checksum of ${r.migration_name}`);
      assert.ok(r.finished_at, `${r.migration_name} finished`);
      assert.equal(r.rolled_back_at, null);
    }
    const again = await h.db.migrate();
    assert.deepEqual(again.applied, []);
    const count = await h.db.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "_prisma_migrations"`);
    assert.equal(Number(count[0]?.n), rows.length);
  });

  test("data survives closing and reopening the database; migrations are not re-applied", async () => {
    const s = await strategy({ spread: "0.02" });
    await ctx.harness().store.recordFill(fill(s.id, { venueTradeId: "persist", size: D("123456789.123456789") }));
    const h = await ctx.harness().reopen();
    ctx.replace(h);
    const store = h.store;
    assert.deepEqual(h.db.appliedMigrations, []);
    const again = await store.getStrategy(s.name);
    assert.equal(again?.id, s.id);
    const [f] = await store.listFills(s.id);
    assert.equal(f?.size.toFixed(), "123456789.123456789");
    assert.equal((await store.recordFill(fill(s.id, { venueTradeId: "persist" }))).inserted, false, "idempotency survives a restart");
  });
}
