// A venue stream that drops and comes back does not replay what it missed: the desk reconciles at once
// after every reconnect, and books the fills it missed, before any periodic check would have.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStrategyParams } from "@/lib/strategy";
import { SimulatedTime } from "@/server/runner/clock";
import { FillJournal } from "@/server/runner/fill-journal";
import { PAPER_MARKETS } from "@/server/runner/paper-market";
import { Runner, defaultRunnerConfig } from "@/server/runner/runner";
import { createMemoryStore, type JsonObject } from "@/server/store";
import { PaperVenue } from "@/server/venue/paper";
import type { VenueFill } from "@/server/venue/types";

const T0 = Date.UTC(2026, 0, 1);
const settle = () => new Promise<void>((r) => setImmediate(r));

test("after a reconnect the desk reconciles at once and books the fills the dropped stream missed", async () => {
  const paper = PAPER_MARKETS.story;
  const time = new SimulatedTime(T0);
  const venue = new PaperVenue({ ...paper.venueOptions(7), clock: time, startTime: T0 });
  // A stream that can drop: while down, fills are not delivered (the venue still records them).
  let connected = true;
  const fillListeners = new Set<(f: VenueFill) => void>();
  const connListeners = new Set<(s: "connected" | "disconnected") => void>();
  venue.watchFills((f) => {
    if (connected) for (const l of fillListeners) l(f);
  });
  const streamed = Object.assign(Object.create(venue) as PaperVenue, {
    watchFills: (l: (f: VenueFill) => void) => (fillListeners.add(l), () => fillListeners.delete(l)),
    watchConnection: (l: (s: "connected" | "disconnected") => void) => (connListeners.add(l), () => connListeners.delete(l)),
  });
  const store = createMemoryStore();
  const strategy = await store.ensureStrategy({
    name: "reconnect",
    market: paper.market.symbol,
    symbol: paper.market.symbol,
    venue: "paper",
    mode: "paper",
    initialParams: parseStrategyParams(paper.params) as unknown as JsonObject,
  });
  const journal = new FillJournal(join(mkdtempSync(join(tmpdir(), "skewdesk-reconnect-")), "fills.journal"), false);
  // A periodic check far away: only the reconnect can explain a prompt reconciliation.
  const runner = new Runner({ venue: streamed, store, strategy, market: paper.market, time, journal, config: { ...defaultRunnerConfig(500), reconcileEveryMs: 3_600_000 } });
  await runner.open();
  const tick = async () => {
    const t = time.now() + 500;
    time.advanceTo(t);
    await runner.tick(t);
    await settle();
  };
  for (let i = 0; i < 5; i++) await tick();
  connected = false;
  for (const l of connListeners) l("disconnected");
  const before = runner.stats.fills;
  let missed = 0;
  for (let i = 0; i < 400 && missed === 0; i++) {
    await tick();
    missed = (await venue.fetchMyTrades()).length - runner.stats.fills;
  }
  assert.ok(missed > 0, "no fill happened while the stream was down (the test needs one)");
  assert.equal(runner.stats.fills, before, "a fill arrived while the stream was down");
  connected = true;
  for (const l of connListeners) l("connected");
  // No tick and no call of ours: only the reconnect can have started the check.
  for (let i = 0; i < 3; i++) await settle();
  const trades = await venue.fetchMyTrades();
  assert.equal(runner.stats.fills, trades.length, "missed fills not booked after the reconnect");
  assert.equal(runner.inventory.toString(), (await venue.fetchPosition()).qty.toString());
  assert.equal(runner.state.riskState, "ACTIVE", "a reconnect that explains the gap must not halt the desk");
  await runner.shutdown("test");
  await venue.close();
});
