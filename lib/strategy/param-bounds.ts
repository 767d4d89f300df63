// Parameter rules that need the market: a parameter set can be valid on its own (strategyParamsSchema) and
// still make no sense on the instrument it trades (an order size below the venue's minimum, a price band
// outside the venue's, a skew unit wider than every price the market allows) or breach the desk's own limits.
// Pure and browser-safe like the rest of the core; the host checks every change with it before it applies.
import Decimal from "decimal.js";
import type { MarketSpec } from "@/lib/market";
import { MAX_INTEGER_DIGITS } from "./decimal-input";
import type { StrategyParams } from "./params";

/** The desk's own ceilings, on top of the market's. Unset = no ceiling beyond the database's range. */
export interface DeskLimits {
  /** Largest maxInventory an operator may set. */
  readonly maxInventory?: Decimal;
  /** Largest orderSize (and maxPosition) an operator may set. */
  readonly maxOrderSize?: Decimal;
}

export interface ParamIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * The database stores money as numeric(38,18): below 1e20. Inventory can overshoot maxInventory before the
 * emergency close lands, and PnL sums many fills, so the position's value at maxInventory is held a hundred
 * times below that: a fill or a total can then never overflow a column and stall the write queue.
 */
const NOTIONAL_CEILING = new Decimal(10).pow(MAX_INTEGER_DIGITS - 2);

const dec = (s: string | null) => (s === null ? null : new Decimal(s));

/** Every way `p` does not fit `market` and `limits`, one message per field (first problem wins). */
export function paramBoundsIssues(p: StrategyParams, market: MarketSpec, limits: DeskLimits = {}): ParamIssue[] {
  const issues = new Map<string, string>();
  const add = (path: string, message: string) => {
    if (!issues.has(path)) issues.set(path, message);
  };
  const maxInventory = new Decimal(p.maxInventory);
  const orderSize = new Decimal(p.orderSize);
  const maxPosition = new Decimal(p.maxPosition);
  const minOrder = Decimal.max(market.minSize, market.lotSize);
  const band = market.maxPrice.sub(market.minPrice);

  // sizes: the venue's minimum and lot, then the desk's inventory budget
  for (const [path, v] of [["orderSize", orderSize], ["maxPosition", maxPosition]] as const) {
    if (v.lt(minOrder)) add(path, `must be at least ${minOrder.toString()}, the smallest order ${market.symbol} accepts`);
    else if (!v.mod(market.lotSize).isZero()) add(path, `must be a multiple of the lot size ${market.lotSize.toString()}`);
    else if (v.gt(maxInventory)) add(path, `must not exceed maxInventory (${maxInventory.toString()}): one order would take the desk past its limit`);
    else if (limits.maxOrderSize && v.gt(limits.maxOrderSize)) add(path, `must not exceed the desk's limit of ${limits.maxOrderSize.toString()}`);
  }
  if (maxInventory.lt(minOrder)) add("maxInventory", `must be at least ${minOrder.toString()}, the smallest order ${market.symbol} accepts`);
  else if (limits.maxInventory && maxInventory.gt(limits.maxInventory)) add("maxInventory", `must not exceed the desk's limit of ${limits.maxInventory.toString()}`);
  else if (maxInventory.times(market.maxPrice).gte(NOTIONAL_CEILING)) {
    add("maxInventory", `is too large for ${market.symbol}: maxInventory × the highest price (${market.maxPrice.toString()}) must stay below ${NOTIONAL_CEILING.toExponential()}`);
  }

  // prices: inside the venue's band
  for (const path of ["minPrice", "maxPrice", "safeRangeLow", "safeRangeHigh"] as const) {
    const v = dec(p[path]);
    if (v && (v.lt(market.minPrice) || v.gt(market.maxPrice))) {
      add(path, `must be within ${market.symbol}'s price band ${market.minPrice.toString()}–${market.maxPrice.toString()}`);
    }
  }
  // price distances: no wider than the band itself (a larger shift can only put a quote outside it)
  for (const path of ["spread", "minSpread", "maxSpread", "skewUnit", "imbalanceUnit"] as const) {
    const v = new Decimal(p[path]);
    if (v.gt(band)) add(path, `must not exceed ${band.toString()}, the width of ${market.symbol}'s price band`);
  }
  // values in the quote currency: the same ceiling as the position's value
  const total = new Decimal(p.maxTotalPosition);
  if (total.gte(NOTIONAL_CEILING)) add("maxTotalPosition", `must be below ${NOTIONAL_CEILING.toExponential()}`);
  return [...issues].map(([path, message]) => ({ path, message }));
}
