// Store contract, orders and fills: the order lifecycle and its legal moves, idempotent fills that move their
// order once, paging and totals, and decimals exact at the columns' limits. Registered by contract.ts inside
// each backend's suite.
import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { IllegalOrderStateChange } from "@/lib/orders";
import {
  DecimalRangeError,
  OrderConflictError,
  OrderNotFoundError,
  type Store,
} from "@/server/store";
import type { ContractFixtures } from "./contract";

const D = (s: string | number) => new Decimal(s);

/** Orders, fills and the decimal columns they are stored in. */
export function ordersFillsContract(f: ContractFixtures): void {
  const { strategy, order, fill, snapshot } = f;
  // The suite opens its store in before(), after these tests are registered, and a reopen replaces it.
  let store: Store;
  beforeEach(() => {
    store = f.store();
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
}
