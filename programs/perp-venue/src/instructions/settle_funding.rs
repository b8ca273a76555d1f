use anchor_lang::prelude::*;

use crate::events::FundingSettled;
use crate::state::{MarginAccount, Market};

#[derive(Accounts)]
pub struct SettleFunding<'info> {
    #[account(mut)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, has_one = market)]
    pub margin_account: Box<Account<'info, MarginAccount>>,
    /// CHECK: validated by `oracle::load`.
    pub oracle: UncheckedAccount<'info>,
}

impl SettleFunding<'_> {
    /// Permissionless: accrues the index and settles one account's funding.
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let a = ctx.accounts;
        a.market.require_not_paused()?;
        let now = Clock::get()?.unix_timestamp;
        let price = crate::oracle::load(&a.oracle, &mut a.market, now)?.price;
        a.market.accrue_funding(price, now)?;
        let paid = a.margin_account.settle_funding(&a.market)?;
        crate::events::emit(&FundingSettled {
            account: a.margin_account.key(),
            paid_fx: paid.to_bits(),
        });
        Ok(())
    }
}
