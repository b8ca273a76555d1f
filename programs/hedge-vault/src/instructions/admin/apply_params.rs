use anchor_lang::prelude::*;

use crate::constants::PENDING_SEED;
use crate::error::VaultError;
use crate::events::ParamsApplied;
use crate::oracle::{load_market, FeedAccounts};
use crate::pricing::{check_book_limits, compute_delta_report};
use crate::state::{PendingParams, Vault};

#[derive(Accounts)]
pub struct ApplyParams<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(mut, has_one = authority @ VaultError::NotAuthority)]
    pub vault: AccountLoader<'info, Vault>,
    #[account(
        mut,
        close = authority,
        seeds = [PENDING_SEED, vault.key().as_ref()],
        bump = pending.load()?.bump,
        has_one = vault @ VaultError::PendingVaultMismatch,
    )]
    pub pending: AccountLoader<'info, PendingParams>,
    /// CHECK: validated by `oracle::load_price` (owner, feed id / address, freshness).
    pub underlying_oracle: UncheckedAccount<'info>,
    /// CHECK: as above; required when the vault values collateral with a second feed.
    pub collateral_oracle: Option<UncheckedAccount<'info>>,
}

impl ApplyParams<'_> {
    /// Applies the queued change once its timelock has elapsed. The new book is priced at
    /// the current oracle price and must respect the new gamma / vega / theta limits.
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let now = crate::constraints::now()?;
        let params = {
            let pending = ctx.accounts.pending.load()?;
            require!(pending.is_ready(now), VaultError::TimelockNotElapsed);
            pending.params
        };
        // Legs may have expired while queued.
        let address = ctx.accounts.vault.key();
        params.validate(now, &address)?;
        let mut vault = ctx.accounts.vault.load_mut()?;
        // A venue holding a position cannot be removed or pointed elsewhere (its cap may
        // change).
        for (i, pos) in vault.venue_positions.iter().enumerate() {
            let same_place = |v: Option<&crate::state::VenueConfig>| {
                v.map(|v| (v.kind, v.program_id, v.market, v.margin_account))
            };
            let old = vault.params.live_venues().get(i);
            let new = params.live_venues().get(i);
            require!(
                *pos == 0 || same_place(old) == same_place(new),
                VaultError::VenueHasPosition
            );
        }
        vault.params = params;
        vault.sigma_bps = vault
            .sigma_bps
            .clamp(params.vol.min_sigma_bps, params.vol.max_sigma_bps);
        let market = load_market(
            &vault.oracle,
            &vault.params.oracle,
            &FeedAccounts {
                underlying: &ctx.accounts.underlying_oracle,
                collateral: ctx.accounts.collateral_oracle.as_ref().map(|a| a.as_ref()),
            },
            now,
        )?;
        let report = compute_delta_report(&vault, &market, now)?;
        check_book_limits(&vault, &report)?;
        crate::events::emit(&ParamsApplied {
            vault: address,
            params,
        });
        Ok(())
    }
}
