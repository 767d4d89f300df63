// The fill model shared by the paper simulator and the replay venue. Everything here is integer
// arithmetic on tick and lot counts; Decimal only appears when a fill leaves the venue.
//
// FILL MODEL (also in server/venue/paper/README.md)
//  1. Our resting orders sit in price-time priority per side. A buy at p is reached by an aggressive sell
//     that trades at or through p (print price <= p); a sell at p by an aggressive buy at or above p.
//  2. Queue position (option `queuePosition`, default on): when an order starts resting at p it joins
//     behind the displayed size at p (queueAhead). Volume printing AT p consumes queueAhead first; only the
//     part beyond it fills us. Volume printing THROUGH p (a better price for the aggressor) means the level
//     is gone: queueAhead drops to 0 and we fill. queueAhead never exceeds what is displayed at p now.
//     With the option off we are first in the queue.
//  3. Partial fills: a print smaller than our remaining size fills only its size (beyond the queue);
//     our own fills consume the print, so two of our orders never share the same volume.
//  4. Paper trades sweep the simulated book level by level (better levels first, then the queue ahead at
//     our level, then us, then the rest), depleting it until its next refresh. Replay trades are recorded
//     prints (side, price, size) and go through rule 2 directly.
//  5. When a book update moves the opposite side through our resting price (best ask <= our bid), the
//     crossing orders trade with us: we fill at OUR price, up to the crossing displayed size.
//  6. Resting fills are maker fills at our limit price. Market orders, and the crossing part of a limit
//     order without postOnly, are taker fills: they sweep the book at its level prices, one fill per level.
//     A postOnly order that would cross the best opposite price is rejected (PostOnlyWouldCross).
//  7. Fees: fee = price x size x (maker or taker fee rate of the MarketSpec), exact Decimal, not rounded.
//  8. Latency: an order or cancel takes effect `latencyMs` of simulated time after the call; the resting
//     order can still fill inside that window.
//  9. Self-trade prevention: our orders never trade with each other. A limit order that would cross one
//     of our resting orders is rejected (PostOnlyWouldCross if postOnly, else OrderRejected); market
//     orders sweep the market's liquidity only, passing over our own resting orders.
import type { Side } from "@/lib/market";
import type { OrderStatus, OrderType } from "./types";

export interface SimOrder {
  readonly seq: number;
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  readonly side: Side;
  readonly type: OrderType;
  /** Limit price in ticks; NaN for market orders. */
  readonly priceTick: number;
  readonly sizeLots: number;
  filledLots: number;
  /** 'pending' until the venue has processed the placement (latency). */
  status: OrderStatus | "pending";
  queueAheadLots: number;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  /** When the venue accepted it (after latency); NaN while in flight. Fresh orders may be hidden from reads. */
  acceptedAt: number;
  updatedAt: number;
}

/**
 * One side of the market's displayed book, best level first, with the lots that trades have consumed
 * from its top since it was last refreshed (`depleted`). The paper simulator computes levels on demand;
 * the replay venue reads them from the recorded snapshot.
 */
export interface LevelSource {
  /** -1 for bids (ticks fall with depth), +1 for asks. */
  readonly dir: 1 | -1;
  levelCount(): number;
  levelTick(i: number): number;
  levelLots(i: number): number;
  depleted: number;
}

/** Called for every fill the model produces; the venue turns it into a VenueFill. */
export type FillSink = (order: SimOrder, lots: number, priceTick: number, liquidity: "maker" | "taker") => void;

/** Our resting orders, per side, best price first then oldest. */
export class RestingOrders {
  readonly bids: SimOrder[] = [];
  readonly asks: SimOrder[] = [];
  reduceOnlyCount = 0;

  get size(): number {
    return this.bids.length + this.asks.length;
  }

  add(o: SimOrder): void {
    const book = o.side === "buy" ? this.bids : this.asks;
    const better = o.side === "buy" ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
    let i = book.length;
    while (i > 0 && better(o.priceTick, book[i - 1]!.priceTick)) i--;
    book.splice(i, 0, o);
    if (o.reduceOnly) this.reduceOnlyCount++;
  }

  remove(o: SimOrder): boolean {
    const book = o.side === "buy" ? this.bids : this.asks;
    const i = book.indexOf(o);
    if (i < 0) return false;
    book.splice(i, 1);
    if (o.reduceOnly) this.reduceOnlyCount--;
    return true;
  }

  /** Drops orders that are no longer resting (filled or cancelled) after a matching pass. */
  prune(book: SimOrder[]): void {
    let w = 0;
    for (let r = 0; r < book.length; r++) {
      const o = book[r]!;
      if (o.status === "open" || o.status === "partially_filled") book[w++] = o;
      else if (o.reduceOnly) this.reduceOnlyCount--;
    }
    book.length = w;
  }

  all(): SimOrder[] {
    return [...this.bids, ...this.asks].sort((a, b) => a.seq - b.seq);
  }
}

export function applyFill(o: SimOrder, lots: number, at: number): void {
  o.filledLots += lots;
  o.status = o.filledLots >= o.sizeLots ? "filled" : "partially_filled";
  o.updatedAt = at;
}

const isBetter = (dir: 1 | -1, a: number, b: number) => (dir < 0 ? a > b : a < b);

/** Lots left at level i after depletion, given the cumulative size of the levels above it. */
function remainingAt(src: LevelSource, i: number, cumAbove: number): number {
  const lots = src.levelLots(i);
  const rem = cumAbove + lots - src.depleted;
  return rem <= 0 ? 0 : rem > lots ? lots : rem;
}

/** Index of the best level that still has size, or -1 when the side is exhausted. */
export function topLevel(src: LevelSource): number {
  const n = src.levelCount();
  let cum = 0;
  for (let i = 0; i < n; i++) {
    const lots = src.levelLots(i);
    if (cum + lots > src.depleted) return i;
    cum += lots;
  }
  return -1;
}

/** Best price with size left, or NaN. */
export function topTick(src: LevelSource): number {
  const i = topLevel(src);
  return i < 0 ? NaN : src.levelTick(i);
}

/** Displayed lots at exactly `tick` (after depletion); 0 when no level sits there. */
export function displayedAt(src: LevelSource, tick: number): number {
  const n = src.levelCount();
  let cum = 0;
  for (let i = 0; i < n; i++) {
    const t = src.levelTick(i);
    if (t === tick) return remainingAt(src, i, cum);
    if (!isBetter(src.dir, t, tick)) return 0;
    cum += src.levelLots(i);
  }
  return 0;
}

/**
 * Takes up to `lots` from the side, best level first, not past `limitTick` (NaN = no limit), and depletes
 * it. `onLevel` sees each level's price and the lots taken there. Returns the lots taken.
 */
export function takeLiquidity(src: LevelSource, limitTick: number, lots: number, onLevel: (tick: number, lots: number) => void): number {
  const n = src.levelCount();
  let left = lots;
  let cum = 0;
  for (let i = 0; i < n && left > 0; i++) {
    const t = src.levelTick(i);
    if (limitTick === limitTick && isBetter(src.dir, limitTick, t)) break;
    const rem = remainingAt(src, i, cum);
    cum += src.levelLots(i);
    if (rem === 0) continue;
    const take = rem < left ? rem : left;
    src.depleted += take;
    left -= take;
    onLevel(t, take);
  }
  return lots - left;
}

/**
 * A recorded print (replay): `aggressor` traded `lots` at `printTick`. Applies rules 1-3 to our orders on
 * the passive side. Returns the lots of the print our orders did not absorb.
 */
export function matchPrint(
  resting: RestingOrders,
  aggressor: Side,
  printTick: number,
  lots: number,
  queue: boolean,
  at: number,
  sink: FillSink,
): number {
  const book = aggressor === "sell" ? resting.bids : resting.asks;
  const dir = aggressor === "sell" ? -1 : 1;
  let left = lots;
  let touched = false;
  for (let k = 0; k < book.length && left > 0; k++) {
    const o = book[k]!;
    const through = isBetter(dir, o.priceTick, printTick);
    if (!through && o.priceTick !== printTick) break;
    if (through) o.queueAheadLots = 0;
    else if (queue && o.queueAheadLots > 0) {
      const a = o.queueAheadLots < left ? o.queueAheadLots : left;
      o.queueAheadLots -= a;
      left -= a;
      if (left === 0) break;
    }
    const rem = o.sizeLots - o.filledLots;
    const take = rem < left ? rem : left;
    left -= take;
    applyFill(o, take, at);
    touched = true;
    sink(o, take, o.priceTick, "maker");
  }
  if (touched) resting.prune(book);
  return left;
}

/**
 * A simulated aggressive order of `lots` (paper) sweeping `src`, the displayed side it hits, with our
 * passive orders interleaved by rules 1-4. Depletes `src` by the simulated volume it consumed.
 */
export function sweepWithResting(
  resting: RestingOrders,
  aggressor: Side,
  src: LevelSource,
  lots: number,
  queue: boolean,
  at: number,
  sink: FillSink,
): void {
  const book = aggressor === "sell" ? resting.bids : resting.asks;
  const dir = src.dir;
  const n = src.levelCount();
  let left = lots;
  let i = 0;
  let cum = 0;
  let dep = src.depleted;
  let touched = false;
  for (let k = 0; k < book.length && left > 0; k++) {
    const o = book[k]!;
    const p = o.priceTick;
    // Simulated levels strictly better than p trade first.
    while (left > 0 && i < n) {
      const t = src.levelTick(i);
      if (!isBetter(dir, t, p)) break;
      const lvl = src.levelLots(i);
      let rem = cum + lvl - dep;
      rem = rem <= 0 ? 0 : rem > lvl ? lvl : rem;
      const take = rem < left ? rem : left;
      dep += take;
      left -= take;
      if (take < rem) break;
      cum += lvl;
      i++;
    }
    if (left === 0) break;
    let simAt = 0;
    if (i < n && src.levelTick(i) === p) {
      const lvl = src.levelLots(i);
      simAt = cum + lvl - dep;
      simAt = simAt <= 0 ? 0 : simAt > lvl ? lvl : simAt;
    }
    if (queue) {
      const ahead = o.queueAheadLots < simAt ? o.queueAheadLots : simAt;
      const a = ahead < left ? ahead : left;
      o.queueAheadLots = ahead - a;
      dep += a;
      left -= a;
      if (left === 0) break;
    } else {
      o.queueAheadLots = 0;
    }
    const rem = o.sizeLots - o.filledLots;
    const take = rem < left ? rem : left;
    left -= take;
    applyFill(o, take, at);
    touched = true;
    sink(o, take, p, "maker");
  }
  // Whatever is left eats the rest of the simulated book; past its depth the volume just vanishes.
  src.depleted = dep + left;
  if (touched) resting.prune(book);
}

/**
 * After `src` (the opposite side) changed: our passive orders it now crosses trade with the crossing
 * levels at our price (rule 5). `ours` is the side of our orders that `src` may cross.
 */
export function fillCrossed(resting: RestingOrders, ours: Side, src: LevelSource, at: number, sink: FillSink): void {
  const book = ours === "buy" ? resting.bids : resting.asks;
  if (!book.length) return;
  const top = topTick(src);
  if (top !== top) return;
  let touched = false;
  for (let k = 0; k < book.length; k++) {
    const o = book[k]!;
    // src.dir is the direction of the crossing side: for asks (+1) a bid at p is crossed when top <= p.
    if (isBetter(src.dir, o.priceTick, top)) break;
    let got = 0;
    takeLiquidity(src, o.priceTick, o.sizeLots - o.filledLots, (_t, l) => {
      got += l;
    });
    if (got === 0) break;
    o.queueAheadLots = 0;
    applyFill(o, got, at);
    touched = true;
    sink(o, got, o.priceTick, "maker");
  }
  if (touched) resting.prune(book);
}
