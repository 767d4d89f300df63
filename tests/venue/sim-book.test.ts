// The simulated book is rebuilt every tick from the previous one: a level still there with the same price
// and size is handed out again (levels are immutable), and the book is the one a fresh build gives.
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
const shape = (side: readonly unknown[]) => side.map((l) => { const x = l as LazyLevel; return `${x.tick}x${x.lots}`; });

test("a rebuilt side equals a fresh build and reuses the levels that did not change", () => {
  const first = buildBookSide(source(-1, [[100, 5], [99, 4], [98, 3], [97, 2]]), [], 50, grid);
  // The market moved: the top level was partly taken, a level of ours joined at 98, 96 appeared.
  const src = source(-1, [[100, 5], [99, 4], [98, 3], [97, 2], [96, 7]], 2);
  const mine = [own(98, 2, 1)];
  const again = buildBookSide(src, mine, 50, grid, first);
  assert.deepEqual(shape(again), shape(buildBookSide(src, mine, 50, grid)));
  assert.deepEqual(shape(again), ["100x3", "99x4", "98x4", "97x2", "96x7"]);
  assert.notEqual(again[0], first[0], "the top level changed size: a new level");
  assert.equal(again[1], first[1], "99 unchanged: the same level object");
  assert.notEqual(again[2], first[2], "98 grew by our order: a new level");
  assert.equal(again[3], first[3]);
  assert.notEqual(again, first, "a new array every build: a book handed out is never changed");
});

test("asks walk the other way, and depth caps the levels shown (ours merged first)", () => {
  const first = buildBookSide(source(1, [[101, 1], [102, 2], [103, 3]]), [], 2, grid);
  assert.deepEqual(shape(first), ["101x1", "102x2"]);
  const again = buildBookSide(source(1, [[102, 2], [103, 3], [104, 4]]), [own(101, 1)], 2, grid, first);
  assert.deepEqual(shape(again), ["101x1", "102x2"]);
  assert.equal(again[1], first[1]);
});
