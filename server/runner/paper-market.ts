// The paper markets a runner can trade out of the box, with parameters scaled to each market's prices.
// The strategy's own defaults are the Rust document's (a probability market in [0.01, 0.99]); the story's
// ETH-like market at 2000 needs spreads and a skew unit in dollars, not cents.
import type { MarketSpec } from "@/lib/market";
import type { StrategyParamsInput } from "@/lib/strategy";
import { PROBABILITY_MARKET, STORY_MARKET, probabilityPaperOptions, storyPaperOptions } from "@/server/venue/paper";
import type { PaperVenueOptions, RegimeSetting } from "@/server/venue/paper";

export type PaperMarketName = "story" | "probability";

export interface PaperMarket {
  readonly market: MarketSpec;
  readonly params: StrategyParamsInput;
  venueOptions(seed: number, regime?: RegimeSetting): PaperVenueOptions;
}

export const PAPER_MARKETS: Record<PaperMarketName, PaperMarket> = {
  story: {
    market: STORY_MARKET,
    // The story's picture: quotes about 1 from mid; half an inventory moves them by about 1.
    params: {
      maxInventory: "1",
      orderSize: "0.1",
      maxPosition: "0.1",
      minSpread: "1",
      maxSpread: "6",
      spread: "2",
      skewUnit: "4",
      imbalanceUnit: "0.2",
      safeRangeLow: null,
      safeRangeHigh: null,
    },
    venueOptions: (seed, regime) => storyPaperOptions(seed, regime ?? "falling"),
  },
  probability: {
    market: PROBABILITY_MARKET,
    params: { maxInventory: "200", orderSize: "20", maxPosition: "20" },
    venueOptions: (seed, regime) => probabilityPaperOptions(seed, regime ?? "calm"),
  },
};
