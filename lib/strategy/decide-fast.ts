// decideQuotes' fast path: the same decision as the exact path (decide.ts) for the common case, computed on
// exact integer doubles instead of BigInts, so a call allocates nothing but its result.
//
// Why it is exact: every price and size is read as an integer count of 10^-7 units (toUnits7, NaN when it does
// not fit) and every sum, comparison and floor/ceil division below is of integers < 2^53, where doubles are
// exact (Math.floor(a / b) of such integers is the true floor: a non-integer quotient is >= 1/b away from an
// integer and the division errs by < 1/b). The one rational step, the price shift (inventory skew and book
// imbalance), is computed approximately with an error bound thousands of times larger than the doubles' own;
// when the rounded tick could lie on either side of that bound the path gives up. It also gives up on every
// rare branch (emergency, gates, thin book, warnings, probability-market inputs, values that do not fit):
// it returns null and decide.ts runs the exact BigInt path, so outputs never depend on which path ran.
// tests/lib/decide-fast.test.ts compares both with the implementation as it was, over many random inputs.
import type Decimal from "decimal.js";
import type { OrderBook, Side } from "@/lib/market";
import { internNumber, type CompiledMarket, type MarketContext } from "./compiled-market";
import { ceilDiv, reduceFrac, toUnits7, units7Of, UNITS7_TO_SCALED } from "./exact";
import { skewFromRatio } from "./inventory";
import type { CompiledParams } from "./params";
import { NO_ASK_IN_BAND, NO_BID_IN_BAND } from "./pricing";

/** The result types, shared with decide.ts (structurally: decide.ts owns them). */
interface FastSide {
  readonly price: Decimal;
  readonly size: Decimal;
}
interface FastSkipped {
  readonly side: Side;
  readonly reason: string;
}

/** Per (market, parameters): every constant of the fast path in 10^-7 units, or null when one does not fit. */
interface FastConsts {
  readonly tick: number;
  readonly lot: number;
  readonly minSize: number;
  readonly target: number;
  readonly max: number;
  /** Number(max scaled): the exact path's ratio is Number(excess scaled) / Number(max scaled). */
  readonly maxNum: number;
  /** |excess| >= these (integers) ⇔ the exact path's atOrBeyondLevel. */
  readonly emergencyAt: number;
  readonly rebalanceAt: number;
  readonly minSpread: number;
  readonly maxSpread: number;
  readonly minLevel: number;
  /** min(orderSize, maxPosition). */
  readonly sizeCap: number;
  readonly gridLo: number;
  readonly gridHi: number;
  readonly lo2: number;
  readonly hi2: number;
  readonly safeLo2: number | null;
  readonly safeHi2: number | null;
  /**
   * The inventory shift in 10^-7 units is −coefN/coefD × x, x = excess (exponential: excess × |excess|), per
   * tier (index 0 when not tiered); NaN when the reduced fraction does not fit.
   */
  readonly coefN: readonly number[];
  readonly coefD: readonly number[];
  /** The same with x counted in lots. */
  readonly lotCoefN: readonly number[];
  readonly lotCoefD: readonly number[];
  readonly mode: "linear" | "exponential" | "tiered";
  /** The imbalance unit in 10^-7 units (may be fractional: it only enters the approximate shift). */
  readonly imbalanceUnit: number;
  readonly imbalanceZero: boolean;
  readonly lookback: number;
  readonly skipThreshold: number;
}

const INVENTORY_BOUND = 2 ** 46;
const consts = new WeakMap<MarketContext, FastConsts | null>();
const SCALE29 = 10n ** 29n;

function safe(v: bigint): number {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : NaN;
}

function compileConsts(m: CompiledMarket, ctx: MarketContext, params: CompiledParams): FastConsts | null {
  const k = params.scaled;
  const inv = k.inventory;
  const u = (v: bigint) => units7Of(v);
  // The exact path's coefficient is per scaled excess (exponential: per scaled excess squared): in 10^-7
  // units of price and excess that is the same fraction (exponential: times 10^11).
  const shiftCoef = k.skewShift.coef.map((f) => (k.skewShift.mode === "exponential" ? reduceFrac(f.n * UNITS7_TO_SCALED, f.d) : f));
  // The same per lot of excess (a desk's inventory sits on the lot grid): a far smaller denominator.
  const lot7 = BigInt(units7Of(m.lot) || 1);
  const perLot = shiftCoef.map((f) => reduceFrac(f.n * (k.skewShift.mode === "exponential" ? lot7 * lot7 : lot7), f.d));
  const c: FastConsts = {
    tick: u(m.tick),
    lot: u(m.lot),
    minSize: u(m.minSize),
    target: u(inv.target),
    max: u(inv.max),
    maxNum: Number(inv.max),
    emergencyAt: safe(ceilDiv(k.emergencyLevel, SCALE29)),
    rebalanceAt: safe(ceilDiv(k.rebalanceLevel, SCALE29)),
    minSpread: u(k.minSpread),
    maxSpread: u(k.maxSpread),
    minLevel: ctx.minLevel7,
    sizeCap: u(k.orderSize < k.maxPosition ? k.orderSize : k.maxPosition),
    gridLo: safe(ctx.grid.lo),
    gridHi: safe(ctx.grid.hi),
    lo2: u(ctx.lo2),
    hi2: u(ctx.hi2),
    safeLo2: k.safeRangeLow2 === null ? null : u(k.safeRangeLow2),
    safeHi2: k.safeRangeHigh2 === null ? null : u(k.safeRangeHigh2),
    coefN: shiftCoef.map((f) => safe(f.n)),
    coefD: shiftCoef.map((f) => safe(f.d)),
    lotCoefN: perLot.map((f) => safe(f.n)),
    lotCoefD: perLot.map((f) => safe(f.d)),
    mode: k.skewShift.mode,
    imbalanceUnit: Number(k.imbalanceUnit) / Number(UNITS7_TO_SCALED),
    imbalanceZero: k.imbalanceUnit === 0n,
    lookback: params.depthLookback,
    skipThreshold: params.skipSideThreshold,
  };
  const ints = [c.tick, c.lot, c.minSize, c.target, c.max, c.emergencyAt, c.rebalanceAt, c.minSpread, c.maxSpread, c.minLevel, c.sizeCap, c.gridLo, c.gridHi, c.lo2, c.hi2, c.safeLo2 ?? 0, c.safeHi2 ?? 0];
  // Prices below 2^50 (sums of two or three stay below 2^53); inventory quantities below 2^46, so room × 10 does too.
  const fits = ints.every((x) => Number.isSafeInteger(x) && Math.abs(x) < 2 ** 50) && [c.target, c.max, c.sizeCap].every((x) => Math.abs(x) < INVENTORY_BOUND);
  const finite = Number.isFinite(c.imbalanceUnit) && Number.isFinite(c.maxNum);
  // A coefficient that does not fit (NaN) only sends the calls that need it to the exact path.
  return fits && finite && c.tick > 0 && c.lot > 0 && c.max > 0 ? c : null;
}

function constsFor(m: CompiledMarket, ctx: MarketContext, params: CompiledParams): FastConsts | null {
  let c = consts.get(ctx);
  if (c === undefined) {
    c = compileConsts(m, ctx, params);
    consts.set(ctx, c);
  }
  return c;
}

/** A level's count of 10^-7 units when it fits comfortably (the sums below stay exact), else NaN. */
function units(x: Decimal): number {
  const v = toUnits7(x);
  return v >= -(2 ** 50) && v <= 2 ** 50 ? v : NaN;
}

// The scan's results, kept between calls instead of returned in an object.
let scanFirst = -1;
let scanDepth = 0;

/** scanSide's fast path into scanFirst / scanDepth; false when a size does not fit or fewer than 2 levels pass. */
function scan(levels: OrderBook["bids"], min: number, lookback: number): boolean {
  let first = -1;
  let count = 0;
  let depth = 0;
  for (let i = 0; i < levels.length && count < lookback; i++) {
    const size = units(levels[i]!.size);
    if (size !== size) return false;
    if (size <= 0 || size < min) continue;
    if (count === 0) first = i;
    depth += size;
    count++;
  }
  if (count < 2 || depth > 2 ** 50) return false;
  scanFirst = first;
  scanDepth = depth;
  return true;
}

const EXACT = 2 ** 52;

/** Relative margin of the shift's error bound: the doubles' own error is below ~10 × 2^-53. */
const MARGIN = 2 ** -40;

/** floor(x) when it is certain within ±err, else NaN. */
function certainFloor(x: number, err: number): number {
  const lo = Math.floor(x - err);
  return lo === Math.floor(x + err) ? lo : NaN;
}

function certainCeil(x: number, err: number): number {
  const lo = Math.ceil(x - err);
  return lo === Math.ceil(x + err) ? lo : NaN;
}

const REASON_LONG = "Inventory too long";
const REASON_SHORT = "Inventory too short";
const REASON_GROW_BUY = "rebalancing: a buy would grow the excess";
const REASON_GROW_SELL = "rebalancing: a sell would grow the excess";
const REASON_MAX_INVENTORY = "at max inventory";
const EMPTY: readonly never[] = Object.freeze([]);

function tenths(side: Side, positionSkew: number): number {
  const s = side === "buy" ? positionSkew : -positionSkew;
  return s > 0.5 ? 2 : s > 0.3 ? 5 : 10;
}

export interface FastDecision {
  readonly bid: FastSide | null;
  readonly ask: FastSide | null;
  readonly skipped: readonly FastSkipped[];
  readonly action: { readonly kind: "rebalance"; readonly side: Side; readonly amount: Decimal; readonly limitPrice: Decimal | null } | null;
  readonly metrics: {
    readonly mid: Decimal | null;
    readonly bestBid: Decimal | null;
    readonly bestAsk: Decimal | null;
    readonly ratio: number;
    readonly skew: number;
    readonly positionSkew: number;
    readonly imbalance: number | null;
    readonly spread: Decimal | null;
  };
  readonly warnings: readonly string[];
  readonly usedFallback: boolean;
  readonly mergeable: Decimal | null;
}

/**
 * The decision for a state holding only an inventory, or null: the exact path must decide (a rare branch,
 * a value that does not fit, or a price too close to a tick boundary to round on doubles).
 */
export function decideFast(
  inventory: Decimal,
  params: CompiledParams,
  book: OrderBook,
  m: CompiledMarket,
  ctx: MarketContext,
): FastDecision | null {
  const c = constsFor(m, ctx, params);
  if (c === null) return null;

  // 1. inventory
  const position = units(inventory);
  if (!(Math.abs(position) < INVENTORY_BOUND)) return null;
  // + 0: an inventory of −0 is an excess of 0, as the exact path's BigInt sees it.
  const excess = position - c.target + 0;
  const ratio = (excess * 1e11) / c.maxNum;
  const absExcess = excess < 0 ? -excess : excess;
  if (absExcess >= c.emergencyAt) return null;
  const rebalance = absExcess >= c.rebalanceAt;
  const positionSkew = Math.max(-1, Math.min(1, ratio));

  // book: raw top, filtered depth
  const topBid = book.bids[0];
  const topAsk = book.asks[0];
  if (!topBid || !topAsk) return null;
  const rawBid = units(topBid.price);
  const rawAsk = units(topAsk.price);
  if (rawBid !== rawBid || rawAsk !== rawAsk || rawBid >= rawAsk) return null;
  if (!scan(book.bids, c.minLevel, c.lookback)) return null;
  const bidFirst = scanFirst;
  const bidDepth = scanDepth;
  if (!scan(book.asks, c.minLevel, c.lookback)) return null;
  const askFirst = scanFirst;
  const askDepth = scanDepth;
  const bb = units(book.bids[bidFirst]!.price);
  const ba = units(book.asks[askFirst]!.price);
  if (bb !== bb || ba !== ba) return null;
  const center2 = bb + ba;
  let spread = ba - bb;
  if (spread < c.minSpread) spread = c.minSpread;
  if (spread > c.maxSpread) spread = c.maxSpread;
  const imbalance = ((askDepth - bidDepth) * 1e11) / ((askDepth + bidDepth) * 1e11);

  // 4. gates (any stop or warning: the exact path words it)
  if (center2 < c.lo2 || center2 > c.hi2) return null;
  if ((c.safeLo2 !== null && center2 < c.safeLo2) || (c.safeHi2 !== null && center2 > c.safeHi2)) return null;
  if (center2 % c.tick !== 0 || (rawAsk - rawBid) % c.tick !== 0) return null;

  // 5. prices: bid = floor(((center2 − spread) / 2 + shift) / tick), ask = ceil(((center2 + spread) / 2 + shift) / tick).
  // The centre and the inventory shift (−P/Q × x) are exact over the common denominator 2·Q·tick; the
  // imbalance shift, when there is one, is added on doubles and the rounding kept only when certain.
  let p = 0;
  let q = 1;
  let x = 0;
  if (excess !== 0) {
    const a10 = absExcess * 10;
    const i = c.mode === "tiered" ? (a10 > 7 * c.max ? 2 : a10 > 4 * c.max ? 1 : 0) : 0;
    const lots = excess / c.lot;
    const onLots = lots === Math.trunc(lots);
    p = onLots ? c.lotCoefN[i]! : c.coefN[i]!;
    q = onLots ? c.lotCoefD[i]! : c.coefD[i]!;
    const e = onLots ? lots : excess;
    x = c.mode === "exponential" ? e * (e < 0 ? -e : e) : e;
    if (p !== p || q !== q) return null;
  }
  // Integer products and sums computed on doubles below 2^52 are exact (rounding is monotone, and the exact
  // value is then representable), so each is checked as it is made.
  const px2 = 2 * p * x;
  const cq = (center2 - spread) * q;
  const sq2 = 2 * spread * q;
  const den = 2 * q * c.tick;
  if (!(Math.abs(px2) < EXACT && Math.abs(cq) < EXACT && sq2 < EXACT && den < EXACT)) return null;
  const num = cq - px2;
  const numAsk = num + sq2;
  if (!(Math.abs(numAsk) < EXACT)) return null;
  let bid: number;
  let ask: number;
  if (c.imbalanceZero || bidDepth === askDepth) {
    bid = Math.floor(num / den);
    ask = Math.ceil(numAsk / den);
  } else {
    const imb = (c.imbalanceUnit * (bidDepth - askDepth)) / (bidDepth + askDepth) / c.tick;
    const xb = num / den;
    const xa = numAsk / den;
    // The doubles err by < ~10 × 2^-53 relative here: the margin is thousands of times that.
    bid = certainFloor(xb + imb, (Math.abs(xb) + Math.abs(imb)) * MARGIN);
    ask = certainCeil(xa + imb, (Math.abs(xa) + Math.abs(imb)) * MARGIN);
    if (bid !== bid || ask !== ask) return null;
  }
  if (bid >= ask) ask = bid + 1;
  bid = Math.min(Math.max(bid, c.gridLo), c.gridHi);
  ask = Math.min(Math.max(ask, c.gridLo), c.gridHi);
  if (bid >= ask) {
    if (ask < c.gridHi) ask = bid + 1;
    else bid = ask - 1;
  }
  bid = Math.min(bid, Math.ceil(rawAsk / c.tick) - 1);
  ask = Math.max(ask, Math.floor(rawBid / c.tick) + 1);
  const bidOk = bid >= c.gridLo && bid <= c.gridHi;
  const askOk = ask >= c.gridLo && ask <= c.gridHi;

  // 2-3. the rebalance action (its size below the venue minimum: a warning, the exact path's)
  let action: FastDecision["action"] = null;
  const reduceSide: Side = excess > 0 ? "sell" : "buy";
  if (rebalance) {
    const lots = Math.floor(absExcess / c.lot);
    if (!(lots > 0 && lots * c.lot >= c.minSize)) return null;
    const limit = reduceSide === "sell" ? topBid : topAsk;
    action = { kind: "rebalance", side: reduceSide, amount: internNumber(m.lots, lots, m.lotSize), limitPrice: limit.price };
  }

  // 6. sides (a size below the venue minimum: the exact path words the reason)
  const growSide: Side | null = rebalance ? (excess > 0 ? "buy" : "sell") : null;
  let bidReason: string | null = positionSkew > c.skipThreshold ? REASON_LONG : growSide === "buy" ? REASON_GROW_BUY : bidOk ? null : NO_BID_IN_BAND;
  let askReason: string | null = positionSkew < -c.skipThreshold ? REASON_SHORT : growSide === "sell" ? REASON_GROW_SELL : askOk ? null : NO_ASK_IN_BAND;
  let bidLots = 0;
  let askLots = 0;
  if (bidReason === null) {
    const room = c.target + c.max - position;
    if (room <= 0) bidReason = REASON_MAX_INVENTORY;
    else {
      bidLots = Math.floor(Math.min(c.sizeCap * tenths("buy", positionSkew), room * 10) / (c.lot * 10));
      if (bidLots <= 0 || bidLots * c.lot < c.minSize) return null;
    }
  }
  if (askReason === null) {
    const room = position - c.target + c.max;
    if (room <= 0) askReason = REASON_MAX_INVENTORY;
    else {
      askLots = Math.floor(Math.min(c.sizeCap * tenths("sell", positionSkew), room * 10) / (c.lot * 10));
      if (askLots <= 0 || askLots * c.lot < c.minSize) return null;
    }
  }
  let skipped: readonly FastSkipped[] = EMPTY;
  if (bidReason !== null && askReason !== null)
    skipped = [
      { side: "buy", reason: bidReason },
      { side: "sell", reason: askReason },
    ];
  else if (bidReason !== null) skipped = [{ side: "buy", reason: bidReason }];
  else if (askReason !== null) skipped = [{ side: "sell", reason: askReason }];

  return {
    bid: bidReason === null ? { price: internNumber(m.ticks, bid, m.tickSize), size: internNumber(m.lots, bidLots, m.lotSize) } : null,
    ask: askReason === null ? { price: internNumber(m.ticks, ask, m.tickSize), size: internNumber(m.lots, askLots, m.lotSize) } : null,
    skipped,
    action,
    metrics: {
      mid: internNumber(m.halfTicks, center2 / c.tick, m.halfTick),
      bestBid: topBid.price,
      bestAsk: topAsk.price,
      ratio,
      skew: skewFromRatio(params, ratio),
      positionSkew,
      imbalance,
      spread: internNumber(m.ticks, (rawAsk - rawBid) / c.tick, m.tickSize),
    },
    warnings: EMPTY,
    usedFallback: false,
    mergeable: null,
  };
}
