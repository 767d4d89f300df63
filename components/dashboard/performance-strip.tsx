"use client";
// How the desk is doing over the range the charts show: fill rate, spread captured per fill, PnL and its
// rate per hour, fees, inventory half-life. Computed by the server from the recorded fills and snapshots.
import { useQuery } from "@tanstack/react-query";
import type { PerformanceFigures } from "@/lib/performance";
import { api } from "@/components/api/client";
import { useUnits } from "@/components/live/hooks";
import { fmtDateTime, fmtDecimal } from "@/components/format/decimal";
import { rangeBounds, useRange, type ChartRange } from "./range";

/** A live window's figures move with it: read again this often. */
const REFRESH_MS = 10_000;

function rangeText(r: ChartRange): string {
  if (r.kind === "custom") return `${fmtDateTime(r.from)} – ${fmtDateTime(r.to)}`;
  return r.label === "all" ? "since the start" : `last ${r.label}`;
}

function halfLife(s: number | null): string {
  if (s === null) return "—";
  if (s < 120) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 7_200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3_600).toFixed(1)} h`;
}

export function PerformanceStrip() {
  const [range] = useRange();
  const u = useUnits();
  const key = range.kind === "custom" ? ["performance", range.from, range.to] : ["performance", range.ms];
  const q = useQuery({
    queryKey: key,
    queryFn: () => {
      const b = rangeBounds(range, Date.now());
      return api.get<PerformanceFigures>(`/api/performance?${new URLSearchParams({ from: String(b.from), to: String(b.to) })}`);
    },
    refetchInterval: range.kind === "window" ? REFRESH_MS : false,
  });
  const p = q.data;
  const item = (label: string, value: string, testId: string, title?: string) => (
    <div className="flex min-w-0 items-baseline gap-1.5" title={title}>
      <span className="text-[10px] font-semibold tracking-[0.1em] whitespace-nowrap text-faint uppercase">{label}</span>
      <span data-testid={testId} className="num text-[13px] font-semibold whitespace-nowrap text-gray-100">
        {value}
      </span>
    </div>
  );
  return (
    <section data-testid="performance" className="mt-3 rounded-md border border-edge bg-panel px-3 py-2">
      <div className="mb-1 flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-[11px] font-semibold tracking-[0.12em] text-muted uppercase">Performance</h2>
        <span data-testid="performance-range" className="num text-[11px] text-faint">
          {rangeText(range)} · pick the range on the charts
        </span>
      </div>
      {q.error ? <p className="text-[12px] text-red-400">Figures unavailable: {q.error.message}</p> : null}
      {p ? (
        <div className="flex flex-wrap gap-x-5 gap-y-1">
          {item("Fills", `${p.fills} · ${p.fillsPerHour.toFixed(p.fillsPerHour < 10 ? 1 : 0)}/h`, "perf-fills", `${p.buys} buys, ${p.sells} sells, ${p.volume} ${u.base} traded`)}
          {item(
            "Spread captured",
            p.spreadCapturedPerFill === null ? "—" : `${fmtDecimal(p.spreadCapturedPerFill, 4, { sign: true })} ${u.quote}/fill · ${p.spreadCapturedBps!.toFixed(1)} bps`,
            "perf-spread",
            "How far inside mid the fills traded, on average (a buy below mid, a sell above it)",
          )}
          {item("PnL", p.pnlChange === null ? "—" : `${fmtDecimal(p.pnlChange, 2, { sign: true })} ${u.quote} · ${fmtDecimal(p.pnlPerHour, 2, { sign: true })}/h`, "perf-pnl", "Total PnL net of fees, change over the range")}
          {item("Fees", `${fmtDecimal(p.feesPaid, 2)} ${u.quote}`, "perf-fees")}
          {item("Inventory half-life", halfLife(p.inventoryHalfLifeSec), "perf-halflife", "How long a deviation from target takes to halve (— when it did not revert)")}
        </div>
      ) : (
        <p className="text-[12px] text-faint">{q.isPending ? "…" : ""}</p>
      )}
    </section>
  );
}
