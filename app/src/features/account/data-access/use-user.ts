// The connected wallet's balances and withdrawal request, polled with TanStack Query.
import type { Program } from "@anchor-lang/core";
import { Connection, PublicKey } from "@solana/web3.js";
import { useQuery } from "@tanstack/react-query";
import type { HedgeVault } from "../../../generated/hedge_vault";
import { POLL_MS, type Snapshot } from "../../vault/data-access/use-vault";
import { requestAddress, userAccounts, type WithdrawRequest } from "../../vault/data-access/vault-client";

export interface UserState {
  /** Collateral in the wallet's associated token account (base units). */
  collateral: bigint;
  /** Shares in the wallet's associated token account (base units). */
  shares: bigint;
  /** SOL for fees (lamports). */
  lamports: number;
  request: WithdrawRequest | null;
}

async function tokenBalance(connection: Connection, account: PublicKey): Promise<bigint> {
  try {
    const b = await connection.getTokenAccountBalance(account);
    return BigInt(b.value.amount);
  } catch {
    return 0n; // the account does not exist yet
  }
}

/** The wallet's state in the vault, or null without a wallet (or before the vault loads). */
export function useUser(connection: Connection, program: Program<HedgeVault>, snap: Snapshot | null, owner: PublicKey | null): UserState | null {
  const vault = snap?.vault;
  const address = snap?.address;
  const user = useQuery({
    queryKey: ["user", connection.rpcEndpoint, address?.toBase58() ?? null, owner?.toBase58() ?? null],
    queryFn: async (): Promise<UserState> => {
      const acc = userAccounts(vault!, owner!);
      const [collateral, shares, lamports, request] = await Promise.all([
        tokenBalance(connection, acc.collateral),
        tokenBalance(connection, acc.shares),
        connection.getBalance(owner!),
        program.account.withdrawRequest.fetchNullable(requestAddress(program.programId, address!, owner!)),
      ]);
      return { collateral, shares, lamports, request };
    },
    enabled: Boolean(vault && address && owner),
    refetchInterval: POLL_MS,
    // A failed poll keeps the last state; the vault poll reports connectivity.
    retry: false,
  });
  return owner && vault ? (user.data ?? null) : null;
}
