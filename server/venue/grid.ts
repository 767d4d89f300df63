// Exact conversion between decimal prices/sizes and the integer tick/lot counts simulated venues compute
// with. Integer arithmetic on counts is exact, and fast enough for millions of events per second; the
// Decimal values only exist at the interface.
import Decimal from "decimal.js";
import type { MarketSpec } from "@/lib/market";
import { toUnits7 } from "@/lib/strategy/exact";

/** Slots of the price and size caches (a power of two): ~100 B each when full. */
const SLOTS = 4_096;
const SLOT_MASK = SLOTS - 1;

export class MarketGrid {
  readonly tick: Decimal;
  readonly lot: Decimal;
  readonly minTick: number;
  readonly maxTick: number;
  readonly minLots: number;

  constructor(readonly market: MarketSpec) {
    this.tick = new Decimal(market.tickSize);
    this.lot = new Decimal(market.lotSize);
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
    // Integer arithmetic on the digit words when both fit a double exactly (every price of a real market):
    // no Decimal division and nothing cached. A moving market's order prices hardly ever repeat, so a cache
    // keyed by instance missed on most orders and grew a weak map for nothing.
    const u = toUnits7(price);
    if (u === u && this.tickUnits7 > 0) return u % this.tickUnits7 === 0 ? u / this.tickUnits7 : null;
    let t = this.tickCounts.get(price);
    if (t === undefined) {
      const q = price.div(this.tick);
      t = q.isInteger() ? q.toNumber() : null;
      this.tickCounts.set(price, t);
    }
    return t;
  }

  /** Exact lot count, or null when the size is off the grid. */
  lotsExact(size: Decimal): number | null {
    const u = toUnits7(size);
    if (u === u && this.lotUnits7 > 0) return u % this.lotUnits7 === 0 ? u / this.lotUnits7 : null;
    let l = this.lotCounts.get(size);
    if (l === undefined) {
      const q = size.div(this.lot);
      l = q.isInteger() ? q.toNumber() : null;
      this.lotCounts.set(size, l);
    }
    return l;
  }

  /** Tick and lot in 10^-7 units (NaN when they have finer digits: the Decimal path then decides). */
  private readonly tickUnits7: number;
  private readonly lotUnits7: number;
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

  // Direct-mapped caches (slot = count mod the table size): the prices and sizes a market visits cluster
  // around its mid, so nearby counts sit in distinct slots, and a look-up is an array read, not a hash.
  // A slot holds the last count that used it; a moving market overwrites old prices as it goes.
  price(ticks: number): Decimal {
    const slot = ticks & SLOT_MASK;
    const p = this.priceSlots[slot];
    if (p !== undefined && this.priceKeys[slot] === ticks) return p;
    const made = this.tick.mul(ticks);
    this.priceKeys[slot] = ticks;
    this.priceSlots[slot] = made;
    return made;
  }

  size(lots: number): Decimal {
    const slot = lots & SLOT_MASK;
    const s = this.sizeSlots[slot];
    if (s !== undefined && this.sizeKeys[slot] === lots) return s;
    const made = this.lot.mul(lots);
    this.sizeKeys[slot] = lots;
    this.sizeSlots[slot] = made;
    return made;
  }

  private readonly priceKeys = new Float64Array(SLOTS);
  private readonly priceSlots: (Decimal | undefined)[] = new Array<Decimal | undefined>(SLOTS).fill(undefined);
  private readonly sizeKeys = new Float64Array(SLOTS);
  private readonly sizeSlots: (Decimal | undefined)[] = new Array<Decimal | undefined>(SLOTS).fill(undefined);
}

/**
 * A book level whose Decimal price and size are made on first read: a simulated book has dozens of
 * levels and a strategy usually reads a handful, so most of them never pay for Decimal construction.
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
  toJSON(): { price: string; size: string } {
    return { price: this.price.toString(), size: this.size.toString() };
  }
}
