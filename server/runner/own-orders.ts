// Venues show our own resting orders in the book. Quoting off a book that contains our quotes would chase
// ourselves (our bid becomes the best bid, the mid drifts toward us), so the strategy sees the book less
// our remaining size at our prices.
import type Decimal from "decimal.js";
import type { BookLevel, OrderBook } from "@/lib/market";

export interface OwnRestingOrder {
  readonly side: "buy" | "sell";
  readonly price: Decimal;
  readonly remaining: Decimal;
}

/**
 * Levels are sorted best first, so the walk stops at the first level worse than our price: only the few
 * levels in front of our quote are read (venues may build level values lazily).
 */
function subtract(levels: readonly BookLevel[], own: OwnRestingOrder, bids: boolean): readonly BookLevel[] {
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    const cmp = level.price.cmp(own.price);
    if (cmp === 0) {
      const size = level.size.sub(own.remaining);
      const out = levels.slice();
      if (size.gt(0)) out[i] = { price: level.price, size };
      else out.splice(i, 1);
      return out;
    }
    if (bids ? cmp < 0 : cmp > 0) break;
  }
  return levels;
}

export function excludeOwnOrders(book: OrderBook, own: Iterable<OwnRestingOrder>): OrderBook {
  let bids = book.bids;
  let asks = book.asks;
  for (const o of own) {
    if (o.side === "buy") bids = subtract(bids, o, true);
    else asks = subtract(asks, o, false);
  }
  return bids === book.bids && asks === book.asks ? book : { bids, asks, ts: book.ts };
}
