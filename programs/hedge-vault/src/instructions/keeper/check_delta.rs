use anchor_lang::prelude::*;

use crate::events::DeltaChecked;
use crate::oracle::{load_market, FeedAccounts};
use crate::pricing::{compute_delta_report, read_holdings};
use crate::state::Vault;
use crate::venues::Mark;

#[derive(Accounts)]
pub struct CheckDelta<'info> {
    pub vault: AccountLoader<'info, Vault>,
    /// CHECK: validated by `oracle::load_price` (owner, feed id / address, freshness).
    pub underlying_oracle: UncheckedAccount<'info>,
    /// CHECK: as above; required when the vault values collateral with a second feed.
    pub collateral_oracle: Option<UncheckedAccount<'info>>,
    // remaining_accounts: for each configured venue in order, [market, margin_account].
}

impl<'info> CheckDelta<'info> {
    /// Reads every venue (remaining accounts: `[market, margin account]` per configured
    /// venue, in order), prices the vault and emits [`DeltaChecked`]. Changes no state; the
    /// keeper runs the same [`compute_delta_report`] off-chain.
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<'info, CheckDelta<'info>>) -> Result<()> {
        let now = crate::constraints::now()?;
        let vault = ctx.accounts.vault.load()?;
        let market = load_market(
            &vault.oracle,
            &vault.params.oracle,
            &FeedAccounts {
                underlying: &ctx.accounts.underlying_oracle,
                collateral: ctx.accounts.collateral_oracle.as_ref().map(|a| a.as_ref()),
            },
            now,
        )?;
        let (_, h) = read_holdings(&vault, ctx.remaining_accounts, &Mark::of(&market, now)?)?;
        let r = compute_delta_report(&vault, &h, &market, now)?;
        crate::events::emit(&DeltaChecked {
            vault: ctx.accounts.vault.key(),
            price_fx: r.price.to_bits(),
            conf_fx: r.conf.to_bits(),
            collateral_rate_fx: r.collateral_rate.to_bits(),
            net_delta_fx: r.net_delta.to_bits(),
            target_delta_fx: r.target_delta.to_bits(),
            band_fx: r.band.to_bits(),
            breached: r.breached,
            book_gamma_fx: r.book_gamma.to_bits(),
            book_vega_fx: r.book_vega.to_bits(),
            book_theta_fx: r.book_theta.to_bits(),
            gamma_exposure_fx: r.gamma_exposure.to_bits(),
            live_legs: r.live_legs,
            timestamp: now,
        });
        Ok(())
    }
}
