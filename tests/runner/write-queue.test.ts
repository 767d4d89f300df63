// The write queue (issue 9, items 1 and 2): a write that can never succeed is dead-lettered instead of
// retried forever ahead of everything else; alerts and risk-state writes never wait behind fills; the queue
// reports how far behind it is by count and by age. Clocks are injected: nothing here waits on the wall.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DecimalRangeError, IllegalOrderStateChange, OrderConflictError } from "@/server/store";
import { openRemoteStore } from "@/server/store/remote-store";
import { WriteQueue, isPermanentWriteError, type WriteQueueOptions } from "@/server/runner/write-queue";

function queue(extra: Partial<WriteQueueOptions> = {}) {
  const events: string[] = [];
  const dead: Array<{ err: unknown; label: string }> = [];
  let t = 1_000;
  const q = new WriteQueue({
    maxDroppable: 10,
    onError: (err, n) => events.push(`error ${n}: ${(err as Error).message}`),
    onRecovered: (n) => events.push(`recovered after ${n}`),
    onDeadLetter: (err, label) => dead.push({ err, label }),
    now: () => t,
    sleep: async () => {
      t += 100;
    },
    ...extra,
  });
  return { q, events, dead, advance: (ms: number) => (t += ms) };
}

const connReset = () => Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });

describe("WriteQueue", () => {
  test("held, writes queue in order and none starts; the release sends them all, in order", async () => {
    const { q } = queue();
    const started: string[] = [];
    const release = q.hold();
    for (const w of ["order A cancel_sent", "order B cancel_sent"]) q.push(async () => void started.push(w), { label: w });
    q.pushWrite({ op: "saveSnapshot" } as never, async () => void started.push("snapshot"), { label: "snapshot" });
    await new Promise<void>((r) => setImmediate(r));
    assert.deepEqual(started, [], "nothing reached the store while held");
    assert.equal(q.length, 3);
    release();
    release(); // twice is once
    assert.ok(await q.flush(1_000));
    assert.deepEqual(started, ["order A cancel_sent", "order B cancel_sent", "snapshot"]);
  });

  test("a write that can never succeed is dead-lettered and the line moves on (was: retried forever, everything behind it stuck)", async () => {
    const { q, dead } = queue();
    const written: string[] = [];
    let attempts = 0;
    q.push(
      async () => {
        attempts++;
        throw new DecimalRangeError("size: 1e+30 has more than 20 integer digits");
      },
      { label: "fill T-1" },
    );
    for (let i = 0; i < 1000; i++) q.push(async () => void written.push(`fill ${i}`), { label: `fill ${i}` });
    await q.kick();
    assert.equal(attempts, 1, "not retried");
    assert.equal(q.length, 0, "nothing left behind it");
    assert.equal(written.length, 1000);
    assert.equal(q.deadLettered, 1);
    assert.equal(dead.length, 1);
    assert.equal(dead[0]!.label, "fill T-1");
    assert.ok(dead[0]!.err instanceof DecimalRangeError);
    assert.equal(q.healthy, true);
  });

  test("a connection error keeps the write at the head, in order, until the database is back", async () => {
    const { q, events, dead } = queue();
    let down = true;
    const written: number[] = [];
    for (let i = 0; i < 3; i++)
      q.push(async () => {
        if (down) throw connReset();
        written.push(i);
      });
    await q.kick();
    await q.kick();
    assert.deepEqual(written, []);
    assert.equal(q.length, 3);
    assert.equal(q.healthy, false);
    assert.deepEqual(events, ["error 1: read ECONNRESET", "error 2: read ECONNRESET"]);
    down = false;
    await q.kick();
    assert.deepEqual(written, [0, 1, 2]);
    assert.deepEqual(events.at(-1), "recovered after 2");
    assert.equal(dead.length, 0);
  });

  test("the priority lane goes before every queued fill (was: an alert waited behind all of them)", async () => {
    const { q } = queue();
    const order: string[] = [];
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    q.push(async () => {
      await first;
      order.push("fill 0");
    });
    for (let i = 1; i <= 50; i++) q.push(async () => void order.push(`fill ${i}`));
    q.push(async () => void order.push("alert"), { lane: "priority", label: "alert" });
    q.push(async () => void order.push("risk state"), { lane: "priority", label: "risk state" });
    release();
    await q.kick();
    assert.deepEqual(order.slice(0, 3), ["fill 0", "alert", "risk state"], "the running write finishes, then the priority lane");
    assert.deepEqual(order.slice(3), Array.from({ length: 50 }, (_, i) => `fill ${i + 1}`));
  });

  test("priority writes still go when the normal lane's head is failing on a lost connection", async () => {
    const { q } = queue();
    const order: string[] = [];
    let down = true;
    q.push(async () => {
      if (down) throw connReset();
      order.push("fill");
    });
    await q.kick();
    q.push(async () => void order.push("alert"), { lane: "priority" });
    down = false;
    await q.kick();
    assert.deepEqual(order, ["alert", "fill"]);
  });

  test("length and oldestAgeMs say how far behind the writes are, by count and by age", async () => {
    const { q, advance } = queue();
    assert.equal(q.oldestAgeMs, 0);
    let down = true;
    const write = async () => {
      if (down) throw connReset();
    };
    q.push(write);
    advance(4_000);
    q.push(write);
    q.push(write, { lane: "priority" });
    await q.kick();
    assert.equal(q.length, 3);
    assert.equal(q.oldestAgeMs, 4_000);
    advance(26_000);
    assert.equal(q.oldestAgeMs, 30_000);
    down = false;
    await q.kick();
    assert.equal(q.length, 0);
    assert.equal(q.oldestAgeMs, 0);
  });

  test("flush gives up at its deadline on the injected clock", async () => {
    const { q } = queue();
    q.push(async () => {
      throw connReset();
    });
    assert.equal(await q.flush(1_000, 100), false);
    assert.equal(q.length, 1);
  });

  test("snapshots are still dropped oldest-first past maxDroppable (boolean form kept)", async () => {
    const { q } = queue();
    q.push(async () => {
      throw connReset();
    });
    await q.kick();
    for (let i = 0; i < 15; i++) q.push(async () => {}, true);
    assert.equal(q.dropped, 5);
  });
});

describe("isPermanentWriteError", () => {
  const rows: Array<[string, unknown, boolean]> = [
    ["the store's range check", new DecimalRangeError("x"), true],
    ["the store's conflict", new OrderConflictError("x"), true],
    ["an illegal order state change", new IllegalOrderStateChange("c1", "filled", "partially_filled"), true],
    ["pg: numeric overflow", Object.assign(new Error("numeric field overflow"), { code: "22003" }), true],
    ["pg: unique violation", Object.assign(new Error("duplicate key"), { code: "23505" }), true],
    ["Prisma P2002 with the adapter's cause", { name: "PrismaClientKnownRequestError", code: "P2002", meta: { driverAdapterError: { cause: { originalCode: "23505" } } } }, true],
    ["Prisma raw query overflow", { name: "PrismaClientKnownRequestError", code: "P2010", message: "Raw query failed. Code: `22003`. Message: `numeric field overflow`" }, true],
    ["across the database thread (sqlState carried)", { name: "PrismaClientKnownRequestError", code: "P2039", sqlState: "22021" }, true],
    ["Prisma validation (a bug, never succeeds)", { name: "PrismaClientValidationError", message: "Argument x is missing" }, true],
    ["connection refused", Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), false],
    ["connection reset", connReset(), false],
    ["Prisma cannot reach the server", { name: "PrismaClientKnownRequestError", code: "P1001" }, false],
    ["pool timeout", { name: "PrismaClientKnownRequestError", code: "P2024" }, false],
    ["statement timeout", Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" }), false],
    ["admin shutdown", Object.assign(new Error("terminating connection"), { code: "57P01" }), false],
    ["connection failure", Object.assign(new Error("x"), { code: "08006" }), false],
    ["deadlock", Object.assign(new Error("deadlock detected"), { code: "40P01" }), false],
    ["anything unrecognised", new Error("Connection terminated unexpectedly"), false],
  ];
  for (const [name, err, permanent] of rows) test(`${name}: ${permanent ? "permanent" : "retryable"}`, () => assert.equal(isPermanentWriteError(err), permanent));

  test("a write the real database refuses, through the database thread, is permanent", async () => {
    const store = await openRemoteStore({ dataDir: "memory://" });
    try {
      const s = await store.ensureStrategy({ name: "wq", market: "M", symbol: "M", venue: "paper", mode: "paper", initialParams: {} });
      const err = await store
        .raiseAlert({ id: "a1", strategyId: s.id, kind: "error", severity: "critical", message: "nul \u0000 byte", createdAt: new Date(0) })
        .then(() => null, (e: unknown) => e);
      assert.ok(err, "refused");
      assert.equal(isPermanentWriteError(err), true, `${(err as Error).name}: ${(err as Error).message}`);
    } finally {
      await store.close();
    }
  });
});

// From main: flush is bounded by its caller's budget, also while every write fails (a database outage): the
// emergency close answers within a second on that promise.
describe("flush and the caller's budget", () => {
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
});

test("a flush that finishes early leaves no timer behind (it held a stopping process for its whole deadline)", async () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
  const before = timers();
  const q = new WriteQueue({ maxDroppable: 10, onError: () => undefined, onRecovered: () => undefined });
  let written = 0;
  q.push(async () => {
    written++;
  });
  assert.equal(await q.flush(60_000), true);
  assert.equal(written, 1);
  assert.equal(timers(), before, "the flush's deadline timer is cleared once the queue is empty");
});
