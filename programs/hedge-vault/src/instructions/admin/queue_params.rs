use anchor_lang::prelude::*;

use crate::constants::PENDING_SEED;
use crate::events::ParamsQueued;
use crate::state::{PendingParams, Vault, VaultParams};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct QueueParamsArgs {
    /// The complete new parameter set (including legs and the timelock itself).
    pub params: VaultParams,
}

#[derive(Accounts)]
pub struct QueueParams<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(has_one = authority @ crate::error::VaultError::NotAuthority)]
    pub vault: Box<Account<'info, Vault>>,
    /// One pending change at a time: `init` fails while another is queued.
    #[account(
        init,
        payer = authority,
        space = 8 + PendingParams::INIT_SPACE,
        seeds = [PENDING_SEED, vault.key().as_ref()],
        bump,
    )]
    pub pending: Box<Account<'info, PendingParams>>,
    pub system_program: Program<'info, System>,
}

impl QueueParams<'_> {
    pub fn handler(ctx: Context<Self>, args: QueueParamsArgs) -> Result<()> {
        let now = crate::constraints::now()?;
        args.params.validate(now, &ctx.accounts.vault.key())?;
        let eta = now
            .checked_add(i64::from(ctx.accounts.vault.params.timelock_secs))
            .ok_or(crate::error::VaultError::MathOverflow)?;
        ctx.accounts.pending.set_inner(PendingParams {
            vault: ctx.accounts.vault.key(),
            bump: ctx.bumps.pending,
            queued_at: now,
            eta,
            params: args.params,
        });
        crate::events::emit(&ParamsQueued {
            vault: ctx.accounts.vault.key(),
            eta,
            params: args.params,
        });
        Ok(())
    }
}
