import type { Program } from "@anchor-lang/core";
import { BN } from "@anchor-lang/core";
import { Connection, PublicKey } from "@solana/web3.js";
import { useEffect, useMemo, useState } from "react";
import { Action, Card, Empty, Stat } from "../../../components/ui";
import type { HedgeVault } from "../../../generated/hedge_vault";
import type { Snapshot } from "../../vault/data-access/use-vault";
import { bps, duration, formatUnits, parseUnits, short, utc } from "../../../lib/format";
import { send, simulate, type Signer } from "../../../lib/send";
import { proposeToMe } from "../../simulation/data-access/sim";
import { BOUNDS, PAUSE_FLAGS, validateCore, type CoreForm } from "../data-access/validate";
import {
  acceptAuthorityIxs,
  applyParamsIxs,
  cancelParamsIxs,
  currentCore,
  proposeAuthorityIxs,
  queueCoreIxs,
  setPauseIxs,
  type CoreParams,
  type VaultAccount,
} from "../../vault/data-access/vault-client";

interface Props {
  connection: Connection;
  program: Program<HedgeVault>;
  snap: Snapshot;
  wallet: Signer | null;
  rpc: string;
  local: boolean;
  onDone: () => void;
}

type Field = { key: keyof CoreForm; label: string; unit: string; amount?: boolean };

const FIELDS: Field[] = [
  { key: "deltaTargetBps", label: "Delta target", unit: "bps" },
  { key: "deltaBandBps", label: "Delta band (±)", unit: "bps" },
  { key: "rebalanceCooldownSecs", label: "Rebalance cooldown", unit: "s" },
  { key: "maxSlippageBps", label: "Max hedge slippage", unit: "bps" },
  { key: "managementFeeBps", label: "Management fee", unit: "bps / year" },
  { key: "performanceFeeBps", label: "Performance fee", unit: "bps" },
  { key: "withdrawalDelaySecs", label: "Withdrawal delay", unit: "s" },
  { key: "timelockSecs", label: "Timelock", unit: "s" },
  { key: "depositCap", label: "Deposit cap", unit: "collateral", amount: true },
  { key: "minDeposit", label: "Minimum deposit", unit: "collateral", amount: true },
];

function formOf(p: { risk: CoreParams["risk"]; fees: CoreParams["fees"]; limits: CoreParams["limits"]; timelockSecs: number }): CoreForm {
  return {
    deltaTargetBps: p.risk.deltaTargetBps,
    deltaBandBps: p.risk.deltaBandBps,
    rebalanceCooldownSecs: p.risk.rebalanceCooldownSecs,
    maxSlippageBps: p.risk.maxSlippageBps,
    managementFeeBps: p.fees.managementFeeBps,
    performanceFeeBps: p.fees.performanceFeeBps,
    withdrawalDelaySecs: p.limits.withdrawalDelaySecs,
    timelockSecs: p.timelockSecs,
    depositCap: BigInt(p.limits.depositCap.toString()),
    minDeposit: BigInt(p.limits.minDeposit.toString()),
  };
}

function applyForm(v: VaultAccount, f: CoreForm): CoreParams {
  const c = currentCore(v);
  return {
    ...c,
    risk: {
      ...c.risk,
      deltaTargetBps: f.deltaTargetBps,
      deltaBandBps: f.deltaBandBps,
      rebalanceCooldownSecs: f.rebalanceCooldownSecs,
      maxSlippageBps: f.maxSlippageBps,
    },
    fees: { managementFeeBps: f.managementFeeBps, performanceFeeBps: f.performanceFeeBps },
    limits: {
      ...c.limits,
      depositCap: new BN(f.depositCap.toString()),
      minDeposit: new BN(f.minDeposit.toString()),
      withdrawalDelaySecs: f.withdrawalDelaySecs,
    },
    timelockSecs: f.timelockSecs,
  };
}

const show = (f: Field, value: number | bigint, decimals: number) =>
  f.amount ? formatUnits(BigInt(value), decimals) : f.unit === "s" ? `${value} s (${duration(Number(value))})` : f.unit.startsWith("bps") ? `${value} (${bps(Number(value))})` : String(value);

export function Governance({ connection, program, snap, wallet, rpc, local, onDone }: Props) {
  const v = snap.vault;
  const dec = v.decimals;
  const me = wallet?.publicKey ?? null;
  const isAuthority = !!me && me.equals(v.authority);
  const isGuardian = !!me && me.equals(v.params.guardian);
  const isPending = !!me && me.equals(v.pendingAuthority);
  const current = useMemo(() => formOf(v.params), [v.params]);
  const [text, setText] = useState<Record<string, string>>({});
  const [paused, setPaused] = useState<number>(v.paused);
  const [withdrawOnly, setWithdrawOnly] = useState<boolean>(v.withdrawOnly);
  const [proposed, setProposed] = useState("");
  useEffect(() => {
    setPaused(v.paused);
    setWithdrawOnly(v.withdrawOnly);
  }, [v.paused, v.withdrawOnly]);

  // The form: typed text per field, parsed with units; empty means "unchanged".
  const parsed: { form?: CoreForm; errors: Record<string, string> } = (() => {
    const errors: Record<string, string> = {};
    const form: CoreForm = { ...current };
    for (const f of FIELDS) {
      const t = text[f.key];
      if (t === undefined || t.trim() === "") continue;
      try {
        if (f.amount) (form[f.key] as bigint) = parseUnits(t, dec);
        else {
          if (!/^-?\d+$/.test(t.trim())) throw new Error("Whole number");
          (form[f.key] as number) = Number(t.trim());
        }
      } catch (e) {
        errors[f.key] = (e as Error).message;
      }
    }
    for (const viol of validateCore(form)) errors[viol.field] = `${viol.message} (${viol.error})`;
    return { form: Object.keys(errors).length ? undefined : form, errors };
  })();
  const changed = FIELDS.some((f) => (text[f.key] ?? "").trim() !== "");

  const pending = snap.pending;
  const eta = pending ? Number(pending.eta.toString()) : 0;
  const left = eta - snap.clock.unix;
  const pendingForm = pending ? formOf(pending.params) : null;

  return (
    <div className="grid">
      <Card title="Roles" testId="roles">
        <div className="stats">
          <Stat label="Authority" value={<span title={v.authority.toBase58()}>{short(v.authority)}</span>} testId="authority" />
          <Stat label="Guardian" value={<span title={v.params.guardian.toBase58()}>{short(v.params.guardian)}</span>} />
          <Stat
            label="Proposed authority"
            value={v.pendingAuthority.equals(PublicKey.default) ? "none" : short(v.pendingAuthority)}
            testId="pending-authority"
          />
          <Stat label="You are" value={isAuthority ? "the authority" : isGuardian ? "the guardian" : isPending ? "the proposed authority" : me ? "a viewer" : "not connected"} testId="my-role" />
        </div>
        {isPending && wallet ? (
          <Action
            label="Accept authority"
            testId="accept-authority"
            run={async (status) => {
              const sig = await send(connection, wallet, await acceptAuthorityIxs(program, snap.address, me!), status);
              onDone();
              return sig;
            }}
          />
        ) : null}
        {isAuthority && wallet ? (
          <div>
            <label>
              Propose a new authority <span className="unit">(address; it must accept)</span>
              <input value={proposed} onChange={(e) => setProposed(e.target.value)} placeholder="base-58 address" />
            </label>
            <Action
              label="Propose"
              kind="secondary"
              disabled={!proposed.trim()}
              run={async (status) => {
                const next = new PublicKey(proposed.trim());
                const sig = await send(connection, wallet, await proposeAuthorityIxs(program, snap.address, me!, next), status);
                setProposed("");
                onDone();
                return sig;
              }}
            />
          </div>
        ) : null}
        {local && me && !isAuthority && !isPending ? (
          <Action
            label="Simulation: propose me as authority"
            kind="secondary"
            testId="sim-propose-me"
            run={async () => {
              await proposeToMe(rpc, me.toBase58());
              onDone();
            }}
          />
        ) : null}
      </Card>

      <Card title="Parameters and their hard bounds" wide testId="params">
        <table>
          <thead>
            <tr>
              <th>Parameter</th>
              <th>Current</th>
              <th>Bounds</th>
              <th>New value</th>
            </tr>
          </thead>
          <tbody>
            {FIELDS.map((f) => {
              const b = (BOUNDS as Record<string, readonly [number, number]>)[f.key];
              return (
                <tr key={f.key}>
                  <td>
                    {f.label} <span className="unit">({f.unit})</span>
                  </td>
                  <td>{show(f, current[f.key], dec)}</td>
                  <td>{b ? `${b[0]} … ${b[1]}` : f.key === "minDeposit" ? "> 0, ≤ cap" : "—"}</td>
                  <td>
                    <input
                      data-testid={`param-${f.key}`}
                      disabled={!isAuthority}
                      placeholder="unchanged"
                      value={text[f.key] ?? ""}
                      onChange={(e) => setText({ ...text, [f.key]: e.target.value })}
                    />
                    {parsed.errors[f.key] ? (
                      <div className="field-error" data-testid={`param-${f.key}-error`}>
                        {parsed.errors[f.key]}
                      </div>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {!isAuthority ? <p className="muted">Only the authority can queue changes.</p> : null}
        {isAuthority && wallet ? (
          <Action
            label={`Queue change (applies after ${duration(v.params.timelockSecs)})`}
            testId="queue-change"
            disabled={!changed || !parsed.form || !!pending}
            run={async (status) => {
              const ixs = await queueCoreIxs(program, snap.address, me!, applyForm(v, parsed.form!));
              const sim = await simulate(connection, me!, ixs);
              if (sim.err) throw Object.assign(new Error("simulation failed"), { transactionError: sim.err, logs: sim.logs });
              const sig = await send(connection, wallet, ixs, status);
              setText({});
              onDone();
              return sig;
            }}
          />
        ) : null}
        {pending && isAuthority ? <p className="muted">A change is already queued: apply or cancel it first.</p> : null}
      </Card>

      <Card title="Queued change" testId="queued-change">
        {!pending || !pendingForm ? (
          <Empty>Nothing queued.</Empty>
        ) : (
          <>
            <div className="stats">
              <Stat label="Queued" value={utc(Number(pending.queuedAt.toString()))} />
              <Stat label="Applies from" value={utc(eta)} />
              <Stat label="Timelock left" value={left > 0 ? duration(left) : "elapsed"} testId="timelock-left" />
            </div>
            <ul className="diff" data-testid="queued-diff">
              {FIELDS.filter((f) => pendingForm[f.key] !== current[f.key]).map((f) => (
                <li key={f.key}>
                  {f.label}: {show(f, current[f.key], dec)} → <strong>{show(f, pendingForm[f.key], dec)}</strong>
                </li>
              ))}
            </ul>
            {isAuthority && wallet ? (
              <div className="row">
                <Action
                  label="Apply"
                  testId="apply-change"
                  run={async (status) => {
                    const sig = await send(connection, wallet, await applyParamsIxs(program, snap.address, v, me!), status);
                    onDone();
                    return sig;
                  }}
                />
                <Action
                  label="Cancel change"
                  kind="secondary"
                  testId="cancel-change"
                  run={async (status) => {
                    const sig = await send(connection, wallet, await cancelParamsIxs(program, snap.address, me!), status);
                    onDone();
                    return sig;
                  }}
                />
              </div>
            ) : null}
          </>
        )}
      </Card>

      <Card title="Pause and withdraw-only" testId="pause">
        <div className="checks">
          {PAUSE_FLAGS.map((f) => (
            <label key={f.bit} className="check">
              <input
                type="checkbox"
                data-testid={`pause-${f.name}`}
                disabled={!(isAuthority || isGuardian)}
                checked={(paused & f.bit) !== 0}
                onChange={(e) => setPaused(e.target.checked ? paused | f.bit : paused & ~f.bit)}
              />{" "}
              {f.label} paused
            </label>
          ))}
          <label className="check">
            <input
              type="checkbox"
              data-testid="withdraw-only"
              disabled={!(isAuthority || isGuardian)}
              checked={withdrawOnly}
              onChange={(e) => setWithdrawOnly(e.target.checked)}
            />{" "}
            Withdraw-only mode (no deposits, no hedge increases)
          </label>
        </div>
        {isAuthority || isGuardian ? (
          wallet ? (
            <Action
              label="Save pause settings"
              kind="danger"
              testId="save-pause"
              disabled={paused === v.paused && withdrawOnly === v.withdrawOnly}
              run={async (status) => {
                const sig = await send(connection, wallet, await setPauseIxs(program, snap.address, me!, paused, withdrawOnly), status);
                onDone();
                return sig;
              }}
            />
          ) : null
        ) : (
          <p className="muted">Only the authority or the guardian can pause.</p>
        )}
      </Card>
    </div>
  );
}
