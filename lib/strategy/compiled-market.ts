// A MarketSpec's grid as exact scaled values, computed once per MarketSpec object (specs are immutable).
import Decimal from "decimal.js";
import type { MarketSpec } from "@/lib/market";
import { fromScaled, fromUnits, toScaled, units7Of } from "./exact";
import { priceGrid, type PriceGrid } from "./pricing";

export interface CompiledMarket {
  readonly tick: bigint;
  /** Interned Decimals for tick, half-tick and lot counts (see intern()). */
  readonly ticks: InternTable;
  readonly halfTicks: InternTable;
  readonly lots: InternTable;
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
    ticks: internTableFor(market.tickSize),
    halfTicks: internTableFor(market.tickSize.div(2)),
    lots: internTableFor(market.lotSize),
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

/** Slots of an intern table (a power of two). */
export const INTERN_SLOTS = 4_096;
const SLOT_MASK = INTERN_SLOTS - 1;

/**
 * Interned Decimals by count, direct-mapped (slot = count mod the table size): a look-up is an array read and a
 * miss costs the Decimal alone. A moving market visits new prices all the time (an hour of a falling one: ~9k
 * distinct), and a hash map filled with them, then emptied, cost more on every miss than the Decimal itself.
 * Nearby counts take distinct slots, so the prices around the mid stay. Pure: values are the same with or
 * without the table.
 */
export class InternTable {
  private readonly keys = new Float64Array(INTERN_SLOTS).fill(NaN);
  private readonly values: (Decimal | undefined)[] = new Array<Decimal | undefined>(INTERN_SLOTS).fill(undefined);

  get(key: number): Decimal | undefined {
    const slot = key & SLOT_MASK;
    return this.keys[slot] === key ? this.values[slot] : undefined;
  }

  set(key: number, d: Decimal): void {
    const slot = key & SLOT_MASK;
    this.keys[slot] = key;
    this.values[slot] = d;
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const tables = new Map<string, InternTable>();

/**
 * The intern table for counts of `unit`, one per unit value: the strategy core and a venue's grid on the same
 * market share it, so the price the strategy quotes is the one the venue's order and book show, made once.
 */
export function internTableFor(unit: Decimal): InternTable {
  const key = unit.toString();
  let t = tables.get(key);
  if (!t) {
    t = new InternTable();
    tables.set(key, t);
  }
  return t;
}

/**
 * count × unit as a Decimal, interned per market. Building a Decimal costs ~0.35 µs and a quoting market
 * revisits the same few hundred prices and sizes, so steady-state ticks reuse immutable instances. Pure: the
 * value returned is the same with or without the table.
 */
export function intern(table: InternTable, count: bigint, unit: Decimal, unitScaled: bigint): Decimal {
  if (count > MAX_SAFE || count < -MAX_SAFE) return fromUnits(count, unit, unitScaled);
  return internNumber(table, Number(count), unit);
}

/** intern() for a count already held as a safe integer double (the fast path's): the same table, the same values. */
export function internNumber(table: InternTable, key: number, unit: Decimal): Decimal {
  let d = table.get(key);
  if (d === undefined) {
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
