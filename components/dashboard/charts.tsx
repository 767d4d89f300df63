"use client";
// The four live charts. Points come from useLiveSnapshots (history + live), are windowed and thinned to a
// few hundred, and only then converted to numbers for plotting.
import { memo, useMemo, useState } from "react";
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { SnapshotDTO } from "@/lib/events";
import { Panel } from "@/components/ui/panel";
import { fmtTime, toPlot } from "@/components/format/decimal";
import { useLiveSnapshots, useStatus } from "@/components/live/hooks";
import { downsample } from "@/components/live/snapshot-store";

export const WINDOWS = [
  { label: "1m", ms: 60_000 },
  { label: "5m", ms: 300_000 },
  { label: "15m", ms: 900_000 },
  { label: "1h", ms: 3_600_000 },
  { label: "all", ms: Number.POSITIVE_INFINITY },
] as const;

const MAX_PLOT_POINTS = 400;

interface PlotPoint {
  ts: number;
  ratio: number;
  skew: number;
  mid: number | null;
  bestBid: number | null;
  bestAsk: number | null;
  ourBid: number | null;
  ourAsk: number | null;
  realized: number | null;
  unrealized: number | null;
  total: number | null;
}

function toPlotPoint(s: SnapshotDTO): PlotPoint {
  return {
    ts: s.ts,
    ratio: s.ratio,
    skew: s.skew,
    mid: toPlot(s.mid),
    bestBid: toPlot(s.bestBid),
    bestAsk: toPlot(s.bestAsk),
    ourBid: toPlot(s.ourBid),
    ourAsk: toPlot(s.ourAsk),
    realized: toPlot(s.realizedPnl),
    unrealized: toPlot(s.unrealizedPnl),
    total: toPlot(s.totalPnl),
  };
}

interface Series {
  key: keyof PlotPoint;
  name: string;
  color: string;
  step?: boolean;
  dashed?: boolean;
  width?: number;
}

const C = {
  grid: "#1a232e",
  axis: "#5c6978",
  ratio: "#60a5fa",
  skew: "#a78bfa",
  mid: "#e5e7eb",
  bestBid: "#22c55e",
  bestAsk: "#f05252",
  ourBid: "#38bdf8",
  ourAsk: "#e879f9",
  realized: "#22c55e",
  unrealized: "#f59e0b",
  total: "#e5e7eb",
  rebalance: "#f59e0b",
  emergency: "#ef4444",
};

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

function Legend({ series }: { series: Series[] }) {
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-0.5">
      {series.map((s) => (
        <span key={s.key} className="flex items-center gap-1 text-[10px] text-muted">
          <span className="inline-block h-0.5 w-3 rounded" style={{ background: s.color, opacity: s.dashed ? 0.7 : 1 }} />
          {s.name}
        </span>
      ))}
    </div>
  );
}

const TimeChart = memo(function TimeChart({
  title,
  testId,
  data,
  series,
  domain,
  refs = [],
  lastTs,
  maxGapMs,
  yFormat,
  ticks,
}: {
  title: string;
  testId: string;
  data: PlotPoint[];
  series: Series[];
  domain?: [number | string | ((v: number) => number), number | string | ((v: number) => number)];
  refs?: Array<{ y: number; color: string; label?: string; above?: boolean }>;
  ticks?: number[];
  lastTs: number | null;
  maxGapMs: number;
  yFormat?: (v: number) => string;
}) {
  const format = useMemo(() => yFormat ?? rangeFormatter(data, series.map((s) => s.key)), [yFormat, data, series]);
  return (
    <div
      data-testid={testId}
      data-points={data.length}
      data-last-ts={lastTs ?? ""}
      data-max-gap-ms={maxGapMs}
      className="flex min-w-0 flex-col rounded border border-edge bg-[#0d1218] px-2 pt-1.5 pb-1"
    >
      <div className="flex items-center justify-between gap-2 px-1">
        <span className="text-[11px] font-semibold text-gray-300">{title}</span>
        <Legend series={series} />
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
              <Tooltip
                isAnimationActive={false}
                labelFormatter={(v) => fmtTime(Number(v), true)}
                formatter={(v) => (typeof v === "number" ? v.toPrecision(6) : String(v ?? "—"))}
                contentStyle={{ background: "#10151c", border: "1px solid #2c3846", borderRadius: 4, fontSize: 11, padding: "4px 8px" }}
                labelStyle={{ color: "#8593a3" }}
                itemStyle={{ padding: 0 }}
              />
              {refs.map((r) => (
                <ReferenceLine
                  key={`${r.y}-${r.color}`}
                  y={r.y}
                  stroke={r.color}
                  strokeDasharray="4 3"
                  strokeOpacity={0.85}
                  ifOverflow="extendDomain"
                  // recharts' "insideBottom" of a horizontal line sits above it, "insideTop" below it.
                  label={r.label ? { value: r.label, position: r.above === false ? "insideTopRight" : "insideBottomRight", fill: r.color, fontSize: 9 } : undefined}
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
            </LineChart>
          </ResponsiveContainer>
        ) : (
          <div className="flex h-full items-center justify-center text-[11px] text-faint">waiting for ticks…</div>
        )}
      </div>
    </div>
  );
});

const RATIO_SERIES: Series[] = [{ key: "ratio", name: "ratio", color: C.ratio }];
const SKEW_SERIES: Series[] = [{ key: "skew", name: "skew", color: C.skew }];
const PRICE_SERIES: Series[] = [
  { key: "bestAsk", name: "best ask", color: C.bestAsk, width: 1 },
  { key: "ourAsk", name: "our ask", color: C.ourAsk, step: true },
  { key: "mid", name: "mid", color: C.mid, dashed: true, width: 1 },
  { key: "ourBid", name: "our bid", color: C.ourBid, step: true },
  { key: "bestBid", name: "best bid", color: C.bestBid, width: 1 },
];
const PNL_SERIES: Series[] = [
  { key: "realized", name: "realized", color: C.realized },
  { key: "unrealized", name: "unrealized", color: C.unrealized },
  { key: "total", name: "total", color: C.total, width: 2 },
];
const ZERO_REF = [{ y: 0, color: "#3a4656" }];
// A little room past ±1 so the emergency labels fit above / below their lines.
const RATIO_DOMAIN: [(v: number) => number, (v: number) => number] = [(v) => Math.min(-1.12, v), (v) => Math.max(1.12, v)];
const RATIO_TICKS = [-1, -0.5, 0, 0.5, 1];
const fixed2 = (v: number) => v.toFixed(2);
const fixed3 = (v: number) => v.toFixed(3);

export function ChartsPanel() {
  const thresholds = useStatus((s) => ({ rebalance: s.rebalanceThreshold, emergency: s.emergencyThreshold })).data;
  const [windowIdx, setWindowIdx] = useState(1);
  const windowMs = WINDOWS[windowIdx]!.ms;
  const { points, loading, error } = useLiveSnapshots(windowMs);

  const data = useMemo(() => downsample(points, MAX_PLOT_POINTS).map(toPlotPoint), [points]);
  const lastTs = points[points.length - 1]?.ts ?? null;
  // The widest hole in the window: after a reconnect the backfill must keep it near one tick.
  const maxGapMs = useMemo(() => {
    let gap = 0;
    for (let i = 1; i < points.length; i++) gap = Math.max(gap, points[i]!.ts - points[i - 1]!.ts);
    return gap;
  }, [points]);

  const reb = thresholds?.rebalance;
  const emg = thresholds?.emergency;
  const ratioRefs = [
    ...(reb !== undefined
      ? [
          // Labels sit outside the band between the two thresholds, so they never overlap.
          { y: reb, color: C.rebalance, label: `rebal +${reb}`, above: false },
          { y: -reb, color: C.rebalance, label: `rebal −${reb}`, above: true },
        ]
      : []),
    ...(emg !== undefined
      ? [
          { y: emg, color: C.emergency, label: `emerg +${emg}`, above: true },
          { y: -emg, color: C.emergency, label: `emerg −${emg}`, above: false },
        ]
      : []),
    { y: 0, color: "#3a4656" },
  ];

  return (
    <Panel
      title="Live charts"
      testId="charts"
      actions={
        <div className="flex items-center gap-2">
          {error ? <span className="text-[11px] text-red-400">history: {error.message}</span> : null}
          {loading ? <span className="text-[11px] text-faint">loading history…</span> : null}
          <a
            href="/api/export/snapshots.csv"
            download
            data-testid="chart-csv"
            title="Download the charts' data for the window shown as CSV"
            // The window ends now: the range is fixed at the moment of the click, not of the last render.
            onClick={(e) => {
              const q = new URLSearchParams({ to: String(Date.now()) });
              if (Number.isFinite(windowMs)) q.set("from", String(Math.max(0, Date.now() - windowMs)));
              e.currentTarget.href = `/api/export/snapshots.csv?${q}`;
            }}
            className="rounded border border-edge-strong bg-raised px-1.5 py-0.5 text-[11px] text-gray-200 hover:border-sky-500 hover:text-white"
          >
            CSV
          </a>
          <div role="group" aria-label="Time window" className="flex overflow-hidden rounded border border-edge-strong">
            {WINDOWS.map((w, i) => (
              <button
                key={w.label}
                type="button"
                data-testid={`window-${w.label}`}
                aria-pressed={i === windowIdx}
                onClick={() => setWindowIdx(i)}
                className={`num h-6 px-2 text-[11px] ${i === windowIdx ? "bg-sky-600 text-white" : "bg-raised text-muted hover:text-gray-100"} ${i ? "border-l border-edge-strong" : ""}`}
              >
                {w.label}
              </button>
            ))}
          </div>
        </div>
      }
    >
      <div className="grid grid-cols-1 gap-2 md:grid-cols-2">
        <TimeChart
          title="Inventory ratio"
          testId="chart-ratio"
          data={data}
          lastTs={lastTs}
          maxGapMs={maxGapMs}
          series={RATIO_SERIES}
          domain={RATIO_DOMAIN}
          ticks={RATIO_TICKS}
          refs={ratioRefs}
          yFormat={fixed2}
        />
        <TimeChart
          title="Skew"
          testId="chart-skew"
          data={data}
          lastTs={lastTs}
          maxGapMs={maxGapMs}
          series={SKEW_SERIES}
          refs={ZERO_REF}
          yFormat={fixed3}
        />
        <TimeChart
          title="Prices"
          testId="chart-prices"
          data={data}
          lastTs={lastTs}
          maxGapMs={maxGapMs}
          series={PRICE_SERIES}
        />
        <TimeChart
          title="PnL"
          testId="chart-pnl"
          data={data}
          lastTs={lastTs}
          maxGapMs={maxGapMs}
          series={PNL_SERIES}
          refs={ZERO_REF}
        />
      </div>
    </Panel>
  );
}
