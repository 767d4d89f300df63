// What the four charts plot and how their figures read. Lines are drawn from numbers (plotting only);
// the tooltip shows the snapshot's own decimal strings, rounded for reading and in the market's currency,
// so what the operator reads is the exact figure the server recorded.
import type { SnapshotDTO } from "@/lib/events";
import type { MarketUnits } from "@/lib/units";
import { fmtDecimal, fmtExact, fmtRatio, toPlot } from "@/components/format/decimal";

export interface PlotPoint {
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
  /** The snapshot it came from: the tooltip reads its exact figures. */
  src: SnapshotDTO;
}

export function toPlotPoint(s: SnapshotDTO): PlotPoint {
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
    src: s,
  };
}

export type Reading = (s: SnapshotDTO, u: MarketUnits) => string;

export interface Series {
  key: Exclude<keyof PlotPoint, "src" | "ts">;
  name: string;
  color: string;
  read: Reading;
  step?: boolean;
  dashed?: boolean;
  width?: number;
}

export const C = {
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

/** Prices keep the precision the server sent (they sit on the tick grid). */
const price =
  (f: "mid" | "bestBid" | "bestAsk" | "ourBid" | "ourAsk"): Reading =>
  (s, u) =>
    s[f] === null ? "—" : `${fmtExact(s[f])} ${u.quote}`;
/** Money to the cent: the tooltip is for reading, the CSV export has every digit. */
const money =
  (f: "realizedPnl" | "unrealizedPnl" | "totalPnl"): Reading =>
  (s, u) =>
    `${fmtDecimal(s[f], 2, { sign: true })} ${u.quote}`;

export const RATIO_SERIES: Series[] = [
  { key: "ratio", name: "ratio", color: C.ratio, read: (s, u) => `${fmtRatio(s.ratio)} (inventory ${fmtExact(s.inventory)} ${u.base})` },
];
export const SKEW_SERIES: Series[] = [{ key: "skew", name: "skew", color: C.skew, read: (s) => fmtRatio(s.skew, 4) }];
export const PRICE_SERIES: Series[] = [
  { key: "bestAsk", name: "best ask", color: C.bestAsk, width: 1, read: price("bestAsk") },
  { key: "ourAsk", name: "our ask", color: C.ourAsk, step: true, read: price("ourAsk") },
  { key: "mid", name: "mid", color: C.mid, dashed: true, width: 1, read: price("mid") },
  { key: "ourBid", name: "our bid", color: C.ourBid, step: true, read: price("ourBid") },
  { key: "bestBid", name: "best bid", color: C.bestBid, width: 1, read: price("bestBid") },
];
export const PNL_SERIES: Series[] = [
  { key: "realized", name: "realized (before fees)", color: C.realized, read: money("realizedPnl") },
  { key: "unrealized", name: "unrealized", color: C.unrealized, read: money("unrealizedPnl") },
  { key: "total", name: "total (net of fees)", color: C.total, width: 2, read: money("totalPnl") },
];

/** The tooltip's lines for one snapshot: each series' reading, then fees where money is shown. */
export function tooltipLines(s: SnapshotDTO, series: readonly Series[], u: MarketUnits): Array<{ name: string; color: string; text: string }> {
  const lines = series.map((x) => ({ name: x.name, color: x.color, text: x.read(s, u) }));
  if (series === PNL_SERIES) lines.push({ name: "fees", color: C.axis, text: `${fmtDecimal(s.fees, 2)} ${u.quote}` });
  return lines;
}

/** The y domain over the points and every reference line (what recharts' ifOverflow="extendDomain" did),
 *  widened to whole steps of 1, 2, 2.5 or 5 × 10ⁿ so the axis reads in round numbers. */
export function niceDomain(data: readonly PlotPoint[], keys: ReadonlyArray<keyof PlotPoint>, refs: ReadonlyArray<{ y: number }>): [number, number] | null {
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
  if (lo > hi) return null;
  for (const r of refs) {
    lo = Math.min(lo, r.y);
    hi = Math.max(hi, r.y);
  }
  if (lo === hi) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) / 10 : 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= raw) ?? 10 * mag;
  return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
}
