use anchor_lang::prelude::*;

use crate::error::VenueError;
use crate::state::Market;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct SetFundingRateArgs {
    /// New rate (bps per year of notional; longs pay when positive).
    pub funding_rate_bps: i32,
}

#[derive(Accounts)]
pub struct SetFundingRate<'info> {
    pub admin: Signer<'info>,
    #[account(mut, has_one = admin @ VenueError::NotAdmin)]
    pub market: Box<Account<'info, Market>>,
    /// CHECK: validated by `oracle::load`.
    pub oracle: UncheckedAccount<'info>,
}

impl SetFundingRate<'_> {
    /// Accrues the index at the old rate up to now, then switches rate.
    pub fn handler(ctx: Context<Self>, args: SetFundingRateArgs) -> Result<()> {
        require!(
            args.funding_rate_bps.abs() <= crate::state::MAX_FUNDING_RATE_BPS,
            VenueError::FundingRateOutOfBounds
        );
        let now = Clock::get()?.unix_timestamp;
        let m = &mut ctx.accounts.market;
        let price = crate::oracle::load(&ctx.accounts.oracle, m, now)?.price;
        m.accrue_funding(price, now)?;
        m.funding_rate_bps = args.funding_rate_bps;
        Ok(())
    }
}
