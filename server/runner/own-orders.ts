// Venues show our own resting orders in the book. Quoting off a book that contains our quotes would chase
// ourselves (our bid becomes the best bid, the mid drifts toward us), so the strategy sees the book less
// our remaining size at our prices.
import type Decimal from "decimal.js";
import type { BookLevel, OrderBook } from "@/lib/market";
import { LazyLevel, type MarketGrid } from "@/server/venue/grid";

/** An order of ours as the tracker holds it (a tracked order is one); orders without a price are skipped. */
export interface OwnRestingOrder {
  readonly side: "buy" | "sell";
  readonly price: Decimal | null;
  readonly size: Decimal;
  readonly filled: Decimal;
}

/**
 * Levels are sorted best first, so the walk stops at the first level worse than our price: only the few
 * levels in front of our quote are read (venues may build level values lazily).
 */
function subtract(levels: readonly BookLevel[], own: OwnRestingOrder, price: Decimal, bids: boolean): readonly BookLevel[] {
  const first = levels[0];
  if (first instanceof LazyLevel) {
    const out = subtractOnGrid(levels, own, price, bids, first.grid);
    if (out !== null) return out;
  }
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    const cmp = level.price.cmp(price);
    if (cmp === 0) {
      const size = level.size.sub(own.size.sub(own.filled));
      const out = levels.slice();
      if (size.gt(0)) out[i] = { price: level.price, size };
      else out.splice(i, 1);
      return out;
    }
    if (bids ? cmp < 0 : cmp > 0) break;
  }
  return levels;
}

/**
 * The same walk on a simulated venue's book, whose levels know their ticks and lots: integer comparisons
 * instead of a Decimal comparison and subtraction per level (every tick of a simulation passes here). Null
 * when something is off the grid or not a grid level: the Decimal walk then decides, as it always has.
 */
function subtractOnGrid(levels: readonly BookLevel[], own: OwnRestingOrder, price: Decimal, bids: boolean, grid: MarketGrid): readonly BookLevel[] | null {
  const tick = grid.ticksExact(price);
  const size = grid.lotsExact(own.size);
  const filled = grid.lotsExact(own.filled);
  if (tick === null || size === null || filled === null) return null;
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (!(level instanceof LazyLevel) || level.grid !== grid) return null;
    if (level.tick === tick) {
      const left = level.lots - (size - filled);
      const out = levels.slice();
      if (left > 0) out[i] = new LazyLevel(grid, tick, left);
      else out.splice(i, 1);
      return out;
    }
    if (bids ? level.tick < tick : level.tick > tick) break;
  }
  return levels;
}

export function excludeOwnOrders(book: OrderBook, own: Iterable<OwnRestingOrder>): OrderBook {
  let bids = book.bids;
  let asks = book.asks;
  for (const o of own) {
    if (o.price === null) continue;
    if (o.side === "buy") bids = subtract(bids, o, o.price, true);
    else asks = subtract(asks, o, o.price, false);
  }
  return bids === book.bids && asks === book.asks ? book : { bids, asks, ts: book.ts };
}
