use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Burn, Mint, TokenAccount, TokenInterface, TransferChecked};
use hedge_math::shares;

use crate::constants::WITHDRAW_SEED;
use crate::constraints::check_invariant;
use crate::error::{math_err, VaultError};
use crate::events::WithdrawCompleted;
use crate::state::{pause, Vault, WithdrawRequest};

#[derive(Accounts)]
pub struct CompleteWithdraw<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(
        mut,
        has_one = collateral_mint,
        has_one = share_mint,
        has_one = collateral_vault,
        has_one = share_escrow,
        has_one = token_program,
    )]
    pub vault: Box<Account<'info, Vault>>,
    #[account(
        mut,
        close = owner,
        seeds = [WITHDRAW_SEED, vault.key().as_ref(), owner.key().as_ref()],
        bump = request.bump,
        has_one = owner @ VaultError::NotRequestOwner,
        has_one = vault,
    )]
    pub request: Box<Account<'info, WithdrawRequest>>,
    pub collateral_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub share_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub collateral_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut)]
    pub share_escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        token::mint = collateral_mint,
        token::token_program = token_program,
    )]
    pub owner_collateral: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl CompleteWithdraw<'_> {
    /// After the delay, burns the escrowed shares and pays min(value at request, value
    /// now) in collateral.
    ///
    /// Hedge hook: once a perp venue is configured, the hedge is reduced pro rata to the
    /// burned shares here (`shares / total_shares` of the position) before paying out.
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let a = ctx.accounts;
        a.vault.require_not_paused(pause::COMPLETE_WITHDRAW)?;
        let clock = Clock::get()?;
        let now = clock.unix_timestamp;
        a.vault.require_fresh_nav(clock.slot)?;
        require!(now >= a.request.unlock_at, VaultError::WithdrawalNotReady);
        a.vault.accrue_fees(now, a.share_mint.supply)?;

        let shares_in = a.request.shares;
        let total_shares = a.vault.total_shares(a.share_mint.supply)?;
        let value_now =
            shares::assets_for_shares(shares_in, a.vault.total_assets(), total_shares).map_err(math_err)?;
        let payout = value_now.min(a.request.assets_at_request);
        require!(payout > 0, VaultError::ZeroAssetsOut);
        require!(
            payout <= a.vault.total_collateral && payout <= a.collateral_vault.amount,
            VaultError::InsufficientCollateral
        );

        let seeds = a.vault.signer_seeds();
        token_interface::burn(
            CpiContext::new_with_signer(
                a.token_program.key(),
                Burn {
                    mint: a.share_mint.to_account_info(),
                    from: a.share_escrow.to_account_info(),
                    authority: a.vault.to_account_info(),
                },
                &[&seeds],
            ),
            shares_in,
        )?;
        token_interface::transfer_checked(
            CpiContext::new_with_signer(
                a.token_program.key(),
                TransferChecked {
                    from: a.collateral_vault.to_account_info(),
                    mint: a.collateral_mint.to_account_info(),
                    to: a.owner_collateral.to_account_info(),
                    authority: a.vault.to_account_info(),
                },
                &[&seeds],
            ),
            payout,
            a.collateral_mint.decimals,
        )?;
        a.vault.on_complete_withdraw(shares_in, payout)?;

        check_invariant(
            &a.vault,
            &mut a.collateral_vault,
            &mut a.share_mint,
            &mut a.share_escrow,
        )?;
        crate::events::emit(&WithdrawCompleted {
            vault: a.vault.key(),
            user: a.owner.key(),
            shares: shares_in,
            assets: payout,
        });
        Ok(())
    }
}
