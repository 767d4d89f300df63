// The "still" regime (issue 14, item 13): a market that holds still, so a browser test can check what a
// parameter change does to the quotes without the market moving them at the same time.
import { test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { ManualClock } from "@/server/venue/clock";
import { PaperVenue, storyPaperOptions } from "@/server/venue/paper";

test("still: over ten simulated minutes the best prices never move and nothing trades, not even against a resting quote", async () => {
  const T0 = Date.UTC(2030, 0, 1);
  const clock = new ManualClock(T0);
  const venue = new PaperVenue({ ...storyPaperOptions(42, "still"), clock });
  const first = await venue.fetchOrderBook();
  const bid = first.bids[0]!.price;
  // A quote at the touch would fill at the first trade.
  await venue.createOrder({ clientOrderId: "q1", side: "buy", type: "limit", price: bid, size: new Decimal("0.1"), postOnly: true });
  for (let i = 0; i < 600; i++) {
    clock.advanceBy(1000);
    venue.advanceTo(clock.now());
    const b = await venue.fetchOrderBook();
    assert.ok(b.bids[0]!.price.eq(first.bids[0]!.price) && b.asks[0]!.price.eq(first.asks[0]!.price), `moved at ${i} s`);
  }
  assert.equal((await venue.fetchMyTrades()).length, 0);
});
