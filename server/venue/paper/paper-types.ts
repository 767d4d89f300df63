// The paper venue's shapes (paper-venue.ts): the options it is built with, the market state a paper account
// saves to continue it, and the trades it prints. Apart so that the simulator's file holds the simulator.
import type Decimal from "decimal.js";
import type { SimulatedVenueOptions } from "../simulated-venue";
import type { RngState } from "./rng";
import type { RegimeSetting } from "./regimes";

export interface PaperBookOptions {
  /** Best bid to best ask, in price units, on the tick grid. Default 2 ticks. */
  spread?: Decimal.Value;
  /** Distance between consecutive levels, in price units, on the tick grid. Default 1 tick. */
  levelStep?: Decimal.Value;
  /** Levels per side (fewer near the market's price band). Default 25. */
  levels?: number;
  /** Mean displayed size of a level, in base units. Default 50 x minSize. */
  levelSize?: Decimal.Value;
  /** Level i's mean size is levelSize x (1 + depthGrowth x i). Default 0.05. */
  depthGrowth?: number;
}

export interface PaperFlowOptions {
  /** Poisson rate of trades per second of simulated time (times the regime's activity). Default 5. */
  tradesPerSec?: number;
  /** Poisson rate of book updates (fair price steps and a fresh book) per second. Default 10. */
  bookUpdatesPerSec?: number;
  /** Mean trade size in base units; sizes are Pareto distributed (heavy tail). Default 20 x minSize. */
  meanTradeSize?: Decimal.Value;
  /** Pareto tail index (> 1); smaller means more large sweeps. Default 2. */
  tradeSizeTail?: number;
  /** Largest single trade, base units. Default 10 x meanTradeSize. */
  maxTradeSize?: Decimal.Value;
}

export interface PaperVenueOptions extends SimulatedVenueOptions {
  /** Integer seed: fixes every random draw. */
  seed: number;
  /** Fair price at the start, inside the market's band. */
  initialPrice: Decimal.Value;
  /** Default 'calm'. */
  regime?: RegimeSetting;
  book?: PaperBookOptions;
  flow?: PaperFlowOptions;
  /** Simulated start time, ms. Default: the clock's now(). */
  startTime?: number;
}

/**
 * The simulated market at one moment: everything the next events depend on (the book's sizes and the
 * Poisson flow follow from these and the options). A paper account saves it to continue the same market
 * after a restart (paper-account.ts).
 */
export interface PaperMarketState {
  /** Simulated time it was taken at, ms. */
  time: number;
  /** Time the regime schedule counts from. */
  start: number;
  /** Fair price in ticks (a model quantity, not money). */
  fair: number;
  /** Book version: with the seed, fixes every level's size. */
  version: number;
  /** Lots traded off the top of each side since the last book update. */
  depletedBids: number;
  depletedAsks: number;
  lastUpdate: number;
  nextAt: number;
  rng: RngState;
  /** JSON of the regime setting the indices below refer to. */
  regimeSetting: string;
  scheduleIdx: number;
  markovState: number;
  /** null: no switch ahead. */
  nextSwitchAt: number | null;
}

export interface MarketTrade {
  ts: number;
  side: "buy" | "sell";
  price: Decimal;
  size: Decimal;
}
