// Exact scaled integers (lib/strategy/exact.ts: value × 10^18 as a BigInt) for the runner's hot checks: a
// comparison or a rounding there costs tens of nanoseconds instead of decimal.js's microsecond. Each caller
// keeps its Decimal path for whatever does not convert (more than 18 decimals) and for every case it does not
// decide itself, so results are the same.
import type Decimal from "decimal.js";
import { ceilDiv, floorDiv, toScaled } from "@/lib/strategy/exact";

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
