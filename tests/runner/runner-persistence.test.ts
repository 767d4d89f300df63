// The runner's persistence on PGlite (always) and PostgreSQL (when a URL is set): a restart rebuilds the
// desk from the database, fills made while the database is down go to the journal and are replayed, queued
// writes drain when it is back, and a journal that cannot be written halts quoting.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Db } from "@/server/db";
import type { Store } from "@/server/store";
import { testDatabases } from "@/tests/support/databases";
import { run, session, sidesAtVenue } from "./runner-session";

// Names of strategies a test opens twice; the session's own names start with "t", so the two cannot meet.
let counter = 0;

/** A store whose every call fails while `isDown()`: the database unavailable. */
const failWhile =
  (isDown: () => boolean) =>
  (store: Store): Store =>
    new Proxy(store, {
      get(target, prop, recv) {
        const v = Reflect.get(target, prop, recv);
        if (typeof v !== "function") return v;
        return (...args: unknown[]) => (isDown() ? Promise.reject(new Error("database unavailable (test)")) : (v as (...a: unknown[]) => unknown).apply(target, args));
      },
    });

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

    test("restart rebuilds inventory, peak, PnL, rebalance count and parameters from the database", async () => {
      const name = `restart-${process.pid}-${++counter}`;
      const journalDir = mkdtempSync(join(tmpdir(), "skewdesk-journal-"));
      const a = await session(db, { strategyName: name, journalDir });
      await run(a, 150);
      const current = (await a.runner.paramsList()).current.params;
      await a.runner.applyParams({ ...current, skewFactor: "0.7" }, "test", "tester");
      await run(a, 10);
      const before = { pos: a.runner.currentPosition, state: a.runner.state };
      // A clean close drains the queue for 15 s at most; PostgreSQL on a loaded machine may need longer.
      assert.ok(await a.runner.flushWrites(120_000), "writes drained before the close");
      await a.close();
      const b = await session(db, { strategyName: name, journalDir });
      assert.ok(await b.runner.flushWrites(120_000), "the restart's reconciliation written");
      assert.equal(b.runner.inventory.toString(), before.pos.qty.toString());
      assert.equal(b.runner.currentPosition.peak.toString(), before.pos.peak.toString());
      assert.equal(b.runner.currentPosition.realized.toString(), before.pos.realized.toString());
      assert.equal(b.runner.currentPosition.fees.toString(), before.pos.fees.toString());
      assert.deepEqual(b.runner.state, before.state);
      assert.equal((await b.runner.paramsList()).current.params.skewFactor, "0.7");
      assert.equal((await b.store.listOpenOrders(b.runner.strategyId)).length, 0, "orders left open after a clean close");
      await b.close();
    });

    test("database down while trading: fills go to the journal and are replayed after a crash", async () => {
      const name = `dbdown-${process.pid}-${++counter}`;
      const journalDir = mkdtempSync(join(tmpdir(), "skewdesk-journal-"));
      let down = false;
      const failing = failWhile(() => down);
      const a = await session(db, { strategyName: name, journalDir, wrapStore: failing });
      await run(a, 20);
      await a.runner.flushWrites(120_000); // PostgreSQL on a slow disk commits ~1,000 writes in 7–25 s
      const fillsBefore = a.runner.stats.fills;
      down = true;
      await run(a, 120); // a minute of trading with the database down
      assert.ok(a.runner.stats.fills > fillsBefore, "no fills during the outage: the test proves nothing");
      assert.equal(a.runner.databaseHealthy, false);
      const inventory = a.runner.inventory.toString();
      const fills = a.runner.stats.fills;
      // Crash: no shutdown, no flush. A new process opens the same database and journal.
      await a.venue.close();
      down = false;
      const b = await session(db, { strategyName: name, journalDir });
      assert.equal(b.runner.inventory.toString(), inventory);
      await b.runner.flushWrites(120_000); // PostgreSQL on a slow disk commits ~1,000 writes in 7–25 s
      const stored = await b.store.listFills(b.runner.strategyId, { limit: 10_000 });
      assert.equal(stored.length, fills);
      assert.equal(new Set(stored.map((f) => f.venueTradeId)).size, fills);
      await b.close();
    });

    test("database back within the run: queued writes drain in order, nothing lost", async () => {
      let down = false;
      const failing = failWhile(() => down);
      const alerts: string[] = [];
      const s = await session(db, { wrapStore: failing, emit: (event, payload) => event === "alert" && alerts.push((payload as { message: string }).message) });
      await run(s, 10);
      down = true;
      // Let I/O run between ticks, as the real clock does, so queued writes meet the outage.
      for (let i = 0; i < 120; i++) {
        await run(s, 1);
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(s.runner.databaseHealthy, false);
      assert.ok(alerts.some((m) => /database writes failing/.test(m)), "the operator was not told the database is down");
      down = false;
      await run(s, 2);
      assert.ok(await s.runner.flushWrites(120_000)); // PostgreSQL on a loaded machine commits ~1,000 writes in 7–25 s
      const stored = await s.store.listFills(s.runner.strategyId, { limit: 10_000 });
      assert.equal(stored.length, s.runner.stats.fills);
      const last = stored[0]!;
      assert.equal(last.inventoryAfter.toString(), s.runner.inventory.toString());
      await s.close();
    });

    test("a fill journal that cannot be written halts quoting", async () => {
      const s = await session(db, { journalDir: "/dev/null/not-a-dir", paperAccountDir: null });
      await run(s, 200);
      assert.ok(s.runner.stats.fills > 0);
      assert.equal(s.runner.state.riskState, "HALTED");
      await run(s, 1);
      assert.deepEqual(await sidesAtVenue(s), { buy: 0, sell: 0 });
      await s.close();
    });
  });
}
