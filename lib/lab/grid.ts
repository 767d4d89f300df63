// The lab's parameter grid: "name=v1,v2,…" lists and "name=from:to:step" ranges, expanded into every
// combination. Pure and browser-safe, so the page's grid editor, the CLI and the server expand a grid the
// same way and refuse bad input with the same words. Ranges step in exact decimals: 0.1:1:0.1 gives
// 0.1, 0.2, …, 1 (ten values), never 0.30000000000000004.
import Decimal from "decimal.js";
import { SKEW_MODES, strategyParamsPatchSchema } from "@/lib/strategy";

/** One axis of the grid: a parameter and the values it takes, as the strategy schema accepts them. */
export interface GridAxis {
  readonly name: string;
  readonly values: readonly string[];
}

/** One parameter set of the grid: a patch on the market's preset. */
export type ParamSet = Readonly<Record<string, string>>;

/** Most parameter sets one lab run may hold (× seeds = simulations). */
export const MAX_GRID_SETS = 500;
/** Most values a single range may produce. */
export const MAX_AXIS_VALUES = 200;

export class GridError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GridError";
  }
}

/** Parameters the lab can sweep: every tunable one except the nullable market-band fields. */
export const SWEEPABLE_PARAMS: readonly string[] = Object.keys(strategyParamsPatchSchema.shape).filter(
  (k) => !["minPrice", "maxPrice", "minLevelSize", "safeRangeLow", "safeRangeHigh"].includes(k),
);

const DECIMAL = /^-?\d+(\.\d+)?$/;

function decimalOf(text: string, what: string, name: string): Decimal {
  const t = text.trim();
  if (!DECIMAL.test(t)) throw new GridError(`${name}: ${what} "${text}" is not a decimal number (write 0.5, not .5 or 5e-1)`);
  return new Decimal(t);
}

/** Expands "from:to:step" into its exact values, both ends included when the steps land on them. */
export function expandRange(name: string, spec: string): string[] {
  const parts = spec.split(":");
  if (parts.length !== 3) throw new GridError(`${name}: a range is from:to:step, e.g. 0.1:1:0.1 (got "${spec}")`);
  const from = decimalOf(parts[0]!, "the start", name);
  const to = decimalOf(parts[1]!, "the end", name);
  const step = decimalOf(parts[2]!, "the step", name);
  if (step.lte(0)) throw new GridError(`${name}: the step must be above 0 (got ${parts[2]!.trim()})`);
  if (to.lt(from)) throw new GridError(`${name}: the end ${to} is below the start ${from}`);
  const count = to.sub(from).div(step).floor().toNumber() + 1;
  if (count > MAX_AXIS_VALUES) throw new GridError(`${name}: ${from}:${to}:${step} gives ${count} values; at most ${MAX_AXIS_VALUES}`);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(from.add(step.mul(i)).toString());
  return out;
}

/** Parses one "name=values" argument into an axis (values not yet checked against the strategy's rules). */
export function parseAxis(arg: string): GridAxis {
  const eq = arg.indexOf("=");
  if (eq <= 0) throw new GridError(`"${arg}": write name=v1,v2 or name=from:to:step, e.g. skewFactor=0.1:1:0.1`);
  const name = arg.slice(0, eq).trim();
  const spec = arg.slice(eq + 1).trim();
  if (!SWEEPABLE_PARAMS.includes(name)) {
    throw new GridError(`"${name}" is not a parameter the lab can sweep; choose one of ${SWEEPABLE_PARAMS.join(", ")}`);
  }
  if (!spec) throw new GridError(`${name}: no values given`);
  let values: string[];
  if (spec.includes(":")) values = expandRange(name, spec);
  else values = spec.split(",").map((v) => v.trim());
  if (values.some((v) => v === "")) throw new GridError(`${name}: an empty value in "${spec}"`);
  if (name === "skewMode") {
    const bad = values.find((v) => !(SKEW_MODES as readonly string[]).includes(v));
    if (bad !== undefined) throw new GridError(`skewMode: "${bad}" is not a skew mode; choose ${SKEW_MODES.join(", ")}`);
  } else if (name === "depthLookback") {
    const bad = values.find((v) => !/^\d+$/.test(v));
    if (bad !== undefined) throw new GridError(`depthLookback: "${bad}" is not a whole number`);
  } else {
    for (const v of values) decimalOf(v, "the value", name);
  }
  const seen = new Set<string>();
  const dup = values.find((v) => (seen.has(canonical(name, v)) ? true : (seen.add(canonical(name, v)), false)));
  if (dup !== undefined) throw new GridError(`${name}: the value ${dup} is listed twice`);
  return { name, values };
}

const canonical = (name: string, v: string) => (name === "skewMode" ? v : name === "depthLookback" ? String(Number(v)) : new Decimal(v).toString());

/** Every combination, the first axis varying slowest, in a fixed order (the run's results keep it). */
export function expandGrid(axes: readonly GridAxis[]): ParamSet[] {
  const names = new Set<string>();
  for (const a of axes) {
    if (names.has(a.name)) throw new GridError(`${a.name} is given twice: put all its values in one --grid`);
    names.add(a.name);
  }
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (total > MAX_GRID_SETS) throw new GridError(`the grid has ${total} parameter sets; at most ${MAX_GRID_SETS}`);
  let sets: Record<string, string>[] = [{}];
  for (const a of axes) sets = sets.flatMap((s) => a.values.map((v) => ({ ...s, [a.name]: canonical(a.name, v) })));
  return sets;
}

/** Parses and expands "name=…" arguments (CLI --grid, the page's rows, the API's grid field). */
export function gridFromArgs(args: readonly string[]): { axes: GridAxis[]; sets: ParamSet[] } {
  const axes = args.map(parseAxis);
  return { axes, sets: expandGrid(axes) };
}

/** A short label for a set, in axis order: "skewMode=linear skewFactor=0.3". */
export function setLabel(set: ParamSet): string {
  const keys = Object.keys(set);
  return keys.length ? keys.map((k) => `${k}=${set[k]}`).join(" ") : "preset";
}
