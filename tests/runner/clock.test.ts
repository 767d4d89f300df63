import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Clock, SimulatedTime } from "@/server/runner/clock";

describe("Clock", () => {
  test("simulated time at max speed ticks every interval until endAt", async () => {
    const time = new SimulatedTime(1_000);
    const seen: Array<[number, number]> = [];
    const clock = new Clock({ intervalMs: 100, speed: "max", sim: { time, endAt: 2_000 } }, (n, ts) => {
      seen.push([n, ts]);
    });
    await clock.start();
    assert.equal(seen.length, 10);
    assert.deepEqual(seen[0], [1, 1_100]);
    assert.deepEqual(seen.at(-1), [10, 2_000]);
    assert.equal(time.now(), 2_000);
  });

  test("ticks never overlap even when a tick is slow", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const clock = new Clock({ intervalMs: 10, speed: "realtime" }, async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 25));
      inFlight--;
    });
    const done = clock.start();
    // Wait on the clock's own count, not on wall time: a loaded machine may take far longer than 3 × 25 ms.
    while (clock.ticks < 3) await new Promise((r) => setTimeout(r, 5));
    await clock.stop();
    await done;
    assert.equal(maxInFlight, 1);
  });

  test("a throwing tick is reported and the clock goes on", async () => {
    const errors: number[] = [];
    const time = new SimulatedTime(0);
    const clock = new Clock({ intervalMs: 10, speed: "max", sim: { time, endAt: 50 }, onError: (_e, n) => errors.push(n) }, (n) => {
      if (n % 2 === 0) throw new Error("boom");
    });
    await clock.start();
    assert.deepEqual(errors, [2, 4]);
    assert.equal(clock.ticks, 5);
  });

  test("refuses an interval under 10 ms and acceleration without simulated time", () => {
    assert.throws(() => new Clock({ intervalMs: 5, speed: "realtime" }, () => {}), /tick interval/);
    assert.throws(() => new Clock({ intervalMs: 10, speed: "max" }, () => {}), /simulated time/);
  });
});
