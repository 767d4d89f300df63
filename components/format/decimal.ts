// Display formatting for decimal strings. Money is never turned into a float here: decimal.js rounds and
// compares exactly, and the thousands grouping is done on the string.
import Decimal from "decimal.js";

function parse(s: string | null | undefined): Decimal | null {
  if (s === null || s === undefined || s === "") return null;
  try {
    const d = new Decimal(s);
    return d.isFinite() ? d : null;
  } catch {
    return null;
  }
}

function group(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** "1234.5" → "1,234.50" with `dp` decimals (half-up on the exact value); "—" when missing. */
export function fmtDecimal(s: string | null | undefined, dp = 2, opts: { sign?: boolean } = {}): string {
  const d = parse(s);
  if (!d) return "—";
  const fixed = d.toFixed(dp, Decimal.ROUND_HALF_UP);
  const neg = fixed.startsWith("-");
  const body = neg ? fixed.slice(1) : fixed;
  const [i, f] = body.split(".");
  const out = group(i ?? "0") + (f !== undefined ? `.${f}` : "");
  const isZero = new Decimal(fixed).isZero();
  if (neg && !isZero) return `−${out}`;
  if (opts.sign && !isZero) return `+${out}`;
  return out;
}

const PLAIN_DECIMAL = /^[-+]?\d+(\.\d+)?$/;

/** Keeps the precision the server sent ("0.460" stays "0.460": prices sit on a tick grid), adding only
 *  grouping and a true minus sign. */
export function fmtExact(s: string | null | undefined): string {
  if (s === null || s === undefined) return "—";
  const str = PLAIN_DECIMAL.test(s) ? s.replace(/^\+/, "") : parse(s)?.toFixed();
  if (str === undefined) return "—";
  const neg = str.startsWith("-");
  const [i, f] = (neg ? str.slice(1) : str).split(".");
  const out = group(i ?? "0") + (f !== undefined ? `.${f}` : "");
  return neg && /[1-9]/.test(str) ? `−${out}` : out;
}

/** Sign of the value as shown with `dp` decimals (a PnL of −0.0004 shown as 0.00 is not red). */
export function signOf(s: string | null | undefined, dp?: number): -1 | 0 | 1 {
  const raw = parse(s);
  const d = raw && dp !== undefined ? raw.toDecimalPlaces(dp, Decimal.ROUND_HALF_UP) : raw;
  if (!d || d.isZero()) return 0;
  return d.isNegative() ? -1 : 1;
}

/** Plotting only: charts need numbers. Never feed the result back into money arithmetic. */
export function toPlot(s: string | null | undefined): number | null {
  if (s === null || s === undefined || s === "") return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

export function fmtRatio(x: number, dp = 3): string {
  if (!Number.isFinite(x)) return "—";
  const s = x.toFixed(dp);
  return x > 0 ? `+${s}` : s.replace("-", "−");
}

export function fmtPct(x: number, dp = 1): string {
  if (!Number.isFinite(x)) return "—";
  return `${(x * 100).toFixed(dp)}%`;
}

export function fmtTime(ts: number | null | undefined, withMs = false): string {
  if (!ts) return "—";
  const d = new Date(ts);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const base = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return withMs ? `${base}.${p(d.getMilliseconds(), 3)}` : base;
}

export function fmtDateTime(ts: number | null | undefined): string {
  if (!ts) return "—";
  const d = new Date(ts);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${fmtTime(ts)}`;
}

export function fmtAge(ms: number): string {
  if (ms < 0) ms = 0;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 120_000) return `${Math.floor(ms / 1000)}s`;
  if (ms < 7_200_000) return `${Math.floor(ms / 60_000)}m ${Math.floor((ms % 60_000) / 1000)}s`;
  return `${Math.floor(ms / 3_600_000)}h ${Math.floor((ms % 3_600_000) / 60_000)}m`;
}
