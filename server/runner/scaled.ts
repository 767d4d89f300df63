// Exact scaled integers (lib/strategy/exact.ts: value × 10^18 as a BigInt) for the runner's hot checks: a
// comparison or a rounding there costs tens of nanoseconds instead of decimal.js's microsecond. Each caller
// keeps its Decimal path for whatever does not convert (more than 18 decimals) and for every case it does not
// decide itself, so results are the same.
import type Decimal from "decimal.js";
import { ceilDiv, floorDiv, toScaled, toUnits7 } from "@/lib/strategy/exact";

const UNIT7 = 10n ** 11n;
const LIMIT = 10n ** 30n;

/**
 * `d` × 10^18 exactly, or null unless it has at most 7 decimals and |d| < 10^12. Within those bounds every
 * sum, difference, tick multiple and whole quotient of two such values has at most 19 significant digits, so
 * decimal.js (20 significant digits) computes them exactly too and both paths agree to the last digit.
 */
export function scaledOrNull(d: Decimal): bigint | null {
  let v: bigint;
  try {
    v = toScaled(d);
  } catch {
    return null;
  }
  return v % UNIT7 === 0n && v < LIMIT && v > -LIMIT ? v : null;
}

export { ceilDiv, floorDiv };

/** Bound on |units|: sums and differences of a few such values, and a tick times a small count, stay exact. */
const UNITS_BOUND = 2 ** 50;

/**
 * `d` in 10^-7 units as an exact integer double, or NaN unless it has at most 7 decimals and |units| <= 2^50
 * (|d| < ~1.1e8). The runner's per-order checks run on these: no BigInt is allocated, and a value outside the
 * bound takes the caller's exact path as before.
 */
export function units7(d: Decimal): number {
  const u = toUnits7(d);
  return u <= UNITS_BOUND && u >= -UNITS_BOUND ? u : NaN;
}

/** floor(a / b) × b for integer doubles (b > 0), exactly: by the remainder, never a rounded quotient. */
export function floorMultiple(a: number, b: number): number {
  const r = a % b;
  return r < 0 ? a - r - b : a - r;
}

/** ceil(a / b) × b for integer doubles (b > 0), exactly. */
export function ceilMultiple(a: number, b: number): number {
  const f = floorMultiple(a, b);
  return f === a ? a : f + b;
}
