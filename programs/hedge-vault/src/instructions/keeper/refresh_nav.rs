use anchor_lang::prelude::*;
use hedge_math::Fix;

use crate::error::VaultError;
use crate::oracle::{load_market, FeedAccounts};
use crate::state::Vault;
use crate::venues::{self, Mark};

#[derive(Accounts)]
pub struct RefreshNav<'info> {
    #[account(mut)]
    pub vault: AccountLoader<'info, Vault>,
    /// CHECK: validated by `oracle::load_price`.
    pub underlying_oracle: UncheckedAccount<'info>,
    /// CHECK: as above; required when the vault values collateral with a second feed.
    pub collateral_oracle: Option<UncheckedAccount<'info>>,
    // remaining_accounts: for each configured venue in order, [market, margin_account].
}

/// Σ venue equity in collateral base units.
/// Σ venue equity in collateral base units, and the highest funding rate any position
/// pays (bps per year; `i64::MIN` without positions).
pub fn mark_venues<'info>(
    vault: &Vault,
    remaining: &[AccountInfo<'info>],
    mark: &Mark,
) -> Result<(i64, i64)> {
    let unit = 10i128.pow(u32::from(vault.decimals));
    let mut total = Fix::ZERO;
    let mut paid_bps = i64::MIN;
    for (i, v) in vault.params.live_venues().iter().enumerate() {
        let base = i.checked_mul(2).ok_or(VaultError::MathOverflow)?;
        let (market, margin) = match (remaining.get(base), remaining.get(base + 1)) {
            (Some(m), Some(g)) => (m, g),
            _ => return err!(VaultError::MissingVenueAccounts),
        };
        let view = venues::view(v, market, margin, mark)?;
        total = total
            .checked_add(view.equity_quote)
            .ok_or(VaultError::MathOverflow)?;
        if view.position != 0 {
            paid_bps = paid_bps.max(view.funding_paid_bps());
        }
    }
    let units = total
        .checked_div(mark.collateral_price)
        .and_then(|v| v.checked_mul_int(unit))
        .ok_or(VaultError::MathOverflow)?;
    // Round towards −∞: venue equity is never overstated.
    Ok((units.floor().saturating_to_num(), paid_bps))
}

impl RefreshNav<'_> {
    /// Permissionless: marks every venue margin account to the oracle and stores the
    /// vault's hedge equity for this slot. Deposits and withdrawals of a vault with venues
    /// must run in the same slot (clients put both in one transaction).
    pub fn handler<'info>(ctx: Context<'info, RefreshNav<'info>>) -> Result<()> {
        let clock = Clock::get()?;
        let mut vault = ctx.accounts.vault.load_mut()?;
        let collateral_oracle = ctx.accounts.collateral_oracle.as_ref().map(|a| a.as_ref());
        let market = load_market(
            &vault.oracle,
            &vault.params.oracle,
            &FeedAccounts {
                underlying: &ctx.accounts.underlying_oracle,
                collateral: collateral_oracle,
            },
            clock.unix_timestamp,
        )?;
        let mark = Mark::of(&market, clock.unix_timestamp)?;
        let (equity, paid_bps) = mark_venues(&vault, ctx.remaining_accounts, &mark)?;
        vault.hedge_equity = equity;
        vault.nav_slot = clock.slot;
        vault.observe_funding(paid_bps, clock.unix_timestamp);
        vault.invariant_params()
    }
}
