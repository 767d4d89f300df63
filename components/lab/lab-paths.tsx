"use client";
// Inventory and PnL over the run for the sets ticked in the table, overlaid (the first seed's run of each).
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { LabRunDTO } from "@/lib/lab/types";
import { SET_COLORS, paramsText } from "./lab-data";

const AXIS = "#5c6978";

function fmtT(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function Chart({ run, picked, field, title, unit }: { run: LabRunDTO; picked: number[]; field: "inventory" | "pnl"; title: string; unit: string }) {
  const sets = picked.map((i) => run.results.find((r) => r.index === i)).filter((r) => r !== undefined);
  // One row per sample time; a column per set (the same times for every set of a simulated run).
  const byT = new Map<number, Record<string, number>>();
  for (const s of sets) for (const p of s.path) byT.set(p.t, { ...(byT.get(p.t) ?? { t: p.t }), [`s${s.index}`]: Number(p[field]) });
  const data = [...byT.values()].sort((a, b) => a.t! - b.t!);
  return (
    <div className="flex min-w-0 flex-col rounded border border-edge bg-[#0d1218] px-2 pt-1.5 pb-1" data-testid={`lab-path-${field}`} data-lines={sets.length}>
      <span className="px-1 text-[11px] font-semibold text-gray-300">
        {title} <span className="text-faint">({unit})</span>
      </span>
      <div className="h-[190px] w-full min-w-0">
        <ResponsiveContainer width="100%" height="100%" debounce={50}>
          <LineChart data={data} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#1f2935" strokeDasharray="2 4" vertical={false} />
            <XAxis dataKey="t" type="number" domain={["dataMin", "dataMax"]} tickFormatter={fmtT} stroke={AXIS} tick={{ fontSize: 10, fill: AXIS }} tickLine={false} minTickGap={40} />
            <YAxis stroke={AXIS} tick={{ fontSize: 10, fill: AXIS }} tickLine={false} axisLine={false} width={52} domain={["auto", "auto"]} />
            <Tooltip
              isAnimationActive={false}
              contentStyle={{ background: "#10151c", border: "1px solid #2c3846", fontSize: 11 }}
              labelFormatter={(v) => `t = ${fmtT(Number(v))}`}
              formatter={(v, name) => [`${v} ${unit}`, name]}
            />
            <Legend wrapperStyle={{ fontSize: 10 }} />
            {sets.map((s, k) => (
              <Line key={s.index} dataKey={`s${s.index}`} name={paramsText(s.params)} stroke={SET_COLORS[k % SET_COLORS.length]} dot={false} strokeWidth={1.5} isAnimationActive={false} type="stepAfter" connectNulls />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}

export function LabPaths({ run, picked }: { run: LabRunDTO; picked: number[] }) {
  if (!picked.length) return <p className="text-[12px] text-muted">Tick sets in the table to overlay their inventory and PnL.</p>;
  const first = run.results[0]?.perRun[0]?.seed;
  return (
    <div className="flex flex-col gap-2">
      <p className="text-[11px] text-faint">{first === null || first === undefined ? "Over the recorded file." : `Seed ${first}'s market, the same for every set.`}</p>
      <div className="grid gap-2 lg:grid-cols-2">
        <Chart run={run} picked={picked} field="inventory" title="Inventory" unit={run.baseCurrency} />
        <Chart run={run} picked={picked} field="pnl" title="PnL net of fees" unit={run.quoteCurrency} />
      </div>
    </div>
  );
}
