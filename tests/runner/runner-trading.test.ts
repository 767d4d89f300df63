// The runner trading against the paper venue, persisted on PGlite (always) and PostgreSQL (when a URL is
// set): quoting, anti-churn, cancels that fail or hang, controls that answer at once, the emergency close
// and rebalances, order events, duplicate fills, stale data and a throttling venue. Restarts and database
// outages are in runner-persistence.test.ts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Decimal from "decimal.js";
import type { Db } from "@/server/db";
import { testDatabases } from "@/tests/support/databases";
import { run, session, sidesAtVenue } from "./runner-session";

for (const target of testDatabases("runner")) {
  // A skipped variant is one skipped test with its reason (a skipped describe is not counted).
  if (target.skip) {
    test(`Runner on ${target.name}`, { skip: target.skip }, () => {});
    continue;
  }
  describe(`Runner on ${target.name}`, () => {
    let db: Db;
    before(async () => {
      db = await target.open();
    });
    after(async () => {
      await db.close();
      await target.cleanup();
    });

    test("quotes both sides and never holds two quotes on one side", async () => {
      const s = await session(db);
      let quoted = 0;
      await run(s, 120, async () => {
        const sides = await sidesAtVenue(s);
        assert.ok(sides.buy <= 1 && sides.sell <= 1, `two quotes on a side: ${JSON.stringify(sides)}`);
        const st = s.runner.status();
        if (st.ourBid && st.ourAsk) {
          quoted++;
          assert.ok(new Decimal(st.ourBid).lt(st.ourAsk), `bid ${st.ourBid} >= ask ${st.ourAsk}`);
        }
      });
      assert.ok(quoted > 60, `quoted both sides on only ${quoted} of 120 ticks`);
      assert.ok(s.runner.stats.fills > 0, "no fills in a minute of the story market");
      await s.runner.flushWrites(120_000); // PostgreSQL on a slow disk commits ~1,000 writes in 7–25 s
      const fills = await s.store.listFills(s.runner.strategyId, { limit: 10_000 });
      assert.equal(fills.length, s.runner.stats.fills);
      const signed = fills.reduce((acc, f) => (f.side === "buy" ? acc.add(f.size) : acc.sub(f.size)), new Decimal(0));
      assert.equal(signed.toString(), s.runner.inventory.toString());
      const snaps = await s.store.listSnapshots(s.runner.strategyId, { limit: 1000 });
      assert.ok(snaps.length >= 50, `expected a snapshot a second, got ${snaps.length}`);
      await s.close();
    });

    test("the status names the parameter version that placed the resting quotes", async () => {
      const s = await session(db, { runnerConfig: { requoteToleranceTicks: 0 } });
      await run(s, 3);
      assert.equal(s.runner.status().quotesParamVersion, 1);
      const current = (await s.runner.paramsList()).current.params;
      const v = await s.runner.applyParams({ ...current, skewFactor: "0.9" }, "test", "tester");
      assert.equal(s.runner.status().quotesParamVersion, 1, "no quote of the new version yet");
      await run(s, 2);
      assert.equal(s.runner.status().quotesParamVersion, v.version);
      await s.close();
    });

    test("anti-churn: a resting quote within tolerance is not re-placed", async () => {
      const loose = await session(db, { runnerConfig: { requoteToleranceTicks: 1_000_000 } });
      await run(loose, 40);
      const tight = await session(db, { runnerConfig: { requoteToleranceTicks: 0 } });
      await run(tight, 40);
      assert.ok(loose.runner.stats.requotesSkipped > tight.runner.stats.requotesSkipped);
      assert.ok(loose.runner.stats.cancels < tight.runner.stats.cancels, `loose ${loose.runner.stats.cancels} vs tight ${tight.runner.stats.cancels} cancels`);
      await loose.close();
      await tight.close();
    });

    test("a cancel that fails stops the cycle, raises an alert, and is retried before quoting again", async () => {
      const s = await session(db, { runnerConfig: { requoteToleranceTicks: 0 } });
      await run(s, 4);
      const placed = s.runner.stats.ordersPlaced;
      assert.ok(s.runner.openQuotes.length > 0);
      s.venue.failNextCancel("error");
      await run(s, 1);
      assert.equal(s.runner.stats.ordersPlaced, placed, "placed an order in a cycle whose cancel failed");
      const sides = await sidesAtVenue(s);
      assert.ok(sides.buy <= 1 && sides.sell <= 1);
      await s.runner.flushWrites(120_000); // PostgreSQL on a slow disk commits ~1,000 writes in 7–25 s
      const alerts = await s.store.listAlerts(s.runner.strategyId, { kinds: ["cancel_failure"] });
      assert.equal(alerts.length, 1);
      assert.match(alerts[0]!.message, /not confirmed/);
      await run(s, 2);
      assert.ok(s.runner.stats.ordersPlaced > placed, "never quoted again after the cancel was confirmed");
      await s.close();
    });

    test("a cancel that never answers: the side stays blocked, controls answer at once, the order is resolved with the venue", async () => {
      const s = await session(db, { runnerConfig: { requoteToleranceTicks: 0 } });
      await run(s, 3);
      s.venue.failNextCancel("hang");
      await run(s, 1);
      const hung = s.runner.tracker.live().find((o) => o.state === "pending_cancel");
      assert.ok(hung, "no cancel in flight after the re-quote tick");
      // The decision loop does not wait: ticks go on, and no second order joins the hung one on its side.
      for (let i = 0; i < 14; i++) {
        await run(s, 1);
        const live = s.runner.tracker.liveOn(hung.side);
        const atVenue = (await s.venue.fetchOpenOrders()).filter((o) => o.side === hung.side);
        assert.ok(atVenue.length <= 1, `two ${hung.side} orders at the venue while a cancel hangs`);
        if (live.includes(hung)) assert.equal(live.length, 1, `a new ${hung.side} order was placed beside the unresolved one`);
      }
      // Past the deadline the cancel's outcome is unknown; the reconciler asked the venue and the order ended.
      assert.ok(hung.history.some((t) => t.to === "unknown" || t.to === "filled"), `history: ${hung.history.map((t) => t.to).join(" → ")}`);
      assert.ok(!s.runner.tracker.live().includes(hung), `the hung order is still ${hung.state}`);
      await s.close();
    });

    test("pause and the emergency close answer within a second while a venue call never returns", async () => {
      const s = await session(db, { runnerConfig: { requoteToleranceTicks: 0 } });
      await run(s, 3);
      s.venue.failNextCancel("hang");
      s.venue.failNextCancel("hang");
      const within = <T>(p: Promise<T>, what: string) =>
        Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within 1 s`)), 1000))]);
      const paused = await within(s.runner.control("pause", "tester"), "pause");
      assert.equal(paused.paused, true);
      const out = await within(s.runner.emergencyClose("tester"), "emergency close");
      assert.equal(out.paused, true);
      const resumed = await within(s.runner.control("resume", "tester"), "resume");
      assert.equal(resumed.paused, false);
      await s.close();
    });

    test("a fill that pushes the ratio to 0.95 is flattened on the next tick; REDUCING until re-armed", async () => {
      const journalDir = mkdtempSync(join(tmpdir(), "skewdesk-journal-"));
      const s = await session(db, { journalDir, runnerConfig: { requoteToleranceTicks: 0 } });
      await run(s, 2);
      await s.runner.control("pause", "tester");
      await run(s, 1);
      // Inventory straight to 0.95 of max (1.0) via a fill the runner did not ask for.
      const need = new Decimal("0.95").sub(s.runner.inventory);
      await s.venue.createOrder({ clientOrderId: "manual-1", side: need.gt(0) ? "buy" : "sell", type: "market", size: need.abs() });
      assert.equal(s.runner.inventory.toString(), "0.95");
      await s.runner.control("resume", "tester");
      await run(s, 1);
      assert.ok(s.runner.inventory.abs().lt("0.001"), `inventory after emergency ${s.runner.inventory}`);
      assert.equal(s.runner.state.riskState, "REDUCING");
      assert.equal(s.runner.stats.emergencies, 1);
      await run(s, 5);
      assert.deepEqual(await sidesAtVenue(s), { buy: 0, sell: 0 }, "quoted while REDUCING at target");
      await s.runner.flushWrites(120_000); // PostgreSQL on a slow disk commits ~1,000 writes in 7–25 s
      const alerts = await s.store.listAlerts(s.runner.strategyId, {});
      assert.ok(alerts.some((a) => a.kind === "emergency"));
      assert.ok(alerts.some((a) => a.kind === "risk_state" && /ACTIVE → REDUCING/.test(a.message)));
      const orders = await s.store.listOrders(s.runner.strategyId, { limit: 50 });
      assert.ok(orders.some((o) => o.type === "market" && o.reason === "emergency" && o.status === "filled"));
      await s.runner.control("rearm", "tester");
      assert.equal(s.runner.state.riskState, "ACTIVE");
      await run(s, 2);
      assert.ok(s.runner.openQuotes.length > 0, "no quotes after re-arm");
      const state = s.runner.state;
      assert.equal(state.rebalanceCount, 1);
      const name = (await s.store.getStrategyById(s.runner.strategyId))!.name;
      await s.close();
      // The episode count, risk state and position survive a restart.
      const again = await session(db, { strategyName: name, journalDir });
      assert.deepEqual(again.runner.state, state);
      await again.close();
    });

    test("at 0.94 no emergency: a reduce-only rebalance, never a quote that grows the excess", async () => {
      const s = await session(db);
      await run(s, 1);
      await s.runner.control("pause", "tester");
      await run(s, 1);
      const need = new Decimal("0.94").sub(s.runner.inventory);
      await s.venue.createOrder({ clientOrderId: "manual-2", side: need.gt(0) ? "buy" : "sell", type: "market", size: need.abs() });
      await s.runner.control("resume", "tester");
      const before = s.runner.state.rebalanceCount;
      await run(s, 20, () => {
        if (s.runner.inventory.gte("0.8")) {
          assert.ok(!s.runner.openQuotes.some((q) => q.side === "buy"), "quoted a buy while long past the rebalance threshold");
        }
      });
      assert.equal(s.runner.stats.emergencies, 0);
      assert.equal(s.runner.state.rebalanceCount, before + 1);
      assert.ok(s.runner.inventory.lt("0.8"), `the rebalance did not work inventory back under the threshold (${s.runner.inventory})`);
      await s.runner.flushWrites(120_000); // PostgreSQL on a slow disk commits ~1,000 writes in 7–25 s
      const orders = await s.store.listOrders(s.runner.strategyId, { limit: 500 });
      assert.ok(orders.some((o) => o.reason === "rebalance" && o.reduceOnly && o.side === "sell"));
      await s.close();
    });

    test("emergency close reaches a target further from zero than the position", async () => {
      const s = await session(db);
      await run(s, 1);
      await s.runner.control("pause", "tester");
      await run(s, 1);
      const need = new Decimal("-0.4").sub(s.runner.inventory);
      await s.venue.createOrder({ clientOrderId: "manual-3", side: need.gt(0) ? "buy" : "sell", type: "market", size: need.abs() });
      const current = (await s.runner.paramsList()).current.params;
      await s.runner.applyParams({ ...current, targetInventory: "-0.9" }, "test", "tester");
      const preview = s.runner.emergencyPreview();
      assert.deepEqual([preview.side, preview.amount], ["sell", "0.5"]);
      const out = await s.runner.emergencyClose("tester");
      // What the page reloads after the answer is already stored.
      const stored = await s.store.listAlerts(s.runner.strategyId, { kinds: ["emergency"] });
      assert.ok(stored.some((a) => /EMERGENCY CLOSE by tester/.test(a.message)), "the emergency alert was not stored when the close answered");
      assert.equal(s.runner.inventory.toString(), "-0.9", out.message);
      assert.equal(out.inventoryAfter, "-0.9");
      assert.equal(out.filled, "0.5");
      assert.ok(out.paused);
      await s.close();
    });

    test("order changes are streamed: placement, cancel and fill", async () => {
      const seen: Array<{ status: string; clientOrderId: string }> = [];
      const s = await session(db, { runnerConfig: { requoteToleranceTicks: 0 }, emit: (event, payload) => event === "order" && seen.push(payload as { status: string; clientOrderId: string }) });
      await run(s, 60);
      const statuses = new Set(seen.map((o) => o.status));
      assert.ok(statuses.has("open"), [...statuses].join());
      assert.ok(statuses.has("cancelled"), [...statuses].join());
      assert.ok(statuses.has("filled") || statuses.has("partially_filled"), [...statuses].join());
      await s.close();
    });

    test("the same fill delivered twice is counted once", async () => {
      const s = await session(db);
      s.venue.duplicateNextFill(1000);
      await run(s, 120);
      assert.ok(s.runner.stats.fills > 0);
      await s.runner.flushWrites(120_000); // PostgreSQL on a slow disk commits ~1,000 writes in 7–25 s
      const fills = await s.store.listFills(s.runner.strategyId, { limit: 10_000 });
      assert.equal(fills.length, s.runner.stats.fills);
      assert.equal(new Set(fills.map((f) => f.venueTradeId)).size, fills.length);
      const signed = fills.reduce((acc, f) => (f.side === "buy" ? acc.add(f.size) : acc.sub(f.size)), new Decimal(0));
      assert.equal(signed.toString(), s.runner.inventory.toString());
      const venueFills = await s.venue.fetchMyTrades();
      const venueSigned = venueFills.reduce((acc, f) => (f.side === "buy" ? acc.add(f.size) : acc.sub(f.size)), new Decimal(0));
      assert.equal(venueSigned.toString(), s.runner.inventory.toString());
      await s.close();
    });

    test("stale market data: cancel all, alert, resume when fresh", async () => {
      const s = await session(db, { runnerConfig: { staleAfterMs: 2_000 } });
      await run(s, 3);
      assert.ok(s.runner.openQuotes.length > 0);
      s.venue.staleBook(true);
      await run(s, 8);
      assert.deepEqual(await sidesAtVenue(s), { buy: 0, sell: 0 });
      s.venue.staleBook(false);
      await run(s, 2);
      assert.ok(s.runner.openQuotes.length > 0, "did not resume after fresh data");
      await s.runner.flushWrites(120_000); // PostgreSQL on a slow disk commits ~1,000 writes in 7–25 s
      // Stale, then fresh again: two occurrences of the kind (grouped into one open alert by the store).
      const alerts = await s.store.listAlerts(s.runner.strategyId, { kinds: ["stale_data"] });
      assert.equal(alerts.reduce((n, a) => n + a.count, 0), 2, alerts.map((a) => `${a.message} ×${a.count}`).join(" | "));
      await s.close();
    });

    test("a throttling venue: backoff and alert, no order storm", async () => {
      const s = await session(db, { runnerConfig: { backoffMs: 5_000 } });
      await run(s, 2);
      s.venue.throttle(1_000_000);
      const before = s.runner.stats.ordersPlaced;
      let attempts = 0;
      const origCreate = s.venue.createOrder.bind(s.venue);
      const origBook = s.venue.fetchOrderBook.bind(s.venue);
      s.venue.createOrder = (req) => (attempts++, origCreate(req));
      s.venue.fetchOrderBook = () => (attempts++, origBook());
      await run(s, 60); // 30 s of simulated time
      assert.equal(s.runner.stats.ordersPlaced, before);
      // Backoff doubles from 5 s: requests at about 0, 5, 15 s (then 35 s is past the window).
      assert.ok(attempts <= 4, `${attempts} requests in 30 s against a throttling venue`);
      await s.runner.flushWrites(120_000); // PostgreSQL on a slow disk commits ~1,000 writes in 7–25 s
      const alerts = await s.store.listAlerts(s.runner.strategyId, { kinds: ["error"] });
      assert.ok(alerts.some((a) => /backing off/.test(a.message)));
      assert.ok(alerts.reduce((n, a) => n + a.count, 0) <= 2, `alert flood: ${alerts.map((a) => a.count).join("+")}`);
      await s.close();
    });
  });
}
