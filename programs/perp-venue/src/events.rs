//! Venue events. `*_fx` fields are I80F48 raw bits (divide by 2⁴⁸).
use anchor_lang::prelude::*;

#[event]
pub struct OrderFilled {
    pub market: Pubkey,
    pub account: Pubkey,
    /// Signed size (underlying base units).
    pub size: i64,
    /// Fill price (quote per whole token), I80F48 bits.
    pub fill_price_fx: i128,
    /// Oracle price at the fill, I80F48 bits.
    pub oracle_price_fx: i128,
    /// Position after the fill (underlying base units).
    pub position: i64,
}

#[event]
pub struct FundingSettled {
    pub account: Pubkey,
    /// Funding paid (positive) or received (negative), quote units, I80F48 bits.
    pub paid_fx: i128,
}

#[event]
pub struct PnlSettled {
    pub account: Pubkey,
    /// Collateral moved from the pool to the account (negative: account to pool), base units.
    pub collateral_delta: i64,
}

#[event]
pub struct Liquidated {
    pub account: Pubkey,
    pub liquidator: Pubkey,
    /// Position closed (underlying base units).
    pub closed: i64,
    /// Penalty credited to the liquidator (quote), I80F48 bits.
    pub penalty_fx: i128,
}

#[event]
pub struct MarginMoved {
    pub account: Pubkey,
    /// Collateral deposited (positive) or withdrawn (negative), base units.
    pub amount: i64,
}

#[event]
pub struct MarketStatusChanged {
    pub market: Pubkey,
    pub status: crate::state::MarketStatus,
}

/// Logs an event (Anchor's `emit!` on-chain; the syscall-stub registry natively, where
/// Anchor's `sol_log_data` is a no-op).
pub fn emit<E: anchor_lang::Event>(event: &E) {
    let data = event.data();
    #[cfg(target_os = "solana")]
    anchor_lang::solana_program::log::sol_log_data(&[&data]);
    #[cfg(not(target_os = "solana"))]
    solana_sysvar::program_stubs::sol_log_data(&[&data]);
}
