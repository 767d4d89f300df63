// A quiet market is not stale data: Polymarket's market channel sends nothing while a book stands still,
// and it is ordered, so a book whose channel answered since (our PING's PONG) is as current as that
// answer. Without this the desk read a market with no trade for five seconds as stale and took its
// quotes down. A channel that stops answering still leaves the book at its last answer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, until } from "../fakes/polymarket/harness";

test("the book read from a quiet but answering stream is dated by the channel's last answer, not its last change", async () => {
  const c = await connect({ fake: { startShares: 0 }, venue: { stallMs: 900 } });
  try {
    await until("a book from the stream", () => c.venue.stream.book !== null);
    const changed = c.venue.stream.book!.ts;
    // Nothing trades or moves: only PONGs (every 300 ms here) arrive.
    await until("a PONG after the last book event", () => c.venue.stream.marketHeardAt > changed + 500, 10_000);
    const read = await c.venue.fetchOrderBook();
    assert.ok(read.ts > changed + 500, `book dated ${read.ts - changed} ms after its last change`);
    assert.equal(c.venue.stream.book!.ts, changed, "the book itself did not change");
    // A stalled channel (no PONG either) does not refresh it.
    c.fake.stallSockets("/ws/market");
    const stalled = c.venue.stream.marketHeardAt;
    await new Promise((r) => setTimeout(r, 400));
    if (c.venue.stream.state === "connected") assert.ok((await c.venue.fetchOrderBook()).ts <= stalled, "a silent channel leaves the book at its last answer");
  } finally {
    await c.close();
  }
});
