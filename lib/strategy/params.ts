// Every parameter an operator can tune, as ONE zod schema shared by the dashboard form (browser) and the server.
// Browser-safe: zod, decimal.js and BigInt only. Decimal values travel as strings; numbers are accepted and
// normalised to strings ("0.50" and 0.5 both become "0.5"). compileStrategyParams turns a validated object into
// Decimals and exact scaled BigInts once, so decideQuotes never parses a string.
//
// Defaults are the seeds' (the story's inventory defaults, the Rust document's TradingConfig). Two groups are
// market-dependent, so a generic (non-probability) market works without editing them:
// - minPrice / maxPrice default to null = the MarketSpec's own band (for Polymarket [0.01, 0.99]).
// - minLevelSize defaults to null = the MarketSpec's minSize (a level smaller than one order isn't liquidity).
// safeRangeLow / safeRangeHigh keep the document's 0.01 / 0.99; set them to null to turn the warning off (a 2000
// USD market would otherwise warn on every tick). skewUnit, imbalanceUnit and the spreads are absolute prices:
// for a market priced in thousands scale them to its tick (e.g. skewUnit "1", spreads "0.5".."5").
import Decimal from "decimal.js";
import { z } from "zod";
import { boundedDecimalString, decimalString, describeIssues, parseDecimalInput } from "./decimal-input";
import { toScaled } from "./exact";
import {
  INVENTORY_DEFAULTS,
  InvalidConfigError,
  SKEW_MODES,
  compileSkewShift,
  registerInventoryScalars,
  type InventoryConfig,
  type InventoryScalars,
  type SkewShift,
} from "./inventory";
import { TRADING_CONFIG_DEFAULTS } from "./trading-config";

const positive = () => boundedDecimalString({ gt: "0" });
const nonNegative = () => boundedDecimalString({ gte: "0" });
const unitInterval = () => boundedDecimalString({ gt: "0", lte: "1" });

const lookback = z
  .union([z.number(), z.string().regex(/^\s*\d+\s*$/, "must be a whole number")])
  .transform((v) => Number(v))
  .pipe(z.number().int("must be a whole number").min(2, "must be at least 2").max(50, "must be at most 50"));

// The fields, each with its default. The full schema and the patch schema (below) are both built from it.
const paramFields = {
  // inventory skew (story 035)
  targetInventory: decimalString.default(INVENTORY_DEFAULTS.targetInventory).describe("Neutral position"),
  maxInventory: positive().default("5").describe("|inventory − target| that counts as ratio 1.0"),
  skewFactor: boundedDecimalString({ gte: "0", lte: "1" })
    .default(String(INVENTORY_DEFAULTS.skewFactor))
    .describe("0..1, how hard quotes lean against inventory"),
  skewMode: z.enum(SKEW_MODES).default(INVENTORY_DEFAULTS.skewMode),
  rebalanceThreshold: unitInterval()
    .default(String(INVENTORY_DEFAULTS.rebalanceThreshold))
    .describe("|ratio| at which a reduce-only rebalance starts"),
  emergencyThreshold: unitInterval()
    .default(String(INVENTORY_DEFAULTS.emergencyThreshold))
    .describe("|ratio| at which the excess is flattened at market"),
  // order-book quoting (Rust document)
  skewUnit: nonNegative().default("0.01").describe("Price shift per 1.0 of skew (long lowers both quotes)"),
  imbalanceUnit: nonNegative().default("0.005").describe("Price shift per 1.0 of book imbalance"),
  minSpread: positive().default(TRADING_CONFIG_DEFAULTS.minSpread),
  maxSpread: positive().default(TRADING_CONFIG_DEFAULTS.maxSpread),
  spread: positive().default(TRADING_CONFIG_DEFAULTS.spread).describe("Fallback quote spread when the book is thin"),
  depthLookback: lookback.default(TRADING_CONFIG_DEFAULTS.depthLookback),
  minLevelSize: nonNegative().nullable().default(null).describe("Book levels below this are ignored; null = market minSize"),
  minPrice: positive().nullable().default(null).describe("Price band low; null = the market's"),
  maxPrice: positive().nullable().default(null).describe("Price band high; null = the market's"),
  safeRangeLow: nonNegative().nullable().default(TRADING_CONFIG_DEFAULTS.safeRangeLow),
  safeRangeHigh: nonNegative().nullable().default(TRADING_CONFIG_DEFAULTS.safeRangeHigh),
  // sizing and limits (Rust document)
  orderSize: positive().default(TRADING_CONFIG_DEFAULTS.orderSize),
  maxPosition: positive().default(TRADING_CONFIG_DEFAULTS.maxPosition),
  maxTotalPosition: positive().default(TRADING_CONFIG_DEFAULTS.maxTotalPosition),
  mergeThreshold: nonNegative().default(TRADING_CONFIG_DEFAULTS.mergeThreshold),
  skipSideThreshold: unitInterval().default("0.7").describe("Position skew past which a side is not quoted"),
};

export const strategyParamsSchema = z.strictObject(paramFields).superRefine((v, ctx) => {
  // Field errors already have their own messages; compare only values that parsed.
  const dec = (s: unknown) => (typeof s === "string" ? parseDecimalInput(s) : null);
  const rule = (a: unknown, b: unknown, ok: (x: Decimal, y: Decimal) => boolean, path: string, message: string) => {
    const x = dec(a);
    const y = dec(b);
    if (x && y && !ok(x, y)) ctx.addIssue({ code: "custom", path: [path], message });
  };
  // Messages name the other value as the form labels it: the operator reads them, not the code.
  rule(v.rebalanceThreshold, v.emergencyThreshold, (x, y) => x.lt(y), "rebalanceThreshold", `must be below the emergency threshold (${v.emergencyThreshold})`);
  rule(v.minSpread, v.maxSpread, (x, y) => x.lte(y), "minSpread", `must not exceed the max spread (${v.maxSpread})`);
  rule(v.minPrice, v.maxPrice, (x, y) => x.lt(y), "minPrice", `must be below the max price (${v.maxPrice})`);
  rule(v.safeRangeLow, v.safeRangeHigh, (x, y) => x.lt(y), "safeRangeLow", `must be below the safe range high (${v.safeRangeHigh})`);
  // A target beyond ±maxInventory is a ratio past the emergency threshold from flat: the desk would sell
  // (or buy) at market "toward target" every tick without end. The issue's -1e30 did exactly that.
  rule(
    v.targetInventory,
    v.maxInventory,
    (t, m) => t.abs().lte(m),
    "targetInventory",
    `must be no further from zero than the max inventory (between -${String(v.maxInventory)} and ${String(v.maxInventory)})`,
  );
});

/**
 * A change to the current parameters: every field optional and WITHOUT its default, so an omitted field keeps
 * its current value (`{}` changes nothing). A nullable field given as null is set to null. Each field is
 * checked on its own here; the rules across fields run on the merged result (mergeStrategyParams).
 */
export const strategyParamsPatchSchema = z.strictObject(
  Object.fromEntries(Object.entries(paramFields).map(([k, f]) => [k, f.removeDefault().optional()])) as {
    [K in keyof typeof paramFields]: z.ZodOptional<ReturnType<(typeof paramFields)[K]["removeDefault"]>>;
  },
);
export type StrategyParamsPatch = z.output<typeof strategyParamsPatchSchema>;

/** The current parameters with `patch` laid over them, validated as a whole (throws InvalidConfigError). */
export function mergeStrategyParams(current: StrategyParams, patch: StrategyParamsPatch): StrategyParams {
  const merged: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) merged[k] = v;
  return parseStrategyParams(merged);
}

/** Validated parameters: decimal strings, the lookback as an integer, nullable market-dependent fields. */
export type StrategyParams = z.output<typeof strategyParamsSchema>;
/** What the form and the API accept (numbers or strings, any field omitted = its default). */
export type StrategyParamsInput = z.input<typeof strategyParamsSchema>;

export const defaultStrategyParams: StrategyParams = Object.freeze(strategyParamsSchema.parse({}));

/** Validates, throwing InvalidConfigError whose message lists every "field: problem". */
export function parseStrategyParams(input: unknown): StrategyParams {
  const r = strategyParamsSchema.safeParse(input);
  if (!r.success) throw new InvalidConfigError("strategy parameters", r.error.issues, describeIssues(r.error));
  return r.data;
}

/** Exact scaled copies of the price and size parameters (exact.ts), what decideQuotes reads. */
export interface ScaledParams {
  readonly inventory: InventoryScalars;
  /** −skewUnit × skew, precomputed per mode (inventory.ts). */
  readonly skewShift: SkewShift;
  /** threshold × maxInventory, for atOrBeyondLevel. */
  readonly rebalanceLevel: bigint;
  readonly emergencyLevel: bigint;
  readonly skewUnit: bigint;
  readonly imbalanceUnit: bigint;
  readonly minSpread: bigint;
  readonly maxSpread: bigint;
  readonly spread: bigint;
  readonly minLevelSize: bigint | null;
  readonly minPrice: bigint | null;
  readonly maxPrice: bigint | null;
  readonly safeRangeLow: bigint | null;
  readonly safeRangeHigh: bigint | null;
  /** The safe range doubled, compared with center2 = 2 × mid. */
  readonly safeRangeLow2: bigint | null;
  readonly safeRangeHigh2: bigint | null;
  readonly orderSize: bigint;
  readonly maxPosition: bigint;
  readonly maxTotalPosition: bigint;
}

/** Parameters ready for the hot path. It is an InventoryConfig, so every inventory function accepts it. */
export interface CompiledParams extends InventoryConfig {
  readonly source: StrategyParams;
  readonly skewUnit: Decimal;
  readonly imbalanceUnit: Decimal;
  readonly minSpread: Decimal;
  readonly maxSpread: Decimal;
  readonly spread: Decimal;
  readonly depthLookback: number;
  readonly minLevelSize: Decimal | null;
  readonly minPrice: Decimal | null;
  readonly maxPrice: Decimal | null;
  readonly safeRangeLow: Decimal | null;
  readonly safeRangeHigh: Decimal | null;
  readonly orderSize: Decimal;
  readonly maxPosition: Decimal;
  readonly maxTotalPosition: Decimal;
  readonly mergeThreshold: Decimal;
  readonly skipSideThreshold: number;
  readonly scaled: ScaledParams;
}

const orNull = (s: string | null) => (s === null ? null : new Decimal(s));
const scaledOrNull = (d: Decimal | null, what: string) => (d === null ? null : toScaled(d, what));

/** Validates (again: the input may not come from the schema) and converts once. */
export function compileStrategyParams(params: StrategyParams | StrategyParamsInput): CompiledParams {
  const p = parseStrategyParams(params);
  const dec = {
    targetInventory: new Decimal(p.targetInventory),
    maxInventory: new Decimal(p.maxInventory),
    skewUnit: new Decimal(p.skewUnit),
    imbalanceUnit: new Decimal(p.imbalanceUnit),
    minSpread: new Decimal(p.minSpread),
    maxSpread: new Decimal(p.maxSpread),
    spread: new Decimal(p.spread),
    minLevelSize: orNull(p.minLevelSize),
    minPrice: orNull(p.minPrice),
    maxPrice: orNull(p.maxPrice),
    safeRangeLow: orNull(p.safeRangeLow),
    safeRangeHigh: orNull(p.safeRangeHigh),
    orderSize: new Decimal(p.orderSize),
    maxPosition: new Decimal(p.maxPosition),
    maxTotalPosition: new Decimal(p.maxTotalPosition),
    mergeThreshold: new Decimal(p.mergeThreshold),
  };
  const inventory: InventoryScalars = {
    target: toScaled(dec.targetInventory, "targetInventory"),
    max: toScaled(dec.maxInventory, "maxInventory"),
    factor: toScaled(new Decimal(p.skewFactor), "skewFactor"),
    rebalance: toScaled(new Decimal(p.rebalanceThreshold), "rebalanceThreshold"),
    emergency: toScaled(new Decimal(p.emergencyThreshold), "emergencyThreshold"),
    mode: p.skewMode,
  };
  const compiled: CompiledParams = Object.freeze({
    source: p,
    ...dec,
    skewFactor: Number(p.skewFactor),
    skewMode: p.skewMode,
    rebalanceThreshold: Number(p.rebalanceThreshold),
    emergencyThreshold: Number(p.emergencyThreshold),
    depthLookback: p.depthLookback,
    skipSideThreshold: Number(p.skipSideThreshold),
    scaled: Object.freeze({
      inventory,
      skewShift: compileSkewShift(inventory, toScaled(dec.skewUnit)),
      rebalanceLevel: inventory.rebalance * inventory.max,
      emergencyLevel: inventory.emergency * inventory.max,
      skewUnit: toScaled(dec.skewUnit),
      imbalanceUnit: toScaled(dec.imbalanceUnit),
      minSpread: toScaled(dec.minSpread),
      maxSpread: toScaled(dec.maxSpread),
      spread: toScaled(dec.spread),
      minLevelSize: scaledOrNull(dec.minLevelSize, "minLevelSize"),
      minPrice: scaledOrNull(dec.minPrice, "minPrice"),
      maxPrice: scaledOrNull(dec.maxPrice, "maxPrice"),
      safeRangeLow: scaledOrNull(dec.safeRangeLow, "safeRangeLow"),
      safeRangeHigh: scaledOrNull(dec.safeRangeHigh, "safeRangeHigh"),
      safeRangeLow2: dec.safeRangeLow === null ? null : 2n * toScaled(dec.safeRangeLow),
      safeRangeHigh2: dec.safeRangeHigh === null ? null : 2n * toScaled(dec.safeRangeHigh),
      orderSize: toScaled(dec.orderSize),
      maxPosition: toScaled(dec.maxPosition),
      maxTotalPosition: toScaled(dec.maxTotalPosition),
    }),
  });
  // the inventory functions then use the exact string values, not the rounded numbers above
  registerInventoryScalars(compiled, inventory);
  return compiled;
}
