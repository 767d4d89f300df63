"use client";
// The event markers drawn as plain SVG in one layer, placed with the chart's own scales. Hundreds of
// recharts ReferenceDots each register with the chart's store on every render, which kept the page busy
// for seconds at a time with a few hundred fills; a layer of circles and lines costs nothing of the kind.
import { DefaultZIndexes, usePlotArea, useXAxisScale, useYAxisScale, ZIndexLayer } from "recharts";
import type { Marker } from "./chart-markers";

/** Lines whose label would crowd the chart (a rebalance every tick) go unlabelled: the legend names them. */
const LABELLED = new Set(["emergency", "param", "risk"]);

export function MarkerLayer({ events, dots }: { events: readonly Marker[]; dots: readonly Marker[] }) {
  const x = useXAxisScale();
  const y = useYAxisScale();
  const area = usePlotArea();
  if (!x || !y || !area) return null;
  const left = area.x;
  const right = area.x + area.width;
  const top = area.y;
  const bottom = area.y + area.height;
  const inside = (px: number | undefined): px is number => px !== undefined && Number.isFinite(px) && px >= left && px <= right;
  const mid = (left + right) / 2;
  // Above the lines (recharts draws its series in z-index layers; a plain child would sit under them).
  return (
    <ZIndexLayer zIndex={DefaultZIndexes.scatter}>
      <g className="markers" pointerEvents="none">
        {events.map((m, i) => {
          const px = x(m.ts);
          if (!inside(px)) return null;
          const labelLeft = px > mid;
          return (
            <g key={`${m.kind}-${m.ts}-${i}`} className={`marker marker-${m.kind}`}>
              <line x1={px} x2={px} y1={top} y2={bottom} stroke={m.color} strokeOpacity={m.kind === "rebalance" ? 0.55 : 0.9} strokeDasharray={m.kind === "param" ? "2 2" : undefined} />
              {LABELLED.has(m.kind) ? (
                <text x={labelLeft ? px - 3 : px + 3} y={top + 9} textAnchor={labelLeft ? "end" : "start"} fontSize={9} fill={m.color}>
                  {m.label}
                </text>
              ) : null}
            </g>
          );
        })}
        {dots.map((m, i) => {
          const px = x(m.ts);
          const py = m.y === undefined ? undefined : y(m.y);
          if (!inside(px) || py === undefined || !Number.isFinite(py) || py < top || py > bottom) return null;
          return <circle key={`${m.ts}-${i}`} className={`marker marker-fill marker-${m.side}`} cx={px} cy={py} r={2.5} fill={m.color} stroke="#0d1218" strokeWidth={0.5} />;
        })}
      </g>
    </ZIndexLayer>
  );
}

export interface RefLine {
  y: number;
  color: string;
  label?: string;
  /** The label sits above the line unless false. */
  above?: boolean;
}

/** Dashed horizontal lines (thresholds, zero). recharts' ReferenceLine re-registers itself with the chart's
 *  store on every render, and each registration re-renders the chart: with four live charts that kept the
 *  page's main thread busy and its controls unresponsive. These lines are drawn from the scale instead. */
export function RefLayer({ refs }: { refs: readonly RefLine[] }) {
  const y = useYAxisScale();
  const area = usePlotArea();
  if (!y || !area) return null;
  const left = area.x;
  const right = area.x + area.width;
  return (
    <ZIndexLayer zIndex={DefaultZIndexes.area}>
      <g className="reference-lines" pointerEvents="none">
        {refs.map((r) => {
          const py = y(r.y);
          if (py === undefined || !Number.isFinite(py) || py < area.y - 0.5 || py > area.y + area.height + 0.5) return null;
          return (
            <g key={`${r.y}-${r.color}`} className="reference-line">
              <line x1={left} x2={right} y1={py} y2={py} stroke={r.color} strokeDasharray="4 3" strokeOpacity={0.85} />
              {r.label ? (
                <text x={left + 4} y={r.above === false ? py + 10 : py - 3} fontSize={9} fill={r.color}>
                  {r.label}
                </text>
              ) : null}
            </g>
          );
        })}
      </g>
    </ZIndexLayer>
  );
}
