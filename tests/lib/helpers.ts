// Shared fixtures and fast-check arbitraries for the strategy-core tests.
import Decimal from "decimal.js";
import fc from "fast-check";
import type { BookLevel, MarketSpec, OrderBook } from "@/lib/market";

export const D = (v: string | number | Decimal) => new Decimal(v);

export function market(over: Partial<MarketSpec> = {}): MarketSpec {
  return {
    symbol: "TEST",
    tickSize: D("0.001"),
    lotSize: D("0.01"),
    minSize: D("0.1"),
    minPrice: D("0.01"),
    maxPrice: D("0.99"),
    makerFeeRate: D("0"),
    takerFeeRate: D("0"),
    ...over,
  };
}

export const level = (price: string | number | Decimal, size: string | number | Decimal): BookLevel => ({
  price: D(price),
  size: D(size),
});

export function bookOf(bids: Array<[string | number, string | number]>, asks: Array<[string | number, string | number]>): OrderBook {
  return { bids: bids.map(([p, s]) => level(p, s)), asks: asks.map(([p, s]) => level(p, s)), ts: 0 };
}

/** A ladder around a mid, `levels` per side, `gapTicks` between levels, every size = `size`. */
export function ladder(bestBid: string, bestAsk: string, tick: string, levels: number, size: string | ((i: number, side: "bid" | "ask") => string) = "10"): OrderBook {
  const t = D(tick);
  const sz = (i: number, side: "bid" | "ask") => (typeof size === "string" ? size : size(i, side));
  return {
    bids: Array.from({ length: levels }, (_, i) => level(D(bestBid).minus(t.times(i)), sz(i, "bid"))),
    asks: Array.from({ length: levels }, (_, i) => level(D(bestAsk).plus(t.times(i)), sz(i, "ask"))),
    ts: 0,
  };
}

// ---- arbitraries ----

/** Markets on assorted grids, including a non-decimal tick (0.0025) and a coarse one. */
export const arbMarket: fc.Arbitrary<MarketSpec> = fc.constantFrom(
  market(),
  market({ symbol: "PM01", tickSize: D("0.01"), lotSize: D("1"), minSize: D("5") }),
  market({ symbol: "Q", tickSize: D("0.0025"), lotSize: D("0.001"), minSize: D("0"), minPrice: D("0.0025"), maxPrice: D("0.9975") }),
  market({ symbol: "ETH", tickSize: D("0.01"), lotSize: D("0.0001"), minSize: D("0.001"), minPrice: D("0.01"), maxPrice: D("100000") }),
  market({ symbol: "IDX", tickSize: D("0.5"), lotSize: D("1"), minSize: D("1"), minPrice: D("0.5"), maxPrice: D("50000") }),
);

/** A size: usually a few lots, sometimes tiny (filtered), sometimes with 8-12 decimals (the BigInt path). */
export const arbSize: fc.Arbitrary<Decimal> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 5000 }).map((n) => D(n).div(100)) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 9 }).map((n) => D(n).div(1000)) },
  { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 10n ** 14n }).map((n) => D(n.toString()).div("1e12")) },
);

/**
 * A sorted, uncrossed book on the market's grid inside its band: 0..20 levels per side, gaps of 1..5 ticks, and a
 * spread of 1..60 ticks. Sometimes one side is empty or has a single level (thin book).
 */
export function arbBook(m: MarketSpec): fc.Arbitrary<OrderBook> {
  const lo = m.minPrice.div(m.tickSize).ceil().toNumber();
  const hi = m.maxPrice.div(m.tickSize).floor().toNumber();
  const span = Math.min(hi - lo, 4000);
  return fc
    .record({
      bidTicks: fc.integer({ min: lo, max: lo + span - 1 }),
      spreadTicks: fc.integer({ min: 1, max: 60 }),
      bidGaps: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 20 }),
      askGaps: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 20 }),
      bidSizes: fc.array(arbSize, { minLength: 20, maxLength: 20 }),
      askSizes: fc.array(arbSize, { minLength: 20, maxLength: 20 }),
      bidCount: fc.integer({ min: 0, max: 20 }),
      askCount: fc.integer({ min: 0, max: 20 }),
    })
    .map((r) => {
      const bids: BookLevel[] = [];
      let t = r.bidTicks;
      for (let i = 0; i < Math.min(r.bidCount, r.bidGaps.length + 1) && t >= lo; i++) {
        bids.push({ price: m.tickSize.times(t), size: r.bidSizes[i]! });
        t -= r.bidGaps[i] ?? 1;
      }
      const asks: BookLevel[] = [];
      t = r.bidTicks + r.spreadTicks;
      for (let i = 0; i < Math.min(r.askCount, r.askGaps.length + 1) && t <= hi; i++) {
        asks.push({ price: m.tickSize.times(t), size: r.askSizes[i]! });
        t += r.askGaps[i] ?? 1;
      }
      return { bids, asks, ts: 0 };
    });
}

export const arbMode = fc.constantFrom("linear" as const, "exponential" as const, "tiered" as const);

/** Property-test budget: fast-check's default is 100 runs; these invariants get more. */
export const RUNS = { numRuns: 400 };
