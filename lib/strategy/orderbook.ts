// Order-book analysis and order-book-aware quoting from the Rust document (002_1b4225c511bb2c36.txt).
import Decimal from "decimal.js";
import type { BookLevel, OrderBook } from "@/lib/market";
import {
  UNITS7_TO_SCALED,
  fromScaled,
  fromUnits,
  maxBig,
  minBig,
  ratioNumber,
  toFrac,
  toScaled,
  toUnits7,
  units7Of,
  type Frac,
} from "./exact";
import { priceGrid, priceShift, quoteTicks } from "./pricing";

export interface OrderBookDepth {
  readonly bestBid: BookLevel;
  readonly bestAsk: BookLevel;
  readonly secondBid: BookLevel;
  readonly secondAsk: BookLevel;
  /** Sum of the sizes of the levels used (after the min-size filter, up to the lookback). */
  readonly bidDepth: Decimal;
  readonly askDepth: Decimal;
  /** (askDepth − bidDepth) / (askDepth + bidDepth), in [−1, 1]: negative when bids are deeper. */
  readonly imbalance: number;
}

/** One side of the book after the filter: indices of its first two usable levels and its scaled depth. */
export interface SideScan {
  readonly first: number;
  readonly second: number;
  /** Scaled (10^-18 units). */
  readonly depth: bigint;
  /** The same in 10^-7 units as an exact double, or NaN when the sizes didn't fit (smaller numbers, cheaper math). */
  readonly depth7: number;
}

/**
 * Walks levels best first, skipping sizes below `minSize` (and empty levels), until `lookback` usable levels are
 * summed. Null when fewer than 2 usable levels exist: the caller must not invent a price.
 */
export function scanSide(
  levels: readonly BookLevel[],
  minSize: bigint,
  lookback: number,
  min7: number = units7Of(minSize),
): SideScan | null {
  // Fast path: sizes as exact integer doubles in 1e-7 units (exact.ts); any size that doesn't fit → BigInt path.
  if (min7 === min7) {
    let first = -1;
    let second = -1;
    let count = 0;
    let depth = 0;
    let exact = true;
    for (let i = 0; i < levels.length && count < lookback; i++) {
      const size = toUnits7(levels[i]!.size);
      if (size !== size) {
        exact = false;
        break;
      }
      if (size <= 0 || size < min7) continue;
      if (count === 0) first = i;
      else if (count === 1) second = i;
      depth += size;
      count++;
    }
    if (exact && Number.isSafeInteger(depth))
      return count < 2 ? null : { first, second, depth: BigInt(depth) * UNITS7_TO_SCALED, depth7: depth };
  }
  let first = -1;
  let second = -1;
  let count = 0;
  let depth = 0n;
  for (let i = 0; i < levels.length && count < lookback; i++) {
    const size = toScaled(levels[i]!.size, "book level size");
    if (size <= 0n || size < minSize) continue;
    if (count === 0) first = i;
    else if (count === 1) second = i;
    depth += size;
    count++;
  }
  return count < 2 ? null : { first, second, depth, depth7: NaN };
}

export function imbalanceOf(bidDepth: bigint, askDepth: bigint): number {
  return ratioNumber(askDepth - bidDepth, askDepth + bidDepth);
}

function checkLookback(depthLookback: number): void {
  if (!Number.isInteger(depthLookback) || depthLookback < 2)
    throw new RangeError(`depthLookback must be an integer >= 2, got ${depthLookback}`);
}

/** The document's analyze_order_book_depth_safe: null when either side has fewer than 2 usable levels. */
export function analyzeOrderBookDepth(
  book: Pick<OrderBook, "bids" | "asks">,
  minSize: Decimal,
  depthLookback: number,
): OrderBookDepth | null {
  checkLookback(depthLookback);
  const min = toScaled(minSize, "minSize");
  const bids = scanSide(book.bids, min, depthLookback);
  if (!bids) return null;
  const asks = scanSide(book.asks, min, depthLookback);
  if (!asks) return null;
  return {
    bestBid: book.bids[bids.first]!,
    bestAsk: book.asks[asks.first]!,
    secondBid: book.bids[bids.second]!,
    secondAsk: book.asks[asks.second]!,
    bidDepth: fromScaled(bids.depth),
    askDepth: fromScaled(asks.depth),
    imbalance: imbalanceOf(bids.depth, asks.depth),
  };
}

/** The seed's name for the same function. */
export const analyzeOrderBookDepthSafe = analyzeOrderBookDepth;

export interface MmPriceParams {
  /** The venue's price grid. Required: quotes are rounded to it (bids down, asks up). */
  readonly tickSize: Decimal;
  /** Spread bounds; defaults 0.002 and 0.02 (the document's TradingConfig). */
  readonly minSpread?: Decimal;
  readonly maxSpread?: Decimal;
  /** Price shift per 1.0 of inventory skew (long lowers both quotes). Default 0.01, the document's "1%". */
  readonly skewUnit?: Decimal;
  /** Price shift per 1.0 of imbalance, applied as −imbalance × unit. Default 0.005. */
  readonly imbalanceUnit?: Decimal;
  /** Price band; default [0.01, 0.99] for probability markets. */
  readonly minPrice?: Decimal;
  readonly maxPrice?: Decimal;
  /** Raw top of book for the post-only guard (it can hold levels the min-size filter dropped). Default: depth's. */
  readonly bestBid?: Decimal | null;
  readonly bestAsk?: Decimal | null;
}

export const MM_PRICE_DEFAULTS = {
  minSpread: new Decimal("0.002"),
  maxSpread: new Decimal("0.02"),
  skewUnit: new Decimal("0.01"),
  imbalanceUnit: new Decimal("0.005"),
  minPrice: new Decimal("0.01"),
  maxPrice: new Decimal("0.99"),
} as const;

export interface MmPrices {
  readonly bid: Decimal | null;
  readonly ask: Decimal | null;
}

/**
 * The document's calculate_mm_prices with its text's direction:
 *   mid = (bestBid + bestAsk) / 2, spread = clamp(bestAsk − bestBid, minSpread, maxSpread)
 *   shift = −inventorySkew × skewUnit − imbalance × imbalanceUnit
 *   bid = mid − spread/2 + shift, ask = mid + spread/2 + shift
 * computed exactly, rounded to the tick (bid down, ask up), clamped to the band, then made post-only against the
 * best prices. A side that cannot be both post-only and inside the band is null.
 * inventorySkew is read at its shortest decimal spelling (0.25 is exactly 0.25), or pass an exact fraction.
 */
export function calculateMmPrices(depth: OrderBookDepth, inventorySkew: number | Frac, params: MmPriceParams): MmPrices {
  const tick = toScaled(params.tickSize, "tickSize");
  if (tick <= 0n) throw new RangeError("tickSize must be greater than 0");
  const minSpread = toScaled(params.minSpread ?? MM_PRICE_DEFAULTS.minSpread, "minSpread");
  const maxSpread = toScaled(params.maxSpread ?? MM_PRICE_DEFAULTS.maxSpread, "maxSpread");
  if (minSpread <= 0n || minSpread > maxSpread) throw new RangeError("need 0 < minSpread <= maxSpread");
  const skewUnit = toScaled(params.skewUnit ?? MM_PRICE_DEFAULTS.skewUnit, "skewUnit");
  const imbalanceUnit = toScaled(params.imbalanceUnit ?? MM_PRICE_DEFAULTS.imbalanceUnit, "imbalanceUnit");
  const grid = priceGrid(
    tick,
    toScaled(params.minPrice ?? MM_PRICE_DEFAULTS.minPrice, "minPrice"),
    toScaled(params.maxPrice ?? MM_PRICE_DEFAULTS.maxPrice, "maxPrice"),
  );
  const skew = typeof inventorySkew === "number" ? toFrac(inventorySkew, "inventorySkew") : inventorySkew;

  const bb = toScaled(depth.bestBid.price, "bestBid");
  const ba = toScaled(depth.bestAsk.price, "bestAsk");
  const spread = minBig(maxBig(ba - bb, minSpread), maxSpread);
  const shift = priceShift(
    { n: -skewUnit * skew.n, d: skew.d },
    imbalanceUnit,
    toScaled(depth.bidDepth, "bidDepth"),
    toScaled(depth.askDepth, "askDepth"),
  );
  const rawBid = params.bestBid === undefined ? bb : params.bestBid === null ? null : toScaled(params.bestBid);
  const rawAsk = params.bestAsk === undefined ? ba : params.bestAsk === null ? null : toScaled(params.bestAsk);
  const q = quoteTicks(bb + ba, spread, shift.n, shift.d, grid, rawBid, rawAsk);
  return {
    bid: q.bid === null ? null : fromUnits(q.bid, params.tickSize, tick),
    ask: q.ask === null ? null : fromUnits(q.ask, params.tickSize, tick),
  };
}
