// An independent, slow restatement of the quoting spec in plain decimal.js at 120 significant digits. The library
// computes the same thing in exact BigInt fixed-point; property tests compare the two on random books.
import Decimal from "decimal.js";
import type { BookLevel } from "@/lib/market";

const X = Decimal.clone({ precision: 120, rounding: Decimal.ROUND_HALF_EVEN });
const x = (v: Decimal | string | number) => new X(v.toString());

export interface OracleInput {
  /** Centre price and full spread (after clamping), skew and imbalance shifts as exact decimals. */
  readonly mid: Decimal;
  readonly spread: Decimal;
  readonly shift: Decimal;
  readonly tick: Decimal;
  readonly minPrice: Decimal;
  readonly maxPrice: Decimal;
  readonly bestBid: Decimal | null;
  readonly bestAsk: Decimal | null;
}

/** bid down / ask up to the tick, band clamp (edges pulled one tick apart), post-only, then out-of-band → null. */
export function oracleQuote(i: OracleInput): { bid: Decimal | null; ask: Decimal | null } {
  const tick = x(i.tick);
  const half = x(i.spread).div(2);
  let bid = x(i.mid).minus(half).plus(x(i.shift)).div(tick).floor();
  let ask = x(i.mid).plus(half).plus(x(i.shift)).div(tick).ceil();
  if (bid.gte(ask)) ask = bid.plus(1);
  const lo = X.max(x(i.minPrice).div(tick).ceil(), 1);
  const hi = x(i.maxPrice).div(tick).floor();
  bid = X.min(X.max(bid, lo), hi);
  ask = X.min(X.max(ask, lo), hi);
  if (bid.gte(ask)) {
    if (ask.lt(hi)) ask = bid.plus(1);
    else bid = ask.minus(1);
  }
  if (i.bestAsk) bid = X.min(bid, x(i.bestAsk).div(tick).ceil().minus(1));
  if (i.bestBid) ask = X.max(ask, x(i.bestBid).div(tick).floor().plus(1));
  const ok = (t: Decimal) => t.gte(lo) && t.lte(hi);
  return {
    bid: ok(bid) ? new Decimal(bid.times(tick).toString()) : null,
    ask: ok(ask) ? new Decimal(ask.times(tick).toString()) : null,
  };
}

/** The filtered view of one side: levels with size >= minSize (and > 0), the first `lookback` of them. */
export function oracleSide(levels: readonly BookLevel[], minSize: Decimal, lookback: number) {
  const used = levels.filter((l) => l.size.gt(0) && l.size.gte(minSize)).slice(0, lookback);
  return used.length < 2 ? null : { best: used[0]!, second: used[1]!, depth: used.reduce((s, l) => s.plus(x(l.size)), x(0)) };
}

/** The document's imbalance: (askDepth − bidDepth) / (askDepth + bidDepth). */
export function oracleImbalance(bidDepth: Decimal, askDepth: Decimal): Decimal {
  const total = x(bidDepth).plus(x(askDepth));
  return total.isZero() ? x(0) : x(askDepth).minus(x(bidDepth)).div(total);
}

/** The story's skew, exactly: ratio = (inventory − target) / max. */
export function oracleSkew(mode: "linear" | "exponential" | "tiered", factor: Decimal, ratio: Decimal): Decimal {
  const r = x(ratio);
  const f = x(factor);
  if (mode === "linear") return r.times(f);
  if (mode === "exponential") return r.times(r.abs()).times(f);
  const tier = r.abs().gt("0.7") ? 2 : r.abs().gt("0.4") ? 1.5 : 1;
  return r.times(f).times(tier);
}

export const hp = x;
