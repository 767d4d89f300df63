// Position accounting by average cost: realized PnL when a fill reduces the position, unrealized PnL
// marked to a price, fees kept apart. Pure and exact: every amount is decimal.js.
import Decimal from "decimal.js";
import type { Side } from "@/lib/market";

export interface Position {
  /** Signed quantity: positive long, negative short. */
  readonly qty: Decimal;
  /** Average entry price of the open quantity; zero when flat. */
  readonly avgPrice: Decimal;
  /** Realized PnL before fees. */
  readonly realized: Decimal;
  /** Fees paid (positive) or rebates received (negative). */
  readonly fees: Decimal;
  /** Largest |qty| seen. */
  readonly peak: Decimal;
}

export interface PositionFill {
  readonly side: Side;
  readonly price: Decimal;
  readonly size: Decimal;
  readonly fee: Decimal;
}

const ZERO = new Decimal(0);

export const flatPosition: Position = { qty: ZERO, avgPrice: ZERO, realized: ZERO, fees: ZERO, peak: ZERO };

export function applyFill(pos: Position, fill: PositionFill): Position {
  const signed = fill.side === "buy" ? fill.size : fill.size.neg();
  const qty = pos.qty.add(signed);
  const fees = pos.fees.add(fill.fee);
  const peak = Decimal.max(pos.peak, qty.abs());
  const sameDirection = pos.qty.isZero() || pos.qty.isNegative() === signed.isNegative();

  if (sameDirection) {
    // Adding to the position: the average entry moves toward the fill price.
    const avgPrice = pos.qty.abs().mul(pos.avgPrice).add(fill.size.mul(fill.price)).div(qty.abs());
    return { qty, avgPrice, realized: pos.realized, fees, peak };
  }

  // Reducing (and possibly flipping): the closed part realizes against the average entry.
  const closed = Decimal.min(pos.qty.abs(), fill.size);
  const direction = pos.qty.isNegative() ? -1 : 1;
  const realized = pos.realized.add(fill.price.sub(pos.avgPrice).mul(closed).mul(direction));
  let avgPrice: Decimal;
  if (qty.isZero()) avgPrice = ZERO;
  else if (qty.isNegative() === pos.qty.isNegative()) avgPrice = pos.avgPrice;
  else avgPrice = fill.price; // flipped through zero: the remainder opened at this fill's price
  return { qty, avgPrice, realized, fees, peak };
}

/** Unrealized PnL of the open quantity marked at `mark`. */
export function unrealizedPnl(pos: Position, mark: Decimal | null): Decimal {
  if (mark === null || pos.qty.isZero()) return ZERO;
  return mark.sub(pos.avgPrice).mul(pos.qty);
}

/** Total PnL net of fees. */
export function totalPnl(pos: Position, mark: Decimal | null): Decimal {
  return pos.realized.add(unrealizedPnl(pos, mark)).sub(pos.fees);
}
