// decideQuotes, the composing entry, step by step: a table for each step of its documented order (skew per
// mode, target inventory, sizes, the thin-book fallback, gates, book details). The properties over random
// inputs are in decide-properties.test.ts.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { MarketSpec, OrderBook } from "@/lib/market";
import {
  REASON_CROSSED,
  REASON_EMERGENCY,
  REASON_NO_PRICE,
  REASON_TOTAL_CAP,
  compileStrategyParams,
  decideQuotes,
  type CompiledParams,
  type QuoteDecision,
  type QuoteState,
} from "@/lib/strategy";
import { D, bookOf, ladder, market } from "./helpers";

const pm = market(); // tick 0.001, lot 0.01, minSize 0.1, band [0.01, 0.99]
const flatBook = ladder("0.49", "0.51", "0.01", 5, "10");
const defaults = compileStrategyParams({}); // maxInventory 5, orderSize 1, maxPosition 5

/** The decision as plain strings, for deepEqual. */
function view(d: QuoteDecision) {
  return {
    bid: d.bid && `${d.bid.price.toString()} x ${d.bid.size.toString()}`,
    ask: d.ask && `${d.ask.price.toString()} x ${d.ask.size.toString()}`,
    skipped: d.skipped.map((s) => `${s.side}: ${s.reason}`),
    action: d.action && `${d.action.kind} ${d.action.side} ${d.action.amount.toString()} @ ${d.action.limitPrice?.toString() ?? "market"}`,
  };
}

const decide = (state: QuoteState, params: CompiledParams = defaults, book: OrderBook = flatBook, m: MarketSpec = pm) =>
  decideQuotes(state, params, book, m);

describe("decideQuotes: inventory skew on a balanced 0.49 / 0.51 book (defaults)", () => {
  const table: Array<[string, string, ReturnType<typeof view>]> = [
    ["flat", "0", { bid: "0.49 x 1", ask: "0.51 x 1", skipped: [], action: null }],
    // ratio 0.3, skew 0.15: both quotes down by 0.0015, bid rounded down, ask up
    ["long 1.5", "1.5", { bid: "0.488 x 1", ask: "0.509 x 1", skipped: [], action: null }],
    // ratio 0.4: buy limit halves (position skew past 0.3)
    ["long 2", "2", { bid: "0.488 x 0.5", ask: "0.508 x 1", skipped: [], action: null }],
    // ratio −0.52, skew −0.26: up by 0.0026; sell limit 0.2× past −0.5
    ["short 2.6", "-2.6", { bid: "0.492 x 1", ask: "0.513 x 0.2", skipped: [], action: null }],
    // ratio 0.8: rebalance; buys are skipped (position skew 0.8 > 0.7)
    [
      "rebalance at 0.8",
      "4",
      { bid: null, ask: "0.506 x 1", skipped: ["buy: Inventory too long"], action: "rebalance sell 4 @ 0.49" },
    ],
    [
      "emergency at 0.95",
      "4.75",
      { bid: null, ask: null, skipped: [`buy: ${REASON_EMERGENCY}`, `sell: ${REASON_EMERGENCY}`], action: "emergency sell 4.75 @ market" },
    ],
    [
      "emergency short, full position",
      "-5",
      { bid: null, ask: null, skipped: [`buy: ${REASON_EMERGENCY}`, `sell: ${REASON_EMERGENCY}`], action: "emergency buy 5 @ market" },
    ],
  ];
  for (const [name, inventory, expected] of table) test(name, () => assert.deepEqual(view(decide({ inventory: D(inventory) })), expected));

  test("metrics", () => {
    const d = decide({ inventory: D("1.5") });
    assert.equal(d.metrics.mid?.toString(), "0.5");
    assert.equal(d.metrics.bestBid?.toString(), "0.49");
    assert.equal(d.metrics.bestAsk?.toString(), "0.51");
    assert.equal(d.metrics.spread?.toString(), "0.02");
    assert.equal(d.metrics.imbalance, 0);
    assert.equal(d.metrics.ratio, 0.3);
    assert.ok(Math.abs(d.metrics.skew - 0.15) < 1e-15);
    assert.equal(d.metrics.positionSkew, 0.3);
    assert.equal(d.usedFallback, false);
    assert.deepEqual(d.warnings, []);
  });

  test("the rebalance side never grows the excess even when the position skew would allow it", () => {
    // UP/DOWN values say balanced, the inventory ratio says 0.85: the buy is still withheld
    const d = decide({ inventory: D("4.25"), upValue: D(1), downValue: D(1) });
    assert.deepEqual(d.skipped, [{ side: "buy", reason: "rebalancing: a buy would grow the excess" }]);
    assert.equal(d.action?.kind, "rebalance");
  });
});

describe("decideQuotes: the exact skew on the price path, per mode (max 5, skewUnit 0.01)", () => {
  // [mode, inventory, bid, ask]: shift = −skew × 0.01 from the 0.49 / 0.51 book
  const table: Array<["linear" | "exponential" | "tiered", string, string, string]> = [
    ["exponential", "2.5", "0.488", "0.509"], // ratio 0.5: skew 0.125 → 0.48875 / 0.50875
    ["exponential", "-2.5", "0.491", "0.512"],
    ["tiered", "2", "0.488", "0.508"], // ratio 0.4 exactly: tier 1.0, skew 0.2
    ["tiered", "2.05", "0.486", "0.507"], // ratio 0.41: tier 1.5, skew 0.3075
    ["tiered", "3.5", "0.484", "0.505"], // ratio 0.7 exactly: tier 1.5, skew 0.525
    ["tiered", "3.55", "0.482", "0.503"], // ratio 0.71: tier 2.0, skew 0.71
  ];
  for (const [mode, inventory, bid, ask] of table)
    test(`${mode} at ${inventory}`, () => {
      const d = decide({ inventory: D(inventory) }, compileStrategyParams({ skewMode: mode, skipSideThreshold: "1" }));
      assert.deepEqual([d.bid?.price.toString(), d.ask?.price.toString()], [bid, ask]);
    });
});

describe("decideQuotes: target inventory", () => {
  const p = compileStrategyParams({ targetInventory: "2" });
  test("at target it quotes like flat", () => assert.deepEqual(view(decide({ inventory: D(2) }, p)), view(decide({ inventory: D(0) }))));
  test("6 is 4 over target: rebalance sells 4, not 6", () =>
    assert.equal(view(decide({ inventory: D(6) }, p)).action, "rebalance sell 4 @ 0.49"));
  test("flat is short of target: quotes lean up", () => {
    const d = decide({ inventory: D(0) }, p);
    assert.ok(d.metrics.ratio < 0 && d.bid!.price.gt("0.49"));
  });
});

describe("decideQuotes: sizes", () => {
  test("capped so a fill cannot take |inventory − target| past maxInventory", () => {
    const p = compileStrategyParams({ orderSize: "5", rebalanceThreshold: "0.95", emergencyThreshold: "0.99", skipSideThreshold: "1" });
    // inventory 4.3: buy limit 0.2 × 5 = 1, but only 0.7 of room; sell 5 × 1
    assert.deepEqual(view(decide({ inventory: D("4.3") }, p)).bid?.split(" x ")[1], "0.7");
    assert.deepEqual(view(decide({ inventory: D("4.3") }, p)).ask?.split(" x ")[1], "5");
  });
  test("rounded down to the lot; below the venue minimum the side is skipped", () => {
    const m = market({ lotSize: D("0.25"), minSize: D("0.5") });
    const p = compileStrategyParams({ orderSize: "0.9" });
    assert.equal(view(decide({ inventory: D(0) }, p, flatBook, m)).bid, "0.49 x 0.75");
    // ratio 0.6: buy limit 0.2 × 0.9 = 0.18 → 0 lots
    const d = decide({ inventory: D(3) }, p, flatBook, m);
    assert.deepEqual(d.skipped, [{ side: "buy", reason: "size 0 below the venue minimum 0.5" }]);
  });
  test("orderSize is capped by maxPosition", () => {
    const p = compileStrategyParams({ orderSize: "3", maxPosition: "2" });
    assert.equal(view(decide({ inventory: D(0) }, p)).bid, "0.49 x 2");
  });
});

describe("decideQuotes: thin books and the fallback", () => {
  const thin = bookOf([["0.49", "10"]], [["0.51", "10"]]);
  test("reference ± spread / 2 when a side has fewer than 2 levels", () => {
    const d = decide({ inventory: D(0), referencePrice: D("0.5") }, defaults, thin);
    assert.deepEqual(view(d), { bid: "0.495 x 1", ask: "0.505 x 1", skipped: [], action: null });
    assert.equal(d.usedFallback, true);
    assert.equal(d.metrics.imbalance, null);
    assert.equal(d.metrics.mid?.toString(), "0.5");
  });
  test("the fallback leans against inventory too", () => {
    const d = decide({ inventory: D("1.5"), referencePrice: D("0.5") }, defaults, thin);
    assert.deepEqual([d.bid?.price.toString(), d.ask?.price.toString()], ["0.493", "0.504"]);
  });
  test("the fallback is still post-only against whatever best prices exist", () => {
    const d = decide({ inventory: D(0), referencePrice: D("0.52") }, defaults, thin);
    assert.equal(d.bid?.price.toString(), "0.509"); // 0.515 would cross the 0.51 ask
  });
  test("no reference price: no quotes, never a default price", () => {
    const d = decide({ inventory: D(0) }, defaults, thin);
    assert.deepEqual(d.skipped.map((s) => s.reason), [REASON_NO_PRICE, REASON_NO_PRICE]);
    assert.equal(d.metrics.mid, null);
  });
  test("an empty book with a reference price quotes around it", () => {
    const d = decide({ inventory: D(0), referencePrice: D("0.3") }, defaults, { bids: [], asks: [], ts: 0 });
    assert.deepEqual([d.bid?.price.toString(), d.ask?.price.toString()], ["0.295", "0.305"]);
    assert.equal(d.metrics.spread, null);
  });
});

describe("decideQuotes: gates", () => {
  test("crossed or locked raw book", () => {
    const crossed = bookOf([["0.52", "10"], ["0.5", "10"]], [["0.51", "10"], ["0.53", "10"]]);
    assert.deepEqual(decide({ inventory: D(0) }, defaults, crossed).skipped.map((s) => s.reason), [REASON_CROSSED, REASON_CROSSED]);
  });
  test("total position cap (>=, only when the caller passes the value)", () => {
    assert.deepEqual(decide({ inventory: D(0), totalPositionValue: D(30) }).skipped.map((s) => s.reason), [REASON_TOTAL_CAP, REASON_TOTAL_CAP]);
    assert.equal(decide({ inventory: D(0), totalPositionValue: D("29.9") }).skipped.length, 0);
  });
  test("the rebalance action survives the cap", () => {
    assert.equal(decide({ inventory: D(4), totalPositionValue: D(31) }).action?.kind, "rebalance");
  });
  test("price outside the band → skip; outside the safe range → warning only", () => {
    const out = decide({ inventory: D(0) }, compileStrategyParams({ minPrice: "0.6" }));
    assert.match(out.skipped[0]!.reason, /price 0.5 outside \[0.6, 0.99\]/);
    const warn = decide({ inventory: D(0) }, compileStrategyParams({ safeRangeLow: "0.55" }));
    assert.equal(warn.bid?.price.toString(), "0.49");
    assert.match(warn.warnings[0]!, /safe range/);
  });
});

describe("decideQuotes: book details", () => {
  test("bids deeper raise the quotes (imbalance negative)", () => {
    const deepBids = ladder("0.49", "0.51", "0.01", 5, (_i, side) => (side === "bid" ? "30" : "10"));
    const d = decide({ inventory: D(0) }, defaults, deepBids);
    assert.equal(d.metrics.imbalance, -0.5);
    assert.deepEqual([d.bid?.price.toString(), d.ask?.price.toString()], ["0.492", "0.513"]);
  });
  test("post-only uses the raw best price, not the filtered one", () => {
    // a 0.01 bid at 0.50 is below minSize (filtered from pricing) but a sell at 0.50 would still trade with it
    const book = bookOf([["0.5", "0.01"], ["0.49", "10"], ["0.48", "10"]], [["0.51", "10"], ["0.52", "10"]]);
    const p = compileStrategyParams({ skewUnit: "0.1" });
    const d = decide({ inventory: D("3.5") }, p, book); // skew 0.35 → shift −0.035
    assert.equal(d.metrics.mid?.toString(), "0.5"); // (0.49 + 0.51) / 2: the filtered best
    assert.equal(d.ask?.price.toString(), "0.501"); // not 0.491 (filtered best + tick) nor 0.475
  });
  test("UP / DOWN values drive the position skew in probability markets", () => {
    const d = decide({ inventory: D(0), upValue: D(9), downValue: D(1) });
    assert.equal(d.metrics.positionSkew, 0.8);
    assert.deepEqual(d.skipped, [{ side: "buy", reason: "Inventory too long" }]);
    assert.equal(d.ask?.price.toString(), "0.51");
  });
  test("merge opportunity", () => {
    assert.equal(decide({ inventory: D(0), upShares: D(3), downShares: D(2) }).mergeable?.toString(), "2");
    assert.equal(decide({ inventory: D(0), upShares: D(3), downShares: D("0.05") }).mergeable, null);
    assert.equal(decide({ inventory: D(0) }).mergeable, null);
  });
  test("a generic market priced around 2000", () => {
    const eth = market({ symbol: "ETH", tickSize: D("0.01"), lotSize: D("0.001"), minSize: D("0.001"), maxPrice: D("1000000") });
    const p = compileStrategyParams({
      maxInventory: "1", orderSize: "0.1", skewUnit: "2", imbalanceUnit: "0.5", minSpread: "0.2", maxSpread: "5", spread: "1", safeRangeLow: null, safeRangeHigh: null,
    });
    const d = decideQuotes({ inventory: D("0.3") }, p, ladder("1999.9", "2000.1", "0.1", 20, "2"), eth);
    // spread 0.2, skew 0.15 × unit 2 = 0.3 down: bid 1999.6; the ask (1999.8) would cross the 1999.9 bid, held at 1999.91
    assert.deepEqual(view(d), { bid: "1999.6 x 0.1", ask: "1999.91 x 0.1", skipped: [], action: null });
    assert.deepEqual(d.warnings, []);
  });
});
