// Order-book analysis and quoting from the Rust document (002_1b4225c511bb2c36.txt), with defect (b) fixed:
// long inventory lowers both quotes, as its text says.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import fc from "fast-check";
import {
  MM_PRICE_DEFAULTS,
  analyzeOrderBookDepth,
  analyzeOrderBookDepthSafe,
  calculateMmPrices,
  type OrderBookDepth,
} from "@/lib/strategy";
import { D, RUNS, arbBook, arbMarket, bookOf, ladder } from "./helpers";
import { hp, oracleImbalance, oracleQuote, oracleSide } from "./oracle";

describe("analyzeOrderBookDepth", () => {
  const book = bookOf(
    [["0.49", "0.5"], ["0.48", "20"], ["0.47", "30"], ["0.46", "40"]],
    [["0.51", "10"], ["0.52", "0.2"], ["0.53", "15"], ["0.54", "5"]],
  );

  test("filters levels below minSize before choosing best and second", () => {
    const d = analyzeOrderBookDepth(book, D(1), 5)!;
    assert.equal(d.bestBid.price.toString(), "0.48");
    assert.equal(d.secondBid.price.toString(), "0.47");
    assert.equal(d.bestAsk.price.toString(), "0.51");
    assert.equal(d.secondAsk.price.toString(), "0.53");
    assert.equal(d.bidDepth.toString(), "90");
    assert.equal(d.askDepth.toString(), "30");
  });

  test("the lookback limits how many usable levels are summed", () => {
    const d = analyzeOrderBookDepth(book, D(1), 2)!;
    assert.equal(d.bidDepth.toString(), "50"); // 20 + 30
    assert.equal(d.askDepth.toString(), "25"); // 10 + 15
  });

  test("imbalance sign: bids deeper → negative (the document's convention)", () => {
    const d = analyzeOrderBookDepth(book, D(1), 5)!;
    assert.equal(d.imbalance, (30 - 90) / (30 + 90));
    assert.ok(d.imbalance < 0);
    const asksDeeper = analyzeOrderBookDepth(bookOf([["0.49", 1], ["0.48", 1]], [["0.51", 3], ["0.52", 3]]), D(0), 5)!;
    assert.equal(asksDeeper.imbalance, 0.5);
  });

  test("null, never a default price, when fewer than 2 usable levels remain on a side", () => {
    assert.equal(analyzeOrderBookDepth(bookOf([["0.49", 5]], [["0.51", 5], ["0.52", 5]]), D(0), 5), null);
    assert.equal(analyzeOrderBookDepth(bookOf([["0.49", 5], ["0.48", 5]], []), D(0), 5), null);
    assert.equal(analyzeOrderBookDepth(book, D(25), 5), null); // asks: only 0 levels >= 25
    assert.equal(analyzeOrderBookDepth(bookOf([["0.49", 0], ["0.48", 5]], [["0.51", 5], ["0.52", 5]]), D(0), 5), null);
  });

  test("the seed's name is the same function; a lookback under 2 is rejected", () => {
    assert.equal(analyzeOrderBookDepthSafe, analyzeOrderBookDepth);
    assert.throws(() => analyzeOrderBookDepth(book, D(0), 1), RangeError);
  });

  test("sizes with many decimals are summed exactly (BigInt path)", () => {
    const d = analyzeOrderBookDepth(
      bookOf([["0.49", "0.000000001"], ["0.48", "1.123456789012"]], [["0.51", "1"], ["0.52", "2"]]),
      D(0),
      5,
    )!;
    assert.equal(d.bidDepth.toString(), "1.123456790012");
  });

  test("matches the oracle on random books", () => {
    fc.assert(
      fc.property(arbMarket.chain((m) => fc.tuple(fc.constant(m), arbBook(m))), fc.integer({ min: 2, max: 8 }), ([m, book], lookback) => {
        const d = analyzeOrderBookDepth(book, m.minSize, lookback);
        const b = oracleSide(book.bids, m.minSize, lookback);
        const a = oracleSide(book.asks, m.minSize, lookback);
        if (!a || !b) return assert.equal(d, null);
        assert.ok(d);
        assert.equal(d.bestBid, b.best);
        assert.equal(d.secondAsk, a.second);
        assert.ok(hp(d.bidDepth).eq(b.depth) && hp(d.askDepth).eq(a.depth));
        assert.ok(Math.abs(d.imbalance - oracleImbalance(new Decimal(b.depth.toString()), new Decimal(a.depth.toString())).toNumber()) < 1e-15);
      }),
      RUNS,
    );
  });
});

/** A depth as analyzeOrderBookDepth returns it, with these best prices and depths. */
function depth(bestBid: string, bestAsk: string, bidDepth = "10", askDepth = "10"): OrderBookDepth {
  const lvl = (p: string) => ({ price: D(p), size: D(1) });
  return {
    bestBid: lvl(bestBid),
    bestAsk: lvl(bestAsk),
    secondBid: lvl(bestBid),
    secondAsk: lvl(bestAsk),
    bidDepth: D(bidDepth),
    askDepth: D(askDepth),
    imbalance: (Number(askDepth) - Number(bidDepth)) / (Number(askDepth) + Number(bidDepth)),
  };
}

describe("calculateMmPrices: the document's algorithm, tick 0.001, default parameters", () => {
  const tick = { tickSize: D("0.001") };
  const table: Array<[string, OrderBookDepth, number, object, string | null, string | null]> = [
    // name, depth, skew, params, bid, ask
    ["balanced, spread at max", depth("0.49", "0.51"), 0, tick, "0.49", "0.51"],
    ["wide book: spread clamped to maxSpread 0.02", depth("0.48", "0.52"), 0, tick, "0.49", "0.51"],
    ["tight book: spread widened to minSpread 0.002, bid down / ask up", depth("0.5", "0.501"), 0, tick, "0.499", "0.502"],
    ["long (skew +0.5) lowers both by 0.005 — defect (b)", depth("0.49", "0.51"), 0.5, tick, "0.485", "0.505"],
    ["short (skew −0.5) raises both by 0.005", depth("0.49", "0.51"), -0.5, tick, "0.495", "0.515"],
    ["bids deeper (imbalance −0.5) raise both by 0.0025", depth("0.49", "0.51", "30", "10"), 0, tick, "0.492", "0.513"],
    ["asks deeper (imbalance +0.5) lower both by 0.0025", depth("0.49", "0.51", "10", "30"), 0, tick, "0.487", "0.508"],
    ["post-only: a big short skew stops one tick under the best ask", depth("0.49", "0.51"), -2, tick, "0.509", "0.53"],
    ["post-only: a big long skew stops one tick over the best bid", depth("0.49", "0.51"), 2, tick, "0.47", "0.491"],
    ["band floor: both pushed to 0.01 are pulled one tick apart", depth("0.01", "0.02"), 1, tick, "0.01", "0.011"],
    ["band ceiling: the ask is held at 0.99, the bid under the best ask", depth("0.98", "0.99"), -1, tick, "0.989", "0.99"],
    ["no post-only ask inside the band when the best bid is 0.99", depth("0.98", "0.99"), 0, { ...tick, bestBid: D("0.99") }, "0.98", null],
    ["custom units: skewUnit 0.1, imbalanceUnit 0", depth("0.49", "0.51", "30", "10"), 0.1, { ...tick, skewUnit: D("0.1"), imbalanceUnit: D(0) }, "0.48", "0.5"],
    ["custom band [0.2, 0.6]: the ask is held at the band's top", depth("0.59", "0.61"), 0, { ...tick, minPrice: D("0.2"), maxPrice: D("0.6") }, "0.59", "0.6"],
    ["coarse tick 0.01: bid rounds down, ask up", depth("0.495", "0.505", "30", "10"), 0, { tickSize: D("0.01") }, "0.49", "0.51"],
  ];
  for (const [name, d, skew, params, bid, ask] of table)
    test(name, () => {
      const q = calculateMmPrices(d, skew, params as { tickSize: Decimal });
      assert.deepEqual([q.bid?.toString() ?? null, q.ask?.toString() ?? null], [bid, ask]);
    });

  test("the document's formula (+skew × 0.01) would have raised the quotes of a long book", () => {
    const d = depth("0.49", "0.51");
    const docBid = D("0.5").minus("0.01").plus(D(0.5).times("0.01"));
    const ours = calculateMmPrices(d, 0.5, tick);
    assert.ok(docBid.gt("0.49") && ours.bid!.lt("0.49"));
  });

  test("defaults are the document's TradingConfig and its 1% / 0.5% adjustments", () => {
    assert.deepEqual(
      Object.fromEntries(Object.entries(MM_PRICE_DEFAULTS).map(([k, v]) => [k, v.toString()])),
      { minSpread: "0.002", maxSpread: "0.02", skewUnit: "0.01", imbalanceUnit: "0.005", minPrice: "0.01", maxPrice: "0.99" },
    );
  });

  test("an exact fraction can stand for the skew (1/3 is not 0.333…)", () => {
    const d = depth("0.49", "0.51");
    // 1/3 × 0.3 = 0.1 exactly: bid 0.49 − 0.1 = 0.39 on the grid; 0.3333333333333333 × 0.3 is just under → 0.390
    const exact = calculateMmPrices(d, { n: 1n, d: 3n }, { ...tick, skewUnit: D("0.3") });
    assert.equal(exact.bid?.toString(), "0.39");
  });

  test("rejects a non-positive tick and minSpread > maxSpread", () => {
    assert.throws(() => calculateMmPrices(depth("0.49", "0.51"), 0, { tickSize: D(0) }), RangeError);
    assert.throws(() => calculateMmPrices(depth("0.49", "0.51"), 0, { ...tick, minSpread: D("0.05") }), RangeError);
  });
});

// Random order-book quoting: markets on several grids, random books, skews, units and spreads.
const arbQuoting = arbMarket.chain((m) =>
  fc.record({
    m: fc.constant(m),
    book: arbBook(m),
    skewMilli: fc.integer({ min: -2500, max: 2500 }),
    skewUnitTicks: fc.integer({ min: 0, max: 40 }),
    imbUnitTicks: fc.integer({ min: 0, max: 20 }),
    minSpreadTicks: fc.integer({ min: 1, max: 10 }),
    extraSpreadTicks: fc.integer({ min: 0, max: 30 }),
    lookback: fc.integer({ min: 2, max: 6 }),
  }),
);

describe("calculateMmPrices properties (random books on several grids)", () => {
  test("on the grid, inside the band, bid < ask, post-only against the raw best prices, equal to the oracle", () => {
    fc.assert(
      fc.property(arbQuoting, (w) => {
        const d = analyzeOrderBookDepth(w.book, w.m.minSize, w.lookback);
        fc.pre(d !== null);
        const tick = w.m.tickSize;
        const params = {
          tickSize: tick,
          minSpread: tick.times(w.minSpreadTicks),
          maxSpread: tick.times(w.minSpreadTicks + w.extraSpreadTicks),
          skewUnit: tick.times(w.skewUnitTicks),
          imbalanceUnit: tick.times(w.imbUnitTicks),
          minPrice: w.m.minPrice,
          maxPrice: w.m.maxPrice,
          bestBid: w.book.bids[0]?.price ?? null,
          bestAsk: w.book.asks[0]?.price ?? null,
        };
        const skew = w.skewMilli / 1000;
        const q = calculateMmPrices(d!, skew, params);
        for (const p of [q.bid, q.ask]) {
          if (!p) continue;
          assert.ok(p.mod(tick).isZero(), `${p} off the ${tick} grid`);
          assert.ok(p.gte(w.m.minPrice) && p.lte(w.m.maxPrice), `${p} outside the band`);
        }
        if (q.bid && q.ask) assert.ok(q.bid.lt(q.ask));
        if (q.bid) assert.ok(q.bid.lt(params.bestAsk!), `bid ${q.bid} crosses ${params.bestAsk}`);
        if (q.ask) assert.ok(q.ask.gt(params.bestBid!), `ask ${q.ask} crosses ${params.bestBid}`);

        const bb = d!.bestBid.price;
        const ba = d!.bestAsk.price;
        const spread = Decimal.min(Decimal.max(ba.minus(bb), params.minSpread), params.maxSpread);
        const shift = hp(skew).neg().times(hp(params.skewUnit)).minus(oracleImbalance(d!.bidDepth, d!.askDepth).times(hp(params.imbalanceUnit)));
        const o = oracleQuote({ mid: bb.plus(ba).div(2), spread, shift: new Decimal(shift.toString()), tick, minPrice: w.m.minPrice, maxPrice: w.m.maxPrice, bestBid: params.bestBid, bestAsk: params.bestAsk });
        assert.equal(q.bid?.toString() ?? null, o.bid?.toString() ?? null, "bid vs oracle");
        assert.equal(q.ask?.toString() ?? null, o.ask?.toString() ?? null, "ask vs oracle");
      }),
      { numRuns: 600 },
    );
  });

  test("direction: a larger skew never raises a quote; deeper bids never lower one", () => {
    fc.assert(
      fc.property(arbQuoting, fc.integer({ min: 1, max: 2000 }), (w, more) => {
        const d = analyzeOrderBookDepth(w.book, w.m.minSize, w.lookback);
        fc.pre(d !== null);
        const params = { tickSize: w.m.tickSize, skewUnit: w.m.tickSize.times(w.skewUnitTicks), minPrice: w.m.minPrice, maxPrice: w.m.maxPrice, minSpread: w.m.tickSize, maxSpread: w.m.tickSize.times(20) };
        const a = calculateMmPrices(d!, w.skewMilli / 1000, params);
        const b = calculateMmPrices(d!, (w.skewMilli + more) / 1000, params);
        if (a.bid && b.bid) assert.ok(b.bid.lte(a.bid));
        if (a.ask && b.ask) assert.ok(b.ask.lte(a.ask));
        const deeper = { ...d!, bidDepth: d!.bidDepth.times(3) };
        const c = calculateMmPrices(deeper, w.skewMilli / 1000, params);
        if (a.bid && c.bid) assert.ok(c.bid.gte(a.bid));
        if (a.ask && c.ask) assert.ok(c.ask.gte(a.ask));
      }),
      RUNS,
    );
  });

  test("the ladder helper builds what the tests expect", () => {
    const l = ladder("0.49", "0.51", "0.01", 3);
    assert.deepEqual(l.bids.map((x) => x.price.toString()), ["0.49", "0.48", "0.47"]);
  });
});
