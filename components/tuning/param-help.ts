// What each strategy parameter means to an operator, with the unit it is in on this market, and whether it
// does anything here. A parameter that does nothing on this market (the probability safe range on a dollar
// market; the two-outcome caps on a single instrument) is hidden but keeps its value: the form always sends
// the whole set, so hiding a field must not reset it.
import type { MarketDTO } from "@/lib/events";
import type { ParamField } from "./fields";

type Unit = "base" | "quote" | "ratio" | "levels" | null;

interface Help {
  label: string;
  unit: Unit;
  /** The unit's names are filled in: {base} = ETH, {quote} = USD, {minSize}, {minPrice}, {maxPrice}. */
  text: string;
  /** Whether the parameter does anything on this market. */
  applies?: (m: MarketDTO) => boolean;
}

/** Prices in [0, 1]: a probability market, where the safe range means "near certain". */
const isProbability = (m: MarketDTO) => Number(m.maxPrice) <= 1;
/** The desk trades one instrument: the UP/DOWN pair caps never act. */
const twoOutcome = () => false;

export const PARAM_HELP: Readonly<Record<string, Help>> = {
  targetInventory: { label: "Target inventory", unit: "base", text: "The position the desk leans back toward. Skew and both thresholds measure the distance from here." },
  maxInventory: {
    label: "Max inventory",
    unit: "base",
    text: "Distance from target that counts as ratio 1.0 (100 %). Quotes are sized so that a fill never takes the position further than this from target.",
  },
  skewFactor: { label: "Skew factor", unit: "ratio", text: "How hard quotes lean against inventory: 0 not at all, 1 fully." },
  skewMode: { label: "Skew mode", unit: null, text: "How the lean grows with the ratio: linear; exponential (gentle near target, steep near the limits); tiered (steps at 0.3, 0.7)." },
  rebalanceThreshold: {
    label: "Rebalance threshold",
    unit: "ratio",
    text: "Share of max inventory (0.8 = 80 %) at which the desk sends reduce-only orders back toward target and stops quoting the side that adds to the position.",
  },
  emergencyThreshold: {
    label: "Emergency threshold",
    unit: "ratio",
    text: "Share of max inventory at which the desk flattens the excess at market, raises a critical alert and stays REDUCING until re-armed.",
  },
  skewUnit: { label: "Skew unit", unit: "quote", text: "How far both quotes move, in {quote}, at full skew. Long inventory lowers both, short raises both." },
  imbalanceUnit: { label: "Imbalance unit", unit: "quote", text: "How far quotes move, in {quote}, when the book's depth is entirely on one side." },
  spread: { label: "Fallback spread", unit: "quote", text: "Quote width when the book is too thin to read (fewer than two usable levels a side)." },
  minSpread: { label: "Min spread", unit: "quote", text: "The book's spread is widened to at least this before we quote around mid." },
  maxSpread: { label: "Max spread", unit: "quote", text: "The book's spread is narrowed to at most this before we quote around mid." },
  depthLookback: { label: "Depth lookback", unit: "levels", text: "How many book levels a side are read to measure depth and imbalance." },
  minLevelSize: { label: "Min level size", unit: "base", text: "Book levels smaller than this are ignored. Empty = the venue's minimum order ({minSize} {base})." },
  minPrice: { label: "Min price", unit: "quote", text: "Never quote below this. Empty = the venue's limit ({minPrice} {quote})." },
  maxPrice: { label: "Max price", unit: "quote", text: "Never quote above this. Empty = the venue's limit ({maxPrice} {quote})." },
  safeRangeLow: { label: "Safe range low", unit: "quote", text: "Warn when mid falls below this (an outcome near certain). Empty = no warning.", applies: isProbability },
  safeRangeHigh: { label: "Safe range high", unit: "quote", text: "Warn when mid rises above this. Empty = no warning.", applies: isProbability },
  orderSize: { label: "Order size", unit: "base", text: "Size of each quote before the limits below." },
  maxPosition: {
    label: "Max quote size",
    unit: "base",
    text: "Largest size of one quote, whatever the order size. It does not limit inventory: max inventory and the thresholds do.",
  },
  maxTotalPosition: { label: "Max total position", unit: "quote", text: "Stop quoting when both outcomes together are worth this (two-outcome markets only).", applies: twoOutcome },
  mergeThreshold: { label: "Merge threshold", unit: "base", text: "UP and DOWN pairs past this are reported as mergeable (two-outcome markets only).", applies: twoOutcome },
  skipSideThreshold: { label: "Skip-side ratio", unit: "ratio", text: "Past this inventory ratio the side that would add to the position is not quoted at all." },
};

export function unitName(unit: Unit, m: MarketDTO): string | undefined {
  if (unit === "base") return m.baseCurrency;
  if (unit === "quote") return m.quoteCurrency;
  if (unit === "levels") return "levels";
  return undefined;
}

function fill(text: string, m: MarketDTO): string {
  return text
    .replace(/\{base\}/g, m.baseCurrency)
    .replace(/\{quote\}/g, m.quoteCurrency)
    .replace(/\{minSize\}/g, m.minSize)
    .replace(/\{minPrice\}/g, m.minPrice)
    .replace(/\{maxPrice\}/g, m.maxPrice);
}

/** The fields with the operator's label, unit and explanation, and `hidden` where they do nothing here. */
export function explainFields(fields: readonly ParamField[], m: MarketDTO): ParamField[] {
  return fields.map((f) => {
    const h = PARAM_HELP[f.path];
    if (!h) return f;
    const unit = unitName(h.unit, m);
    return { ...f, label: h.label, unit, description: fill(h.text, m), hidden: h.applies ? !h.applies(m) : false };
  });
}

/** The operator's name for a parameter (history diffs use it too, so both say the same thing). */
export function labelOf(path: string, fallback: (p: string) => string): string {
  return PARAM_HELP[path]?.label ?? fallback(path);
}
