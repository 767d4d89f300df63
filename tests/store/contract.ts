// One behavioural contract for every Store backend. pglite.test.ts, postgres.test.ts and memory.test.ts run
// it; each test works on its own strategy so the tests share one store without seeing each other's rows.
// Cases that only make sense for a database (migrations, persistence across a reopen) are in
// databaseContract, which the Prisma runs add to the suite through ContractOptions.extraTests.
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { defaultMigrationsDir, readMigrationsList, type Db } from "@/server/db";
import { IllegalOrderStateChange } from "@/lib/orders";
import {
  DecimalRangeError,
  OrderConflictError,
  OrderNotFoundError,
  RunNotFoundError,
  StaleParameterVersionError,
  StoreError,
  StrategyNotFoundError,
  type AlertKind,
  type NewFill,
  type NewOrder,
  type Snapshot,
  type Store,
  type StrategyRecord,
} from "@/server/store";
import { batchWritesContract } from "./batch-contract";

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

    // ── strategies ──

    test("ensureStrategy creates once with version 1 of the initial params, then only refreshes configuration", async () => {
      const s = await strategy({ spread: "0.02" });
      assert.equal(s.currentParamVersion, 1);
      assert.equal(s.riskState, "ACTIVE");
      assert.equal(s.paused, false);
      const again = await store.ensureStrategy({ name: s.name, market: "m2", symbol: "S2", venue: "polymarket", mode: "live", initialParams: { spread: "9" } });
      assert.equal(again.id, s.id);
      assert.equal(again.venue, "polymarket");
      assert.equal(again.mode, "live");
      assert.equal(again.currentParamVersion, 1);
      assert.deepEqual((await store.getParameterVersion(s.id))?.params, { spread: "0.02" });
      assert.equal((await store.getStrategy(s.name))?.id, s.id);
      assert.equal((await store.getStrategyById(s.id))?.name, s.name);
      assert.equal(await store.getStrategy("no-such-strategy"), null);
      assert.ok((await store.listStrategies()).some((x) => x.id === s.id));
    });

    test("risk state and pause are stored with the reason", async () => {
      const s = await strategy();
      const r = await store.setRiskState(s.id, "REDUCING", "emergency close at ratio 0.95");
      assert.equal(r.riskState, "REDUCING");
      assert.equal(r.riskReason, "emergency close at ratio 0.95");
      assert.ok(r.riskChangedAt.getTime() >= s.riskChangedAt.getTime());
      assert.equal((await store.setPaused(s.id, true)).paused, true);
      const back = await store.getStrategyById(s.id);
      assert.equal(back?.riskState, "REDUCING");
      assert.equal(back?.paused, true);
      await assert.rejects(store.setRiskState(randomUUID(), "HALTED", "x"), StrategyNotFoundError);
      await assert.rejects(store.setPaused(randomUUID(), true), StrategyNotFoundError);
    });

    // ── parameter versions ──

    test("parameter versions: numbered without gaps, each with the previous params, pointer moved with them", async () => {
      const s = await strategy({ spread: "0.02" });
      const v2 = await store.appendParameterVersion({ strategyId: s.id, params: { spread: "0.03" }, changedBy: "alice", reason: "wider" });
      assert.equal(v2.version, 2);
      assert.deepEqual(v2.previous, { spread: "0.02" });
      assert.equal(v2.changedBy, "alice");
      assert.equal(v2.reason, "wider");
      // Concurrent changes queue on the strategy row: distinct versions 3..12, pointer at the last.
      const many = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.appendParameterVersion({ strategyId: s.id, params: { spread: `0.0${i}` }, changedBy: "bot", reason: `r${i}` }),
        ),
      );
      assert.deepEqual(many.map((v) => v.version).sort((a, b) => a - b), [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      const list = await store.listParameterVersions(s.id);
      assert.deepEqual(list.map((v) => v.version), [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
      for (let i = 0; i < list.length - 1; i++) assert.deepEqual(list[i]!.previous, list[i + 1]!.params, `previous of v${list[i]!.version}`);
      assert.equal((await store.getStrategyById(s.id))?.currentParamVersion, 12);
      assert.equal((await store.getParameterVersion(s.id))?.version, 12);
      assert.deepEqual((await store.getParameterVersion(s.id, 2))?.params, { spread: "0.03" });
      assert.equal(await store.getParameterVersion(s.id, 99), null);
      assert.equal((await store.listParameterVersions(s.id, { limit: 2 })).length, 2);
    });

    test("a refused parameter change writes nothing: stale expected version, bad rollback target", async () => {
      const s = await strategy({ spread: "0.02" });
      await store.appendParameterVersion({ strategyId: s.id, params: { spread: "0.03" }, changedBy: "alice", reason: "x", expectedCurrentVersion: 1 });
      await assert.rejects(
        store.appendParameterVersion({ strategyId: s.id, params: { spread: "0.05" }, changedBy: "bob", reason: "y", expectedCurrentVersion: 1 }),
        (e: unknown) => e instanceof StaleParameterVersionError && e.expected === 1 && e.actual === 2,
      );
      await assert.rejects(
        store.appendParameterVersion({ strategyId: s.id, params: {}, changedBy: "bob", reason: "y", rolledBackFrom: 7 }),
        StoreError,
      );
      assert.equal((await store.getStrategyById(s.id))?.currentParamVersion, 2);
      assert.equal((await store.listParameterVersions(s.id)).length, 2);
      const rb = await store.appendParameterVersion({ strategyId: s.id, params: { spread: "0.02" }, changedBy: "bob", reason: "undo", rolledBackFrom: 1 });
      assert.equal(rb.version, 3);
      assert.equal(rb.rolledBackFrom, 1);
      await assert.rejects(
        store.appendParameterVersion({ strategyId: randomUUID(), params: {}, changedBy: "x", reason: "x" }),
        StrategyNotFoundError,
      );
    });

    // ── orders ──

    test("saveOrder is idempotent on clientOrderId and refuses a different order under the same id", async () => {
      const s = await strategy();
      const o = order(s.id);
      const first = await store.saveOrder(o);
      assert.equal(first.inserted, true);
      assert.equal(first.order.status, "pending_new");
      assert.ok(first.order.filledSize.isZero());
      const second = await store.saveOrder(o);
      assert.equal(second.inserted, false);
      assert.equal(second.order.id, first.order.id);
      await assert.rejects(store.saveOrder({ ...o, size: D("11") }), OrderConflictError);
      assert.equal((await store.listOrders(s.id)).length, 1);
    });

    test("updateOrder moves the lifecycle and stamps openedAt/closedAt once", async () => {
      const s = await strategy();
      const { order: o } = await store.saveOrder(order(s.id));
      const opened = await store.updateOrder(o.clientOrderId, { status: "open", venueOrderId: "v-1" });
      assert.equal(opened.status, "open");
      assert.equal(opened.venueOrderId, "v-1");
      assert.ok(opened.openedAt);
      await new Promise((r) => setTimeout(r, 5));
      const reopened = await store.updateOrder(o.clientOrderId, { status: "open" });
      assert.equal(reopened.openedAt?.getTime(), opened.openedAt.getTime(), "a repeated open keeps openedAt");
      const pending = await store.updateOrder(o.clientOrderId, { status: "pending_cancel" });
      assert.equal(pending.closedAt, null);
      const done = await store.updateOrder(o.clientOrderId, { status: "cancelled", statusReason: "requote" });
      assert.equal(done.status, "cancelled");
      assert.equal(done.statusReason, "requote");
      assert.ok(done.closedAt);
      const fixed = new Date("2030-01-01T00:00:00.000Z");
      assert.equal((await store.updateOrder(o.clientOrderId, { closedAt: fixed, filledSize: D("2.5") })).closedAt?.getTime(), fixed.getTime());
      assert.ok((await store.getOrder(o.clientOrderId))?.filledSize.eq("2.5"));
      await assert.rejects(store.updateOrder("no-such-order", { status: "open" }), OrderNotFoundError);
    });

    test("updateOrder refuses a state change the order table does not allow, and changes nothing", async () => {
      const s = await strategy();
      const { order: o } = await store.saveOrder(order(s.id));
      // The legal path of a quote: acknowledged, partly filled, cancel sent, cancel lost, resolved.
      for (const status of ["open", "partially_filled", "pending_cancel", "unknown", "cancelled"] as const) {
        assert.equal((await store.updateOrder(o.clientOrderId, { status })).status, status);
      }
      const before = await store.getOrder(o.clientOrderId);
      for (const status of ["pending_cancel", "open", "partially_filled", "pending_new", "unknown", "filled"] as const) {
        await assert.rejects(
          store.updateOrder(o.clientOrderId, { status, statusReason: "late answer", history: [] }),
          (err: unknown) => err instanceof IllegalOrderStateChange && err.from === "cancelled" && err.to === status,
          `cancelled → ${status} was accepted`,
        );
      }
      assert.deepEqual(await store.getOrder(o.clientOrderId), before, "a refused change wrote something");
      // A repeated report of the same state is not a change.
      assert.equal((await store.updateOrder(o.clientOrderId, { status: "cancelled" })).status, "cancelled");

      const { order: f } = await store.saveOrder(order(s.id, { status: "open" }));
      await store.updateOrder(f.clientOrderId, { status: "filled" });
      await assert.rejects(store.updateOrder(f.clientOrderId, { status: "open" }), IllegalOrderStateChange);
    });

    test("listOpenOrders returns only orders that may rest at the venue, oldest first", async () => {
      const s = await strategy();
      const other = await strategy();
      const statuses = ["pending_new", "open", "partially_filled", "pending_cancel", "filled", "cancelled", "rejected", "expired"] as const;
      const t0 = Date.UTC(2030, 0, 1);
      for (const [i, status] of statuses.entries()) {
        await store.saveOrder(order(s.id, { clientOrderId: `${s.id}-${status}`, status, createdAt: new Date(t0 + (statuses.length - i) * 1000) }));
      }
      await store.saveOrder(order(other.id, { status: "open" }));
      const open = await store.listOpenOrders(s.id);
      assert.deepEqual(open.map((o) => o.status), ["pending_cancel", "partially_filled", "open", "pending_new"]);
      const recent = await store.listOrders(s.id, { limit: 3 });
      assert.deepEqual(recent.map((o) => o.status), ["pending_new", "open", "partially_filled"]);
      const older = await store.listOrders(s.id, { before: recent[2]!.createdAt });
      assert.equal(older.length, 5);
    });

    // ── fills ──

    test("recordFill: the same venue trade twice is one row and moves the order once", async () => {
      const s = await strategy();
      const { order: o } = await store.saveOrder(order(s.id, { size: D("10"), status: "open" }));
      const f1 = fill(s.id, { clientOrderId: o.clientOrderId, venueTradeId: "trade-1", size: D("4"), inventoryAfter: D("4") });
      const a = await store.recordFill(f1);
      assert.equal(a.inserted, true);
      assert.equal(a.order?.status, "partially_filled");
      assert.ok(a.order?.filledSize.eq(4));
      const again = await store.recordFill(f1);
      assert.equal(again.inserted, false);
      assert.ok(again.order?.filledSize.eq(4), "a duplicate does not add to filledSize");

      // The same delivery racing with itself still counts once.
      const f2 = fill(s.id, { clientOrderId: o.clientOrderId, venueTradeId: "trade-2", size: D("6"), inventoryAfter: D("10"), ts: new Date(Date.now() + 1) });
      const racing = await Promise.all(Array.from({ length: 5 }, () => store.recordFill(f2)));
      assert.equal(racing.filter((r) => r.inserted).length, 1);
      const final = await store.getOrder(o.clientOrderId);
      assert.equal(final?.status, "filled");
      assert.ok(final?.filledSize.eq(10));
      assert.equal(final?.closedAt?.getTime(), f2.ts.getTime());
      assert.equal((await store.listFills(s.id)).length, 2);

      // Trade ids are unique per venue and strategy, not globally.
      const elsewhere = await store.recordFill(fill(s.id, { venue: "polymarket", venueTradeId: "trade-1" }));
      assert.equal(elsewhere.inserted, true);
      const otherStrategy = await strategy();
      assert.equal((await store.recordFill(fill(otherStrategy.id, { venueTradeId: "trade-1" }))).inserted, true);
    });

    test("recordFill keeps a fill whose order is unknown, and concurrent fills of one order add up", async () => {
      const s = await strategy();
      const orphan = await store.recordFill(fill(s.id, { clientOrderId: "never-saved" }));
      assert.equal(orphan.inserted, true);
      assert.equal(orphan.order, null);
      assert.equal((await store.listFills(s.id))[0]?.clientOrderId, "never-saved");

      const { order: o } = await store.saveOrder(order(s.id, { size: D("5"), status: "open" }));
      await Promise.all(
        Array.from({ length: 5 }, (_, i) => store.recordFill(fill(s.id, { clientOrderId: o.clientOrderId, venueTradeId: `p-${i}`, size: D("1") }))),
      );
      const done = await store.getOrder(o.clientOrderId);
      assert.ok(done?.filledSize.eq(5), `filledSize ${done?.filledSize.toFixed()}`);
      assert.equal(done?.status, "filled");
      // A late fill on a cancelled order is money that moved: counted, status kept unless it completes the order.
      const { order: c } = await store.saveOrder(order(s.id, { size: D("5"), status: "cancelled" }));
      const late = await store.recordFill(fill(s.id, { clientOrderId: c.clientOrderId, size: D("2") }));
      assert.equal(late.order?.status, "cancelled");
      assert.ok(late.order?.filledSize.eq(2));
    });

    test("listFills: newest first, time range and limit", async () => {
      const s = await strategy();
      const t0 = Date.UTC(2030, 0, 1);
      for (let i = 0; i < 5; i++) await store.recordFill(fill(s.id, { venueTradeId: `r-${i}`, ts: new Date(t0 + i * 1000) }));
      const all = await store.listFills(s.id);
      assert.deepEqual(all.map((f) => f.venueTradeId), ["r-4", "r-3", "r-2", "r-1", "r-0"]);
      const ranged = await store.listFills(s.id, { from: new Date(t0 + 1000), to: new Date(t0 + 3000) });
      assert.deepEqual(ranged.map((f) => f.venueTradeId), ["r-2", "r-1"]);
      assert.deepEqual((await store.listFills(s.id, { limit: 2 })).map((f) => f.venueTradeId), ["r-4", "r-3"]);
    });

    test("fills page backwards by (ts, id) without skipping rows that share a millisecond; side filter and totals", async () => {
      const s = await strategy();
      const t0 = Date.UTC(2030, 0, 2);
      // Three fills in one millisecond, then two later ones: a page boundary falls inside the shared instant.
      const spec: Array<[string, number, "buy" | "sell"]> = [["a", 0, "buy"], ["b", 0, "sell"], ["c", 0, "buy"], ["d", 5, "sell"], ["e", 9, "buy"]];
      for (const [id, dt, side] of spec) await store.recordFill(fill(s.id, { venueTradeId: id, side, ts: new Date(t0 + dt) }));
      const pages: string[][] = [];
      let cursor: { ts: Date; id: string } | undefined;
      for (;;) {
        const page = await store.listFills(s.id, { limit: 2, ...(cursor ? { before: cursor } : {}) });
        if (!page.length) break;
        pages.push(page.map((f) => f.venueTradeId));
        const last = page[page.length - 1]!;
        cursor = { ts: last.ts, id: last.id };
      }
      assert.deepEqual(pages, [["e", "d"], ["c", "b"], ["a"]]);
      assert.deepEqual((await store.listFills(s.id, { side: "buy" })).map((f) => f.venueTradeId), ["e", "c", "a"]);
      assert.equal(await store.countFills(s.id), 5);
      assert.equal(await store.countFills(s.id, { side: "sell" }), 2);
      assert.equal(await store.countFills(s.id, { from: new Date(t0 + 1), to: new Date(t0 + 9) }), 1);
      assert.equal(await store.countFills((await strategy()).id), 0);
    });

    test("orders page backwards by (createdAt, clientOrderId); side and status filters; totals", async () => {
      const s = await strategy();
      const t0 = new Date(Date.UTC(2030, 0, 3));
      const t1 = new Date(t0.getTime() + 1000);
      await store.saveOrder(order(s.id, { clientOrderId: `${s.id}-a`, createdAt: t0, status: "filled" }));
      await store.saveOrder(order(s.id, { clientOrderId: `${s.id}-b`, createdAt: t0, status: "cancelled", side: "sell" }));
      await store.saveOrder(order(s.id, { clientOrderId: `${s.id}-c`, createdAt: t0, status: "open" }));
      await store.saveOrder(order(s.id, { clientOrderId: `${s.id}-d`, createdAt: t1, status: "open", side: "sell" }));
      const first = await store.listOrders(s.id, { limit: 2 });
      assert.deepEqual(first.map((o) => o.clientOrderId.slice(-1)), ["d", "c"]);
      const last = first[1]!;
      const next = await store.listOrders(s.id, { limit: 2, before: last.createdAt, beforeId: last.clientOrderId });
      assert.deepEqual(next.map((o) => o.clientOrderId.slice(-1)), ["b", "a"]);
      assert.deepEqual((await store.listOrders(s.id, { side: "sell" })).map((o) => o.clientOrderId.slice(-1)), ["d", "b"]);
      assert.deepEqual((await store.listOrders(s.id, { statuses: ["open"] })).map((o) => o.clientOrderId.slice(-1)), ["d", "c"]);
      assert.equal(await store.countOrders(s.id), 4);
      assert.equal(await store.countOrders(s.id, { side: "buy", statuses: ["open", "filled"] }), 2);
      await store.saveOrder(order(s.id, { clientOrderId: `${s.id}-r`, createdAt: t1, status: "filled", reason: "rebalance" }));
      await store.saveOrder(order(s.id, { clientOrderId: `${s.id}-e`, createdAt: t1, status: "filled", reason: "emergency", type: "market", price: null }));
      assert.deepEqual((await store.listOrders(s.id, { reasons: ["rebalance", "emergency"] })).map((o) => o.clientOrderId.slice(-1)), ["r", "e"]);
      assert.equal(await store.countOrders(s.id, { reasons: ["quote"] }), 4);
    });

    // ── decimals ──

    test("decimals round-trip exactly at the column's limits", async () => {
      const s = await strategy();
      const tiny = "0.000000000000000001";
      const big = "123456789.123456789";
      const max = "99999999999999999999.999999999999999999";
      const { order: o } = await store.saveOrder(order(s.id, { price: D(tiny), size: D(big) }));
      const back = await store.getOrder(o.clientOrderId);
      assert.equal(back?.price?.toFixed(), tiny);
      assert.equal(back?.size.toFixed(), big);
      assert.ok(back?.price instanceof Decimal, "decimal.js values come out");

      await store.recordFill(
        fill(s.id, { venueTradeId: "dec", price: D(max), size: D(big), fee: D(tiny), inventoryAfter: D("-" + big), realizedPnlAfter: D("-" + tiny) }),
      );
      const [f] = await store.listFills(s.id);
      assert.equal(f?.price.toFixed(), max);
      assert.equal(f?.size.toFixed(), big);
      assert.equal(f?.fee.toFixed(), tiny);
      assert.equal(f?.inventoryAfter.toFixed(), "-" + big);
      assert.equal(f?.realizedPnlAfter?.toFixed(), "-" + tiny);

      // Facts that do not fit exactly are refused rather than rounded.
      await assert.rejects(store.saveOrder(order(s.id, { price: D("0.0000000000000000001") })), DecimalRangeError);
      await assert.rejects(store.saveOrder(order(s.id, { size: D("100000000000000000000") })), DecimalRangeError);
      await assert.rejects(store.recordFill(fill(s.id, { fee: D(NaN) })), DecimalRangeError);
      // Derived series are rounded half-even to 18 decimals.
      await store.insertSnapshot(snapshot(s.id, new Date(), { ratio: D(1).div(3), skew: D("0.0000000000000000025"), mid: D(big) }));
      const [snap] = await store.listSnapshots(s.id);
      assert.equal(snap?.ratio.toFixed(), "0.333333333333333333");
      assert.equal(snap?.skew.toFixed(), "0.000000000000000002");
      assert.equal(snap?.mid.toFixed(), big);
    });

    // ── snapshots ──

    test("snapshots come back ascending by time within [from, to], a capped range keeping its latest points", async () => {
      const s = await strategy();
      const other = await strategy();
      const t0 = Date.UTC(2030, 0, 1);
      const at = (i: number) => new Date(t0 + i * 1000);
      const shuffled = [5, 1, 9, 3, 7, 0, 8, 2, 6, 4];
      assert.equal(await store.insertSnapshots(shuffled.map((i) => snapshot(s.id, at(i), { inventory: D(i) }))), 10);
      await store.insertSnapshot(snapshot(other.id, at(3)));
      assert.equal(await store.insertSnapshots([]), 0);

      const all = await store.listSnapshots(s.id);
      assert.deepEqual(all.map((x) => x.ts.getTime()), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => at(i).getTime()));
      assert.ok(all.every((x) => x.inventory.eq((x.ts.getTime() - t0) / 1000)));
      assert.equal(all[0]?.ourAsk, null);
      assert.ok(all[0]?.ourBid?.eq("0.48"));
      const range = await store.listSnapshots(s.id, { from: at(2), to: at(5) });
      assert.deepEqual(range.map((x) => x.inventory.toNumber()), [2, 3, 4, 5]);
      const latest = await store.listSnapshots(s.id, { limit: 3 });
      assert.deepEqual(latest.map((x) => x.inventory.toNumber()), [7, 8, 9]);
      assert.equal((await store.listSnapshots(other.id)).length, 1);
    });

    // ── alerts ──

    test("alerts: raised, listed newest first with filters, acknowledged once", async () => {
      const s = await strategy();
      const t0 = Date.UTC(2030, 0, 1);
      const a = await store.raiseAlert({ strategyId: s.id, kind: "stale_data", severity: "warning", message: "no book for 5s", createdAt: new Date(t0) });
      const b = await store.raiseAlert({ strategyId: s.id, kind: "emergency", severity: "critical", message: "flatten", data: { ratio: "0.96" }, createdAt: new Date(t0 + 1) });
      await store.raiseAlert({ strategyId: s.id, kind: "cancel_failure", severity: "critical", message: "cancel timed out", createdAt: new Date(t0 + 2) });
      assert.deepEqual(b.data, { ratio: "0.96" });
      assert.equal(a.data, null);

      const acked = await store.acknowledgeAlert(a.id, "alice");
      assert.equal(acked?.acknowledgedBy, "alice");
      assert.ok(acked?.acknowledgedAt);
      const twice = await store.acknowledgeAlert(a.id, "bob");
      assert.equal(twice?.acknowledgedBy, "alice", "the first acknowledgement wins");
      assert.equal(twice?.acknowledgedAt?.getTime(), acked?.acknowledgedAt?.getTime());
      assert.equal(await store.acknowledgeAlert(randomUUID(), "alice"), null);

      assert.deepEqual((await store.listAlerts(s.id)).map((x) => x.kind), ["cancel_failure", "emergency", "stale_data"]);
      assert.deepEqual((await store.listAlerts(s.id, { unacknowledgedOnly: true })).map((x) => x.kind), ["cancel_failure", "emergency"]);
      assert.deepEqual((await store.listAlerts(s.id, { kinds: ["stale_data", "emergency"] })).map((x) => x.kind), ["emergency", "stale_data"]);
      assert.deepEqual((await store.listAlerts(s.id, { limit: 1 })).map((x) => x.kind), ["cancel_failure"]);
      assert.deepEqual((await store.listAlerts(s.id, { before: new Date(t0 + 1) })).map((x) => x.kind), ["stale_data"]);
    });

    test("alerts: a kind raised again while its alert is open is the same alert, counted, with first and last time (issue 14, defect 6)", async () => {
      const s = await strategy();
      const t0 = Date.UTC(2030, 2, 1);
      const first = await store.raiseAlert({ strategyId: s.id, kind: "rebalance", severity: "warning", message: "ratio 0.81", createdAt: new Date(t0) });
      assert.equal(first.count, 1);
      assert.equal(first.lastSeenAt.getTime(), t0);
      await store.raiseAlert({ strategyId: s.id, kind: "risk_state", severity: "info", message: "REDUCING", createdAt: new Date(t0 + 1) });
      const again = await store.raiseAlert({ strategyId: s.id, kind: "rebalance", severity: "critical", message: "ratio 0.84", data: { ratio: "0.84" }, createdAt: new Date(t0 + 5000) });
      assert.equal(again.id, first.id, "the open alert, not a new one");
      assert.equal(again.count, 2);
      assert.equal(again.createdAt.getTime(), t0, "first seen stays");
      assert.equal(again.lastSeenAt.getTime(), t0 + 5000);
      assert.equal(again.message, "ratio 0.84");
      assert.equal(again.severity, "critical", "the worse severity");
      assert.deepEqual(again.data, { ratio: "0.84" });
      assert.deepEqual((await store.listAlerts(s.id)).map((a) => [a.kind, a.count]), [["risk_state", 1], ["rebalance", 2]]);
      // Once acknowledged, the next one is a new alert.
      await store.acknowledgeAlert(first.id, "op");
      const next = await store.raiseAlert({ strategyId: s.id, kind: "rebalance", severity: "warning", message: "ratio 0.82", createdAt: new Date(t0 + 9000) });
      assert.notEqual(next.id, first.id);
      assert.equal(next.count, 1);
      // Repeats raised at once still make one alert.
      await Promise.all(Array.from({ length: 5 }, (_, i) => store.raiseAlert({ strategyId: s.id, kind: "stale_data", severity: "warning", message: `late ${i}`, createdAt: new Date(t0 + 10_000 + i) })));
      const stale = await store.listAlerts(s.id, { kinds: ["stale_data"] });
      assert.deepEqual(stale.map((a) => a.count), [5]);
      // Restart counts every rebalance raised, grouped or not.
      assert.equal((await store.loadRecoveryState(s.id)).rebalanceCount, 3);
    });

    test("alerts: acknowledge all acknowledges every open alert of the strategy, and only those", async () => {
      const s = await strategy();
      const other = await strategy();
      const a = await store.raiseAlert({ strategyId: s.id, kind: "rebalance", severity: "warning", message: "r" });
      await store.raiseAlert({ strategyId: s.id, kind: "emergency", severity: "critical", message: "e" });
      await store.acknowledgeAlert(a.id, "earlier");
      await store.raiseAlert({ strategyId: s.id, kind: "error", severity: "info", message: "x" });
      const elsewhere = await store.raiseAlert({ strategyId: other.id, kind: "error", severity: "info", message: "y" });
      const acked = await store.acknowledgeAllAlerts(s.id, "op");
      assert.deepEqual(acked.map((x) => x.kind).sort(), ["emergency", "error"]);
      assert.ok(acked.every((x) => x.acknowledgedBy === "op" && x.acknowledgedAt !== null));
      assert.equal((await store.listAlerts(s.id, { unacknowledgedOnly: true })).length, 0);
      assert.equal((await store.listAlerts(s.id)).find((x) => x.id === a.id)?.acknowledgedBy, "earlier", "an earlier acknowledgement stands");
      assert.equal((await store.listAlerts(other.id, { unacknowledgedOnly: true }))[0]?.id, elsewhere.id);
      assert.deepEqual(await store.acknowledgeAllAlerts(s.id, "op"), []);
    });

    test("alerts: every kind the desk raises can be stored", async () => {
      const s = await strategy();
      const kinds = ["rebalance", "emergency", "stale_data", "cancel_failure", "risk_state", "reconciliation", "error"] as const satisfies readonly AlertKind[];
      // A kind added to AlertKind and missing here fails to compile.
      const complete: Exclude<AlertKind, (typeof kinds)[number]> extends never ? true : false = true;
      assert.ok(complete);
      for (const kind of kinds) await store.raiseAlert({ strategyId: s.id, kind, severity: "critical", message: `a ${kind} alert` });
      assert.deepEqual((await store.listAlerts(s.id)).map((a) => a.kind).sort(), [...kinds].sort());
    });

    test("alerts: an id chosen by the caller is kept, so the alert can be shown before it is stored", async () => {
      const s = await strategy();
      const id = randomUUID();
      const a = await store.raiseAlert({ id, strategyId: s.id, kind: "error", severity: "info", message: "chosen id" });
      assert.equal(a.id, id);
      assert.equal((await store.acknowledgeAlert(id, "alice"))?.acknowledgedBy, "alice");
    });

    // ── runs and audit ──

    test("runs: start, last, stop once", async () => {
      const s = await strategy();
      assert.equal(await store.lastRun(s.id), null);
      await store.startRun({ strategyId: s.id, mode: "paper", startedAt: new Date(Date.UTC(2030, 0, 1)) });
      const run = await store.startRun({ strategyId: s.id, mode: "paper", seed: 2 ** 53 - 1, config: { speed: "max" }, startedAt: new Date(Date.UTC(2030, 0, 2)) });
      assert.equal(run.seed, 2 ** 53 - 1);
      assert.deepEqual(run.config, { speed: "max" });
      assert.equal((await store.lastRun(s.id))?.id, run.id);
      const stopped = await store.stopRun(run.id, "SIGTERM");
      assert.equal(stopped.stopReason, "SIGTERM");
      assert.ok(stopped.stoppedAt);
      const again = await store.stopRun(run.id, "later");
      assert.equal(again.stopReason, "SIGTERM");
      assert.equal(again.stoppedAt?.getTime(), stopped.stoppedAt.getTime());
      await assert.rejects(store.stopRun(randomUUID(), "x"), RunNotFoundError);
      await assert.rejects(store.startRun({ strategyId: s.id, mode: "paper", seed: 1.5 }), StoreError);
    });

    test("audit trail keeps who, what, before and after, newest first", async () => {
      const target = `strategy:${randomUUID()}`;
      await store.recordAudit({ actor: "alice", action: "params.update", target, before: { spread: "0.02" }, after: { spread: "0.03" }, ip: "127.0.0.1" });
      await new Promise((r) => setTimeout(r, 5));
      await store.recordAudit({ actor: "bob", action: "strategy.pause", target, before: { paused: false }, after: { paused: true } });
      const list = await store.listAudit({ target });
      assert.deepEqual(list.map((e) => e.action), ["strategy.pause", "params.update"]);
      assert.deepEqual(list[1]?.before, { spread: "0.02" });
      assert.deepEqual(list[1]?.after, { spread: "0.03" });
      assert.equal(list[1]?.ip, "127.0.0.1");
      assert.equal(list[0]?.ip, null);
      assert.deepEqual((await store.listAudit({ target, actor: "alice" })).map((e) => e.actor), ["alice"]);
    });

    test("audit trail: filtered by kind of action, paged without skipping events of one instant (the activity log)", async () => {
      const actor = `op-${randomUUID().slice(0, 8)}`;
      for (const action of ["auth.login", "params.apply", "control.pause", "params.rollback", "auth.logout"]) await store.recordAudit({ actor, action, target: "runner" });
      const params = await store.listAudit({ actor, actionPrefix: "params." });
      assert.deepEqual(params.map((e) => e.action).sort(), ["params.apply", "params.rollback"]);
      const seen: string[] = [];
      let page = await store.listAudit({ actor, limit: 2 });
      while (page.length) {
        seen.push(...page.map((e) => e.action));
        const last = page[page.length - 1]!;
        page = await store.listAudit({ actor, limit: 2, before: last.createdAt, beforeId: last.id });
      }
      assert.equal(seen.length, 5);
      assert.equal(new Set(seen).size, 5);
    });

    // ── restart ──

    test("loadRecoveryState returns everything a restart needs, fills in recorded order", async () => {
      const s = await strategy({ spread: "0.02" });
      await store.appendParameterVersion({ strategyId: s.id, params: { spread: "0.04" }, changedBy: "alice", reason: "wider" });
      await store.setRiskState(s.id, "REDUCING", "emergency");
      const run = await store.startRun({ strategyId: s.id, mode: "paper", seed: 42 });
      const { order: resting } = await store.saveOrder(order(s.id, { side: "sell", price: D("0.55"), status: "open", runId: run.id }));
      const { order: done } = await store.saveOrder(order(s.id, { status: "open", size: D("2") }));
      // Recorded out of time order on purpose: replay follows recording order.
      const t0 = Date.UTC(2030, 0, 1);
      const sizes = ["2", "-0.5", "1.25"];
      const ts = [t0 + 3000, t0 + 1000, t0 + 2000];
      let inv = D(0);
      for (const [i, size] of sizes.entries()) {
        inv = inv.plus(size);
        const side = D(size).isNeg() ? "sell" : "buy";
        await store.recordFill(
          fill(s.id, { venueTradeId: `rec-${i}`, clientOrderId: i === 0 ? done.clientOrderId : null, side, size: D(size).abs(), inventoryAfter: inv, ts: new Date(ts[i]!), runId: run.id }),
        );
      }
      await store.raiseAlert({ strategyId: s.id, kind: "rebalance", severity: "warning", message: "r1" });
      await store.raiseAlert({ strategyId: s.id, kind: "rebalance", severity: "warning", message: "r2" });
      await store.raiseAlert({ strategyId: s.id, kind: "emergency", severity: "critical", message: "e1" });
      await store.raiseAlert({ strategyId: s.id, kind: "stale_data", severity: "info", message: "not counted" });
      await store.insertSnapshots([snapshot(s.id, new Date(t0)), snapshot(s.id, new Date(t0 + 5000), { mid: D("0.61") })]);

      const r = await store.loadRecoveryState(s.id);
      assert.equal(r.strategy.riskState, "REDUCING");
      assert.equal(r.strategy.currentParamVersion, 2);
      assert.equal(r.params?.version, 2);
      assert.deepEqual(r.params?.params, { spread: "0.04" });
      assert.deepEqual(r.fills.map((f) => f.venueTradeId), ["rec-0", "rec-1", "rec-2"]);
      const replayed = r.fills.reduce((acc, f) => (f.side === "buy" ? acc.plus(f.size) : acc.minus(f.size)), D(0));
      assert.ok(replayed.eq("2.75"));
      assert.ok(r.fills.at(-1)?.inventoryAfter.eq(replayed));
      assert.deepEqual(r.openOrders.map((o) => o.clientOrderId), [resting.clientOrderId]);
      assert.equal(r.rebalanceCount, 2);
      assert.equal(r.emergencyCount, 1);
      assert.ok(r.lastSnapshot?.mid.eq("0.61"));
      assert.equal(r.lastRun?.id, run.id);
      assert.equal(r.lastRun?.stoppedAt, null, "an unstopped run shows the previous process died");

      const empty = await store.loadRecoveryState((await strategy()).id);
      assert.deepEqual([empty.fills, empty.openOrders, empty.params, empty.lastSnapshot, empty.lastRun], [[], [], null, null, null]);
      await assert.rejects(store.loadRecoveryState(randomUUID()), StrategyNotFoundError);
    });

    // ── integrity ──

    test("records are values: changing what went in or came out leaves the stored data alone", async () => {
      const params = { spread: "0.02" };
      const s = await strategy(params);
      params.spread = "9";
      const v1 = await store.getParameterVersion(s.id);
      assert.deepEqual(v1?.params, { spread: "0.02" });
      (v1!.params as { spread: string }).spread = "8";
      assert.deepEqual((await store.getParameterVersion(s.id))?.params, { spread: "0.02" });

      const createdAt = new Date(Date.UTC(2030, 0, 1));
      const { order: o } = await store.saveOrder(order(s.id, { createdAt, status: "open" }));
      createdAt.setTime(0);
      o.createdAt.setTime(1);
      o.openedAt?.setTime(2);
      o.status = "filled";
      const back = await store.getOrder(o.clientOrderId);
      assert.equal(back?.createdAt.getTime(), Date.UTC(2030, 0, 1));
      assert.equal(back?.openedAt?.getTime(), Date.UTC(2030, 0, 1));
      assert.equal(back?.status, "open");

      const data = { ratio: "0.96", levels: ["0.9", "0.95"] };
      const alert = await store.raiseAlert({ strategyId: s.id, kind: "emergency", severity: "critical", message: "m", data });
      data.levels.push("1");
      (alert.data as { levels: string[] }).levels.push("2");
      assert.deepEqual((await store.listAlerts(s.id))[0]?.data, { ratio: "0.96", levels: ["0.9", "0.95"] });

      const ts = new Date(Date.UTC(2030, 0, 2));
      await store.insertSnapshot(snapshot(s.id, ts));
      ts.setTime(0);
      const [snap] = await store.listSnapshots(s.id);
      snap!.ts.setTime(0);
      assert.equal((await store.listSnapshots(s.id))[0]?.ts.getTime(), Date.UTC(2030, 0, 2));

      const config = { speed: "max" };
      const run = await store.startRun({ strategyId: s.id, mode: "paper", config });
      config.speed = "slow";
      (run.config as { speed: string }).speed = "slower";
      assert.deepEqual((await store.lastRun(s.id))?.config, { speed: "max" });
    });

    test("writes that name an unknown strategy or run are refused and leave nothing behind", async () => {
      const s = await strategy();
      const ghost = randomUUID();
      await assert.rejects(store.saveOrder(order(ghost)));
      await assert.rejects(store.saveOrder(order(s.id, { runId: randomUUID() })));
      await assert.rejects(store.recordFill(fill(ghost)));
      await assert.rejects(store.recordFill(fill(s.id, { runId: randomUUID() })));
      await assert.rejects(store.insertSnapshots([snapshot(s.id, new Date()), snapshot(ghost, new Date())]));
      await assert.rejects(store.raiseAlert({ strategyId: ghost, kind: "error", severity: "info", message: "x" }));
      await assert.rejects(store.startRun({ strategyId: ghost, mode: "paper" }));
      assert.deepEqual(
        [await store.listOrders(s.id), await store.listFills(s.id), await store.listSnapshots(s.id), await store.listAlerts(s.id), await store.lastRun(s.id)],
        [[], [], [], [], null],
      );
    });

    test("a fill its order cannot absorb within the column's range is refused whole", async () => {
      const s = await strategy();
      const near = D("99999999999999999999");
      const { order: o } = await store.saveOrder(order(s.id, { size: near, status: "open" }));
      await store.updateOrder(o.clientOrderId, { filledSize: near.minus(1) });
      await assert.rejects(store.recordFill(fill(s.id, { clientOrderId: o.clientOrderId, size: D("2") })));
      assert.deepEqual(await store.listFills(s.id), []);
      const after = await store.getOrder(o.clientOrderId);
      assert.equal(after?.filledSize.toFixed(), near.minus(1).toFixed());
      assert.equal(after?.status, "open");
      const last = await store.recordFill(fill(s.id, { clientOrderId: o.clientOrderId, size: D("1") }));
      assert.equal(last.order?.status, "filled");
      assert.equal(last.order?.filledSize.toFixed(), near.toFixed());
    });

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
