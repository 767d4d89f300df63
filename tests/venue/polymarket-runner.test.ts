// The desk on Polymarket: a runner on the adapter quotes both sides of the outcome token on the venue's
// grid, counts a fill the venue reports once, follows the book from the stream, and takes its quotes down
// on shutdown — over the wire against the fake CLOB.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, runnerOn, until } from "../fakes/polymarket/harness";
import { YES_TOKEN } from "../fakes/polymarket/server";

test("a runner bids for the token on the grid, counts a fill once, then offers the shares it holds, and cancels on shutdown", async () => {
  // The account holds no shares yet: the desk's inventory and the venue's agree at zero.
  const c = await connect({ fake: { startShares: 0 } });
  try {
    const runner = await runnerOn(c, "pm-runner", { quoteOnBookMs: 0 });
    const mine = () => [...c.fake.engine.orders.values()].filter((o) => o.owner === c.apiKey && o.status === "LIVE");
    await runner.tick(Date.now());
    // Shares cannot be sold short on Polymarket: with none held, only the bid rests.
    await until("a bid resting", () => mine().some((o) => o.side === "BUY"), 20_000);
    assert.ok(!mine().some((o) => o.side === "SELL"), "no offer without shares");
    // Not even tried: an ask the venue refuses for want of shares would raise an error alert and back off.
    await runner.quiet(10_000);
    await runner.flushWrites(30_000);
    assert.deepEqual((await runner.store.listAlerts(runner.strategyId)).filter((a) => a.kind === "error").map((a) => a.message), []);
    for (const o of mine()) {
      assert.ok(o.price.div("0.01").isInteger(), `price ${o.price} on the tick`);
      assert.ok(o.price.gt(0) && o.price.lt(1));
    }
    const bid = mine().find((o) => o.side === "BUY")!;
    // Another trader sells through our bid: the fill reaches the desk once (the trade is re-sent as MINED and CONFIRMED).
    c.fake.engine.externalTrade(YES_TOKEN, "SELL", bid.size.toString());
    await until("the fill counted", () => runner.inventory.gt(0), 20_000);
    await until("the trade confirmed", () => c.fake.engine.tradesOf(c.apiKey).every((t) => t.status === "CONFIRMED"));
    await until("the repeats seen", () => c.venue.stream.ledger.repeats >= 2);
    assert.equal(runner.inventory.toString(), bid.size.toString(), "position = our bid's size, counted once");
    assert.equal((await c.venue.fetchPosition()).qty.toString(), bid.size.toString(), "the venue agrees");
    // The clock keeps ticking as it does in the desk (a single tick may meet our new bid still in flight,
    // or a decision on a pushed book under way, and leave the offer to the next one).
    const describe = () => `tracker ${runner.tracker.live().map((o) => `${o.side}:${o.state}`).join(",") || "empty"}, inventory ${runner.inventory}`;
    await until("an offer of the shares held", async () => {
      if (mine().some((o) => o.side === "SELL")) return true;
      await runner.tick(Date.now());
      await new Promise((r) => setTimeout(r, 20));
      return false;
    }, 20_000, describe);
    assert.ok(mine().find((o) => o.side === "SELL")!.size.lte(bid.size), "never offers more than it holds");
    await runner.shutdown("test");
    assert.equal(mine().length, 0, "quotes taken down on shutdown");
  } finally {
    await c.close();
  }
});
