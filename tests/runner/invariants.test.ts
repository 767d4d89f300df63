// Books that cannot drift (issue 8, item 6): a model-based fast-check test. Random schedules of ticks,
// market moves (time passing without a tick, so resting quotes fill and partly fill), fills delivered
// twice, failing and hanging cancels, lost acknowledgements of creates and cancels, hung venue reads,
// venue reads that lag behind writes, database outages, operator controls, SIGTERM restarts and kill -9
// restarts run against a real Runner on the paper venue; after every step DeskWorld.check() verifies the
// invariants (desk inventory = booked fills = venue position once reconciled; nothing filled without its
// fills; at most one live quote per side; no fill booked twice) and every control answers within 1 s.
//
// Fixed seeds: a failure reproduces with the same seed, and fast-check prints the shrunk schedule (the
// commands' toString) with the seed and path to replay it: INVARIANT_SEED=<seed> INVARIANT_PATH=<path>
// npm test -- tests/runner/invariants.test.ts. 1000 schedules on the in-memory store, 25 on PGlite (the
// same code, the real database); INVARIANT_RUNS / INVARIANT_DB_RUNS change the counts for a longer hunt,
// INVARIANT_PROFILE=1 prints the time each kind of step takes.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import type { Db } from "@/server/db";
import { CommandRejected } from "@/server/runner/commands";
import { createMemoryStore, createPrismaStore, type Store } from "@/server/store";
import type { CancelFault, CreateFault, HangMethod } from "@/server/venue";
import { DeskWorld } from "@/tests/support/desk-world";
import { testDatabases } from "@/tests/support/databases";

/** What the schedule has done that the desk must reflect. */
interface Model {
  /** Operator's pause as last commanded; null when a kill -9 with the database down may have lost it. */
  paused: boolean | null;
  dbDown: boolean;
}

interface Real {
  w: DeskWorld;
}

type Cmd = fc.AsyncCommand<Model, Real>;

const CONTROL_BOUND_MS = 1_000;
/** The slowest answer seen per control, for the summary. */
const slowest = new Map<string, number>();

/** Awaits a control, failing when it has not answered within the bound (wall time). */
async function within<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t0 = performance.now();
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${CONTROL_BOUND_MS} ms`)), CONTROL_BOUND_MS);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
    const ms = performance.now() - t0;
    slowest.set(what, Math.max(slowest.get(what) ?? 0, ms));
    assert.ok(ms < CONTROL_BOUND_MS, `${what} answered after ${ms.toFixed(0)} ms`);
  }
}

/** Runs the ticks; while the operator has paused the desk, no quote may be placed. */
async function ticks(m: Model, w: DeskWorld, n: number): Promise<void> {
  const placed = w.runner.stats.ordersPlaced;
  await w.tick(n);
  if (m.paused === true) assert.equal(w.runner.stats.ordersPlaced, placed, `quoted while paused\n${w.tail()}`);
}

async function checkModel(m: Model, w: DeskWorld, what: string): Promise<void> {
  await w.check(what);
  const st = w.runner.state;
  if (m.paused !== null) assert.equal(st.paused, m.paused, `paused is ${st.paused}, the operator left it ${m.paused} (after ${what})`);
  else m.paused = st.paused;
  assert.notEqual(st.riskState, "HALTED", `HALTED after ${what}\n${w.tail()}`);
}

class Tick implements Cmd {
  constructor(readonly n: number) {}
  check = () => true;
  async run(m: Model, { w }: Real) {
    await ticks(m, w, this.n);
    await checkModel(m, w, String(this));
  }
  toString = () => `tick(${this.n})`;
}

/** The market moves while the desk does not tick: resting quotes trade (partial fills included). */
class MarketMove implements Cmd {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(m: Model, { w }: Real) {
    await w.drift(this.ms);
    await ticks(m, w, 1);
    await checkModel(m, w, String(this));
  }
  toString = () => `marketMove(${this.ms})`;
}

/** Arms a venue fault, then one tick: the fault hits whichever call comes next (tick, cancel, reconcile). */
class Fault implements Cmd {
  constructor(
    readonly name: string,
    readonly arm: (w: DeskWorld) => void,
  ) {}
  check = () => true;
  async run(m: Model, { w }: Real) {
    this.arm(w);
    await ticks(m, w, 1);
    await checkModel(m, w, String(this));
  }
  toString = () => this.name;
}

class Database implements Cmd {
  constructor(readonly down: boolean) {}
  check = (m: Readonly<Model>) => m.dbDown !== this.down;
  async run(m: Model, { w }: Real) {
    m.dbDown = this.down;
    w.dbDown = this.down;
    await ticks(m, w, 1);
    await checkModel(m, w, String(this));
  }
  toString = () => (this.down ? "dbDown" : "dbUp");
}

class Control implements Cmd {
  constructor(readonly action: "pause" | "resume" | "rearm" | "emergencyClose") {}
  check = () => true;
  async run(m: Model, { w }: Real) {
    const r = w.runner;
    if (this.action === "emergencyClose") {
      const out = await within("emergency close", r.emergencyClose("tester"));
      assert.equal(out.paused, true);
      m.paused = true;
    } else if (this.action === "rearm") {
      try {
        const st = await within("rearm", r.control("rearm", "tester"));
        assert.equal(st.riskState, "ACTIVE");
      } catch (err) {
        if (!(err instanceof CommandRejected)) throw err;
      }
    } else {
      const st = await within(this.action, r.control(this.action, "tester"));
      m.paused = this.action === "pause";
      assert.equal(st.paused, m.paused);
    }
    await checkModel(m, w, String(this));
  }
  toString = () => this.action;
}

class Sigterm implements Cmd {
  // A clean stop flushes its writes: with the database down it would wait for it (the product does too).
  check = (m: Readonly<Model>) => !m.dbDown;
  async run(m: Model, { w }: Real) {
    await w.sigterm();
    await checkModel(m, w, String(this));
  }
  toString = () => "sigtermRestart";
}

class Kill implements Cmd {
  check = () => true;
  async run(m: Model, { w }: Real) {
    // Writes queued during an outage die with the process (fills survive in the journal; the pause may not).
    if (m.dbDown) m.paused = null;
    m.dbDown = false;
    await w.kill();
    await checkModel(m, w, String(this));
  }
  toString = () => "kill9Restart";
}

const CREATE_FAULTS: CreateFault[] = ["lost_ack", "timeout", "hang", "hang_after_accept", "error"];
const CANCEL_FAULTS: CancelFault[] = ["lost_ack", "error", "timeout", "hang"];
const HANG_METHODS: HangMethod[] = ["fetchOrderBook", "fetchOpenOrders", "fetchOrder", "fetchPosition", "fetchMyTrades"];

const PROFILE = new Map<string, { n: number; ms: number }>();
function profiled(c: Cmd): Cmd {
  if (!process.env.INVARIANT_PROFILE) return c;
  return {
    check: (m) => c.check(m),
    toString: () => String(c),
    run: async (m, r) => {
      const t0 = performance.now();
      try {
        await c.run(m, r);
      } finally {
        const key = String(c).replace(/\d+/g, "#");
        const e = PROFILE.get(key) ?? { n: 0, ms: 0 };
        e.n++;
        e.ms += performance.now() - t0;
        PROFILE.set(key, e);
      }
    },
  };
}
process.on("exit", () => {
  if (PROFILE.size) console.log([...PROFILE].map(([k, v]) => `${k}: n=${v.n} avg=${(v.ms / v.n).toFixed(1)} total=${v.ms.toFixed(0)}`).join("\n"));
});

const commandArbs: fc.Arbitrary<Cmd>[] = [
  fc.integer({ min: 1, max: 4 }).map((n) => new Tick(n)),
  fc.integer({ min: 1, max: 12 }).map((n) => new MarketMove(n * 500)),
  fc.integer({ min: 1, max: 4 }).map((n) => new Fault(`duplicateNextFill(${n})`, (w) => w.venue.duplicateNextFill(n))),
  fc.constantFrom(...CREATE_FAULTS).map((mode) => new Fault(`failNextCreate(${mode})`, (w) => w.venue.failNextCreate(mode))),
  fc.constantFrom(...CANCEL_FAULTS).map((mode) => new Fault(`failNextCancel(${mode})`, (w) => w.venue.failNextCancel(mode))),
  fc.tuple(fc.constantFrom(...HANG_METHODS), fc.integer({ min: 1, max: 2 })).map(([method, n]) => new Fault(`hangNext(${method}, ${n})`, (w) => w.venue.hangNext(method, n))),
  // Reads lag behind writes, but less than the not-found grace period (3 s): a longer lag is a venue
  // that forgot the order, which the desk cannot tell from one that never had it.
  fc.constantFrom(0, 500, 1_500, 2_500).map((ms) => new Fault(`hideFreshOrders(${ms})`, (w) => w.venue.hideFreshOrders(ms))),
  fc.boolean().map((down) => new Database(down)),
  fc.constantFrom("pause", "resume", "rearm", "emergencyClose" as const).map((a) => new Control(a)),
  fc.constant(new Sigterm()),
  fc.constant(new Kill()),
];
const commands = fc.commands(commandArbs.map((a) => a.map(profiled)), { maxCommands: 10 });

interface Suite {
  runs: number;
  seed: number;
  store: () => Store;
  /** Wall-time bounds: a hung venue call costs venueDeadlineMs, a control at most answerWithinMs. */
  runnerConfig: { venueDeadlineMs: number; answerWithinMs: number };
}

/** What the schedules made happen, summed: printed, and held to a floor so the test keeps proving something. */
type Coverage = Record<string, number>;

async function countCoverage(w: DeskWorld, c: Coverage): Promise<void> {
  const add = (k: string, by = 1) => (c[k] = (c[k] ?? 0) + by);
  add("schedules");
  add("processes", w.processes);
  const orders = await w.base.listOrders(w.runner.strategyId, { limit: 10_000 });
  add("orders", orders.length);
  for (const o of orders) {
    for (const t of o.history) if (["submit_lost", "cancel_lost", "cancel_failed", "found_open", "not_found"].includes(t.event)) add(`order event ${t.event}`);
    if (o.reason === "emergency") add("emergency orders");
    if (o.status === "partially_filled" || (o.status !== "filled" && o.filledSize.gt(0))) add("orders partly filled");
  }
  const fills = await w.base.listFills(w.runner.strategyId, { limit: 10_000 });
  add("fills", fills.length);
  add("strays cancelled", w.logs.filter((l) => l.includes("cancelling untracked order")).length);
  add("journal replays", w.logs.filter((l) => /\(\+[1-9]\d* from the journal/.test(l)).length);
}

async function runSchedules(label: string, s: Suite): Promise<Coverage> {
  const journalDir = mkdtempSync(join(tmpdir(), "skewdesk-invariants-"));
  const coverage: Coverage = {};
  slowest.clear();
  let n = 0;
  // The runner's deadline timers do not keep a process alive (the server does): this one stands in for it.
  const alive = setInterval(() => undefined, 1_000);
  try {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom("1", "0.3"), fc.constantFrom("0.2", "1"), fc.boolean(), commands, async (venueSeed, maxInventory, minSpread, paperAccount, cmds) => {
        const name = `inv-${label}-${process.pid}-${++n}`;
        const w = await DeskWorld.open({
          seed: venueSeed,
          store: s.store(),
          strategyName: name,
          journalDir,
          // Half the schedules restart on the paper account reopened from its folder, as the product does;
          // the others on a venue that lives on, as a live venue does.
          ...(paperAccount ? { accountDir: join(journalDir, `account-${name}`) } : {}),
          // A small maxInventory reaches the rebalance and emergency thresholds within a short schedule.
          // A narrow spread quotes near the touch: more fills, partial fills among them, in a short schedule.
          paramsOverride: { maxInventory, minSpread },
          runnerConfig: { ...s.runnerConfig, requoteToleranceTicks: 0 },
        });
        try {
          await w.tick(2);
          await w.check("start");
          await fc.asyncModelRun(() => ({ model: { paused: false, dbDown: false }, real: { w } }), cmds);
          await countCoverage(w, coverage);
        } finally {
          await w.dispose();
        }
      }),
      { numRuns: s.runs, seed: s.seed, verbose: 1, ...(process.env.INVARIANT_PATH ? { path: process.env.INVARIANT_PATH } : {}) },
    );
  } finally {
    clearInterval(alive);
    rmSync(journalDir, { recursive: true, force: true });
  }
  console.log(`${label}: ${Object.entries(coverage).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  console.log(`${label}: slowest answers ${[...slowest].map(([k, v]) => `${k} ${v.toFixed(1)} ms`).join(", ")}`);
  return coverage;
}

/** The schedules must have reached the situations the invariants are about. */
function assertReached(c: Coverage, floor: Record<string, number>): void {
  for (const [k, min] of Object.entries(floor)) assert.ok((c[k] ?? 0) >= min, `only ${c[k] ?? 0} × ${k} in all schedules (at least ${min} expected): the generator no longer reaches it`);
}

describe("controls with the product's answer budget", () => {
  test("pause and the emergency close answer within 1 s while the database is down and a cancel never answers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "skewdesk-invariants-"));
    const alive = setInterval(() => undefined, 1_000);
    // The product's answer budget (defaultRunnerConfig's answerWithinMs); a shorter venue deadline only shortens the shutdown.
    const w = await DeskWorld.open({ seed: 4, store: createMemoryStore(), strategyName: "controls", journalDir: dir, runnerConfig: { requoteToleranceTicks: 0, venueDeadlineMs: 1_000 } });
    try {
      await w.tick(4);
      assert.ok(w.runner.openQuotes.length > 0);
      w.dbDown = true;
      w.venue.failNextCancel("hang");
      await w.tick();
      assert.equal((await within("pause", w.runner.control("pause", "tester"))).paused, true);
      const out = await within("emergency close", w.runner.emergencyClose("tester"));
      assert.equal(out.paused, true);
      assert.equal((await within("resume", w.runner.control("resume", "tester"))).paused, false);
      w.dbDown = false;
    } finally {
      await w.dispose();
      clearInterval(alive);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("books that cannot drift: random schedules", () => {
  test("1000 schedules on the in-memory store", async () => {
    const c = await runSchedules("memory", {
      runs: Number(process.env.INVARIANT_RUNS ?? 1000),
      seed: Number(process.env.INVARIANT_SEED ?? 8_0001),
      store: () => createMemoryStore(),
      // Short wall-time bounds keep a thousand schedules fast; the controls are still held to 1 s.
      runnerConfig: { venueDeadlineMs: 20, answerWithinMs: 100 },
    });
    if (c.schedules === 1000) {
      assertReached(c, {
        processes: 1_200,
        fills: 2_000,
        "orders partly filled": 120,
        "emergency orders": 12,
        "order event submit_lost": 90,
        "order event cancel_lost": 200,
        "order event found_open": 40,
        "order event not_found": 20,
        "strays cancelled": 12,
        "journal replays": 8,
      });
    }
  });

  for (const target of testDatabases("invariants")) {
    // A skipped variant is one skipped test with its reason (a skipped describe is not counted).
    if (target.skip) {
      test(`25 schedules on ${target.name}`, { skip: target.skip }, () => {});
      continue;
    }
    describe(`on ${target.name}`, () => {
      let db: Db;
      before(async () => {
        db = await target.open();
      });
      after(async () => {
        await db.close();
        await target.cleanup();
      });

      test("25 schedules on the database the product runs on", async () => {
        await runSchedules(target.name, {
          runs: Number(process.env.INVARIANT_DB_RUNS ?? 25),
          seed: Number(process.env.INVARIANT_SEED ?? 8_0002),
          store: () => createPrismaStore(db),
          runnerConfig: { venueDeadlineMs: 250, answerWithinMs: 500 },
        });
      });
    });
  }
});
