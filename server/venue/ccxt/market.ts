// The grid the desk quotes on, from the exchange's own statement of its rules. Binance states them as
// filters with exact decimal strings (PRICE_FILTER tickSize, LOT_SIZE stepSize/minQty, NOTIONAL
// minNotional), read as they are; other exchanges through ccxt's market structure (precision in
// TICK_SIZE mode, limits), whose numbers print back to the exchange's own strings (≤ 15 significant digits).
// The band is the venue's, narrowed to a quarter either side of the mid at start, so that the minimum size
// (raised to be worth the minimum notional at the band's low) stays a size a desk can quote.
import Decimal from "decimal.js";
import { z } from "zod";
import type { MarketRules } from "@/server/venue/types";

const num = (v: unknown): Decimal | undefined => (v === undefined || v === null || v === "" ? undefined : new Decimal(String(v)));

const filtersSchema = z.array(z.object({ filterType: z.string() }).catchall(z.unknown()));

export interface CcxtMarketLike {
  symbol: string;
  base: string;
  quote: string;
  spot?: boolean;
  precision: { price?: number | string; amount?: number | string };
  limits: { amount?: { min?: number }; price?: { min?: number; max?: number }; cost?: { min?: number } };
  maker?: number;
  taker?: number;
  info: unknown;
}

export interface VenueGrid {
  tick: Decimal;
  step: Decimal;
  minQty: Decimal;
  minPrice: Decimal;
  maxPrice: Decimal;
  minNotional: Decimal;
}

/** The exchange's rules for one market, exact. Throws when it states no tick or lot. */
export function venueGrid(m: CcxtMarketLike): VenueGrid {
  const info = (m.info ?? {}) as { filters?: unknown };
  const filters = filtersSchema.safeParse(info.filters);
  if (filters.success) {
    const f = (t: string) => filters.data.find((x) => x.filterType === t) as Record<string, unknown> | undefined;
    const price = f("PRICE_FILTER");
    const lot = f("LOT_SIZE");
    const notional = f("NOTIONAL") ?? f("MIN_NOTIONAL");
    const tick = num(price?.tickSize);
    const step = num(lot?.stepSize);
    if (tick && step) {
      return {
        tick,
        step,
        minQty: num(lot?.minQty) ?? step,
        minPrice: Decimal.max(tick, num(price?.minPrice) ?? tick),
        maxPrice: num(price?.maxPrice)?.gt(0) ? num(price?.maxPrice)! : new Decimal("1e12"),
        minNotional: num(notional?.minNotional) ?? new Decimal(0),
      };
    }
  }
  const tick = num(m.precision.price);
  const step = num(m.precision.amount);
  if (!tick || !step || !tick.gt(0) || !step.gt(0) || !tick.lt(1e6)) throw new Error(`${m.symbol}: the exchange states no tick or lot size (ccxt precision ${JSON.stringify(m.precision)})`);
  return {
    tick,
    step,
    minQty: num(m.limits.amount?.min) ?? step,
    minPrice: Decimal.max(tick, num(m.limits.price?.min) ?? tick),
    maxPrice: num(m.limits.price?.max) ?? new Decimal("1e12"),
    minNotional: num(m.limits.cost?.min) ?? new Decimal(0),
  };
}

export function marketRules(m: CcxtMarketLike, g: VenueGrid, mid: Decimal, fees: { maker: Decimal; taker: Decimal }): MarketRules {
  const minPrice = Decimal.max(g.minPrice, mid.mul(0.75).div(g.tick).ceil().mul(g.tick));
  const maxPrice = Decimal.min(g.maxPrice, mid.mul(4).div(3).div(g.tick).floor().mul(g.tick));
  const worth = g.minNotional.gt(0) ? g.minNotional.div(minPrice).div(g.step).ceil().mul(g.step) : g.step;
  const minSize = Decimal.max(g.minQty.div(g.step).ceil().mul(g.step), worth);
  return {
    symbol: m.symbol,
    tickSize: g.tick,
    lotSize: g.step,
    minSize,
    minPrice,
    maxPrice,
    makerFeeRate: fees.maker,
    takerFeeRate: fees.taker,
    baseCurrency: m.base,
    quoteCurrency: m.quote,
    minNotional: g.minNotional,
  };
}
