"use client";
// A metric over two swept parameters: one cell per pair of values, coloured from worst (red) to best
// (green), the value written in it. Other swept parameters are fixed at a chosen value (or averaged).
import { useMemo, useState } from "react";
import type { LabRunDTO } from "@/lib/lab/types";
import { METRICS, axesOf, unitOf } from "./lab-data";

const select = "h-7 rounded border border-edge-strong bg-raised px-1.5 text-[12px] text-gray-100";

function colour(t: number): string {
  // t in [0, 1], 1 = best: red → amber → green.
  const hue = Math.round(t * 130);
  return `hsl(${hue} 65% 32%)`;
}

export function LabHeatmap({ run }: { run: LabRunDTO }) {
  const axes = axesOf(run);
  const [x, setX] = useState(axes[1] ?? axes[0] ?? "");
  const [y, setY] = useState(axes[0] ?? "");
  const [metricKey, setMetricKey] = useState<(typeof METRICS)[number]["key"]>("pnl");
  const metric = METRICS.find((m) => m.key === metricKey)!;
  const valuesOf = (name: string) => [...new Set(run.results.map((r) => r.params[name]!))];
  const xs = x ? valuesOf(x) : [];
  const ys = y && y !== x ? valuesOf(y) : [""];
  const cells = useMemo(() => {
    const out = new Map<string, number>();
    for (const xv of xs)
      for (const yv of ys) {
        const hits = run.results.filter((r) => r.params[x] === xv && (ys.length === 1 && yv === "" ? true : r.params[y] === yv));
        if (hits.length) out.set(`${xv}|${yv}`, hits.reduce((a, r) => a + metric.value(r), 0) / hits.length);
      }
    return out;
  }, [run.results, x, y, metric]); // eslint-disable-line react-hooks/exhaustive-deps
  const vals = [...cells.values()];
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  const norm = (v: number) => (hi === lo ? 1 : metric.better === "high" ? (v - lo) / (hi - lo) : (hi - v) / (hi - lo));
  const averaged = axes.filter((a) => a !== x && a !== y);
  const unit = unitOf(metric, run);
  const fmt = (v: number) => (metric.key === "fractionAboveRebalance" ? `${(v * 100).toFixed(2)}` : metric.key === "pnlVolatility" ? v.toFixed(4) : metric.key === "fills" || metric.key === "emergencyCloses" ? String(Math.round(v)) : metric.key === "maxAbsInventory" ? String(+v.toFixed(6)) : v.toFixed(2));

  return (
    <div className="flex flex-col gap-2" data-testid="lab-heatmap" data-cells={cells.size}>
      <div className="flex flex-wrap items-center gap-2 text-[12px] text-muted">
        <label className="flex items-center gap-1">
          metric
          <select className={select} value={metricKey} onChange={(e) => setMetricKey(e.target.value as typeof metricKey)} data-testid="lab-heatmap-metric">
            {METRICS.map((m) => (
              <option key={m.key} value={m.key}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1">
          columns
          <select className={select} value={x} onChange={(e) => setX(e.target.value)}>
            {axes.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1">
          rows
          <select className={select} value={y} onChange={(e) => setY(e.target.value)}>
            {axes.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        {averaged.length ? <span>averaged over {averaged.join(", ")}</span> : null}
      </div>
      <div className="overflow-x-auto">
        <table className="num border-separate border-spacing-[2px] text-[11px]">
          <thead>
            <tr>
              <th className="px-1 text-right text-faint">
                {y !== x ? y : ""} ╲ {x}
              </th>
              {xs.map((xv) => (
                <th key={xv} className="px-1 text-center font-normal text-muted">
                  {xv}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {ys.map((yv) => (
              <tr key={yv}>
                <th className="pr-2 text-right font-normal text-muted">{yv}</th>
                {xs.map((xv) => {
                  const v = cells.get(`${xv}|${yv}`);
                  return (
                    <td
                      key={xv}
                      className="h-8 min-w-14 rounded-sm px-1 text-center text-gray-100"
                      style={{ background: v === undefined ? "transparent" : colour(norm(v)) }}
                      title={v === undefined ? "" : `${metric.label}: ${fmt(v)} ${unit}`}
                      data-testid="lab-heat-cell"
                    >
                      {v === undefined ? "" : fmt(v)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="text-[11px] text-faint">
        {metric.label}
        {unit ? ` (${unit})` : ""}: green is better ({metric.better === "high" ? "higher" : "lower"}).
      </p>
    </div>
  );
}
