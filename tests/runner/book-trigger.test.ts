// The book trigger's rehearsals (server/runner/book-trigger.ts): the decision's pure part runs again in idle
// time only, never while a decision is under way, a failing one is dropped, and they stop with the trigger.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { OrderBook } from "@/lib/market";
import { BookTrigger } from "@/server/runner/book-trigger";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const book: OrderBook = { bids: [], asks: [], ts: 0 };

test("rehearsals run between decisions only, a failing one is dropped, and none after stop", async () => {
  let busy = false;
  let rehearsed = 0;
  let whileBusy = 0;
  let decided = 0;
  const trigger = new BookTrigger(
    0,
    () => busy,
    async () => void decided++,
    () => {
      rehearsed++;
      if (busy) whileBusy++;
      if (rehearsed === 2) throw new Error("a rehearsal that fails");
    },
    5,
  );
  await sleep(30);
  assert.equal(rehearsed, 0, "nothing before the first book");
  trigger.onBook(book);
  assert.equal(decided, 1);
  await sleep(60);
  assert.ok(rehearsed >= 3, `rehearsed ${rehearsed} times, past the one that failed`);
  busy = true;
  const before = rehearsed;
  await sleep(40);
  assert.equal(rehearsed, before, "none while a decision is under way");
  busy = false;
  trigger.stop();
  const stopped = rehearsed;
  await sleep(40);
  assert.equal(rehearsed, stopped, "none after stop");
  assert.equal(whileBusy, 0);
});
