// Market vocabulary shared by the strategy core, the venues and the runner.
// Prices and sizes are decimal.js values inside the process and decimal strings at every boundary.
import type Decimal from "decimal.js";

export type Side = "buy" | "sell";

export interface BookLevel {
  readonly price: Decimal;
  readonly size: Decimal;
  /**
   * A venue that keeps its levels on a grid may give the price and size as exact integer counts of 10^-7
   * (toUnits7's values), undefined when they are not: a reader then compares integers it already holds instead
   * of loading each Decimal's digits (a book's Decimals sit all over the heap: a cache miss each).
   */
  readonly priceUnits7?: number;
  readonly sizeUnits7?: number;
}

/** An L2 book, best level first on both sides (bids descending, asks ascending). */
export interface OrderBook {
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
  /** Exchange timestamp of the snapshot, ms since epoch. */
  readonly ts: number;
}

/** What a venue tells us about the instrument: the grid prices and sizes must sit on. */
export interface MarketSpec {
  readonly symbol: string;
  readonly tickSize: Decimal;
  readonly lotSize: Decimal;
  readonly minSize: Decimal;
  /** Price band the venue accepts; [0.01, 0.99] for probability markets. */
  readonly minPrice: Decimal;
  readonly maxPrice: Decimal;
  readonly makerFeeRate: Decimal;
  readonly takerFeeRate: Decimal;
  /** What sizes and inventory count (ETH; a probability market's outcome shares). Default: from the symbol. */
  readonly baseCurrency?: string;
  /** What prices, fees and PnL are in (USD). Default: from the symbol. */
  readonly quoteCurrency?: string;
  /**
   * The lowest position the venue lets us hold: 0 where what we sell must be held (outcome shares, spot: less
   * a reserve the desk does not manage); absent where it may go short (perpetuals, paper).
   */
  readonly minPosition?: Decimal;
}
