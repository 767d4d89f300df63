// The write queue in batches (issue 12, item 4): writes that wait together reach the database in one
// round trip (Store.applyWrites) instead of one each; a batch that fails is tried again one write at a time,
// so a write that can never succeed is still dead-lettered alone and a lost connection still keeps every
// write in line. The store here is a double that counts its calls: nothing depends on timing.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { BatchWriteError, DecimalRangeError, type Snapshot, type StoreWrite } from "@/server/store";
import { WriteQueue } from "@/server/runner/write-queue";

const connReset = () => Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });

const snap = (i: number): Snapshot => {
  const z = new Decimal(0);
  return { strategyId: "s", ts: new Date(i), mid: new Decimal(i), bestBid: null, bestAsk: null, ourBid: null, ourAsk: null, inventory: z, ratio: z, skew: z, realizedPnl: z, unrealizedPnl: z, fees: z, riskState: "ACTIVE" };
};

/** A database double: `round trips` counts calls (a batch or a single write), `rows` what went in, in order. */
function database() {
  const rows: number[] = [];
  const db = {
    roundTrips: 0,
    rows,
    /** Writes refused for good (their mid). */
    poison: new Set<number>(),
    down: false,
    /** While set, calls wait on it: the database is slow and writes pile up behind the one in flight. */
    gate: null as Promise<void> | null,
    /** Without transactions: the memory store's answer (a leading part is in). */
    partial: false,
    async one(i: number): Promise<void> {
      db.roundTrips++;
      if (db.gate) await db.gate;
      if (db.down) throw connReset();
      if (db.poison.has(i)) throw new DecimalRangeError(`row ${i} is out of range (test)`);
      rows.push(i);
    },
    async batch(writes: readonly StoreWrite[]): Promise<number> {
      db.roundTrips++;
      if (db.gate) await db.gate;
      if (db.down) throw connReset();
      const ids = writes.map((w) => (w.op === "insertSnapshot" ? w.snapshot.mid.toNumber() : -1));
      const bad = ids.findIndex((i) => db.poison.has(i));
      if (bad >= 0) {
        // A transaction: nothing of it is in. Without one: the writes before the refused one are.
        if (db.partial) rows.push(...ids.slice(0, bad));
        throw db.partial ? new BatchWriteError(bad, new DecimalRangeError("x")) : new DecimalRangeError(`row ${ids[bad]} is out of range (test)`);
      }
      rows.push(...ids);
      return ids.length;
    },
  };
  return db;
}

function setup(extra: { maxBatch?: number } = {}) {
  const db = database();
  const dead: string[] = [];
  const events: string[] = [];
  const q = new WriteQueue({
    maxDroppable: 100_000,
    onError: (err, n) => events.push(`error ${n}: ${(err as Error).message}`),
    onRecovered: (n) => events.push(`recovered after ${n}`),
    onDeadLetter: (_err, label) => dead.push(label),
    applyBatch: (w) => db.batch(w),
    sleep: async () => {},
    ...extra,
  });
  const push = (i: number, then?: () => void) => q.pushWrite({ op: "insertSnapshot", snapshot: snap(i) }, () => db.one(i), { label: `fill ${i}`, ...(then ? { then } : {}) });
  /** Writes [from, to) pushed while the database holds its first answer, then released and drained. */
  const pushHeld = async (from: number, to: number) => {
    let open!: () => void;
    db.gate = new Promise<void>((r) => (open = r));
    for (let i = from; i < to; i++) push(i);
    db.gate = null;
    open();
    await q.kick();
  };
  return { db, q, dead, events, push, pushHeld };
}

describe("WriteQueue batches", () => {
  test("1,000 writes queued behind a slow one reach the database in a handful of round trips, in order (was: 1,000)", async () => {
    const { db, q, pushHeld } = setup();
    await pushHeld(0, 1000);
    assert.deepEqual(db.rows, Array.from({ length: 1000 }, (_, i) => i), "every write, once, in the order pushed");
    assert.ok(db.roundTrips <= 4, `${db.roundTrips} round trips for 1,000 writes`);
    assert.equal(q.batches, db.roundTrips);
    assert.equal(q.fillsWritten, 1000);
    assert.equal(q.length, 0);
  });

  test("a batch is at most maxBatch writes", async () => {
    const { db, pushHeld } = setup({ maxBatch: 100 });
    await pushHeld(0, 1000);
    assert.equal(db.rows.length, 1000);
    assert.equal(db.roundTrips, 1 + Math.ceil(999 / 100));
  });

  test("a write that can never succeed fails its batch, then is dead-lettered alone: every other write of the batch goes in, in order", async () => {
    const { db, q, dead, events, pushHeld } = setup();
    db.poison.add(500);
    await pushHeld(0, 1000);
    assert.deepEqual(dead, ["fill 500"]);
    assert.deepEqual(db.rows, Array.from({ length: 1000 }, (_, i) => i).filter((i) => i !== 500));
    assert.equal(q.deadLettered, 1);
    assert.equal(q.length, 0);
    assert.deepEqual(events, [], "no 'writes failing' for a refused write");
    // Writes pushed after the failed batch go in batches again.
    const before = db.roundTrips;
    await pushHeld(1000, 1100);
    assert.ok(db.roundTrips - before <= 3, `${db.roundTrips - before} round trips for 100 writes after the fallback`);
  });

  test("a store without transactions says how much of a batch went in: only the rest is tried again", async () => {
    const { db, dead, pushHeld } = setup();
    db.partial = true;
    db.poison.add(3);
    await pushHeld(0, 10);
    assert.deepEqual(db.rows, [0, 1, 2, 4, 5, 6, 7, 8, 9], "nothing written twice, nothing lost");
    assert.deepEqual(dead, ["fill 3"]);
  });

  test("a lost connection during a batch keeps every write in line for the retry, and the retry batches again", async () => {
    const { db, q, push, events } = setup();
    let open!: () => void;
    db.gate = new Promise<void>((r) => (open = r));
    for (let i = 0; i < 200; i++) push(i);
    db.down = true;
    db.gate = null;
    open();
    await q.kick();
    assert.equal(q.length, 200 - db.rows.length);
    assert.equal(q.healthy, false);
    assert.match(events[0]!, /error 1: read ECONNRESET/);
    db.down = false;
    await q.kick();
    assert.deepEqual(db.rows, Array.from({ length: 200 }, (_, i) => i));
    assert.equal(events.at(-1), "recovered after 1");
    assert.equal(q.length, 0);
  });

  test("a write's follow-up runs after its batch is in, when the queue no longer holds it", async () => {
    const { db, q, push } = setup();
    const seen: Array<[number, number, number]> = [];
    let open!: () => void;
    db.gate = new Promise<void>((r) => (open = r));
    for (let i = 0; i < 5; i++) push(i, () => seen.push([i, db.rows.length, q.length]));
    db.gate = null;
    open();
    await q.kick();
    assert.deepEqual(seen, [
      [0, 1, 4],
      [1, 5, 3],
      [2, 5, 2],
      [3, 5, 1],
      [4, 5, 0],
    ]);
  });

  test("alerts and risk state (the priority lane) still go first and are never batched with fills", async () => {
    const { db, q, push } = setup();
    const order: string[] = [];
    let open!: () => void;
    db.gate = new Promise<void>((r) => (open = r));
    for (let i = 0; i < 50; i++) push(i);
    q.push(async () => void order.push(`alert after ${db.rows.length} rows`), { lane: "priority", label: "alert" });
    db.gate = null;
    open();
    await q.kick();
    assert.deepEqual(order, ["alert after 1 rows"], "the write in flight finishes, then the alert, then the batch");
    assert.equal(db.rows.length, 50);
  });

  test("snapshots dropped when too many wait are never ones of the batch being written", async () => {
    const db = database();
    const q = new WriteQueue({ maxDroppable: 5, onError: () => undefined, onRecovered: () => undefined, applyBatch: (w) => db.batch(w), sleep: async () => {} });
    const pushSnap = (i: number) => q.pushWrite({ op: "insertSnapshot", snapshot: snap(i) }, () => db.one(i), { droppable: true, label: "snapshot" });
    let open1!: () => void;
    let open2!: () => void;
    db.gate = new Promise<void>((r) => (open1 = r));
    for (let i = 0; i < 5; i++) pushSnap(i); // 0 goes alone and waits
    db.gate = new Promise<void>((r) => (open2 = r));
    open1();
    await new Promise((r) => setImmediate(r)); // 0 is in; 1..4 are in flight as one batch
    assert.deepEqual(db.rows, [0]);
    for (let i = 5; i < 12; i++) pushSnap(i); // 11 droppable waiting: 6 must go
    db.gate = null;
    open2();
    await q.kick();
    assert.equal(q.dropped, 6);
    assert.deepEqual(db.rows, [0, 1, 2, 3, 4, 11], "the batch in flight is written whole; the oldest waiting ones were dropped");
    assert.equal(q.length, 0);
  });
});
