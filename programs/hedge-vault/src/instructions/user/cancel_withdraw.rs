use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TransferChecked};

use crate::constants::WITHDRAW_SEED;
use crate::constraints::check_invariant;
use crate::error::VaultError;
use crate::events::WithdrawCancelled;
use crate::state::{Staged, Vault, WithdrawRequest};

#[derive(Accounts)]
pub struct CancelWithdraw<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(
        mut,
        has_one = share_mint,
        has_one = collateral_vault,
        has_one = share_escrow,
        has_one = token_program,
    )]
    pub vault: AccountLoader<'info, Vault>,
    #[account(
        mut,
        close = owner,
        seeds = [WITHDRAW_SEED, vault.key().as_ref(), owner.key().as_ref()],
        bump = request.bump,
        has_one = owner @ VaultError::NotRequestOwner,
        has_one = vault,
    )]
    pub request: Box<Account<'info, WithdrawRequest>>,
    #[account(mut)]
    pub share_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub share_escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    pub collateral_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        token::mint = share_mint,
        token::token_program = token_program,
    )]
    pub owner_shares: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl CancelWithdraw<'_> {
    /// Returns the escrowed shares. Never paused: a depositor can always take back
    /// shares they own.
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let a = ctx.accounts;
        let mut vault = Staged::load(&a.vault)?;
        let shares = a.request.shares;
        let seeds = vault.signer_seeds();
        token_interface::transfer_checked(
            CpiContext::new_with_signer(
                a.token_program.key(),
                TransferChecked {
                    from: a.share_escrow.to_account_info(),
                    mint: a.share_mint.to_account_info(),
                    to: a.owner_shares.to_account_info(),
                    authority: a.vault.to_account_info(),
                },
                &[&seeds],
            ),
            shares,
            a.share_mint.decimals,
        )?;
        vault.on_cancel_withdraw(shares)?;
        let mut collateral = a.collateral_vault.clone();
        check_invariant(&vault, &mut collateral, &mut a.share_mint, &mut a.share_escrow)?;
        crate::events::emit(&WithdrawCancelled {
            vault: a.vault.key(),
            user: a.owner.key(),
            shares,
        });
        vault.commit()
    }
}
