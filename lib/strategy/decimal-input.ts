// zod building blocks for decimal inputs. Browser-safe: no Node APIs, so the dashboard form and the server
// validate with the very same schemas.
import Decimal from "decimal.js";
import { z } from "zod";
import { SCALE } from "./exact";

const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Integer digits the database's numeric(38,18) columns hold. Every decimal from outside is held to this (and to
 * SCALE decimal places) BEFORE anything formats or computes with it: decimal.js parses "1e1000000000" in
 * nanoseconds, but toFixed() of it builds a billion-digit string and a multiplication allocates as much, which
 * took a runner thread to "heap out of memory" on a single preview request.
 */
export const MAX_INTEGER_DIGITS = 20;
/** No decimal a person types is longer; a longer text is refused before it is parsed at all. */
export const MAX_DECIMAL_TEXT = 64;

/** Why `v` is not a decimal the desk can store, in the operator's words, or null when it is one. */
function decimalProblem(v: string | number, d: Decimal | null): string | null {
  if (!d) return `must be a decimal number, got ${JSON.stringify(typeof v === "string" ? clip(v) : v)}`;
  // d.e is the exponent of the leading digit: 19 is the largest that still fits 20 integer digits.
  if (d.e >= MAX_INTEGER_DIGITS) return `is too large: at most ${MAX_INTEGER_DIGITS} digits before the decimal point`;
  if (d.decimalPlaces() > SCALE) return `must have at most ${SCALE} decimal places`;
  return null;
}

const clip = (s: string) => (s.length > 24 ? `${s.slice(0, 24)}…` : s);

/**
 * A finite Decimal from a string or number, or null when the input is not a decimal number. Cheap for any
 * input: the text is length-checked first and decimal.js parsing keeps a huge exponent as a number.
 * Callers that go on to format or compute must also check the range (checkedDecimal does both).
 */
export function parseDecimalInput(v: string | number): Decimal | null {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return null;
  } else {
    v = v.trim();
    if (v.length > MAX_DECIMAL_TEXT || !DECIMAL_TEXT.test(v)) return null;
  }
  const d = new Decimal(v);
  return d.isFinite() ? d : null;
}

/** The Decimal when `v` is a decimal within numeric(38,18), else the reason it is not (never throws). */
export function checkedDecimal(v: string | number): { ok: true; value: Decimal } | { ok: false; message: string } {
  if (typeof v === "string" && v.trim().length > MAX_DECIMAL_TEXT) {
    return { ok: false, message: `is too long: at most ${MAX_DECIMAL_TEXT} characters` };
  }
  const d = parseDecimalInput(v);
  const message = decimalProblem(v, d);
  return message === null ? { ok: true, value: d! } : { ok: false, message };
}

function checkDecimal(v: string | number, ctx: z.RefinementCtx): Decimal | typeof z.NEVER {
  const r = checkedDecimal(v);
  if (!r.ok) {
    ctx.addIssue({ code: "custom", message: r.message });
    return z.NEVER;
  }
  return r.value;
}

/** String or number in, normalised plain decimal string out ("1.50" → "1.5", 1e-3 → "0.001"). */
const NOT_DECIMAL = { error: "must be a decimal number" };

export const decimalString = z.union([z.string(), z.number()], NOT_DECIMAL).transform((v, ctx) => {
  const d = checkDecimal(v, ctx);
  return d === z.NEVER ? z.NEVER : (d as Decimal).toFixed();
});

/** Decimal instance, string or number in, Decimal out. */
export const decimalValue = z
  .union([z.instanceof(Decimal), z.string(), z.number()], NOT_DECIMAL)
  // A Decimal instance is checked by value: its toFixed() would be the unbounded step.
  .transform((v, ctx) => (v instanceof Decimal ? checkDecimalInstance(v, ctx) : (checkDecimal(v, ctx) as Decimal)));

function checkDecimalInstance(v: Decimal, ctx: z.RefinementCtx): Decimal {
  const message = decimalProblem(v.toString().slice(0, 32), v.isFinite() ? v : null);
  if (message) ctx.addIssue({ code: "custom", message });
  return v;
}

export interface Bounds {
  readonly gt?: string;
  readonly gte?: string;
  readonly lt?: string;
  readonly lte?: string;
}

/** The first bound `d` violates, as a message, or null. */
export function boundsMessage(d: Decimal, b: Bounds): string | null {
  if (b.gt !== undefined && !d.gt(b.gt)) return `must be greater than ${b.gt}`;
  if (b.gte !== undefined && !d.gte(b.gte)) return `must be at least ${b.gte}`;
  if (b.lt !== undefined && !d.lt(b.lt)) return `must be less than ${b.lt}`;
  if (b.lte !== undefined && !d.lte(b.lte)) return `must be at most ${b.lte}`;
  return null;
}

/** A bounded decimal field: string or number in, normalised string out, with a per-field message. */
export function boundedDecimalString(b: Bounds) {
  return decimalString.superRefine((s, ctx) => {
    const msg = boundsMessage(new Decimal(s), b);
    if (msg) ctx.addIssue({ code: "custom", message: msg });
  });
}

/** One line per issue, "path: message", for error messages a person reads. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`).join("; ");
}
