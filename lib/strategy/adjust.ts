// The story's adjustQuotes, without its defect (a).
//
// The story shifts quotes by mid × |skew|: at its own defaults a 30% inventory moves a 2000 quote by 300 and the
// ask lands far below mid, an order that takes liquidity at once. Here the skew keeps the story's values and
// shape (long: bid down by the full amount, ask down by half; short: mirrored) but the PRICE UNIT is a parameter:
//   skewUnit = price distance per 1.0 of skew; default = the base spread (baseAsk − baseBid).
// With that default a linear or exponential skew (|skew| <= skewFactor <= 1 while |ratio| <= 1) moves the ask by at
// most half a spread, i.e. never past mid. Tiered mode (up to 2×) and custom units can go further, so the result
// is then clamped so neither side crosses the opposite best price (post-only): bid < bestAsk and ask > bestBid.
// With a tick size the quotes are rounded (bid down, ask up) and capped at the last tick before the opposite price,
// which keeps them monotone in inventory; without one, only a crossing quote moves, one step (the finest decimal
// place of the inputs) back.
// Without a book, mid stands for both best prices, which is post-only safe against every uncrossed book with that
// mid. `allowCross: true` (a rebalance that wants to take liquidity) skips the clamp. bid < ask holds in all cases:
// the shift widens the gap and the clamp only lowers the bid or raises the ask.
import Decimal from "decimal.js";
import { calculateSkew, type InventoryConfig } from "./inventory";

export interface AdjustQuotesOptions {
  /** Price distance per 1.0 of skew. Default: baseAsk − baseBid. */
  readonly skewUnit?: Decimal;
  /** When given, the bid is rounded down and the ask up to this grid, and it is the post-only step. */
  readonly tickSize?: Decimal;
  /** Best prices of the book, for the post-only clamp. Default: mid. */
  readonly bestBid?: Decimal;
  readonly bestAsk?: Decimal;
  /** Allow the quotes to cross the book (rebalance). Default false. */
  readonly allowCross?: boolean;
}

export interface AdjustedQuotes {
  readonly bid: Decimal;
  readonly ask: Decimal;
}

/** The finest decimal step among the inputs: how far a crossing quote is pulled back when no tick size is given. */
function inputStep(values: ReadonlyArray<Decimal | undefined>): Decimal {
  let dp = 0;
  for (const v of values) if (v) dp = Math.max(dp, v.decimalPlaces());
  return new Decimal(10).pow(-dp);
}

export function adjustQuotes(
  config: InventoryConfig,
  inventory: Decimal,
  baseBid: Decimal,
  baseAsk: Decimal,
  mid: Decimal,
  options: AdjustQuotesOptions = {},
): AdjustedQuotes {
  if (!baseBid.lt(baseAsk))
    throw new RangeError(`baseBid (${baseBid.toString()}) must be below baseAsk (${baseAsk.toString()})`);
  const unit = options.skewUnit ?? baseAsk.minus(baseBid);
  if (unit.isNegative()) throw new RangeError(`skewUnit must not be negative, got ${unit.toString()}`);

  const skew = calculateSkew(config, inventory);
  const amount = unit.times(Math.abs(skew));
  let bid = baseBid;
  let ask = baseAsk;
  if (skew > 0) {
    // long: lower both, the bid more, so sells fill and buys don't
    bid = baseBid.minus(amount);
    ask = baseAsk.minus(amount.times(0.5));
  } else if (skew < 0) {
    bid = baseBid.plus(amount.times(0.5));
    ask = baseAsk.plus(amount);
  }

  const tick = options.tickSize;
  const refAsk = options.bestAsk ?? mid;
  const refBid = options.bestBid ?? mid;
  if (tick) {
    // On a grid: round first, then cap at the last tick before the opposite price. Monotone in inventory.
    bid = bid.toNearest(tick, Decimal.ROUND_FLOOR);
    ask = ask.toNearest(tick, Decimal.ROUND_CEIL);
    if (!options.allowCross) {
      const bidCap = refAsk.toNearest(tick, Decimal.ROUND_CEIL).minus(tick);
      const askFloor = refBid.toNearest(tick, Decimal.ROUND_FLOOR).plus(tick);
      if (bid.gt(bidCap)) bid = bidCap;
      if (ask.lt(askFloor)) ask = askFloor;
    }
  } else if (!options.allowCross) {
    // No grid: only a crossing quote moves, one step (the inputs' finest decimal place) back.
    const step = inputStep([baseBid, baseAsk, mid, options.bestBid, options.bestAsk]);
    if (bid.gte(refAsk)) bid = refAsk.minus(step);
    if (ask.lte(refBid)) ask = refBid.plus(step);
  }
  return { bid, ask };
}
