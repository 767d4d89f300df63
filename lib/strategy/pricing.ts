// The quote-price kernel shared by calculateMmPrices, the thin-book fallback and decideQuotes.
// All values are exact scaled BigInts (exact.ts); the only rounding is to the venue's tick, bids down, asks up.
import { ceilDiv, floorDiv, maxBig, minBig, type Frac } from "./exact";

/** The venue's price grid in ticks: quotes must lie in [lo, hi] (lo >= 1 tick: a price is never 0). */
export interface PriceGrid {
  readonly tick: bigint;
  readonly lo: bigint;
  readonly hi: bigint;
}

export function priceGrid(tick: bigint, minPrice: bigint, maxPrice: bigint): PriceGrid {
  const lo = ceilDiv(minPrice, tick);
  return { tick, lo: lo < 1n ? 1n : lo, hi: floorDiv(maxPrice, tick) };
}

export const NO_BID_IN_BAND = "no post-only bid inside the price band";
export const NO_ASK_IN_BAND = "no post-only ask inside the price band";

export interface TickQuotes {
  /** Prices in ticks, or null with the reason in bidReason / askReason. */
  bid: bigint | null;
  ask: bigint | null;
  bidReason: string | null;
  askReason: string | null;
}

/**
 * bid = (center2 − spread) / 2 + shiftN / shiftD and ask = (center2 + spread) / 2 + shiftN / shiftD, exactly
 * (center2 is twice the centre price, so no half is ever rounded), then:
 * 1. bid rounded DOWN and ask rounded UP to the tick (spread > 0 keeps bid < ask);
 * 2. both clamped into the band; if both land on the same edge they are pulled one tick apart;
 * 3. post-only: bid < bestAsk and ask > bestBid of the raw book (null = that side of the book is empty);
 * 4. a side pushed out of the band by 3 is dropped (null) rather than moved back across the book.
 */
export function quoteTicks(
  center2: bigint,
  spread: bigint,
  shiftN: bigint,
  shiftD: bigint,
  grid: PriceGrid,
  bestBid: bigint | null,
  bestAsk: bigint | null,
): TickQuotes {
  const den = 2n * shiftD * grid.tick;
  const bidNum = (center2 - spread) * shiftD + 2n * shiftN;
  const askNum = bidNum + 2n * spread * shiftD;
  let bid = floorDiv(bidNum, den);
  let ask = ceilDiv(askNum, den);
  if (bid >= ask) ask = bid + 1n; // only reachable with a zero spread; keeps the invariant local

  bid = minBig(maxBig(bid, grid.lo), grid.hi);
  ask = minBig(maxBig(ask, grid.lo), grid.hi);
  if (bid >= ask) {
    if (ask < grid.hi) ask = bid + 1n;
    else bid = ask - 1n;
  }

  if (bestAsk !== null) bid = minBig(bid, ceilDiv(bestAsk, grid.tick) - 1n);
  if (bestBid !== null) ask = maxBig(ask, floorDiv(bestBid, grid.tick) + 1n);

  const bidOk = bid >= grid.lo && bid <= grid.hi;
  const askOk = ask >= grid.lo && ask <= grid.hi;
  return {
    bid: bidOk ? bid : null,
    ask: askOk ? ask : null,
    bidReason: bidOk ? null : NO_BID_IN_BAND,
    askReason: askOk ? null : NO_ASK_IN_BAND,
  };
}

/**
 * The price shift as one fraction: inventoryShift + imbalanceUnit × (bidDepth − askDepth) / (bidDepth + askDepth),
 * where inventoryShift = −skewUnit × skew. Long inventory (skew > 0) lowers both quotes, as the Rust document's
 * TEXT says (its formula adds +skew × 0.01, which would raise them). More bid depth than ask depth (imbalance < 0
 * in the document's convention imbalance = (ask − bid) / (ask + bid)) raises both quotes: −imbalance × unit.
 * The depths may be in any unit, the same for both.
 */
export function priceShift(inventoryShift: Frac, imbalanceUnit: bigint, bidDepth: bigint, askDepth: bigint): Frac {
  const total = bidDepth + askDepth;
  if (total === 0n || imbalanceUnit === 0n) return inventoryShift;
  return {
    n: inventoryShift.n * total + imbalanceUnit * (bidDepth - askDepth) * inventoryShift.d,
    d: inventoryShift.d * total,
  };
}
