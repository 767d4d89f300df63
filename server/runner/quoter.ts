// Decide → risk gate → requote, without waiting on the venue. Each tick sets what we want on each side;
// `step` then moves the order tracker toward it: cancel before re-quote (a side whose order is in flux,
// pending, cancelling or unknown, blocks every placement), and place only once both sides are clear, so
// there is never a second set of quotes. Answers from the venue call `step` again.
import Decimal from "decimal.js";
import type { MarketSpec, Side } from "@/lib/market";
import type { CompiledParams, QuoteDecision } from "@/lib/strategy";
import type { Execution } from "@/server/runner/execution";
import type { OrderIntent } from "@/server/runner/intents";
import type { OrderTracker, TrackedOrder } from "@/server/runner/order-tracker";
import type { GateContext, RiskGate } from "@/server/runner/risk-gate";

export const SIDES: readonly Side[] = ["buy", "sell"];

export interface QuoterConfig {
  /** A resting quote within this many ticks of the new price, with the same size, is left alone. */
  requoteToleranceTicks: number;
  /** Largest single rebalance order, in base units; null = the order size. */
  rebalanceChunk: Decimal | null;
}

export interface QuoterStats {
  ordersPlaced: number;
  requotesSkipped: number;
  ticksQuoting: number;
}

interface Want {
  intent: OrderIntent;
  /** Placed (or kept) for this decision: never placed twice for one decision. */
  done: boolean;
}

export class Quoter {
  private want = new Map<Side, Want>();
  private active = false;
  private planVersion = 0;
  /** The parameter version whose decision placed the newest quote (0 before any). */
  quotesParamVersion = 0;

  constructor(
    private readonly tracker: OrderTracker,
    private readonly execution: Execution,
    private readonly gate: RiskGate,
    /** Replaced when the venue's grid changes: a resting quote off the new tick is then re-quoted. */
    public market: MarketSpec,
    private readonly config: QuoterConfig,
    private readonly stats: QuoterStats,
    private readonly newId: () => string,
  ) {}

  /** The tick's decision: what each side should hold, through the gate. */
  plan(decision: QuoteDecision, params: CompiledParams, ctx: GateContext, paramVersion = 0): void {
    this.planVersion = paramVersion;
    const { accepted } = this.gate.check(this.intentsFor(decision, params), ctx);
    this.want = new Map(accepted.map((i) => [i.side, { intent: i, done: false }]));
    this.active = true;
    this.step();
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
      const live = this.tracker.liveOn(side);
      const w = this.want.get(side);
      if (live.some((o) => o.state !== "open" && o.state !== "partially_filled")) {
        blocked = true;
        continue;
      }
      if (live.length > 1) {
        // Never two quotes on a side: take them all down, then place one.
        for (const o of live) this.execution.cancel(o, "more than one order on a side");
        blocked = true;
        continue;
      }
      const rest = live[0];
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
      if (!w || w.done || this.tracker.liveOn(side).length) continue;
      w.done = true;
      const i = w.intent;
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

  private withinTolerance(rest: TrackedOrder, desired: OrderIntent): boolean {
    if (!desired.price || !rest.price || rest.reduceOnly !== desired.reduceOnly) return false;
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
