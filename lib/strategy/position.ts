// Position management from the Rust document (position.rs and the trading loop's checks), as pure functions.
import Decimal from "decimal.js";
import type { Side } from "@/lib/market";
import { ratioNumber, toScaled } from "./exact";

/**
 * (UP value − DOWN value) / (UP value + DOWN value) in [−1, 1]; 0 when both are 0.
 * > 0: too much UP (long), < 0: too much DOWN (short).
 */
export function calculateInventorySkew(upValue: Decimal, downValue: Decimal): number {
  const up = toScaled(upValue, "upValue");
  const down = toScaled(downValue, "downValue");
  if (up < 0n || down < 0n) throw new RangeError("position values must not be negative");
  return ratioNumber(up - down, up + down);
}

/** The document's 70% threshold. */
export const SKIP_SIDE_THRESHOLD = 0.7;

export interface SkipDecision {
  readonly skip: boolean;
  /** Why, when skip is true; "" otherwise. */
  readonly reason: string;
}

const KEEP: SkipDecision = Object.freeze({ skip: false, reason: "" });

/** Skip buying when the skew is past +threshold, selling when past −threshold (strictly, as the document). */
export function shouldSkipSide(side: Side, inventorySkew: number, threshold: number = SKIP_SIDE_THRESHOLD): SkipDecision {
  if (side === "buy" && inventorySkew > threshold) return { skip: true, reason: "Inventory too long" };
  if (side === "sell" && inventorySkew < -threshold) return { skip: true, reason: "Inventory too short" };
  return KEEP;
}

/** The fraction of maxPosition allowed on a side, in tenths: 10 (1.0×), 5 (0.5×) or 2 (0.2×). */
export function positionLimitTenths(side: Side, inventorySkew: number): 10n | 5n | 2n {
  const s = side === "buy" ? inventorySkew : -inventorySkew;
  return s > 0.5 ? 2n : s > 0.3 ? 5n : 10n;
}

/** maxPosition × 0.2 past a 0.5 skew toward this side, × 0.5 past 0.3, else maxPosition (sells mirrored). */
export function getPositionLimit(side: Side, inventorySkew: number, maxPosition: Decimal): Decimal {
  const tenths = positionLimitTenths(side, inventorySkew);
  return tenths === 10n ? maxPosition : maxPosition.times(tenths === 5n ? "0.5" : "0.2");
}

/** Shares that can be merged (UP + DOWN pairs redeem for 1): min of both, or null below the threshold. */
export function checkMergeOpportunity(upShares: Decimal, downShares: Decimal, threshold: Decimal): Decimal | null {
  const m = Decimal.min(upShares, downShares);
  return m.gt(0) && m.gte(threshold) ? m : null;
}

/** The trading loop's first check: no trading at all once the total position value reaches the cap. */
export function totalPositionLimitReached(totalValue: Decimal, maxTotalPosition: Decimal): boolean {
  return totalValue.gte(maxTotalPosition);
}

export interface PriceCheck {
  /** False: the price is outside [minPrice, maxPrice] and the cycle must be skipped. */
  readonly valid: boolean;
  readonly reason: string | null;
  /** Set when the price is valid but outside the safe range: log it and carry on. */
  readonly warning: string | null;
}

export interface SafeRange {
  readonly low: Decimal;
  readonly high: Decimal;
}

export function validatePrice(
  price: Decimal,
  minPrice: Decimal,
  maxPrice: Decimal,
  safeRange: SafeRange | null = null,
): PriceCheck {
  if (price.lt(minPrice) || price.gt(maxPrice))
    return {
      valid: false,
      reason: `price ${price.toString()} outside [${minPrice.toString()}, ${maxPrice.toString()}]`,
      warning: null,
    };
  if (safeRange && (price.lt(safeRange.low) || price.gt(safeRange.high)))
    return {
      valid: true,
      reason: null,
      warning: `price ${price.toString()} outside safe range [${safeRange.low.toString()}, ${safeRange.high.toString()}]`,
    };
  return { valid: true, reason: null, warning: null };
}

/** Step 9's fallback when the book is too thin: reference price ± spread / 2 (unrounded; decideQuotes rounds). */
export function fallbackQuote(referencePrice: Decimal, spread: Decimal): { bid: Decimal; ask: Decimal } {
  const half = spread.div(2);
  return { bid: referencePrice.minus(half), ask: referencePrice.plus(half) };
}
