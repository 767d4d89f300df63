// CSV for the exports: RFC 4180 quoting, and a leading quote on cells a spreadsheet would run as a formula
// (a trade id or reason starting with "=" must stay text when the operator opens the file).
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?$/;

export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "";
  let s = String(v);
  if (FORMULA_START.test(s) && !NUMBER.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLines(header: readonly string[], rows: Iterable<ReadonlyArray<string | number | null | undefined>>): string {
  const out = [header.map(csvCell).join(",")];
  for (const r of rows) out.push(r.map(csvCell).join(","));
  return `${out.join("\r\n")}\r\n`;
}

export const isoTime = (ms: number): string => new Date(ms).toISOString();
