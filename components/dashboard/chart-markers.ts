// What happened, drawn where it happened: fills on the prices chart (at their price), and rebalances,
// emergency closes, parameter versions and risk-state changes as vertical lines on the inventory and
// prices charts. Snapshots are sampled (about one a second) and can miss the moment a threshold was
// crossed; the markers come from the events themselves, so they cannot.
import type { FillDTO, OrderDTO, ParamVersionDTO, RiskState, SnapshotDTO } from "@/lib/events";
import { toPlot } from "@/components/format/decimal";

export type MarkerKind = "fill" | "rebalance" | "emergency" | "param" | "risk";

export interface Marker {
  kind: MarkerKind;
  ts: number;
  /** Fills only: where on the prices chart (plotting only). */
  y?: number;
  side?: "buy" | "sell";
  label: string;
  color: string;
}

export const MARKER_COLORS: Record<MarkerKind | "buy" | "sell", string> = {
  fill: "#e5e7eb",
  buy: "#22c55e",
  sell: "#f05252",
  rebalance: "#f59e0b",
  emergency: "#ef4444",
  param: "#38bdf8",
  risk: "#a78bfa",
};

/** Fill dots past this many (the newest kept) would hide the lines they sit on. */
export const MAX_FILL_MARKERS = 300;

/** The moments the risk state changed, read from consecutive snapshots. */
export function riskChanges(points: readonly SnapshotDTO[]): Array<{ ts: number; from: RiskState; to: RiskState }> {
  const out: Array<{ ts: number; from: RiskState; to: RiskState }> = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    if (a.riskState !== b.riskState) out.push({ ts: b.ts, from: a.riskState, to: b.riskState });
  }
  return out;
}

export interface MarkerInput {
  from: number;
  to: number;
  fills: readonly FillDTO[];
  /** Orders placed as rebalances or emergency closes. */
  actions: readonly OrderDTO[];
  versions: readonly ParamVersionDTO[];
  points: readonly SnapshotDTO[];
}

export function chartMarkers(m: MarkerInput): { fills: Marker[]; events: Marker[] } {
  const inside = (ts: number) => ts >= m.from && ts <= m.to;
  const fills = m.fills
    .filter((f) => inside(f.ts))
    .sort((a, b) => b.ts - a.ts)
    .slice(0, MAX_FILL_MARKERS)
    .map<Marker>((f) => ({
      kind: "fill",
      ts: f.ts,
      y: toPlot(f.price) ?? undefined,
      side: f.side,
      label: `${f.side} ${f.size} @ ${f.price}`,
      color: MARKER_COLORS[f.side],
    }));
  const events: Marker[] = [
    ...m.actions
      .filter((o) => (o.reason === "rebalance" || o.reason === "emergency") && inside(o.createdAt))
      .map<Marker>((o) => ({
        kind: o.reason as "rebalance" | "emergency",
        ts: o.createdAt,
        side: o.side,
        label: o.reason === "emergency" ? "emergency" : "rebal",
        color: MARKER_COLORS[o.reason as "rebalance" | "emergency"],
      })),
    ...m.versions.filter((v) => v.version > 1 && inside(v.createdAt)).map<Marker>((v) => ({ kind: "param", ts: v.createdAt, label: `v${v.version}`, color: MARKER_COLORS.param })),
    ...riskChanges(m.points)
      .filter((r) => inside(r.ts))
      .map<Marker>((r) => ({ kind: "risk", ts: r.ts, label: r.to, color: MARKER_COLORS.risk })),
  ].sort((a, b) => a.ts - b.ts);
  return { fills, events };
}
