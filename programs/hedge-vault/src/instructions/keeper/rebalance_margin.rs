use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use hedge_math::Fix;

use crate::constants::BPS;
use crate::error::VaultError;
use crate::events::MarginRebalanced;
use crate::oracle::{load_market, FeedAccounts};
use crate::pricing::compute_band_report;
use crate::state::{Staged, Vault};
use crate::venues::{self, MarginTransfer, Mark, VaultAuthority, VenueAccounts};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RebalanceMarginArgs {
    /// Venue whose margin to restore.
    pub venue_index: u8,
}

#[derive(Accounts)]
pub struct RebalanceMargin<'info> {
    #[account(mut, has_one = collateral_mint, has_one = collateral_vault, has_one = token_program)]
    pub vault: AccountLoader<'info, Vault>,
    /// CHECK: validated by `oracle::load_price`.
    pub underlying_oracle: UncheckedAccount<'info>,
    /// CHECK: as above; required when the vault values collateral with a second feed.
    pub collateral_oracle: Option<UncheckedAccount<'info>>,
    /// CHECK: must equal the configured venue program.
    pub venue_program: UncheckedAccount<'info>,
    /// CHECK: the configured market.
    #[account(mut)]
    pub venue_market: UncheckedAccount<'info>,
    /// CHECK: the vault's configured margin account.
    #[account(mut)]
    pub venue_margin: UncheckedAccount<'info>,
    /// CHECK: the venue's token pool; the venue program checks it against its market.
    #[account(mut)]
    pub venue_pool: UncheckedAccount<'info>,
    pub collateral_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub collateral_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

/// The state [`margin_move`] sizes a transfer from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarginState {
    /// Venue equity marked to the oracle (quote units).
    pub equity_quote: Fix,
    /// Hedge notional margin is sized for (quote units).
    pub notional: Fix,
    /// Collateral in the margin account (collateral base units).
    pub margin_collateral: u64,
    /// Collateral the vault could deposit (collateral base units).
    pub available: u64,
    /// Collateral price (quote per whole collateral token).
    pub collateral_price: Fix,
    /// Collateral base units per whole token (10^decimals).
    pub unit: i128,
}

/// Collateral to move to (> 0) or from (< 0) a venue so its equity returns to the target
/// share of the hedge notional, or 0 when it is within [min, max]. Amounts are collateral
/// base units; withdrawals never exceed the margin account's collateral, deposits never
/// exceed `available`.
pub fn margin_move(m: &MarginState, p: &crate::state::MarginParams) -> Result<i64> {
    let MarginState {
        equity_quote,
        notional,
        margin_collateral,
        available,
        collateral_price,
        unit,
    } = *m;
    let of = |bps: u32| -> Result<Fix> {
        notional
            .checked_mul_int(i128::from(bps))
            .and_then(|v| v.checked_div_int(i128::from(BPS)))
            .ok_or_else(|| error!(VaultError::MathOverflow))
    };
    let to_units = |q: Fix| -> Result<i64> {
        let u = q
            .checked_div(collateral_price)
            .and_then(|v| v.checked_mul_int(unit))
            .ok_or(VaultError::MathOverflow)?;
        Ok(u.round_to_zero().saturating_to_num())
    };
    let (lo, target, hi) = (of(p.min_bps)?, of(p.target_bps)?, of(p.max_bps)?);
    let mv = if equity_quote < lo {
        to_units(target.checked_sub(equity_quote).ok_or(VaultError::MathOverflow)?)?
            .min(i64::try_from(available).unwrap_or(i64::MAX))
    } else if equity_quote > hi {
        -to_units(equity_quote.checked_sub(target).ok_or(VaultError::MathOverflow)?)?
            .min(i64::try_from(margin_collateral).unwrap_or(i64::MAX))
    } else {
        0
    };
    Ok(mv)
}

impl<'info> RebalanceMargin<'info> {
    /// Permissionless: keeps venue equity between `margin.min_bps` and `margin.max_bps`
    /// of the hedge notional — the larger of the open position and the one a rebalance
    /// would open now — by moving collateral between the vault and the venue.
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<'info, RebalanceMargin<'info>>, args: RebalanceMarginArgs) -> Result<()> {
        let a = ctx.accounts;
        let mut vault = Staged::load(&a.vault)?;
        let clock = Clock::get()?;
        let now = clock.unix_timestamp;
        let idx = usize::from(args.venue_index);
        require!(
            idx < usize::from(vault.params.venue_count),
            VaultError::VenueAccountMismatch
        );
        let cfg = vault.params.venues[idx];
        let collateral_oracle = a.collateral_oracle.as_ref().map(|x| x.as_ref());
        let market = load_market(
            &vault.oracle,
            &vault.params.oracle,
            &FeedAccounts {
                underlying: &a.underlying_oracle,
                collateral: collateral_oracle,
            },
            now,
        )?;
        let va = VenueAccounts {
            program: &a.venue_program,
            market: &a.venue_market,
            margin_account: &a.venue_margin,
            oracle: &a.underlying_oracle,
            collateral_oracle,
        };
        venues::check_accounts(&cfg, &va)?;
        let price = market.underlying.price;
        let mark = Mark::of(&market, now)?;
        let cprice = mark.collateral_price;
        let view = venues::view(&cfg, va.market, va.margin_account, &mark)?;
        let unit = 10i128.pow(u32::from(vault.decimals));
        // Size margin for the larger of the current hedge and the one the next rebalance
        // would open, so the first trade finds its margin in place.
        let report = compute_band_report(&vault, &market, now)?;
        let pending = report
            .deviation
            .saturating_abs()
            .checked_div_int(unit)
            .and_then(|v| v.checked_mul(price))
            .ok_or(VaultError::MathOverflow)?;
        let notional = view.notional.max(pending);
        let amount = margin_move(
            &MarginState {
                equity_quote: view.equity_quote,
                notional,
                margin_collateral: view.collateral,
                available: vault.total_collateral,
                collateral_price: cprice,
                unit,
            },
            &vault.params.margin,
        )?;
        require!(amount != 0, VaultError::MarginWithinBounds);
        let seeds = vault.signer_seeds();
        let vault_info = a.vault.to_account_info();
        let t = MarginTransfer {
            amount,
            venue_pool: &a.venue_pool,
            collateral_mint: &a.collateral_mint.to_account_info(),
            vault_collateral: &a.collateral_vault.to_account_info(),
            token_program: &a.token_program.to_account_info(),
        };
        let auth = VaultAuthority {
            vault: &vault_info,
            seeds: &seeds,
        };
        venues::move_margin(&cfg, &va, &t, &auth)?;

        let v = &mut vault;
        v.total_collateral = v
            .total_collateral
            .checked_add_signed(-amount)
            .ok_or(VaultError::InsufficientCollateral)?;
        v.hedge_equity = v
            .hedge_equity
            .checked_add(amount)
            .ok_or(VaultError::MathOverflow)?;
        a.collateral_vault.reload()?;
        require!(
            v.total_collateral <= a.collateral_vault.amount,
            VaultError::InvariantViolated
        );
        v.invariant_params()?;
        crate::events::emit(&MarginRebalanced {
            vault: a.vault.key(),
            venue_index: args.venue_index,
            amount,
            equity_before_fx: view.equity_quote.to_bits(),
            notional_fx: notional.to_bits(),
        });
        vault.commit()
    }
}
