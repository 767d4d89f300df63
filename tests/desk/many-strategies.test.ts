// Issue 12, item 1: many strategies on one desk. Each trades its own market with its own books; client
// order ids carry the strategy, so reconciliation never touches another strategy's orders and fills reach
// only their owner; the venue account's order-rate budget is shared; one strategy's fault (an exception,
// a HALT, a start that fails) never stops the others.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { createMemoryStore, createPrismaStore, type Store } from "@/server/store";
import { clientIds } from "@/server/runner/client-ids";
import { createStrategy } from "@/server/desk/desk-commands";
import { testDatabases } from "@/tests/support/databases";
import { keepAlive, openTestDesk, settle, T0 } from "@/tests/desk/support";

let release: () => void;
before(() => (release = keepAlive()));
after(() => release());

async function tradesOnItsOwn(store: Store, ms = 60_000): Promise<void> {
  const t = await openTestDesk(store);
  const a = await t.add("alpha");
  const b = await t.add("beta", { settings: { market: "probability", seed: 7, regime: "volatile", tickMs: 500 } });
  assert.notEqual(a.clientTag, b.clientTag);
  await t.run(ms);
  for (const s of [a, b]) {
    const r = t.desk.runner(s.id);
    assert.ok(await r.flushWrites(120_000), "the database took every write");
    const fills = await store.listFills(s.id, { limit: 10_000 });
    const orders = await store.listOrders(s.id, { limit: 10_000 });
    assert.ok(r.stats.ordersPlaced > 0, `${s.name} quoted`);
    assert.ok(fills.length > 0, `${s.name} traded`);
    // Its own history only: every order and every fill carries its tag.
    assert.ok(orders.every((o) => o.clientOrderId.startsWith(`sd-${s.clientTag}-`)), `${s.name}'s orders carry its tag`);
    assert.ok(fills.every((f) => f.clientOrderId === null || f.clientOrderId.startsWith(`sd-${s.clientTag}-`)), `${s.name}'s fills are its own`);
    // Its books are its fills: the inventory is the sum of its own stored fills.
    const sum = fills.reduce((q, f) => (f.side === "buy" ? q.add(f.size) : q.sub(f.size)), new Decimal(0));
    assert.equal(r.inventory.toString(), sum.toString());
  }
  assert.notEqual(t.desk.runner(a.id).market.symbol, t.desk.runner(b.id).market.symbol);
  await t.desk.close("test over");
}

describe("many strategies on one desk", () => {
  test("two strategies trade their own markets with their own books (memory store)", () => tradesOnItsOwn(createMemoryStore()));

  for (const d of testDatabases("desk-many")) {
    test(`two strategies trade their own markets with their own books (${d.name})`, { skip: d.skip }, async () => {
      const db = await d.open();
      try {
        await tradesOnItsOwn(createPrismaStore(db), 20_000);
      } finally {
        await db.close();
        await d.cleanup();
      }
    });
  }

  test("reconciliation cancels our untracked order and leaves another strategy's order alone", async () => {
    const t = await openTestDesk(createMemoryStore());
    const a = await t.add("alpha");
    await t.run(2_000);
    const r = t.desk.runner(a.id);
    const book = await r.venue.fetchOrderBook();
    const far = book.bids[0]!.price.sub(50);
    const theirs = clientIds("zzzzz9").newId();
    const oursLost = r.ids.newId();
    await r.venue.createOrder({ clientOrderId: theirs, side: "buy", type: "limit", price: far, size: new Decimal("0.1") });
    await r.venue.createOrder({ clientOrderId: oursLost, side: "buy", type: "limit", price: far.sub(1), size: new Decimal("0.1") });
    await r.reconciler.run("test");
    await settle();
    await settle();
    const open = (await r.venue.fetchOpenOrders()).map((o) => o.clientOrderId);
    assert.ok(open.includes(theirs), "another strategy's order is left resting");
    assert.ok(!open.includes(oursLost), "our untracked order is cancelled");
    assert.equal(r.reconciler.last?.orphansCancelled, 1);
    await t.desk.close("test over");
  });

  test("a fill is booked only by the strategy whose order it is", async () => {
    const t = await openTestDesk(createMemoryStore());
    const a = await t.add("alpha");
    const b = await t.add("beta");
    await t.run(1_000);
    const ra = t.desk.runner(a.id);
    const rb = t.desk.runner(b.id);
    const before = ra.inventory;
    const fill = (clientOrderId: string, tradeId: string) => ({ tradeId, clientOrderId, venueOrderId: "v1", side: "buy" as const, price: new Decimal("2000"), size: new Decimal("0.1"), fee: new Decimal(0), liquidity: "maker" as const, ts: T0 + 1_000 });
    // B's fill reaching A (a shared account stream, or A's trade history): A leaves it to B.
    assert.equal(ra.onVenueFill(fill(rb.ids.newId(), "t-b")), false);
    assert.ok(ra.inventory.eq(before));
    const bBefore = rb.inventory;
    assert.equal(rb.onVenueFill(fill(rb.ids.newId(), "t-b2")), true);
    assert.equal(rb.inventory.sub(bBefore).toString(), "0.1");
    await t.desk.close("test over");
  });

  test("strategies on one venue account share its order-rate budget", async () => {
    const placed = async (accounts: [string, string]) => {
      const t = await openTestDesk(createMemoryStore(), { accountOrdersPerSecond: 2 });
      const ids = [];
      for (const [i, account] of accounts.entries()) ids.push((await t.add(`s${i}`, { account })).id);
      await t.run(20_000);
      const n = ids.map((id) => t.desk.runner(id).stats.ordersPlaced);
      await t.desk.close("test over");
      return n[0]! + n[1]!;
    };
    const shared = await placed(["paper", "paper"]);
    const apart = await placed(["paper-1", "paper-2"]);
    // 2 a second for 20 s, plus the bucket's burst of 2 (the first submits of both strategies included).
    assert.ok(shared <= 2 * 20 + 2, `shared account placed ${shared} orders in 20 s at 2/s`);
    assert.ok(apart > shared, `two accounts (${apart}) place more than one shared account (${shared}): the budget binds`);
  });

  test("one strategy's exception or HALT, or a failed start, never stops the others", async () => {
    const store = createMemoryStore();
    // A strategy whose stored settings cannot be opened: its start fails, the desk's does not.
    await store.ensureStrategy({ name: "broken", market: "X", symbol: "X", venue: "paper", mode: "paper", settings: { market: "nowhere" }, clientTag: "brkn01", initialParams: {} });
    const t = await openTestDesk(store);
    const broken = t.desk.list().find((s) => s.name === "broken")!;
    assert.match(t.desk.fault(broken.id) ?? "", /settings are invalid/);
    const a = await t.add("alpha");
    const b = await t.add("beta");
    const c = await t.add("gamma");
    await t.run(2_000);
    const ra = t.desk.runner(a.id);
    const rb = t.desk.runner(b.id);
    const rc = t.desk.runner(c.id);
    ra.loop.decide = () => Promise.reject(new TypeError("boom: a bug in one strategy"));
    rb.setRisk("HALTED", "test: halted by hand");
    const before = { a: ra.stats.ticks, c: rc.stats.ordersPlaced, cTick: rc.view().lastTickAt };
    await t.run(10_000);
    assert.ok(ra.stats.ticks > before.a, "the failing strategy keeps being ticked (and failing on its own)");
    assert.equal(rb.riskState, "HALTED");
    assert.equal(rb.tracker.liveCount, 0, "the HALTED strategy quotes nothing");
    assert.equal(rc.riskState, "ACTIVE");
    assert.ok(rc.stats.ordersPlaced > before.c, "the healthy strategy keeps quoting");
    assert.ok((rc.view().lastTickAt ?? 0) > (before.cTick ?? 0));
    const rows = t.desk.overview().strategies;
    assert.equal(rows.find((r) => r.id === broken.id)?.fault?.includes("settings are invalid"), true);
    assert.equal(rows.find((r) => r.id === c.id)?.riskState, "ACTIVE");
    await t.desk.close("test over");
  });

  test("a strategy is created with validated settings and parameters, and a clone copies the parameters in force", async () => {
    const t = await openTestDesk(createMemoryStore());
    await assert.rejects(createStrategy(t.desk, { name: "x", venue: "paper", settings: { market: "story", seed: -1 } }, "op"), /settings.seed/);
    await assert.rejects(createStrategy(t.desk, { name: "x", venue: "paper", settings: { market: "story", seed: 1 }, params: { orderSize: "-1" } }, "op"), /params.orderSize/);
    assert.equal(t.desk.list().length, 0, "a refused create leaves nothing behind");
    const a = await t.add("alpha", { params: { orderSize: "0.2", maxPosition: "0.2" } });
    await assert.rejects(t.add("alpha"), /exists already/);
    const clone = await t.add("alpha-2", { cloneFrom: a.id, settings: { market: "story", seed: 999, tickMs: 500 } });
    const p = await t.desk.store.getParameterVersion(clone.id);
    assert.equal(p?.params.orderSize, "0.2");
    assert.equal(t.desk.runner(clone.id).params.current.orderSize.toString(), "0.2");
    await t.desk.close("test over");
  });
});
