// The vault's state, read from the chain with TanStack Query (polled, cached, refreshed
// after each action). Everything priced (NAV, Greeks, delta, band) comes from the program
// itself: accounts it wrote, or `check_delta` simulated against the current oracle price.
// The app does no pricing math of its own.
import type { Program } from "@anchor-lang/core";
import { Connection, PublicKey } from "@solana/web3.js";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import type { HedgeVault } from "../../../generated/hedge_vault";
import { fx } from "../../../lib/format";
import { simulate } from "../../../lib/send";
import {
  chainClock,
  checkDeltaIx,
  findVaults,
  liveVenues,
  parseEvents,
  pendingAddress,
  settleFundingIx,
  vaultProgram,
  venueProgram,
  type DeltaChecked,
  type MarginAccount,
  type Market,
  type PendingParams,
  type ProgramEvent,
  type VaultAccount,
} from "./vault-client";

/** How often the chain is polled (ms). */
export const POLL_MS = 2500;

export interface Snapshot {
  address: PublicKey;
  vault: VaultAccount;
  /** Share mint supply (share base units). */
  supply: bigint;
  /** Chain time (unix seconds) and slot. */
  clock: { unix: number; slot: number };
  /** The program's own delta check at the current oracle price; `error` when it refuses (stale oracle…). */
  live: { event?: DeltaChecked; error?: unknown };
  pending: PendingParams | null;
  /**
   * Per configured venue: its market and the vault's margin account, and the funding the
   * hedge would pay (+) or receive (−) if settled now (quote, from the venue's own
   * `settle_funding`, simulated; undefined when it cannot be simulated).
   */
  venues: { market: Market | null; margin: MarginAccount | null; fundingOwed?: number }[];
}

async function loadSnapshot(
  connection: Connection,
  program: Program<HedgeVault>,
  venue: ReturnType<typeof venueProgram>,
  address: PublicKey,
  payer: PublicKey | null,
): Promise<Snapshot> {
  const vault = await program.account.vault.fetch(address);
  const [supply, clock, pending] = await Promise.all([
    connection.getTokenSupply(vault.shareMint).then((s) => BigInt(s.value.amount)),
    chainClock(connection),
    program.account.pendingParams.fetchNullable(pendingAddress(program.programId, address)),
  ]);
  const venues = await Promise.all(
    liveVenues(vault).map(async (v) => {
      const market = await venue.account.market.fetchNullable(v.market);
      const margin = await venue.account.marginAccount.fetchNullable(v.marginAccount);
      let fundingOwed: number | undefined;
      if (market && margin) {
        const ix = await settleFundingIx(venue, v.market, market, v.marginAccount);
        const sim = await simulate(connection, payer ?? vault.authority, [ix]).catch(() => null);
        const ev = sim && !sim.err ? parseEvents(venue, sim.logs).find((e) => e.name === "fundingSettled") : undefined;
        if (ev) fundingOwed = fx(ev.data.paidFx as { toString(): string });
      }
      return { market, margin, fundingOwed };
    }),
  );
  const live: Snapshot["live"] = {};
  try {
    const sim = await simulate(connection, payer ?? vault.authority, [await checkDeltaIx(program, address, vault)]);
    const noPayer = !payer && ["AccountNotFound", "InsufficientFundsForFee", "InvalidAccountForFee"].includes(String(sim.err));
    if (noPayer) live.error = new Error("Connect a wallet to see the live delta and Greeks: simulating check_delta needs a fee payer.");
    else if (sim.err) live.error = Object.assign(new Error("check_delta refused"), { transactionError: sim.err, logs: sim.logs });
    else live.event = parseEvents(program, sim.logs).find((e) => e.name === "deltaChecked")?.data as DeltaChecked;
  } catch (e) {
    live.error = e;
  }
  return { address, vault, supply, clock, live, pending, venues };
}

/** Finds the vault (configured, or the program's first) and polls it. */
export function useVault(connection: Connection, configured: string | undefined, payer: PublicKey | null) {
  const program = useMemo(() => vaultProgram(connection), [connection]);
  const venue = useMemo(() => venueProgram(connection), [connection]);
  const queryClient = useQueryClient();
  const endpoint = connection.rpcEndpoint;

  const found = useQuery({
    queryKey: ["vault-address", endpoint, configured ?? null],
    queryFn: async () => {
      if (configured) return new PublicKey(configured);
      const all = await findVaults(program);
      if (all.length === 0) throw new Error("No vault found on this endpoint yet.");
      return all[0];
    },
    // Keep looking until a vault exists; then the address is settled.
    refetchInterval: (q) => (q.state.data ? false : POLL_MS * 2),
    retry: false,
  });
  const address = found.data ?? null;

  const snapshot = useQuery({
    queryKey: ["vault", endpoint, address?.toBase58() ?? null, payer?.toBase58() ?? null],
    queryFn: () => loadSnapshot(connection, program, venue, address!, payer),
    enabled: address !== null,
    refetchInterval: POLL_MS,
    retry: false,
  });

  // After an action: re-read everything this endpoint shows (vault, wallet, history).
  const refresh = useCallback(() => queryClient.invalidateQueries({ queryKey: [] }), [queryClient]);
  const error = snapshot.error ?? (found.error && !address ? found.error : null);
  return { program, address, snap: snapshot.data ?? null, error, refresh };
}

export interface HistoryItem {
  signature: string;
  /** Block time (unix seconds). */
  time: number;
  event: ProgramEvent;
}

/** `DeltaChecked` / `Rebalanced` / user events of the vault, from its transaction history. */
export function useHistory(connection: Connection, program: Program<HedgeVault>, address: PublicKey | null) {
  const queryClient = useQueryClient();
  const key = ["history", connection.rpcEndpoint, address?.toBase58() ?? null];
  const history = useQuery({
    queryKey: key,
    queryFn: async (): Promise<HistoryItem[]> => {
      // Only transactions not seen yet are fetched; the list grows from the cached one.
      const old = queryClient.getQueryData<HistoryItem[]>(key) ?? [];
      const seen = new Set(old.map((i) => i.signature));
      const sigs = await connection.getSignaturesForAddress(address!, { limit: 300 }, "confirmed");
      const fresh = sigs.filter((s) => !s.err && !seen.has(s.signature));
      if (fresh.length === 0) return old;
      const txs = await connection.getTransactions(
        fresh.map((s) => s.signature),
        { commitment: "confirmed", maxSupportedTransactionVersion: 0 },
      );
      const add: HistoryItem[] = [];
      txs.forEach((tx, i) => {
        for (const event of parseEvents(program, tx?.meta?.logMessages ?? [])) {
          add.push({ signature: fresh[i].signature, time: tx?.blockTime ?? 0, event });
        }
      });
      return [...old, ...add].sort((a, b) => a.time - b.time).slice(-2000);
    },
    enabled: address !== null,
    refetchInterval: POLL_MS * 2,
    retry: false,
  });
  // A failed poll keeps the last list; the error is shown next to the chart.
  return { items: history.data ?? [], error: history.error };
}
