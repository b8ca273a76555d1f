use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TransferChecked};
use hedge_math::shares;

use crate::constants::WITHDRAW_SEED;
use crate::constraints::check_invariant;
use crate::error::{math_err, VaultError};
use crate::events::WithdrawRequested;
use crate::state::{pause, Vault, WithdrawRequest};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RequestWithdrawArgs {
    /// Shares to redeem (share base units).
    pub shares: u64,
}

#[derive(Accounts)]
pub struct RequestWithdraw<'info> {
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
        init,
        payer = owner,
        space = 8 + WithdrawRequest::INIT_SPACE,
        seeds = [WITHDRAW_SEED, vault.key().as_ref(), owner.key().as_ref()],
        bump,
    )]
    pub request: Box<Account<'info, WithdrawRequest>>,
    #[account(mut)]
    pub share_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub share_escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    pub collateral_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, token::mint = share_mint, token::authority = owner, token::token_program = token_program)]
    pub owner_shares: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl RequestWithdraw<'_> {
    /// Escrows `shares` and records their value now; the payout after the delay is
    /// min(that value, the value at completion).
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<Self>, args: RequestWithdrawArgs) -> Result<()> {
        let a = ctx.accounts;
        let mut vault = a.vault.load_mut()?;
        require!(args.shares > 0, VaultError::ZeroAmount);
        vault.require_not_paused(pause::REQUEST_WITHDRAW)?;
        let clock = Clock::get()?;
        let now = clock.unix_timestamp;
        vault.require_fresh_nav(clock.slot)?;
        vault.accrue_fees(now, a.share_mint.supply, clock.slot)?;
        let total_shares = vault.total_shares(a.share_mint.supply)?;
        // Against NAV at the bottom of the oracle's confidence interval (vault's favour).
        let (nav_low, _) = vault.nav_bounds();
        let value = shares::assets_for_shares(args.shares, nav_low, total_shares).map_err(math_err)?;
        require!(value > 0, VaultError::ZeroAssetsOut);

        token_interface::transfer_checked(
            CpiContext::new(
                a.token_program.key(),
                TransferChecked {
                    from: a.owner_shares.to_account_info(),
                    mint: a.share_mint.to_account_info(),
                    to: a.share_escrow.to_account_info(),
                    authority: a.owner.to_account_info(),
                },
            ),
            args.shares,
            a.share_mint.decimals,
        )?;
        vault.on_request_withdraw(args.shares)?;
        let unlock_at = now
            .checked_add(i64::from(vault.params.limits.withdrawal_delay_secs))
            .ok_or(VaultError::MathOverflow)?;
        a.request.set_inner(WithdrawRequest {
            vault: a.vault.key(),
            owner: a.owner.key(),
            bump: ctx.bumps.request,
            shares: args.shares,
            assets_at_request: value,
            price_at_request_fx: vault.nav_price(clock.slot).map_or(0, |p| p.to_bits()),
            requested_at: now,
            unlock_at,
        });

        let mut collateral = a.collateral_vault.clone();
        check_invariant(&vault, &mut collateral, &mut a.share_mint, &mut a.share_escrow)?;
        crate::events::emit(&WithdrawRequested {
            vault: a.vault.key(),
            user: a.owner.key(),
            shares: args.shares,
            assets_at_request: value,
            unlock_at,
        });
        Ok(())
    }
}
