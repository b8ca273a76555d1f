use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Burn, Mint, TokenAccount, TokenInterface, TransferChecked};
use hedge_math::shares;

use crate::constants::ORACLE_DEAD_SECS;
use crate::constraints::check_invariant;
use crate::error::{math_err, VaultError};
use crate::events::EmergencyWithdrawn;
use crate::state::{pause, Staged, Vault};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct EmergencyWithdrawArgs {
    /// Shares to redeem from the owner's share account (share base units).
    pub shares: u64,
    /// Fail unless at least this much collateral is paid (collateral base units).
    pub min_assets_out: u64,
}

#[derive(Accounts)]
pub struct EmergencyWithdraw<'info> {
    pub owner: Signer<'info>,
    #[account(
        mut,
        has_one = collateral_mint,
        has_one = share_mint,
        has_one = collateral_vault,
        has_one = share_escrow,
        has_one = token_program,
    )]
    pub vault: AccountLoader<'info, Vault>,
    pub collateral_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub share_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub collateral_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub share_escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, token::mint = share_mint, token::authority = owner, token::token_program = token_program)]
    pub owner_shares: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, token::mint = collateral_mint, token::token_program = token_program)]
    pub owner_collateral: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl EmergencyWithdraw<'_> {
    /// The exit when the price is gone: once the vault has accepted no oracle update for
    /// [`ORACLE_DEAD_SECS`], a holder redeems shares **in kind**, for their pro-rata part of
    /// the collateral the vault holds (`shares / total shares × total_collateral`, rounded
    /// down), at once and without a price.
    ///
    /// The exit forfeits its part of the venue equity (margin and P&L, which cannot be
    /// valued or withdrawn without a price): it stays with the holders who remain, so
    /// nobody who stays is worse off, per share, than the one who left. Holders who can
    /// wait keep their full claim until governance rotates the feeds (`ParamsChange::Oracle`).
    /// Escrowed shares come back with `cancel_withdraw` first. Paused with
    /// `COMPLETE_WITHDRAW`.
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<Self>, args: EmergencyWithdrawArgs) -> Result<()> {
        let a = ctx.accounts;
        let mut vault = Staged::load(&a.vault)?;
        require!(args.shares > 0, VaultError::ZeroAmount);
        vault.require_not_paused(pause::COMPLETE_WITHDRAW)?;
        let clock = Clock::get()?;
        let now = clock.unix_timestamp;
        let silent = now.saturating_sub(vault.last_publish_time);
        require!(silent >= ORACLE_DEAD_SECS, VaultError::OracleNotDead);
        // Management fees to now; a performance fee needs a price and does not accrue.
        vault.accrue_fees(now, a.share_mint.supply, clock.slot)?;
        let total_shares = vault.total_shares(a.share_mint.supply)?;
        let payout = if args.shares == total_shares {
            vault.total_collateral
        } else {
            // Exactly pro rata, rounded down (not through the virtual offset, which would
            // round a share price below one in the redeemer's favour).
            shares::mul_div_floor(args.shares, vault.total_collateral, total_shares).map_err(math_err)?
        };
        require!(payout > 0, VaultError::ZeroAssetsOut);
        require!(payout >= args.min_assets_out, VaultError::SlippageExceeded);
        require!(
            payout <= a.collateral_vault.amount,
            VaultError::InsufficientCollateral
        );

        token_interface::burn(
            CpiContext::new(
                a.token_program.key(),
                Burn {
                    mint: a.share_mint.to_account_info(),
                    from: a.owner_shares.to_account_info(),
                    authority: a.owner.to_account_info(),
                },
            ),
            args.shares,
        )?;
        let seeds = vault.signer_seeds();
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
        vault.total_collateral = vault
            .total_collateral
            .checked_sub(payout)
            .ok_or(VaultError::InsufficientCollateral)?;

        let mut escrow = a.share_escrow.clone();
        check_invariant(&vault, &mut a.collateral_vault, &mut a.share_mint, &mut escrow)?;
        crate::events::emit(&EmergencyWithdrawn {
            vault: a.vault.key(),
            user: a.owner.key(),
            shares: args.shares,
            assets: payout,
            oracle_silent_secs: silent,
        });
        vault.commit()
    }
}
