"use client";
// One time-series chart: lines from plot numbers, dashed reference lines (thresholds), and a tooltip that
// reads the snapshot's exact figures in the market's units.
import { memo, useMemo } from "react";
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { MarketUnits } from "@/lib/units";
import { fmtTime } from "@/components/format/decimal";
import { C, tooltipLines, type PlotPoint, type Series } from "./chart-series";
import type { Marker } from "./chart-markers";
import { MarkerLayer } from "./marker-layer";

/** Axis labels with just enough decimals to tell ticks apart over the plotted range (a 2000 market that
 *  moves by cents needs two decimals; a PnL of thousands needs none). */
function rangeFormatter(data: PlotPoint[], keys: Array<keyof PlotPoint>): (v: number) => string {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of data)
    for (const k of keys) {
      const v = p[k];
      if (typeof v === "number" && Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  const step = hi > lo ? (hi - lo) / 4 : Math.abs(hi) > 0 ? Math.abs(hi) / 10 : 1;
  const dp = Math.min(6, Math.max(0, Math.ceil(-Math.log10(step))));
  const fmt = new Intl.NumberFormat("en-US", { minimumFractionDigits: dp, maximumFractionDigits: dp });
  return (v) => fmt.format(v);
}

function Legend({ series, unit }: { series: Series[]; unit?: string }) {
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-0.5">
      {series.map((s) => (
        <span key={s.key} className="flex items-center gap-1 text-[10px] text-muted">
          <span className="inline-block h-0.5 w-3 rounded" style={{ background: s.color, opacity: s.dashed ? 0.7 : 1 }} />
          {s.name}
        </span>
      ))}
      {unit ? <span className="text-[10px] text-faint">{unit}</span> : null}
    </div>
  );
}

function ChartTooltip({ active, payload, series, units }: { active?: boolean; payload?: ReadonlyArray<{ payload?: PlotPoint }>; series: Series[]; units: MarketUnits }) {
  const point = payload?.[0]?.payload;
  if (!active || !point) return null;
  return (
    <div data-testid="chart-tooltip" className="rounded border border-edge-strong bg-panel px-2 py-1 text-[11px] shadow-lg">
      <div className="num text-muted">{fmtTime(point.ts, true)}</div>
      {tooltipLines(point.src, series, units).map((l) => (
        <div key={l.name} className="num flex justify-between gap-3">
          <span style={{ color: l.color }}>{l.name}</span>
          <span className="text-gray-100">{l.text}</span>
        </div>
      ))}
    </div>
  );
}

export interface RefLine {
  y: number;
  color: string;
  label?: string;
  above?: boolean;
}

export const TimeChart = memo(function TimeChart({
  title,
  testId,
  data,
  series,
  units,
  unitLabel,
  domain,
  refs = [],
  lastTs,
  maxGapMs,
  yFormat,
  ticks,
  events = [],
  dots = [],
}: {
  title: string;
  testId: string;
  data: PlotPoint[];
  series: Series[];
  units: MarketUnits;
  /** The y axis' unit, shown beside the legend (USD, ETH). */
  unitLabel?: string;
  domain?: [number | string | ((v: number) => number), number | string | ((v: number) => number)];
  refs?: RefLine[];
  ticks?: number[];
  lastTs: number | null;
  maxGapMs: number;
  yFormat?: (v: number) => string;
  /** Vertical lines at the moment of an event (rebalance, emergency, parameter version, risk state). */
  events?: Marker[];
  /** Points at (time, value): fills at their price. */
  dots?: Marker[];
}) {
  const format = useMemo(() => yFormat ?? rangeFormatter(data, series.map((s) => s.key)), [yFormat, data, series]);
  return (
    <div
      data-testid={testId}
      data-points={data.length}
      data-last-ts={lastTs ?? ""}
      data-first-ts={data[0]?.ts ?? ""}
      data-max-gap-ms={maxGapMs}
      data-markers={events.length + dots.length}
      className="flex min-w-0 flex-col rounded border border-edge bg-[#0d1218] px-2 pt-1.5 pb-1"
    >
      <div className="flex items-center justify-between gap-2 px-1">
        <span className="text-[11px] font-semibold text-gray-300">{title}</span>
        <Legend series={series} unit={unitLabel} />
      </div>
      <div className="h-[150px] w-full min-w-0 sm:h-[170px]">
        {data.length ? (
          <ResponsiveContainer width="100%" height="100%" debounce={50}>
            <LineChart data={data} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={C.grid} strokeDasharray="2 4" vertical={false} />
              <XAxis
                dataKey="ts"
                type="number"
                scale="time"
                domain={["dataMin", "dataMax"]}
                tickFormatter={(v: number) => fmtTime(v)}
                stroke={C.axis}
                tick={{ fontSize: 10, fill: C.axis }}
                tickLine={false}
                minTickGap={48}
                axisLine={{ stroke: C.grid }}
              />
              <YAxis
                domain={domain ?? ["auto", "auto"]}
                tickFormatter={format}
                stroke={C.axis}
                tick={{ fontSize: 10, fill: C.axis }}
                tickLine={false}
                axisLine={false}
                width={54}
                ticks={ticks}
                allowDataOverflow={false}
              />
              <Tooltip isAnimationActive={false} content={<ChartTooltip series={series} units={units} />} />
              {refs.map((r) => (
                <ReferenceLine
                  key={`${r.y}-${r.color}`}
                  y={r.y}
                  stroke={r.color}
                  strokeDasharray="4 3"
                  strokeOpacity={0.85}
                  ifOverflow="extendDomain"
                  // recharts' "insideBottom" of a horizontal line sits above it, "insideTop" below it. Left: the right
                  // end is where event markers (now) put their labels.
                  label={r.label ? { value: r.label, position: r.above === false ? "insideTopLeft" : "insideBottomLeft", fill: r.color, fontSize: 9 } : undefined}
                />
              ))}
              {series.map((s) => (
                <Line
                  key={s.key}
                  dataKey={s.key}
                  name={s.name}
                  type={s.step ? "stepAfter" : "linear"}
                  stroke={s.color}
                  strokeWidth={s.width ?? 1.5}
                  strokeDasharray={s.dashed ? "3 3" : undefined}
                  dot={false}
                  activeDot={false}
                  isAnimationActive={false}
                  connectNulls={false}
                />
              ))}
              {events.length || dots.length ? <MarkerLayer events={events} dots={dots} /> : null}
            </LineChart>
          </ResponsiveContainer>
        ) : (
          <div className="flex h-full items-center justify-center text-[11px] text-faint">waiting for ticks…</div>
        )}
      </div>
    </div>
  );
});
