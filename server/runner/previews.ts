// What the operator sees before acting: the quotes new parameters would give, and what an emergency close
// would trade. Read-only views over the last book.
import Decimal from "decimal.js";
import type { EmergencyPreviewDTO, QuotePreviewDTO } from "@/lib/events";
import type { MarketSpec, OrderBook, Side } from "@/lib/market";
import type { QuoteDecision } from "@/lib/strategy";

const str = (d: Decimal | null | undefined) => (d ? d.toString() : null);

export function previewOf(d: QuoteDecision): QuotePreviewDTO {
  return {
    bid: d.bid ? { price: d.bid.price.toString(), size: d.bid.size.toString() } : null,
    ask: d.ask ? { price: d.ask.price.toString(), size: d.ask.size.toString() } : null,
    skipped: d.skipped.map((s) => ({ side: s.side, reason: s.reason })),
    action: d.action ? { kind: d.action.kind, side: d.action.side, amount: d.action.amount.toString() } : null,
    mid: str(d.metrics.mid),
    warnings: [...d.warnings],
  };
}

export function emergencyPreviewOf(inventory: Decimal, target: Decimal, market: MarketSpec, book: OrderBook | null): EmergencyPreviewDTO {
  const excess = inventory.sub(target);
  const amount = excess.abs().div(market.lotSize).floor().mul(market.lotSize);
  const side: Side | null = amount.gt(0) ? (excess.gt(0) ? "sell" : "buy") : null;
  return {
    side,
    amount: amount.toString(),
    estimatedPrice: side ? str(estimateMarketPrice(book, side, amount, market)) : null,
    inventory: inventory.toString(),
    targetInventory: target.toString(),
  };
}

/** Volume-weighted price a market order of `amount` would get from the book. */
function estimateMarketPrice(book: OrderBook | null, side: Side, amount: Decimal, market: MarketSpec): Decimal | null {
  const levels = side === "sell" ? book?.bids : book?.asks;
  if (!levels?.length) return null;
  let left = amount;
  let cost = new Decimal(0);
  for (const l of levels) {
    const take = Decimal.min(left, l.size);
    cost = cost.add(take.mul(l.price));
    left = left.sub(take);
    if (left.lte(0)) break;
  }
  const got = amount.sub(left);
  return got.gt(0) ? cost.div(got).toDecimalPlaces(market.tickSize.decimalPlaces()) : null;
}
