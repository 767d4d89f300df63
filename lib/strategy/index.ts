// Public entry of the strategy core: pure functions over decimal.js (no I/O, no clock, no randomness).
// Names follow the seeds in camelCase: the story's InventoryManager (000_b67ac77dd6c635ce.txt) and the Rust
// document's order-book-aware quoting (002_1b4225c511bb2c36.txt).

// inventory skew (story)
export {
  INVENTORY_DEFAULTS,
  InvalidConfigError,
  SKEW_MODES,
  calculateSkew,
  createInventoryConfig,
  getRebalanceAction,
  getStats,
  initialInventoryState,
  inventoryConfigSchema,
  inventoryExcess,
  inventoryRatio,
  needsEmergencyClose,
  needsRebalance,
  skewFraction,
  skewFromRatio,
  updateInventory,
} from "./inventory";
export type {
  InventoryConfig,
  InventoryConfigInput,
  InventoryState,
  InventoryStats,
  OrderFill,
  RebalanceAction,
  SkewMode,
} from "./inventory";
export { adjustQuotes } from "./adjust";
export type { AdjustQuotesOptions, AdjustedQuotes } from "./adjust";
export { InventoryManager } from "./manager";

// order-book-aware quoting and position management (Rust document)
export { MM_PRICE_DEFAULTS, analyzeOrderBookDepth, analyzeOrderBookDepthSafe, calculateMmPrices } from "./orderbook";
export type { MmPriceParams, MmPrices, OrderBookDepth } from "./orderbook";
export {
  SKIP_SIDE_THRESHOLD,
  calculateInventorySkew,
  checkMergeOpportunity,
  fallbackQuote,
  getPositionLimit,
  shouldSkipSide,
  totalPositionLimitReached,
  validatePrice,
} from "./position";
export type { PriceCheck, SafeRange, SkipDecision } from "./position";
export { TRADING_CONFIG_DEFAULTS, defaultTradingConfig } from "./trading-config";
export type { TradingConfig } from "./trading-config";

// operator parameters and the composing entry
export {
  compileStrategyParams,
  defaultStrategyParams,
  mergeStrategyParams,
  parseStrategyParams,
  strategyParamsPatchSchema,
  strategyParamsSchema,
} from "./params";
export type { CompiledParams, StrategyParams, StrategyParamsInput, StrategyParamsPatch } from "./params";
export { paramBoundsIssues } from "./param-bounds";
export type { DeskLimits, ParamIssue } from "./param-bounds";
export {
  REASON_CROSSED,
  REASON_EMERGENCY,
  REASON_MAX_INVENTORY,
  REASON_NO_PRICE,
  REASON_TOTAL_CAP,
  decideQuotes,
} from "./decide";
export type { QuoteAction, QuoteDecision, QuoteMetrics, QuoteSide, QuoteState, SkippedSide } from "./decide";
export { NO_ASK_IN_BAND, NO_BID_IN_BAND } from "./pricing";
export type { Frac } from "./exact";
