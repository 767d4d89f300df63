// Issue 12, item 2: desk-wide risk. The seed's max_total_position over every strategy, valued at mark:
// once the total reaches it, no strategy may grow (every order that passes is reduce-only); a desk-wide
// pause and a desk-wide emergency close act on every strategy and report on each.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { createMemoryStore } from "@/server/store";
import { emergencyCloseDesk, pauseDesk, resumeDesk } from "@/server/desk/desk-commands";
import { DeskRisk } from "@/server/desk/desk-risk";
import { keepAlive, openTestDesk, settle } from "@/tests/desk/support";

let release: () => void;
before(() => (release = keepAlive()));
after(() => release());

describe("desk-wide risk", () => {
  test("the total is |inventory| × mark summed over strategies, and blocks growth at the cap", () => {
    const members = [{ exposure: () => new Decimal("30.5") }, { exposure: () => new Decimal("19.5") }];
    const under = new DeskRisk(() => members, new Decimal("50.01"), 0);
    assert.equal(under.total().toString(), "50");
    assert.equal(under.growthBlocked(), null);
    const at = new DeskRisk(() => members, new Decimal("50"), 0);
    assert.match(at.growthBlocked() ?? "", /at or over its cap 50/);
    assert.equal(new DeskRisk(() => members, null, 0).growthBlocked(), null, "no cap, no block");
  });

  test("scaled out: the strategies other runner processes host count toward the cap", () => {
    const members = [{ exposure: () => new Decimal("30.5") }];
    const elsewhere = new Decimal("19.5");
    const risk = new DeskRisk(() => members, new Decimal("50"), 0, Date.now, () => elsewhere);
    assert.equal(risk.total().toString(), "50");
    assert.match(risk.growthBlocked() ?? "", /desk total position 50 at or over its cap 50/);
  });

  test("over max_total_position every strategy only reduces; under it they quote both sides", async () => {
    // Story market near 2000: one 0.1 lot is worth ~200, so the first fill of any strategy crosses a cap of 150.
    const t = await openTestDesk(createMemoryStore(), { maxTotalPosition: new Decimal("150") });
    const ids = [(await t.add("alpha")).id, (await t.add("beta")).id, (await t.add("gamma")).id];
    // Ticks that began and ended with the desk over its cap: every order those ticks placed must reduce.
    const blocked = () => {
      t.desk.risk.invalidate();
      return t.desk.risk.growthBlocked() !== null;
    };
    const before = new Map<number, boolean>();
    const overCap: number[] = [];
    let underCap = 0;
    await t.run(
      30_000,
      500,
      (ts) => {
        if (before.get(ts) && blocked()) overCap.push(ts);
        else if (!before.get(ts) && !blocked()) underCap++;
      },
      (ts) => before.set(ts, blocked()),
    );
    assert.ok(overCap.length > 0, "the desk's total reached its cap");
    assert.ok(underCap > 0, "and was under it at times");
    let reducing = 0;
    let ordinary = 0;
    for (const id of ids) {
      const r = t.desk.runner(id);
      assert.ok(await r.flushWrites(120_000));
      const orders = await t.desk.store.listOrders(id, { limit: 10_000 });
      for (const ts of overCap) {
        for (const o of orders.filter((x) => x.createdAt.getTime() >= ts && x.createdAt.getTime() < ts + 500)) {
          assert.equal(o.reduceOnly, true, `${o.clientOrderId} (${o.side} ${o.size}) placed while the desk was over its cap`);
          reducing++;
        }
      }
      ordinary += orders.filter((o) => !o.reduceOnly).length;
    }
    assert.ok(ordinary > 0, "under the cap strategies quote ordinary orders");
    assert.ok(reducing > 0, "strategies with inventory keep working it down");
    await t.desk.close("test over");
  });

  test("desk-wide pause stops every strategy's quoting and says so per strategy; resume brings them back", async () => {
    const t = await openTestDesk(createMemoryStore());
    const ids = [(await t.add("alpha")).id, (await t.add("beta")).id];
    await t.run(3_000);
    assert.ok(ids.every((id) => t.desk.runner(id).tracker.liveCount > 0), "both quote before the pause");
    const report = await pauseDesk(t.desk, "op");
    assert.equal(report.results.length, 2);
    assert.ok(report.results.every((r) => r.ok && /paused/.test(r.message)));
    await t.run(2_000);
    for (const id of ids) {
      assert.equal(t.desk.runner(id).paused, true);
      assert.equal(t.desk.runner(id).tracker.liveCount, 0, "no quote rests while the desk is paused");
    }
    // A strategy started while the desk is paused starts paused.
    const late = await t.add("late");
    assert.equal(t.desk.runner(late.id).paused, true);
    const resumed = await resumeDesk(t.desk, "op");
    assert.equal(resumed.results.length, 3);
    await t.run(2_000);
    assert.ok([...ids, late.id].every((id) => t.desk.runner(id).tracker.liveCount > 0), "all quote again");
    await t.desk.close("test over");
  });

  test("desk-wide emergency close flattens every strategy, pauses them, and reports on each", async () => {
    const t = await openTestDesk(createMemoryStore());
    const ids = [(await t.add("alpha")).id, (await t.add("beta")).id, (await t.add("gamma")).id];
    await t.run(40_000);
    assert.ok(ids.some((id) => !t.desk.runner(id).inventory.isZero()), "some strategy holds inventory");
    const report = await emergencyCloseDesk(t.desk, "op");
    assert.equal(report.action, "emergency_close");
    assert.deepEqual(report.results.map((r) => r.id).sort(), [...ids].sort());
    assert.ok(report.results.every((r) => r.ok), JSON.stringify(report.results));
    await t.run(5_000);
    await settle();
    for (const id of ids) {
      const r = t.desk.runner(id);
      assert.equal(r.paused, true);
      assert.ok(r.excess().abs().lt(r.market.lotSize), `${id} flat: ${r.inventory}`);
      assert.equal(r.tracker.live().filter((o) => o.reason === "quote").length, 0);
    }
    await t.desk.close("test over");
  });
});
