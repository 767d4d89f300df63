// Grid expansion: exact decimal ranges, lists, every combination in a fixed order, and bad input refused
// with a message that names the parameter and says what to write.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { GridError, expandRange, gridFromArgs, parseAxis, MAX_GRID_SETS } from "@/lib/lab/grid";
import { labRunRequestSchema } from "@/lib/lab/types";
import { planLab } from "@/server/lab/plan";

describe("lab grid", () => {
  test("a range steps in exact decimals and includes both ends", () => {
    assert.deepEqual(expandRange("skewFactor", "0.1:1:0.1"), ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"]);
    assert.deepEqual(expandRange("skewFactor", "0:0.3:0.15"), ["0", "0.15", "0.3"]);
    // An end the steps do not land on is not exceeded.
    assert.deepEqual(expandRange("x", "0.5:0.9:0.3"), ["0.5", "0.8"]);
  });

  test("lists and ranges expand into every combination, first axis slowest", () => {
    const { sets } = gridFromArgs(["skewMode=linear,exponential,tiered", "skewFactor=0.1:1:0.1"]);
    assert.equal(sets.length, 30);
    assert.deepEqual(sets[0], { skewMode: "linear", skewFactor: "0.1" });
    assert.deepEqual(sets[1], { skewMode: "linear", skewFactor: "0.2" });
    assert.deepEqual(sets[10], { skewMode: "exponential", skewFactor: "0.1" });
    assert.deepEqual(sets[29], { skewMode: "tiered", skewFactor: "1" });
  });

  test("values are written canonically (0.50 is 0.5)", () => {
    assert.deepEqual(gridFromArgs(["rebalanceThreshold=0.50,0.7"]).sets, [{ rebalanceThreshold: "0.5" }, { rebalanceThreshold: "0.7" }]);
  });

  const bad: [string[], RegExp][] = [
    [["skewFactor"], /name=v1,v2 or name=from:to:step/],
    [["nope=1,2"], /"nope" is not a parameter the lab can sweep/],
    [["skewMode=linear,cubic"], /"cubic" is not a skew mode; choose linear, exponential, tiered/],
    [["skewFactor=0.1:1"], /a range is from:to:step/],
    [["skewFactor=0.1:1:0"], /the step must be above 0/],
    [["skewFactor=1:0.1:0.1"], /the end 0.1 is below the start 1/],
    [["skewFactor=0.1:1:1e-1"], /is not a decimal number/],
    [["skewFactor=abc"], /"abc" is not a decimal number/],
    [["skewFactor=0.5,0.50"], /listed twice/],
    [["skewFactor=0.1,", "x=1"], /an empty value/],
    [["skewFactor=0.1", "skewFactor=0.2"], /given twice/],
    [["skewFactor=0:100:0.001"], /at most 200/],
    [["skewFactor=0:1:0.01", "rebalanceThreshold=0.1:0.9:0.01"], new RegExp(`at most ${MAX_GRID_SETS}`)],
  ];
  for (const [args, message] of bad) {
    test(`refuses ${args.join(" ")}`, () => {
      assert.throws(() => gridFromArgs(args), (err: unknown) => err instanceof GridError && message.test(err.message));
    });
  }

  test("a set the strategy would refuse is refused before anything runs, in the strategy's words", () => {
    const req = labRunRequestSchema.parse({ market: { kind: "simulated", regime: "calm", seeds: 1, durationMs: 60_000 }, grid: ["rebalanceThreshold=0.5,0.96"] });
    assert.throws(() => planLab(req), (err: unknown) => err instanceof GridError && /rebalanceThreshold=0.96: .*emergency threshold/.test(err.message));
    const over = labRunRequestSchema.parse({ market: { kind: "simulated", regime: "calm", seeds: 1, durationMs: 60_000 }, grid: ["skewFactor=0.5,1.5"] });
    assert.throws(() => planLab(over), (err: unknown) => err instanceof GridError && /skewFactor=1.5/.test(err.message));
  });

  test("parseAxis keeps whole numbers for the depth lookback", () => {
    assert.deepEqual(parseAxis("depthLookback=3,5").values, ["3", "5"]);
    assert.throws(() => parseAxis("depthLookback=2.5"), /not a whole number/);
  });

  test("the plan lists set × seed in order, the first seed of each set keeping a path", () => {
    const req = labRunRequestSchema.parse({ market: { kind: "simulated", regime: "falling", seeds: 3, firstSeed: 7, durationMs: 600_000 }, grid: ["skewFactor=0.2,0.4"] });
    const plan = planLab(req);
    assert.deepEqual(
      plan.jobs.map((j) => [j.setIndex, j.market.kind === "simulated" ? j.market.seed : null, j.keepPath]),
      [[0, 7, true], [0, 8, false], [0, 9, false], [1, 7, true], [1, 8, false], [1, 9, false]],
    );
  });
});
