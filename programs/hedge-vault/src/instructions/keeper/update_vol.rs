use anchor_lang::prelude::*;

use crate::error::VaultError;
use crate::events::VolUpdated;
use crate::state::{pause, Vault};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct UpdateVolArgs {
    /// New σ (bps, 10 000 = 100 %).
    pub sigma_bps: u32,
}

#[derive(Accounts)]
pub struct UpdateVol<'info> {
    pub vol_updater: Signer<'info>,
    #[account(mut, constraint = vault.load()?.params.vol_updater == vol_updater.key() @ VaultError::NotVolUpdater)]
    pub vault: AccountLoader<'info, Vault>,
}

impl UpdateVol<'_> {
    /// Sets σ within [min, max], by at most `max_step_bps`, no more often than
    /// `min_interval_secs`.
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<Self>, args: UpdateVolArgs) -> Result<()> {
        let now = crate::constraints::now()?;
        let mut vault = ctx.accounts.vault.load_mut()?;
        vault.require_not_paused(pause::UPDATE_VOL)?;
        let v = vault.params.vol;
        require!(
            (v.min_sigma_bps..=v.max_sigma_bps).contains(&args.sigma_bps),
            VaultError::SigmaOutOfBounds
        );
        require!(
            args.sigma_bps.abs_diff(vault.sigma_bps) <= v.max_step_bps,
            VaultError::SigmaStepTooLarge
        );
        require!(
            now.saturating_sub(vault.sigma_updated_at) >= i64::from(v.min_interval_secs),
            VaultError::SigmaUpdateTooSoon
        );
        let old = vault.sigma_bps;
        vault.sigma_bps = args.sigma_bps;
        vault.sigma_updated_at = now;
        vault.invariant_params()?;
        crate::events::emit(&VolUpdated {
            vault: ctx.accounts.vault.key(),
            old_sigma_bps: old,
            new_sigma_bps: args.sigma_bps,
        });
        Ok(())
    }
}
