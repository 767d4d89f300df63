// Exact fixed-point helpers for the quoting hot path.
//
// decimal.js costs 100-700 ns per operation on this class of machine, so a tick that does ~40 of them misses
// the 10 µs budget. The core therefore converts each Decimal it needs once into a BigInt counted in units of
// 10^-18 ("scaled"), does every comparison, sum and rounding in exact BigInt arithmetic (~15 ns per op), and
// wraps only the final integers (ticks × tickSize, lots × lotSize) back into Decimals. Nothing here is a float,
// so there is no rounding except the explicit floor/ceil to the venue's grid.
import Decimal from "decimal.js";

/** Decimal places of the fixed-point unit. Prices and sizes with more decimals than this are rejected. */
export const SCALE = 18;
export const ONE = 10n ** BigInt(SCALE);

const POW10: readonly bigint[] = Array.from({ length: 64 }, (_, i) => 10n ** BigInt(i));

export function pow10(n: number): bigint {
  return POW10[n] ?? 10n ** BigInt(n);
}

const WORD = 10_000_000n; // decimal.js stores digits in base-1e7 words

const MAX_SAFE_NUM = Number.MAX_SAFE_INTEGER;

/**
 * The value of `x` in units of 10^-7 (one decimal.js digit word) as an exact integer double, or NaN when `x` has
 * more than 7 decimal places or is too large (|x| >~ 9e8) for a double to hold it exactly. ~10 ns: it reads
 * decimal.js's documented read-only digit words (`d`, `e`, `s`), where word i is worth d[i] × 10^(7 × (floor(e / 7) − i)).
 * Book sizes and prices almost always take this path; the caller falls back to BigInt otherwise.
 */
export function toUnits7(x: Decimal): number {
  const d = x.d;
  if (!d) return NaN;
  const len = d.length;
  let shift = Math.floor(x.e / 7) - len + 2; // factors of 1e7 still owed after the last word
  if (shift < 0) return NaN;
  let acc = d[0]!;
  for (let i = 1; i < len; i++) acc = acc * 1e7 + d[i]!;
  while (shift-- > 0) acc *= 1e7;
  if (acc > MAX_SAFE_NUM) return NaN; // every partial value was <= acc, so below this bound all were exact
  return x.s < 0 ? -acc : acc;
}

/** 10^-7 units (a safe integer double) to scaled units. */
export const UNITS7_TO_SCALED = 10n ** 11n;

/** A scaled value in 10^-7 units as a safe integer double, or NaN when it has finer digits or is too large. */
export function units7Of(v: bigint): number {
  if (v % UNITS7_TO_SCALED !== 0n) return NaN;
  const n = Number(v / UNITS7_TO_SCALED);
  return Number.isSafeInteger(n) ? n : NaN;
}

/**
 * The exact value of `x` × 10^18 as a BigInt. Fast path through toUnits7 (~40 ns), else the digit words one by one.
 * Throws a RangeError for NaN, ±Infinity or more than 18 decimal places.
 */
export function toScaled(x: Decimal, what = "value"): bigint {
  const u = toUnits7(x);
  if (u === u) return BigInt(u) * UNITS7_TO_SCALED; // not NaN
  const d = x.d;
  if (!d) throw new RangeError(`${what} must be a finite number, got ${x.toString()}`);
  const len = d.length;
  const p = 7 * (Math.floor(x.e / 7) - len + 1) + SCALE;
  let acc = BigInt(d[0]!);
  for (let i = 1; i < len; i++) acc = acc * WORD + BigInt(d[i]!);
  if (p >= 0) acc *= pow10(p);
  else {
    const q = pow10(-p);
    if (acc % q !== 0n) throw new RangeError(`${what} has more than ${SCALE} decimal places: ${x.toString()}`);
    acc /= q;
  }
  return x.s < 0 ? -acc : acc;
}

/** An exact fraction n / d (d > 0) of any decimal value, with no limit on its decimal places. */
export interface Frac {
  readonly n: bigint;
  readonly d: bigint;
}

/** The exact value of a Decimal (or of a double at its shortest decimal spelling) as a fraction. */
export function toFrac(x: Decimal | number, what = "value"): Frac {
  const v = typeof x === "number" ? new Decimal(x) : x;
  if (!v.isFinite()) throw new RangeError(`${what} must be a finite number, got ${v.toString()}`);
  const dp = v.decimalPlaces();
  if (dp <= SCALE) return { n: toScaled(v, what), d: ONE };
  return { n: BigInt(v.times(new Decimal(10).pow(dp)).toFixed(0)), d: pow10(dp) };
}

/** floor(a / b) for b > 0. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a < 0n && q * b !== a ? q - 1n : q;
}

/** ceil(a / b) for b > 0. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a > 0n && q * b !== a ? q + 1n : q;
}

export function gcdBig(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** n / d in lowest terms with d > 0 (kept small, BigInt cost grows with size). */
export function reduceFrac(n: bigint, d: bigint): Frac {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcdBig(n, d);
  return g > 1n ? { n: n / g, d: d / g } : { n, d };
}

export function absBig(a: bigint): bigint {
  return a < 0n ? -a : a;
}

export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** A scaled value back as a Decimal (string route: exact, ~0.5 µs; used off the hot path). */
export function fromScaled(v: bigint): Decimal {
  if (v === 0n) return new Decimal(0);
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(SCALE + 1, "0");
  const int = digits.slice(0, digits.length - SCALE);
  const frac = digits.slice(digits.length - SCALE).replace(/0+$/, "");
  return new Decimal(`${neg ? "-" : ""}${int}${frac ? `.${frac}` : ""}`);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * `count` × `unit` as a Decimal, where `unit` is a tick or lot size and `unitScaled` its scaled value.
 * Small counts take decimal.js's integer fast path plus one multiplication (~0.35 µs).
 */
export function fromUnits(count: bigint, unit: Decimal, unitScaled: bigint): Decimal {
  if (count <= MAX_SAFE && count >= -MAX_SAFE) return unit.times(Number(count));
  return fromScaled(count * unitScaled);
}

/** A double from a ratio of two scaled values (an indicator, never money). */
export function ratioNumber(num: bigint, den: bigint): number {
  if (den === 0n) return 0;
  return Number(num) / Number(den);
}
