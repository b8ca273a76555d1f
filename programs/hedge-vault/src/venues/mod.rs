//! Venue adapters. Every perp venue is reached through the functions of this module,
//! which dispatch on [`VenueKind`]; adding a venue (for example one reached with
//! `declare_program!` from its IDL) is one new module plus one match arm per function.
//!
//! Every function first checks that the accounts passed are the configured ones, so a
//! CPI can only ever go to a configured venue program.
use anchor_lang::prelude::*;
use hedge_math::Fix;

use crate::error::VaultError;
use crate::state::{VenueConfig, VenueKind};

pub mod drift;
pub mod local_perp;
pub mod phoenix;

/// What an adapter supports: callers (the keeper, tooling) ask this rather than match on
/// the venue kind. docs/venues.md has the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Orders fill within the instruction that places them (`verified_trade` re-reads the
    /// venue and checks the fill).
    pub immediate_fills: bool,
    /// The venue also takes orders that fill later (an auction, a keeper-filled request).
    /// The vault does not place them; whatever fills is reconciled from the venue's
    /// account (`reconcile`).
    pub deferred_fills: bool,
    /// The vault opens its margin account itself (`open_venue_account`): the venue wants
    /// the owner's signature.
    pub vault_opens_account: bool,
    /// Settled P&L becomes the vault's collateral (otherwise a quote-token balance that
    /// stays at the venue as margin).
    pub pnl_settles_to_collateral: bool,
    /// Anyone may settle the vault's P&L and funding there (the keeper cranks them);
    /// otherwise only the vault does, in its own instructions.
    pub permissionless_settlement: bool,
    /// Its instructions need accounts beyond the market and the margin account, found by
    /// content among the remaining accounts ([`Holder`]).
    pub support_accounts: bool,
    /// Anyone can credit collateral to the vault's account there (Phoenix: tokens sent to
    /// the custody account, then its permissionless `sync_spot`): the vault counts no
    /// more than it put there ([`VenueView::capped`]).
    pub anyone_credits_collateral: bool,
}

/// What the adapter of `kind` supports.
pub fn capabilities(kind: VenueKind) -> Capabilities {
    match kind {
        VenueKind::LocalPerp => Capabilities {
            immediate_fills: true,
            deferred_fills: false,
            vault_opens_account: false,
            pnl_settles_to_collateral: true,
            permissionless_settlement: true,
            support_accounts: false,
            anyone_credits_collateral: false,
        },
        VenueKind::DriftV2 => Capabilities {
            immediate_fills: true,
            deferred_fills: true,
            vault_opens_account: true,
            pnl_settles_to_collateral: false,
            permissionless_settlement: false,
            support_accounts: true,
            anyone_credits_collateral: false,
        },
        VenueKind::PhoenixRise => Capabilities {
            immediate_fills: true,
            // Phoenix's limit orders rest on the book, but the vault sends only IOC orders.
            deferred_fills: false,
            vault_opens_account: false,
            pnl_settles_to_collateral: false,
            permissionless_settlement: false,
            support_accounts: true,
            anyone_credits_collateral: true,
        },
    }
}

/// What a venue accepts now, as the venue itself reports it (its market and exchange
/// status bits), read before any CPI so a paused venue is detected, not reverted into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VenueStatus {
    /// Orders, margin moves and settlements are accepted.
    #[default]
    Active,
    /// Orders may only shrink the position; margin and settlement go on.
    ReduceOnly,
    /// Nothing can be sent (orders, margin, settlement).
    Paused,
}

/// A venue margin account as the vault sees it, read from the venue's own accounts in the
/// instruction that uses it (never from a stored copy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VenueView {
    /// What the venue accepts now (read from the venue).
    pub status: VenueStatus,
    /// Frozen by the vault's guardian ([`crate::state::Vault::frozen_venues`]).
    pub frozen: bool,
    /// Haircut on this venue's equity and delta while frozen (bps; the configured
    /// `frozen_haircut_bps`).
    pub frozen_haircut_bps: u16,
    /// Position (underlying base units).
    pub position: i64,
    /// Quote balance (quote units).
    pub quote_balance: Fix,
    /// Collateral held by the venue for the vault (collateral base units).
    pub collateral: u64,
    /// Equity marked to the oracle, accrued funding included (quote units).
    pub equity_quote: Fix,
    /// |position| · price (quote units).
    pub notional: Fix,
    /// The venue's funding rate (bps per year, longs pay when positive).
    pub funding_rate_bps: i32,
    /// Execution model of a market order at the venue: fill = oracle · (1 ± (fee +
    /// |size| / depth)). Taker fee (bps of notional).
    pub taker_fee_bps: u16,
    /// Linear impact depth (underlying base units whose trade moves the fill by 100 %;
    /// `u64::MAX` = no measurable impact).
    pub impact_depth: u64,
    /// Maintenance margin: the venue liquidates below `equity < notional · bps / 10 000`.
    pub maintenance_margin_bps: u16,
    /// Initial margin: collateral leaves only while `equity ≥ notional · bps / 10 000`.
    pub initial_margin_bps: u16,
    /// Orders are whole multiples of this (underlying base units; 1 = any size).
    pub lot: u64,
    /// How much less than its value the venue counts the collateral for margin (bps;
    /// Drift: 10 000 − the spot market's initial asset weight; 0 = in full). The vault's
    /// margin arithmetic ([`VenueView::margin_rate`]) uses the venue's own weight.
    pub collateral_haircut_bps: u16,
    /// Profit or loss the venue has not yet settled into a balance (quote units): settling
    /// a profit before recalling margin turns it into something the venue releases.
    pub unsettled_pnl: Fix,
    /// The vault's open orders at the venue, net (underlying base units, towards zero):
    /// trades on their way that have not filled yet (a deferred order placed by
    /// `rebalance_deferred`). Read from the venue (Drift: the position's open bids and
    /// asks); `plan` counts them as already traded so nothing is ordered twice.
    pub pending: i64,
}

impl VenueView {
    /// The view with the vault's own state about venue `i` (frozen or not, its haircut).
    pub fn under(self, vault: &crate::state::Vault, i: usize) -> Self {
        VenueView {
            frozen: frozen(vault, i),
            frozen_haircut_bps: vault
                .params
                .live_venues()
                .get(i)
                .map_or(0, |c| c.frozen_haircut_bps),
            ..self
        }
    }

    /// At a venue where anyone can credit the vault's account
    /// ([`Capabilities::anyone_credits_collateral`]), the collateral counted no larger than
    /// what the vault put there ([`crate::state::Vault::venue_collateral_in`]), the equity
    /// less what is cut at the collateral price: a donation never moves NAV. Elsewhere the
    /// view as it is.
    pub fn capped(self, vault: &crate::state::Vault, i: usize, mark: &Mark) -> Result<Self> {
        let Some(cfg) = vault.params.live_venues().get(i) else {
            return Ok(self);
        };
        if !capabilities(cfg.kind).anyone_credits_collateral {
            return Ok(self);
        }
        let tracked = vault.venue_collateral_in.get(i).copied().unwrap_or(0);
        let Some(excess) = self.collateral.checked_sub(tracked).filter(|x| *x > 0) else {
            return Ok(self);
        };
        let unit = 10u64
            .checked_pow(u32::from(vault.decimals))
            .ok_or(VaultError::MathOverflow)?;
        let cut = hedge_math::ops::ratio_u64(excess, unit)
            .and_then(|x| x.checked_mul(mark.collateral_price))
            .ok_or(VaultError::MathOverflow)?;
        Ok(VenueView {
            collateral: tracked,
            equity_quote: self
                .equity_quote
                .checked_sub(cut)
                .ok_or(VaultError::MathOverflow)?,
            ..self
        })
    }

    /// Whether an order of `size` may be sent now: the venue is not frozen, not paused,
    /// and, while reduce-only, the order shrinks the position without crossing zero.
    pub fn accepts_order(&self, size: i64) -> bool {
        if self.frozen {
            return false;
        }
        match self.status {
            VenueStatus::Active => true,
            VenueStatus::Paused => false,
            VenueStatus::ReduceOnly => {
                let after = self.position.saturating_add(size);
                after.unsigned_abs() < self.position.unsigned_abs()
                    && (after == 0 || after.signum() == self.position.signum())
            }
        }
    }

    /// Whether margin can move and P&L settle now (not frozen, not paused).
    pub fn accepts_margin(&self) -> bool {
        !self.frozen && self.status != VenueStatus::Paused
    }

    /// Fails with the specific reason when an order of `size` may not be sent.
    pub fn require_order(&self, size: i64) -> Result<()> {
        require!(!self.frozen, VaultError::VenueFrozen);
        require!(self.status != VenueStatus::Paused, VaultError::VenuePaused);
        require!(self.accepts_order(size), VaultError::VenueReduceOnly);
        Ok(())
    }

    /// Fails with the specific reason when margin may not move.
    pub fn require_margin(&self) -> Result<()> {
        require!(!self.frozen, VaultError::VenueFrozen);
        require!(self.status != VenueStatus::Paused, VaultError::VenuePaused);
        Ok(())
    }

    /// What the vault counts of this venue: everything, or, while frozen, position,
    /// collateral and equity scaled by `1 − haircut` (collateral rounded down, the position
    /// towards zero). The vault's delta is ∂NAV/∂S of the NAV it marks, so the delta of a
    /// frozen venue shrinks with its value and the other venues re-hedge the difference.
    /// Linear on both sides of zero equity: a piecewise rule (in full below zero) would put
    /// a kink in NAV that the hedge whipsaws on every crossing, and an account under water
    /// is worth at least nothing to the vault, never less (the venue has no recourse beyond
    /// it), so a scaled negative equity still never overstates NAV.
    pub fn counted(&self) -> Result<Self> {
        if !self.frozen || self.frozen_haircut_bps == 0 {
            return Ok(*self);
        }
        let keep = crate::constants::BPS
            .checked_sub(u64::from(self.frozen_haircut_bps))
            .ok_or(VaultError::HaircutOutOfBounds)?;
        // Towards zero.
        let scale_i = |x: i64| -> Result<i64> {
            i128::from(x)
                .checked_mul(i128::from(keep))
                .and_then(|v| v.checked_div(i128::from(crate::constants::BPS)))
                .and_then(|v| i64::try_from(v).ok())
                .ok_or_else(|| error!(VaultError::MathOverflow))
        };
        let keep_fx = Fix::from_num(keep)
            .checked_div_int(i128::from(crate::constants::BPS))
            .ok_or(VaultError::MathOverflow)?;
        Ok(VenueView {
            position: scale_i(self.position)?,
            collateral: u128::from(self.collateral)
                .checked_mul(u128::from(keep))
                .and_then(|v| v.checked_div(u128::from(crate::constants::BPS)))
                .and_then(|v| u64::try_from(v).ok())
                .ok_or(VaultError::MathOverflow)?,
            // Floored to base units by `pricing::holdings`, like every venue's equity.
            equity_quote: self
                .equity_quote
                .checked_mul(keep_fx)
                .ok_or(VaultError::MathOverflow)?,
            ..*self
        })
    }
}

/// The largest |size| (underlying base units) whose fill under the venue's execution model
/// stays within `max_slippage_bps` of the oracle: `(slippage − fee) · depth`, less one base
/// unit for rounding, 0 when the fee alone exceeds the slippage limit.
pub fn max_size_within(view: &VenueView, max_slippage_bps: u16) -> u64 {
    let Some(edge_bps) = max_slippage_bps.checked_sub(view.taker_fee_bps) else {
        return 0;
    };
    let size = u128::from(view.impact_depth).saturating_mul(u128::from(edge_bps)) / 10_000;
    u64::try_from(size).unwrap_or(u64::MAX).saturating_sub(1)
}

/// Brings the vault's record of its venue positions in line with what the venues report
/// (`views`, one per configured venue, in order), and emits [`crate::events::HedgeReconciled`]
/// for every position that changed without the vault trading (a liquidation, an
/// auto-deleverage, a fill that arrived later). The record is informational: pricing
/// always uses the views.
pub fn reconcile(
    address: Pubkey,
    vault: &mut crate::state::Vault,
    views: &[VenueView],
    now: i64,
) -> Result<()> {
    let mut positions = vault.venue_positions;
    for (i, view) in views.iter().enumerate() {
        // Where anyone can credit the account, what the vault put there is lowered to what
        // the venue now reports when that is less (a liquidation took some): the cap then
        // follows the venue down, never up.
        let credits = vault
            .params
            .live_venues()
            .get(i)
            .is_some_and(|c| capabilities(c.kind).anyone_credits_collateral);
        if credits && !view.frozen {
            if let Some(t) = vault.venue_collateral_in.get_mut(i) {
                *t = (*t).min(view.collateral);
            }
        }
        let recorded = positions.get_mut(i).ok_or(VaultError::MissingVenueAccounts)?;
        if *recorded != view.position {
            crate::events::emit(&crate::events::HedgeReconciled {
                vault: address,
                venue_index: u8::try_from(i).map_err(|_| VaultError::MathOverflow)?,
                recorded: *recorded,
                actual: view.position,
                timestamp: now,
            });
            *recorded = view.position;
        }
    }
    vault.set_venue_positions(positions)
}

/// Whether the guardian froze venue `i` ([`crate::state::Vault::frozen_venues`]).
pub fn frozen(vault: &crate::state::Vault, i: usize) -> bool {
    u32::try_from(i)
        .ok()
        .and_then(|i| 1u8.checked_shl(i))
        .is_some_and(|bit| vault.frozen_venues & bit != 0)
}

/// Whether venue `i` is frozen and written off (haircut 100 %): it counts for nothing, so
/// its accounts are not read at all — they may be gone or changed beyond recognition, and
/// a venue that never comes back must not block the vault.
pub fn written_off(vault: &crate::state::Vault, i: usize) -> bool {
    frozen(vault, i)
        && vault
            .params
            .live_venues()
            .get(i)
            .is_some_and(|c| u64::from(c.frozen_haircut_bps) == crate::constants::BPS)
}

/// What a written-off venue counts as: nothing, and nothing can be sent to it.
pub fn written_off_view() -> VenueView {
    VenueView {
        status: VenueStatus::Paused,
        frozen: true,
        frozen_haircut_bps: u16::try_from(crate::constants::BPS).unwrap_or(u16::MAX),
        ..VenueView::default()
    }
}

/// Reads every configured venue from `remaining` (`[market, margin account]` per venue, in
/// the configured order), marked at `mark`. A written-off venue ([`written_off`]) is not
/// read: its accounts must still be the configured ones, and it counts for nothing.
pub fn read_all<'info>(
    vault: &crate::state::Vault,
    remaining: &[AccountInfo<'info>],
    mark: &Mark,
) -> Result<Vec<VenueView>> {
    let holder = Holder::of(vault, remaining);
    let venues = vault.params.live_venues();
    let mut out = Vec::with_capacity(venues.len());
    for (i, v) in venues.iter().enumerate() {
        let base = i.checked_mul(2).ok_or(VaultError::MathOverflow)?;
        let (market, margin) = match (remaining.get(base), remaining.get(base.saturating_add(1))) {
            (Some(m), Some(g)) => (m, g),
            _ => return err!(VaultError::MissingVenueAccounts),
        };
        if written_off(vault, i) {
            require_keys_eq!(market.key(), v.market, VaultError::VenueAccountMismatch);
            require_keys_eq!(margin.key(), v.margin_account, VaultError::VenueAccountMismatch);
            out.push(written_off_view());
            continue;
        }
        out.push(
            view(v, &(market, margin), mark, &holder)?
                .capped(vault, i, mark)?
                .under(vault, i),
        );
    }
    Ok(out)
}

impl VenueView {
    /// The collateral rate (underlying per collateral token) as the venue counts it for
    /// margin: `rate · (1 − collateral_haircut_bps)`. Every margin computation (headroom,
    /// position limit, what a withdrawal may take) uses it, so the vault never plans on
    /// margin the venue does not grant.
    pub fn margin_rate(&self, rate: Fix) -> Option<Fix> {
        if self.collateral_haircut_bps == 0 {
            return Some(rate);
        }
        let keep = 10_000i128.checked_sub(i128::from(self.collateral_haircut_bps))?;
        rate.checked_mul_int(keep.max(0))?.checked_div_int(10_000)
    }

    /// Collateral the venue would release now (collateral base units, rounded down):
    /// equity above the initial margin, with the notional and the equity taken 2 % against
    /// the position (the venue checks at the adverse end of its oracle's confidence,
    /// at most 2 %), the collateral counted at the venue's weight, and never more than the
    /// collateral posted.
    pub fn releasable(&self, mark: &Mark, unit: i128) -> Result<u64> {
        let adverse = self
            .notional
            .checked_mul_int(2)
            .and_then(|n| n.checked_div_int(100))
            .ok_or(VaultError::MathOverflow)?;
        let required = self
            .notional
            .checked_add(adverse)
            .and_then(|n| n.checked_mul_int(i128::from(self.initial_margin_bps)))
            .and_then(|n| n.checked_div_int(i128::from(crate::constants::BPS)))
            .ok_or(VaultError::MathOverflow)?;
        // The part of the collateral's value the venue does not count for margin.
        let weighted_price = self
            .margin_rate(mark.collateral_price)
            .ok_or(VaultError::MathOverflow)?;
        let uncounted = Fix::from_num(self.collateral)
            .checked_div_int(unit)
            .and_then(|c| c.checked_mul(mark.collateral_price.checked_sub(weighted_price)?))
            .ok_or(VaultError::MathOverflow)?;
        let free = self
            .equity_quote
            .checked_sub(uncounted)
            .and_then(|e| e.checked_sub(adverse))
            .and_then(|e| e.checked_sub(required))
            .ok_or(VaultError::MathOverflow)?;
        if free <= Fix::ZERO || weighted_price <= Fix::ZERO {
            return Ok(0);
        }
        // Each unit withdrawn takes its weighted value off the margin.
        let units = free
            .checked_div(weighted_price)
            .and_then(|v| v.checked_mul_int(unit))
            .ok_or(VaultError::MathOverflow)?;
        Ok(units.floor().saturating_to_num::<u64>().min(self.collateral))
    }

    /// The underlying price at which the venue would liquidate this account (quote per
    /// whole token): where its equity meets the maintenance requirement,
    /// `quote + P·S + c·k·S = mm·|P|·S`, with the position `P`, the collateral `c` counted
    /// at the venue's weight (`k`: collateral per underlying at that weight,
    /// [`VenueView::margin_rate`]) and the quote balance, funding included. `None` without
    /// a position, or when no positive price liquidates it (the collateral alone covers
    /// the position whichever way the price goes). Not used on-chain: what the keeper and
    /// tooling report (conservative where the venue weighs collateral higher for
    /// liquidation than for withdrawals, as Drift does).
    pub fn liquidation_price(&self, mark: &Mark, unit: i128) -> Option<Fix> {
        if self.position == 0 || mark.price <= Fix::ZERO {
            return None;
        }
        let rate = mark.collateral_price.checked_div(mark.price)?;
        let k = self.margin_rate(rate)?;
        let p = Fix::from_num(self.position).checked_div_int(unit)?;
        let c = Fix::from_num(self.collateral).checked_div_int(unit)?;
        let mm = Fix::from_num(self.maintenance_margin_bps).checked_div_int(10_000)?;
        // q + S·(P + c·k − mm·|P|) = 0.
        let slope = p
            .checked_add(c.checked_mul(k)?)?
            .checked_sub(mm.checked_mul(p.abs())?)?;
        if slope == Fix::ZERO {
            return None;
        }
        let s = self.quote_balance.checked_neg()?.checked_div(slope)?;
        (s > Fix::ZERO).then_some(s)
    }

    /// Funding this position pays (bps per year; negative when it receives).
    pub fn funding_paid_bps(&self) -> i64 {
        i64::from(self.funding_rate_bps).saturating_mul(self.position.signum())
    }
}

/// The accounts one venue operation needs.
pub struct VenueAccounts<'a, 'info> {
    pub program: &'a AccountInfo<'info>,
    pub market: &'a AccountInfo<'info>,
    pub margin_account: &'a AccountInfo<'info>,
    pub oracle: &'a AccountInfo<'info>,
    pub collateral_oracle: Option<&'a AccountInfo<'info>>,
    /// The vault as a holder, and the accounts an adapter finds its own among.
    pub holder: Holder<'a, 'info>,
}

/// What an adapter knows of the vault holding the venue account, and every further account
/// the instruction was given (its remaining accounts). An adapter that needs more than the
/// market and the margin account (Drift: its `State`, spot markets, `UserStats`, oracles,
/// token vaults) finds each here by address or content, and checks each (owner, type,
/// index) before use: the order they come in does not matter, and a forged one is refused.
#[derive(Clone, Copy)]
pub struct Holder<'a, 'info> {
    /// The vault's collateral mint.
    pub collateral_mint: Pubkey,
    /// Decimals of the collateral and of the underlying's base unit.
    pub decimals: u8,
    pub accounts: &'a [AccountInfo<'info>],
}

impl<'a, 'info> Holder<'a, 'info> {
    pub fn of(vault: &crate::state::Vault, accounts: &'a [AccountInfo<'info>]) -> Self {
        Holder {
            collateral_mint: vault.collateral_mint,
            decimals: vault.decimals,
            accounts,
        }
    }

    /// The passed account at `key`.
    pub fn find(&self, key: &Pubkey) -> Result<&'a AccountInfo<'info>> {
        self.accounts
            .iter()
            .find(|a| a.key == key)
            .ok_or_else(|| error!(VaultError::VenueSupportAccountMissing))
    }
}

/// What a venue account is marked at.
///
/// Adapter functions take at most five machine words of arguments (an I80F48 passed by
/// value is two): sBPF has no stack arguments (docs/compute-units.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// Underlying price (quote per whole token).
    pub price: Fix,
    /// Collateral price (quote per whole collateral token).
    pub collateral_price: Fix,
    /// Unix seconds (funding accrues to this time).
    pub now: i64,
}

impl Mark {
    /// The mark of an oracle snapshot at `now`: the collateral price is the underlying
    /// price times the collateral rate.
    pub fn of(market: &crate::oracle::MarketSnapshot, now: i64) -> Result<Self> {
        let price = market.underlying.price;
        Ok(Mark {
            price,
            collateral_price: price
                .checked_mul(market.collateral_rate)
                .ok_or(VaultError::MathOverflow)?,
            now,
        })
    }
}

/// The vault PDA as the signer of venue CPIs.
pub struct VaultAuthority<'a, 'info> {
    pub vault: &'a AccountInfo<'info>,
    pub seeds: &'a [&'a [u8]],
}

/// A trade for [`verified_trade`].
pub struct TradeRequest<'a> {
    /// Perp trade (underlying base units): > 0 buys, < 0 sells.
    pub size: i64,
    /// The oracle snapshot the trade is checked against.
    pub market: &'a crate::oracle::MarketSnapshot,
    /// Worst accepted fill against the oracle (bps).
    pub max_slippage_bps: u16,
    /// Decimals of the underlying's base unit.
    pub decimals: u8,
    /// Unix seconds.
    pub now: i64,
}

impl<'a> TradeRequest<'a> {
    /// A trade of `size` under the vault's slippage limit and decimals.
    pub fn for_vault(
        vault: &crate::state::Vault,
        size: i64,
        market: &'a crate::oracle::MarketSnapshot,
        now: i64,
    ) -> Self {
        TradeRequest {
            size,
            market,
            max_slippage_bps: vault.params.risk.max_slippage_bps,
            decimals: vault.decimals,
            now,
        }
    }
}

/// Checks a venue configuration (called from `VaultParams::validate`).
pub fn validate_config(v: &VenueConfig, vault: &Pubkey) -> Result<()> {
    require!(
        u64::from(v.frozen_haircut_bps) <= crate::constants::BPS,
        VaultError::HaircutOutOfBounds
    );
    match v.kind {
        VenueKind::LocalPerp => local_perp::validate_config(v, vault),
        VenueKind::DriftV2 => drift::validate_config(v, vault),
        VenueKind::PhoenixRise => phoenix::validate_config(v, vault),
    }
}

/// Fails unless the passed accounts are the configured program, market and margin account.
pub fn check_accounts(v: &VenueConfig, a: &VenueAccounts) -> Result<()> {
    require_keys_eq!(a.program.key(), v.program_id, VaultError::VenueProgramMismatch);
    require_keys_eq!(a.market.key(), v.market, VaultError::VenueAccountMismatch);
    require_keys_eq!(
        a.margin_account.key(),
        v.margin_account,
        VaultError::VenueAccountMismatch
    );
    Ok(())
}

/// Reads the vault's margin account, marked at `mark`: `pair` is the venue's market and
/// the vault's margin account there, passed as one argument (sBPF passes at most five
/// words, the returned `Result` included).
/// Both accounts must be the configured ones and owned by the configured program.
#[inline(never)]
pub fn view(
    v: &VenueConfig,
    pair: &(&AccountInfo<'_>, &AccountInfo<'_>),
    mark: &Mark,
    holder: &Holder,
) -> Result<VenueView> {
    let (market, margin_account) = *pair;
    require_keys_eq!(market.key(), v.market, VaultError::VenueAccountMismatch);
    require_keys_eq!(
        margin_account.key(),
        v.margin_account,
        VaultError::VenueAccountMismatch
    );
    require_keys_eq!(*market.owner, v.program_id, VaultError::VenueProgramMismatch);
    // A Drift `User` is opened by the vault itself (`open_venue_account`), a Phoenix trader
    // account by Phoenix's onboarding, once the venue is configured; until then its address
    // is an empty system account, which holds nothing.
    let unopened = matches!(v.kind, VenueKind::DriftV2 | VenueKind::PhoenixRise)
        && margin_account.data_is_empty()
        && *margin_account.owner == anchor_lang::system_program::ID;
    if !unopened {
        require_keys_eq!(
            *margin_account.owner,
            v.program_id,
            VaultError::VenueProgramMismatch
        );
    }
    match v.kind {
        VenueKind::LocalPerp => local_perp::view(market, margin_account, mark),
        VenueKind::DriftV2 => drift::view(market, margin_account, mark, holder),
        VenueKind::PhoenixRise => phoenix::view(market, margin_account, mark, holder),
    }
}

/// A market order.
pub struct Order {
    /// Underlying base units: > 0 buys, < 0 sells.
    pub size: i64,
    /// Worst average fill price (quote per whole token).
    pub limit: Fix,
}

/// Places a market order.
pub fn place_order<'info>(
    v: &VenueConfig,
    a: &VenueAccounts<'_, 'info>,
    auth: &VaultAuthority<'_, 'info>,
    order: &Order,
) -> Result<()> {
    check_accounts(v, a)?;
    match v.kind {
        VenueKind::LocalPerp => local_perp::place_order(a, auth, order),
        VenueKind::DriftV2 => drift::place_order(a, auth, order),
        VenueKind::PhoenixRise => phoenix::place_order(a, auth, order),
    }
}

/// A trade verified against the venue's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifiedFill {
    /// Position after the trade (underlying base units).
    pub position_after: i64,
    /// Average fill price (quote per whole token).
    pub price: Fix,
    /// (fill − oracle) · size: execution cost against the oracle (quote).
    pub cost: Fix,
}

/// Trades `size` on a venue with the limit price oracle × (1 ± `max_slippage_bps`), then
/// re-reads the margin account: the position must have moved by exactly `size` and the
/// average fill must be within the limit.
#[inline(never)]
pub fn verified_trade<'info>(
    v: &VenueConfig,
    a: &VenueAccounts<'_, 'info>,
    auth: &VaultAuthority<'_, 'info>,
    req: &TradeRequest,
) -> Result<VerifiedFill> {
    check_accounts(v, a)?;
    let (size, max_slippage_bps, decimals) = (req.size, req.max_slippage_bps, req.decimals);
    let mark = Mark::of(req.market, req.now)?;
    let price = mark.price;
    let before = view(v, &(a.market, a.margin_account), &mark, &a.holder)?;
    // The venue's own status, read before the CPI: a paused or reduce-only venue is
    // refused here with a reason, not reverted into. (The guardian's freeze is the
    // caller's check: it routes nothing to a frozen venue.)
    before.require_order(size)?;
    // 64-bit divisions (`ratio`): an i128 division is costly on sBPF.
    let slip = hedge_math::ops::ratio_u64(u64::from(max_slippage_bps), crate::constants::BPS)
        .ok_or(VaultError::MathOverflow)?;
    let factor = if size > 0 {
        Fix::ONE.saturating_add(slip)
    } else {
        Fix::ONE.saturating_sub(slip)
    };
    let limit = price.checked_mul(factor).ok_or(VaultError::MathOverflow)?;
    place_order(v, a, auth, &Order { size, limit })?;
    let after = view(v, &(a.market, a.margin_account), &mark, &a.holder)?;
    require!(
        after.position
            == before
                .position
                .checked_add(size)
                .ok_or(VaultError::MathOverflow)?,
        VaultError::VenueFillMismatch
    );
    let unit = 10u64
        .checked_pow(u32::from(decimals))
        .ok_or(VaultError::MathOverflow)?;
    let size_whole = hedge_math::ops::ratio(size, unit).ok_or(VaultError::MathOverflow)?;
    let paid = before
        .quote_balance
        .checked_sub(after.quote_balance)
        .ok_or(VaultError::MathOverflow)?;
    let fill = paid.checked_div(size_whole).ok_or(VaultError::MathOverflow)?;
    let within = if size > 0 { fill <= limit } else { fill >= limit };
    require!(within, VaultError::FillSlippage);
    let cost = fill
        .checked_sub(price)
        .and_then(|d| d.checked_mul(size_whole))
        .ok_or(VaultError::MathOverflow)?;
    Ok(VerifiedFill {
        position_after: after.position,
        price: fill,
        cost,
    })
}

/// Places an order of `req.size` that fills later (Drift: an auction from the oracle to
/// the vault's slippage limit, `place_perp_order`), valid until `expires_at` (unix
/// seconds). Verified by re-reading the venue: the open orders moved by exactly the size,
/// the position not at all. Returns the venue's pending total after it.
#[inline(never)]
pub fn place_deferred<'info>(
    v: &VenueConfig,
    a: &VenueAccounts<'_, 'info>,
    auth: &VaultAuthority<'_, 'info>,
    req: &TradeRequest,
    expires_at: i64,
) -> Result<i64> {
    check_accounts(v, a)?;
    require!(
        capabilities(v.kind).deferred_fills,
        VaultError::VenueNoDeferredFills
    );
    let mark = Mark::of(req.market, req.now)?;
    let before = view(v, &(a.market, a.margin_account), &mark, &a.holder)?;
    before.require_order(req.size)?;
    match v.kind {
        VenueKind::DriftV2 => drift::place_deferred(a, auth, req, expires_at)?,
        VenueKind::LocalPerp | VenueKind::PhoenixRise => return err!(VaultError::VenueNoDeferredFills),
    }
    let after = view(v, &(a.market, a.margin_account), &mark, &a.holder)?;
    require!(
        after.position == before.position
            && after.pending
                == before
                    .pending
                    .checked_add(req.size)
                    .ok_or(VaultError::MathOverflow)?,
        VaultError::VenueFillMismatch
    );
    Ok(after.pending)
}

/// Cancels the vault's open orders on its market at the venue.
pub fn cancel_orders<'info>(
    v: &VenueConfig,
    a: &VenueAccounts<'_, 'info>,
    auth: &VaultAuthority<'_, 'info>,
) -> Result<()> {
    check_accounts(v, a)?;
    match v.kind {
        VenueKind::DriftV2 => drift::cancel_orders(a, auth),
        VenueKind::LocalPerp | VenueKind::PhoenixRise => err!(VaultError::VenueNoDeferredFills),
    }
}

/// A margin transfer: its token accounts and amount.
pub struct MarginTransfer<'a, 'info> {
    /// Collateral base units: > 0 from the vault to the venue, < 0 back.
    pub amount: i64,
    pub venue_pool: &'a AccountInfo<'info>,
    pub collateral_mint: &'a AccountInfo<'info>,
    pub vault_collateral: &'a AccountInfo<'info>,
    pub token_program: &'a AccountInfo<'info>,
}

/// Settles the vault's P&L at the venue into its balance (the local venue: collateral;
/// Drift: the quote spot balance). The vault signs where the venue wants its authority.
pub fn settle_pnl<'info>(
    v: &VenueConfig,
    a: &VenueAccounts<'_, 'info>,
    auth: &VaultAuthority<'_, 'info>,
) -> Result<()> {
    check_accounts(v, a)?;
    match v.kind {
        VenueKind::LocalPerp => local_perp::settle_pnl(a),
        VenueKind::DriftV2 => drift::settle_pnl(a, auth),
        // Phoenix books P&L into the quote collateral itself: nothing to settle.
        VenueKind::PhoenixRise => Ok(()),
    }
}

/// Moves `t.amount` collateral from the vault to its margin account (> 0) or back (< 0).
pub fn move_margin<'info>(
    v: &VenueConfig,
    a: &VenueAccounts<'_, 'info>,
    t: &MarginTransfer<'_, 'info>,
    auth: &VaultAuthority<'_, 'info>,
) -> Result<()> {
    check_accounts(v, a)?;
    match v.kind {
        VenueKind::LocalPerp => local_perp::move_margin(a, t, auth),
        VenueKind::DriftV2 => drift::move_margin(a, t, auth),
        VenueKind::PhoenixRise => phoenix::move_margin(a, t, auth),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_adapter_says_what_it_supports() {
        let local = capabilities(VenueKind::LocalPerp);
        let drift = capabilities(VenueKind::DriftV2);
        // Both fill at once (what `verified_trade` needs); only Drift also fills later.
        assert!(local.immediate_fills && drift.immediate_fills);
        assert!(!local.deferred_fills && drift.deferred_fills);
        // Drift wants the owner's signature to open an account, its P&L settles in USDC,
        // only the vault settles it, and it needs its State and markets passed along.
        assert!(drift.vault_opens_account && !local.vault_opens_account);
        assert!(local.pnl_settles_to_collateral && !drift.pnl_settles_to_collateral);
        assert!(local.permissionless_settlement && !drift.permissionless_settlement);
        assert!(drift.support_accounts && !local.support_accounts);
        // Phoenix fills at once (IOC against the book), registers accounts itself, books
        // P&L into its quote collateral and needs its configuration and index accounts.
        let phoenix = capabilities(VenueKind::PhoenixRise);
        assert!(phoenix.immediate_fills && !phoenix.deferred_fills);
        assert!(!phoenix.vault_opens_account && !phoenix.pnl_settles_to_collateral);
        assert!(phoenix.support_accounts && !phoenix.permissionless_settlement);
        // Only at Phoenix can anyone credit the vault's account (its permissionless
        // `sync_spot`): only there is the collateral counted capped.
        assert!(phoenix.anyone_credits_collateral);
        assert!(!drift.anyone_credits_collateral && !local.anyone_credits_collateral);
    }

    #[test]
    fn liquidation_price_where_equity_meets_maintenance() {
        let mark = Mark {
            price: Fix::from_num(150),
            collateral_price: Fix::from_num(150),
            now: 0,
        };
        let unit = 1_000_000_000i128;
        // Short 2 sold at 150 (quote +300), 0.5 of collateral, 5 % maintenance:
        // 300 − 2·S + 0.5·S = 0.05·2·S → S = 187.5 (independently: equity 18.75 =
        // requirement 18.75 there).
        let short = VenueView {
            position: -2_000_000_000,
            quote_balance: Fix::from_num(300),
            collateral: 500_000_000,
            maintenance_margin_bps: 500,
            ..VenueView::default()
        };
        let close = |v: &VenueView, want: f64| {
            let s = v.liquidation_price(&mark, unit).unwrap().to_num::<f64>();
            assert!((s - want).abs() < 1e-9, "{s} vs {want}");
        };
        close(&short, 187.5);
        // The collateral counted at an 80 % weight: 300 − 2·S + 0.4·S = 0.1·S → 176.47…
        let weighted = VenueView {
            collateral_haircut_bps: 2_000,
            ..short
        };
        close(&weighted, 300.0 / 1.7);
        // Long 1 bought at 150 with 50 of quote posted (quote −100), 10 %: liquidated on
        // the way down, at −100 + S = 0.1·S → 111.11.
        let long = VenueView {
            position: 1_000_000_000,
            quote_balance: Fix::from_num(-100),
            maintenance_margin_bps: 1_000,
            ..VenueView::default()
        };
        close(&long, 100.0 / 0.9);
        // A short fully covered by collateral with enough quote: no price liquidates it.
        let covered = VenueView {
            position: -1_000_000_000,
            quote_balance: Fix::from_num(150),
            collateral: 2_000_000_000,
            maintenance_margin_bps: 500,
            ..VenueView::default()
        };
        assert_eq!(covered.liquidation_price(&mark, unit), None);
        assert_eq!(
            VenueView::default().liquidation_price(&mark, unit),
            None,
            "no position"
        );
    }

    #[test]
    fn lots_round_towards_zero_on_both_sides() {
        use crate::instructions::keeper::rebalance::lots;
        assert_eq!(lots(1_234, 100), 1_200);
        assert_eq!(lots(-1_234, 100), -1_200);
        assert_eq!(lots(99, 100), 0);
        assert_eq!(lots(-99, 100), 0);
        assert_eq!(lots(7, 0), 7, "a lot of 0 counts as 1");
        assert_eq!(lots(i64::MIN, 1), -i64::MAX, "saturates, never wraps");
        assert_eq!(lots(5, u64::MAX), 0);
    }
}
