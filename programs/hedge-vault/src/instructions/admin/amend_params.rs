use anchor_lang::prelude::*;

use crate::constants::PENDING_SEED;
use crate::error::VaultError;
use crate::events::ParamsQueued;
use crate::state::{ParamsChange, PendingParams, Vault};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct AmendParamsArgs {
    /// Applied on top of the pending parameter set.
    pub change: ParamsChange,
}

#[derive(Accounts)]
pub struct AmendParams<'info> {
    pub authority: Signer<'info>,
    #[account(has_one = authority @ VaultError::NotAuthority)]
    pub vault: AccountLoader<'info, Vault>,
    #[account(
        mut,
        seeds = [PENDING_SEED, vault.key().as_ref()],
        bump = pending.load()?.bump,
        has_one = vault @ VaultError::PendingVaultMismatch,
    )]
    pub pending: AccountLoader<'info, PendingParams>,
}

impl AmendParams<'_> {
    /// Adds a change to the pending set and restarts its timelock, so a change can never
    /// become applicable sooner than one full timelock after its last amendment.
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<Self>, args: AmendParamsArgs) -> Result<()> {
        let now = crate::constraints::now()?;
        let mut pending = ctx.accounts.pending.load_mut()?;
        let mut params = pending.params;
        let in_force = ctx.accounts.vault.load()?.params.timelock_secs;
        // A timelock the pending change only copied follows the one in force (see
        // `apply_params`): it stays "copied" through the amendment.
        let at_queue = u32::try_from(pending.eta.saturating_sub(pending.queued_at)).unwrap_or(u32::MAX);
        if params.timelock_secs == at_queue {
            params.timelock_secs = in_force;
        }
        let mut extras = pending.extras();
        args.change.apply(&mut params, &mut extras)?;
        params.validate(now, &ctx.accounts.vault.key())?;
        let eta = now
            .checked_add(i64::from(in_force))
            .ok_or(VaultError::MathOverflow)?;
        pending.params = params;
        pending.set_extras(extras);
        pending.queued_at = now;
        pending.eta = eta;
        crate::events::emit(&ParamsQueued {
            vault: ctx.accounts.vault.key(),
            eta,
            params,
            oracle: extras.oracle,
            unfreeze_venues: extras.unfreeze,
        });
        Ok(())
    }
}
