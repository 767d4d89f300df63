// The chart's points at fills. A fill is often booked while a tick reads the book (the paper venue matches
// as its market advances; a live venue's fill and book arrive together). Its point used to carry the mark
// and skew of the decision before the fill, and the tick's own point was stamped with the tick's start,
// before the fill it already counted: the PnL chart spiked at fills after a move (+0.10 where the desk
// stood at −0.10) and the skew chart dipped to the old skew. Seen on the dashboard of a paper strategy.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { calculateSkew } from "@/lib/strategy";
import { createMemoryStore, type Snapshot } from "@/server/store";
import { DeskWorld, settle } from "@/tests/support/desk-world";

test("a fill booked during a tick's book read: its point has that read's mark and its own skew, and the tick's point comes after it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "skewdesk-chart-points-"));
  // The runner's deadline timers do not keep a process alive (the server does): this one stands in for it.
  const alive = setInterval(() => undefined, 1_000);
  const w = await DeskWorld.open({ seed: 7, store: createMemoryStore(), strategyName: "chart-points", journalDir: dir, runnerConfig: { snapshotEveryMs: 500 } });
  try {
    // Every point the desk stores, in the order it stores them, and whether a tick was under way.
    const written: { point: Snapshot; inTick: boolean }[] = [];
    const publisher = w.runner.publisher;
    const store = publisher.storeSnapshot.bind(publisher);
    publisher.storeSnapshot = (s) => {
      if (s) written.push({ point: s, inTick: w.runner.cycle.ticking });
      store(s);
    };
    // A book read takes 250 ms of the desk's time: the market moves, our quotes trade and the fills reach
    // the desk before the book does (a live venue's fill message overtaking a REST answer).
    const read = w.venue.fetchOrderBook.bind(w.venue);
    w.venue.fetchOrderBook = async () => {
      w.time.advanceTo(w.time.now() + 250);
      await settle();
      return read();
    };
    const params = () => w.runner.params.current;
    let fillPoints = 0;
    let markMoved = 0;
    let lateFills = 0;
    let previousTickMid: string | null = null;
    for (let i = 0; i < 400 && (fillPoints < 5 || markMoved === 0 || lateFills === 0); i++) {
      const from = written.length;
      await w.tick();
      const during = written.slice(from).filter((x) => x.inTick).map((x) => x.point);
      for (const { point } of written.slice(from)) {
        assert.equal(point.skew.toNumber(), calculateSkew(params(), point.inventory), `tick ${i}: the skew of inventory ${point.inventory.toString()}`);
      }
      if (!during.length) continue;
      // Booked during the read, the fills' points wait for its decision and are stored before the tick's.
      const tickPoint = during[during.length - 1]!;
      for (const p of during.slice(0, -1)) {
        fillPoints++;
        assert.ok(p.ts.getTime() <= tickPoint.ts.getTime(), `tick ${i}: the tick's point (${tickPoint.ts.getTime()}) is stamped before a fill it counts (${p.ts.getTime()})`);
        assert.equal(p.mid.toString(), tickPoint.mid.toString(), `tick ${i}: a fill's point is marked with the book read it came with`);
        if (previousTickMid !== null && p.mid.toString() !== previousTickMid) markMoved++;
        if (p.ts.getTime() > w.runner.lastTickAt!) lateFills++;
      }
      previousTickMid = tickPoint.mid.toString();
    }
    assert.ok(fillPoints >= 5, `fills were booked during book reads (${fillPoints} points, ${w.runner.stats.fills} fills)`);
    assert.ok(markMoved > 0, "a fill came with a book whose mid had moved since the decision before (the case at stake)");
    assert.ok(lateFills > 0, "a fill was booked after the tick began, while its read took time (the case at stake)");
    // Read back in time order, the stored points never go back in time from the order they were written.
    for (let i = 1; i < written.length; i++) assert.ok(written[i]!.point.ts.getTime() >= written[i - 1]!.point.ts.getTime(), `point ${i} stamped before point ${i - 1}`);
  } finally {
    await w.sigterm().catch(() => undefined);
    clearInterval(alive);
    rmSync(dir, { recursive: true, force: true });
  }
});
