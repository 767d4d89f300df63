// The Store contract on the in-memory store, plus what only it promises: typed refusals where the database
// would raise driver errors, independent instances, and its sorted indexes agreeing with a plain
// filter-and-sort over the same rows whatever the insertion order.
import { randomUUID } from "node:crypto";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import fc from "fast-check";
import {
  createMemoryStore,
  DecimalRangeError,
  RunNotFoundError,
  StoreError,
  StrategyNotFoundError,
  type AlertKind,
  type NewFill,
  type Snapshot,
  type Store,
} from "@/server/store";
import { storeContract, type StoreHarness } from "./contract";

storeContract("memory", async (): Promise<StoreHarness> => ({ store: createMemoryStore(), close: async () => {} }));

const D = (s: string | number) => new Decimal(s);
const T0 = Date.UTC(2030, 0, 1);

async function newStrategy(store: Store, name = `m-${randomUUID()}`) {
  return store.ensureStrategy({ name, market: "m", symbol: "S", venue: "paper", mode: "paper" });
}

const snapshotAt = (strategyId: string, ts: number, inventory: number): Snapshot => ({
  strategyId,
  ts: new Date(ts),
  mid: D("0.5"),
  bestBid: null,
  bestAsk: null,
  ourBid: null,
  ourAsk: null,
  inventory: D(inventory),
  ratio: D(0),
  skew: D(0),
  realizedPnl: D(0),
  unrealizedPnl: D(0),
  fees: D(0),
  riskState: "ACTIVE",
});

const fillAt = (strategyId: string, venueTradeId: string, ts: number, over: Partial<NewFill> = {}): NewFill => ({
  strategyId,
  venue: "paper",
  venueTradeId,
  clientOrderId: null,
  side: "buy",
  price: D("0.5"),
  size: D(1),
  fee: D(0),
  liquidity: "maker",
  inventoryAfter: D(1),
  ts: new Date(ts),
  ...over,
});

/** PostgreSQL's "C" collation: UTF-8 byte order. */
const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

// Small time domains so that ties (equal timestamps) are common.
const tsArb = fc.integer({ min: 0, max: 20 }).map((i) => T0 + i * 1000);
const rangeArb = fc.record(
  { from: tsArb, to: tsArb, limit: fc.integer({ min: 1, max: 30 }) },
  { requiredKeys: [] },
);

describe("memory store", () => {
  test("instances share nothing", async () => {
    const a = createMemoryStore();
    const b = createMemoryStore();
    const s = await newStrategy(a, "same-name");
    assert.equal(await b.getStrategy("same-name"), null);
    assert.equal(await b.getStrategyById(s.id), null);
    assert.notEqual((await newStrategy(b, "same-name")).id, s.id);
  });

  test("refusals the database would raise as driver errors are typed StoreErrors here", async () => {
    const store = createMemoryStore();
    const s = await newStrategy(store);
    const ghost = randomUUID();
    const base = { clientOrderId: `c-${randomUUID()}`, strategyId: s.id, side: "buy", type: "limit", price: D("0.5"), size: D(1), reason: "quote" } as const;
    await assert.rejects(store.saveOrder({ ...base, strategyId: ghost }), StrategyNotFoundError);
    await assert.rejects(store.saveOrder({ ...base, runId: ghost }), RunNotFoundError);
    await assert.rejects(store.recordFill(fillAt(ghost, "t", T0)), StrategyNotFoundError);
    await assert.rejects(store.recordFill(fillAt(s.id, "t", T0, { runId: ghost })), RunNotFoundError);
    await assert.rejects(store.insertSnapshot(snapshotAt(ghost, T0, 1)), StrategyNotFoundError);
    await assert.rejects(store.raiseAlert({ strategyId: ghost, kind: "error", severity: "info", message: "x" }), StrategyNotFoundError);
    await assert.rejects(store.startRun({ strategyId: ghost, mode: "paper" }), StrategyNotFoundError);
    await assert.rejects(store.saveOrder({ ...base, status: "bogus" as never }), StoreError);
    await assert.rejects(store.saveOrder({ ...base, createdAt: new Date(NaN) }), StoreError);
    await assert.rejects(store.listOrders(s.id, { limit: 0 }), StoreError);

    const near = D("99999999999999999999");
    const { order } = await store.saveOrder({ ...base, size: near, status: "open" });
    await store.updateOrder(order.clientOrderId, { filledSize: near });
    await assert.rejects(store.recordFill(fillAt(s.id, "over", T0, { clientOrderId: order.clientOrderId })), DecimalRangeError);
    assert.equal((await store.recordFill(fillAt(s.id, "over", T0))).inserted, true, "the refused trade left no identity behind");
  });

  test("filledSize adds exactly beyond decimal.js's default 20 significant digits", async () => {
    const store = createMemoryStore();
    const s = await newStrategy(store);
    const size = D("12345678901234567890.123456789012345678");
    const { order } = await store.saveOrder({ clientOrderId: "big", strategyId: s.id, side: "sell", type: "market", price: null, size, reason: "emergency" });
    await store.recordFill(fillAt(s.id, "a", T0, { clientOrderId: "big", size: D("0.000000000000000001") }));
    // The rest as a literal: size.minus(...) here would itself round to 20 digits.
    const r = await store.recordFill(fillAt(s.id, "b", T0, { clientOrderId: "big", size: D("12345678901234567890.123456789012345677") }));
    assert.equal(r.order?.filledSize.toFixed(), size.toFixed());
    assert.equal(r.order?.status, "filled");
    assert.equal(order.filledSize.toFixed(), "0");
  });

  test("listSnapshots agrees with filter-sort-and-keep-the-latest for any insertion order and range", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(tsArb, { maxLength: 40 }), rangeArb, async (times, q) => {
        const store = createMemoryStore();
        const s = await newStrategy(store);
        // Inventory carries the insertion index: ties on ts must come back in insertion order.
        const batches = [times.slice(0, times.length >> 1), times.slice(times.length >> 1)];
        let n = 0;
        for (const batch of batches) await store.insertSnapshots(batch.map((ts) => snapshotAt(s.id, ts, n++)));
        const expected = times
          .map((ts, i) => ({ ts, i }))
          .filter((x) => (q.from === undefined || x.ts >= q.from) && (q.to === undefined || x.ts <= q.to))
          .sort((a, b) => a.ts - b.ts || a.i - b.i)
          .slice(-(q.limit ?? 1000))
          .map((x) => x.i);
        const got = await store.listSnapshots(s.id, {
          ...(q.from !== undefined ? { from: new Date(q.from) } : {}),
          ...(q.to !== undefined ? { to: new Date(q.to) } : {}),
          ...(q.limit !== undefined ? { limit: q.limit } : {}),
        });
        assert.deepEqual(got.map((x) => x.inventory.toNumber()), expected);
      }),
    );
  });

  test("listFills agrees with filter-sort-newest-first, and recovery replays in recording order", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(tsArb, { maxLength: 40 }), rangeArb, async (times, q) => {
        const store = createMemoryStore();
        const s = await newStrategy(store);
        for (const [i, ts] of times.entries()) await store.recordFill(fillAt(s.id, `t${i}`, ts));
        const expected = times
          .map((ts, i) => ({ ts, i }))
          .filter((x) => (q.from === undefined || x.ts >= q.from) && (q.to === undefined || x.ts < q.to))
          .sort((a, b) => b.ts - a.ts || b.i - a.i)
          .slice(0, q.limit ?? 100)
          .map((x) => `t${x.i}`);
        const got = await store.listFills(s.id, {
          ...(q.from !== undefined ? { from: new Date(q.from) } : {}),
          ...(q.to !== undefined ? { to: new Date(q.to) } : {}),
          ...(q.limit !== undefined ? { limit: q.limit } : {}),
        });
        assert.deepEqual(got.map((f) => f.venueTradeId), expected);
        const recovered = await store.loadRecoveryState(s.id);
        assert.deepEqual(recovered.fills.map((f) => f.venueTradeId), times.map((_, i) => `t${i}`));
      }),
    );
  });

  test("listOrders and listOpenOrders order by (createdAt, clientOrderId) in UTF-8 byte order, like PostgreSQL's C collation", async () => {
    const statusArb = fc.constantFrom("pending_new", "open", "partially_filled", "pending_cancel", "filled", "cancelled", "rejected", "expired" as const);
    const orderArb = fc.record({ ts: tsArb, status: statusArb });
    await fc.assert(
      fc.asyncProperty(
        // Characters on both sides of the UTF-16/UTF-8 disagreement: U+E000..U+FFFF sort before astral ones in UTF-8.
        fc.uniqueArray(fc.string({ unit: fc.constantFrom("a", "Z", "é", "\uE000", "\uFFFD", "😀", "𝄞"), minLength: 1, maxLength: 3 }), { maxLength: 30 }),
        fc.array(orderArb, { minLength: 30, maxLength: 30 }),
        fc.option(tsArb, { nil: undefined }),
        fc.integer({ min: 1, max: 40 }),
        async (ids, specs, before, limit) => {
          const store = createMemoryStore();
          const s = await newStrategy(store);
          const rows = ids.map((id, i) => ({ id, ...specs[i]! }));
          for (const r of rows) {
            await store.saveOrder({
              clientOrderId: r.id,
              strategyId: s.id,
              side: "buy",
              type: "limit",
              price: D("0.5"),
              size: D(1),
              reason: "quote",
              status: r.status,
              createdAt: new Date(r.ts),
            });
          }
          const asc = (a: (typeof rows)[number], b: (typeof rows)[number]) => a.ts - b.ts || utf8Order(a.id, b.id);
          const expected = rows
            .filter((r) => before === undefined || r.ts < before)
            .sort((a, b) => asc(b, a))
            .slice(0, limit)
            .map((r) => r.id);
          const got = await store.listOrders(s.id, { limit, ...(before !== undefined ? { before: new Date(before) } : {}) });
          assert.deepEqual(got.map((o) => o.clientOrderId), expected);
          const live = new Set(["pending_new", "open", "partially_filled", "pending_cancel"]);
          const open = await store.listOpenOrders(s.id);
          assert.deepEqual(
            open.map((o) => o.clientOrderId),
            rows.filter((r) => live.has(r.status)).sort(asc).map((r) => r.id),
          );
        },
      ),
    );
  });

  test("an order leaves the open list when it fills or closes and never rejoins; an unknown one stays live until resolved", async () => {
    const store = createMemoryStore();
    const s = await newStrategy(store);
    const mk = (id: string) =>
      store.saveOrder({ clientOrderId: id, strategyId: s.id, side: "buy", type: "limit", price: D("0.5"), size: D(2), reason: "quote", status: "open" });
    await mk("a");
    await mk("b");
    await store.recordFill(fillAt(s.id, "f1", T0, { clientOrderId: "a", size: D(2) }));
    await store.updateOrder("b", { status: "cancelled" });
    assert.deepEqual(await store.listOpenOrders(s.id), []);
    // A cancel the venue confirmed is final: the state table has no way back.
    await assert.rejects(store.updateOrder("b", { status: "pending_cancel" }), (e: Error) => e.name === "IllegalOrderStateChange");
    assert.equal((await store.getOrder("b"))!.status, "cancelled");
    await mk("c");
    await store.updateOrder("c", { status: "pending_cancel" });
    await store.updateOrder("c", { status: "unknown" });
    assert.deepEqual((await store.listOpenOrders(s.id)).map((o) => o.clientOrderId), ["c"]);
    await store.updateOrder("c", { status: "open" });
    assert.deepEqual((await store.listOpenOrders(s.id)).map((o) => o.clientOrderId), ["c"]);
  });

  test("listAlerts agrees with filter-sort-newest-first (repeats of an open kind grouped); recovery counts every rebalance and emergency", async () => {
    const kinds: AlertKind[] = ["rebalance", "emergency", "stale_data", "error"];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ ts: tsArb, kind: fc.constantFrom(...kinds), ack: fc.boolean() }), { maxLength: 30 }),
        fc.record(
          { kinds: fc.subarray(kinds), unacknowledgedOnly: fc.boolean(), before: tsArb, limit: fc.integer({ min: 1, max: 40 }) },
          { requiredKeys: [] },
        ),
        async (specs, q) => {
          const store = createMemoryStore();
          const s = await newStrategy(store);
          // A kind raised while its alert is open joins it (first time kept); an acknowledged one is done.
          const byId = new Map<string, { ts: number; kind: AlertKind; ack: boolean; id: string }>();
          for (const spec of specs) {
            const a = await store.raiseAlert({ strategyId: s.id, kind: spec.kind, severity: "info", message: "m", createdAt: new Date(spec.ts) });
            const row = byId.get(a.id) ?? { ts: spec.ts, kind: spec.kind, ack: false, id: a.id };
            byId.set(a.id, row);
            if (spec.ack) {
              await store.acknowledgeAlert(a.id, "op");
              row.ack = true;
            }
          }
          const rows = [...byId.values()];
          const expected = rows
            .filter((r) => (q.kinds === undefined || q.kinds.includes(r.kind)) && (!q.unacknowledgedOnly || !r.ack) && (q.before === undefined || r.ts < q.before))
            .sort((a, b) => b.ts - a.ts || utf8Order(b.id, a.id))
            .slice(0, q.limit ?? 100)
            .map((r) => r.id);
          const { before, ...rest } = q;
          const got = await store.listAlerts(s.id, { ...rest, ...(before !== undefined ? { before: new Date(before) } : {}) });
          assert.deepEqual(got.map((a) => a.id), expected);
          const r = await store.loadRecoveryState(s.id);
          assert.equal(r.rebalanceCount, specs.filter((x) => x.kind === "rebalance").length);
          assert.equal(r.emergencyCount, specs.filter((x) => x.kind === "emergency").length);
        },
      ),
    );
  });
});
