// decideQuotes against the same decision in plain float64 arithmetic, measured in the same run: the issue's
// bars are allocation <= 256 B per call and time within 4x of the float64 version. The float64 version takes
// the same book (levels pre-converted to numbers, as a float engine would hold them), the same inventory and
// parameters, and does the same steps: ratio, skew by mode, thresholds, depth scan over the lookback,
// centre, spread clamp, skew and imbalance shift, tick rounding, band and post-only clamps, sizes by lot.
// It is a yardstick, not a second strategy: decideQuotes stays the exact one.
import Decimal from "decimal.js";
import type { BookLevel, MarketSpec, OrderBook } from "@/lib/market";
import { compileStrategyParams, decideQuotes, type QuoteState } from "@/lib/strategy";
import { bench } from "./harness";

const D = (v: string | number) => new Decimal(v);

function book(mid: Decimal, tick: Decimal, levels: number, halfSpreadTicks: number): OrderBook {
  const side = (dir: 1 | -1): BookLevel[] =>
    Array.from({ length: levels }, (_, i) => ({ price: mid.plus(tick.times(dir * (halfSpreadTicks + i))), size: D(5 + ((i * 7) % 13)).plus("0.25") }));
  return { bids: side(-1), asks: side(1), ts: 0 };
}

const market: MarketSpec = {
  symbol: "ETH-USD",
  tickSize: D("0.01"),
  lotSize: D("0.001"),
  minSize: D("0.001"),
  minPrice: D("0.01"),
  maxPrice: D("1000000"),
  makerFeeRate: D("0"),
  takerFeeRate: D("0.001"),
};
const raw = { maxInventory: "1", orderSize: "0.1", maxPosition: "0.5", skewUnit: "2", imbalanceUnit: "0.5", minSpread: "0.2", maxSpread: "5", spread: "1", safeRangeLow: null, safeRangeHigh: null, skewMode: "tiered" as const };
const params = compileStrategyParams(raw);
const books = [book(D("2000"), D("0.01"), 20, 5), book(D("1987.35"), D("0.01"), 20, 8)];
const inventories = ["0", "0.3", "-0.45", "0.82", "0.1"];
const states = inventories.map((i): QuoteState => ({ inventory: D(i) }));

// ---- the float64 decision
interface FloatBook {
  bidP: Float64Array;
  bidS: Float64Array;
  askP: Float64Array;
  askS: Float64Array;
}
const fbooks: FloatBook[] = books.map((b) => ({
  bidP: Float64Array.from(b.bids, (l) => l.price.toNumber()),
  bidS: Float64Array.from(b.bids, (l) => l.size.toNumber()),
  askP: Float64Array.from(b.asks, (l) => l.price.toNumber()),
  askS: Float64Array.from(b.asks, (l) => l.size.toNumber()),
}));
const finv = inventories.map(Number);
const P = { max: 1, target: 0, skewFactor: 0.5, rebalance: 0.8, emergency: 0.95, skewUnit: 2, imbalanceUnit: 0.5, minSpread: 0.2, maxSpread: 5, lookback: 5, minLevel: 0.001, orderSize: 0.1, maxPosition: 0.5, tick: 0.01, lot: 0.001, lo: 0.01, hi: 1_000_000, skipSide: 0.7 };

function skewOf(ratio: number): number {
  const a = Math.abs(ratio);
  const tier = a > 0.7 ? 2 : a > 0.4 ? 1.5 : 1;
  return ratio * P.skewFactor * tier;
}

function scan(prices: Float64Array, sizes: Float64Array): { first: number; depth: number } {
  let first = -1;
  let depth = 0;
  for (let i = 0, n = 0; i < prices.length && n < P.lookback; i++) {
    if (sizes[i]! < P.minLevel) continue;
    if (first < 0) first = i;
    depth += sizes[i]!;
    n++;
  }
  return { first, depth };
}

export function decideFloat(inventory: number, b: FloatBook): { bid: number; ask: number; bidSize: number; askSize: number; action: number } {
  const excess = inventory - P.target;
  const ratio = excess / P.max;
  const skew = skewOf(ratio);
  const a = Math.abs(ratio);
  const emergency = a >= P.emergency;
  const rebalance = !emergency && a >= P.rebalance;
  if (emergency) return { bid: NaN, ask: NaN, bidSize: 0, askSize: 0, action: 2 };
  const bs = scan(b.bidP, b.bidS);
  const as = scan(b.askP, b.askS);
  const bb = b.bidP[bs.first]!;
  const ba = b.askP[as.first]!;
  const center = (bb + ba) / 2;
  const spread = Math.min(Math.max(ba - bb, P.minSpread), P.maxSpread);
  // More bid depth than ask depth raises both quotes; a long inventory lowers both.
  const shift = -skew * P.skewUnit + ((bs.depth - as.depth) / (as.depth + bs.depth)) * P.imbalanceUnit;
  let bid = Math.floor((center - spread / 2 + shift) / P.tick);
  let ask = Math.ceil((center + spread / 2 + shift) / P.tick);
  const lo = Math.ceil(P.lo / P.tick);
  const hi = Math.floor(P.hi / P.tick);
  bid = Math.min(Math.max(bid, lo), hi);
  ask = Math.min(Math.max(ask, lo), hi);
  bid = Math.min(bid, Math.ceil(b.askP[0]! / P.tick) - 1);
  ask = Math.max(ask, Math.floor(b.bidP[0]! / P.tick) + 1);
  const posSkew = Math.max(-1, Math.min(1, ratio));
  const size = (side: 1 | -1) => {
    if (side === 1 && rebalance && excess < 0) return 0;
    if (side === -1 && rebalance && excess > 0) return 0;
    if (side * posSkew > P.skipSide) return 0;
    const room = side === 1 ? P.target + P.max - inventory : inventory - P.target + P.max;
    const toward = side * posSkew;
    const limit = toward > 0.5 ? 0.2 : toward > 0.3 ? 0.5 : 1;
    const s = Math.min(Math.min(P.orderSize, P.maxPosition) * limit, room);
    return Math.floor(s / P.lot) * P.lot;
  };
  return { bid: bid * P.tick, ask: ask * P.tick, bidSize: size(1), askSize: size(-1), action: rebalance ? 1 : 0 };
}

export function run(): { bytesPerCall: number | null; ratio: number } {
  console.log("\n# decideQuotes vs the same decision in float64 (generic market ~2000, 20-level book, tiered skew), same run");
  const nb = books.length;
  const ns = states.length;
  const exact = bench("decideQuotes", (i) => decideQuotes(states[i % ns]!, params, books[i % nb]!, market));
  const float = bench("float64 decision", (i) => decideFloat(finv[i % ns]!, fbooks[i % nb]!));
  // Medians: on a shared machine a few descheduled calls would dominate the means.
  const ratio = exact.p50Us / float.p50Us;
  let same = 0;
  for (let i = 0; i < ns * nb; i++) {
    const e = decideQuotes(states[i % ns]!, params, books[i % nb]!, market);
    const f = decideFloat(finv[i % ns]!, fbooks[i % nb]!);
    const eq = (x: { price: Decimal; size: Decimal } | null, p: number, sz: number) => (x === null ? sz === 0 || Number.isNaN(p) : Math.abs(x.price.toNumber() - p) < 1e-6 && Math.abs(x.size.toNumber() - sz) < 1e-9);
    if (eq(e.bid, f.bid, f.bidSize) && eq(e.ask, f.ask, f.askSize)) same++;
  }
  const alloc = exact.bytesPerCall;
  const fmt = (r: typeof exact) => `p50 ${r.p50Us.toFixed(3)} µs, mean ${r.meanUs.toFixed(3)} µs, p99 ${r.p99Us.toFixed(2)} µs, ~${r.bytesPerCall === null ? "n/a" : Math.round(r.bytesPerCall)} B/call`;
  console.log(`  decideQuotes      ${fmt(exact)}`);
  console.log(`  float64 decision  ${fmt(float)}`);
  console.log(`  allocation per decideQuotes call: ~${alloc === null ? "n/a" : Math.round(alloc)} B  [bar <= 256 B: ${alloc !== null && alloc <= 256 ? "ok" : "OVER"}]`);
  console.log(`  decideQuotes / float64 (p50): ${ratio.toFixed(1)}x  [bar <= 4x: ${ratio <= 4 ? "ok" : "OVER"}]; the float64 version quotes the same prices and sizes on ${same} of ${ns * nb} inputs`);
  return { bytesPerCall: alloc, ratio };
}

if (process.argv[1]?.endsWith("decide-float.ts")) run();
