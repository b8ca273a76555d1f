// Net delta against its target and band over time, from the program's own events:
// `DeltaChecked` (every check) and `Rebalanced` (before → after each hedge trade).
import type { HistoryItem } from "../data-access/use-vault";
import { fx, num, utc } from "../../../lib/format";

export interface DeltaPoint {
  /** Unix seconds. */
  t: number;
  /** Net delta, target and band half-width (whole underlying tokens). */
  net: number;
  target: number;
  band: number;
  /** True at a rebalance (the point is the delta after the trade). */
  rebalance?: boolean;
}

/** Chart points from the history (units: whole tokens, from base units with `decimals`). */
export function deltaPoints(items: HistoryItem[], decimals: number): DeltaPoint[] {
  const scale = 10 ** decimals;
  const out: DeltaPoint[] = [];
  for (const { event } of items) {
    const d = event.data as Record<string, { toString(): string }>;
    const t = Number(d.timestamp?.toString() ?? 0);
    if (event.name === "deltaChecked") {
      out.push({ t, net: fx(d.netDeltaFx) / scale, target: fx(d.targetDeltaFx) / scale, band: fx(d.bandFx) / scale });
    } else if (event.name === "rebalanced") {
      const target = fx(d.targetDeltaFx) / scale;
      const band = fx(d.bandFx) / scale;
      out.push({ t, net: fx(d.netDeltaBeforeFx) / scale, target, band });
      out.push({ t, net: fx(d.netDeltaAfterFx) / scale, target, band, rebalance: true });
    }
  }
  return out.sort((a, b) => a.t - b.t);
}

export function DeltaChart({ points, unit }: { points: DeltaPoint[]; unit: string }) {
  if (points.length < 2) return <div className="empty">Not enough history yet: the chart fills in as the vault is checked and rebalanced.</div>;
  const W = 640;
  const H = 220;
  const P = { l: 56, r: 12, t: 10, b: 28 };
  const t0 = points[0].t;
  const t1 = Math.max(points[points.length - 1].t, t0 + 1);
  const lo = Math.min(...points.map((p) => Math.min(p.net, p.target - p.band)));
  const hi = Math.max(...points.map((p) => Math.max(p.net, p.target + p.band)));
  const pad = (hi - lo || 1) * 0.08;
  const y0 = lo - pad;
  const y1 = hi + pad;
  const x = (t: number) => P.l + ((t - t0) / (t1 - t0)) * (W - P.l - P.r);
  const y = (v: number) => H - P.b - ((v - y0) / (y1 - y0)) * (H - P.t - P.b);
  const path = (f: (p: DeltaPoint) => number) => points.map((p, i) => `${i ? "L" : "M"}${x(p.t).toFixed(1)},${y(f(p)).toFixed(1)}`).join("");
  const upper = points.map((p) => `${x(p.t).toFixed(1)},${y(p.target + p.band).toFixed(1)}`);
  const lower = [...points].reverse().map((p) => `${x(p.t).toFixed(1)},${y(p.target - p.band).toFixed(1)}`);
  const ticks = [y0 + pad, (y0 + y1) / 2, y1 - pad];
  return (
    <figure className="chart" data-testid="delta-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Net delta against target and band (${unit})`}>
        <polygon points={[...upper, ...lower].join(" ")} className="band" />
        <path d={path((p) => p.target)} className="target" />
        <path d={path((p) => p.net)} className="net" />
        {points
          .filter((p) => p.rebalance)
          .map((p, i) => (
            <circle key={i} cx={x(p.t)} cy={y(p.net)} r={3} className="rebalance" />
          ))}
        {ticks.map((v, i) => (
          <text key={i} x={P.l - 6} y={y(v) + 4} className="tick" textAnchor="end">
            {num(v, Math.abs(v) < 10 ? 2 : 0)}
          </text>
        ))}
        <text x={P.l} y={H - 8} className="tick">
          {utc(t0)}
        </text>
        <text x={W - P.r} y={H - 8} className="tick" textAnchor="end">
          {utc(t1)}
        </text>
      </svg>
      <figcaption>
        <span className="key net" /> net delta <span className="key target" /> target <span className="key band" /> band{" "}
        <span className="key rebalance" /> rebalance · {unit}
      </figcaption>
    </figure>
  );
}
