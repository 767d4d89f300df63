// The decideQuotes implementation as it was before its allocation-free fast path (lib/strategy/decide-fast.ts):
// kept verbatim (imports and the result interfaces aside) as the reference tests/lib/decide-fast.test.ts compares against.
// decideQuotes: what one tick wants, composed from both seeds. It returns data and places nothing.
//
// Order of the checks (each documented at its step):
//  1. inventory: excess = inventory − target, ratio = excess / maxInventory, skew = the story's calculateSkew.
//  2. emergency (|ratio| >= emergencyThreshold): an emergency action (market order for the whole excess, rounded
//     down to the lot) and no quotes.
//  3. rebalance (|ratio| >= rebalanceThreshold): a reduce-only rebalance action for the whole excess, with the
//     opposite best price as its limit (it may take liquidity); quoting continues but never on the side that
//     would grow the excess.
//  4. gates that stop quoting both sides: crossed or locked raw book, total-position cap (only when the caller
//     passes totalPositionValue), no price (book too thin AND no referencePrice: never a default price), the
//     reference price outside the band. A reference outside the safe range only adds a warning.
//  5. prices: with >= 2 usable levels per side, calculateMmPrices' formula on the filtered book; otherwise the
//     fallback quote referencePrice ± spread / 2. Both get the inventory shift (long lowers both quotes; the
//     document's fallback has none, but leaning against inventory must not depend on the book's depth), are
//     rounded to the tick (bids down, asks up), clamped to the band and made post-only against the RAW best
//     prices (a small order the min-size filter ignored still makes us cross).
//  6. per side: shouldSkipSide on the position skew, then size = min(orderSize, maxPosition) × the
//     getPositionLimit factor (1, 0.5, 0.2), capped so a fill cannot take |inventory − target| past
//     maxInventory, rounded DOWN to the lot; below the venue's minSize the side is skipped.
// Position skew: calculateInventorySkew(upValue, downValue) when both are given (probability markets, UP/DOWN
// tokens); otherwise, for a single instrument, the inventory ratio clamped to [−1, 1].
//
// Speed: every Decimal input is converted once to an exact scaled BigInt (exact.ts); only the outputs are built as
// Decimals. See bench/strategy.ts.
import type Decimal from "decimal.js";
import type { MarketSpec, OrderBook, Side } from "@/lib/market";
import {
  compileMarket,
  contextFor,
  halfDecimal,
  lotDecimal,
  priceDecimal,
  tickDecimal,
  type CompiledMarket,
} from "@/lib/strategy/compiled-market";
import { absBig, floorDiv, fromScaled, maxBig, minBig, toScaled, type Frac } from "@/lib/strategy/exact";
import { atOrBeyondLevel, ratioFromExcess, skewFromRatio, skewShiftScaled } from "@/lib/strategy/inventory";
import { imbalanceOf, scanSide } from "@/lib/strategy/orderbook";
import type { CompiledParams } from "@/lib/strategy/params";
import { calculateInventorySkew, checkMergeOpportunity, positionLimitTenths, shouldSkipSide } from "@/lib/strategy/position";
import { priceShift, quoteTicks } from "@/lib/strategy/pricing";

export interface QuoteState {
  /** Position in the quoted instrument. */
  readonly inventory: Decimal;
  /** Probability markets: value held in UP and DOWN tokens; both needed to use them for the position skew. */
  readonly upValue?: Decimal;
  readonly downValue?: Decimal;
  /** Probability markets: shares held, for the merge check. */
  readonly upShares?: Decimal;
  readonly downShares?: Decimal;
  /** Value of all positions across markets, for the total-position cap. Omitted: no cap check. */
  readonly totalPositionValue?: Decimal;
  /** A last-trade or feed price for the thin-book fallback. Omitted: no fallback. */
  readonly referencePrice?: Decimal;
}

export interface QuoteSide {
  readonly price: Decimal;
  readonly size: Decimal;
}

export interface SkippedSide {
  readonly side: Side;
  readonly reason: string;
}

export interface QuoteAction {
  readonly kind: "rebalance" | "emergency";
  /** The side that reduces the excess. */
  readonly side: Side;
  /** |inventory − target| rounded down to the lot. */
  readonly amount: Decimal;
  /** Rebalance: the opposite best price (marketable, reduce-only). Emergency: null, a market order. */
  readonly limitPrice: Decimal | null;
}

export interface QuoteMetrics {
  /** The centre the quotes were built on: filtered-book mid, or the reference price in fallback. */
  readonly mid: Decimal | null;
  /** Raw top of book. */
  readonly bestBid: Decimal | null;
  readonly bestAsk: Decimal | null;
  readonly ratio: number;
  readonly skew: number;
  readonly positionSkew: number;
  /** (askDepth − bidDepth) / (askDepth + bidDepth) of the filtered book; null in fallback. */
  readonly imbalance: number | null;
  /** Raw bestAsk − bestBid. */
  readonly spread: Decimal | null;
}

export interface QuoteDecision {
  readonly bid: QuoteSide | null;
  readonly ask: QuoteSide | null;
  readonly skipped: SkippedSide[];
  readonly action: QuoteAction | null;
  readonly metrics: QuoteMetrics;
  readonly warnings: string[];
  readonly usedFallback: boolean;
  /** Probability markets: UP/DOWN shares that could be merged, from checkMergeOpportunity. */
  readonly mergeable: Decimal | null;
}

export const REASON_EMERGENCY = "emergency";
export const REASON_CROSSED = "book crossed or locked";
export const REASON_TOTAL_CAP = "total position cap reached";
export const REASON_NO_PRICE = "no price: book too thin and no reference price";
export const REASON_MAX_INVENTORY = "at max inventory";

const ZERO_FRAC: Frac = { n: 0n, d: 1n };

export function referenceDecideQuotes(
  state: QuoteState,
  params: CompiledParams,
  book: OrderBook,
  market: MarketSpec,
): QuoteDecision {
  const m = compileMarket(market);
  const k = params.scaled;
  const inv = k.inventory;

  // 1. inventory
  const position = toScaled(state.inventory, "inventory");
  const excess = position - inv.target;
  const ratio = ratioFromExcess(inv, excess);
  const skew = skewFromRatio(params, ratio);
  const emergency = atOrBeyondLevel(excess, k.emergencyLevel);
  const rebalance = !emergency && atOrBeyondLevel(excess, k.rebalanceLevel);
  const reduceSide: Side = excess > 0n ? "sell" : "buy";
  const positionSkew =
    state.upValue && state.downValue
      ? calculateInventorySkew(state.upValue, state.downValue)
      : Math.max(-1, Math.min(1, ratio));

  // book: raw top for post-only, filtered depth for pricing
  const top = { bid: book.bids[0], ask: book.asks[0] };
  const rawBid = top.bid ? toScaled(top.bid.price, "best bid") : null;
  const rawAsk = top.ask ? toScaled(top.ask.price, "best ask") : null;
  const ctx = contextFor(m, k);
  const bidScan = scanSide(book.bids, ctx.minLevel, params.depthLookback, ctx.minLevel7);
  const askScan = bidScan ? scanSide(book.asks, ctx.minLevel, params.depthLookback, ctx.minLevel7) : null;

  let center2: bigint | null = null;
  let spread = 0n;
  let shift = ZERO_FRAC;
  let imbalance: number | null = null;
  let usedFallback = false;
  const invShift = skewShiftScaled(inv, k.skewShift, excess);
  if (bidScan && askScan) {
    const bb = toScaled(book.bids[bidScan.first]!.price, "bid price");
    const ba = toScaled(book.asks[askScan.first]!.price, "ask price");
    center2 = bb + ba;
    spread = minBig(maxBig(ba - bb, k.minSpread), k.maxSpread);
    imbalance = imbalanceOf(bidScan.depth, askScan.depth);
    const small = bidScan.depth7 === bidScan.depth7 && askScan.depth7 === askScan.depth7; // neither NaN
    shift = small
      ? priceShift(invShift, k.imbalanceUnit, BigInt(bidScan.depth7), BigInt(askScan.depth7))
      : priceShift(invShift, k.imbalanceUnit, bidScan.depth, askScan.depth);
  } else if (state.referencePrice) {
    center2 = 2n * toScaled(state.referencePrice, "referencePrice");
    spread = k.spread;
    shift = invShift;
    usedFallback = true;
  }

  const metrics: QuoteMetrics = {
    mid: center2 === null ? null : halfDecimal(m, center2),
    bestBid: top.bid ? top.bid.price : null,
    bestAsk: top.ask ? top.ask.price : null,
    ratio,
    skew,
    positionSkew,
    imbalance,
    spread: rawBid !== null && rawAsk !== null ? priceDecimal(m, rawAsk - rawBid) : null,
  };
  const warnings: string[] = [];
  const mergeable =
    state.upShares && state.downShares
      ? checkMergeOpportunity(state.upShares, state.downShares, params.mergeThreshold)
      : null;

  // 2-3. actions
  let action: QuoteAction | null = null;
  if (emergency || rebalance) {
    const kind = emergency ? "emergency" : "rebalance";
    const lots = floorDiv(absBig(excess), m.lot);
    if (lots > 0n && lots * m.lot >= m.minSize) {
      const limit = reduceSide === "sell" ? top.bid : top.ask;
      action = {
        kind,
        side: reduceSide,
        amount: lotDecimal(m, lots),
        limitPrice: kind === "rebalance" && limit ? limit.price : null,
      };
    } else warnings.push(`${kind}: the excess is smaller than the venue's minimum order, no action`);
  }

  if (emergency) return skipBoth(REASON_EMERGENCY, action, metrics, warnings, usedFallback, mergeable);

  // 4. gates
  let stop: string | null = null;
  if (rawBid !== null && rawAsk !== null && rawBid >= rawAsk) stop = REASON_CROSSED;
  else if (state.totalPositionValue && toScaled(state.totalPositionValue, "totalPositionValue") >= k.maxTotalPosition)
    stop = REASON_TOTAL_CAP;
  else if (center2 === null) stop = REASON_NO_PRICE;
  else if (center2 < ctx.lo2 || center2 > ctx.hi2)
    stop = `price ${metrics.mid!.toString()} outside [${priceDecimal(m, ctx.lo).toString()}, ${priceDecimal(m, ctx.hi).toString()}]`;
  if (stop !== null || center2 === null)
    return skipBoth(stop ?? REASON_NO_PRICE, action, metrics, warnings, usedFallback, mergeable);
  if (
    (k.safeRangeLow2 !== null && center2 < k.safeRangeLow2) ||
    (k.safeRangeHigh2 !== null && center2 > k.safeRangeHigh2)
  )
    warnings.push(`price ${metrics.mid!.toString()} outside safe range`);

  // 5. prices
  const q = quoteTicks(center2, spread, shift.n, shift.d, ctx.grid, rawBid, rawAsk);

  // 6. sides
  const growSide: Side | null = rebalance ? (excess > 0n ? "buy" : "sell") : null;
  const skipped: SkippedSide[] = [];
  const bid = quoteSide("buy", q.bid, q.bidReason, growSide, positionSkew, position, params, m, skipped);
  const ask = quoteSide("sell", q.ask, q.askReason, growSide, positionSkew, position, params, m, skipped);
  return { bid, ask, skipped, action, metrics, warnings, usedFallback, mergeable };
}

function skipBoth(
  reason: string,
  action: QuoteAction | null,
  metrics: QuoteMetrics,
  warnings: string[],
  usedFallback: boolean,
  mergeable: Decimal | null,
): QuoteDecision {
  return {
    bid: null,
    ask: null,
    skipped: [
      { side: "buy", reason },
      { side: "sell", reason },
    ],
    action,
    metrics,
    warnings,
    usedFallback,
    mergeable,
  };
}

/** Step 6 for one side: the quote, or null with its reason pushed to `skipped`. */
function quoteSide(
  s: Side,
  ticks: bigint | null,
  priceReason: string | null,
  growSide: Side | null,
  positionSkew: number,
  position: bigint,
  params: CompiledParams,
  m: CompiledMarket,
  skipped: SkippedSide[],
): QuoteSide | null {
  const k = params.scaled;
  const inv = k.inventory;
  const skip = shouldSkipSide(s, positionSkew, params.skipSideThreshold);
  let reason: string | null = skip.skip ? skip.reason : null;
  if (reason === null && s === growSide) reason = `rebalancing: a ${s} would grow the excess`;
  if (reason === null && ticks === null) reason = priceReason ?? "no price";
  if (reason === null) {
    // room so that a full fill keeps |inventory − target| <= maxInventory
    const room = s === "buy" ? inv.target + inv.max - position : position - inv.target + inv.max;
    if (room <= 0n) reason = REASON_MAX_INVENTORY;
    else {
      const size = minBig((minBig(k.orderSize, k.maxPosition) * positionLimitTenths(s, positionSkew)) / 10n, room);
      const lots = floorDiv(size, m.lot);
      if (lots <= 0n || lots * m.lot < m.minSize) reason = sizeReason(m, lots);
      else return { price: tickDecimal(m, ticks!), size: lotDecimal(m, lots) };
    }
  }
  skipped.push({ side: s, reason });
  return null;
}

function sizeReason(m: CompiledMarket, lots: bigint): string {
  const size = lots > 0n ? lotDecimal(m, lots).toString() : "0";
  const min = m.minSize > m.lot ? fromScaled(m.minSize) : m.lotSize;
  return `size ${size} below the venue minimum ${min.toString()}`;
}
