// A MarketSpec's grid as exact scaled values, computed once per MarketSpec object (specs are immutable).
import Decimal from "decimal.js";
import type { MarketSpec } from "@/lib/market";
import { fromScaled, fromUnits, toScaled, units7Of } from "./exact";
import { priceGrid, type PriceGrid } from "./pricing";

export interface CompiledMarket {
  readonly tick: bigint;
  /** Interned Decimals for tick, half-tick and lot counts (see intern()). */
  readonly ticks: Map<number, Decimal>;
  readonly halfTicks: Map<number, Decimal>;
  readonly lots: Map<number, Decimal>;
  /** Per parameter set (the band and the level filter can come from the parameters or the market). */
  readonly contexts: WeakMap<object, MarketContext>;
  readonly lot: bigint;
  readonly minSize: bigint;
  readonly minPrice: bigint;
  readonly maxPrice: bigint;
  readonly tickSize: Decimal;
  readonly lotSize: Decimal;
  readonly halfTick: Decimal;
}

const cache = new WeakMap<MarketSpec, CompiledMarket>();

export function compileMarket(market: MarketSpec): CompiledMarket {
  let c = cache.get(market);
  if (c) return c;
  const tick = toScaled(market.tickSize, "tickSize");
  const lot = toScaled(market.lotSize, "lotSize");
  const minSize = toScaled(market.minSize, "minSize");
  const minPrice = toScaled(market.minPrice, "minPrice");
  const maxPrice = toScaled(market.maxPrice, "maxPrice");
  if (tick <= 0n) throw new RangeError(`${market.symbol}: tickSize must be greater than 0`);
  if (lot <= 0n) throw new RangeError(`${market.symbol}: lotSize must be greater than 0`);
  if (minSize < 0n) throw new RangeError(`${market.symbol}: minSize must not be negative`);
  if (minPrice >= maxPrice) throw new RangeError(`${market.symbol}: minPrice must be below maxPrice`);
  c = {
    tick,
    ticks: new Map(),
    halfTicks: new Map(),
    lots: new Map(),
    contexts: new WeakMap(),
    lot,
    minSize,
    minPrice,
    maxPrice,
    tickSize: market.tickSize,
    lotSize: market.lotSize,
    halfTick: market.tickSize.div(2),
  };
  cache.set(market, c);
  return c;
}

/**
 * Most distinct counts a market keeps interned per kind; the table is simply emptied when it is full. Large
 * enough for the prices an hour of a moving market visits (a lab simulation's), at ~100 B per entry.
 */
export const INTERN_LIMIT = 16_384;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * count × unit as a Decimal, interned per market. Building a Decimal costs ~0.35 µs and a quoting market
 * revisits the same few hundred prices and sizes, so steady-state ticks reuse immutable instances. Pure: the
 * value returned is the same with or without the table.
 */
export function intern(table: Map<number, Decimal>, count: bigint, unit: Decimal, unitScaled: bigint): Decimal {
  if (count > MAX_SAFE || count < -MAX_SAFE) return fromUnits(count, unit, unitScaled);
  const key = Number(count);
  let d = table.get(key);
  if (d === undefined) {
    if (table.size >= INTERN_LIMIT) table.clear();
    d = unit.times(key);
    table.set(key, d);
  }
  return d;
}

/** intern() for a count already held as a safe integer double (the fast path's): the same table, the same values. */
export function internNumber(table: Map<number, Decimal>, key: number, unit: Decimal): Decimal {
  let d = table.get(key);
  if (d === undefined) {
    if (table.size >= INTERN_LIMIT) table.clear();
    d = unit.times(key);
    table.set(key, d);
  }
  return d;
}

export function tickDecimal(m: CompiledMarket, ticks: bigint): Decimal {
  return intern(m.ticks, ticks, m.tickSize, m.tick);
}

export function lotDecimal(m: CompiledMarket, lots: bigint): Decimal {
  return intern(m.lots, lots, m.lotSize, m.lot);
}

/** A scaled price as a Decimal, via the interned ticks × tickSize route when it sits on the grid. */
export function priceDecimal(m: CompiledMarket, v: bigint): Decimal {
  return v % m.tick === 0n ? tickDecimal(m, v / m.tick) : fromScaled(v);
}

/** center2 / 2 as a Decimal (the mid is often half a tick off the grid). */
export function halfDecimal(m: CompiledMarket, center2: bigint): Decimal {
  if (center2 % m.tick === 0n) {
    const count = center2 / m.tick;
    if (count <= MAX_SAFE && count >= -MAX_SAFE) return intern(m.halfTicks, count, m.halfTick, 0n);
  }
  return center2 % 2n === 0n ? fromScaled(center2 / 2n) : fromScaled(center2).div(2);
}

/** What decideQuotes needs from one (market, parameters) pair, derived once and cached. */
export interface MarketContext {
  readonly grid: PriceGrid;
  /** The band's bounds, doubled (compared with center2 = 2 × mid). */
  readonly lo: bigint;
  readonly hi: bigint;
  readonly lo2: bigint;
  readonly hi2: bigint;
  /** Book levels below this are ignored (parameter, else the market's minSize); also in 1e-7 units or NaN. */
  readonly minLevel: bigint;
  readonly minLevel7: number;
}

/** The context for a parameter set (null band bounds or level size = the market's), cached per (market, params). */
export function contextFor(
  m: CompiledMarket,
  k: { readonly minPrice: bigint | null; readonly maxPrice: bigint | null; readonly minLevelSize: bigint | null },
): MarketContext {
  let c = m.contexts.get(k);
  if (!c) {
    const lo = k.minPrice ?? m.minPrice;
    const hi = k.maxPrice ?? m.maxPrice;
    const minLevel = k.minLevelSize ?? m.minSize;
    c = { grid: priceGrid(m.tick, lo, hi), lo, hi, lo2: 2n * lo, hi2: 2n * hi, minLevel, minLevel7: units7Of(minLevel) };
    m.contexts.set(k, c);
  }
  return c;
}
