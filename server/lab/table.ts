// The result table, as the CLI prints it (the page shows the same columns).
import { setLabel } from "@/lib/lab/grid";
import type { LabSetResult } from "@/lib/lab/types";

export const LAB_COLUMNS = [
  "parameters",
  "PnL net",
  "max |inv|",
  "above rebal",
  "emergencies",
  "fills",
  "spread capt.",
  "PnL vol",
] as const;

export function tableRows(results: readonly LabSetResult[]): string[][] {
  return results.map((r) => [
    setLabel(r.params),
    r.pnl,
    r.maxAbsInventory,
    `${(r.fractionAboveRebalance * 100).toFixed(2)}%`,
    String(r.emergencyCloses),
    String(r.fills),
    r.spreadCaptured,
    r.pnlVolatility,
  ]);
}

export function formatTable(results: readonly LabSetResult[], units: { base: string; quote: string }): string {
  const header = [...LAB_COLUMNS];
  header[1] += ` (${units.quote})`;
  header[2] += ` (${units.base})`;
  header[6] += ` (${units.quote})`;
  header[7] += ` (${units.quote})`;
  const rows = [header, ...tableRows(results)];
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ");
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}
