use anchor_lang::prelude::*;

use crate::state::{MarginAccount, Market, MARGIN_SEED};

#[derive(Accounts)]
pub struct CreateMarginAccount<'info> {
    #[account(mut)]
    pub payer: Signer<'info>,
    /// CHECK: any authority (a wallet or a program's PDA) may own a margin account; it
    /// only has to sign to move funds or trade.
    pub authority: UncheckedAccount<'info>,
    pub market: Box<Account<'info, Market>>,
    #[account(
        init,
        payer = payer,
        space = 8 + MarginAccount::INIT_SPACE,
        seeds = [MARGIN_SEED, market.key().as_ref(), authority.key().as_ref()],
        bump,
    )]
    pub margin_account: Box<Account<'info, MarginAccount>>,
    pub system_program: Program<'info, System>,
}

impl CreateMarginAccount<'_> {
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        ctx.accounts.margin_account.set_inner(MarginAccount {
            market: ctx.accounts.market.key(),
            authority: ctx.accounts.authority.key(),
            bump: ctx.bumps.margin_account,
            collateral: 0,
            position: 0,
            quote_balance_fx: 0,
            funding_index_fx: ctx.accounts.market.cumulative_funding_fx,
        });
        Ok(())
    }
}
