//! Events: one per state change, plus `DeltaChecked`.
//!
//! Values typed `i128` and named `*_fx` are raw I80F48 bits: divide by 2⁴⁸.
use anchor_lang::prelude::*;

use crate::state::VaultParams;

#[event]
pub struct VaultInitialized {
    pub vault: Pubkey,
    pub authority: Pubkey,
    pub collateral_mint: Pubkey,
    pub share_mint: Pubkey,
    pub vault_id: u64,
}

#[event]
pub struct Deposited {
    pub vault: Pubkey,
    pub user: Pubkey,
    /// Collateral credited (base units, net of any transfer fee).
    pub assets: u64,
    /// Shares minted (base units).
    pub shares: u64,
    /// NAV after the deposit (collateral base units).
    pub total_assets: u64,
    /// Share supply after the deposit, including accrued fee shares.
    pub total_shares: u64,
}

#[event]
pub struct WithdrawRequested {
    pub vault: Pubkey,
    pub user: Pubkey,
    /// Shares escrowed (base units).
    pub shares: u64,
    /// Their value now (collateral base units).
    pub assets_at_request: u64,
    /// Earliest completion (unix seconds).
    pub unlock_at: i64,
}

#[event]
pub struct WithdrawCompleted {
    pub vault: Pubkey,
    pub user: Pubkey,
    /// Shares burned (base units).
    pub shares: u64,
    /// Collateral paid (base units): min(value at request, value now).
    pub assets: u64,
}

#[event]
pub struct WithdrawCancelled {
    pub vault: Pubkey,
    pub user: Pubkey,
    /// Shares returned (base units).
    pub shares: u64,
}

#[event]
pub struct EmergencyWithdrawn {
    pub vault: Pubkey,
    pub user: Pubkey,
    /// Shares burned (base units).
    pub shares: u64,
    /// Collateral paid in kind (base units): the shares' part of the vault-held collateral.
    pub assets: u64,
    /// How long the vault had accepted no oracle update (seconds).
    pub oracle_silent_secs: i64,
}

#[event]
pub struct ParamsQueued {
    pub vault: Pubkey,
    /// Earliest apply time (unix seconds).
    pub eta: i64,
    pub params: VaultParams,
    /// The new price feeds, when the change rotates them.
    pub oracle: Option<crate::state::OracleConfig>,
    /// Venues the change unfreezes (bitmask, bit i = venue i).
    pub unfreeze_venues: u8,
}

#[event]
pub struct ParamsApplied {
    pub vault: Pubkey,
    pub params: VaultParams,
    /// The new price feeds, when the change rotated them.
    pub oracle: Option<crate::state::OracleConfig>,
    /// Venues unfrozen (bitmask).
    pub unfrozen_venues: u8,
}

#[event]
pub struct ParamsCancelled {
    pub vault: Pubkey,
}

#[event]
pub struct TimelockExtended {
    pub vault: Pubkey,
    /// Previous and new timelock (seconds).
    pub old_secs: u32,
    pub new_secs: u32,
}

#[event]
pub struct AuthorityProposed {
    pub vault: Pubkey,
    pub current: Pubkey,
    pub proposed: Pubkey,
}

#[event]
pub struct AuthorityAccepted {
    pub vault: Pubkey,
    pub old_authority: Pubkey,
    pub new_authority: Pubkey,
}

/// The guardian (or the authority) froze a venue: no CPI goes to it, and its equity
/// counts at its haircut until governance unfreezes it.
#[event]
pub struct VenueFrozen {
    pub vault: Pubkey,
    pub by: Pubkey,
    pub venue_index: u8,
    /// The haircut now applied to its equity (bps).
    pub haircut_bps: u16,
}

#[event]
pub struct PauseChanged {
    pub vault: Pubkey,
    pub by: Pubkey,
    pub paused: u16,
    pub withdraw_only: bool,
}

#[event]
pub struct VolUpdated {
    pub vault: Pubkey,
    /// Previous and new σ (bps).
    pub old_sigma_bps: u32,
    pub new_sigma_bps: u32,
}

#[event]
pub struct FeesClaimed {
    pub vault: Pubkey,
    pub recipient: Pubkey,
    /// Fee shares minted (base units).
    pub shares: u64,
}

/// Emitted by `check_delta` (and later by `rebalance`): the full risk picture.
#[event]
pub struct DeltaChecked {
    pub vault: Pubkey,
    /// Underlying price (quote per whole token), I80F48 bits.
    pub price_fx: i128,
    /// Oracle confidence (quote), I80F48 bits.
    pub conf_fx: i128,
    /// Underlying units per collateral unit, I80F48 bits.
    pub collateral_rate_fx: i128,
    /// Net delta of collateral + hedge (underlying base units), I80F48 bits.
    pub net_delta_fx: i128,
    /// Target delta (underlying base units), I80F48 bits.
    pub target_delta_fx: i128,
    /// Band half-width (underlying base units), I80F48 bits.
    pub band_fx: i128,
    /// True when |net − target| > band.
    pub breached: bool,
    /// Book gamma (whole underlying units per quote unit), I80F48 bits.
    pub book_gamma_fx: i128,
    /// Book vega (quote per 1.00 vol), I80F48 bits.
    pub book_vega_fx: i128,
    /// Book theta (quote per year), I80F48 bits.
    pub book_theta_fx: i128,
    /// Dollar gamma: change of the book's delta value for a 1 % move (quote), I80F48 bits.
    pub gamma_exposure_fx: i128,
    /// Live legs priced.
    pub live_legs: u8,
    /// Unix time of the check.
    pub timestamp: i64,
}

/// Logs an event as `Program data: <base64>` (Anchor's format).
///
/// On-chain this is Anchor's `emit!`. Natively (tests, the in-process chain), Anchor's
/// `sol_log_data` is a no-op, so the data goes through the syscall-stub registry
/// instead, where the harness records it in the transaction log.
pub fn emit<E: anchor_lang::Event>(event: &E) {
    let data = event.data();
    #[cfg(target_os = "solana")]
    anchor_lang::solana_program::log::sol_log_data(&[&data]);
    #[cfg(not(target_os = "solana"))]
    solana_sysvar::program_stubs::sol_log_data(&[&data]);
}

/// Emitted by `rebalance`.
#[event]
pub struct Rebalanced {
    pub vault: Pubkey,
    pub keeper: Pubkey,
    pub venue_index: u8,
    /// Perp trade (underlying base units): > 0 bought, < 0 sold.
    pub size: i64,
    /// Average fill price (quote per whole token), I80F48 bits.
    pub fill_price_fx: i128,
    /// Oracle price (quote per whole token), I80F48 bits.
    pub oracle_price_fx: i128,
    /// Net delta before and after the trade (underlying base units), I80F48 bits.
    pub net_delta_before_fx: i128,
    pub net_delta_after_fx: i128,
    /// Target and band (underlying base units), I80F48 bits.
    pub target_delta_fx: i128,
    pub band_fx: i128,
    /// Execution cost against the oracle: (fill − oracle) · size (quote), I80F48 bits.
    pub cost_fx: i128,
    /// Keeper reward paid (collateral base units).
    pub reward: u64,
    /// Vault sequence after the trade.
    pub sequence: u64,
    pub timestamp: i64,
}

/// Emitted by `rebalance_deferred`: an order that fills later was placed (its fill shows
/// up as a `HedgeReconciled` when a later instruction reads the venue).
#[event]
pub struct DeferredOrderPlaced {
    pub vault: Pubkey,
    pub keeper: Pubkey,
    pub venue_index: u8,
    /// Perp order (underlying base units): > 0 buys, < 0 sells.
    pub size: i64,
    /// Oracle price at placement (quote per whole token), I80F48 bits.
    pub oracle_price_fx: i128,
    /// The venue's open orders after it, net (underlying base units).
    pub pending: i64,
    /// The order is valid until then (unix seconds); afterwards anyone may cancel it.
    pub expires_at: i64,
    /// Vault sequence after the placement.
    pub sequence: u64,
    pub timestamp: i64,
}

/// Emitted by `cancel_venue_orders`.
#[event]
pub struct VenueOrdersCancelled {
    pub vault: Pubkey,
    pub venue_index: u8,
    /// The open orders cancelled, net (underlying base units).
    pub pending: i64,
    pub sequence: u64,
    pub timestamp: i64,
}

/// Emitted by `rebalance_margin`.
#[event]
pub struct MarginRebalanced {
    pub vault: Pubkey,
    pub venue_index: u8,
    /// Collateral moved to the venue (> 0) or back (< 0), base units.
    pub amount: i64,
    /// Venue equity before the move (quote), I80F48 bits.
    pub equity_before_fx: i128,
    /// Hedge notional (quote), I80F48 bits.
    pub notional_fx: i128,
}

/// A venue position differed from the vault's record of it: it changed without the vault
/// trading (a liquidation, an auto-deleverage, a late fill). Emitted by every instruction
/// that reads the venues (`refresh_nav`, `rebalance`, `rebalance_margin`, `check_delta`
/// does not write and so does not emit); the vault prices what the venue reports.
#[event]
pub struct HedgeReconciled {
    pub vault: Pubkey,
    pub venue_index: u8,
    /// Position the vault had recorded (underlying base units).
    pub recorded: i64,
    /// Position the venue reports (underlying base units).
    pub actual: i64,
    /// Unix seconds.
    pub timestamp: i64,
}

/// An expired leg with a roll rule was re-dated and re-struck (`refresh_nav`, `rebalance`).
#[event]
pub struct LegRolled {
    pub vault: Pubkey,
    pub leg_index: u8,
    /// New strike (quote, scaled by 1e6).
    pub strike_e6: u64,
    /// New expiry (unix seconds).
    pub expiry: i64,
    /// Quantity after the roll (underlying base units, signed).
    pub quantity: i64,
}
