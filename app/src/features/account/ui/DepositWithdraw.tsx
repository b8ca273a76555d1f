import type { Program } from "@anchor-lang/core";
import { Connection, PublicKey } from "@solana/web3.js";
import { useEffect, useState } from "react";
import { Action, Card, Empty, ErrorBox, Stat } from "../../../components/ui";
import type { HedgeVault } from "../../../generated/hedge_vault";
import type { Snapshot } from "../../vault/data-access/use-vault";
import type { UserState } from "../data-access/use-user";
import { duration, formatUnits, parseUnits, utc } from "../../../lib/format";
import { send, simulate, type Signer } from "../../../lib/send";
import { cancelWithdrawIxs, completeWithdrawIxs, depositIxs, parseEvents, requestWithdrawIxs } from "../../vault/data-access/vault-client";

/** Slippage accepted between the preview and execution (parts per thousand). */
const SLIPPAGE_PERMILLE = 5n;

interface Props {
  connection: Connection;
  program: Program<HedgeVault>;
  snap: Snapshot;
  user: UserState | null;
  wallet: Signer | null;
  onDone: () => void;
}

type Preview = { value?: bigint; error?: unknown; busy?: boolean };

/** Simulates `build()` and reads `field` of event `name` from the logs (debounced). */
function usePreview(
  key: string,
  enabled: boolean,
  connection: Connection,
  program: Program<HedgeVault>,
  payer: PublicKey | null,
  build: () => Promise<Parameters<typeof simulate>[2]>,
  name: string,
  field: string,
): Preview {
  const [p, setP] = useState<Preview>({});
  useEffect(() => {
    if (!enabled || !payer) {
      setP({});
      return;
    }
    let stop = false;
    setP({ busy: true });
    const t = setTimeout(async () => {
      try {
        const sim = await simulate(connection, payer, await build());
        if (stop) return;
        if (sim.err) setP({ error: Object.assign(new Error("simulation failed"), { transactionError: sim.err, logs: sim.logs }) });
        else {
          const ev = parseEvents(program, sim.logs).find((e) => e.name === name);
          setP({ value: ev ? BigInt(String(ev.data[field])) : undefined });
        }
      } catch (e) {
        if (!stop) setP({ error: e });
      }
    }, 350);
    return () => {
      stop = true;
      clearTimeout(t);
    };
    // `key` captures the inputs `build` depends on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, enabled, payer]);
  return p;
}

function parse(text: string, decimals: number): { value?: bigint; error?: unknown } {
  if (!text.trim()) return {};
  try {
    return { value: parseUnits(text, decimals) };
  } catch (e) {
    return { error: e };
  }
}

export function DepositWithdraw({ connection, program, snap, user, wallet, onDone }: Props) {
  const v = snap.vault;
  const dec = v.decimals;
  const [depositText, setDepositText] = useState("");
  const [sharesText, setSharesText] = useState("");
  const dep = parse(depositText, dec);
  const wd = parse(sharesText, dec);
  const me = wallet?.publicKey ?? null;

  const depPreview = usePreview(
    `${depositText}|${snap.vault.sequence.toString()}`,
    dep.value !== undefined && dep.value > 0n,
    connection,
    program,
    me,
    () => depositIxs(program, snap.address, v, me!, dep.value!, 0n),
    "deposited",
    "shares",
  );
  const wdPreview = usePreview(
    `${sharesText}|${snap.vault.sequence.toString()}`,
    wd.value !== undefined && wd.value > 0n,
    connection,
    program,
    me,
    () => requestWithdrawIxs(program, snap.address, v, me!, wd.value!),
    "withdrawRequested",
    "assetsAtRequest",
  );

  if (!wallet || !me) return <Empty>Connect a wallet to deposit or withdraw.</Empty>;
  if (!user) return <Empty>Loading your balances…</Empty>;

  const req = user.request;
  const unlockAt = req ? Number(req.unlockAt.toString()) : 0;
  const remaining = unlockAt - snap.clock.unix;
  const insufficient = dep.value !== undefined && dep.value > user.collateral;
  const tooManyShares = wd.value !== undefined && wd.value > user.shares;

  return (
    <div className="grid">
      <Card title="Your position">
        <div className="stats">
          <Stat label="Wallet collateral" value={formatUnits(user.collateral, dec, 6)} unit="collateral" testId="wallet-collateral" />
          <Stat label="Your shares" value={formatUnits(user.shares, dec, 6)} unit="shares" testId="share-balance" />
          <Stat label="SOL for fees" value={formatUnits(BigInt(user.lamports), 9, 4)} unit="SOL" />
        </div>
        {user.lamports === 0 ? <p className="warn">This wallet has no SOL to pay transaction fees.</p> : null}
      </Card>

      <Card title="Deposit">
        <label>
          Amount <span className="unit">(collateral tokens)</span>
          <div className="row">
            <input
              data-testid="deposit-amount"
              inputMode="decimal"
              placeholder="0.0"
              value={depositText}
              onChange={(e) => setDepositText(e.target.value)}
            />
            <button className="secondary" onClick={() => setDepositText(formatUnits(user.collateral, dec).replace(/,/g, ""))}>
              Max
            </button>
          </div>
        </label>
        {dep.error ? <ErrorBox error={dep.error} /> : null}
        {insufficient ? <p className="warn">More than your wallet holds.</p> : null}
        <p className="preview" data-testid="deposit-preview">
          {depPreview.busy
            ? "Simulating…"
            : depPreview.value !== undefined
              ? `You receive ≈ ${formatUnits(depPreview.value, dec, 6)} shares (at least ${formatUnits(
                  (depPreview.value * (1000n - SLIPPAGE_PERMILLE)) / 1000n,
                  dec,
                  6,
                )} with 0.5 % slippage)`
              : "Enter an amount to preview the shares you receive."}
        </p>
        {depPreview.error ? <ErrorBox error={depPreview.error} testId="deposit-preview-error" /> : null}
        <Action
          label="Deposit"
          testId="deposit-submit"
          disabled={!dep.value || insufficient || depPreview.value === undefined}
          run={async (status) => {
            const min = ((depPreview.value ?? 0n) * (1000n - SLIPPAGE_PERMILLE)) / 1000n;
            const sig = await send(connection, wallet, await depositIxs(program, snap.address, v, me, dep.value!, min), status);
            setDepositText("");
            onDone();
            return sig;
          }}
        />
      </Card>

      <Card title="Withdraw">
        {req ? (
          <div data-testid="pending-withdrawal">
            <div className="stats">
              <Stat label="Shares in escrow" value={formatUnits(BigInt(req.shares.toString()), dec, 6)} unit="shares" />
              <Stat label="Value at request" value={formatUnits(BigInt(req.assetsAtRequest.toString()), dec, 6)} unit="collateral" />
              <Stat label="Unlocks" value={utc(unlockAt)} />
              <Stat label="Time left" value={remaining > 0 ? duration(remaining) : "ready"} testId="withdraw-countdown" />
            </div>
            <p className="muted">You receive the lower of the value at request and the value at completion.</p>
            <div className="row">
              <Action
                label="Complete withdrawal"
                testId="withdraw-complete"
                disabled={remaining > 0}
                run={async (status) => {
                  const sig = await send(connection, wallet, await completeWithdrawIxs(program, snap.address, v, me), status);
                  onDone();
                  return sig;
                }}
              />
              <Action
                label="Cancel"
                kind="secondary"
                testId="withdraw-cancel"
                run={async (status) => {
                  const sig = await send(connection, wallet, await cancelWithdrawIxs(program, snap.address, v, me), status);
                  onDone();
                  return sig;
                }}
              />
            </div>
          </div>
        ) : (
          <>
            <label>
              Shares to redeem <span className="unit">(shares)</span>
              <div className="row">
                <input
                  data-testid="withdraw-shares"
                  inputMode="decimal"
                  placeholder="0.0"
                  value={sharesText}
                  onChange={(e) => setSharesText(e.target.value)}
                />
                <button className="secondary" onClick={() => setSharesText(formatUnits(user.shares, dec).replace(/,/g, ""))}>
                  Max
                </button>
              </div>
            </label>
            {wd.error ? <ErrorBox error={wd.error} /> : null}
            {tooManyShares ? <p className="warn">More shares than you hold.</p> : null}
            <p className="preview">
              {wdPreview.busy
                ? "Simulating…"
                : wdPreview.value !== undefined
                  ? `Worth ≈ ${formatUnits(wdPreview.value, dec, 6)} collateral now; claimable after ${duration(v.params.limits.withdrawalDelaySecs)}.`
                  : `Withdrawals unlock ${duration(v.params.limits.withdrawalDelaySecs)} after the request.`}
            </p>
            {wdPreview.error ? <ErrorBox error={wdPreview.error} /> : null}
            <Action
              label="Request withdrawal"
              testId="withdraw-request"
              disabled={!wd.value || tooManyShares}
              run={async (status) => {
                const sig = await send(connection, wallet, await requestWithdrawIxs(program, snap.address, v, me, wd.value!), status);
                setSharesText("");
                onDone();
                return sig;
              }}
            />
          </>
        )}
      </Card>
    </div>
  );
}
