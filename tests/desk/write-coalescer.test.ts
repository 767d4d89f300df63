// The desk's writes in one round trip (issue 12, item 4): a hundred strategies' write queues, each with its
// batch, reach the store together; a poison write in one strategy's batch fails the round trip, and every
// queue then tries its own writes one by one: the poison is dead-lettered alone and nothing else is lost.
// The store is a double that counts calls: nothing depends on timing.
import { test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { BatchWriteError, DecimalRangeError, type Snapshot, type StoreWrite } from "@/server/store";
import { WriteQueue } from "@/server/runner/write-queue";
import { WriteCoalescer } from "@/server/desk/write-coalescer";

const snap = (strategyId: string, i: number): Snapshot => {
  const z = new Decimal(0);
  return { strategyId, ts: new Date(i), mid: new Decimal(i), bestBid: null, bestAsk: null, ourBid: null, ourAsk: null, inventory: z, ratio: z, skew: z, realizedPnl: z, unrealizedPnl: z, fees: z, riskState: "ACTIVE" };
};
const key = (w: StoreWrite) => (w.op === "insertSnapshot" ? `${w.snapshot.strategyId}:${w.snapshot.mid.toNumber()}` : "?");

function world(opts: { partial?: boolean } = {}) {
  const rows: string[] = [];
  const poison = new Set<string>();
  let gate: Promise<void> | null = null;
  const calls = { batch: 0, single: 0 };
  const store = {
    async applyWrites(writes: readonly StoreWrite[]): Promise<number> {
      calls.batch++;
      if (gate) await gate;
      const keys = writes.map(key);
      const bad = keys.findIndex((k) => poison.has(k));
      if (bad >= 0) {
        if (opts.partial) rows.push(...keys.slice(0, bad));
        throw opts.partial ? new BatchWriteError(bad, new DecimalRangeError("x")) : new DecimalRangeError("refused (test)");
      }
      rows.push(...keys);
      return keys.length;
    },
  };
  const one = async (k: string) => {
    calls.single++;
    if (poison.has(k)) throw new DecimalRangeError("refused (test)");
    rows.push(k);
  };
  const coalescer = new WriteCoalescer(store);
  const dead: string[] = [];
  const queues = Array.from({ length: 100 }, () => new WriteQueue({ maxDroppable: 1000, onError: () => undefined, onRecovered: () => undefined, onDeadLetter: (_e, l) => dead.push(l), applyBatch: coalescer.applyWrites }));
  const push = (q: number, i: number) => {
    const w: StoreWrite = { op: "insertSnapshot", snapshot: snap(`s${q}`, i) };
    queues[q]!.pushWrite(w, () => one(key(w)), { label: key(w) });
  };
  return {
    rows,
    poison,
    calls,
    coalescer,
    dead,
    queues,
    push,
    hold: () => {
      let open!: () => void;
      gate = new Promise<void>((r) => (open = r));
      return () => {
        gate = null;
        open();
      };
    },
    drain: () => Promise.all(queues.map((q) => q.kick())),
  };
}

test("100 strategies' writes reach the store in a few round trips, each strategy's in its order (was: one per strategy per round, or per write)", async () => {
  const w = world();
  const release = w.hold();
  for (let q = 0; q < 100; q++) for (let i = 0; i < 20; i++) w.push(q, i);
  release();
  await w.drain();
  await w.drain();
  assert.equal(w.rows.length, 2000);
  for (let q = 0; q < 100; q++) assert.deepEqual(w.rows.filter((r) => r.startsWith(`s${q}:`)), Array.from({ length: 20 }, (_, i) => `s${q}:${i}`));
  // The first write of every queue goes alone (it started the drain); the rest of all of them together.
  assert.ok(w.calls.batch <= 4, `${w.calls.batch} round trips for 100 strategies × 20 writes`);
  assert.equal(w.coalescer.roundTrips, w.calls.batch);
});

test("a poison write in one strategy's batch is dead-lettered alone; every other strategy's writes all go in", async () => {
  for (const partial of [false, true]) {
    const w = world({ partial });
    w.poison.add("s42:7");
    const release = w.hold();
    for (let q = 0; q < 100; q++) for (let i = 0; i < 20; i++) w.push(q, i);
    release();
    await w.drain();
    await w.drain();
    assert.deepEqual(w.dead, ["s42:7"], `partial ${partial}`);
    assert.equal(w.rows.length, 1999, `partial ${partial}: nothing lost, nothing twice`);
    assert.equal(new Set(w.rows).size, 1999);
    assert.ok(w.queues.every((q) => q.length === 0 && q.healthy));
  }
});
