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
import type { BookLevel, OrderBook, Side } from "@/lib/market";
import { INTERN_SLOTS, internNumber, type CompiledMarket, type MarketContext } from "./compiled-market";
import { ceilDiv, reduceFrac, units7Of, UNITS7_TO_SCALED } from "./exact";
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

// Doubles returned from a call or kept in a module variable each take a heap box (16 B): the values read
// below go through this scratch array instead, and the scan leaves its results in it.
const scratch = new Float64Array(3);
const BOUND = 2 ** 50;

/**
 * toUnits7 (exact.ts) into scratch[0]: `x` as an integer count of 10^-7 units when it fits comfortably (the sums
 * below stay exact); false when not (more than 7 decimals, too large, not finite).
 */
function readUnits(x: Decimal): boolean {
  const d = x.d;
  if (!d) return false;
  const len = d.length;
  let shift = Math.floor(x.e / 7) - len + 2;
  if (shift < 0) return false;
  let acc = d[0]!;
  for (let i = 1; i < len; i++) acc = acc * 1e7 + d[i]!;
  while (shift-- > 0) acc *= 1e7;
  if (!(acc <= BOUND)) return false; // every partial value was <= acc, so all were exact
  scratch[0] = x.s < 0 ? -acc : acc;
  return true;
}

/** readUnits for a level's exact integer (BookLevel.priceUnits7 / sizeUnits7): the same bound, no Decimal read. */
function readInt(u: number): boolean {
  if (!((u < 0 ? -u : u) <= BOUND)) return false;
  scratch[0] = u;
  return true;
}

function readPrice(l: BookLevel): boolean {
  const u = l.priceUnits7;
  return u === undefined ? readUnits(l.price) : readInt(u);
}

function readSize(l: BookLevel): boolean {
  const u = l.sizeUnits7;
  return u === undefined ? readUnits(l.size) : readInt(u);
}

let scanFirst = -1;

/** scanSide's fast path into scanFirst and scratch[1] (the depth); false when a size does not fit or fewer than 2 levels pass. */
function scan(levels: OrderBook["bids"], min: number, lookback: number): boolean {
  let first = -1;
  let count = 0;
  let depth = 0;
  for (let i = 0; i < levels.length && count < lookback; i++) {
    if (!readSize(levels[i]!)) return false;
    const size = scratch[0]!;
    if (size <= 0 || size < min) continue;
    if (count === 0) first = i;
    depth += size;
    count++;
  }
  if (count < 2 || depth > BOUND) return false;
  scanFirst = first;
  scratch[1] = depth;
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

/**
 * The metrics, with the four indicators derived when read (from integers that rarely need a heap box, where
 * four stored doubles would each take one). Read-only; JSON gives the exact path's plain object.
 */
class FastMetrics {
  constructor(
    readonly mid: Decimal,
    readonly bestBid: Decimal,
    readonly bestAsk: Decimal,
    readonly spread: Decimal,
    excess: number,
    bidDepth: number,
    askDepth: number,
    c: FastConsts,
    params: CompiledParams,
  ) {
    this.#excess = excess;
    this.#bidDepth = bidDepth;
    this.#askDepth = askDepth;
    this.#c = c;
    this.#params = params;
  }
  readonly #excess: number;
  readonly #bidDepth: number;
  readonly #askDepth: number;
  readonly #c: FastConsts;
  readonly #params: CompiledParams;

  /** As the exact path: Number(excess scaled) / Number(max scaled). */
  get ratio(): number {
    return (this.#excess * 1e11) / this.#c.maxNum;
  }
  get skew(): number {
    return skewFromRatio(this.#params, this.ratio);
  }
  get positionSkew(): number {
    return Math.max(-1, Math.min(1, this.ratio));
  }
  get imbalance(): number {
    return ((this.#askDepth - this.#bidDepth) * 1e11) / ((this.#askDepth + this.#bidDepth) * 1e11);
  }
  toJSON() {
    const { mid, bestBid, bestAsk, ratio, skew, positionSkew, imbalance, spread } = this;
    return { mid, bestBid, bestAsk, ratio, skew, positionSkew, imbalance, spread };
  }
}

/**
 * Quote sides are immutable: one object per (price, size) a market quotes, reused like the Decimals in it. A
 * direct-mapped table (see InternTable): a moving market's new prices replace old ones slot by slot.
 */
class SideTable {
  readonly ticks = new Float64Array(INTERN_SLOTS).fill(NaN);
  readonly lots = new Float64Array(INTERN_SLOTS).fill(NaN);
  readonly sides: (FastSide | undefined)[] = new Array<FastSide | undefined>(INTERN_SLOTS).fill(undefined);
}
const sides = new WeakMap<CompiledMarket, SideTable>();

function quoteSide(m: CompiledMarket, ticks: number, lots: number): FastSide {
  let t = sides.get(m);
  if (!t) sides.set(m, (t = new SideTable()));
  const slot = (ticks ^ Math.imul(lots, 0x9e3779b1)) & (INTERN_SLOTS - 1);
  if (t.ticks[slot] === ticks && t.lots[slot] === lots) return t.sides[slot]!;
  const q = Object.freeze({ price: internNumber(m.ticks, ticks, m.tickSize), size: internNumber(m.lots, lots, m.lotSize) });
  t.ticks[slot] = ticks;
  t.lots[slot] = lots;
  t.sides[slot] = q;
  return q;
}

/** The skipped list for a pair of reasons (null: quoted): a handful of constant lists, shared. */
const skippedLists = new Map<string | null, Map<string | null, readonly FastSkipped[]>>();

function skippedList(bidReason: string | null, askReason: string | null): readonly FastSkipped[] {
  let byAsk = skippedLists.get(bidReason);
  if (!byAsk) skippedLists.set(bidReason, (byAsk = new Map()));
  let list = byAsk.get(askReason);
  if (!list) {
    const out: FastSkipped[] = [];
    if (bidReason !== null) out.push(Object.freeze({ side: "buy", reason: bidReason }));
    if (askReason !== null) out.push(Object.freeze({ side: "sell", reason: askReason }));
    list = out.length ? Object.freeze(out) : EMPTY;
    byAsk.set(askReason, list);
  }
  return list;
}

export interface FastDecision {
  readonly bid: FastSide | null;
  readonly ask: FastSide | null;
  readonly skipped: readonly FastSkipped[];
  readonly action: { readonly kind: "rebalance"; readonly side: Side; readonly amount: Decimal; readonly limitPrice: Decimal | null } | null;
  readonly metrics: FastMetrics;
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
  if (!readUnits(inventory)) return null;
  const position = scratch[0]!;
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
  if (!readPrice(topBid)) return null;
  const rawBid = scratch[0]!;
  if (!readPrice(topAsk)) return null;
  const rawAsk = scratch[0]!;
  if (rawBid >= rawAsk) return null;
  if (!scan(book.bids, c.minLevel, c.lookback)) return null;
  const bidFirst = scanFirst;
  const bidDepth = scratch[1]!;
  if (!scan(book.asks, c.minLevel, c.lookback)) return null;
  const askFirst = scanFirst;
  const askDepth = scratch[1]!;
  if (!readPrice(book.bids[bidFirst]!)) return null;
  const bb = scratch[0]!;
  if (!readPrice(book.asks[askFirst]!)) return null;
  const ba = scratch[0]!;
  const center2 = bb + ba;
  let spread = ba - bb;
  if (spread < c.minSpread) spread = c.minSpread;
  if (spread > c.maxSpread) spread = c.maxSpread;

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
  return {
    bid: bidReason === null ? quoteSide(m, bid, bidLots) : null,
    ask: askReason === null ? quoteSide(m, ask, askLots) : null,
    skipped: skippedList(bidReason, askReason),
    action,
    metrics: new FastMetrics(
      internNumber(m.halfTicks, center2 / c.tick, m.halfTick),
      topBid.price,
      topAsk.price,
      internNumber(m.ticks, (rawAsk - rawBid) / c.tick, m.tickSize),
      excess,
      bidDepth,
      askDepth,
      c,
      params,
    ),
    warnings: EMPTY,
    usedFallback: false,
    mergeable: null,
  };
}
