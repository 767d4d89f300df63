// A lab simulation's venue builds only the part of its book the strategy reads (server/venue/types.ts,
// BookNeed): the levels up to the depth lookback's worth of levels the strategy does not ignore, plus one
// per order of ours. The cut must change nothing: every figure equals the run on the whole book, including
// where the strategy skips most levels (a large minLevelSize) and looks deep (a long lookback).
import { test } from "node:test";
import assert from "node:assert/strict";
import { simulate, type SimOptions } from "@/server/lab/simulate";
import { PaperVenue } from "@/server/venue";
import type { OrderBook } from "@/lib/market";

const minutes = 60_000;

function run(market: SimOptions["market"], params: SimOptions["params"], wholeBook: boolean) {
  return simulate({ market, params, tickMs: 500, sampleEveryMs: 30_000, keepPath: true, wholeBook });
}

/** Levels (both sides) of all the books the decision was given over a run. */
async function deepest<T>(f: () => Promise<T>): Promise<{ result: T; levels: number }> {
  const orig = PaperVenue.prototype.orderBookNow;
  let levels = 0;
  PaperVenue.prototype.orderBookNow = function (this: PaperVenue, ...a: Parameters<typeof orig>): OrderBook | null {
    const b = orig.apply(this, a);
    if (b) levels += b.bids.length + b.asks.length;
    return b;
  };
  try {
    return { result: await f(), levels };
  } finally {
    PaperVenue.prototype.orderBookNow = orig;
  }
}

const cases: { name: string; market: SimOptions["market"]; params: SimOptions["params"] }[] = [
  { name: "story market, falling, default parameters", market: { kind: "simulated", market: "story", regime: "falling", seed: 3, durationMs: 20 * minutes }, params: {} },
  { name: "story market, volatile, most levels ignored and a long lookback", market: { kind: "simulated", market: "story", regime: "volatile", seed: 4, durationMs: 20 * minutes }, params: { minLevelSize: "0.45", depthLookback: "8", skewMode: "exponential" } },
  { name: "story market, calm, tiered skew, the shortest lookback", market: { kind: "simulated", market: "story", regime: "calm", seed: 5, durationMs: 20 * minutes }, params: { depthLookback: "2", skewMode: "tiered", skewFactor: "0.9" } },
  { name: "probability market, most levels ignored", market: { kind: "simulated", market: "probability", regime: "volatile", seed: 6, durationMs: 20 * minutes }, params: { minLevelSize: "700", depthLookback: "6" } },
];

for (const c of cases) {
  test(`the lab's cut book gives the same results as the whole book: ${c.name}`, async () => {
    const whole = await deepest(() => run(c.market, c.params, true));
    const cut = await deepest(() => run(c.market, c.params, false));
    assert.ok(whole.result.metrics.fills > 0, "the desk traded");
    assert.ok(cut.levels < whole.levels, `the cut books are shallower (${cut.levels} levels in all against ${whole.levels})`);
    assert.deepEqual(cut.result.metrics, whole.result.metrics);
    assert.deepEqual(cut.result.path, whole.result.path);
  });
}
