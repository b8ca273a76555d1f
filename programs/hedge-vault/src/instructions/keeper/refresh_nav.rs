use crate::oracle::{load_market, FeedAccounts};
use crate::pricing::{nav_conf_units, read_holdings};
use crate::state::Vault;
use crate::venues::{self, Mark, VenueView};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct RefreshNav<'info> {
    #[account(mut)]
    pub vault: AccountLoader<'info, Vault>,
    /// CHECK: validated by `oracle::load_price`.
    pub underlying_oracle: UncheckedAccount<'info>,
    /// CHECK: as above; required when the vault values collateral with a second feed.
    pub collateral_oracle: Option<UncheckedAccount<'info>>,
    // remaining_accounts: for each configured venue in order, [market, margin_account].
}

/// Rolls the vault's expired rolling legs at `price` ([`Vault::roll_legs`]) and emits
/// [`crate::events::LegRolled`] for each.
pub fn roll_legs(
    address: Pubkey,
    vault: &mut Vault,
    now: i64,
    market: &crate::oracle::MarketSnapshot,
    h: &crate::pricing::Holdings,
) -> Result<()> {
    let nav_underlying = hedge_math::Fix::from_num(h.nav)
        .checked_mul(market.collateral_rate)
        .ok_or(crate::error::VaultError::MathOverflow)?;
    let rolled = vault.roll_legs(now, market.underlying.price, nav_underlying)?;
    if rolled == 0 {
        return Ok(());
    }
    for (i, leg) in vault.params.live_legs().iter().enumerate() {
        if rolled
            & 1u16
                .checked_shl(u32::try_from(i).unwrap_or(u32::MAX))
                .unwrap_or(0)
            != 0
        {
            crate::events::emit(&crate::events::LegRolled {
                vault: address,
                leg_index: u8::try_from(i).unwrap_or(u8::MAX),
                strike_e6: leg.strike_e6,
                expiry: leg.expiry,
                quantity: leg.quantity,
            });
        }
    }
    Ok(())
}

impl RefreshNav<'_> {
    /// Permissionless: reads every venue margin account (remaining accounts: `[market,
    /// margin account]` per configured venue, in order), reconciles the recorded positions
    /// and stores the vault's hedge equity, marked to the oracle, for this slot. Deposits and withdrawals of a vault with venues
    /// must run in the same slot (clients put both in one transaction).
    pub fn handler<'info>(ctx: Context<'info, RefreshNav<'info>>) -> Result<()> {
        let clock = Clock::get()?;
        let mut vault = ctx.accounts.vault.load_mut()?;
        let collateral_oracle = ctx.accounts.collateral_oracle.as_ref().map(|a| a.as_ref());
        let market = load_market(
            &vault.oracle,
            &vault.params.oracle,
            &FeedAccounts {
                underlying: &ctx.accounts.underlying_oracle,
                collateral: collateral_oracle,
            },
            clock.unix_timestamp,
        )?;
        vault.observe_publish_time(market.underlying.publish_time)?;
        let mark = Mark::of(&market, clock.unix_timestamp)?;
        let (views, h) = read_holdings(&vault, ctx.remaining_accounts, &mark)?;
        let address = ctx.accounts.vault.key();
        venues::reconcile(address, &mut vault, &views, clock.unix_timestamp)?;
        roll_legs(address, &mut vault, clock.unix_timestamp, &market, &h)?;
        // The highest funding rate any open position pays (bps per year).
        let paid_bps = views
            .iter()
            .filter(|v| v.position != 0)
            .map(VenueView::funding_paid_bps)
            .max()
            .unwrap_or(i64::MIN);
        vault.hedge_equity = h.venue_equity;
        let conf_units = nav_conf_units(&vault, ctx.remaining_accounts, &market, &h, clock.unix_timestamp)?;
        vault.set_nav_price(clock.slot, mark.collateral_price, conf_units);
        vault.observe_funding(paid_bps, clock.unix_timestamp);
        vault.invariant_params()
    }
}
