// A burner wallet for the local simulation only (the app offers it only when the RPC
// endpoint is on loopback). Its key lives in this browser's localStorage, so it survives
// a reload; it is never a wallet for real funds.
import {
  BaseSignerWalletAdapter,
  isVersionedTransaction,
  WalletNotConnectedError,
  WalletReadyState,
  type WalletName,
} from "@solana/wallet-adapter-base";
import { Keypair, type Transaction, type TransactionVersion, type VersionedTransaction } from "@solana/web3.js";

export const LocalBurnerName = "Local burner (simulation only)" as WalletName<"Local burner (simulation only)">;
const STORAGE_KEY = "hedge-vault:local-burner";

function loadOrCreate(): Keypair {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved) return Keypair.fromSecretKey(Uint8Array.from(JSON.parse(saved)));
  } catch {
    /* a corrupt entry is replaced below */
  }
  const kp = Keypair.generate();
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(Array.from(kp.secretKey)));
  } catch {
    /* private mode: the key lives for this page only */
  }
  return kp;
}

export class LocalBurnerWalletAdapter extends BaseSignerWalletAdapter {
  name = LocalBurnerName;
  url = "https://github.com/anza-xyz/wallet-adapter";
  icon =
    "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAzMiAzMiI+PGNpcmNsZSBjeD0iMTYiIGN5PSIxNiIgcj0iMTQiIGZpbGw9IiNmOTczMTYiLz48L3N2Zz4=";
  readonly supportedTransactionVersions: ReadonlySet<TransactionVersion> = new Set(["legacy", 0] as const);
  private keypair: Keypair | null = null;

  get connecting() {
    return false;
  }
  get publicKey() {
    return this.keypair?.publicKey ?? null;
  }
  get readyState() {
    return WalletReadyState.Loadable;
  }
  async connect() {
    this.keypair = loadOrCreate();
    this.emit("connect", this.keypair.publicKey);
  }
  async disconnect() {
    this.keypair = null;
    this.emit("disconnect");
  }
  async signTransaction<T extends Transaction | VersionedTransaction>(tx: T): Promise<T> {
    if (!this.keypair) throw new WalletNotConnectedError();
    if (isVersionedTransaction(tx)) tx.sign([this.keypair]);
    else tx.partialSign(this.keypair);
    return tx;
  }
}
