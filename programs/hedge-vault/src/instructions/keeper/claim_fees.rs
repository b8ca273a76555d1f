use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, MintTo, TokenAccount, TokenInterface};

use crate::constraints::check_invariant;
use crate::error::VaultError;
use crate::events::FeesClaimed;
use crate::state::{pause, Staged, Vault};

#[derive(Accounts)]
pub struct ClaimFees<'info> {
    #[account(
        mut,
        has_one = share_mint,
        has_one = collateral_vault,
        has_one = share_escrow,
        has_one = token_program,
    )]
    pub vault: AccountLoader<'info, Vault>,
    #[account(mut)]
    pub share_mint: Box<InterfaceAccount<'info, Mint>>,
    pub collateral_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub share_escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Share account of the configured fee recipient.
    #[account(
        mut,
        token::mint = share_mint,
        token::authority = vault.load()?.params.fee_recipient,
        token::token_program = token_program,
    )]
    pub recipient_shares: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl ClaimFees<'_> {
    /// Accrues fees to now and mints the accrued fee shares to the fee recipient.
    /// Permissionless: the shares can only go to the configured recipient.
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let a = ctx.accounts;
        let mut vault = Staged::load(&a.vault)?;
        vault.require_not_paused(pause::CLAIM_FEES)?;
        let clock = Clock::get()?;
        // Fees crystallise only on NAV marked in this slot, at the price it was marked at.
        vault.require_fresh_nav(clock.slot)?;
        vault.accrue_fees(clock.unix_timestamp, a.share_mint.supply, clock.slot)?;
        let shares = vault.accrued_fee_shares;
        require!(shares > 0, VaultError::ZeroAmount);
        vault.accrued_fee_shares = 0;
        let seeds = vault.signer_seeds();
        token_interface::mint_to(
            CpiContext::new_with_signer(
                a.token_program.key(),
                MintTo {
                    mint: a.share_mint.to_account_info(),
                    to: a.recipient_shares.to_account_info(),
                    authority: a.vault.to_account_info(),
                },
                &[&seeds],
            ),
            shares,
        )?;
        let mut collateral = a.collateral_vault.clone();
        let mut escrow = a.share_escrow.clone();
        check_invariant(&vault, &mut collateral, &mut a.share_mint, &mut escrow)?;
        crate::events::emit(&FeesClaimed {
            vault: a.vault.key(),
            recipient: vault.params.fee_recipient,
            shares,
        });
        vault.commit()
    }
}
