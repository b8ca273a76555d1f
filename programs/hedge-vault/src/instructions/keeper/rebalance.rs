use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TransferChecked};
use hedge_math::Fix;

use crate::error::VaultError;
use crate::events::Rebalanced;
use crate::oracle::{load_market, FeedAccounts};
use crate::pricing::compute_band_report;
use crate::state::{pause, Staged, Vault};
use crate::venues::{self, VenueAccounts};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RebalanceArgs {
    /// The vault `sequence` the keeper saw; a racing keeper that lost fails at once.
    pub expected_sequence: u64,
    /// Index of the venue to trade on: must be the first venue with room.
    pub venue_index: u8,
}

#[derive(Accounts)]
pub struct Rebalance<'info> {
    pub keeper: Signer<'info>,
    #[account(mut, has_one = collateral_mint, has_one = collateral_vault, has_one = token_program)]
    pub vault: AccountLoader<'info, Vault>,
    /// CHECK: validated by `oracle::load_price`.
    pub underlying_oracle: UncheckedAccount<'info>,
    /// CHECK: as above; required when the vault values collateral with a second feed.
    pub collateral_oracle: Option<UncheckedAccount<'info>>,
    /// CHECK: must equal the configured venue program (checked by `venues::check_accounts`).
    pub venue_program: UncheckedAccount<'info>,
    /// CHECK: the configured market (checked by `venues::check_accounts`).
    #[account(mut)]
    pub venue_market: UncheckedAccount<'info>,
    /// CHECK: the vault's configured margin account (checked by `venues::check_accounts`).
    #[account(mut)]
    pub venue_margin: UncheckedAccount<'info>,
    pub collateral_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub collateral_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Receives the keeper reward.
    #[account(mut, token::mint = collateral_mint, token::token_program = token_program)]
    pub keeper_collateral: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

/// Where a trade goes: the first venue whose cap leaves room in the trade's direction,
/// with the trade clamped to that room. Returns (venue index, size).
pub fn route(vault: &Vault, trade: i64) -> Option<(usize, i64)> {
    vault.params.live_venues().iter().enumerate().find_map(|(i, v)| {
        let cap = i64::try_from(v.cap_units).unwrap_or(i64::MAX);
        let pos = vault.venue_positions[i];
        let size = pos.saturating_add(trade).clamp(-cap, cap).saturating_sub(pos);
        (size != 0 && size.signum() == trade.signum()).then_some((i, size))
    })
}

impl<'info> Rebalance<'info> {
    /// Verifies a band breach with the on-chain pricing, trades
    /// clamp(target − net, ±max_rebalance) on the first venue with room, verifies the
    /// fill by re-reading the venue, and pays the keeper.
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<'info, Rebalance<'info>>, args: RebalanceArgs) -> Result<()> {
        let a = ctx.accounts;
        let mut vault = Staged::load(&a.vault)?;
        // Cheapest checks first: a keeper that lost the race fails here.
        require!(
            vault.sequence == args.expected_sequence,
            VaultError::StaleSequence
        );
        vault.require_not_paused(pause::REBALANCE)?;
        let clock = Clock::get()?;
        let now = clock.unix_timestamp;
        let cooldown_end = vault
            .last_rebalance_at
            .saturating_add(i64::from(vault.params.risk.rebalance_cooldown_secs));
        require!(now >= cooldown_end, VaultError::CooldownActive);

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
        let report = compute_band_report(&vault, &market, now)?;
        require!(report.breached, VaultError::NoBreach);

        let max = i64::try_from(vault.params.risk.max_rebalance_units).unwrap_or(i64::MAX);
        let wanted: i64 = report
            .deviation
            .round_to_zero()
            .saturating_to_num::<i64>()
            .clamp(-max, max);
        let (venue_index, size) = route(&vault, wanted).ok_or(VaultError::NoVenueCapacity)?;
        require!(
            usize::from(args.venue_index) == venue_index,
            VaultError::WrongVenue
        );
        if vault.withdraw_only {
            let new = vault.hedge_position.saturating_add(size);
            require!(
                new.unsigned_abs() <= vault.hedge_position.unsigned_abs(),
                VaultError::WithdrawOnly
            );
        }

        let cfg = vault.params.venues[venue_index];
        let va = VenueAccounts {
            program: &a.venue_program,
            market: &a.venue_market,
            margin_account: &a.venue_margin,
            oracle: &a.underlying_oracle,
            collateral_oracle,
        };
        let price = market.underlying.price;
        let seeds = vault.signer_seeds();
        let vault_info = a.vault.to_account_info();
        let auth = venues::VaultAuthority {
            vault: &vault_info,
            seeds: &seeds,
        };
        let req = venues::TradeRequest::for_vault(&vault, size, &market, now);
        let fill = venues::verified_trade(&cfg, &va, &auth, &req)?;
        let (after, fill, cost) = (fill.position_after, fill.price, fill.cost);

        let v = &mut vault;
        v.venue_positions[venue_index] = after;
        v.hedge_position = v
            .venue_positions
            .iter()
            .try_fold(0i64, |acc, p| acc.checked_add(*p))
            .ok_or(VaultError::MathOverflow)?;
        v.sequence = v.sequence.checked_add(1).ok_or(VaultError::MathOverflow)?;
        v.last_rebalance_at = now;

        // Keeper reward, only now that everything above succeeded.
        let reward = v
            .params
            .risk
            .keeper_reward
            .min(v.total_collateral)
            .min(a.collateral_vault.amount);
        if reward > 0 {
            let seeds = v.signer_seeds();
            token_interface::transfer_checked(
                CpiContext::new_with_signer(
                    a.token_program.key(),
                    TransferChecked {
                        from: a.collateral_vault.to_account_info(),
                        mint: a.collateral_mint.to_account_info(),
                        to: a.keeper_collateral.to_account_info(),
                        authority: a.vault.to_account_info(),
                    },
                    &[&seeds],
                ),
                reward,
                a.collateral_mint.decimals,
            )?;
            v.total_collateral = v
                .total_collateral
                .checked_sub(reward)
                .ok_or(VaultError::MathOverflow)?;
            v.keeper_rewards_paid = v
                .keeper_rewards_paid
                .checked_add(reward)
                .ok_or(VaultError::MathOverflow)?;
        }
        let net_after = report
            .net_delta
            .checked_add(Fix::from_num(size))
            .ok_or(VaultError::MathOverflow)?;
        a.collateral_vault.reload()?;
        require!(
            v.total_collateral <= a.collateral_vault.amount,
            VaultError::InvariantViolated
        );
        v.invariant_params()?;
        crate::events::emit(&Rebalanced {
            vault: a.vault.key(),
            keeper: a.keeper.key(),
            venue_index: args.venue_index,
            size,
            fill_price_fx: fill.to_bits(),
            oracle_price_fx: price.to_bits(),
            net_delta_before_fx: report.net_delta.to_bits(),
            net_delta_after_fx: net_after.to_bits(),
            target_delta_fx: report.target_delta.to_bits(),
            band_fx: report.band.to_bits(),
            cost_fx: cost.to_bits(),
            reward,
            sequence: v.sequence,
            timestamp: now,
        });
        vault.commit()
    }
}
