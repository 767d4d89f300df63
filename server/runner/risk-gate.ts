// The gate every order intent passes before it reaches a venue (nautilus_trader's RiskEngine in small):
// ACTIVE trades normally, REDUCING only lets orders through that move inventory toward target, HALTED
// lets nothing through. Position limits and an order-rate cap apply in every state.
import Decimal from "decimal.js";
import type { RiskState } from "@/lib/domain";
import { units7 } from "@/server/runner/scaled";
import type { OrderIntent } from "@/server/runner/intents";

export interface GateContext {
  readonly riskState: RiskState;
  readonly inventory: Decimal;
  readonly targetInventory: Decimal;
  readonly maxInventory: Decimal;
  readonly lotSize: Decimal;
  readonly now: number;
  /** The venue's floor on the position (MarketSpec.minPosition): a sell never takes it lower. */
  readonly minPosition?: Decimal;
  /** The venue's smallest order: a sell cut down by the floor below it is not sent (the venue refuses it). */
  readonly minSize?: Decimal;
}

export interface GateResult {
  readonly accepted: OrderIntent[];
  readonly rejected: Array<{ intent: OrderIntent; reason: string }>;
}

/** Token bucket: `perSecond` submits per second, bursts up to the same number. */
export class OrderRateLimiter {
  private tokens: number;
  private last: number | null = null;

  constructor(readonly perSecond: number) {
    if (!(perSecond > 0)) throw new Error(`order rate limit must be > 0, got ${perSecond}`);
    this.tokens = perSecond;
  }

  tryTake(now: number): boolean {
    if (this.last !== null && now > this.last) {
      this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    }
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface ScaledContext {
  /** inventory − target, max inventory and the lot, in 10^-7 units as exact integer doubles (scaled.ts units7). */
  readonly excess: number;
  readonly max: number;
  readonly lot: number;
}

function scaledContext(ctx: GateContext): ScaledContext | null {
  const inv = units7(ctx.inventory);
  const target = units7(ctx.targetInventory);
  const max = units7(ctx.maxInventory);
  const lot = units7(ctx.lotSize);
  return inv === inv && target === target && max === max && lot > 0 ? { excess: inv - target, max, lot } : null;
}

/** True when the Decimal path would leave the size as it is: positive, within its cap, on the lot grid. */
function fitsUnchanged(k: ScaledContext, size: Decimal, reducing: boolean, reduces: boolean): boolean {
  const s = units7(size);
  if (!(s > 0) || s % k.lot !== 0) return false;
  const abs = Math.abs(k.excess);
  if (reducing) return s <= abs;
  if (!reduces) return k.max - abs > 0 && s <= k.max - abs;
  return s <= abs + k.max;
}

export class RiskGate {
  constructor(private readonly limiter: OrderRateLimiter) {}

  check(intents: readonly OrderIntent[], ctx: GateContext): GateResult {
    const accepted: OrderIntent[] = [];
    const rejected: Array<{ intent: OrderIntent; reason: string }> = [];
    const k = scaledContext(ctx);
    // The Decimal excess only where the Decimal path needs it: with k, its sign is k.excess's.
    const excess = k === null ? ctx.inventory.sub(ctx.targetInventory) : null;

    for (const intent of intents) {
      if (ctx.riskState === "HALTED") {
        rejected.push({ intent, reason: "risk state HALTED: no new orders" });
        continue;
      }
      // A sell is a negative change (sizes are never negative): it reduces a long excess, a buy a short one.
      const long = k !== null ? k.excess > 0 : excess!.isPositive() && !excess!.isZero();
      const short = k !== null ? k.excess < 0 : excess!.isNegative() && !excess!.isZero();
      const reduces = intent.side === "sell" ? long : short;
      let size = intent.size;
      let reduceOnly = intent.reduceOnly;
      const reducing = ctx.riskState === "REDUCING" || intent.reduceOnly;

      const floored = intent.side === "sell" && ctx.minPosition !== undefined;
      // The common case on exact scaled integers (no Decimal arithmetic): the size already fits its cap and
      // the lot grid, so the intent passes unchanged. Anything else takes the Decimal path below.
      if (k !== null && !floored && (!reducing || reduces) && fitsUnchanged(k, intent.size, reducing, reduces)) {
        if (!this.limiter.tryTake(ctx.now)) {
          rejected.push({ intent, reason: `order-rate cap of ${this.limiter.perSecond}/s reached` });
          continue;
        }
        accepted.push(reducing && !intent.reduceOnly ? { ...intent, reduceOnly: true } : intent);
        continue;
      }

      const ex = excess ?? ctx.inventory.sub(ctx.targetInventory);
      if (reducing) {
        if (!reduces) {
          rejected.push({ intent, reason: `${ctx.riskState === "REDUCING" ? "risk state REDUCING" : "reduce-only"}: ${intent.side} would not reduce inventory toward target` });
          continue;
        }
        // Never reduce through the target: that would open the opposite exposure.
        size = Decimal.min(size, ex.abs());
        reduceOnly = true;
      } else if (!reduces) {
        const room = ctx.maxInventory.sub(ex.abs());
        if (room.lte(0)) {
          rejected.push({ intent, reason: `position limit: |inventory − target| is already ${ex.abs()} of max ${ctx.maxInventory}` });
          continue;
        }
        size = Decimal.min(size, room);
      } else {
        // A reducing order may go through target and out the other side, but not past the limit there.
        size = Decimal.min(size, ex.abs().add(ctx.maxInventory));
      }
      if (floored) {
        const held = ctx.inventory.sub(ctx.minPosition!);
        if (held.lte(0) || (ctx.minSize !== undefined && held.lt(ctx.minSize))) {
          rejected.push({ intent, reason: `the venue cannot sell short: holding ${Decimal.max(held, 0)} to sell${ctx.minSize ? `, its minimum order is ${ctx.minSize}` : ""}` });
          continue;
        }
        size = Decimal.min(size, held);
      }
      size = size.div(ctx.lotSize).floor().mul(ctx.lotSize);
      if (size.lte(0)) {
        rejected.push({ intent, reason: "size rounds to zero after limits" });
        continue;
      }
      if (!this.limiter.tryTake(ctx.now)) {
        rejected.push({ intent, reason: `order-rate cap of ${this.limiter.perSecond}/s reached` });
        continue;
      }
      accepted.push(size.eq(intent.size) && reduceOnly === intent.reduceOnly ? intent : { ...intent, size, reduceOnly });
    }
    return { accepted, rejected };
  }
}
