// The app shell: providers (TanStack Query, connection, wallets), the header and the
// three feature pages. Data access and UI live per feature under features/<feature>/.
import { ConnectionProvider, useConnection, useWallet, WalletProvider } from "@solana/wallet-adapter-react";
import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { ErrorBox, Loading } from "./components/ui";
import { useUser } from "./features/account/data-access/use-user";
import { DepositWithdraw } from "./features/account/ui/DepositWithdraw";
import { Governance } from "./features/governance/ui/Governance";
import { gammaMap } from "./features/simulation/data-access/sim";
import { SimBar } from "./features/simulation/ui/SimBar";
import { useHistory, useVault } from "./features/vault/data-access/use-vault";
import { Overview } from "./features/vault/ui/Overview";
import { LocalBurnerWalletAdapter } from "./features/wallet/data-access/burner";
import { WalletBar } from "./features/wallet/ui/WalletBar";
import { readConfig, type AppConfig } from "./lib/config";
import { duration, formatUnits, short } from "./lib/format";
import type { Signer } from "./lib/send";

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

function Shell({ cfg }: { cfg: AppConfig }) {
  const { connection } = useConnection();
  const wallet = useWallet();
  const [tab, setTab] = useTab();
  const { program, address, snap, error, refresh } = useVault(connection, cfg.vault, wallet.publicKey);
  const done = () => void refresh();
  const user = useUser(connection, program, snap, wallet.publicKey);
  const history = useHistory(connection, program, address);
  // The gamma map, from the local simulation (recomputed when the chain moves on).
  const gamma = useQuery({
    queryKey: ["gamma-map", cfg.rpc, snap?.clock.slot ?? null],
    queryFn: () => gammaMap(cfg.rpc),
    enabled: cfg.local && snap !== undefined && snap !== null,
    staleTime: 10_000,
    retry: false,
  });
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
          <Overview
            snap={snap}
            history={history.items}
            historyError={history.error}
            gamma={{ local: cfg.local, levels: gamma.data, error: gamma.error ?? undefined }}
          />
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
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false, staleTime: 1000 } } }),
  );
  return (
    <QueryClientProvider client={queryClient}>
    <ConnectionProvider endpoint={config.rpc} config={{ commitment: "confirmed", disableRetryOnRateLimit: true }}>
      <WalletProvider wallets={wallets} autoConnect>
        <Shell cfg={config} />
      </WalletProvider>
    </ConnectionProvider>
    </QueryClientProvider>
  );
}
