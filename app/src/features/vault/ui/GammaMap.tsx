// The gamma-exposure map: the hedging pressure the vault will exert. At each price across
// ±30 %, the trade the keeper would make there (the program's own `plan` on its own
// pricing, computed in Rust by the simulation: `hedgeSim_gammaMap`, the same code as
// `hedge-research gamma-map`) as bars, and the book's dollar gamma as a line.
import type { GammaLevel } from "../../simulation/data-access/sim";
import { num, usd } from "../../../lib/format";

/** Chart geometry: bar heights are trades (tokens), the line is dollar gamma, each on its own scale. */
export function gammaScales(levels: GammaLevel[]) {
  const maxTrade = Math.max(1e-9, ...levels.map((l) => Math.abs(l.trade)));
  const gammas = levels.map((l) => l.gamma_exposure);
  const gLo = Math.min(0, ...gammas);
  const gHi = Math.max(0, ...gammas);
  return { maxTrade, gLo, gHi: gHi > gLo ? gHi : gLo + 1 };
}

export function GammaMap({ levels, unit }: { levels: GammaLevel[]; unit: string }) {
  if (levels.length < 2) return <div className="empty">No map yet.</div>;
  const W = 640;
  const H = 220;
  const P = { l: 56, r: 56, t: 10, b: 28 };
  const { maxTrade, gLo, gHi } = gammaScales(levels);
  const n = levels.length;
  const step = (W - P.l - P.r) / n;
  const mid = P.t + (H - P.t - P.b) / 2;
  const half = (H - P.t - P.b) / 2;
  const x = (i: number) => P.l + step * (i + 0.5);
  const yTrade = (t: number) => mid - (t / maxTrade) * half;
  const yGamma = (g: number) => H - P.b - ((g - gLo) / (gHi - gLo)) * (H - P.t - P.b);
  const line = levels.map((l, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${yGamma(l.gamma_exposure).toFixed(1)}`).join("");
  const first = levels[0];
  const last = levels[n - 1];
  return (
    <figure className="chart" data-testid="gamma-map">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Keeper trade by price (${unit}) and dollar gamma`}>
        <line x1={P.l} x2={W - P.r} y1={mid} y2={mid} className="axis" />
        {levels.map((l, i) => {
          const y = yTrade(l.trade);
          return (
            <rect
              key={i}
              x={x(i) - step * 0.35}
              width={step * 0.7}
              y={Math.min(y, mid)}
              height={Math.max(Math.abs(y - mid), l.trade === 0 ? 0 : 1)}
              className={l.trade > 0 ? "buy" : l.trade < 0 ? "sell" : "none"}
            >
              <title>{`${usd(l.price)}: ${l.trade === 0 ? "no trade (inside the band)" : `${num(l.trade, 3)} ${unit}`}; dollar gamma ${usd(l.gamma_exposure)} per 1 %`}</title>
            </rect>
          );
        })}
        <path d={line} className="gamma" />
        <text x={P.l - 6} y={yTrade(maxTrade) + 4} className="tick" textAnchor="end">
          {num(maxTrade, 2)}
        </text>
        <text x={P.l - 6} y={yTrade(-maxTrade) + 4} className="tick" textAnchor="end">
          {num(-maxTrade, 2)}
        </text>
        <text x={W - P.r + 6} y={yGamma(gHi) + 4} className="tick">
          {usd(gHi)}
        </text>
        <text x={W - P.r + 6} y={yGamma(gLo) + 4} className="tick">
          {usd(gLo)}
        </text>
        <text x={P.l} y={H - 8} className="tick">
          {usd(first.price)} ({num(first.move_frac * 100, 0)} %)
        </text>
        <text x={W - P.r} y={H - 8} className="tick" textAnchor="end">
          {usd(last.price)} (+{num(last.move_frac * 100, 0)} %)
        </text>
      </svg>
      <figcaption>
        <span className="key buy" /> keeper buys <span className="key sell" /> keeper sells ({unit}, left scale) <span className="key gamma" /> dollar gamma (USD per 1 % move, right scale)
      </figcaption>
    </figure>
  );
}
