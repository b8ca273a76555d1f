use anchor_lang::prelude::*;

use crate::constants::PENDING_SEED;
use crate::events::ParamsQueued;
use crate::state::{ChangeExtras, ParamsChange, PendingParams, Vault};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct QueueParamsArgs {
    /// The change, applied to the current parameters; more changes can be added to the
    /// same pending set with `amend_params`.
    pub change: ParamsChange,
}

#[derive(Accounts)]
pub struct QueueParams<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(has_one = authority @ crate::error::VaultError::NotAuthority)]
    pub vault: AccountLoader<'info, Vault>,
    /// One pending change at a time: `init` fails while another is queued.
    #[account(
        init,
        payer = authority,
        space = PendingParams::SPACE,
        seeds = [PENDING_SEED, vault.key().as_ref()],
        bump,
    )]
    pub pending: AccountLoader<'info, PendingParams>,
    pub system_program: Program<'info, System>,
}

impl QueueParams<'_> {
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<Self>, args: QueueParamsArgs) -> Result<()> {
        let now = crate::constraints::now()?;
        let vault = ctx.accounts.vault.load()?;
        let mut params = vault.params;
        let mut extras = ChangeExtras::default();
        args.change.apply(&mut params, &mut extras)?;
        params.validate(now, &ctx.accounts.vault.key())?;
        let eta = now
            .checked_add(i64::from(vault.params.timelock_secs))
            .ok_or(crate::error::VaultError::MathOverflow)?;
        let mut pending = ctx.accounts.pending.load_init()?;
        pending.vault = ctx.accounts.vault.key();
        pending.bump = ctx.bumps.pending;
        pending.queued_at = now;
        pending.eta = eta;
        pending.params = params;
        pending.set_extras(extras);
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
