// A post-only quote the venue refuses as crossing (issue 9, item 9) is information: the desk's view of the book
// is behind the venue's. The runner reads the book again and decides on it at once; it neither re-sends the
// refused order nor backs off (a backoff would leave the side unquoted for seconds on every such refusal).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryStore } from "@/server/store";
import { PostOnlyWouldCross } from "@/server/venue/errors";
import type { CreateOrderRequest, VenueOrder } from "@/server/venue/types";
import { DeskWorld, settle } from "@/tests/support/desk-world";

test("a post-only quote refused as crossing makes the desk re-read the book and quote that side again, without backoff or a re-send", async () => {
  const dir = mkdtempSync(join(tmpdir(), "skewdesk-postonly-"));
  // The runner's deadline timers do not keep a process alive (the server does): this one stands in for it.
  const alive = setInterval(() => undefined, 1_000);
  const w = await DeskWorld.open({ seed: 7, store: createMemoryStore(), strategyName: "post-only-reject", journalDir: dir });
  try {
    await w.tick(3);
    const venue = w.venue;
    const reads = { n: 0 };
    const fetchOrderBook = venue.fetchOrderBook.bind(venue);
    venue.fetchOrderBook = () => {
      reads.n++;
      return fetchOrderBook();
    };
    // The venue refuses the next post-only buy as crossing, as a venue whose book moved under our view does.
    const createOrder = venue.createOrder.bind(venue);
    const refused: string[] = [];
    let readsAtRefusal = -1;
    venue.createOrder = (req: CreateOrderRequest): Promise<VenueOrder> => {
      if (req.postOnly && req.side === "buy" && refused.length === 0) {
        refused.push(req.clientOrderId);
        readsAtRefusal = reads.n;
        return Promise.reject(new PostOnlyWouldCross(`venue paper: post-only buy ${req.price} would cross`, { venue: "paper" }));
      }
      return createOrder(req);
    };
    // Move the market until the desk replaces its bid (the refusal needs a new buy to be sent).
    for (let i = 0; i < 40 && refused.length === 0; i++) await w.tick();
    assert.equal(refused.length, 1, "the desk sent a new bid within 40 ticks");
    for (let i = 0; i < 5; i++) await settle();

    const r = w.runner;
    assert.equal(r.stats.postOnlyRejects, 1);
    assert.equal(r.tracker.get(refused[0]!)?.state, "rejected");
    assert.ok(reads.n > readsAtRefusal, "the book was read again after the refusal, before the next tick");
    const bids = r.tracker.liveOn("buy");
    assert.equal(bids.length, 1, "the bid side is quoted again from the fresh book, not on the next tick");
    assert.notEqual(bids[0]!.clientOrderId, refused[0], "a new order, never the refused one re-sent");
    assert.equal(r.loop.backoffUntil, 0, "a post-only refusal is no reason to back off");
    assert.equal(r.quoter.crossMargin.buy, 1, "the next bid keeps one more tick off the best ask");
  } finally {
    await w.sigterm().catch(() => undefined);
    clearInterval(alive);
    rmSync(dir, { recursive: true, force: true });
  }
});
