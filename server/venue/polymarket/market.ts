// One outcome token of a Polymarket market as our MarketSpec: prices are probabilities on the venue's tick
// (0.01, or 0.001 near the ends), inside [tick, 1 - tick]; sizes are shares with two decimals, at least the
// market's minimum order size. The tick moves (tick_size_change), so the spec is rebuilt when it does.
import Decimal from "decimal.js";
import type { MarketSpec } from "@/lib/market";

export interface TokenInfo {
  tokenId: string;
  symbol: string;
  tickSize: Decimal;
  minOrderSize: Decimal;
  negRisk: boolean;
  makerFeeRate: Decimal;
  takerFeeRate: Decimal;
}

/** Sizes are whole hundredths of a share (the client rounds sizes to 2 decimals). */
export const LOT = new Decimal("0.01");

export function tokenSpec(t: TokenInfo): MarketSpec {
  return {
    symbol: t.symbol,
    tickSize: t.tickSize,
    lotSize: LOT,
    minSize: Decimal.max(t.minOrderSize, LOT),
    minPrice: t.tickSize,
    maxPrice: new Decimal(1).minus(t.tickSize),
    makerFeeRate: t.makerFeeRate,
    takerFeeRate: t.takerFeeRate,
    baseCurrency: "shares",
    quoteCurrency: "pUSD",
    // Outcome shares cannot be sold short: an ask needs the shares (the venue answers "not enough balance").
    minPosition: new Decimal(0),
  };
}

/** True when a price sits on the tick grid. */
export function onTick(price: Decimal, tick: Decimal): boolean {
  return price.div(tick).isInteger();
}
