// Wallet selection: wallet-standard wallets (listed by wallet-adapter) and, against a
// loopback endpoint only, the local burner.
import { WalletReadyState } from "@solana/wallet-adapter-base";
import { useWallet } from "@solana/wallet-adapter-react";
import { useState } from "react";
import { short } from "../../../lib/format";

export function WalletBar() {
  const { wallets, wallet, publicKey, select, disconnect, connecting } = useWallet();
  const [open, setOpen] = useState(false);
  const usable = wallets.filter((w) => w.readyState === WalletReadyState.Installed || w.readyState === WalletReadyState.Loadable);
  // Selecting a wallet is enough: WalletProvider's autoConnect connects it.
  if (publicKey)
    return (
      <div className="wallet">
        <span className="addr" data-testid="wallet-address" title={publicKey.toBase58()}>
          {wallet?.adapter.name}: {short(publicKey)}
        </span>
        <button className="secondary" onClick={() => disconnect()}>
          Disconnect
        </button>
      </div>
    );
  return (
    <div className="wallet">
      <button data-testid="connect-wallet" onClick={() => setOpen(!open)}>
        {connecting ? "Connecting…" : "Connect wallet"}
      </button>
      {open ? (
        <ul className="menu" role="menu">
          {usable.length === 0 ? <li className="muted">No wallet found. Install a Solana wallet (wallet-standard).</li> : null}
          {usable.map((w) => (
            <li key={w.adapter.name}>
              <button
                data-testid={`wallet-${w.adapter.name}`}
                onClick={() => {
                  select(w.adapter.name);
                  setOpen(false);
                }}
              >
                <img src={w.adapter.icon} alt="" width={16} height={16} /> {w.adapter.name}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
