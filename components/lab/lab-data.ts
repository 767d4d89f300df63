"use client";
// The lab page's data: runs, one run's results, recorded files and the live progress, through react-query
// (the socket pushes progress into the same cache, live-provider.tsx). And the metrics as the page shows them.
import { useQuery } from "@tanstack/react-query";
import type { LabFileDTO, LabProgressDTO, LabRunDTO, LabRunSummaryDTO, LabSetResult } from "@/lib/lab/types";
import { api } from "@/components/api/client";
import { queryKeys } from "@/components/live/query-keys";

export function useLabRuns() {
  return useQuery({ queryKey: queryKeys.labRuns, queryFn: () => api.get<LabRunSummaryDTO[]>("/api/lab/runs?limit=50"), refetchInterval: 10_000 });
}

export function useLabRun(id: string | null) {
  return useQuery({
    queryKey: queryKeys.labRun(id ?? ""),
    queryFn: () => api.get<LabRunDTO>(`/api/lab/run?id=${encodeURIComponent(id!)}`),
    enabled: id !== null,
  });
}

export function useLabFiles() {
  return useQuery({ queryKey: queryKeys.labFiles, queryFn: () => api.get<LabFileDTO[]>("/api/lab/files") });
}

export function useLabProgress() {
  return useQuery<LabProgressDTO | null>({ queryKey: queryKeys.labProgress, queryFn: () => null, staleTime: Infinity, enabled: false, initialData: null });
}

export interface Metric {
  key: "pnl" | "maxAbsInventory" | "fractionAboveRebalance" | "emergencyCloses" | "fills" | "spreadCaptured" | "pnlVolatility";
  label: string;
  /** Unit shown in headers: "quote", "base", "%" or none. */
  unit: "quote" | "base" | "%" | "";
  /** Higher is better (for the heatmap's colours). */
  better: "high" | "low";
  value(r: LabSetResult): number;
  text(r: LabSetResult): string;
}

export const METRICS: readonly Metric[] = [
  { key: "pnl", label: "PnL net of fees", unit: "quote", better: "high", value: (r) => Number(r.pnl), text: (r) => r.pnl },
  { key: "maxAbsInventory", label: "Max |inventory|", unit: "base", better: "low", value: (r) => Number(r.maxAbsInventory), text: (r) => r.maxAbsInventory },
  { key: "fractionAboveRebalance", label: "Time above rebalance", unit: "%", better: "low", value: (r) => r.fractionAboveRebalance, text: (r) => `${(r.fractionAboveRebalance * 100).toFixed(2)}` },
  { key: "emergencyCloses", label: "Emergency closes", unit: "", better: "low", value: (r) => r.emergencyCloses, text: (r) => String(r.emergencyCloses) },
  { key: "fills", label: "Fills", unit: "", better: "high", value: (r) => r.fills, text: (r) => String(r.fills) },
  { key: "spreadCaptured", label: "Spread captured", unit: "quote", better: "high", value: (r) => Number(r.spreadCaptured), text: (r) => r.spreadCaptured },
  { key: "pnlVolatility", label: "PnL volatility", unit: "quote", better: "low", value: (r) => Number(r.pnlVolatility), text: (r) => r.pnlVolatility },
];

export function unitOf(m: Metric, run: { baseCurrency: string; quoteCurrency: string }): string {
  return m.unit === "quote" ? run.quoteCurrency : m.unit === "base" ? run.baseCurrency : m.unit;
}

/** The swept parameters of a run, in grid order. */
export function axesOf(run: LabRunDTO): string[] {
  return run.grid.map((g) => g.slice(0, g.indexOf("=")).trim());
}

export function paramsText(params: Record<string, string>): string {
  const keys = Object.keys(params);
  return keys.length ? keys.map((k) => `${k} ${params[k]}`).join(" · ") : "preset";
}

export const SET_COLORS = ["#38bdf8", "#f59e0b", "#a78bfa", "#22c55e", "#f472b6", "#f87171", "#2dd4bf", "#eab308"];

export function describeMarket(run: LabRunSummaryDTO): string {
  const m = run.market;
  if (m.kind === "simulated") {
    const mins = m.durationMs / 60_000;
    const dur = mins >= 60 ? `${+(mins / 60).toFixed(2)} h` : mins >= 1 ? `${+mins.toFixed(2)} min` : `${m.durationMs / 1000} s`;
    return `${m.market} · ${m.regime} · seeds ${m.firstSeed}–${m.firstSeed + m.seeds - 1} · ${dur}`;
  }
  return `${m.market} · replay ${m.source === "sample" ? "sample.jsonl" : `${m.source}/${m.file}`}`;
}
