use anchor_lang::prelude::*;

use crate::error::VaultError;
use crate::events::AuthorityAccepted;
use crate::state::Vault;

#[derive(Accounts)]
pub struct AcceptAuthority<'info> {
    pub new_authority: Signer<'info>,
    #[account(mut)]
    pub vault: AccountLoader<'info, Vault>,
}

impl AcceptAuthority<'_> {
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let mut vault = ctx.accounts.vault.load_mut()?;
        require!(
            vault.pending_authority != Pubkey::default(),
            VaultError::NoPendingAuthority
        );
        require_keys_eq!(
            ctx.accounts.new_authority.key(),
            vault.pending_authority,
            VaultError::NotPendingAuthority
        );
        let old = vault.authority;
        vault.authority = vault.pending_authority;
        vault.pending_authority = Pubkey::default();
        crate::events::emit(&AuthorityAccepted {
            vault: ctx.accounts.vault.key(),
            old_authority: old,
            new_authority: vault.authority,
        });
        Ok(())
    }
}
