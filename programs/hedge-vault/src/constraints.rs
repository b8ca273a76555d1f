//! Reusable account checks shared by several instructions.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount};

use crate::error::VaultError;
use crate::state::Vault;

/// Current unix time from the Clock sysvar (read through the syscall, never from an
/// account the caller could spoof).
pub fn now() -> Result<i64> {
    Ok(Clock::get()?.unix_timestamp)
}

/// Re-reads the token accounts after CPIs and checks [`Vault::invariant`].
pub fn check_invariant<'info>(
    vault: &Vault,
    collateral_vault: &mut InterfaceAccount<'info, TokenAccount>,
    share_mint: &mut InterfaceAccount<'info, Mint>,
    share_escrow: &mut InterfaceAccount<'info, TokenAccount>,
) -> Result<()> {
    collateral_vault.reload()?;
    share_mint.reload()?;
    share_escrow.reload()?;
    vault.invariant(collateral_vault.amount, share_mint.supply, share_escrow.amount)
}

/// Fails unless `signer` is the vault authority.
pub fn is_authority(vault: &Vault, signer: &Pubkey) -> Result<()> {
    require_keys_eq!(*signer, vault.authority, VaultError::NotAuthority);
    Ok(())
}
