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

function subtract(levels: readonly BookLevel[], own: readonly OwnRestingOrder[]): readonly BookLevel[] {
  if (own.length === 0) return levels;
  const out: BookLevel[] = [];
  for (const level of levels) {
    let size = level.size;
    for (const o of own) if (o.price.eq(level.price)) size = size.sub(o.remaining);
    if (size.gt(0)) out.push(size.eq(level.size) ? level : { price: level.price, size });
  }
  return out;
}

export function excludeOwnOrders(book: OrderBook, own: Iterable<OwnRestingOrder>): OrderBook {
  const bids: OwnRestingOrder[] = [];
  const asks: OwnRestingOrder[] = [];
  for (const o of own) (o.side === "buy" ? bids : asks).push(o);
  if (!bids.length && !asks.length) return book;
  return { bids: subtract(book.bids, bids), asks: subtract(book.asks, asks), ts: book.ts };
}
