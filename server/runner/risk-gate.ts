// The gate every order intent passes before it reaches a venue (nautilus_trader's RiskEngine in small):
// ACTIVE trades normally, REDUCING only lets orders through that move inventory toward target, HALTED
// lets nothing through. Position limits and an order-rate cap apply in every state.
import Decimal from "decimal.js";
import type { RiskState } from "@/lib/domain";
import type { OrderIntent } from "@/server/runner/intents";

export interface GateContext {
  readonly riskState: RiskState;
  readonly inventory: Decimal;
  readonly targetInventory: Decimal;
  readonly maxInventory: Decimal;
  readonly lotSize: Decimal;
  readonly now: number;
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

export class RiskGate {
  constructor(private readonly limiter: OrderRateLimiter) {}

  check(intents: readonly OrderIntent[], ctx: GateContext): GateResult {
    const accepted: OrderIntent[] = [];
    const rejected: Array<{ intent: OrderIntent; reason: string }> = [];
    const excess = ctx.inventory.sub(ctx.targetInventory);

    for (const intent of intents) {
      if (ctx.riskState === "HALTED") {
        rejected.push({ intent, reason: "risk state HALTED: no new orders" });
        continue;
      }
      const signed = intent.side === "buy" ? intent.size : intent.size.neg();
      const reduces = !excess.isZero() && excess.isNegative() !== signed.isNegative();
      let size = intent.size;
      let reduceOnly = intent.reduceOnly;

      if (ctx.riskState === "REDUCING" || intent.reduceOnly) {
        if (!reduces) {
          rejected.push({ intent, reason: `${ctx.riskState === "REDUCING" ? "risk state REDUCING" : "reduce-only"}: ${intent.side} would not reduce inventory toward target` });
          continue;
        }
        // Never reduce through the target: that would open the opposite exposure.
        size = Decimal.min(size, excess.abs());
        reduceOnly = true;
      } else if (!reduces) {
        const room = ctx.maxInventory.sub(excess.abs());
        if (room.lte(0)) {
          rejected.push({ intent, reason: `position limit: |inventory − target| is already ${excess.abs()} of max ${ctx.maxInventory}` });
          continue;
        }
        size = Decimal.min(size, room);
      } else {
        // A reducing order may go through target and out the other side, but not past the limit there.
        size = Decimal.min(size, excess.abs().add(ctx.maxInventory));
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
