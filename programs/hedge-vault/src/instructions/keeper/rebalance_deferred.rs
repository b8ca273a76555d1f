use anchor_lang::prelude::*;

use crate::error::VaultError;
use crate::events::DeferredOrderPlaced;
use crate::oracle::FeedAccounts;
use crate::state::Staged;
use crate::venues::{self, VenueAccounts};

use super::rebalance::{decide, Decision};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RebalanceDeferredArgs {
    /// The vault `sequence` the keeper saw; a racing keeper that lost fails at once.
    pub expected_sequence: u64,
    /// The venue of the plan's largest leg ([`super::RebalancePlan::primary`]): the only
    /// order placed; what is left is planned once it is known.
    pub venue_index: u8,
}

#[derive(Accounts)]
pub struct RebalanceDeferred<'info> {
    pub keeper: Signer<'info>,
    #[account(mut)]
    pub vault: AccountLoader<'info, crate::state::Vault>,
    /// CHECK: validated by `oracle::load_price`.
    pub underlying_oracle: UncheckedAccount<'info>,
    /// CHECK: as above; required when the vault values collateral with a second feed.
    pub collateral_oracle: Option<UncheckedAccount<'info>>,
    /// CHECK: must equal the configured venue program (checked by `venues::check_accounts`).
    pub venue_program: UncheckedAccount<'info>,
    /// CHECK: the configured market (checked by `venues::check_accounts`).
    #[account(mut)]
    pub venue_market: UncheckedAccount<'info>,
    /// CHECK: the vault's margin account there (checked by `venues::check_accounts`).
    #[account(mut)]
    pub venue_margin: UncheckedAccount<'info>,
}

impl<'info> RebalanceDeferred<'info> {
    /// The rebalance `rebalance` would make, as an order that fills later at a venue that
    /// takes one (Drift: an auction its keepers fill): the plan's largest leg, at the
    /// vault's slippage limit, valid for [`crate::state::Vault::deferred_ttl`]. Verified by
    /// re-reading the venue (its open orders moved by the size, its position not at all).
    /// The fill is not waited for: every later instruction reads the venue, reconciles the
    /// position (`HedgeReconciled`) and counts the open orders as already traded (`plan`),
    /// so nothing is ordered twice; once expired, anyone may cancel what is left
    /// (`cancel_venue_orders`). No keeper reward: an order that may never fill earns none.
    #[inline(never)]
    pub fn handler(ctx: Context<'info, RebalanceDeferred<'info>>, args: RebalanceDeferredArgs) -> Result<()> {
        let a = ctx.accounts;
        let mut vault = Staged::load(&a.vault)?;
        let collateral_oracle = a.collateral_oracle.as_ref().map(|x| x.as_ref());
        let Decision {
            market,
            plan,
            venue_index,
            now,
            ..
        } = decide(
            &mut vault,
            &a.vault.key(),
            &FeedAccounts {
                underlying: &a.underlying_oracle,
                collateral: collateral_oracle,
            },
            ctx.remaining_accounts,
            (args.expected_sequence, args.venue_index),
        )?;
        let size = plan.leg(venue_index);
        let cfg = *vault
            .params
            .live_venues()
            .get(venue_index)
            .ok_or(VaultError::MissingVenueAccounts)?;
        let seeds = vault.signer_seeds();
        let vault_info = a.vault.to_account_info();
        let auth = venues::VaultAuthority {
            vault: &vault_info,
            seeds: &seeds,
        };
        let va = VenueAccounts {
            program: &a.venue_program,
            market: &a.venue_market,
            margin_account: &a.venue_margin,
            oracle: &a.underlying_oracle,
            collateral_oracle,
            holder: venues::Holder::of(&vault, ctx.remaining_accounts),
        };
        let expires_at = now
            .checked_add(vault.deferred_ttl())
            .ok_or(VaultError::MathOverflow)?;
        let req = venues::TradeRequest::for_vault(&vault, size, &market, now);
        let pending = venues::place_deferred(&cfg, &va, &auth, &req, expires_at)?;

        let v = &mut vault;
        v.sequence = v.sequence.checked_add(1).ok_or(VaultError::MathOverflow)?;
        v.last_rebalance_at = now;
        v.invariant_params()?;
        crate::events::emit(&DeferredOrderPlaced {
            vault: a.vault.key(),
            keeper: a.keeper.key(),
            venue_index: args.venue_index,
            size,
            oracle_price_fx: market.underlying.price.to_bits(),
            pending,
            expires_at,
            sequence: v.sequence,
            timestamp: now,
        });
        vault.commit()
    }
}
