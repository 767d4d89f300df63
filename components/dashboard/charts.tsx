"use client";
// The four live charts. Points come from useLiveSnapshots (history + live), are windowed and thinned to a
// few hundred, and only then converted to numbers for plotting (chart-series.ts, time-chart.tsx).
import { useMemo } from "react";
import { Panel } from "@/components/ui/panel";
import { useLiveSnapshots, useRangeSnapshots, useStatus, useUnits } from "@/components/live/hooks";
import { downsample } from "@/components/live/snapshot-store";
import { C, PNL_SERIES, PRICE_SERIES, RATIO_SERIES, SKEW_SERIES, toPlotPoint } from "./chart-series";
import { TimeChart } from "./time-chart";
import { chartMarkers, MARKER_COLORS } from "./chart-markers";
import { useMarkerData, useVersions } from "@/components/live/marker-hooks";
import { rangeBounds, useRange } from "./range";
import { RangePicker } from "./range-picker";

const MAX_PLOT_POINTS = 400;

const ZERO_REF = [{ y: 0, color: "#3a4656" }];
// A little room past ±1 so the emergency labels fit above / below their lines.
const RATIO_DOMAIN: [(v: number) => number, (v: number) => number] = [(v) => Math.min(-1.12, v), (v) => Math.max(1.12, v)];
const RATIO_TICKS = [-1, -0.5, 0, 0.5, 1];
const fixed2 = (v: number) => v.toFixed(2);
const fixed3 = (v: number) => v.toFixed(3);

export function ChartsPanel() {
  const thresholds = useStatus((s) => ({ rebalance: s.rebalanceThreshold, emergency: s.emergencyThreshold })).data;
  const units = useUnits();
  const [range] = useRange();
  const custom = range.kind === "custom" ? { from: range.from, to: range.to } : null;
  // Both hooks run (hooks cannot be conditional); the one for the other kind of range idles.
  const live = useLiveSnapshots(range.kind === "window" ? range.ms : 60_000);
  const fixed = useRangeSnapshots(custom);
  const { points, loading, error } = custom ? fixed : live;

  const data = useMemo(() => downsample(points, MAX_PLOT_POINTS).map(toPlotPoint), [points]);
  const lastTs = points[points.length - 1]?.ts ?? null;
  const firstTs = points[0]?.ts ?? null;
  const { fills, actions } = useMarkerData(custom ?? { windowMs: range.kind === "window" ? range.ms : 0 });
  const versions = useVersions();
  const markers = useMemo(
    () => (firstTs === null || lastTs === null ? { fills: [], events: [] } : chartMarkers({ from: firstTs, to: lastTs, fills, actions, versions, points })),
    [firstTs, lastTs, fills, actions, versions, points],
  );
  const actionLines = useMemo(() => markers.events.filter((m) => m.kind === "rebalance" || m.kind === "emergency"), [markers]);
  // The widest hole in the window: after a reconnect the backfill must keep it near one tick.
  const maxGapMs = useMemo(() => {
    let gap = 0;
    for (let i = 1; i < points.length; i++) gap = Math.max(gap, points[i]!.ts - points[i - 1]!.ts);
    return gap;
  }, [points]);

  const reb = thresholds?.rebalance;
  const emg = thresholds?.emergency;
  // Kept while the thresholds hold: a new array would redraw the chart for nothing.
  const ratioRefs = useMemo(
    () => [
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
    ],
    [reb, emg],
  );

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
            title="Download the charts' data for the range shown as CSV"
            // A live window ends now: the range is fixed at the moment of the click, not of the last render.
            onClick={(e) => {
              const b = rangeBounds(range, Date.now());
              const q = new URLSearchParams({ to: String(b.to) });
              if (b.from > 0) q.set("from", String(b.from));
              e.currentTarget.href = `/api/export/snapshots.csv?${q}`;
            }}
            className="rounded border border-edge-strong bg-raised px-1.5 py-0.5 text-[11px] text-gray-200 hover:border-sky-500 hover:text-white"
          >
            CSV
          </a>
          <RangePicker />
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
          units={units}
          domain={RATIO_DOMAIN}
          ticks={RATIO_TICKS}
          refs={ratioRefs}
          yFormat={fixed2}
          events={markers.events}
        />
        <TimeChart
          title="Skew"
          testId="chart-skew"
          data={data}
          lastTs={lastTs}
          maxGapMs={maxGapMs}
          series={SKEW_SERIES}
          units={units}
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
          units={units}
          unitLabel={units.quote}
          events={actionLines}
          dots={markers.fills}
        />
        <TimeChart
          title="PnL"
          testId="chart-pnl"
          data={data}
          lastTs={lastTs}
          maxGapMs={maxGapMs}
          series={PNL_SERIES}
          units={units}
          unitLabel={units.quote}
          refs={ZERO_REF}
        />
      </div>
      <MarkerLegend />
    </Panel>
  );
}

function MarkerLegend() {
  const item = (color: string, text: string, dot = false) => (
    <span className="flex items-center gap-1">
      {dot ? <span className="inline-block h-2 w-2 rounded-full" style={{ background: color }} /> : <span className="inline-block h-3 w-0.5" style={{ background: color }} />}
      {text}
    </span>
  );
  return (
    <div data-testid="marker-legend" className="mt-1.5 flex flex-wrap items-center gap-x-3 gap-y-0.5 px-1 text-[10px] text-muted">
      <span className="text-faint">markers:</span>
      {item(MARKER_COLORS.buy, "buy fill", true)}
      {item(MARKER_COLORS.sell, "sell fill", true)}
      {item(MARKER_COLORS.rebalance, "rebalance")}
      {item(MARKER_COLORS.emergency, "emergency close")}
      {item(MARKER_COLORS.param, "parameter version")}
      {item(MARKER_COLORS.risk, "risk state change")}
    </div>
  );
}
