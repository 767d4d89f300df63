// Exact conversion between decimal prices/sizes and the integer tick/lot counts simulated venues compute
// with. Integer arithmetic on counts is exact, and fast enough for millions of events per second; the
// Decimal values only exist at the interface.
import Decimal from "decimal.js";
import type { MarketSpec } from "@/lib/market";
import { internNumber, internTableFor, type InternTable } from "@/lib/strategy/compiled-market";
import { toUnits7 } from "@/lib/strategy/exact";

/**
 * `d` as an exact count of `unit`, or null when it is off the grid. Integer arithmetic on the digit words when
 * both fit a double exactly (every price and size of a real market): no Decimal division and nothing cached. A
 * moving market's order prices hardly ever repeat, so a cache keyed by instance would miss on most orders; it
 * serves only the Decimal path, for values with finer digits.
 */
function countExact(d: Decimal, unit: Decimal, unitUnits7: number, cache: WeakMap<Decimal, number | null>): number | null {
  const u = toUnits7(d);
  if (u === u && unitUnits7 > 0) return u % unitUnits7 === 0 ? u / unitUnits7 : null;
  let n = cache.get(d);
  if (n === undefined) {
    const q = d.div(unit);
    n = q.isInteger() ? q.toNumber() : null;
    cache.set(d, n);
  }
  return n;
}

export class MarketGrid {
  readonly tick: Decimal;
  readonly lot: Decimal;
  readonly minTick: number;
  readonly maxTick: number;
  readonly minLots: number;

  constructor(readonly market: MarketSpec) {
    this.tick = new Decimal(market.tickSize);
    this.lot = new Decimal(market.lotSize);
    this.prices = internTableFor(this.tick);
    this.sizes = internTableFor(this.lot);
    this.tickUnits7 = toUnits7(this.tick);
    this.lotUnits7 = toUnits7(this.lot);
    if (!this.tick.gt(0)) throw new Error(`market ${market.symbol}: tickSize must be > 0`);
    if (!this.lot.gt(0)) throw new Error(`market ${market.symbol}: lotSize must be > 0`);
    this.minTick = this.ceilTicks(market.minPrice);
    this.maxTick = this.floorTicks(market.maxPrice);
    this.minLots = Math.max(1, this.lots(market.minSize, "ceil"));
    if (this.minTick > this.maxTick) throw new Error(`market ${market.symbol}: empty price band`);
  }

  /** Exact tick count, or null when the price is off the grid. */
  ticksExact(price: Decimal): number | null {
    return countExact(price, this.tick, this.tickUnits7, this.tickCounts);
  }

  /** Exact lot count, or null when the size is off the grid. */
  lotsExact(size: Decimal): number | null {
    return countExact(size, this.lot, this.lotUnits7, this.lotCounts);
  }

  /** Tick and lot in 10^-7 units (NaN when they have finer digits: the Decimal path then decides). */
  readonly tickUnits7: number;
  readonly lotUnits7: number;
  private readonly tickCounts = new WeakMap<Decimal, number | null>();
  private readonly lotCounts = new WeakMap<Decimal, number | null>();

  ceilTicks(price: Decimal): number {
    return price.div(this.tick).ceil().toNumber();
  }

  floorTicks(price: Decimal): number {
    return price.div(this.tick).floor().toNumber();
  }

  lots(size: Decimal, round: "ceil" | "floor" | "round" = "round"): number {
    const q = size.div(this.lot);
    return (round === "ceil" ? q.ceil() : round === "floor" ? q.floor() : q.round()).toNumber();
  }

  // The strategy core's direct-mapped intern tables: the prices a market visits cluster around its mid, so
  // nearby counts sit in distinct slots, and a moving market overwrites old prices as it goes.
  price(ticks: number): Decimal {
    return internNumber(this.prices, ticks, this.tick);
  }

  size(lots: number): Decimal {
    return internNumber(this.sizes, lots, this.lot);
  }

  private readonly prices: InternTable;
  private readonly sizes: InternTable;
}

/**
 * A book level whose Decimal price and size are made when read (from the grid's intern tables): a simulated
 * book has dozens of levels and a strategy usually reads a handful, so most of them never pay for a Decimal.
 */
export class LazyLevel {
  // No fields for the Decimals: a book has dozens of levels per side every tick, and the grid's slot caches
  // hand out a price or size for its count as fast as a field would (a smaller level, less to collect).
  constructor(
    readonly grid: MarketGrid,
    /** The price in ticks and the size in lots: what a reader on the same grid compares without Decimals. */
    readonly tick: number,
    readonly lots: number,
  ) {}
  get price(): Decimal {
    return this.grid.price(this.tick);
  }
  get size(): Decimal {
    return this.grid.size(this.lots);
  }
  // BookLevel's exact integers: count × unit when the unit has at most 7 decimals and the product is exact.
  get priceUnits7(): number | undefined {
    const u = this.tick * this.grid.tickUnits7;
    return u <= Number.MAX_SAFE_INTEGER && u >= -Number.MAX_SAFE_INTEGER ? u : undefined;
  }
  get sizeUnits7(): number | undefined {
    const u = this.lots * this.grid.lotUnits7;
    return u <= Number.MAX_SAFE_INTEGER && u >= -Number.MAX_SAFE_INTEGER ? u : undefined;
  }
  toJSON(): { price: string; size: string } {
    return { price: this.price.toString(), size: this.size.toString() };
  }
}
