use anchor_lang::prelude::*;

use crate::constants::PENDING_SEED;
use crate::error::VaultError;
use crate::events::ParamsApplied;
use crate::oracle::{load_market, FeedAccounts};
use crate::pricing::{check_book_limits, compute_delta_report, nav_conf_units, read_holdings};
use crate::state::{PendingParams, Vault};
use crate::venues::{self, Mark};

#[derive(Accounts)]
pub struct ApplyParams<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(mut, has_one = authority @ VaultError::NotAuthority, has_one = share_mint)]
    pub vault: AccountLoader<'info, Vault>,
    /// The share mint: fees accrue at the old rates before anything changes.
    pub share_mint: Box<InterfaceAccount<'info, anchor_spl::token_interface::Mint>>,
    #[account(
        mut,
        close = authority,
        seeds = [PENDING_SEED, vault.key().as_ref()],
        bump = pending.load()?.bump,
        has_one = vault @ VaultError::PendingVaultMismatch,
    )]
    pub pending: AccountLoader<'info, PendingParams>,
    /// CHECK: validated by `oracle::load_price` (owner, feed id / address, freshness):
    /// the vault's feed, or the new one when the change rotates the feeds.
    pub underlying_oracle: UncheckedAccount<'info>,
    /// CHECK: as above; required when the vault values collateral with a second feed.
    pub collateral_oracle: Option<UncheckedAccount<'info>>,
    // remaining_accounts: for each currently configured venue in order, [market,
    // margin_account].
}

impl<'info> ApplyParams<'info> {
    /// Applies the queued change once its timelock has elapsed. The new book is priced at
    /// the current oracle price and must respect the new gamma / vega / theta limits.
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<'info, ApplyParams<'info>>) -> Result<()> {
        let now = crate::constraints::now()?;
        let in_force = ctx.accounts.vault.load()?.params.timelock_secs;
        let (mut params, at_queue, extras) = {
            let pending = ctx.accounts.pending.load()?;
            // An extension made after queueing delays the change too.
            let extended = pending
                .queued_at
                .checked_add(i64::from(in_force))
                .ok_or(VaultError::MathOverflow)?;
            require!(
                pending.is_ready(now) && now >= extended,
                VaultError::TimelockNotElapsed
            );
            // The timelock in force when it was queued (its ETA was set from it).
            let at_queue = u32::try_from(pending.eta.saturating_sub(pending.queued_at)).unwrap_or(u32::MAX);
            // Boxed: the parameter set is large for the 4 KB sBPF stack frame.
            (Box::new(pending.params), at_queue, pending.extras())
        };
        // A change applies only the fields it changes: a timelock it merely copied at
        // queueing time never undoes an `extend_timelock` made since. A timelock it did
        // change (shortening included) applies, having waited the timelock in force.
        if params.timelock_secs == at_queue {
            params.timelock_secs = in_force;
        }
        // Legs may have expired while queued.
        let address = ctx.accounts.vault.key();
        params.validate(now, &address)?;
        let mut vault = ctx.accounts.vault.load_mut()?;
        let new_oracle = extras.oracle;
        // Only a frozen venue can be unfrozen.
        require!(
            extras.unfreeze & !vault.frozen_venues == 0,
            VaultError::VenueNotFrozen
        );
        // A feed rotation is read from the new feeds: the old ones may be dead.
        let feeds = new_oracle.unwrap_or(vault.oracle);
        let market = load_market(
            &feeds,
            &params.oracle,
            &FeedAccounts {
                underlying: &ctx.accounts.underlying_oracle,
                collateral: ctx.accounts.collateral_oracle.as_ref().map(|a| a.as_ref()),
            },
            now,
        )?;
        vault.observe_publish_time(market.underlying.publish_time)?;
        // The venues as they are now, read from the venues, and NAV marked with them (as
        // `refresh_nav` does, so no refresh from the old feeds is needed).
        let slot = Clock::get()?.slot;
        let mark = Mark::of(&market, now)?;
        let (views, h) = read_holdings(&vault, ctx.remaining_accounts, &mark)?;
        venues::reconcile(address, &mut vault, &views, now)?;
        vault.hedge_equity = h.venue_equity;
        let conf_units = nav_conf_units(&vault, ctx.remaining_accounts, &market, &h, now)?;
        vault.set_nav_price(slot, mark.collateral_price, conf_units);
        // Fees up to now at the rates in force: a fee change is never retroactive.
        vault.accrue_fees(now, ctx.accounts.share_mint.supply, slot)?;
        // A venue holding a position or margin cannot be removed or pointed elsewhere (its
        // cap may change), unless it is frozen and written off (haircut 100 %): a venue
        // that never comes back must not hold the vault's configuration hostage.
        let mut frozen = vault.frozen_venues & !extras.unfreeze;
        for (i, view) in views.iter().enumerate() {
            let same_place = |v: Option<&crate::state::VenueConfig>| {
                v.map(|v| (v.kind, v.program_id, v.market, v.margin_account))
            };
            let old = vault.params.live_venues().get(i);
            let new = params.live_venues().get(i);
            let moved = same_place(old) != same_place(new);
            let written_off = view.frozen && u64::from(view.frozen_haircut_bps) == crate::constants::BPS;
            require!(
                !moved || written_off || view.position == 0,
                VaultError::VenueHasPosition
            );
            // Its margin must be back first (`rebalance_margin` returns all of it once the
            // venue is flat): nothing is stranded at a venue the vault no longer reaches.
            require!(
                !moved || written_off || view.collateral == 0,
                VaultError::VenueHasMargin
            );
            if moved {
                // The slot now names another venue (or none): not frozen.
                let bit = u32::try_from(i)
                    .ok()
                    .and_then(|i| 1u8.checked_shl(i))
                    .unwrap_or(0);
                frozen &= !bit;
                if let Some(p) = vault.venue_positions.get_mut(i) {
                    *p = 0;
                }
            }
        }
        vault.frozen_venues = frozen;
        let positions = vault.venue_positions;
        vault.set_venue_positions(positions)?;
        vault.params = *params;
        if let Some(o) = new_oracle {
            vault.oracle = o;
        }
        vault.sigma_bps = vault
            .sigma_bps
            .clamp(params.vol.min_sigma_bps, params.vol.max_sigma_bps);
        let report = compute_delta_report(&vault, &h, &market, now)?;
        check_book_limits(&vault, &report)?;
        crate::events::emit(&ParamsApplied {
            vault: address,
            params: *params,
            oracle: new_oracle,
            unfrozen_venues: extras.unfreeze,
        });
        Ok(())
    }
}
