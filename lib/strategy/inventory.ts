// InventoryManager's logic from the story (000_b67ac77dd6c635ce.txt) as pure functions over (config, inventory).
//
// Decisions the story leaves open or gets wrong, fixed here and tested in tests/lib/inventory.test.ts:
// - Target inventory: everything is measured on the EXCESS, current − target. ratio = excess / max, the skew is
//   computed from that ratio, and the rebalance amount is |excess|. (The Zig divides `current` by max but
//   rebalances `current − target`; with a non-zero target those disagree.)
// - Thresholds are inclusive (>=). The story's scenario table says a ratio of 0.8 "triggers rebalance" and 1.0 is
//   an emergency, and the runner must fire the emergency close "at 0.95"; its Zig uses `>`, contradicting both.
//   The comparison is exact: |excess| × 10^18 >= threshold × max in BigInt, never on a rounded double.
// - calculateSkew returns the seed's double, computed exactly as the Zig does. Prices derived from the skew use the
//   exact fraction from skewFraction(), so a price never depends on a double's rounding.
// - The rebalance count is the number of times the inventory ENTERED the rebalance zone through updateInventory
//   (the Zig declares the counter and never increments it; counting every tick spent in the zone would make it
//   a duration, not a count).
import Decimal from "decimal.js";
import { z } from "zod";
import type { Side } from "@/lib/market";
import { decimalValue, describeIssues } from "./decimal-input";
import { ONE, absBig, ratioNumber, reduceFrac, toScaled, type Frac } from "./exact";

export const SKEW_MODES = ["linear", "exponential", "tiered"] as const;
export type SkewMode = (typeof SKEW_MODES)[number];

export interface InventoryConfig {
  /** Neutral position (usually 0). */
  readonly targetInventory: Decimal;
  /** Largest |current − target| the strategy may hold; ratio 1.0. */
  readonly maxInventory: Decimal;
  /** 0..1, larger skews harder. */
  readonly skewFactor: number;
  /** |ratio| at or above which a rebalance is due. */
  readonly rebalanceThreshold: number;
  readonly skewMode: SkewMode;
  /** |ratio| at or above which the excess is flattened at market. */
  readonly emergencyThreshold: number;
}

/** The story's defaults. maxInventory has none: it must be given. */
export const INVENTORY_DEFAULTS = {
  targetInventory: "0",
  skewFactor: 0.5,
  rebalanceThreshold: 0.8,
  skewMode: "linear",
  emergencyThreshold: 0.95,
} as const;

export class InvalidConfigError extends Error {
  constructor(
    what: string,
    readonly issues: readonly z.core.$ZodIssue[],
    detail: string,
  ) {
    super(`invalid ${what}: ${detail}`);
    this.name = "InvalidConfigError";
  }
}

/** Cross-field rules shared with the operator's parameter schema. Returns [field, message] pairs. */
export function inventoryRuleViolations(v: {
  maxInventory: Decimal;
  skewFactor: Decimal;
  rebalanceThreshold: Decimal;
  emergencyThreshold: Decimal;
}): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!v.maxInventory.gt(0)) out.push(["maxInventory", "must be greater than 0"]);
  if (v.skewFactor.lt(0) || v.skewFactor.gt(1)) out.push(["skewFactor", "must be between 0 and 1"]);
  if (!v.rebalanceThreshold.gt(0)) out.push(["rebalanceThreshold", "must be greater than 0"]);
  if (!v.emergencyThreshold.lte(1)) out.push(["emergencyThreshold", "must be at most 1"]);
  if (!v.rebalanceThreshold.lt(v.emergencyThreshold))
    out.push(["rebalanceThreshold", "must be below the emergency threshold"]);
  return out;
}

const ratioNumberInput = z.number().refine(Number.isFinite, "must be a finite number");

/** Input accepted by createInventoryConfig: Decimal | string | number for the quantities, numbers for ratios. */
export const inventoryConfigSchema = z
  .object({
    targetInventory: decimalValue.default(new Decimal(INVENTORY_DEFAULTS.targetInventory)),
    maxInventory: decimalValue,
    skewFactor: ratioNumberInput.default(INVENTORY_DEFAULTS.skewFactor),
    rebalanceThreshold: ratioNumberInput.default(INVENTORY_DEFAULTS.rebalanceThreshold),
    skewMode: z.enum(SKEW_MODES).default(INVENTORY_DEFAULTS.skewMode),
    emergencyThreshold: ratioNumberInput.default(INVENTORY_DEFAULTS.emergencyThreshold),
  })
  .strict()
  .superRefine((v, ctx) => {
    for (const [path, message] of inventoryRuleViolations({
      maxInventory: v.maxInventory,
      skewFactor: new Decimal(v.skewFactor),
      rebalanceThreshold: new Decimal(v.rebalanceThreshold),
      emergencyThreshold: new Decimal(v.emergencyThreshold),
    }))
      ctx.addIssue({ code: "custom", path: [path], message });
  });

export type InventoryConfigInput = z.input<typeof inventoryConfigSchema>;

/** Validated InventoryConfig with the story's defaults filled in; throws InvalidConfigError with every problem. */
export function createInventoryConfig(input: InventoryConfigInput): InventoryConfig {
  const r = inventoryConfigSchema.safeParse(input);
  if (!r.success) throw new InvalidConfigError("inventory config", r.error.issues, describeIssues(r.error));
  return Object.freeze(r.data);
}

/** The config's values as exact scaled BigInts (see exact.ts), computed once per config object. */
export interface InventoryScalars {
  readonly target: bigint;
  readonly max: bigint;
  readonly factor: bigint;
  readonly rebalance: bigint;
  readonly emergency: bigint;
  readonly mode: SkewMode;
}

const scalarCache = new WeakMap<InventoryConfig, InventoryScalars>();

/** Configs are treated as immutable: the scalars are cached per object. */
export function inventoryScalars(config: InventoryConfig): InventoryScalars {
  let s = scalarCache.get(config);
  if (!s) {
    s = {
      target: toScaled(config.targetInventory, "targetInventory"),
      max: toScaled(config.maxInventory, "maxInventory"),
      factor: toScaled(new Decimal(config.skewFactor), "skewFactor"),
      rebalance: toScaled(new Decimal(config.rebalanceThreshold), "rebalanceThreshold"),
      emergency: toScaled(new Decimal(config.emergencyThreshold), "emergencyThreshold"),
      mode: config.skewMode,
    };
    scalarCache.set(config, s);
  }
  return s;
}

/** For compiled parameters whose exact values come from strings rather than the rounded numbers. */
export function registerInventoryScalars(config: InventoryConfig, s: InventoryScalars): void {
  scalarCache.set(config, s);
}

// ---- scaled core (used by decideQuotes without touching Decimal) ----

export function ratioFromExcess(s: InventoryScalars, excess: bigint): number {
  return ratioNumber(excess, s.max);
}

/** The seed's skew formulas, on a double ratio, exactly as the Zig computes them. */
export function skewFromRatio(config: Pick<InventoryConfig, "skewFactor" | "skewMode">, ratio: number): number {
  switch (config.skewMode) {
    case "linear":
      return ratio * config.skewFactor;
    case "exponential": {
      const sign = ratio >= 0 ? 1 : -1;
      return sign * Math.pow(Math.abs(ratio), 2) * config.skewFactor;
    }
    case "tiered": {
      const abs = Math.abs(ratio);
      const tier = abs > 0.7 ? 2.0 : abs > 0.4 ? 1.5 : 1.0;
      return ratio * config.skewFactor * tier;
    }
  }
}

/** Tier × 2 of the tiered mode: 2, 3 or 4 for 1.0, 1.5, 2.0 (|ratio| > 0.7 ⇔ 10 |excess| > 7 max). */
function tierTwice(s: InventoryScalars, excess: bigint): 2 | 3 | 4 {
  const a10 = absBig(excess) * 10n;
  return a10 > 7n * s.max ? 4 : a10 > 4n * s.max ? 3 : 2;
}

/** The same skew as an exact fraction of the excess: what prices are computed from. */
export function skewFractionScaled(s: InventoryScalars, excess: bigint): Frac {
  if (s.max === 0n) return { n: 0n, d: 1n };
  switch (s.mode) {
    case "linear":
      return { n: s.factor * excess, d: ONE * s.max };
    case "exponential":
      return { n: s.factor * excess * absBig(excess), d: ONE * s.max * s.max };
    case "tiered":
      return { n: s.factor * excess * BigInt(tierTwice(s, excess)), d: ONE * s.max * 2n };
  }
}

/**
 * −skewUnit × skew as a price, precomputed: skew is linear in the excess (exponential: in excess × |excess|), so
 * the coefficient skewUnit × factor / (10^18 × max [× max]) is reduced once and a tick costs one multiplication.
 * Index: [0] for linear and exponential, [tier × 2 − 2] for tiered.
 */
export interface SkewShift {
  readonly mode: SkewMode;
  readonly coef: readonly Frac[];
}

export function compileSkewShift(s: InventoryScalars, skewUnit: bigint): SkewShift {
  const base = skewUnit * s.factor;
  if (s.max === 0n) return { mode: "linear", coef: [{ n: 0n, d: 1n }] };
  switch (s.mode) {
    case "linear":
      return { mode: s.mode, coef: [reduceFrac(base, ONE * s.max)] };
    case "exponential":
      return { mode: s.mode, coef: [reduceFrac(base, ONE * s.max * s.max)] };
    case "tiered":
      return { mode: s.mode, coef: [2n, 3n, 4n].map((t) => reduceFrac(base * t, ONE * s.max * 2n)) };
  }
}

/** The price shift from inventory alone: negative when long (both quotes go down). */
export function skewShiftScaled(s: InventoryScalars, shift: SkewShift, excess: bigint): Frac {
  const c = shift.mode === "tiered" ? shift.coef[tierTwice(s, excess) - 2]! : shift.coef[0]!;
  const x = shift.mode === "exponential" ? excess * absBig(excess) : excess;
  return { n: -c.n * x, d: c.d };
}

/** |excess| >= threshold × max, exactly. */
export function atOrBeyond(s: InventoryScalars, excess: bigint, threshold: bigint): boolean {
  return atOrBeyondLevel(excess, threshold * s.max);
}

/** The same with level = threshold × max precomputed (both scaled, so the excess is scaled up once). */
export function atOrBeyondLevel(excess: bigint, level: bigint): boolean {
  return absBig(excess) * ONE >= level;
}

// ---- public Decimal API (the story's methods, as pure functions) ----

/** current − target. */
export function inventoryExcess(config: InventoryConfig, inventory: Decimal): Decimal {
  return inventory.minus(config.targetInventory);
}

/** (current − target) / max as a double; 0 when max is 0 (as the Zig). */
export function inventoryRatio(config: InventoryConfig, inventory: Decimal): number {
  const s = inventoryScalars(config);
  return ratioFromExcess(s, toScaled(inventory, "inventory") - s.target);
}

export function calculateSkew(config: InventoryConfig, inventory: Decimal): number {
  return skewFromRatio(config, inventoryRatio(config, inventory));
}

/** The skew as an exact fraction (numerator, positive denominator). */
export function skewFraction(config: InventoryConfig, inventory: Decimal): Frac {
  const s = inventoryScalars(config);
  return skewFractionScaled(s, toScaled(inventory, "inventory") - s.target);
}

export function needsRebalance(config: InventoryConfig, inventory: Decimal): boolean {
  const s = inventoryScalars(config);
  return atOrBeyond(s, toScaled(inventory, "inventory") - s.target, s.rebalance);
}

export function needsEmergencyClose(config: InventoryConfig, inventory: Decimal): boolean {
  const s = inventoryScalars(config);
  return atOrBeyond(s, toScaled(inventory, "inventory") - s.target, s.emergency);
}

export interface RebalanceAction {
  /** The side that reduces the excess: sell when long of target, buy when short. */
  readonly direction: Side;
  /** |current − target|: the whole excess, back to target. */
  readonly amount: Decimal;
  readonly urgency: "normal" | "emergency";
}

export function getRebalanceAction(config: InventoryConfig, inventory: Decimal): RebalanceAction | null {
  if (!needsRebalance(config, inventory)) return null;
  const excess = inventoryExcess(config, inventory);
  return {
    direction: excess.gt(0) ? "sell" : "buy",
    amount: excess.abs(),
    urgency: needsEmergencyClose(config, inventory) ? "emergency" : "normal",
  };
}

export interface InventoryState {
  readonly current: Decimal;
  /** Largest |current| seen (the Zig's peak_inventory). */
  readonly peak: Decimal;
  /** Entries into the rebalance zone (see the note at the top). */
  readonly rebalanceCount: number;
}

export function initialInventoryState(current: Decimal = new Decimal(0)): InventoryState {
  return { current, peak: current.abs(), rebalanceCount: 0 };
}

export interface OrderFill {
  readonly side: Side;
  readonly quantity: Decimal;
}

/** The fill applied: buy adds, sell subtracts; peak and rebalance count updated. Returns a new state. */
export function updateInventory(config: InventoryConfig, state: InventoryState, fill: OrderFill): InventoryState {
  if (!fill.quantity.isFinite() || fill.quantity.lt(0))
    throw new RangeError(`fill quantity must be a non-negative number, got ${fill.quantity.toString()}`);
  const current = fill.side === "buy" ? state.current.plus(fill.quantity) : state.current.minus(fill.quantity);
  const abs = current.abs();
  const entered = !needsRebalance(config, state.current) && needsRebalance(config, current);
  return {
    current,
    peak: abs.gt(state.peak) ? abs : state.peak,
    rebalanceCount: state.rebalanceCount + (entered ? 1 : 0),
  };
}

export interface InventoryStats {
  readonly current: Decimal;
  readonly ratio: number;
  readonly skew: number;
  readonly peak: Decimal;
  readonly rebalanceCount: number;
}

export function getStats(config: InventoryConfig, state: InventoryState): InventoryStats {
  return {
    current: state.current,
    ratio: inventoryRatio(config, state.current),
    skew: calculateSkew(config, state.current),
    peak: state.peak,
    rebalanceCount: state.rebalanceCount,
  };
}
