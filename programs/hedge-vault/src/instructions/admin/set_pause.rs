use anchor_lang::prelude::*;

use crate::error::VaultError;
use crate::events::PauseChanged;
use crate::state::{pause, Vault};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct SetPauseArgs {
    /// New pause bitmask (see `state::vault::pause`).
    pub paused: u16,
    /// New withdraw-only flag.
    pub withdraw_only: bool,
}

#[derive(Accounts)]
pub struct SetPause<'info> {
    /// The guardian (may only add restrictions) or the authority (may do anything).
    pub signer: Signer<'info>,
    #[account(mut)]
    pub vault: AccountLoader<'info, Vault>,
}

impl SetPause<'_> {
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<Self>, args: SetPauseArgs) -> Result<()> {
        let mut vault = ctx.accounts.vault.load_mut()?;
        let signer = ctx.accounts.signer.key();
        require!(args.paused & !pause::ALL == 0, VaultError::InvalidPauseBits);
        if signer != vault.authority {
            require_keys_eq!(signer, vault.params.guardian, VaultError::NotGuardianOrAuthority);
            let keeps_all_flags = args.paused & vault.paused == vault.paused;
            let keeps_withdraw_only = args.withdraw_only || !vault.withdraw_only;
            require!(
                keeps_all_flags && keeps_withdraw_only,
                VaultError::GuardianCannotUnpause
            );
        }
        vault.paused = args.paused;
        vault.withdraw_only = args.withdraw_only;
        crate::events::emit(&PauseChanged {
            vault: ctx.accounts.vault.key(),
            by: signer,
            paused: vault.paused,
            withdraw_only: vault.withdraw_only,
        });
        Ok(())
    }
}
