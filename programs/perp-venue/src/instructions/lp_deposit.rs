use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TransferChecked};

use crate::error::VenueError;
use crate::state::Market;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct LpDepositArgs {
    pub amount: u64,
}

#[derive(Accounts)]
pub struct LpDeposit<'info> {
    pub admin: Signer<'info>,
    #[account(mut, has_one = admin @ VenueError::NotAdmin, has_one = pool, has_one = collateral_mint)]
    pub market: Box<Account<'info, Market>>,
    pub collateral_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub pool: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, token::mint = collateral_mint, token::authority = admin)]
    pub source: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl LpDeposit<'_> {
    /// Funds the LP pool, the counterparty of every trade.
    pub fn handler(ctx: Context<Self>, args: LpDepositArgs) -> Result<()> {
        require!(args.amount > 0, VenueError::ZeroAmount);
        let a = ctx.accounts;
        token_interface::transfer_checked(
            CpiContext::new(
                a.token_program.key(),
                TransferChecked {
                    from: a.source.to_account_info(),
                    mint: a.collateral_mint.to_account_info(),
                    to: a.pool.to_account_info(),
                    authority: a.admin.to_account_info(),
                },
            ),
            args.amount,
            a.collateral_mint.decimals,
        )?;
        a.market.lp_collateral = a
            .market
            .lp_collateral
            .checked_add(args.amount)
            .ok_or(VenueError::MathOverflow)?;
        Ok(())
    }
}
