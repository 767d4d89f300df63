// The lab engine: the same grid and seeds give bit-identical results, in this thread and across worker
// threads; different seeds give different markets; a replay file runs; a run can be cancelled.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { labRunRequestSchema, type LabRunRequestInput } from "@/lib/lab/types";
import { planLab } from "@/server/lab/plan";
import { runLab, type LabOutcome } from "@/server/lab/engine";
import { SAMPLE_REPLAY } from "@/server/lab/files";

const plan = (input: LabRunRequestInput, replay?: string) => planLab(labRunRequestSchema.parse(input), replay);
const small = plan({ market: { kind: "simulated", regime: "volatile", seeds: 2, durationMs: 60_000 }, grid: ["skewMode=linear,exponential", "skewFactor=0.2,0.9"] });

function done(o: LabOutcome) {
  assert.equal(o.status, "done", JSON.stringify(o));
  return (o as Extract<LabOutcome, { status: "done" }>).results;
}

describe("lab engine", () => {
  test("the same grid and seeds give identical results, in this thread and in two worker threads", async () => {
    const here = done(await runLab(small, { workers: 0 }));
    const again = done(await runLab(small, { workers: 0 }));
    const threads = done(await runLab(small, { workers: 2 }));
    assert.equal(JSON.stringify(again), JSON.stringify(here));
    assert.equal(JSON.stringify(threads), JSON.stringify(here));
    assert.equal(here.length, 4);
    assert.deepEqual(here.map((r) => r.params), [
      { skewMode: "linear", skewFactor: "0.2" },
      { skewMode: "linear", skewFactor: "0.9" },
      { skewMode: "exponential", skewFactor: "0.2" },
      { skewMode: "exponential", skewFactor: "0.9" },
    ]);
    for (const r of here) {
      assert.equal(r.runs, 2);
      assert.deepEqual(r.perRun.map((x) => x.seed), [1, 2]);
      assert.ok(r.path.length > 10, "the first seed's path is kept");
      // Venue latency spends simulated time too, so two minutes hold somewhat fewer than 240 ticks.
      assert.ok(r.perRun.every((x) => x.ticks > 60 && x.ticks <= 120), `ticks ${r.perRun.map((x) => x.ticks)}`);
    }
    // The desk traded, and the seeds are different markets.
    assert.ok(here.every((r) => r.fills > 0));
    assert.notEqual(JSON.stringify(here[0]!.perRun[0]), JSON.stringify({ ...here[0]!.perRun[1], seed: 1 }));
  });

  test("a set's figures are its runs' mean PnL, worst inventory and total fills", async () => {
    const [r] = done(await runLab(plan({ market: { kind: "simulated", regime: "falling", seeds: 3, durationMs: 60_000 }, grid: ["skewFactor=0.5"] }), { workers: 0 }));
    const runs = r!.perRun;
    assert.equal(r!.fills, runs.reduce((a, x) => a + x.fills, 0));
    const maxInv = runs.map((x) => Number(x.maxAbsInventory)).reduce((a, b) => Math.max(a, b));
    assert.equal(Number(r!.maxAbsInventory), maxInv);
    const cents = runs.reduce((a, x) => a + Math.round(Number(x.pnl) * 100), 0);
    assert.ok(Math.abs(Number(r!.pnl) * 100 - cents / 3) <= 0.5, `${r!.pnl} vs ${cents / 300}`);
  });

  test("a replay file runs to its end, identically twice", async () => {
    const p = plan({ market: { kind: "replay", source: "sample" }, grid: ["skewFactor=0,0.5"] }, SAMPLE_REPLAY);
    const a = done(await runLab(p, { workers: 0 }));
    const b = done(await runLab(p, { workers: 1 }));
    assert.equal(JSON.stringify(a), JSON.stringify(b));
    assert.equal(a.length, 2);
    assert.ok(a[0]!.perRun[0]!.ticks > 0);
    assert.equal(a[0]!.perRun[0]!.seed, null);
  });

  test("cancelling stops the run before its end, in this thread and in worker threads", async () => {
    for (const workers of [0, 2]) {
      const ac = new AbortController();
      const seen: number[] = [];
      const o = await runLab(small, {
        workers,
        signal: ac.signal,
        onProgress: (c) => {
          seen.push(c);
          if (c === 1) ac.abort();
        },
      });
      assert.equal(o.status, "cancelled");
      assert.deepEqual(seen, [1], `workers ${workers}: nothing reported after the cancel`);
    }
  });
});
