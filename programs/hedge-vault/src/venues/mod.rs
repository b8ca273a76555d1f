//! Venue adapters. Every perp venue is reached through the functions of this module,
//! which dispatch on [`VenueKind`]; adding a venue (for example one reached with
//! `declare_program!` from its IDL) is one new module plus one match arm per function.
//!
//! Every function first checks that the accounts passed are the configured ones, so a
//! CPI can only ever go to a configured venue program.
use anchor_lang::prelude::*;
use hedge_math::Fix;

use crate::error::VaultError;
use crate::state::{VenueConfig, VenueKind};

pub mod local_perp;

/// A venue margin account as the vault sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VenueView {
    /// Position (underlying base units).
    pub position: i64,
    /// Quote balance (quote units).
    pub quote_balance: Fix,
    /// Collateral held by the venue for the vault (collateral base units).
    pub collateral: u64,
    /// Equity marked to the oracle, accrued funding included (quote units).
    pub equity_quote: Fix,
    /// |position| · price (quote units).
    pub notional: Fix,
}

/// The accounts one venue operation needs.
pub struct VenueAccounts<'a, 'info> {
    pub program: &'a AccountInfo<'info>,
    pub market: &'a AccountInfo<'info>,
    pub margin_account: &'a AccountInfo<'info>,
    pub oracle: &'a AccountInfo<'info>,
    pub collateral_oracle: Option<&'a AccountInfo<'info>>,
}

/// Checks a venue configuration (called from `VaultParams::validate`).
pub fn validate_config(v: &VenueConfig, vault: &Pubkey) -> Result<()> {
    require!(v.cap_units > 0, VaultError::ZeroVenueCap);
    match v.kind {
        VenueKind::LocalPerp => local_perp::validate_config(v, vault),
    }
}

/// Fails unless the passed accounts are the configured program, market and margin account.
pub fn check_accounts(v: &VenueConfig, a: &VenueAccounts) -> Result<()> {
    require_keys_eq!(a.program.key(), v.program_id, VaultError::VenueProgramMismatch);
    require_keys_eq!(a.market.key(), v.market, VaultError::VenueAccountMismatch);
    require_keys_eq!(
        a.margin_account.key(),
        v.margin_account,
        VaultError::VenueAccountMismatch
    );
    Ok(())
}

/// Reads the vault's margin account, marked at `price` / `collateral_price` at `now`.
/// Both accounts must be the configured ones and owned by the configured program.
pub fn view(
    v: &VenueConfig,
    market: &AccountInfo,
    margin_account: &AccountInfo,
    price: Fix,
    collateral_price: Fix,
    now: i64,
) -> Result<VenueView> {
    require_keys_eq!(market.key(), v.market, VaultError::VenueAccountMismatch);
    require_keys_eq!(
        margin_account.key(),
        v.margin_account,
        VaultError::VenueAccountMismatch
    );
    require_keys_eq!(*market.owner, v.program_id, VaultError::VenueProgramMismatch);
    require_keys_eq!(
        *margin_account.owner,
        v.program_id,
        VaultError::VenueProgramMismatch
    );
    match v.kind {
        VenueKind::LocalPerp => local_perp::view(market, margin_account, price, collateral_price, now),
    }
}

/// Places a market order of `size` base units with a worst price of `limit`.
pub fn place_order<'info>(
    v: &VenueConfig,
    a: &VenueAccounts<'_, 'info>,
    vault: &AccountInfo<'info>,
    signer: &[&[u8]],
    size: i64,
    limit: Fix,
) -> Result<()> {
    check_accounts(v, a)?;
    match v.kind {
        VenueKind::LocalPerp => local_perp::place_order(a, vault, signer, size, limit),
    }
}

/// Token accounts for moving margin.
pub struct MarginTransfer<'a, 'info> {
    pub venue_pool: &'a AccountInfo<'info>,
    pub collateral_mint: &'a AccountInfo<'info>,
    pub vault_collateral: &'a AccountInfo<'info>,
    pub token_program: &'a AccountInfo<'info>,
}

/// Moves `amount` collateral from the vault to its margin account (amount > 0) or back
/// (amount < 0).
pub fn move_margin<'info>(
    v: &VenueConfig,
    a: &VenueAccounts<'_, 'info>,
    t: &MarginTransfer<'_, 'info>,
    vault: &AccountInfo<'info>,
    signer: &[&[u8]],
    amount: i64,
) -> Result<()> {
    check_accounts(v, a)?;
    match v.kind {
        VenueKind::LocalPerp => local_perp::move_margin(a, t, vault, signer, amount),
    }
}
