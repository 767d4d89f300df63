// Hyperliquid's grid for one perpetual: sizes in steps of 10^-szDecimals; prices with at most five
// significant figures and at most 6 − szDecimals decimals (integers always allowed); an order worth at
// least $10; a price within 80 % of the reference. The MarketSpec the desk quotes on is the grid near
// the mark at start, narrowed so that the desk's own checks refuse before the venue would.
import Decimal from "decimal.js";
import type { MarketSpec } from "@/lib/market";

export const MIN_NOTIONAL = new Decimal(10);

export interface PerpInfo {
  symbol: string;
  coin: string;
  asset: number;
  szDecimals: number;
  mark: Decimal;
  makerFeeRate: Decimal;
  takerFeeRate: Decimal;
}

/** True when the venue accepts this price for a coin with `szDecimals`. */
export function validPrice(px: Decimal, szDecimals: number): boolean {
  if (!px.gt(0)) return false;
  if (px.decimalPlaces() > 6 - szDecimals) return false;
  return px.isInteger() || px.precision(true) <= 5;
}

/** The nearest valid price at or beyond `px` in direction `dir` (up for a buy's limit, down for a sell's). */
export function roundPrice(px: Decimal, szDecimals: number, dir: "up" | "down"): Decimal {
  const intDigits = px.trunc().toString().length;
  const decimals = Math.min(6 - szDecimals, Math.max(0, 5 - (px.gte(1) ? intDigits : 0)));
  const step = new Decimal(10).pow(-decimals);
  const r = px.div(step)[dir === "up" ? "ceil" : "floor"]().mul(step);
  return r.gte(1e5) ? r.toDecimalPlaces(0, dir === "up" ? Decimal.ROUND_CEIL : Decimal.ROUND_FLOOR) : r;
}

/** The tick of prices near the mark. */
export function tickNear(mark: Decimal, szDecimals: number): Decimal {
  const intDigits = mark.trunc().toString().length;
  const decimals = Math.min(6 - szDecimals, Math.max(0, 5 - (mark.gte(1) ? intDigits : 0)));
  return new Decimal(10).pow(-decimals);
}

export function marketSpec(p: PerpInfo): MarketSpec {
  const tick = tickNear(p.mark, p.szDecimals);
  const lot = new Decimal(10).pow(-p.szDecimals);
  // Prices within a quarter of the mark either way (the venue allows 80 %), and on this tick: a move that
  // changes the tick (e.g. through 10 000) needs a restart, which re-reads the grid.
  const intDigits = p.mark.trunc().toString().length;
  const sameTickLow = intDigits > 1 ? new Decimal(10).pow(intDigits - 1) : tick;
  const sameTickHigh = new Decimal(10).pow(intDigits).sub(tick);
  const minPrice = Decimal.max(sameTickLow, p.mark.mul(0.75).div(tick).ceil().mul(tick));
  const maxPrice = Decimal.min(sameTickHigh, p.mark.mul(4).div(3).div(tick).floor().mul(tick));
  // The smallest size worth the venue's $10 even at the lowest price we would quote.
  const minSize = Decimal.max(lot, MIN_NOTIONAL.div(minPrice).div(lot).ceil().mul(lot));
  return { symbol: p.symbol, tickSize: tick, lotSize: lot, minSize, minPrice, maxPrice, makerFeeRate: p.makerFeeRate, takerFeeRate: p.takerFeeRate };
}
