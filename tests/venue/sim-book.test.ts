// The simulated book side: the market's levels after depletion, our resting orders merged in at their
// prices, at most `depth` levels, best first. Built every tick from scratch arrays it shares between calls,
// so one build must never leak into the next.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PAPER_MARKETS } from "@/server/runner/paper-market";
import { LazyLevel, MarketGrid } from "@/server/venue/grid";
import type { LevelSource, SimOrder } from "@/server/venue/matching";
import { buildBookSide } from "@/server/venue/sim-book";

const grid = new MarketGrid(PAPER_MARKETS.story.market);

function source(dir: 1 | -1, levels: Array<[number, number]>, depleted = 0): LevelSource {
  return { dir, levelCount: () => levels.length, levelTick: (i) => levels[i]![0], levelLots: (i) => levels[i]![1], depleted };
}
const own = (priceTick: number, sizeLots: number, filledLots = 0) => ({ priceTick, sizeLots, filledLots }) as unknown as SimOrder;
const shape = (side: readonly unknown[]) =>
  side.map((l) => {
    const x = l as LazyLevel;
    return `${x.tick}x${x.lots}`;
  });

test("depletion comes off the top, our orders join their level or make one, best first", () => {
  const first = buildBookSide(source(-1, [[100, 5], [99, 4], [98, 3], [97, 2]]), [], 50, grid);
  // The top level was partly taken, a level of ours joined at 98 and one rests alone at 96.5 (tick 96 in between).
  const again = buildBookSide(source(-1, [[100, 5], [99, 4], [98, 3], [97, 2], [95, 7]], 2), [own(98, 2, 1), own(96, 3)], 50, grid);
  assert.deepEqual(shape(first), ["100x5", "99x4", "98x3", "97x2"], "the first build is untouched by the second");
  assert.deepEqual(shape(again), ["100x3", "99x4", "98x4", "97x2", "96x3", "95x7"]);
  assert.equal(again[0]!.price.toString(), grid.price(100).toString());
  assert.equal(again[0]!.size.toString(), grid.size(3).toString());
});

test("asks walk the other way, and depth caps the levels shown (ours merged first)", () => {
  assert.deepEqual(shape(buildBookSide(source(1, [[101, 1], [102, 2], [103, 3]]), [], 2, grid)), ["101x1", "102x2"]);
  assert.deepEqual(shape(buildBookSide(source(1, [[102, 2], [103, 3], [104, 4]]), [own(101, 1)], 2, grid)), ["101x1", "102x2"]);
  assert.deepEqual(shape(buildBookSide(source(1, [[102, 2]], 5), [], 2, grid)), [], "a level eaten whole is not shown");
});
