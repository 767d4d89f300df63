// decideQuotes with its allocation-free fast path against the implementation as it was before it
// (tests/lib/reference/decide-reference.ts, verbatim): every output bit for bit, over many random markets, books,
// parameters (all three skew modes, round and odd units) and inventories. The fast path must also actually run:
// on most of these inputs it decides, and on the rest the exact path does.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import fc from "fast-check";
import type { MarketSpec, OrderBook } from "@/lib/market";
import { compileStrategyParams, decideQuotes, type CompiledParams, type QuoteDecision, type QuoteState, type StrategyParamsInput } from "@/lib/strategy";
import { decideFast } from "@/lib/strategy/decide-fast";
import { compileMarket, contextFor } from "@/lib/strategy/compiled-market";
import { LazyLevel, MarketGrid } from "@/server/venue/grid";
import { referenceDecideQuotes } from "./reference/decide-reference";
import { arbBook, arbMarket, arbMode, bookOf, market } from "./helpers";

const str = (d: Decimal | null | undefined) => (d === null || d === undefined ? null : d.toString());

/** Everything a decision holds, numbers as their exact bits (Object.is tells 0 from −0). */
function bits(d: QuoteDecision) {
  const num = (x: number | null) => (x === null ? null : Object.is(x, -0) ? "-0" : String(x));
  return {
    bid: d.bid && [str(d.bid.price), str(d.bid.size)],
    ask: d.ask && [str(d.ask.price), str(d.ask.size)],
    skipped: d.skipped.map((s) => [s.side, s.reason]),
    action: d.action && [d.action.kind, d.action.side, str(d.action.amount), str(d.action.limitPrice)],
    metrics: [
      str(d.metrics.mid),
      str(d.metrics.bestBid),
      str(d.metrics.bestAsk),
      num(d.metrics.ratio),
      num(d.metrics.skew),
      num(d.metrics.positionSkew),
      num(d.metrics.imbalance),
      str(d.metrics.spread),
    ],
    warnings: [...d.warnings],
    usedFallback: d.usedFallback,
    mergeable: str(d.mergeable),
    keys: Object.keys(d),
    metricsJson: JSON.stringify(d.metrics),
  };
}

interface World {
  m: MarketSpec;
  book: OrderBook;
  params: CompiledParams;
  state: QuoteState;
}

/** A unit of price: usually whole ticks, sometimes an odd decimal (a shift that is rarely a whole tick). */
const arbUnit = (tick: Decimal, maxTicks: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: maxTicks }).map((n) => tick.times(n)) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 999_999 }).map((n) => tick.times(maxTicks).times(n).div(1_000_000)) },
  );

const arbWorld: fc.Arbitrary<World> = arbMarket.chain((m) =>
  fc
    .record({
      book: arbBook(m),
      mode: arbMode,
      factorPct: fc.integer({ min: 0, max: 100 }),
      maxLots: fc.integer({ min: 1, max: 400 }),
      targetPct: fc.integer({ min: -50, max: 50 }),
      rebalancePct: fc.integer({ min: 50, max: 94 }),
      emergencyPct: fc.integer({ min: 95, max: 100 }),
      skewUnit: arbUnit(m.tickSize, 40),
      imbUnit: arbUnit(m.tickSize, 20),
      minSpreadTicks: fc.integer({ min: 1, max: 10 }),
      extraSpreadTicks: fc.integer({ min: 0, max: 30 }),
      lookback: fc.integer({ min: 2, max: 8 }),
      orderLots: fc.integer({ min: 1, max: 300 }),
      invPct: fc.integer({ min: -130, max: 130 }),
      invFine: fc.integer({ min: 0, max: 99 }),
      negZero: fc.boolean(),
      skipPct: fc.integer({ min: 30, max: 100 }),
      withRef: fc.boolean(),
    })
    .map((r) => {
      const tick = m.tickSize;
      const maxInventory = m.lotSize.times(r.maxLots).times(10);
      const target = maxInventory.times(r.targetPct).div(100).toDecimalPlaces(m.lotSize.decimalPlaces());
      const input: StrategyParamsInput = {
        skewMode: r.mode,
        skewFactor: r.factorPct / 100,
        maxInventory: maxInventory.toString(),
        targetInventory: target.toString(),
        rebalanceThreshold: r.rebalancePct / 100,
        emergencyThreshold: r.emergencyPct / 100,
        skewUnit: r.skewUnit.toString(),
        imbalanceUnit: r.imbUnit.toString(),
        minSpread: tick.times(r.minSpreadTicks).toString(),
        maxSpread: tick.times(r.minSpreadTicks + r.extraSpreadTicks).toString(),
        spread: tick.times(r.minSpreadTicks).toString(),
        depthLookback: r.lookback,
        orderSize: m.lotSize.times(r.orderLots).toString(),
        skipSideThreshold: r.skipPct / 100,
        safeRangeLow: null,
        safeRangeHigh: null,
      };
      let inventory = target.plus(maxInventory.times(r.invPct).div(100)).plus(m.lotSize.times(r.invFine).div(100));
      if (r.negZero && inventory.isZero()) inventory = new Decimal("-0");
      const mid = r.book.bids[0]?.price ?? r.book.asks[0]?.price ?? m.minPrice;
      return { m, book: r.book, params: compileStrategyParams(input), state: { inventory, referencePrice: r.withRef ? mid : undefined } };
    }),
);

function fastRan(w: World): boolean {
  const cm = compileMarket(w.m);
  return decideFast(w.state.inventory, w.params, w.book, cm, contextFor(cm, w.params.scaled)) !== null;
}

describe("decideQuotes' fast path gives the previous implementation's outputs, bit for bit", () => {
  test("random markets, books, parameters and inventories", () => {
    let fast = 0;
    let runs = 0;
    fc.assert(
      fc.property(arbWorld, (w) => {
        runs++;
        if (fastRan(w)) fast++;
        const want = referenceDecideQuotes(w.state, w.params, w.book, w.m);
        assert.deepEqual(bits(decideQuotes(w.state, w.params, w.book, w.m)), bits(want));
      }),
      { numRuns: 6000 },
    );
    // Most of these worlds are edge cases the exact path decides (emergencies, empty or thin books, 12-decimal
    // sizes); the busy market below is where the fast path is held to deciding most calls.
    assert.ok(fast > runs * 0.03 && fast < runs, `the fast path decided ${fast} of ${runs}`);
  });

  test("edge inputs: an inventory of −0, a price exactly on a tick after the shift, an exponential skew on and off the lot grid", () => {
    const m = market();
    const book = bookOf([["0.49", "10"], ["0.489", "10"]], [["0.51", "10"], ["0.511", "10"]]);
    for (const [mode, inv] of [["linear", "-0"], ["linear", "0"], ["linear", "1.5"], ["exponential", "2"], ["exponential", "2.05"], ["linear", "2.005"], ["tiered", "-3.7"]] as const) {
      const params = compileStrategyParams({ skewMode: mode, skewUnit: "0.01" });
      const state = { inventory: new Decimal(inv) };
      assert.ok(fastRan({ m, book, params, state }), `${mode} ${inv}: the fast path decides`);
      assert.deepEqual(bits(decideQuotes(state, params, book, m)), bits(referenceDecideQuotes(state, params, book, m)), `${mode} ${inv}`);
    }
  });

  test("a busy market: fresh books around a drifting mid with odd sizes and imbalances, every call compared", () => {
    const m = market({ symbol: "ETH", tickSize: new Decimal("0.01"), lotSize: new Decimal("0.0001"), minSize: new Decimal("0.001"), minPrice: new Decimal("0.01"), maxPrice: new Decimal("100000") });
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let fast = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const mode = (["linear", "exponential", "tiered"] as const)[i % 3]!;
      const params = compileStrategyParams({
        skewMode: mode,
        skewFactor: Math.round(rnd() * 10) / 10,
        maxInventory: "1",
        orderSize: "0.1",
        maxPosition: "0.5",
        skewUnit: ["2", "4", "0.37", "1.234567"][i % 4]!,
        imbalanceUnit: ["0.5", "0", "0.2", "0.0125"][(i >> 2) % 4]!,
        minSpread: "0.2",
        maxSpread: "5",
        spread: "1",
        safeRangeLow: null,
        safeRangeHigh: null,
      });
      const midTicks = 200_000 + Math.round((rnd() - 0.5) * 4000);
      const half = 1 + Math.floor(rnd() * 6);
      const size = () => (rnd() < 0.3 ? "1" : (Math.floor(rnd() * 5000) / 1000 + 0.001).toFixed(4));
      const bids: Array<[string, string]> = [];
      const asks: Array<[string, string]> = [];
      for (let l = 0; l < 10; l++) {
        bids.push([((midTicks - half - l) / 100).toFixed(2), size()]);
        asks.push([((midTicks + half + l) / 100).toFixed(2), size()]);
      }
      const book = bookOf(bids, asks);
      const inventory = new Decimal(Math.round((rnd() - 0.5) * 1900)).div(1000);
      const w = { m, book, params, state: { inventory } };
      if (fastRan(w)) fast++;
      assert.deepEqual(bits(decideQuotes(w.state, params, book, m)), bits(referenceDecideQuotes(w.state, params, book, m)), `input ${i}`);
    }
    assert.ok(fast > n * 0.8, `the fast path decided ${fast} of ${n}`);
  });
});

/**
 * The same book as a simulated venue shows it: each level on the market's grid becomes a LazyLevel, whose
 * priceUnits7 and sizeUnits7 the fast path reads instead of the Decimals' digits; a level off the grid stays a
 * plain one (a mixed book).
 */
function onGrid(w: World): { book: OrderBook; lazy: number } | null {
  let grid: MarketGrid;
  try {
    grid = new MarketGrid(w.m);
  } catch {
    return null;
  }
  let lazy = 0;
  const side = (levels: OrderBook["bids"]) =>
    levels.map((l) => {
      const t = grid.ticksExact(l.price);
      const n = grid.lotsExact(l.size);
      if (t === null || n === null) return l;
      lazy++;
      return new LazyLevel(grid, t, n);
    });
  return { book: { bids: side(w.book.bids), asks: side(w.book.asks), ts: w.book.ts }, lazy };
}

describe("a venue's grid levels (their exact integers read instead of the Decimals) decide as the Decimal levels do", () => {
  test("random markets, books, parameters and inventories", () => {
    let lazy = 0;
    let fast = 0;
    fc.assert(
      fc.property(arbWorld, (w) => {
        const g = onGrid(w);
        if (!g) return;
        lazy += g.lazy;
        if (fastRan({ ...w, book: g.book })) fast++;
        assert.deepEqual(bits(decideQuotes(w.state, w.params, g.book, w.m)), bits(decideQuotes(w.state, w.params, w.book, w.m)));
      }),
      { numRuns: 3000 },
    );
    assert.ok(lazy > 1000 && fast > 50, `grid levels ${lazy}, decided by the fast path ${fast}`);
  });
});
