// The write queue's flush is bounded by its caller's budget, also while every write fails (a database
// outage): the emergency close answers within a second on that promise.
import { test } from "node:test";
import assert from "node:assert/strict";
import { WriteQueue } from "@/server/runner/write-queue";

test("flush gives up by its deadline while writes keep failing, not a retry interval later", async () => {
  let attempts = 0;
  const q = new WriteQueue({ maxDroppable: 10, onError: () => undefined, onRecovered: () => undefined });
  q.push(async () => {
    attempts++;
    throw new Error("database unavailable (test)");
  });
  const t0 = performance.now();
  // A retry interval far beyond the budget: the old flush slept it out before noticing the deadline.
  assert.equal(await q.flush(20, 10_000), false);
  const ms = performance.now() - t0;
  assert.ok(ms < 1_000, `flush(20 ms) took ${ms.toFixed(0)} ms`);
  assert.ok(attempts >= 2, `retried ${attempts - 1} times within its budget`);
  assert.equal(q.length, 1, "a failed write stays queued");
});

test("flush returns as soon as the queue is drained", async () => {
  const done: number[] = [];
  const q = new WriteQueue({ maxDroppable: 10, onError: () => undefined, onRecovered: () => undefined });
  for (let i = 0; i < 3; i++) q.push(async () => void done.push(i));
  assert.equal(await q.flush(10_000, 10_000), true);
  assert.deepEqual(done, [0, 1, 2]);
});
