// Decide → risk gate → requote, without waiting on the venue. Each tick sets what we want on each side;
// `step` then moves the order tracker toward it: cancel before re-quote (a side whose order is in flux,
// pending, cancelling or unknown, blocks every placement), and place only once both sides are clear, so
// there is never a second set of quotes. Answers from the venue call `step` again.
import Decimal from "decimal.js";
import type { MarketSpec, OrderBook, Side } from "@/lib/market";
import type { CompiledParams, QuoteDecision } from "@/lib/strategy";
import type { Execution } from "@/server/runner/execution";
import type { OrderIntent } from "@/server/runner/intents";
import type { OrderTracker, TrackedOrder } from "@/server/runner/order-tracker";
import type { GateContext, RiskGate } from "@/server/runner/risk-gate";
import { ceilDiv, ceilMultiple, floorDiv, floorMultiple, scaledOrNull, units7 } from "@/server/runner/scaled";

export const SIDES: readonly Side[] = ["buy", "sell"];

export interface QuoterConfig {
  /** A resting quote within this many ticks of the new price, with the same size, is left alone. */
  requoteToleranceTicks: number;
  /** Largest single rebalance order, in base units; null = the order size. */
  rebalanceChunk: Decimal | null;
  /** Ceiling of the extra distance from the opposite best after post-only refusals, in ticks. */
  maxCrossMarginTicks: number;
  /** A side's extra distance halves after this long without a refusal. */
  crossMarginDecayMs: number;
}

export interface QuoterStats {
  ordersPlaced: number;
  requotesSkipped: number;
  ticksQuoting: number;
  /** Post-only quotes moved back at placement because the book they would meet had moved against them. */
  quotesClamped: number;
}

interface Want {
  intent: OrderIntent;
  /** Placed (or kept) for this decision: never placed twice for one decision. */
  done: boolean;
}

export class Quoter {
  private readonly want = new Map<Side, Want>();
  private active = false;
  private now = 0;
  private planVersion = 0;
  /** The parameter version whose decision placed the newest quote (0 before any). */
  quotesParamVersion = 0;
  /**
   * Extra ticks kept off the opposite best, per side: the venue refusing a post-only quote as crossing says
   * the book moves further than one tick while our order travels, so the next one stays further back.
   * Doubles on each refusal (to `maxCrossMarginTicks`), halves after each quiet `crossMarginDecayMs`.
   */
  readonly crossMargin: Record<Side, number> = { buy: 0, sell: 0 };
  private crossMarginAt: Record<Side, number> = { buy: 0, sell: 0 };

  constructor(
    private readonly tracker: OrderTracker,
    private readonly execution: Execution,
    private readonly gate: RiskGate,
    /** Replaced when the venue's grid changes: a resting quote off the new tick is then re-quoted. */
    public market: MarketSpec,
    private readonly config: QuoterConfig,
    private readonly stats: QuoterStats,
    private readonly newId: () => string,
    /**
     * The newest book the desk has seen (the venue's, our own orders included), read at placement: a quote
     * placed after its cancels are confirmed meets that book, not the one its decision was made on.
     */
    private readonly bookNow: () => OrderBook | null = () => null,
  ) {}

  /** The tick's decision: what each side should hold, through the gate. */
  plan(decision: QuoteDecision, params: CompiledParams, ctx: GateContext, paramVersion = 0): void {
    this.planVersion = paramVersion;
    this.now = ctx.now;
    for (const side of SIDES) {
      if (this.crossMargin[side] > 0 && ctx.now - this.crossMarginAt[side] >= this.config.crossMarginDecayMs) {
        this.crossMargin[side] >>= 1;
        this.crossMarginAt[side] = ctx.now;
      }
    }
    const { accepted } = this.gate.check(this.intentsFor(decision, params), ctx);
    this.want.clear();
    for (const i of accepted) this.want.set(i.side, { intent: i, done: false });
    this.active = true;
    this.step();
  }

  /** The venue refused a post-only quote on `side` as crossing: keep the next one further back. */
  postOnlyRefused(side: Side): void {
    this.crossMargin[side] = Math.min(Math.max(1, this.crossMargin[side] * 2), this.config.maxCrossMarginTicks);
    this.crossMarginAt[side] = this.now;
  }

  /** Quote nothing: cancel every live quote (paused, HALTED, stale data, an emergency under way). */
  standDown(why: string): number {
    this.active = false;
    this.want.clear();
    let n = 0;
    for (const o of this.tracker.live()) {
      if (o.type === "limit" && this.execution.cancel(o, why)) n++;
    }
    return n;
  }

  /** Moves the orders toward what is wanted; safe to call at any time, as often as answers arrive. */
  step(): void {
    if (!this.active) return;
    let blocked = false;
    for (const side of SIDES) {
      // One walk over the live orders (this runs on every venue answer): how many rest on this side, the
      // first of them, and whether any is still waiting for an answer.
      let count = 0;
      let rest: TrackedOrder | undefined;
      let unsettled = false;
      for (const o of this.tracker.liveValues()) {
        if (o.side !== side) continue;
        if (count++ === 0) rest = o;
        if (o.state !== "open" && o.state !== "partially_filled") unsettled = true;
      }
      const w = this.want.get(side);
      if (unsettled) {
        blocked = true;
        continue;
      }
      if (count > 1) {
        // Never two quotes on a side: take them all down, then place one.
        for (const o of this.tracker.liveOn(side)) this.execution.cancel(o, "more than one order on a side");
        blocked = true;
        continue;
      }
      if (!rest) continue;
      if (w?.done) continue; // the order we placed for this decision
      if (w && this.withinTolerance(rest, w.intent)) {
        w.done = true;
        // Kept as it is: it is what this version wants too.
        this.quotesParamVersion = this.planVersion;
        this.stats.requotesSkipped++;
        continue;
      }
      this.execution.cancel(rest, w ? "re-quote" : "side no longer quoted");
      blocked = true;
    }
    if (blocked) return;
    let placed = 0;
    for (const side of SIDES) {
      const w = this.want.get(side);
      if (!w || w.done || this.hasLive(side)) continue;
      w.done = true;
      const i = this.postOnlySafe(w.intent);
      if (!i) continue;
      const order = this.tracker.track({
        clientOrderId: this.newId(),
        side: i.side,
        type: i.type,
        price: i.price,
        size: i.size,
        reduceOnly: i.reduceOnly,
        postOnly: i.postOnly,
        reason: i.reason,
      });
      this.execution.submit(order);
      this.quotesParamVersion = this.planVersion;
      this.stats.ordersPlaced++;
      placed++;
    }
    if (placed) this.stats.ticksQuoting++;
  }

  private hasLive(side: Side): boolean {
    for (const o of this.tracker.liveValues()) if (o.side === side) return true;
    return false;
  }

  /**
   * A post-only quote is capped one tick inside the opposite best it would meet: the newest book seen and our
   * own live orders on the other side (a venue refuses a self-cross too). Its decision may have been made on an
   * older book (placement waits for cancels), and at extreme skew it sits one tick off the opposite best, so
   * any move makes it cross and be refused. Null when no price on the grid is left (nothing is placed).
   */
  private postOnlySafe(i: OrderIntent): OrderIntent | null {
    if (!i.postOnly || !i.price) return i;
    const tick = this.market.tickSize;
    const book = this.bookNow();
    let opposite: Decimal | null = null;
    const best = i.side === "buy" ? book?.asks[0]?.price : book?.bids[0]?.price;
    if (best) opposite = best;
    for (const o of this.tracker.liveOn(i.side === "buy" ? "sell" : "buy")) {
      if (o.price && (!opposite || (i.side === "buy" ? o.price.lt(opposite) : o.price.gt(opposite)))) opposite = o.price;
    }
    if (!opposite) return i;
    if (this.fitsPostOnly(i.side, i.price, opposite)) return i;
    const back = tick.mul(1 + this.crossMargin[i.side]);
    if (i.side === "buy") {
      const cap = opposite.toNearest(tick, Decimal.ROUND_CEIL).sub(back);
      if (i.price.lte(cap)) return i;
      this.stats.quotesClamped++;
      return cap.gt(0) ? { ...i, price: cap } : null;
    }
    const floor = opposite.toNearest(tick, Decimal.ROUND_FLOOR).add(back);
    if (i.price.gte(floor)) return i;
    this.stats.quotesClamped++;
    return { ...i, price: floor };
  }

  /** The cap check below on exact scaled integers: true when the price already sits behind it (kept as is). */
  private fitsPostOnly(side: Side, price: Decimal, opposite: Decimal): boolean {
    const m = this.crossMargin[side];
    if (!Number.isSafeInteger(m) || m < 0 || m > 1_000_000) return false;
    // Integer doubles first (every quote of a real market fits): no BigInt per order.
    const tu = units7(this.market.tickSize);
    const pu = units7(price);
    const ou = units7(opposite);
    if (tu > 0 && pu === pu && ou === ou && tu * (1 + m) <= 2 ** 50) {
      const back = tu * (1 + m);
      return side === "buy" ? pu <= ceilMultiple(ou, tu) - back : pu >= floorMultiple(ou, tu) + back;
    }
    const t = scaledOrNull(this.market.tickSize);
    const p = scaledOrNull(price);
    const o = scaledOrNull(opposite);
    if (t === null || p === null || o === null || t <= 0n) return false;
    const back = t * BigInt(1 + m);
    return side === "buy" ? p <= ceilDiv(o, t) * t - back : p >= floorDiv(o, t) * t + back;
  }

  /** withinTolerance's answer on exact scaled integers, or null when a value does not convert. */
  private withinToleranceScaled(rest: TrackedOrder, desired: OrderIntent): boolean | null {
    const n = this.config.requoteToleranceTicks;
    if (!Number.isSafeInteger(n)) return null;
    // Integer doubles first (no BigInt per order); a value that does not fit takes the BigInt path below.
    const tu = units7(this.market.tickSize);
    const rpu = units7(rest.price!);
    const dpu = units7(desired.price!);
    const rsu = units7(rest.size);
    const rfu = units7(rest.filled);
    const dsu = units7(desired.size);
    if (tu > 0 && rpu === rpu && dpu === dpu && rsu === rsu && rfu === rfu && dsu === dsu && n >= 0 && n < 1_000_000 && tu * n <= 2 ** 50) {
      if (rpu % tu !== 0) return null;
      return Math.abs(rpu - dpu) <= tu * n && rsu - rfu === dsu;
    }
    const t = scaledOrNull(this.market.tickSize);
    const rp = scaledOrNull(rest.price!);
    const dp = scaledOrNull(desired.price!);
    const rs = scaledOrNull(rest.size);
    const rf = scaledOrNull(rest.filled);
    const ds = scaledOrNull(desired.size);
    if (t === null || rp === null || dp === null || rs === null || rf === null || ds === null || t <= 0n) return null;
    // Off the grid: decimal.js's rounded quotient decides, as it always has.
    if (rp % t !== 0n || !(n >= 0 && n < 1_000_000)) return null;
    const d = rp - dp;
    return (d < 0n ? -d : d) <= t * BigInt(n) && rs - rf === ds;
  }

  private withinTolerance(rest: TrackedOrder, desired: OrderIntent): boolean {
    if (!desired.price || !rest.price || rest.reduceOnly !== desired.reduceOnly) return false;
    const fast = this.withinToleranceScaled(rest, desired);
    if (fast !== null) return fast;
    // A quote resting off the current tick (the venue changed it) is replaced by one on it, however close.
    if (!rest.price.div(this.market.tickSize).isInteger()) return false;
    const tolerance = this.market.tickSize.mul(this.config.requoteToleranceTicks);
    return rest.price.sub(desired.price).abs().lte(tolerance) && rest.size.sub(rest.filled).eq(desired.size);
  }

  private intentsFor(decision: QuoteDecision, params: CompiledParams): OrderIntent[] {
    const intents: OrderIntent[] = [];
    const action = decision.action?.kind === "rebalance" ? decision.action : null;
    for (const side of SIDES) {
      const q = side === "buy" ? decision.bid : decision.ask;
      if (action && action.side === side) {
        // Work the excess back with a reduce-only order at the opposite best price, one chunk per tick.
        const size = Decimal.min(action.amount, this.config.rebalanceChunk ?? params.orderSize);
        const price = action.limitPrice ?? q?.price ?? null;
        if (price && size.gt(0)) {
          intents.push({ side, type: "limit", price, size, postOnly: false, reduceOnly: true, reason: "rebalance" });
          continue;
        }
      }
      if (q) intents.push({ side, type: "limit", price: q.price, size: q.size, postOnly: true, reduceOnly: false, reason: "quote" });
    }
    return intents;
  }
}
