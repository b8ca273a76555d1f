use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TransferChecked};

use crate::error::VenueError;
use crate::events::MarginMoved;
use crate::state::{MarginAccount, Market, MARGIN_SEED};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct WithdrawMarginArgs {
    pub amount: u64,
}

#[derive(Accounts)]
pub struct WithdrawMargin<'info> {
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
    pub destination: Box<InterfaceAccount<'info, TokenAccount>>,
    /// CHECK: validated by `oracle::load`.
    pub oracle: UncheckedAccount<'info>,
    /// CHECK: as above; required when the market has a collateral feed.
    pub collateral_oracle: Option<UncheckedAccount<'info>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl WithdrawMargin<'_> {
    /// Withdraws collateral; with an open position the account must stay above initial
    /// margin afterwards.
    pub fn handler(ctx: Context<Self>, args: WithdrawMarginArgs) -> Result<()> {
        require!(args.amount > 0, VenueError::ZeroAmount);
        let a = ctx.accounts;
        a.market.require_not_paused()?;
        require!(
            args.amount <= a.margin_account.collateral,
            VenueError::InsufficientCollateral
        );
        let now = Clock::get()?.unix_timestamp;
        let prices = crate::oracle::settle_to_now(
            &mut a.market,
            &mut a.margin_account,
            &a.oracle,
            a.collateral_oracle.as_ref().map(|x| x.as_ref()),
            now,
        )?;
        a.margin_account.collateral = a
            .margin_account
            .collateral
            .checked_sub(args.amount)
            .ok_or(VenueError::InsufficientCollateral)?;
        a.market.trader_collateral = a.market.trader_collateral.saturating_sub(args.amount);
        // Healthy even at the confidence bound that hurts the account.
        let position = a.margin_account.position;
        let h = a
            .margin_account
            .health(&a.market, prices.against(position), prices.cprice)?;
        require!(
            MarginAccount::meets(&h, a.market.initial_margin_bps)? && h.equity >= hedge_math::Fix::ZERO,
            VenueError::InsufficientMargin
        );
        let index = a.market.market_index.to_le_bytes();
        let seeds = a.market.seeds(&index);
        token_interface::transfer_checked(
            CpiContext::new_with_signer(
                a.token_program.key(),
                TransferChecked {
                    from: a.pool.to_account_info(),
                    mint: a.collateral_mint.to_account_info(),
                    to: a.destination.to_account_info(),
                    authority: a.market.to_account_info(),
                },
                &[&seeds],
            ),
            args.amount,
            a.collateral_mint.decimals,
        )?;
        crate::events::emit(&MarginMoved {
            account: a.margin_account.key(),
            amount: i64::try_from(args.amount)
                .map_err(|_| VenueError::MathOverflow)?
                .saturating_neg(),
        });
        Ok(())
    }
}
