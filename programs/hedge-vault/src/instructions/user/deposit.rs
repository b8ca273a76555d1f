use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, MintTo, TokenAccount, TokenInterface, TransferChecked};
use hedge_math::shares;

use crate::constraints::check_invariant;
use crate::error::{math_err, VaultError};
use crate::events::Deposited;
use crate::state::{pause, Staged, Vault};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct DepositArgs {
    /// Collateral to deposit (collateral base units).
    pub amount: u64,
    /// Fail unless at least this many shares are minted (share base units).
    pub min_shares_out: u64,
}

#[derive(Accounts)]
pub struct Deposit<'info> {
    pub user: Signer<'info>,
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
    #[account(mut, token::mint = collateral_mint, token::authority = user, token::token_program = token_program)]
    pub user_collateral: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, token::mint = share_mint, token::authority = user, token::token_program = token_program)]
    pub user_shares: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl Deposit<'_> {
    /// Deposits collateral and mints shares at NAV, rounding the shares down.
    ///
    /// The collateral actually received is measured from the vault's balance, so a
    /// Token-2022 transfer fee is never credited to the depositor.
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<Self>, args: DepositArgs) -> Result<()> {
        let a = ctx.accounts;
        let mut vault = Staged::load(&a.vault)?;
        require!(args.amount > 0, VaultError::ZeroAmount);
        vault.require_not_paused(pause::DEPOSIT)?;
        require!(!vault.withdraw_only, VaultError::WithdrawOnly);
        require!(
            args.amount >= vault.params.limits.min_deposit,
            VaultError::DepositTooSmall
        );
        let cap_room = vault
            .params
            .limits
            .deposit_cap
            .saturating_sub(vault.total_assets());
        require!(args.amount <= cap_room, VaultError::DepositCapExceeded);

        let clock = Clock::get()?;
        let now = clock.unix_timestamp;
        vault.require_fresh_nav(clock.slot)?;
        vault.accrue_fees(now, a.share_mint.supply, clock.slot)?;

        let before = a.collateral_vault.amount;
        token_interface::transfer_checked(
            CpiContext::new(
                a.token_program.key(),
                TransferChecked {
                    from: a.user_collateral.to_account_info(),
                    mint: a.collateral_mint.to_account_info(),
                    to: a.collateral_vault.to_account_info(),
                    authority: a.user.to_account_info(),
                },
            ),
            args.amount,
            a.collateral_mint.decimals,
        )?;
        a.collateral_vault.reload()?;
        let received = a
            .collateral_vault
            .amount
            .checked_sub(before)
            .ok_or(VaultError::MathOverflow)?;
        require!(received > 0, VaultError::TransferFeeTooLarge);

        let total_shares = vault.total_shares(a.share_mint.supply)?;
        // Against NAV at the top of the oracle's confidence interval (vault's favour).
        let (_, nav_high) = vault.nav_bounds();
        let minted = shares::shares_for_deposit(received, nav_high, total_shares).map_err(math_err)?;
        require!(minted > 0, VaultError::ZeroSharesMinted);
        require!(minted >= args.min_shares_out, VaultError::SlippageExceeded);

        let seeds = vault.signer_seeds();
        token_interface::mint_to(
            CpiContext::new_with_signer(
                a.token_program.key(),
                MintTo {
                    mint: a.share_mint.to_account_info(),
                    to: a.user_shares.to_account_info(),
                    authority: a.vault.to_account_info(),
                },
                &[&seeds],
            ),
            minted,
        )?;
        vault.on_deposit(received)?;

        let mut escrow = a.share_escrow.clone();
        check_invariant(&vault, &mut a.collateral_vault, &mut a.share_mint, &mut escrow)?;
        crate::events::emit(&Deposited {
            vault: a.vault.key(),
            user: a.user.key(),
            assets: received,
            shares: minted,
            total_assets: vault.total_assets(),
            total_shares: vault.total_shares(a.share_mint.supply)?,
        });
        vault.commit()
    }
}
