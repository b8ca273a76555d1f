import { DeltaChart, deltaPoints } from "./DeltaChart";
import { GammaMap } from "./GammaMap";
import type { GammaLevel } from "../../simulation/data-access/sim";
import { Card, Empty, ErrorBox, Stat } from "../../../components/ui";
import type { HistoryItem, Snapshot } from "../data-access/use-vault";
import { bps, formatUnits, fx, num, short, usd, utc } from "../../../lib/format";
import { liveLegs, liveVenues, totalAssets, totalShares } from "../data-access/vault-client";

const SECONDS_PER_YEAR = 31_536_000;

/** The gamma map as the overview shows it: computed by the local simulation, or not available. */
export interface GammaMapState {
  local: boolean;
  levels?: GammaLevel[];
  error?: unknown;
}

export function Overview({
  snap,
  history,
  historyError,
  gamma,
}: {
  snap: Snapshot;
  history: HistoryItem[];
  historyError?: unknown;
  gamma?: GammaMapState;
}) {
  const v = snap.vault;
  const dec = v.decimals;
  const assets = totalAssets(v);
  const shares = totalShares(v, snap.supply);
  const ev = snap.live.event;
  const price = ev ? fx(ev.priceFx) : NaN;
  const rate = ev ? fx(ev.collateralRateFx) : NaN;
  const tokens = Number(assets) / 10 ** dec;
  const navPerShare = shares === 0n ? 1 : Number(assets) / Number(shares);
  const scale = 10 ** dec;
  const rebalances = history.filter((h) => h.event.name === "rebalanced").slice(-10).reverse();
  const points = deltaPoints(history, dec);
  const venues = liveVenues(v);
  const legs = liveLegs(v);

  return (
    <div className="grid">
      <Card title="Vault" testId="vault-card">
        <div className="stats">
          <Stat label="NAV per share" value={num(navPerShare, 6)} unit="collateral / share" testId="nav-per-share" />
          <Stat label="TVL" value={formatUnits(assets, dec, 4)} unit="collateral" testId="tvl" />
          <Stat label="TVL (USD)" value={usd(tokens * rate * price)} hint="collateral × collateral rate × oracle price" />
          <Stat label="Shares outstanding" value={formatUnits(shares, dec, 4)} unit="shares" />
          <Stat label="Management fee" value={bps(v.params.fees.managementFeeBps)} unit="/ year" />
          <Stat label="Performance fee" value={bps(v.params.fees.performanceFeeBps)} unit="of gains over HWM" />
          <Stat label="Accrued fee shares" value={formatUnits(BigInt(v.accruedFeeShares.toString()), dec, 6)} unit="shares" />
          <Stat label="Keeper rewards paid" value={formatUnits(BigInt(v.keeperRewardsPaid.toString()), dec, 6)} unit="collateral" />
        </div>
        {v.paused || v.withdrawOnly ? (
          <p className="warn" data-testid="paused-banner">
            {v.withdrawOnly ? "Withdraw-only mode. " : ""}
            {v.paused ? `Paused flags: 0b${v.paused.toString(2)}` : ""}
          </p>
        ) : null}
      </Card>

      <Card title="Oracle and risk target">
        {snap.live.error ? <ErrorBox error={snap.live.error} /> : null}
        <div className="stats">
          <Stat label="Oracle price" value={usd(price)} unit={ev ? `± ${usd(fx(ev.confFx))}` : ""} testId="oracle-price" />
          <Stat label="σ (vol)" value={bps(v.sigmaBps)} unit="annualised" />
          <Stat label="Net delta" value={ev ? num(fx(ev.netDeltaFx) / scale, 4) : "—"} unit="tokens" testId="net-delta" />
          <Stat label="Target" value={ev ? num(fx(ev.targetDeltaFx) / scale, 4) : "—"} unit="tokens" />
          <Stat label="Band (±)" value={ev ? num(fx(ev.bandFx) / scale, 4) : "—"} unit="tokens" />
          <Stat
            label="State"
            value={ev ? (ev.breached ? "outside band" : "within band") : "—"}
            testId="band-state"
          />
        </div>
      </Card>

      <Card title="Net delta against target and band" wide>
        {historyError ? <ErrorBox error={historyError} testId="history-error" /> : null}
        <DeltaChart points={points} unit="tokens of underlying" />
      </Card>

      <Card title="Hedging pressure across ±30 % (gamma map)" wide>
        {gamma?.error ? <ErrorBox error={gamma.error} /> : null}
        {gamma?.local ? (
          gamma.levels ? (
            <GammaMap levels={gamma.levels} unit="tokens" />
          ) : (
            <Empty>Computing the map…</Empty>
          )
        ) : (
          <Empty>
            The map comes from the program's own pricing in Rust: run <code>hedge-research gamma-map --rpc-url … --vault {short(snap.address)}</code>{" "}
            against this endpoint (the local simulation serves it here).
          </Empty>
        )}
      </Card>

      <Card title="Option book">
        <div className="stats">
          <Stat label="Gamma" value={ev ? num(fx(ev.bookGammaFx), 6) : "—"} unit="tokens / USD" />
          <Stat label="Vega" value={ev ? usd(fx(ev.bookVegaFx)) : "—"} unit="per 1.00 vol" />
          <Stat label="Theta" value={ev ? usd((fx(ev.bookThetaFx) * 86_400) / SECONDS_PER_YEAR) : "—"} unit="per day" />
          <Stat label="Gamma exposure" value={ev ? usd(fx(ev.gammaExposureFx)) : "—"} unit="per 1 % move" testId="gamma-exposure" />
        </div>
        {legs.length === 0 ? (
          <Empty>No option legs: the vault targets a plain delta.</Empty>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Kind</th>
                <th>Strike (USD)</th>
                <th>Expiry</th>
                <th>Quantity (tokens)</th>
                <th>Vol</th>
              </tr>
            </thead>
            <tbody>
              {legs.map((l, i) => (
                <tr key={i}>
                  <td>{"call" in l.kind ? "Call" : "Put"}</td>
                  <td>{num(Number(l.strikeE6.toString()) / 1e6, 2)}</td>
                  <td>{utc(Number(l.expiry.toString()))}</td>
                  <td>{num(Number(l.quantity.toString()) / scale, 4)}</td>
                  <td>{l.volBps ? bps(l.volBps) : "vault σ"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>

      <Card title="Hedge per venue" wide>
        {venues.length === 0 ? (
          <Empty>No perp venue configured.</Empty>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Market</th>
                <th>Position (tokens)</th>
                <th>Margin (collateral)</th>
                <th>Unsettled funding P&amp;L (USD)</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {venues.map((ven, i) => {
                const m = snap.venues[i];
                const pos = Number(v.venuePositions[i].toString()) / scale;
                // P&L sign: the venue reports funding paid (+); the hedge earns its negative.
                const owed = m?.fundingOwed === undefined ? NaN : -m.fundingOwed;
                return (
                  <tr key={i} data-testid={`venue-${i}`}>
                    <td title={ven.market.toBase58()}>{short(ven.market)}</td>
                    <td>{num(pos, 4)}</td>
                    <td>{m?.margin ? formatUnits(BigInt(m.margin.collateral.toString()), dec, 4) : "—"}</td>
                    <td>{usd(owed)}</td>
                    <td data-testid={`venue-${i}-status`}>
                      {(v.frozenVenues & (1 << i)) !== 0 ? `frozen by the guardian (counts at ${100 - ven.frozenHaircutBps / 100} %)` : "active"}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <p className="muted">
          Hedge equity (all venues, marked to the oracle): {formatUnits(BigInt(v.hedgeEquity.toString()), dec, 4)} collateral.
        </p>
      </Card>

      <Card title="Recent rebalances" wide testId="rebalances">
        {rebalances.length === 0 ? (
          <Empty>No rebalance yet.</Empty>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Time</th>
                <th>Trade (tokens)</th>
                <th>Fill (USD)</th>
                <th>Delta before → after (tokens)</th>
                <th>Cost (USD)</th>
                <th>Keeper</th>
              </tr>
            </thead>
            <tbody>
              {rebalances.map((r) => {
                const d = r.event.data as Record<string, { toString(): string }>;
                return (
                  <tr key={r.signature}>
                    <td>{utc(Number(d.timestamp.toString()))}</td>
                    <td>{num(Number(d.size.toString()) / scale, 4)}</td>
                    <td>{usd(fx(d.fillPriceFx))}</td>
                    <td>
                      {num(fx(d.netDeltaBeforeFx) / scale, 3)} → {num(fx(d.netDeltaAfterFx) / scale, 3)}
                    </td>
                    <td>{usd(fx(d.costFx))}</td>
                    <td title={d.keeper.toString()}>{short(d.keeper.toString())}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
