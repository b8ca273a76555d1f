use anchor_lang::prelude::*;
use hedge_math::Fix;

use crate::error::VenueError;
use crate::events::PnlSettled;
use crate::state::{MarginAccount, Market};

#[derive(Accounts)]
pub struct SettlePnl<'info> {
    #[account(mut)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, has_one = market)]
    pub margin_account: Box<Account<'info, MarginAccount>>,
    /// CHECK: validated by `oracle::load`.
    pub oracle: UncheckedAccount<'info>,
    /// CHECK: as above; required when the market has a collateral feed.
    pub collateral_oracle: Option<UncheckedAccount<'info>>,
}

impl SettlePnl<'_> {
    /// Permissionless: turns the account's P&L at the oracle price into collateral,
    /// paid by (or to) the LP pool, and re-bases the quote balance to the position's
    /// current value. Losses beyond the account's collateral stay as negative quote
    /// balance (and make the account liquidatable).
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let a = ctx.accounts;
        a.market.require_not_paused()?;
        let now = Clock::get()?.unix_timestamp;
        let crate::oracle::Prices { price, cprice, .. } = crate::oracle::settle_to_now(
            &mut a.market,
            &mut a.margin_account,
            &a.oracle,
            a.collateral_oracle.as_ref().map(|x| x.as_ref()),
            now,
        )?;
        let h = a.margin_account.health(&a.market, price, cprice)?;
        // P&L in collateral base units, rounded towards zero (favours the pool).
        let units = h
            .pnl
            .checked_div(cprice)
            .and_then(|v| v.checked_mul_int(a.market.unit()))
            .ok_or(VenueError::MathOverflow)?
            .round_to_zero();
        let mut delta: i64 = units.saturating_to_num();
        if delta > 0 {
            require!(
                delta.unsigned_abs() <= a.market.lp_collateral,
                VenueError::InsufficientLiquidity
            );
        } else {
            delta = delta.max(
                i64::try_from(a.margin_account.collateral)
                    .map_err(|_| VenueError::MathOverflow)?
                    .saturating_neg(),
            );
        }
        let moved = Fix::from_num(delta)
            .checked_div_int(a.market.unit())
            .and_then(|v| v.checked_mul(cprice))
            .ok_or(VenueError::MathOverflow)?;
        let m = &mut a.margin_account;
        m.quote_balance_fx = m
            .quote_balance()
            .checked_sub(moved)
            .ok_or(VenueError::MathOverflow)?
            .to_bits();
        let mk = &mut a.market;
        if delta >= 0 {
            let d = delta.unsigned_abs();
            m.collateral = m.collateral.checked_add(d).ok_or(VenueError::MathOverflow)?;
            mk.lp_collateral = mk
                .lp_collateral
                .checked_sub(d)
                .ok_or(VenueError::InsufficientLiquidity)?;
            mk.trader_collateral = mk
                .trader_collateral
                .checked_add(d)
                .ok_or(VenueError::MathOverflow)?;
        } else {
            let d = delta.unsigned_abs();
            m.collateral = m.collateral.checked_sub(d).ok_or(VenueError::MathOverflow)?;
            mk.lp_collateral = mk.lp_collateral.checked_add(d).ok_or(VenueError::MathOverflow)?;
            mk.trader_collateral = mk.trader_collateral.saturating_sub(d);
        }
        crate::events::emit(&PnlSettled {
            account: m.key(),
            collateral_delta: delta,
        });
        Ok(())
    }
}
