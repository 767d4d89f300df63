// zod building blocks for decimal inputs. Browser-safe: no Node APIs, so the dashboard form and the server
// validate with the very same schemas.
import Decimal from "decimal.js";
import { z } from "zod";
import { SCALE } from "./exact";

const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A finite Decimal from a string or number, or null when the input is not a decimal number. */
export function parseDecimalInput(v: string | number): Decimal | null {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return null;
  } else if (!DECIMAL_TEXT.test(v.trim())) return null;
  const d = new Decimal(typeof v === "string" ? v.trim() : v);
  return d.isFinite() ? d : null;
}

function checkDecimal(v: string | number, ctx: z.RefinementCtx): Decimal | typeof z.NEVER {
  const d = parseDecimalInput(v);
  if (!d) {
    ctx.addIssue({ code: "custom", message: `must be a decimal number, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  if (d.decimalPlaces() > SCALE) {
    ctx.addIssue({ code: "custom", message: `must have at most ${SCALE} decimal places` });
    return z.NEVER;
  }
  return d;
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
  .transform((v, ctx) => (v instanceof Decimal ? (checkDecimal(v.toFixed(), ctx) as Decimal) : (checkDecimal(v, ctx) as Decimal)));

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
