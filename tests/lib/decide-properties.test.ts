// decideQuotes properties: random markets, books, parameters (all three skew modes) and inventories, checked
// for its invariants and against an independent oracle. The step-by-step tables are in decide-steps.test.ts.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import fc from "fast-check";
import type { MarketSpec, OrderBook } from "@/lib/market";
import {
  NO_ASK_IN_BAND,
  NO_BID_IN_BAND,
  REASON_EMERGENCY,
  analyzeOrderBookDepth,
  calculateMmPrices,
  compileStrategyParams,
  decideQuotes,
  skewFraction,
  type CompiledParams,
  type QuoteDecision,
  type QuoteState,
  type StrategyParamsInput,
} from "@/lib/strategy";
import { RUNS, arbBook, arbMarket, arbMode } from "./helpers";
import { hp, oracleImbalance, oracleQuote, oracleSide, oracleSkew } from "./oracle";

interface World {
  m: MarketSpec;
  book: OrderBook;
  input: StrategyParamsInput;
  params: CompiledParams;
  state: QuoteState;
}

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
      skewUnitTicks: fc.integer({ min: 0, max: 40 }),
      imbUnitTicks: fc.integer({ min: 0, max: 20 }),
      minSpreadTicks: fc.integer({ min: 1, max: 10 }),
      extraSpreadTicks: fc.integer({ min: 0, max: 30 }),
      fallbackSpreadTicks: fc.integer({ min: 1, max: 30 }),
      lookback: fc.integer({ min: 2, max: 8 }),
      orderLots: fc.integer({ min: 1, max: 300 }),
      invPct: fc.integer({ min: -130, max: 130 }),
      invFine: fc.integer({ min: 0, max: 99 }),
      refTicks: fc.option(fc.integer({ min: -50, max: 5000 }), { nil: undefined }),
      skipPct: fc.integer({ min: 30, max: 100 }),
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
        skewUnit: tick.times(r.skewUnitTicks).toString(),
        imbalanceUnit: tick.times(r.imbUnitTicks).toString(),
        minSpread: tick.times(r.minSpreadTicks).toString(),
        maxSpread: tick.times(r.minSpreadTicks + r.extraSpreadTicks).toString(),
        spread: tick.times(r.fallbackSpreadTicks).toString(),
        depthLookback: r.lookback,
        orderSize: m.lotSize.times(r.orderLots).toString(),
        skipSideThreshold: r.skipPct / 100,
        safeRangeLow: null,
        safeRangeHigh: null,
      };
      const inventory = target.plus(maxInventory.times(r.invPct).div(100)).plus(m.lotSize.times(r.invFine).div(100));
      const refPrice = r.refTicks === undefined ? undefined : m.minPrice.plus(tick.times(r.refTicks));
      return {
        m,
        book: r.book,
        input,
        params: compileStrategyParams(input),
        state: { inventory, referencePrice: refPrice },
      };
    }),
);

function checkInvariants(w: World, d: QuoteDecision): void {
  const { m, params, book } = w;
  const lo = params.minPrice ?? m.minPrice;
  const hi = params.maxPrice ?? m.maxPrice;
  const rawBid = book.bids[0]?.price ?? null;
  const rawAsk = book.asks[0]?.price ?? null;
  const excess = w.state.inventory.minus(params.targetInventory);

  if (d.bid && d.ask) assert.ok(d.bid.price.lt(d.ask.price), `bid ${d.bid.price} >= ask ${d.ask.price}`);
  for (const [side, q] of [["buy", d.bid], ["sell", d.ask]] as const) {
    const skippedHere = d.skipped.filter((s) => s.side === side);
    assert.equal(skippedHere.length, q ? 0 : 1, `${side}: quoted xor skipped once`);
    if (!q) continue;
    assert.ok(q.price.mod(m.tickSize).isZero(), `${side} ${q.price} off the grid`);
    assert.ok(q.price.gte(lo) && q.price.lte(hi) && q.price.gt(0), `${side} ${q.price} outside [${lo}, ${hi}]`);
    assert.ok(q.size.mod(m.lotSize).isZero() && q.size.gt(0) && q.size.gte(m.minSize), `${side} size ${q.size}`);
    if (side === "buy") {
      if (rawAsk) assert.ok(q.price.lt(rawAsk), `bid ${q.price} crosses ${rawAsk}`);
      assert.ok(excess.plus(q.size).lte(params.maxInventory), "a filled buy breaches maxInventory");
    } else {
      if (rawBid) assert.ok(q.price.gt(rawBid), `ask ${q.price} crosses ${rawBid}`);
      assert.ok(excess.minus(q.size).gte(params.maxInventory.neg()), "a filled sell breaches maxInventory");
    }
  }
  const absRatio = hp(excess.abs()).div(hp(params.maxInventory));
  const emergency = absRatio.gte(params.source.emergencyThreshold);
  const rebalance = !emergency && absRatio.gte(params.source.rebalanceThreshold);
  const reduce = excess.gt(0) ? "sell" : "buy";
  if (emergency) {
    assert.ok(!d.bid && !d.ask, "no quotes in an emergency");
    assert.ok(d.skipped.every((s) => s.reason === REASON_EMERGENCY));
  }
  if (emergency || rebalance) {
    if (d.action) {
      assert.equal(d.action.kind, emergency ? "emergency" : "rebalance");
      assert.equal(d.action.side, reduce);
      assert.ok(d.action.amount.lte(excess.abs()) && d.action.amount.gt(excess.abs().minus(m.lotSize)));
    } else assert.ok(d.warnings.length > 0);
    if (rebalance) assert.equal(reduce === "sell" ? d.bid : d.ask, null, "no quote grows the excess");
  } else assert.equal(d.action, null);
}

describe("decideQuotes properties (random markets, books, parameters in all three modes, inventories)", () => {
  test("bid < ask, post-only against the raw book, grid, band, lot grid, never past maxInventory, actions", () => {
    fc.assert(
      fc.property(arbWorld, (w) => checkInvariants(w, decideQuotes(w.state, w.params, w.book, w.m))),
      { numRuns: 1500 },
    );
  });

  test("prices equal the independent oracle (exact skew, filtered book, same rounding)", () => {
    fc.assert(
      fc.property(arbWorld, (w) => {
        const d = decideQuotes(w.state, w.params, w.book, w.m);
        const p = w.params;
        const b = oracleSide(w.book.bids, w.m.minSize, p.depthLookback);
        const a = b && oracleSide(w.book.asks, w.m.minSize, p.depthLookback);
        const ratio = hp(w.state.inventory.minus(p.targetInventory)).div(hp(p.maxInventory));
        const skew = oracleSkew(p.skewMode, new Decimal(p.source.skewFactor), new Decimal(ratio.toString()));
        const invShift = skew.neg().times(hp(p.skewUnit));
        let mid: Decimal, spread: Decimal, shift: Decimal;
        if (a && b) {
          mid = b.best.price.plus(a.best.price).div(2);
          spread = Decimal.min(Decimal.max(a.best.price.minus(b.best.price), p.minSpread), p.maxSpread);
          shift = new Decimal(invShift.minus(oracleImbalance(new Decimal(b.depth.toString()), new Decimal(a.depth.toString())).times(hp(p.imbalanceUnit))).toString());
          assert.equal(d.usedFallback, false);
        } else if (w.state.referencePrice) {
          mid = w.state.referencePrice;
          spread = p.spread;
          shift = new Decimal(invShift.toString());
          assert.equal(d.usedFallback, true);
        } else {
          assert.ok(!d.bid && !d.ask);
          return;
        }
        const o = oracleQuote({ mid, spread, shift, tick: w.m.tickSize, minPrice: w.m.minPrice, maxPrice: w.m.maxPrice, bestBid: w.book.bids[0]?.price ?? null, bestAsk: w.book.asks[0]?.price ?? null });
        if (d.bid) assert.equal(d.bid.price.toString(), o.bid?.toString(), "bid");
        if (d.ask) assert.equal(d.ask.price.toString(), o.ask?.toString(), "ask");
        for (const s of d.skipped) {
          if (s.reason === NO_BID_IN_BAND) assert.equal(o.bid, null);
          if (s.reason === NO_ASK_IN_BAND) assert.equal(o.ask, null);
        }
      }),
      { numRuns: 1500 },
    );
  });

  test("the book path equals calculateMmPrices with the exact skew and the raw best prices", () => {
    fc.assert(
      fc.property(arbWorld, (w) => {
        const depth = analyzeOrderBookDepth(w.book, w.m.minSize, w.params.depthLookback);
        fc.pre(depth !== null);
        const d = decideQuotes(w.state, w.params, w.book, w.m);
        const q = calculateMmPrices(depth!, skewFraction(w.params, w.state.inventory), {
          ...w.params,
          tickSize: w.m.tickSize,
          minPrice: w.m.minPrice,
          maxPrice: w.m.maxPrice,
          bestBid: w.book.bids[0]?.price ?? null,
          bestAsk: w.book.asks[0]?.price ?? null,
        });
        if (d.bid) assert.ok(q.bid?.eq(d.bid.price));
        if (d.ask) assert.ok(q.ask?.eq(d.ask.price));
      }),
      RUNS,
    );
  });

  test("direction: more inventory never raises a quote (long lowers both), in every mode", () => {
    fc.assert(
      fc.property(arbWorld, fc.integer({ min: 1, max: 100 }), (w, morePct) => {
        const more = { ...w.state, inventory: w.state.inventory.plus(w.params.maxInventory.times(morePct).div(100)) };
        const a = decideQuotes(w.state, w.params, w.book, w.m);
        const b = decideQuotes(more, w.params, w.book, w.m);
        if (a.bid && b.bid) assert.ok(b.bid.price.lte(a.bid.price), `bid ${a.bid.price} → ${b.bid.price}`);
        if (a.ask && b.ask) assert.ok(b.ask.price.lte(a.ask.price), `ask ${a.ask.price} → ${b.ask.price}`);
      }),
      RUNS,
    );
  });

  test("pure: the same inputs give equal decisions, and the inputs are not modified", () => {
    fc.assert(
      fc.property(arbWorld, (w) => {
        const before = JSON.stringify(w.book);
        const a = decideQuotes(w.state, w.params, w.book, w.m);
        const b = decideQuotes(w.state, w.params, w.book, w.m);
        assert.deepEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
        assert.equal(JSON.stringify(w.book), before);
      }),
      { numRuns: 200 },
    );
  });
});
