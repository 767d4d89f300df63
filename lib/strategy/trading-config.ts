// The Rust document's TradingConfig with its defaults (section 4). Decimal strings are the source of truth so the
// parameter schema (params.ts) can reuse them verbatim.
import Decimal from "decimal.js";

export interface TradingConfig {
  readonly orderSize: Decimal;
  readonly maxPosition: Decimal;
  readonly maxTotalPosition: Decimal;
  readonly safeRangeLow: Decimal;
  readonly safeRangeHigh: Decimal;
  readonly minSpread: Decimal;
  readonly maxSpread: Decimal;
  /** Full spread of the thin-book fallback quote (reference ± spread / 2). */
  readonly spread: Decimal;
  readonly depthLookback: number;
  readonly mergeThreshold: Decimal;
}

export const TRADING_CONFIG_DEFAULTS = {
  orderSize: "1",
  maxPosition: "5",
  maxTotalPosition: "30",
  safeRangeLow: "0.01",
  safeRangeHigh: "0.99",
  minSpread: "0.002",
  maxSpread: "0.02",
  spread: "0.01",
  depthLookback: 5,
  mergeThreshold: "0.1",
} as const;

export const defaultTradingConfig: TradingConfig = Object.freeze({
  orderSize: new Decimal(TRADING_CONFIG_DEFAULTS.orderSize),
  maxPosition: new Decimal(TRADING_CONFIG_DEFAULTS.maxPosition),
  maxTotalPosition: new Decimal(TRADING_CONFIG_DEFAULTS.maxTotalPosition),
  safeRangeLow: new Decimal(TRADING_CONFIG_DEFAULTS.safeRangeLow),
  safeRangeHigh: new Decimal(TRADING_CONFIG_DEFAULTS.safeRangeHigh),
  minSpread: new Decimal(TRADING_CONFIG_DEFAULTS.minSpread),
  maxSpread: new Decimal(TRADING_CONFIG_DEFAULTS.maxSpread),
  spread: new Decimal(TRADING_CONFIG_DEFAULTS.spread),
  depthLookback: TRADING_CONFIG_DEFAULTS.depthLookback,
  mergeThreshold: new Decimal(TRADING_CONFIG_DEFAULTS.mergeThreshold),
});
