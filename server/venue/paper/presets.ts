// Ready-made markets and simulator settings. The story market is the Inventory Management story's:
// an ETH-like instrument around 2000 with 0.1-sized quotes; 'falling' takes it from 2000 to ~1960 in ten
// minutes, the table the story opens with.
import Decimal from "decimal.js";
import type { MarketSpec } from "@/lib/market";
import type { PaperVenueOptions } from "./paper-venue";
import type { RegimeSetting } from "./regimes";

export const STORY_MARKET: MarketSpec = {
  symbol: "ETH-USD",
  tickSize: new Decimal("0.01"),
  lotSize: new Decimal("0.001"),
  minSize: new Decimal("0.001"),
  minPrice: new Decimal("0.01"),
  maxPrice: new Decimal("1000000"),
  makerFeeRate: new Decimal("0.0001"),
  takerFeeRate: new Decimal("0.0005"),
  baseCurrency: "ETH",
  quoteCurrency: "USD",
};

/** A Polymarket-style probability market: prices in [0.01, 0.99], no maker fee. */
export const PROBABILITY_MARKET: MarketSpec = {
  symbol: "YES",
  tickSize: new Decimal("0.01"),
  lotSize: new Decimal("0.01"),
  minSize: new Decimal("5"),
  minPrice: new Decimal("0.01"),
  maxPrice: new Decimal("0.99"),
  makerFeeRate: new Decimal("0"),
  takerFeeRate: new Decimal("0.02"),
  // Outcome shares priced in the collateral, as on Polymarket.
  baseCurrency: "YES",
  quoteCurrency: "USDC",
};

/**
 * The story's market: 2000, a 0.40 spread with levels every 0.10 (30 per side, 3.00 deep), levels of
 * ~0.3 ETH and trades averaging 0.25 ETH with a heavy tail, 10 trades and 10 book updates a second.
 * A quote one dollar from mid sits ~8 levels deep and is reached by large sweeps and by the price moving.
 */
export function storyPaperOptions(seed: number, regime: RegimeSetting = "falling"): PaperVenueOptions {
  return {
    id: "paper",
    market: STORY_MARKET,
    seed,
    initialPrice: "2000",
    regime,
    book: { spread: "0.40", levelStep: "0.10", levels: 30, levelSize: "0.3", depthGrowth: 0.05 },
    flow: { tradesPerSec: 10, bookUpdatesPerSec: 10, meanTradeSize: "0.25", tradeSizeTail: 1.6 },
  };
}

/** A probability market around 0.50 with one-tick spread and a level on every cent. */
export function probabilityPaperOptions(seed: number, regime: RegimeSetting = "calm"): PaperVenueOptions {
  return {
    id: "paper",
    market: PROBABILITY_MARKET,
    seed,
    initialPrice: "0.50",
    regime,
    book: { spread: "0.01", levelStep: "0.01", levels: 30, levelSize: "500", depthGrowth: 0.1 },
    flow: { tradesPerSec: 2, bookUpdatesPerSec: 5, meanTradeSize: "60", tradeSizeTail: 1.8 },
  };
}
