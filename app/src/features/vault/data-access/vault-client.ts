// The vault program from the app's side: the generated client (`Program<HedgeVault>`),
// PDA derivation from the IDL's seeds, and one builder per user or governance action.
// Every instruction comes from the IDL through @anchor-lang/core; nothing here encodes
// bytes by hand.
import { BN, BorshCoder, EventParser, Program, type IdlAccounts, type IdlTypes, type Provider } from "@anchor-lang/core";
import {
  createAssociatedTokenAccountIdempotentInstruction,
  getAssociatedTokenAddressSync,
} from "@solana/spl-token";
import { Connection, PublicKey, SystemProgram, SYSVAR_CLOCK_PUBKEY, TransactionInstruction } from "@solana/web3.js";
import HedgeVaultIdl from "../../../../../idl/hedge_vault.json";
import PerpVenueIdl from "../../../../../idl/perp_venue.json";
import { HEDGE_VAULT_CONSTANTS as C, type HedgeVault } from "../../../generated/hedge_vault";
import { PERP_VENUE_CONSTANTS, type PerpVenue } from "../../../generated/perp_venue";

export type VaultAccount = IdlAccounts<HedgeVault>["vault"];
export type PendingParams = IdlAccounts<HedgeVault>["pendingParams"];
export type WithdrawRequest = IdlAccounts<HedgeVault>["withdrawRequest"];
export type CoreParams = IdlTypes<HedgeVault>["coreParams"];
export type DeltaChecked = IdlTypes<HedgeVault>["deltaChecked"];
export type Rebalanced = IdlTypes<HedgeVault>["rebalanced"];
export type VenueConfig = IdlTypes<HedgeVault>["venueConfig"];
export type OptionLeg = IdlTypes<HedgeVault>["optionLeg"];
export type MarginAccount = IdlAccounts<PerpVenue>["marginAccount"];
export type Market = IdlAccounts<PerpVenue>["market"];

/** A read-only provider: building instructions and decoding accounts need no wallet. */
function readOnly(connection: Connection): Provider {
  return { connection } as Provider;
}

export function vaultProgram(connection: Connection): Program<HedgeVault> {
  return new Program(HedgeVaultIdl as unknown as HedgeVault, readOnly(connection));
}

export function venueProgram(connection: Connection): Program<PerpVenue> {
  return new Program(PerpVenueIdl as unknown as PerpVenue, readOnly(connection));
}

/** Withdrawal request PDA: `[WITHDRAW_SEED, vault, owner]`. */
export function requestAddress(programId: PublicKey, vault: PublicKey, owner: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync([C.WITHDRAW_SEED, vault.toBuffer(), owner.toBuffer()], programId)[0];
}

/** Queued parameter change PDA: `[PENDING_SEED, vault]`. */
export function pendingAddress(programId: PublicKey, vault: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync([C.PENDING_SEED, vault.toBuffer()], programId)[0];
}

/** Vaults of the program, found by their account discriminator (works on any RPC). */
export async function findVaults(program: Program<HedgeVault>): Promise<PublicKey[]> {
  const all = await program.account.vault.all();
  return all.map((a) => a.publicKey);
}

/** The chain's Clock: unix time (seconds) and slot. Countdowns use this, not the wall clock. */
export async function chainClock(connection: Connection): Promise<{ unix: number; slot: number }> {
  const acc = await connection.getAccountInfo(SYSVAR_CLOCK_PUBKEY);
  if (!acc) throw new Error("no Clock sysvar");
  const view = new DataView(acc.data.buffer, acc.data.byteOffset, acc.data.byteLength);
  return { slot: Number(view.getBigUint64(0, true)), unix: Number(view.getBigInt64(32, true)) };
}

/** A program event decoded from logs. */
export interface ProgramEvent {
  name: string;
  data: Record<string, unknown>;
}

/**
 * Events of a program in transaction logs (the validator's `Program data:` lines), read
 * with Anchor's `EventParser`, which attributes each line to the program executing it.
 */
export function parseEvents(program: Program<HedgeVault> | Program<PerpVenue>, logs: string[]): ProgramEvent[] {
  const parser = new EventParser(program.programId, new BorshCoder(program.idl));
  return [...parser.parseLogs(logs)].map((e) => ({ name: e.name, data: e.data as Record<string, unknown> }));
}

const live = (v: VaultAccount) => ({
  venues: (v.params.venues as VenueConfig[]).slice(0, v.params.venueCount),
  legs: (v.params.legs as OptionLeg[]).slice(0, v.params.legCount),
});

export const liveVenues = (v: VaultAccount) => live(v).venues;
export const liveLegs = (v: VaultAccount) => live(v).legs;

/** NAV (collateral base units) = total collateral + hedge equity (may be negative), as `Vault::total_assets`. */
export function totalAssets(v: VaultAccount): bigint {
  const t = BigInt(v.totalCollateral.toString()) + BigInt(v.hedgeEquity.toString());
  return t < 0n ? 0n : t;
}

/** Shares outstanding, accrued fee shares included (share base units). */
export function totalShares(v: VaultAccount, supply: bigint): bigint {
  return supply + BigInt(v.accruedFeeShares.toString());
}

/** Pyth's push oracle: it keeps sponsored `PriceUpdateV2` feeds at `[shard u16 LE, feed_id]`. */
export const PYTH_PUSH_ORACLE = new PublicKey("pythWSnswVUd12oZpeFP8e9CVaEqJg25g1Vtc2biRsT");

/** The price account of a feed: pull feeds live at Pyth's push-oracle PDA (shard 0), legacy feeds at their stored address. */
export function feedAccount(feed: VaultAccount["oracle"]["underlying"]): PublicKey {
  return "pythPull" in feed.source ? pullFeedAccount(feed.feedId) : feed.account;
}

/** Pyth's sponsored `PriceUpdateV2` account of a feed id (shard 0). */
export function pullFeedAccount(feedId: number[]): PublicKey {
  const shard = Buffer.alloc(2); // shard 0, little-endian u16
  return PublicKey.findProgramAddressSync([shard, Buffer.from(feedId)], PYTH_PUSH_ORACLE)[0];
}

/**
 * `settle_funding` of the perp venue for one margin account: permissionless, emits
 * `FundingSettled` with the funding owed up to now. Simulated (never sent) by the
 * overview, so the figure is the venue's own computation.
 */
export async function settleFundingIx(venue: Program<PerpVenue>, market: PublicKey, marketState: Market, margin: PublicKey) {
  return venue.methods
    .settleFunding()
    .accountsPartial({ market, marginAccount: margin, oracle: pullFeedAccount(marketState.feedId) })
    .instruction();
}

/** The oracle accounts the program reads, as optional accounts. */
function oracles(v: VaultAccount) {
  return {
    underlyingOracle: feedAccount(v.oracle.underlying),
    collateralOracle: v.oracle.hasCollateralFeed ? feedAccount(v.oracle.collateralFeed) : null,
  };
}

/** The token accounts of `owner` the app uses: associated token accounts. */
export function userAccounts(v: VaultAccount, owner: PublicKey) {
  return {
    collateral: getAssociatedTokenAddressSync(v.collateralMint, owner, true, v.tokenProgram),
    shares: getAssociatedTokenAddressSync(v.shareMint, owner, true, v.tokenProgram),
  };
}

/** Every configured venue's market and margin account, read-only: the remaining accounts of
 * each instruction that reads the venues (`refresh_nav`, `check_delta`, `apply_params`,
 * `rebalance`, `rebalance_margin`). */
export function venueAccounts(v: VaultAccount) {
  return liveVenues(v).flatMap((ven) => [
    { pubkey: ven.market, isSigner: false, isWritable: false },
    { pubkey: ven.marginAccount, isSigner: false, isWritable: false },
  ]);
}

/** `refresh_nav` with the venue accounts as remaining accounts, as every share-price read needs. */
export async function refreshNavIx(p: Program<HedgeVault>, address: PublicKey, v: VaultAccount): Promise<TransactionInstruction> {
  return p.methods
    .refreshNav()
    .accountsPartial({ vault: address, ...oracles(v) })
    .remainingAccounts(venueAccounts(v))
    .instruction();
}

/** `check_delta`: read-only, emits `DeltaChecked` (used by simulation for live Greeks). */
export async function checkDeltaIx(p: Program<HedgeVault>, address: PublicKey, v: VaultAccount) {
  return p.methods
    .checkDelta()
    .accountsPartial({ vault: address, ...oracles(v) })
    .remainingAccounts(venueAccounts(v))
    .instruction();
}

/** Deposit `amount` collateral base units, minting at least `minSharesOut` shares. */
export async function depositIxs(
  p: Program<HedgeVault>,
  address: PublicKey,
  v: VaultAccount,
  user: PublicKey,
  amount: bigint,
  minSharesOut: bigint,
): Promise<TransactionInstruction[]> {
  const acc = userAccounts(v, user);
  return [
    createAssociatedTokenAccountIdempotentInstruction(user, acc.shares, user, v.shareMint, v.tokenProgram),
    await refreshNavIx(p, address, v),
    await p.methods
      .deposit({ amount: new BN(amount.toString()), minSharesOut: new BN(minSharesOut.toString()) })
      .accountsPartial({
        user,
        vault: address,
        collateralMint: v.collateralMint,
        shareMint: v.shareMint,
        collateralVault: v.collateralVault,
        shareEscrow: v.shareEscrow,
        userCollateral: acc.collateral,
        userShares: acc.shares,
        tokenProgram: v.tokenProgram,
      })
      .instruction(),
  ];
}

/** The accounts `request_withdraw` and `cancel_withdraw` share: the owner's request and the share escrow. */
function escrowAccounts(p: Program<HedgeVault>, address: PublicKey, v: VaultAccount, owner: PublicKey) {
  return {
    owner,
    vault: address,
    request: requestAddress(p.programId, address, owner),
    shareMint: v.shareMint,
    shareEscrow: v.shareEscrow,
    collateralVault: v.collateralVault,
    ownerShares: userAccounts(v, owner).shares,
    tokenProgram: v.tokenProgram,
  };
}

/** Request the withdrawal of `shares` (share base units); they move to escrow. */
export async function requestWithdrawIxs(p: Program<HedgeVault>, address: PublicKey, v: VaultAccount, owner: PublicKey, shares: bigint) {
  return [
    await refreshNavIx(p, address, v),
    await p.methods
      .requestWithdraw({ shares: new BN(shares.toString()) })
      .accountsPartial({ ...escrowAccounts(p, address, v, owner), systemProgram: SystemProgram.programId })
      .instruction(),
  ];
}

/** Complete a withdrawal whose delay has elapsed (reduces the hedge pro rata on every venue). */
export async function completeWithdrawIxs(p: Program<HedgeVault>, address: PublicKey, v: VaultAccount, owner: PublicKey) {
  const acc = userAccounts(v, owner);
  const venues = liveVenues(v);
  return [
    createAssociatedTokenAccountIdempotentInstruction(owner, acc.collateral, owner, v.collateralMint, v.tokenProgram),
    await refreshNavIx(p, address, v),
    await p.methods
      .completeWithdraw()
      .accountsPartial({
        owner,
        vault: address,
        request: requestAddress(p.programId, address, owner),
        collateralMint: v.collateralMint,
        shareMint: v.shareMint,
        collateralVault: v.collateralVault,
        shareEscrow: v.shareEscrow,
        ownerCollateral: acc.collateral,
        tokenProgram: v.tokenProgram,
        ...(venues.length > 0 ? oracles(v) : { underlyingOracle: null, collateralOracle: null }),
      })
      .remainingAccounts(
        venues.flatMap((ven) => [
          { pubkey: ven.programId, isSigner: false, isWritable: false },
          { pubkey: ven.market, isSigner: false, isWritable: true },
          { pubkey: ven.marginAccount, isSigner: false, isWritable: true },
          // The venue's token pool: margin comes back through it when the vault's own
          // collateral cannot pay the exit.
          { pubkey: venuePool(ven.programId, ven.market), isSigner: false, isWritable: true },
        ]),
      )
      .instruction(),
  ];
}

/** The local perp venue's token pool of `market` (seeds from the venue's IDL). */
export function venuePool(venueProgram: PublicKey, market: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync([PERP_VENUE_CONSTANTS.POOL_SEED, market.toBuffer()], venueProgram)[0];
}

/** Cancel a pending withdrawal: the escrowed shares come back. */
export async function cancelWithdrawIxs(p: Program<HedgeVault>, address: PublicKey, v: VaultAccount, owner: PublicKey) {
  return [
    await p.methods
      .cancelWithdraw()
      .accountsPartial(escrowAccounts(p, address, v, owner))
      .instruction(),
  ];
}

/** The vault's current core parameters (what `VaultParams::core` returns). */
export function currentCore(v: VaultAccount): CoreParams {
  const q = v.params;
  return {
    risk: q.risk,
    fees: q.fees,
    limits: q.limits,
    vol: q.vol,
    oracle: q.oracle,
    guardian: q.guardian,
    volUpdater: q.volUpdater,
    feeRecipient: q.feeRecipient,
    timelockSecs: q.timelockSecs,
    margin: q.margin,
  };
}

/** Queue a change of the core parameters behind the timelock. */
export async function queueCoreIxs(p: Program<HedgeVault>, address: PublicKey, authority: PublicKey, core: CoreParams) {
  return [
    await p.methods
      .queueParams({ change: { core: { 0: core } } })
      .accountsPartial({
        authority,
        vault: address,
        pending: pendingAddress(p.programId, address),
        systemProgram: SystemProgram.programId,
      })
      .instruction(),
  ];
}

/** Apply the queued change once its timelock has elapsed. */
export async function applyParamsIxs(p: Program<HedgeVault>, address: PublicKey, v: VaultAccount, authority: PublicKey) {
  return [
    await refreshNavIx(p, address, v),
    await p.methods
      .applyParams()
      .accountsPartial({
        authority,
        vault: address,
        shareMint: v.shareMint,
        pending: pendingAddress(p.programId, address),
        ...oracles(v),
      })
      .remainingAccounts(venueAccounts(v))
      .instruction(),
  ];
}

/** Cancel the queued change. */
export async function cancelParamsIxs(p: Program<HedgeVault>, address: PublicKey, authority: PublicKey) {
  return [
    await p.methods
      .cancelParams()
      .accountsPartial({ authority, vault: address, pending: pendingAddress(p.programId, address) })
      .instruction(),
  ];
}

/** Set the pause bits and withdraw-only mode (authority or guardian). */
export async function setPauseIxs(p: Program<HedgeVault>, address: PublicKey, signer: PublicKey, paused: number, withdrawOnly: boolean) {
  return [await p.methods.setPause({ paused, withdrawOnly }).accountsPartial({ signer, vault: address }).instruction()];
}

/** Step one of the authority transfer: the current authority proposes. */
export async function proposeAuthorityIxs(p: Program<HedgeVault>, address: PublicKey, authority: PublicKey, next: PublicKey) {
  return [
    await p.methods
      .proposeAuthority({ newAuthority: next })
      .accountsPartial({ authority, vault: address })
      .instruction(),
  ];
}

/** Step two: the proposed authority accepts. */
export async function acceptAuthorityIxs(p: Program<HedgeVault>, address: PublicKey, newAuthority: PublicKey) {
  return [await p.methods.acceptAuthority().accountsPartial({ newAuthority, vault: address }).instruction()];
}
