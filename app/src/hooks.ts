// Data the pages show, polled from the chain. Everything priced (NAV, Greeks, delta,
// band) comes from the program itself: accounts it wrote, or `check_delta` simulated
// against the current oracle price. The app does no pricing math of its own.
import type { Program } from "@anchor-lang/core";
import { Connection, PublicKey } from "@solana/web3.js";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { HedgeVault } from "./generated/hedge_vault";
import { fx } from "./lib/format";
import { simulate } from "./lib/send";
import {
  chainClock,
  checkDeltaIx,
  findVaults,
  liveVenues,
  parseEvents,
  pendingAddress,
  requestAddress,
  settleFundingIx,
  userAccounts,
  vaultProgram,
  venueProgram,
  type DeltaChecked,
  type MarginAccount,
  type Market,
  type PendingParams,
  type ProgramEvent,
  type VaultAccount,
  type WithdrawRequest,
} from "./lib/vault";

const POLL_MS = 2500;

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

/** Finds the vault (configured, or the program's first) and polls it. */
export function useVault(connection: Connection, configured: string | undefined, payer: PublicKey | null) {
  const program = useMemo(() => vaultProgram(connection), [connection]);
  const venue = useMemo(() => venueProgram(connection), [connection]);
  const [address, setAddress] = useState<PublicKey | null>(configured ? new PublicKey(configured) : null);
  const [snap, setSnap] = useState<Snapshot | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    if (address) return;
    let stop = false;
    const find = async () => {
      try {
        const found = await findVaults(program);
        if (stop) return;
        if (found.length === 0) setError(new Error("No vault found on this endpoint yet."));
        else setAddress(found[0]);
      } catch (e) {
        if (!stop) setError(e);
      }
    };
    find();
    const t = setInterval(find, POLL_MS * 2);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, [address, program]);

  useEffect(() => {
    if (!address) return;
    let stop = false;
    const load = async () => {
      try {
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
        if (!stop) {
          setSnap({ address, vault, supply, clock, live, pending, venues });
          setError(null);
        }
      } catch (e) {
        if (!stop) setError(e);
      }
    };
    load();
    const t = setInterval(load, POLL_MS);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, [address, program, venue, connection, payer, tick]);

  return { program, address, snap, error, refresh };
}

/** The connected wallet's balances and withdrawal request. */
export function useUser(connection: Connection, program: Program<HedgeVault>, snap: Snapshot | null, owner: PublicKey | null, tick: number) {
  const [user, setUser] = useState<UserState | null>(null);
  const vault = snap?.vault;
  const address = snap?.address;
  useEffect(() => {
    if (!vault || !address || !owner) {
      setUser(null);
      return;
    }
    let stop = false;
    const load = async () => {
      const acc = userAccounts(vault, owner);
      try {
        const [collateral, shares, lamports, request] = await Promise.all([
          tokenBalance(connection, acc.collateral),
          tokenBalance(connection, acc.shares),
          connection.getBalance(owner),
          program.account.withdrawRequest.fetchNullable(requestAddress(program.programId, address, owner)),
        ]);
        if (!stop) setUser({ collateral, shares, lamports, request });
      } catch {
        /* keep the last state; the vault poll reports connectivity */
      }
    };
    load();
    const t = setInterval(load, POLL_MS);
    return () => {
      stop = true;
      clearInterval(t);
    };
    // Reload when the vault's state moves (sequence, supply) or on demand.
  }, [connection, program, vault, address, owner, tick]);
  return user;
}

export interface HistoryItem {
  signature: string;
  /** Block time (unix seconds). */
  time: number;
  event: ProgramEvent;
}

/** `DeltaChecked` / `Rebalanced` / user events of the vault, from its transaction history. */
export function useHistory(connection: Connection, program: Program<HedgeVault>, address: PublicKey | null) {
  const [items, setItems] = useState<HistoryItem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const seen = useRef(new Set<string>());
  useEffect(() => {
    if (!address) return;
    let stop = false;
    const load = async () => {
      try {
        const sigs = await connection.getSignaturesForAddress(address, { limit: 300 }, "confirmed");
        const fresh = sigs.filter((s) => !s.err && !seen.current.has(s.signature));
        if (fresh.length === 0) return;
        const txs = await connection.getTransactions(
          fresh.map((s) => s.signature),
          { commitment: "confirmed", maxSupportedTransactionVersion: 0 },
        );
        const add: HistoryItem[] = [];
        txs.forEach((tx, i) => {
          seen.current.add(fresh[i].signature);
          for (const event of parseEvents(program, tx?.meta?.logMessages ?? [])) {
            add.push({ signature: fresh[i].signature, time: tx?.blockTime ?? 0, event });
          }
        });
        if (!stop && add.length) setItems((old) => [...old, ...add].sort((a, b) => a.time - b.time).slice(-2000));
        if (!stop) setError(null);
      } catch (e) {
        // Shown next to the chart; retried on the next poll.
        if (!stop) setError(e);
      }
    };
    load();
    const t = setInterval(load, POLL_MS * 2);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, [connection, program, address]);
  return { items, error };
}
