"use client";
// One row per parameter set with every figure the lab measured, units in the headers; click a header to
// sort, tick rows to overlay their paths. The best value of each column is marked.
import { useMemo, useState } from "react";
import type { LabRunDTO, LabSetResult } from "@/lib/lab/types";
import { METRICS, SET_COLORS, paramsText, unitOf, type Metric } from "./lab-data";

export function LabTable({
  run,
  picked,
  onToggle,
  onApply,
}: {
  run: LabRunDTO;
  picked: number[];
  onToggle: (index: number) => void;
  /** Set for an operator: each row offers "Apply to strategy". */
  onApply?: (set: LabSetResult) => void;
}) {
  const [sort, setSort] = useState<{ key: Metric["key"] | "index"; desc: boolean }>({ key: "index", desc: false });
  const rows = useMemo(() => {
    const m = METRICS.find((x) => x.key === sort.key);
    const out = [...run.results];
    out.sort((a, b) => {
      const d = m ? m.value(a) - m.value(b) : a.index - b.index;
      return sort.desc ? -d : d;
    });
    return out;
  }, [run.results, sort]);
  const best = useMemo(() => {
    const out: Record<string, number> = {};
    for (const m of METRICS) {
      const vals = run.results.map(m.value);
      // A column where every set scored the same has no best.
      out[m.key] = Math.min(...vals) === Math.max(...vals) ? NaN : m.better === "high" ? Math.max(...vals) : Math.min(...vals);
    }
    return out;
  }, [run.results]);
  const head = (key: Metric["key"] | "index", label: string, unit?: string) => (
    <th className="px-2 py-1 text-right font-semibold whitespace-nowrap">
      <button className="hover:text-gray-100" onClick={() => setSort({ key, desc: sort.key === key ? !sort.desc : key === "pnl" || key === "fills" || key === "spreadCaptured" })}>
        {label}
        {unit ? <span className="text-faint"> ({unit})</span> : null}
        {sort.key === key ? (sort.desc ? " ▾" : " ▴") : ""}
      </button>
    </th>
  );
  return (
    <div className="overflow-x-auto">
      <table className="num w-full text-[12px]" data-testid="lab-table">
        <thead className="text-[11px] text-muted">
          <tr className="border-b border-edge">
            <th className="w-6 px-2 py-1" aria-label="Overlay" />
            <th className="px-2 py-1 text-left font-semibold">
              <button className="hover:text-gray-100" onClick={() => setSort({ key: "index", desc: false })}>
                Parameters
              </button>
            </th>
            {METRICS.map((m) => head(m.key, m.label, unitOf(m, run)))}
            {onApply ? <th className="px-2 py-1" aria-label="Apply" /> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((r: LabSetResult) => {
            const slot = picked.indexOf(r.index);
            return (
              <tr key={r.index} className="border-b border-edge/60 hover:bg-raised/40" data-testid="lab-row">
                <td className="px-2 py-1">
                  <input
                    type="checkbox"
                    checked={slot >= 0}
                    onChange={() => onToggle(r.index)}
                    aria-label={`Overlay ${paramsText(r.params)}`}
                    style={slot >= 0 ? { accentColor: SET_COLORS[slot % SET_COLORS.length] } : undefined}
                  />
                </td>
                <td className="px-2 py-1 text-left whitespace-nowrap text-gray-100">{paramsText(r.params)}</td>
                {METRICS.map((m) => (
                  <td key={m.key} className={`px-2 py-1 text-right ${m.value(r) === best[m.key] && run.results.length > 1 ? "font-semibold text-emerald-300" : ""}`}>
                    {m.text(r)}
                  </td>
                ))}
                {onApply ? (
                  <td className="px-2 py-1 text-right">
                    <button className="whitespace-nowrap text-sky-300 hover:text-sky-100" onClick={() => onApply(r)} data-testid="lab-apply-open">
                      Apply to strategy…
                    </button>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="mt-1 text-[11px] text-faint">
        PnL, spread captured and PnL volatility are means over the {run.results[0]?.runs ?? 0} runs of a set; max |inventory| is the worst run; time above rebalance is the share of ticks at
        or past the rebalance threshold; fills and emergency closes are totals. Best value per column in green.
      </p>
    </div>
  );
}
