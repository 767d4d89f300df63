// A database write that can never succeed (here: a fill the store refuses as out of range) must not block
// every write behind it (issue 9, item 1): it leaves the line with a critical alert, the writes after it
// go through, alerts and the risk state never wait behind fills, and the fill journal keeps the refused
// fill (its only record) instead of being truncated.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPaperSession } from "@/server/runner/open-paper-session";
import type { NewFill, Store, StoreWrite } from "@/server/store";
import { DecimalRangeError } from "@/server/store/errors";

const settle = () => new Promise<void>((r) => setImmediate(r));

test("a fill the database can never take is dead-lettered with a critical alert; the writes behind it go through", async () => {
  let refused: string | null = null;
  // The refused fill is refused on both paths a fill takes to the database: alone, and in a batch (which it
  // then fails whole, as a transaction would).
  const refuse = (fill: NewFill): boolean => {
    if (refused === null || refused === fill.venueTradeId) {
      refused = fill.venueTradeId;
      return true;
    }
    return false;
  };
  const outOfRange = () => Promise.reject(new DecimalRangeError("fill.size is out of range for numeric(38,18) (test)"));
  const wrap = (store: Store): Store =>
    new Proxy(store, {
      get(target, prop, recv) {
        const v = Reflect.get(target, prop, recv);
        if (prop === "recordFill") return (fill: NewFill) => (refuse(fill) ? outOfRange() : target.recordFill(fill));
        if (prop === "applyWrites") return (writes: StoreWrite[]) => (writes.some((w) => w.op === "recordFill" && refuse(w.fill)) ? outOfRange() : target.applyWrites(writes));
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  const journalDir = mkdtempSync(join(tmpdir(), "skewdesk-deadletter-"));
  const s = await openPaperSession({ db: "none", wrapStore: wrap, speed: "max", startTime: Date.UTC(2026, 0, 1), tickMs: 500, journalDir, durableJournal: false, strategyName: "dead-letter" });
  try {
    for (let i = 0; i < 400 && s.runner.stats.fills < 5; i++) {
      const t = s.time.now() + 500;
      (s.time as unknown as { advanceTo(t: number): void }).advanceTo(t);
      await s.runner.tick(t);
      await settle();
    }
    assert.ok(s.runner.stats.fills >= 5, "the market gave too few fills for the test");
    assert.ok(await s.runner.flushWrites(120_000), "the queue did not drain: a refused write blocks it");
    const stored = await s.store.listFills(s.runner.strategyId, { limit: 1000 });
    assert.equal(stored.length, s.runner.stats.fills - 1, "every fill but the refused one is stored");
    assert.ok(!stored.some((f) => f.venueTradeId === refused));
    const alerts = await s.store.listAlerts(s.runner.strategyId, { kinds: ["error"] });
    assert.ok(alerts.some((a) => a.severity === "critical" && /can never succeed/.test(a.message) && a.message.includes(refused!)), "no critical alert names the refused write");
    // The journal is the refused fill's only record: kept, so that the next start replays it (and says so again).
    const journal = readFileSync(join(journalDir, "fills-dead-letter.journal"), "utf8");
    assert.ok(journal.includes(refused!), "the journal was truncated past a fill the database never took");
  } finally {
    await s.close();
  }
});
