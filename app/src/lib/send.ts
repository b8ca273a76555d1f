// Sending a transaction: sign with the wallet, send with preflight, then poll
// `getSignatureStatuses` until it is confirmed, failed or expired. Polling (instead of a
// websocket subscription) works against every RPC, the local simulation included.
import {
  Connection,
  PublicKey,
  Transaction,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from "@solana/web3.js";

/** What the app needs from a wallet (wallet-adapter's `useWallet()` provides it). */
export interface Signer {
  publicKey: PublicKey;
  signTransaction<T extends Transaction | VersionedTransaction>(tx: T): Promise<T>;
}

/** A transaction that landed but failed, with its logs. */
export class TransactionFailed extends Error {
  constructor(
    public transactionError: unknown,
    public logs: string[] | undefined,
    public signature: string,
  ) {
    super(`transaction ${signature} failed: ${JSON.stringify(transactionError)}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Simulates `ixs` paid by `payer` (no signature needed). Returns logs, units, error. */
export async function simulate(connection: Connection, payer: PublicKey, ixs: TransactionInstruction[]) {
  const { blockhash } = await connection.getLatestBlockhash();
  const msg = new TransactionMessage({ payerKey: payer, recentBlockhash: blockhash, instructions: ixs }).compileToLegacyMessage();
  const res = await connection.simulateTransaction(new VersionedTransaction(msg), {
    sigVerify: false,
    replaceRecentBlockhash: true,
  });
  return { err: res.value.err, logs: res.value.logs ?? [], units: res.value.unitsConsumed ?? 0 };
}

/** Signs, sends and confirms `ixs`. Resolves with the signature; throws on any failure. */
export async function send(
  connection: Connection,
  wallet: Signer,
  ixs: TransactionInstruction[],
  onStatus?: (s: string) => void,
): Promise<string> {
  const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash("confirmed");
  const tx = new Transaction({ feePayer: wallet.publicKey, blockhash, lastValidBlockHeight }).add(...ixs);
  onStatus?.("Waiting for your wallet…");
  const signed = await wallet.signTransaction(tx);
  onStatus?.("Sending…");
  const signature = await connection.sendRawTransaction(signed.serialize(), { preflightCommitment: "confirmed" });
  onStatus?.("Confirming…");
  for (let i = 0; ; i++) {
    const st = (await connection.getSignatureStatuses([signature])).value[0];
    if (st?.err) {
      const tx = await connection.getTransaction(signature, { commitment: "confirmed", maxSupportedTransactionVersion: 0 });
      throw new TransactionFailed(st.err, tx?.meta?.logMessages ?? undefined, signature);
    }
    if (st && (st.confirmationStatus === "confirmed" || st.confirmationStatus === "finalized")) return signature;
    if (i % 4 === 3 && (await connection.getBlockHeight("confirmed")) > lastValidBlockHeight) {
      throw new TransactionFailed("BlockhashNotFound", undefined, signature);
    }
    await sleep(400);
  }
}
