// Controls of the local simulation (`hedge-sim simulate --serve`): advance chain time and
// get test collateral. Shown only against a loopback endpoint.
import { useWallet } from "@solana/wallet-adapter-react";
import { Action } from "../../../components/ui";
import { advanceTime, faucet } from "../data-access/sim";

export function SimBar({ rpc, onDone, stepUnix, decimals }: { rpc: string; onDone: () => void; stepUnix: number; decimals: number }) {
  const { publicKey } = useWallet();
  return (
    <div className="simbar" data-testid="simbar">
      <span className="muted">Local simulation · chain time {new Date(stepUnix * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC</span>
      {[
        ["+1 hour", 3600],
        ["+1 day", 86400],
      ].map(([label, secs]) => (
        <Action
          key={label}
          label={`Advance ${label}`}
          kind="secondary"
          testId={`advance-${secs}`}
          run={async () => {
            await advanceTime(rpc, Number(secs));
            onDone();
          }}
        />
      ))}
      {publicKey ? (
        <Action
          label="Get 100 test collateral"
          kind="secondary"
          testId="faucet"
          run={async () => {
            await faucet(rpc, publicKey.toBase58(), 100n * 10n ** BigInt(decimals));
            onDone();
          }}
        />
      ) : null}
    </div>
  );
}
