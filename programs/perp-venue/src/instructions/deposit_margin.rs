use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TransferChecked};

use crate::error::VenueError;
use crate::events::MarginMoved;
use crate::state::{MarginAccount, Market, MARGIN_SEED};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct DepositMarginArgs {
    pub amount: u64,
}

#[derive(Accounts)]
pub struct DepositMargin<'info> {
    pub authority: Signer<'info>,
    #[account(mut, has_one = pool, has_one = collateral_mint)]
    pub market: Box<Account<'info, Market>>,
    #[account(
        mut,
        seeds = [MARGIN_SEED, market.key().as_ref(), authority.key().as_ref()],
        bump = margin_account.bump,
        has_one = market,
        has_one = authority @ VenueError::NotAuthority,
    )]
    pub margin_account: Box<Account<'info, MarginAccount>>,
    pub collateral_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub pool: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, token::mint = collateral_mint)]
    pub source: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl DepositMargin<'_> {
    pub fn handler(ctx: Context<Self>, args: DepositMarginArgs) -> Result<()> {
        require!(args.amount > 0, VenueError::ZeroAmount);
        let a = ctx.accounts;
        a.market.require_not_paused()?;
        token_interface::transfer_checked(
            CpiContext::new(
                a.token_program.key(),
                TransferChecked {
                    from: a.source.to_account_info(),
                    mint: a.collateral_mint.to_account_info(),
                    to: a.pool.to_account_info(),
                    authority: a.authority.to_account_info(),
                },
            ),
            args.amount,
            a.collateral_mint.decimals,
        )?;
        a.margin_account.collateral = a
            .margin_account
            .collateral
            .checked_add(args.amount)
            .ok_or(VenueError::MathOverflow)?;
        a.market.trader_collateral = a
            .market
            .trader_collateral
            .checked_add(args.amount)
            .ok_or(VenueError::MathOverflow)?;
        crate::events::emit(&MarginMoved {
            account: a.margin_account.key(),
            amount: i64::try_from(args.amount).map_err(|_| VenueError::MathOverflow)?,
        });
        Ok(())
    }
}
