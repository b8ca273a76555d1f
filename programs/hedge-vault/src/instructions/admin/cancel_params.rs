use anchor_lang::prelude::*;

use crate::constants::PENDING_SEED;
use crate::error::VaultError;
use crate::events::ParamsCancelled;
use crate::state::{PendingParams, Vault};

#[derive(Accounts)]
pub struct CancelParams<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(has_one = authority @ VaultError::NotAuthority)]
    pub vault: AccountLoader<'info, Vault>,
    #[account(
        mut,
        close = authority,
        seeds = [PENDING_SEED, vault.key().as_ref()],
        bump = pending.load()?.bump,
        has_one = vault @ VaultError::PendingVaultMismatch,
    )]
    pub pending: AccountLoader<'info, PendingParams>,
}

impl CancelParams<'_> {
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        crate::events::emit(&ParamsCancelled {
            vault: ctx.accounts.vault.key(),
        });
        Ok(())
    }
}
