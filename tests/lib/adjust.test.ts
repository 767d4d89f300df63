// Defect (a): the story's adjustQuotes moved quotes by mid × |skew|. Here the unit is a parameter (default: the base
// spread), and the result never crosses the book unless the caller asks for it.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { adjustQuotes, createInventoryConfig } from "@/lib/strategy";
import { D, RUNS, arbMode } from "./helpers";

const config = createInventoryConfig({ maxInventory: "1.0" }); // story defaults: skewFactor 0.5, linear

describe("adjustQuotes: the story's own example no longer crosses", () => {
  test("30% inventory at the defaults: the story's arithmetic vs ours", () => {
    const [bid, ask, mid] = [D(1999), D(2001), D(2000)];
    // the story: skew 0.15 × mid 2000 = 300 → bid 1699, ask 1851: the ask is 149 below mid, marketable at once
    const storyAsk = ask.minus(mid.times(0.15).times(0.5));
    assert.ok(storyAsk.eq(1851) && storyAsk.lt(mid));
    // ours: skew 0.15 × base spread 2 = 0.3 → bid 1998.7, ask 2000.85
    const a = adjustQuotes(config, D("0.3"), bid, ask, mid);
    assert.equal(a.bid.toString(), "1998.7");
    assert.equal(a.ask.toString(), "2000.85");
    assert.ok(a.ask.gt(mid), "ask stays above mid");
  });

  test("short inventory raises both quotes, the ask by the full amount", () => {
    const a = adjustQuotes(config, D("-0.5"), D(1999), D(2001), D(2000));
    assert.equal(a.bid.toString(), "1999.25");
    assert.equal(a.ask.toString(), "2001.5");
  });

  test("skewUnit is the price per 1.0 of skew", () => {
    const a = adjustQuotes(config, D("0.5"), D(1999), D(2001), D(2000), { skewUnit: D(4) });
    assert.equal(a.bid.toString(), "1998"); // 1999 − 0.25 × 4
    assert.equal(a.ask.toString(), "2000.5"); // 2001 − 0.25 × 4 / 2
  });

  test("a huge unit is clamped to one tick inside the book (post-only)", () => {
    const a = adjustQuotes(config, D("1"), D(1999), D(2001), D(2000), {
      skewUnit: D(10_000),
      tickSize: D("0.5"),
      bestBid: D(1999.5),
      bestAsk: D(2000.5),
    });
    assert.equal(a.ask.toString(), "2000"); // bestBid + tick
    assert.ok(a.bid.lt(a.ask));
  });

  test("without a grid only a crossing quote moves (the seed's case is untouched)", () => {
    const a = adjustQuotes(config, D("1"), D("1.02"), D("1.03"), D("1.015"), { skewUnit: D("0.001") });
    assert.equal(a.bid.toString(), "1.014"); // 1.0195 crossed mid 1.015: one step (0.001) below it
    assert.equal(a.ask.toString(), "1.02975");
  });

  test("without a book, mid stands for both best prices", () => {
    const a = adjustQuotes(config, D("1"), D(1999), D(2001), D(2000), { skewUnit: D(10_000) });
    assert.ok(a.ask.gt(2000) && a.bid.lt(2000));
    assert.equal(a.ask.toString(), "2001"); // mid + the inputs' finest step (1)
  });

  test("allowCross (a rebalance) lets the ask through the bid", () => {
    const a = adjustQuotes(config, D("1"), D(1999), D(2001), D(2000), {
      skewUnit: D(10_000),
      bestBid: D(1999.5),
      bestAsk: D(2000.5),
      allowCross: true,
    });
    assert.ok(a.ask.lt(1999.5));
    assert.ok(a.bid.lt(a.ask));
  });

  test("tick rounding: bid down, ask up", () => {
    const a = adjustQuotes(config, D("0.3"), D(1999), D(2001), D(2000), { tickSize: D("0.5") });
    assert.equal(a.bid.toString(), "1998.5"); // 1998.7 down
    assert.equal(a.ask.toString(), "2001"); // 2000.85 up
  });

  test("rejects an inverted base quote and a negative unit", () => {
    assert.throws(() => adjustQuotes(config, D(0), D(2001), D(1999), D(2000)), RangeError);
    assert.throws(() => adjustQuotes(config, D(0), D(1999), D(2001), D(2000), { skewUnit: D(-1) }), RangeError);
  });
});

// Random world: a book (bestBid < bestAsk), base quotes anywhere around it (even crossing it), any inventory
// (including beyond max), any mode and factor, units from tiny to absurd, with or without a tick.
const arbWorld = fc
  .record({
    mode: arbMode,
    factor: fc.integer({ min: 0, max: 100 }).map((n) => n / 100),
    max: fc.integer({ min: 1, max: 1000 }).map((n) => D(n).div(10)),
    invPct: fc.integer({ min: -300, max: 300 }),
    bestBidTicks: fc.integer({ min: 100, max: 100_000 }),
    spreadTicks: fc.integer({ min: 1, max: 50 }),
    baseOffsetTicks: fc.integer({ min: -60, max: 60 }),
    baseWidthTicks: fc.integer({ min: 1, max: 80 }),
    tick: fc.constantFrom("0.01", "0.5", "1", "0.0025"),
    unit: fc.option(fc.constantFrom("0.001", "0.3", "2", "50", "100000"), { nil: undefined }),
    withTick: fc.boolean(),
    withBook: fc.boolean(),
  })
  .map((w) => {
    const tick = D(w.tick);
    const bestBid = tick.times(w.bestBidTicks);
    const bestAsk = bestBid.plus(tick.times(w.spreadTicks));
    const mid = bestBid.plus(bestAsk).div(2);
    const baseBid = bestBid.plus(tick.times(w.baseOffsetTicks));
    return {
      config: createInventoryConfig({ maxInventory: w.max, skewMode: w.mode, skewFactor: w.factor }),
      inventory: w.max.times(w.invPct).div(100),
      baseBid,
      baseAsk: baseBid.plus(tick.times(w.baseWidthTicks)),
      mid,
      bestBid,
      bestAsk,
      options: {
        skewUnit: w.unit === undefined ? undefined : D(w.unit),
        tickSize: w.withTick ? tick : undefined,
        bestBid: w.withBook ? bestBid : undefined,
        bestAsk: w.withBook ? bestAsk : undefined,
      },
    };
  });

describe("adjustQuotes properties (all inventories, all three modes, random books)", () => {
  test("bid < ask, and neither crosses the opposite best price", () => {
    fc.assert(
      fc.property(arbWorld, (w) => {
        const a = adjustQuotes(w.config, w.inventory, w.baseBid, w.baseAsk, w.mid, w.options);
        assert.ok(a.bid.lt(a.ask), `bid ${a.bid} >= ask ${a.ask}`);
        const refAsk = w.options.bestAsk ?? w.mid;
        const refBid = w.options.bestBid ?? w.mid;
        assert.ok(a.bid.lt(refAsk), `bid ${a.bid} crosses ${refAsk}`);
        assert.ok(a.ask.gt(refBid), `ask ${a.ask} crosses ${refBid}`);
        // no book: post-only against every uncrossed book with this mid
        if (!w.options.bestBid) assert.ok(a.bid.lt(w.mid) && a.ask.gt(w.mid));
        if (w.options.tickSize) {
          assert.ok(a.bid.mod(w.options.tickSize).isZero() && a.ask.mod(w.options.tickSize).isZero(), "on the tick grid");
        }
      }),
      RUNS,
    );
  });

  test("with allowCross only bid < ask is promised, and it holds", () => {
    fc.assert(
      fc.property(arbWorld, (w) => {
        const a = adjustQuotes(w.config, w.inventory, w.baseBid, w.baseAsk, w.mid, { ...w.options, allowCross: true });
        assert.ok(a.bid.lt(a.ask));
      }),
      RUNS,
    );
  });

  test("direction: on a tick grid, more inventory never raises a quote (long lowers both)", () => {
    // Without a grid a crossing quote jumps one step back while a barely-not-crossing one stays: strict post-only
    // on a continuum cannot be monotone, so the promise is made for gridded quotes (what venues take).
    fc.assert(
      fc.property(arbWorld, fc.integer({ min: 1, max: 200 }), (w0, morePct) => {
        const w = { ...w0, options: { ...w0.options, tickSize: w0.options.tickSize ?? D("0.0025") } };
        const more = w.inventory.plus(w.config.maxInventory.times(morePct).div(100));
        const a = adjustQuotes(w.config, w.inventory, w.baseBid, w.baseAsk, w.mid, w.options);
        const b = adjustQuotes(w.config, more, w.baseBid, w.baseAsk, w.mid, w.options);
        assert.ok(b.bid.lte(a.bid) && b.ask.lte(a.ask), `${a.bid}/${a.ask} → ${b.bid}/${b.ask}`);
      }),
      RUNS,
    );
  });
});
