use anchor_lang::prelude::*;

use crate::error::VaultError;
use crate::events::AuthorityProposed;
use crate::state::Vault;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct ProposeAuthorityArgs {
    /// The proposed authority; it must sign `accept_authority`. Default pubkey cancels.
    pub new_authority: Pubkey,
}

#[derive(Accounts)]
pub struct ProposeAuthority<'info> {
    pub authority: Signer<'info>,
    #[account(mut, has_one = authority @ VaultError::NotAuthority)]
    pub vault: AccountLoader<'info, Vault>,
}

impl ProposeAuthority<'_> {
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<Self>, args: ProposeAuthorityArgs) -> Result<()> {
        let mut vault = ctx.accounts.vault.load_mut()?;
        vault.pending_authority = args.new_authority;
        crate::events::emit(&AuthorityProposed {
            vault: ctx.accounts.vault.key(),
            current: vault.authority,
            proposed: args.new_authority,
        });
        Ok(())
    }
}
