// The story's claim, tested on the paper venue's falling market: with the inventory skew on, inventory
// spends less time past the rebalance threshold than with the skew off (same seeds, same market).
import { test } from "node:test";
import assert from "node:assert/strict";
import { compareSkew } from "@/bench/skew-falling";

test("falling market: skew keeps inventory under the rebalance threshold more often than no skew", async () => {
  const { on, off } = await compareSkew(8, 10);
  const sum = (xs: typeof on, k: "ticksAboveRebalance" | "emergencies" | "ticks") => xs.reduce((a, x) => a + x[k], 0);
  const aboveOn = sum(on, "ticksAboveRebalance") / sum(on, "ticks");
  const aboveOff = sum(off, "ticksAboveRebalance") / sum(off, "ticks");
  console.log(`above rebalance: skew on ${(aboveOn * 100).toFixed(3)}%, skew off ${(aboveOff * 100).toFixed(3)}%; emergencies on ${sum(on, "emergencies")}, off ${sum(off, "emergencies")}`);
  assert.ok(sum(on, "ticks") > 0 && sum(off, "ticks") > 0);
  assert.ok(aboveOn < aboveOff, `skew on ${aboveOn} vs off ${aboveOff}`);
  assert.ok(sum(on, "emergencies") <= sum(off, "emergencies"));
});
