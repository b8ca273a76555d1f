import { ConnectionProvider, useConnection, useWallet, WalletProvider } from "@solana/wallet-adapter-react";
import { WalletReadyState } from "@solana/wallet-adapter-base";
import { useEffect, useMemo, useState } from "react";
import { Action, ErrorBox, Loading } from "./components/ui";
import { useHistory, useUser, useVault } from "./hooks";
import { LocalBurnerWalletAdapter } from "./lib/burner";
import { readConfig, type AppConfig } from "./lib/config";
import { duration, formatUnits, short } from "./lib/format";
import type { Signer } from "./lib/send";
import { advanceTime, faucet } from "./lib/sim";
import { DepositWithdraw } from "./pages/DepositWithdraw";
import { Governance } from "./pages/Governance";
import { Overview } from "./pages/Overview";

const config = readConfig(window.location.search, import.meta.env as { VITE_RPC_URL?: string; VITE_VAULT?: string });

type Tab = "overview" | "deposit" | "governance";
const TABS: { id: Tab; label: string }[] = [
  { id: "overview", label: "Overview" },
  { id: "deposit", label: "Deposit & withdraw" },
  { id: "governance", label: "Governance" },
];

function useTab(): [Tab, (t: Tab) => void] {
  const read = () => (TABS.find((t) => `#/${t.id}` === window.location.hash)?.id ?? "overview") as Tab;
  const [tab, setTab] = useState<Tab>(read);
  useEffect(() => {
    const on = () => setTab(read());
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return [tab, (t) => (window.location.hash = `/${t}`)];
}

function WalletBar() {
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

function SimBar({ rpc, onDone, stepUnix, decimals }: { rpc: string; onDone: () => void; stepUnix: number; decimals: number }) {
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

function Shell({ cfg }: { cfg: AppConfig }) {
  const { connection } = useConnection();
  const wallet = useWallet();
  const [tab, setTab] = useTab();
  const { program, address, snap, error, refresh } = useVault(connection, cfg.vault, wallet.publicKey);
  const [tick, setTick] = useState(0);
  const done = () => {
    refresh();
    setTick((t) => t + 1);
  };
  const user = useUser(connection, program, snap, wallet.publicKey, tick);
  const history = useHistory(connection, program, address);
  const signer: Signer | null =
    wallet.publicKey && wallet.signTransaction ? { publicKey: wallet.publicKey, signTransaction: wallet.signTransaction } : null;

  return (
    <div className="app">
      <header>
        <div className="brand">
          <strong>Hedge vault</strong>
          <span className="muted" title={cfg.rpc}>
            {cfg.local ? "local simulation" : cfg.rpc}
          </span>
        </div>
        <nav>
          {TABS.map((t) => (
            <button key={t.id} className={tab === t.id ? "tab active" : "tab"} data-testid={`tab-${t.id}`} onClick={() => setTab(t.id)}>
              {t.label}
            </button>
          ))}
        </nav>
        <WalletBar />
      </header>
      {cfg.local && snap ? <SimBar rpc={cfg.rpc} onDone={done} stepUnix={snap.clock.unix} decimals={snap.vault.decimals} /> : null}
      {snap ? (
        <p className="vault-line muted">
          Vault <span title={snap.address.toBase58()}>{short(snap.address)}</span> · collateral {short(snap.vault.collateralMint)} ·{" "}
          {formatUnits(snap.supply, snap.vault.decimals, 2)} shares · withdrawal delay {duration(snap.vault.params.limits.withdrawalDelaySecs)}
        </p>
      ) : null}
      <main>
        {error ? <ErrorBox error={error} /> : null}
        {!snap ? (
          error ? null : <Loading what="the vault" />
        ) : tab === "overview" ? (
          <Overview snap={snap} history={history.items} historyError={history.error} />
        ) : tab === "deposit" ? (
          <DepositWithdraw connection={connection} program={program} snap={snap} user={user} wallet={signer} onDone={done} />
        ) : (
          <Governance connection={connection} program={program} snap={snap} wallet={signer} rpc={cfg.rpc} local={cfg.local} onDone={done} />
        )}
      </main>
    </div>
  );
}

export function App() {
  // The burner exists only against a loopback endpoint; real wallets come through
  // wallet-standard discovery (wallet-adapter lists them automatically).
  const wallets = useMemo(() => (config.local ? [new LocalBurnerWalletAdapter()] : []), []);
  return (
    <ConnectionProvider endpoint={config.rpc} config={{ commitment: "confirmed", disableRetryOnRateLimit: true }}>
      <WalletProvider wallets={wallets} autoConnect>
        <Shell cfg={config} />
      </WalletProvider>
    </ConnectionProvider>
  );
}
