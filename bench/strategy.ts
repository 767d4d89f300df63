// decideQuotes on a 20-level book: a probability market (tick 0.001) and a generic one (price ~2000, tick 0.01).
// Inventories cycle through flat, long, short and rebalancing states so no single branch is all that is timed.
import Decimal from "decimal.js";
import type { BookLevel, MarketSpec, OrderBook } from "@/lib/market";
import { compileStrategyParams, decideQuotes, type QuoteState } from "@/lib/strategy";
import { bench, report } from "./harness";

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

console.log("\n# strategy: decideQuotes, 20-level book, one call per timing sample");
for (const s of scenarios) {
  const nb = s.books.length;
  const ns = s.states.length;
  const r = bench(s.name, (i) => decideQuotes(s.states[i % ns]!, s.params, s.books[i % nb]!, s.market));
  report(r, 10);
}
