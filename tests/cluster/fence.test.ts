// Fencing pieces of a scaled-out desk that need no database: client ids carry the lease epoch (and a new
// owner still owns, so cancels, what an earlier owner of the strategy left); a fenced venue sends no new
// order once the runner is not sure it holds the lease, while cancels and reads still go through.
import { test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { fenceVenue } from "@/server/cluster/fenced-venue";
import { clientIds, epochOfClientId } from "@/server/runner/client-ids";
import { OrderRejected } from "@/server/venue/errors";
import { PaperVenue } from "@/server/venue/paper";
import { PAPER_MARKETS } from "@/server/runner/paper-market";

test("client ids of a leased strategy carry its epoch; the strategy owns every epoch's ids, another strategy none", () => {
  const e5 = clientIds("abc123", 5);
  const id = e5.newId();
  assert.match(id, /^sd-abc123-e5-[0-9a-f-]{36}$/);
  assert.equal(epochOfClientId(id), 5);
  const earlier = clientIds("abc123", 4).newId();
  assert.ok(e5.owns(earlier), "an earlier owner's order is the strategy's own: reconciliation cancels it");
  assert.ok(e5.owns(clientIds("abc123").newId()));
  assert.equal(epochOfClientId(clientIds("abc123").newId()), null);
  assert.ok(clientIds("zzz999", 5).foreign(id));
  assert.throws(() => clientIds(null, 3), /needs a tag/);
  assert.throws(() => clientIds("abc123", 0), /positive integer/);
});

test("a fenced venue refuses new orders while the lease is not sure, and always lets cancels and reads through", async () => {
  const paper = PAPER_MARKETS.story;
  const inner = new PaperVenue({ ...paper.venueOptions(7, "still"), startTime: Date.now() });
  let sure = true;
  const venue = fenceVenue(inner, () => sure, "fence-test");
  try {
    const book = await venue.fetchOrderBook();
    const req = (n: number) => ({ clientOrderId: `sd-abc123-e1-${n}`, side: "buy" as const, type: "limit" as const, price: book.bids[0]!.price.minus(new Decimal(5)), size: paper.market.minSize, postOnly: true });
    const placed = await venue.createOrder(req(1));
    assert.equal(placed.status, "open");
    sure = false;
    await assert.rejects(venue.createOrder(req(2)), (err: unknown) => err instanceof OrderRejected && /lease/.test((err as Error).message));
    const legs = await venue.createOrders([req(3), req(4)]);
    assert.ok(legs.every((l) => l instanceof OrderRejected));
    assert.equal((await inner.fetchOpenOrders()).length, 1, "nothing new reached the venue");
    assert.equal((await venue.cancelOrder("sd-abc123-e1-1")).status, "cancelled");
    assert.deepEqual(await venue.fetchOpenOrders(), []);
  } finally {
    await inner.close();
  }
});
