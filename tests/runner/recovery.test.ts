// Recovery after a kill -9 during a database outage: the fills the dead process journaled, but never
// stored, are booked again at start, and every write they cause reaches the database in an order the
// store accepts (an order's fills before the states they lead to).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Decimal from "decimal.js";
import { parseStrategyParams } from "@/lib/strategy";
import { createMemoryStore, type JsonObject } from "@/server/store";
import { SimulatedTime } from "@/server/runner/clock";
import { FillJournal } from "@/server/runner/fill-journal";
import { PAPER_MARKETS } from "@/server/runner/paper-market";
import { Runner, defaultRunnerConfig } from "@/server/runner/runner";
import { PaperVenue } from "@/server/venue/paper";

const T0 = Date.UTC(2026, 0, 1);
const D = (v: Decimal.Value) => new Decimal(v);

test("journaled fills that complete a stored order are replayed before its states: the writes drain, the order is filled", async () => {
  const dir = mkdtempSync(join(tmpdir(), "skewdesk-recovery-"));
  const alive = setInterval(() => undefined, 1_000);
  try {
    const paper = PAPER_MARKETS.story;
    const store = createMemoryStore();
    const strategy = await store.ensureStrategy({
      name: "recovery",
      market: paper.market.symbol,
      symbol: paper.market.symbol,
      venue: "paper",
      mode: "paper",
      initialParams: parseStrategyParams(paper.params) as unknown as JsonObject,
    });
    // What the dead process managed to store: its quote, acknowledged. Its two fills reached only the journal.
    await store.saveOrder({ clientOrderId: "sd-q1", strategyId: strategy.id, side: "buy", type: "limit", price: D("1999"), size: D("0.1"), reason: "quote", status: "open", createdAt: new Date(T0) });
    const journal = new FillJournal(join(dir, "fills.journal"), false);
    for (const [tradeId, size] of [["paper-T1", "0.04"], ["paper-T2", "0.06"]] as const) {
      journal.append({ tradeId, clientOrderId: "sd-q1", venueOrderId: "paper-1", side: "buy", price: "1999", size, fee: "0", liquidity: "maker", ts: T0 + 100, kind: "trade", note: null });
    }
    journal.close();

    const time = new SimulatedTime(T0 + 1_000);
    const venue = new PaperVenue({ ...paper.venueOptions(1), clock: time, startTime: T0 + 1_000 });
    venue.adjustPosition("0.1"); // the venue holds what the journal says we bought
    const runner = new Runner({
      venue,
      store,
      strategy,
      market: paper.market,
      time,
      journal: new FillJournal(join(dir, "fills.journal"), false),
      config: { ...defaultRunnerConfig(500), venueDeadlineMs: 50 },
    });
    await runner.open();
    assert.equal(runner.inventory.toString(), "0.1");
    assert.ok(await runner.flushWrites(120_000), `writes stuck after recovery (${runner.queuedWrites} queued): the store refused one`);
    const order = await store.getOrder("sd-q1");
    assert.equal(order?.status, "filled");
    assert.equal(order?.filledSize.toString(), "0.1");
    assert.deepEqual(order?.history.map((t) => `${t.from}→${t.to}`), ["open→partially_filled", "partially_filled→filled"]);
    assert.equal((await store.listFills(strategy.id)).length, 2);
    assert.equal(runner.state.riskState, "ACTIVE");
    await runner.shutdown("test done");
    await venue.close();
  } finally {
    clearInterval(alive);
    rmSync(dir, { recursive: true, force: true });
  }
});
