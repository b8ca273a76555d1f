use anchor_lang::prelude::*;

use crate::error::VenueError;
use crate::events::MarketStatusChanged;
use crate::state::{Market, MarketStatus};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct SetMarketStatusArgs {
    /// What the market accepts from now on.
    pub status: MarketStatus,
}

#[derive(Accounts)]
pub struct SetMarketStatus<'info> {
    pub admin: Signer<'info>,
    #[account(mut, has_one = admin @ VenueError::NotAdmin)]
    pub market: Box<Account<'info, Market>>,
}

impl SetMarketStatus<'_> {
    /// The admin's circuit breaker: pause the market, make it reduce-only, or re-open it.
    /// Funding keeps accruing into the index while paused (it is a function of time), and
    /// settles on the first operation after re-opening.
    pub fn handler(ctx: Context<Self>, args: SetMarketStatusArgs) -> Result<()> {
        let m = &mut ctx.accounts.market;
        m.status = args.status;
        crate::events::emit(&MarketStatusChanged {
            market: m.key(),
            status: args.status,
        });
        Ok(())
    }
}
