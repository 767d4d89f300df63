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
