// The inventory ratio's recent path, in a cell: −1…+1 around a zero line, the last point marked. A line,
// not a chart: sixty points per row across a hundred rows must cost next to nothing to draw.
export function Sparkline({ points, width = 96, height = 24 }: { points: number[]; width?: number; height?: number }) {
  if (points.length < 2) return <span className="text-faint">—</span>;
  const clamp = (v: number) => Math.max(-1, Math.min(1, v));
  const x = (i: number) => (i / (points.length - 1)) * (width - 4) + 2;
  const y = (v: number) => height / 2 - clamp(v) * (height / 2 - 2);
  const d = points.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  const last = points[points.length - 1]!;
  const colour = Math.abs(last) >= 0.7 ? "#f87171" : Math.abs(last) >= 0.4 ? "#fbbf24" : "#38bdf8";
  return (
    <svg width={width} height={height} role="img" aria-label={`inventory ratio, last ${last.toFixed(2)}`} className="block">
      <line x1={0} x2={width} y1={height / 2} y2={height / 2} stroke="#334155" strokeDasharray="2 2" />
      <polyline points={d} fill="none" stroke={colour} strokeWidth={1.5} />
      <circle cx={x(points.length - 1)} cy={y(last)} r={2} fill={colour} />
    </svg>
  );
}
