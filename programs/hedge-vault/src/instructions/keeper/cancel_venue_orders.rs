use anchor_lang::prelude::*;

use crate::error::VaultError;
use crate::events::VenueOrdersCancelled;
use crate::oracle::{load_market, FeedAccounts};
use crate::state::Staged;
use crate::venues::{self, Mark, VenueAccounts};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CancelVenueOrdersArgs {
    /// The configured venue whose open orders to cancel.
    pub venue_index: u8,
}

#[derive(Accounts)]
pub struct CancelVenueOrders<'info> {
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

impl<'info> CancelVenueOrders<'info> {
    /// Permissionless: cancels the vault's open orders at a venue once they have expired
    /// ([`crate::state::Vault::deferred_expired`]), so an order nobody filled never holds
    /// the hedge back. Refused before any CPI at a venue that is frozen or paused, that
    /// takes no deferred orders, or where the vault has no open order; verified by
    /// re-reading the venue (nothing left open).
    #[inline(never)]
    pub fn handler(ctx: Context<'info, CancelVenueOrders<'info>>, args: CancelVenueOrdersArgs) -> Result<()> {
        let a = ctx.accounts;
        let mut vault = Staged::load(&a.vault)?;
        let idx = usize::from(args.venue_index);
        let cfg = *vault
            .params
            .live_venues()
            .get(idx)
            .ok_or(VaultError::VenueIndexOutOfRange)?;
        require!(
            venues::capabilities(cfg.kind).deferred_fills,
            VaultError::VenueNoDeferredFills
        );
        let now = Clock::get()?.unix_timestamp;
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
        let mark = Mark::of(&market, now)?;
        let va = VenueAccounts {
            program: &a.venue_program,
            market: &a.venue_market,
            margin_account: &a.venue_margin,
            oracle: &a.underlying_oracle,
            collateral_oracle,
            holder: venues::Holder::of(&vault, ctx.remaining_accounts),
        };
        venues::check_accounts(&cfg, &va)?;
        let pair = (va.market, va.margin_account);
        let before = venues::view(&cfg, &pair, &mark, &va.holder)?.under(&vault, idx);
        before.require_margin()?;
        require!(before.pending != 0, VaultError::NoOpenOrders);
        require!(vault.deferred_expired(now), VaultError::OrdersNotExpired);
        let seeds = vault.signer_seeds();
        let vault_info = a.vault.to_account_info();
        let auth = venues::VaultAuthority {
            vault: &vault_info,
            seeds: &seeds,
        };
        venues::cancel_orders(&cfg, &va, &auth)?;
        let after = venues::view(&cfg, &pair, &mark, &va.holder)?;
        require!(after.pending == 0, VaultError::VenueFillMismatch);

        let v = &mut vault;
        // Plans made before this are stale: what the venue will hold changed.
        v.sequence = v.sequence.checked_add(1).ok_or(VaultError::MathOverflow)?;
        crate::events::emit(&VenueOrdersCancelled {
            vault: a.vault.key(),
            venue_index: args.venue_index,
            pending: before.pending,
            sequence: v.sequence,
            timestamp: now,
        });
        vault.commit()
    }
}
