// decideQuotes on a 20-level book: a probability market (tick 0.001) and a generic one (price ~2000, tick 0.01),
// held against the bar (p99 <= 10 µs). Inventories cycle through flat, long, short and rebalancing states so no
// single branch is all that is timed. A third, stress scenario feeds a new book every call (see movingMarket): its
// p99 includes the young-generation GCs that building those books triggers, so it is reported without the bar.
import Decimal from "decimal.js";
import type { BookLevel, MarketSpec, OrderBook } from "@/lib/market";
import { compileStrategyParams, decideQuotes, type QuoteState } from "@/lib/strategy";
import { bench, benchPrepared, report } from "./harness";

const D = (v: string | number) => new Decimal(v);

function book(mid: Decimal, tick: Decimal, levels: number, halfSpreadTicks: number): OrderBook {
  const side = (dir: 1 | -1): BookLevel[] =>
    Array.from({ length: levels }, (_, i) => ({
      price: mid.plus(tick.times(dir * (halfSpreadTicks + i))),
      size: D(5 + ((i * 7) % 13)).plus("0.25"),
    }));
  return { bids: side(-1), asks: side(1), ts: 0 };
}

function market(symbol: string, tick: string, lot: string, minSize: string, lo: string, hi: string): MarketSpec {
  return {
    symbol,
    tickSize: D(tick),
    lotSize: D(lot),
    minSize: D(minSize),
    minPrice: D(lo),
    maxPrice: D(hi),
    makerFeeRate: D("0"),
    takerFeeRate: D("0.001"),
  };
}

const scenarios = [
  {
    name: "decideQuotes, probability market",
    market: market("PM-YES", "0.001", "0.01", "1", "0.01", "0.99"),
    params: compileStrategyParams({}),
    books: [book(D("0.5"), D("0.001"), 20, 1), book(D("0.437"), D("0.001"), 20, 2), book(D("0.62"), D("0.001"), 20, 3)],
    states: ["0", "1.5", "-2.25", "3", "-1", "4.2"].map((i): QuoteState => ({ inventory: D(i) })),
  },
  {
    name: "decideQuotes, generic market (~2000)",
    market: market("ETH-USD", "0.01", "0.001", "0.001", "0.01", "1000000"),
    params: compileStrategyParams({
      maxInventory: "1",
      orderSize: "0.1",
      maxPosition: "0.5",
      skewUnit: "2",
      imbalanceUnit: "0.5",
      minSpread: "0.2",
      maxSpread: "5",
      spread: "1",
      safeRangeLow: null,
      safeRangeHigh: null,
      skewMode: "tiered",
    }),
    books: [book(D("2000"), D("0.01"), 20, 5), book(D("1987.35"), D("0.01"), 20, 8)],
    states: ["0", "0.3", "-0.45", "0.82", "0.1"].map((i): QuoteState => ({ inventory: D(i) })),
  },
];

// A market that keeps moving: every call gets a NEW book (built untimed, as a runner parses each update) whose mid
// random-walks over thousands of ticks, and a new inventory on a fine lot grid, so prices and sizes are mostly
// fresh Decimals rather than interned ones.
function movingMarket() {
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const tick = D("0.01");
  let midTicks = 200_000;
  return (): [QuoteState, OrderBook] => {
    midTicks += Math.round((rnd() - 0.5) * 40);
    return [
      { inventory: D(Math.round((rnd() - 0.5) * 1800)).div(1000) },
      book(tick.times(midTicks), tick, 20, 1 + Math.floor(rnd() * 6)),
    ];
  };
}

console.log("\n# strategy: decideQuotes, 20-level book, one call per timing sample");
for (const s of scenarios) {
  const nb = s.books.length;
  const ns = s.states.length;
  const r = bench(s.name, (i) => decideQuotes(s.states[i % ns]!, s.params, s.books[i % nb]!, s.market));
  report(r, 10);
}
{
  const generic = scenarios[1]!;
  const next = movingMarket();
  const r = benchPrepared(
    "decideQuotes, moving market (fresh book/call)",
    () => next(),
    ([state, b]) => decideQuotes(state, generic.params, b, generic.market),
    { iterations: 50_000, warmup: 10_000 },
  );
  report(r);
}
