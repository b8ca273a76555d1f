use crate::error::VenueError;
use crate::events::Liquidated;
use crate::state::{MarginAccount, Market};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct Liquidate<'info> {
    pub liquidator: Signer<'info>,
    #[account(mut)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, has_one = market)]
    pub margin_account: Box<Account<'info, MarginAccount>>,
    /// The liquidator's own margin account, credited with the penalty.
    #[account(
        mut,
        has_one = market,
        constraint = liquidator_account.authority == liquidator.key() @ VenueError::NotAuthority,
    )]
    pub liquidator_account: Box<Account<'info, MarginAccount>>,
    /// CHECK: validated by `oracle::load`.
    pub oracle: UncheckedAccount<'info>,
    /// CHECK: as above; required when the market has a collateral feed.
    pub collateral_oracle: Option<UncheckedAccount<'info>>,
}

impl Liquidate<'_> {
    /// Permissionless: closes the whole position of an account below maintenance margin
    /// at the oracle price (the LP takes it over) and pays the liquidator a penalty out of
    /// the account's quote balance.
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let a = ctx.accounts;
        a.market.require_not_paused()?;
        let now = Clock::get()?.unix_timestamp;
        let prices = crate::oracle::settle_to_now(
            &mut a.market,
            &mut a.margin_account,
            &a.oracle,
            a.collateral_oracle.as_ref().map(|x| x.as_ref()),
            now,
        )?;
        let (price, cprice) = (prices.price, prices.cprice);
        // Below maintenance even at the confidence bound that favours the account.
        let position = a.margin_account.position;
        let h = a
            .margin_account
            .health(&a.market, prices.favouring(position), cprice)?;
        require!(
            a.margin_account.position != 0 && !MarginAccount::meets(&h, a.market.maintenance_margin_bps)?,
            VenueError::NotLiquidatable
        );
        let closed = a.margin_account.position;
        let penalty = h
            .notional
            .checked_mul_int(i128::from(a.market.liquidation_fee_bps))
            .and_then(|v| v.checked_div_int(10_000))
            .ok_or(VenueError::MathOverflow)?;
        let m = &mut a.margin_account;
        // Close at oracle: quote += position · price; then pay the penalty.
        let value = m
            .position_whole(&a.market)?
            .checked_mul(price)
            .ok_or(VenueError::MathOverflow)?;
        m.quote_balance_fx = m
            .quote_balance()
            .checked_add(value)
            .and_then(|v| v.checked_sub(penalty))
            .ok_or(VenueError::MathOverflow)?
            .to_bits();
        m.position = 0;
        let l = &mut a.liquidator_account;
        l.quote_balance_fx = l
            .quote_balance()
            .checked_add(penalty)
            .ok_or(VenueError::MathOverflow)?
            .to_bits();
        let mk = &mut a.market;
        mk.open_interest_long = mk.open_interest_long.saturating_sub(closed.max(0).unsigned_abs());
        mk.open_interest_short = mk
            .open_interest_short
            .saturating_sub(closed.min(0).unsigned_abs());
        crate::events::emit(&Liquidated {
            account: m.key(),
            liquidator: a.liquidator.key(),
            closed,
            penalty_fx: penalty.to_bits(),
        });
        Ok(())
    }
}
