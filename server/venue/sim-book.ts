// The book a simulated venue shows: its market's displayed levels after the depletion trades caused since
// the last refresh, merged with our resting orders as a real venue's book includes them. Built on demand
// (fetchOrderBook), never in the event loop, with lazy Decimal levels.
import type { BookLevel } from "@/lib/market";
import { LazyLevel, type MarketGrid } from "./grid";
import type { LevelSource, SimOrder } from "./matching";

// Scratch for the merge, reused by every call (nothing here is reentrant): the book is built every tick.
const ticks: number[] = [];
const lots: number[] = [];

/**
 * Displayed levels after depletion, merged with our resting orders (`own`, best first), best first. With a
 * need (a reader's BookNeed in lots), the market's levels stop once `needLevels` of them hold `needLots` or
 * more: our orders merged in and taken out again by the reader change at most one level each, and the need
 * counts them.
 */
export function buildBookSide(src: LevelSource, own: readonly SimOrder[], depth: number, grid: MarketGrid, needLevels = Infinity, needLots = 1): BookLevel[] {
  const dir = src.dir;
  ticks.length = 0;
  lots.length = 0;
  const n = src.levelCount();
  let cum = 0;
  let enough = 0;
  // Levels past the depth-th cannot be shown: our orders merged in can only push them further out.
  for (let i = 0; i < n && ticks.length < depth && enough < needLevels; i++) {
    const l = src.levelLots(i);
    let rem = cum + l - src.depleted;
    rem = rem <= 0 ? 0 : rem > l ? l : rem;
    cum += l;
    if (rem > 0) {
      ticks.push(src.levelTick(i));
      lots.push(rem);
      if (rem >= needLots) enough++;
    }
  }
  for (const o of own) {
    const rem = o.sizeLots - o.filledLots;
    let k = 0;
    while (k < ticks.length && (dir < 0 ? ticks[k]! > o.priceTick : ticks[k]! < o.priceTick)) k++;
    if (ticks[k] === o.priceTick) lots[k]! += rem;
    else {
      ticks.splice(k, 0, o.priceTick);
      lots.splice(k, 0, rem);
    }
  }
  const shown = Math.min(ticks.length, depth);
  const out: BookLevel[] = new Array<BookLevel>(shown);
  for (let k = 0; k < shown; k++) out[k] = new LazyLevel(grid, ticks[k]!, lots[k]!);
  return out;
}
