use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Burn, Mint, TokenAccount, TokenInterface, TransferChecked};
use hedge_math::shares;

use crate::constants::WITHDRAW_SEED;
use crate::constraints::check_invariant;
use crate::error::{math_err, VaultError};
use crate::events::WithdrawCompleted;
use crate::oracle::{load_market, FeedAccounts};
use crate::state::{pause, Staged, Vault, WithdrawRequest};
use crate::venues::{self, VenueAccounts};

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
    /// CHECK: required while the vault holds a hedge; validated by `oracle::load_price`.
    pub underlying_oracle: Option<UncheckedAccount<'info>>,
    /// CHECK: as above, when the vault values collateral with a second feed.
    pub collateral_oracle: Option<UncheckedAccount<'info>>,
    // remaining_accounts with venues: for each configured venue in order,
    // [venue program, market, margin account, venue token pool] (the pool only to bring
    // margin back when the vault's own collateral cannot pay the exit).
}

/// Accounts per venue in `complete_withdraw`'s remaining accounts.
pub const COMPLETE_ACCOUNTS_PER_VENUE: usize = 4;

impl<'info> CompleteWithdraw<'info> {
    /// After the delay, burns the escrowed shares and pays min(value at request, value
    /// now) in collateral, the two compared in the numeraire (USD) when NAV was marked at
    /// both ends ([`WithdrawRequest::value_at_request_now`]). While the vault holds a hedge, every venue position is first
    /// reduced pro rata to the burned shares (`shares / total shares`), through the same
    /// verified trade as `rebalance`.
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<'info, CompleteWithdraw<'info>>) -> Result<()> {
        let remaining = ctx.remaining_accounts;
        let a = ctx.accounts;
        let mut vault = Staged::load(&a.vault)?;
        vault.require_not_paused(pause::COMPLETE_WITHDRAW)?;
        let clock = Clock::get()?;
        let now = clock.unix_timestamp;
        vault.require_fresh_nav(clock.slot)?;
        require!(now >= a.request.unlock_at, VaultError::WithdrawalNotReady);
        vault.accrue_fees(now, a.share_mint.supply, clock.slot)?;

        let shares_in = a.request.shares;
        let total_shares = vault.total_shares(a.share_mint.supply)?;
        // The last holder takes everything: the virtual offset's dust does not stay behind.
        let value_now = if shares_in == total_shares {
            vault.total_assets()
        } else {
            // Against NAV at the bottom of the oracle's confidence interval.
            let (nav_low, _) = vault.nav_bounds();
            shares::assets_for_shares(shares_in, nav_low, total_shares).map_err(math_err)?
        };
        let fair = value_now.min(a.request.value_at_request_now(vault.nav_price(clock.slot))?);
        // The exit unwinds its share of the hedge; what that trade costs against the oracle
        // (fees, impact) is the exit's own cost, taken from its payout, not from the
        // depositors who stay.
        let exit_cost = if vault.hedge_position != 0 {
            reduce_hedge(a, &mut vault, remaining, shares_in, total_shares, now)?
        } else {
            0
        };
        let payout = fair.saturating_sub(exit_cost);
        require!(payout > 0, VaultError::ZeroAssetsOut);
        // What the vault holds may not cover the exit (the rest is margin at the venues):
        // the margin the venues release now comes back first, so an exit never waits on a
        // keeper (the last holder's included).
        let liquid = vault.total_collateral.min(a.collateral_vault.amount);
        if payout > liquid && vault.params.venue_count > 0 {
            let shortfall = payout.checked_sub(liquid).ok_or(VaultError::MathOverflow)?;
            recall_margin(a, &mut vault, remaining, shortfall, now)?;
            a.collateral_vault.reload()?;
        }
        require!(
            payout <= vault.total_collateral && payout <= a.collateral_vault.amount,
            VaultError::InsufficientCollateral
        );

        let seeds = vault.signer_seeds();
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
        vault.on_complete_withdraw(shares_in, payout)?;

        check_invariant(
            &vault,
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
        vault.commit()
    }
}

/// The oracle accounts of an exit that touches the venues, and the market they price
/// (its publish time recorded).
#[allow(clippy::type_complexity)]
fn exit_market<'a, 'info>(
    a: &'a CompleteWithdraw<'info>,
    vault: &mut Vault,
    now: i64,
) -> Result<(
    &'a AccountInfo<'info>,
    Option<&'a AccountInfo<'info>>,
    crate::oracle::MarketSnapshot,
)> {
    let oracle: &AccountInfo<'info> = a
        .underlying_oracle
        .as_ref()
        .ok_or(VaultError::MissingVenueAccounts)?;
    let collateral_oracle = a.collateral_oracle.as_ref().map(|x| x.as_ref());
    let market = load_market(
        &vault.oracle,
        &vault.params.oracle,
        &FeedAccounts {
            underlying: oracle,
            collateral: collateral_oracle,
        },
        now,
    )?;
    vault.observe_publish_time(market.underlying.publish_time)?;
    Ok((oracle, collateral_oracle, market))
}

/// Shrinks every venue position by `shares / total_shares`. Returns the trades' cost
/// against the oracle in collateral base units, rounded up (0 when they filled better).
fn reduce_hedge<'info>(
    a: &CompleteWithdraw<'info>,
    vault: &mut Vault,
    remaining: &[AccountInfo<'info>],
    shares: u64,
    total_shares: u64,
    now: i64,
) -> Result<u64> {
    let (oracle, collateral_oracle, market) = exit_market(a, vault, now)?;
    let seeds = vault.signer_seeds();
    let vault_info = a.vault.to_account_info();
    let auth = venues::VaultAuthority {
        vault: &vault_info,
        seeds: &seeds,
    };
    let mark = venues::Mark::of(&market, now)?;
    let mut positions = vault.venue_positions;
    let mut cost = hedge_math::Fix::ZERO;
    for (i, cfg) in vault.params.live_venues().iter().enumerate() {
        let pos = positions[i];
        // Towards zero: the hedge is never reduced by more than its share.
        let size = i128::from(pos)
            .checked_mul(i128::from(shares))
            .and_then(|p| p.checked_div(i128::from(total_shares.max(1))))
            .and_then(|q| i64::try_from(q).ok())
            .and_then(i64::checked_neg)
            .ok_or(VaultError::MathOverflow)?;
        // A frozen venue keeps its part of the hedge: nothing is sent (or even read) there.
        if size == 0 || venues::frozen(vault, i) {
            continue;
        }
        let base = i
            .checked_mul(COMPLETE_ACCOUNTS_PER_VENUE)
            .ok_or(VaultError::MathOverflow)?;
        let (program, market_acc, margin) = match (
            remaining.get(base),
            remaining.get(base.saturating_add(1)),
            remaining.get(base.saturating_add(2)),
        ) {
            (Some(p), Some(m), Some(g)) => (p, m, g),
            _ => return err!(VaultError::MissingVenueAccounts),
        };
        // A venue frozen by the guardian or paused at the venue keeps its part of the
        // hedge: the exit never waits on it (the keeper re-hedges on the others).
        if !venues::view(
            cfg,
            &(market_acc, margin),
            &mark,
            &venues::Holder::of(vault, remaining),
        )?
        .under(vault, i)
        .accepts_order(size)
        {
            continue;
        }
        let va = VenueAccounts {
            program,
            market: market_acc,
            margin_account: margin,
            oracle,
            collateral_oracle,
            holder: venues::Holder::of(vault, remaining),
        };
        let req = venues::TradeRequest::for_vault(vault, size, &market, now);
        let fill = venues::verified_trade(cfg, &va, &auth, &req)?;
        positions[i] = fill.position_after;
        cost = cost.checked_add(fill.cost).ok_or(VaultError::MathOverflow)?;
    }
    let v = vault;
    v.set_venue_positions(positions)?;
    v.sequence = v.sequence.checked_add(1).ok_or(VaultError::MathOverflow)?;
    // Quote → collateral base units at the collateral price, rounded up (in the vault's
    // favour).
    let units = cost
        .max(hedge_math::Fix::ZERO)
        .checked_div(mark.collateral_price)
        .and_then(|x| x.checked_mul_int(10i128.pow(u32::from(v.decimals))))
        .ok_or(VaultError::MathOverflow)?;
    Ok(units.ceil().saturating_to_num())
}

/// Brings back up to `shortfall` collateral base units of margin from the venues, in
/// order, each at most what it releases now ([`venues::VenueView::releasable`]).
fn recall_margin<'info>(
    a: &CompleteWithdraw<'info>,
    vault: &mut Vault,
    remaining: &[AccountInfo<'info>],
    shortfall: u64,
    now: i64,
) -> Result<()> {
    let (oracle, collateral_oracle, market) = exit_market(a, vault, now)?;
    let mark = venues::Mark::of(&market, now)?;
    let unit = 10i128.pow(u32::from(vault.decimals));
    let seeds = vault.signer_seeds();
    let vault_info = a.vault.to_account_info();
    let auth = venues::VaultAuthority {
        vault: &vault_info,
        seeds: &seeds,
    };
    let (mint, collateral, token_program) = (
        a.collateral_mint.to_account_info(),
        a.collateral_vault.to_account_info(),
        a.token_program.to_account_info(),
    );
    let mut left = shortfall;
    let mut recalled = 0u64;
    let mut recalled_at = [0u64; crate::constants::MAX_VENUES];
    for (i, cfg) in vault.params.live_venues().iter().enumerate() {
        if left == 0 {
            break;
        }
        // Nothing comes back from a frozen venue (its accounts are not even read).
        if venues::frozen(vault, i) {
            continue;
        }
        let base = i
            .checked_mul(COMPLETE_ACCOUNTS_PER_VENUE)
            .ok_or(VaultError::MathOverflow)?;
        let accounts = remaining
            .get(base..base.saturating_add(COMPLETE_ACCOUNTS_PER_VENUE))
            .ok_or(VaultError::MissingVenueAccounts)?;
        let (program, market_acc, margin, pool) = (&accounts[0], &accounts[1], &accounts[2], &accounts[3]);
        let va = VenueAccounts {
            program,
            market: market_acc,
            margin_account: margin,
            oracle,
            collateral_oracle,
            holder: venues::Holder::of(vault, remaining),
        };
        // Nothing comes back from a frozen or paused venue.
        let first = venues::view(cfg, &(market_acc, margin), &mark, &va.holder)?.under(vault, i);
        if !first.accepts_margin() {
            continue;
        }
        // Unsettled profit is not collateral yet: settle it first (the exit that closes
        // the hedge has just realised it).
        if first.unsettled_pnl > hedge_math::Fix::ZERO {
            venues::settle_pnl(cfg, &va, &auth)?;
        }
        let view = venues::view(cfg, &(market_acc, margin), &mark, &va.holder)?;
        let amount = left.min(view.releasable(&mark, unit)?);
        if amount == 0 {
            continue;
        }
        let t = venues::MarginTransfer {
            amount: i64::try_from(amount)
                .map_err(|_| VaultError::MathOverflow)?
                .checked_neg()
                .ok_or(VaultError::MathOverflow)?,
            venue_pool: pool,
            collateral_mint: &mint,
            vault_collateral: &collateral,
            token_program: &token_program,
        };
        venues::move_margin(cfg, &va, &t, &auth)?;
        left = left.checked_sub(amount).ok_or(VaultError::MathOverflow)?;
        recalled = recalled.checked_add(amount).ok_or(VaultError::MathOverflow)?;
        if let Some(r) = recalled_at.get_mut(i) {
            *r = amount;
        }
    }
    for (i, r) in recalled_at.iter().enumerate() {
        let back = i64::try_from(*r).map_err(|_| VaultError::MathOverflow)?;
        vault.track_margin(i, back.checked_neg().ok_or(VaultError::MathOverflow)?)?;
    }
    vault.total_collateral = vault
        .total_collateral
        .checked_add(recalled)
        .ok_or(VaultError::MathOverflow)?;
    let recalled = i64::try_from(recalled).map_err(|_| VaultError::MathOverflow)?;
    vault.hedge_equity = vault
        .hedge_equity
        .checked_sub(recalled)
        .ok_or(VaultError::MathOverflow)?;
    Ok(())
}
