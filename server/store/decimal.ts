// Decimal conversion at the database boundary. Columns are numeric(38,18): up to 20 integer digits and
// 18 decimals. Facts (order prices and sizes, fill prices, sizes and fees, inventory) must fit exactly or
// the write fails loudly: silently rounding them would make a restart rebuild different books than the
// runner kept. Derived series (snapshot analytics, realized PnL after a fill) are rounded half-even.
import Decimal from "decimal.js";
import { DecimalRangeError } from "./errors";

export const DB_SCALE = 18;

/** Prisma hands out its own Decimal class; anything with toFixed() converts. */
export interface DecimalLike {
  toFixed(): string;
}

function checkRange(d: Decimal, field: string): void {
  if (!d.isFinite()) throw new DecimalRangeError(`${field}: ${d.toString()} is not a finite number`);
  // d.e is the decimal exponent of the leading digit: |d| >= 10^20 exactly when e >= 20 (zero has e = 0).
  // Every stored value passes here; comparing the exponent spares an absolute value and a comparison.
  if (d.e >= 38 - DB_SCALE) throw new DecimalRangeError(`${field}: ${d.toString()} has more than ${38 - DB_SCALE} integer digits`);
}

/** An exact decimal string for the database, or DecimalRangeError. */
export function exactToDb(d: Decimal, field: string): string {
  checkRange(d, field);
  if (d.decimalPlaces() > DB_SCALE) {
    throw new DecimalRangeError(`${field}: ${d.toString()} has more than ${DB_SCALE} decimals and cannot be stored exactly`);
  }
  return d.toFixed();
}

/** Rounded half-even to the column's 18 decimals. */
export function roundedToDb(d: Decimal, field: string): string {
  // Most derived values already fit the column: rounding them would only copy them.
  const r = d.isFinite() && d.decimalPlaces() <= DB_SCALE ? d : d.toDecimalPlaces(DB_SCALE, Decimal.ROUND_HALF_EVEN);
  checkRange(r, field);
  return r.toFixed();
}

export function fromDb(v: DecimalLike): Decimal {
  return new Decimal(v.toFixed());
}

export function fromDbNullable(v: DecimalLike | null): Decimal | null {
  return v === null ? null : fromDb(v);
}
