// The desk on the ccxt adapter against the fake Binance: it quotes post-only (LIMIT_MAKER) under its own
// client ids and the bid follows the book on the stream's updates; a later run of the adapter finds the
// orders a previous one left, under the desk's ids (so the desk can adopt or cancel them).
//
// The account starts with no ETH: on spot the base asset held IS the position the desk reconciles with,
// so an account already holding ETH starts HALTED on a mismatch until an operator adopts it. With no ETH
// to sell, the venue refuses the desk's asks (insufficient balance) and only the bid rests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Decimal from "decimal.js";
import { parseStrategyParams } from "@/lib/strategy";
import { wallTime } from "@/server/runner/clock";
import { FillJournal } from "@/server/runner/fill-journal";
import { liveParamsPreset } from "@/server/runner/open-live-session";
import { Runner, defaultRunnerConfig } from "@/server/runner/runner";
import { createMemoryStore, type JsonObject } from "@/server/store";
import { connect, until } from "../fakes/binance/harness";
import { startFakeBinance } from "../fakes/binance/server";

test("the desk quotes LIMIT_MAKER with desk ids and its bid follows the book; a restarted adapter finds those orders under the desk's ids", async () => {
  const fake = await startFakeBinance({ houseHalfSpreadTicks: 500, houseSize: "1", balances: { USDT: "100000" } });
  const c = await connect({ fakeInstance: fake });
  let restarted: Awaited<ReturnType<typeof connect>> | null = null;
  try {
    const store = createMemoryStore();
    const m = c.venue.market;
    const strategy = await store.ensureStrategy({ name: "cex-quote", market: m.symbol, symbol: m.symbol, venue: c.venue.id, mode: "live", initialParams: parseStrategyParams(liveParamsPreset(m)) as unknown as JsonObject });
    const journal = new FillJournal(join(mkdtempSync(join(tmpdir(), "skewdesk-cex-")), "fills.journal"), false);
    const runner = new Runner({ venue: c.venue, store, strategy, market: m, time: wallTime, journal, config: { ...defaultRunnerConfig(200), quoteOnBookMs: 0, reconcileEveryMs: 3_600_000, reconcileTolerance: new Decimal("0.0001") } });
    await runner.open();
    await runner.tick(Date.now());
    const mine = () => fake.engine.openOrders(fake.user);
    await until("a bid resting", () => mine().some((o) => o.side === "BUY"), 20_000);
    assert.ok(!mine().some((o) => o.side === "SELL"), "no ETH held: no ask can rest on spot");
    assert.ok(mine().every((o) => o.type === "LIMIT_MAKER"), "post-only quotes");
    assert.ok(mine().every((o) => o.clientOrderId.startsWith("sd.") && o.clientOrderId.length <= 36), "desk ids on the wire");
    const bid = () => mine().find((o) => o.side === "BUY")?.price;
    const before = bid()!;
    fake.engine.setMark("ETHUSDT", "2040");
    await until("the bid to follow the market up", () => (bid()?.gt(before.add(20)) ?? false), 20_000);
    const deskIds = (await c.venue.fetchOpenOrders()).map((o) => o.clientOrderId).sort();
    assert.ok(deskIds.every((id) => /^sd-[a-z0-9]{6}-[0-9a-f-]{36}$/.test(id) || /^sd-[0-9a-f-]{36}$/.test(id)), deskIds.join(","));
    // The desk dies without cleaning up (its runner is dropped, the adapter closed): a new run sees its orders.
    await c.venue.close();
    restarted = await connect({ fakeInstance: fake });
    assert.deepEqual((await restarted.venue.fetchOpenOrders()).map((o) => o.clientOrderId).sort(), deskIds);
    await restarted.venue.cancelAllOrders();
  } finally {
    await restarted?.close();
    await c.close();
    await fake.close();
  }
});
