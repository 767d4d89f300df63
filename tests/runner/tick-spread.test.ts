// A desk of many strategies on one thread (issue 12, item 4): each strategy ticks on a phase of its own
// within the interval, so a hundred of them do not all tick in the same millisecond, and a runner posts
// its status once per burst of changes rather than once per venue answer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nextOnPhase, phaseOf } from "@/server/runner/clock";
import { openPaperSession } from "@/server/runner/open-paper-session";

test("nextOnPhase: the first instant after now on the phase", () => {
  for (const [now, phase, want] of [
    [10_000, 250, 10_250],
    [10_250, 250, 11_250],
    [10_999, 0, 11_000],
    [10_251, 250, 11_250],
    [-1_500, 100, -900],
  ] as const) {
    assert.equal(nextOnPhase(now, 1000, phase), want, `now ${now} phase ${phase}`);
  }
});

test("phaseOf spreads a hundred strategies over the interval, and keeps each one's phase", () => {
  const ids = Array.from({ length: 100 }, (_, i) => `5f0c${i.toString(16).padStart(4, "0")}-8a1e-4c11-9b7e-${(i * 7919).toString(16).padStart(12, "0")}`);
  const phases = ids.map((id) => phaseOf(id, 1000));
  assert.deepEqual(phases, ids.map((id) => phaseOf(id, 1000)), "stable");
  assert.ok(phases.every((p) => Number.isInteger(p) && p >= 0 && p < 1000));
  // Were they all started together without phases, every tick would fall in one millisecond.
  const buckets = new Array<number>(10).fill(0);
  for (const p of phases) buckets[Math.floor(p / 100)]!++;
  assert.ok(Math.max(...buckets) <= 25, `ticks per 100 ms of the second: ${buckets.join(" ")}`);
  assert.ok(new Set(phases).size >= 90, "nearly every strategy on a millisecond of its own");
});

test("a runner posts one status per burst of changes (a tick and the answers that come with it), the latest", async () => {
  const journalDir = mkdtempSync(join(tmpdir(), "skewdesk-status-"));
  const events: string[] = [];
  const s = await openPaperSession({ db: "none", speed: "max", startTime: Date.UTC(2026, 0, 1), tickMs: 500, journalDir, durableJournal: false, strategyName: "status-burst", emit: (e) => void events.push(e) });
  try {
    const time = s.time as unknown as { now(): number; advanceTo(t: number): void };
    let statuses = 0;
    let answers = 0;
    for (let i = 0; i < 40; i++) {
      const t = time.now() + 500;
      time.advanceTo(t);
      events.length = 0;
      await s.runner.tick(t);
      await new Promise<void>((r) => setImmediate(r));
      statuses += events.filter((e) => e === "status").length;
      answers += events.filter((e) => e === "order").length;
    }
    assert.ok(answers >= 40, `the market gave ${answers} order events in 40 ticks: too few for the test`);
    assert.ok(statuses <= 40, `${statuses} statuses for 40 ticks and ${answers} order events (was one per answer as well)`);
    assert.ok(statuses >= 40, "still one per tick");
  } finally {
    await s.close();
  }
});
