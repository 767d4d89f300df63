// Live quoting on book updates: a new book from the venue's stream moves our quotes without waiting for
// the clock (no tick is called here after the first), and a burst of books is coalesced.
import { test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { connect, runnerOn, until } from "../fakes/hyperliquid/harness";

test("our quotes follow the book on its updates, without a clock tick", async () => {
  const c = await connect({ fake: { houseHalfSpreadTicks: 100, houseSize: "1" } });
  try {
    const runner = await runnerOn(c, "hl-quote-on-book", { quoteOnBookMs: 0 });
    await runner.tick(Date.now());
    const bids = () => c.fake.engine.openOrders(c.user).filter((o) => o.side === "B").map((o) => o.px);
    await until("a bid resting", () => bids().length === 1, 20_000);
    const before = bids()[0]!;
    const fired = runner.bookTrigger!.fired;
    // The market moves up $20; only the stream tells the desk.
    c.fake.engine.setMark("ETH", "2020");
    await until("the bid to follow the market", () => bids().length === 1 && bids()[0]!.gt(before.add(10)), 20_000);
    assert.ok(runner.bookTrigger!.fired > fired, "a decision ran on the book update");
    assert.ok(bids()[0]!.lt(new Decimal(2020)), "still below the new mid");
    await runner.shutdown("test");
  } finally {
    await c.close();
  }
});

test("on a pushed book the order requests leave first: the dashboard's order events, the database writes and the tick's housekeeping follow, in order", async () => {
  const c = await connect({ fake: { houseHalfSpreadTicks: 100, houseSize: "1", bookEveryMs: 60_000 } });
  try {
    const log: string[] = [];
    const runner = await runnerOn(c, "hl-requests-first", { quoteOnBookMs: 0 }, { emit: (event, payload) => void (event === "order" && log.push(`event ${(payload as { clientOrderId: string }).clientOrderId} ${(payload as { status: string }).status}`)) });
    const store = runner.store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    for (const m of ["applyWrites", "updateOrder", "saveOrder"]) {
      const f = store[m]!.bind(store);
      store[m] = (...a) => (log.push(`store ${m}`), f(...a));
    }
    c.venue.client.sender.http.onWrite = (path, phase) => void (path === "/exchange" && phase === "written" && log.push("request written"));
    // The tick's housekeeping, which the decision does not read, waits for the requests too.
    const r = runner as unknown as { reconciler: { onTick(): void }; tracker: { prune(): void } };
    for (const [o, m] of [[r.reconciler, "onTick"], [r.tracker, "prune"]] as const) {
      const f = (o as unknown as Record<string, () => void>)[m]!.bind(o);
      (o as unknown as Record<string, () => void>)[m] = () => (log.push(`housekeeping ${m}`), f());
    }
    await runner.tick(Date.now());
    await until("both quotes resting", () => c.fake.engine.openOrders(c.user).length === 2 && runner.tracker.live().every((o) => o.state === "open"), 20_000);
    await runner.flushWrites(30_000);
    log.length = 0;
    const ids = runner.tracker.live().map((o) => o.clientOrderId);
    // A small move (the house's levels, $10 either side of the mark, cross none of our quotes): both re-quote.
    c.fake.engine.setMark("ETH", "2003");
    await until("both quotes cancelled and their events told", () => ids.every((id) => log.includes(`event ${id} cancelled`)), 30_000).catch((e: Error) => assert.fail(`${e.message}:\n${log.join("\n")}`));
    const first = log.indexOf("request written");
    assert.ok(first >= 0, log.join("\n"));
    assert.ok(log.slice(0, first).every((l) => !l.startsWith("event") && !l.startsWith("store") && !l.startsWith("housekeeping")), `nothing before the first request:\n${log.join("\n")}`);
    assert.ok(log.slice(first).some((l) => l.startsWith("housekeeping")), `the housekeeping ran, after:\n${log.join("\n")}`);
    for (const id of ids) {
      const states = log.filter((l) => l.startsWith(`event ${id}`)).map((l) => l.split(" ")[2]);
      assert.deepEqual(states.slice(-2), ["pending_cancel", "cancelled"], `${id}: each change told, in order: ${states.join(", ")}`);
    }
    await runner.shutdown("test");
  } finally {
    await c.close();
  }
});
