use anchor_lang::prelude::*;

use crate::constants::MAX_TIMELOCK_SECS;
use crate::error::VaultError;
use crate::events::TimelockExtended;
use crate::state::Vault;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct ExtendTimelockArgs {
    /// New timelock (seconds); must not be shorter than the current one.
    pub timelock_secs: u32,
}

#[derive(Accounts)]
pub struct ExtendTimelock<'info> {
    pub authority: Signer<'info>,
    #[account(mut, has_one = authority @ VaultError::NotAuthority)]
    pub vault: AccountLoader<'info, Vault>,
}

impl ExtendTimelock<'_> {
    /// Lengthens the timelock at once. Shortening it only works through `queue_params`.
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<Self>, args: ExtendTimelockArgs) -> Result<()> {
        let mut vault = ctx.accounts.vault.load_mut()?;
        let old = vault.params.timelock_secs;
        require!(args.timelock_secs >= old, VaultError::TimelockShortening);
        require!(
            args.timelock_secs <= MAX_TIMELOCK_SECS,
            VaultError::TimelockOutOfBounds
        );
        vault.params.timelock_secs = args.timelock_secs;
        crate::events::emit(&TimelockExtended {
            vault: ctx.accounts.vault.key(),
            old_secs: old,
            new_secs: args.timelock_secs,
        });
        Ok(())
    }
}
