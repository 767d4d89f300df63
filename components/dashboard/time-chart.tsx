"use client";
// One time-series chart: lines from plot numbers, dashed reference lines (thresholds), and a tooltip that
// reads the snapshot's exact figures in the market's units.
import { memo, useDeferredValue, useMemo } from "react";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { MarketUnits } from "@/lib/units";
import { fmtTime } from "@/components/format/decimal";
import { C, niceDomain, tooltipLines, type PlotPoint, type Series } from "./chart-series";
import type { Marker } from "./chart-markers";
import { MarkerLayer, RefLayer, type RefLine } from "./marker-layer";

// Props recharts 3 reports to its store: a new object on every render is a store update and another
// render of the whole chart, so everything that does not change lives here, once.
const MARGIN = { top: 6, right: 8, bottom: 0, left: 0 };
const TICK = { fontSize: 10, fill: C.axis };
const AXIS_LINE = { stroke: C.grid };
const X_DOMAIN = ["dataMin", "dataMax"];
const AUTO_DOMAIN = ["auto", "auto"];
const fmtTick = (v: number) => fmtTime(v);
const NO_REFS: RefLine[] = [];
const NO_MARKERS: Marker[] = [];


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

export type { RefLine };
export const TimeChart = memo(function TimeChart({
  title,
  testId,
  data,
  series,
  units,
  unitLabel,
  domain,
  refs = NO_REFS,
  lastTs,
  maxGapMs,
  yFormat,
  ticks,
  events = NO_MARKERS,
  dots = NO_MARKERS,
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
  // The chart renders at the pace it can: a newer set of points interrupts the render of an older one, and
  // the operator's clicks and keys go first (a deferred value renders in a lane React may yield from).
  const points = useDeferredValue(data);
  const format = useMemo(() => yFormat ?? rangeFormatter(points, series.map((s) => s.key)), [yFormat, points, series]);
  const nice = useMemo(() => (domain || !refs.length ? null : niceDomain(points, series.map((s) => s.key), refs)), [domain, refs, points, series]);
  const [niceLo, niceHi] = nice ?? [NaN, NaN];
  // A new array only when the bounds move: recharts takes every new domain as a new axis.
  const yDomain = useMemo(() => domain ?? (Number.isNaN(niceLo) ? AUTO_DOMAIN : [niceLo, niceHi]), [domain, niceLo, niceHi]);
  const tooltip = useMemo(() => <ChartTooltip series={series} units={units} />, [series, units]);
  return (
    <div
      data-testid={testId}
      data-points={points.length}
      data-last-ts={lastTs ?? ""}
      data-first-ts={points[0]?.ts ?? ""}
      data-max-gap-ms={maxGapMs}
      data-markers={events.length + dots.length}
      className="flex min-w-0 flex-col rounded border border-edge bg-[#0d1218] px-2 pt-1.5 pb-1"
    >
      <div className="flex items-center justify-between gap-2 px-1">
        <span className="text-[11px] font-semibold text-gray-300">{title}</span>
        <Legend series={series} unit={unitLabel} />
      </div>
      <div className="h-[150px] w-full min-w-0 sm:h-[170px]">
        {points.length ? (
          <ResponsiveContainer width="100%" height="100%" debounce={50}>
            <LineChart data={points} margin={MARGIN}>
              <CartesianGrid stroke={C.grid} strokeDasharray="2 4" vertical={false} />
              <XAxis
                dataKey="ts"
                type="number"
                scale="time"
                domain={X_DOMAIN}
                tickFormatter={fmtTick}
                stroke={C.axis}
                tick={TICK}
                tickLine={false}
                minTickGap={48}
                axisLine={AXIS_LINE}
              />
              <YAxis
                domain={yDomain}
                tickFormatter={format}
                stroke={C.axis}
                tick={TICK}
                tickLine={false}
                axisLine={false}
                width={54}
                ticks={ticks}
                allowDataOverflow={false}
              />
              <Tooltip isAnimationActive={false} content={tooltip} />
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
              {refs.length ? <RefLayer refs={refs} /> : null}
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
