//! The vault account and its state transitions.
use anchor_lang::prelude::*;
use hedge_math::{shares, Fix};

use crate::constants::*;
use crate::error::{math_err, VaultError};
use crate::state::VaultParams;

/// Which Pyth account format a feed uses.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
#[repr(u8)]
pub enum OracleSource {
    /// Pyth pull oracle: a `PriceUpdateV2` account owned by the Pyth receiver program,
    /// matched by feed id (any account carrying that feed is accepted).
    PythPull,
    /// Legacy push-format price account (forks and local validators), matched by address
    /// and owned by `OracleConfig::legacy_program`.
    PythLegacy,
}

/// One price feed.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
#[repr(C)]
pub struct PriceFeedConfig {
    /// Account format.
    pub source: OracleSource,
    /// Pull: the 32-byte Pyth feed id. Legacy: unused (zero).
    pub feed_id: [u8; 32],
    /// Legacy: the price account address. Pull: unused (default).
    pub account: Pubkey,
}

/// How the vault prices its underlying and values its collateral.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
#[repr(C)]
pub struct OracleConfig {
    /// Underlying / quote (e.g. SOL/USD). Drives the Greeks and the delta check.
    pub underlying: PriceFeedConfig,
    /// Whether `collateral_feed` is used. False: the collateral *is* the underlying
    /// (rate 1). True: one collateral unit is worth collateral_px / underlying_px
    /// underlying units. (A flag, not an `Option`: the vault is a fixed-layout zero-copy
    /// account.) Read it through [`OracleConfig::collateral`].
    pub has_collateral_feed: bool,
    /// Collateral / quote (e.g. jitoSOL/USD), when `has_collateral_feed`; zeroed otherwise.
    pub collateral_feed: PriceFeedConfig,
    /// Owner program of legacy price accounts (ignored for pull feeds).
    pub legacy_program: Pubkey,
}

impl OracleConfig {
    /// An oracle configuration; `collateral` is `None` when the collateral is the
    /// underlying.
    pub fn new(
        underlying: PriceFeedConfig,
        collateral: Option<PriceFeedConfig>,
        legacy_program: Pubkey,
    ) -> Self {
        OracleConfig {
            underlying,
            has_collateral_feed: collateral.is_some(),
            collateral_feed: collateral.unwrap_or(PriceFeedConfig {
                source: OracleSource::PythPull,
                feed_id: [0; 32],
                account: Pubkey::default(),
            }),
            legacy_program,
        }
    }

    /// The collateral feed, if the vault has one.
    pub fn collateral(&self) -> Option<&PriceFeedConfig> {
        self.has_collateral_feed.then_some(&self.collateral_feed)
    }

    /// Every configured feed names something: a pull feed id or a legacy account.
    pub fn validate(&self) -> Result<()> {
        self.underlying.validate()?;
        if let Some(c) = self.collateral() {
            c.validate()?;
        }
        Ok(())
    }
}

impl PriceFeedConfig {
    /// A pull feed has a feed id, a legacy feed an account.
    pub fn validate(&self) -> Result<()> {
        match self.source {
            OracleSource::PythPull => require!(self.feed_id != [0u8; 32], VaultError::OracleWrongFeed),
            OracleSource::PythLegacy => {
                require!(self.account != Pubkey::default(), VaultError::OracleWrongAccount)
            }
        }
        Ok(())
    }
}

/// Pause flags (bitmask in [`Vault::paused`]).
pub mod pause {
    use anchor_lang::prelude::constant;

    /// `deposit`.
    #[constant]
    pub const DEPOSIT: u16 = 1 << 0;
    /// `request_withdraw`.
    #[constant]
    pub const REQUEST_WITHDRAW: u16 = 1 << 1;
    /// `complete_withdraw`.
    #[constant]
    pub const COMPLETE_WITHDRAW: u16 = 1 << 2;
    /// `rebalance` (hedge trades).
    #[constant]
    pub const REBALANCE: u16 = 1 << 3;
    /// `update_vol`.
    #[constant]
    pub const UPDATE_VOL: u16 = 1 << 4;
    /// `claim_fees`.
    #[constant]
    pub const CLAIM_FEES: u16 = 1 << 5;
    /// `rebalance_margin` (collateral moves to and from the venues).
    #[constant]
    pub const MARGIN: u16 = 1 << 6;
    /// Every defined flag.
    #[constant]
    pub const ALL: u16 = (1 << 7) - 1;
}

/// A hedging vault. PDA `[VAULT_SEED, collateral_mint, creator, vault_id LE]`.
///
/// NAV (collateral base units) = `total_collateral` + `hedge_equity` (venue margin and
/// mark-to-oracle P&L, refreshed by `refresh_nav` in the same slot as any share
/// conversion). Share price = NAV / (share supply + `accrued_fee_shares`), with the
/// virtual offset of [`hedge_math::shares`]. Tokens sent to the collateral account
/// outside `deposit` are not counted (donations cannot move the share price).
///
/// Zero-copy (`AccountLoader`): instructions read and write the account's bytes in place
/// instead of Borsh-decoding and re-encoding ≈2.5 KB on every call (≈20 000 compute
/// units, docs/compute-units.md). `repr(C)` with the fields ordered by alignment, so the
/// layout has no padding and equals the Borsh layout the IDL describes (checked at compile
/// time below); Anchor's `unsafe` variant because `bool` and the field-less enums are not
/// `bytemuck::Pod` (every byte pattern the program writes is a valid value: the account
/// is created zeroed and only ever written through this type).
#[account(zero_copy(unsafe))]
#[repr(C)]
#[derive(InitSpace, Debug)]
pub struct Vault {
    /// Creator-chosen id, so one collateral mint can back several vaults.
    pub vault_id: u64,
    /// When σ was last updated (unix seconds).
    pub sigma_updated_at: i64,
    /// Collateral credited to the vault by deposits, less payouts (collateral base units).
    pub total_collateral: u64,
    /// Shares held in the withdrawal escrow (share base units).
    pub escrowed_shares: u64,
    /// Fee shares accrued but not yet minted (share base units). Counted in the supply.
    pub accrued_fee_shares: u64,
    /// Last fee accrual (unix seconds).
    pub fees_accrued_at: i64,
    /// High-water mark of the share's value in the numeraire (quote per whole share,
    /// I80F48 bits), as `[low 64 bits, high 64 bits]`: a `u128` field would be 16-byte
    /// aligned natively and not on sBPF. 0 = not yet set. Read and written through
    /// [`Vault::high_water_mark`]. A dollar-neutral vault pays no performance fee on a
    /// token-price move.
    pub high_water_mark_fx: [u64; 2],
    /// Collateral price at which `refresh_nav` marked NAV in `nav_slot` (quote per whole
    /// collateral token, I80F48 bits, `[low, high]`): the numeraire of the fee accrual.
    pub nav_price_fx: [u64; 2],
    /// Perp hedge position (underlying base units, signed; negative = short): the sum of
    /// `venue_positions`, each verified against the venue after every trade. Written only
    /// by [`Vault::set_venue_positions`].
    pub hedge_position: i64,
    /// Position per configured venue (underlying base units).
    pub venue_positions: [i64; MAX_VENUES],
    /// Collateral the vault moved into each venue's margin account, net (collateral base
    /// units; lowered to what the venue reports when that is less, e.g. after a
    /// liquidation). At a venue where anyone can credit the vault's account (Phoenix's
    /// permissionless `sync_spot`), the vault counts no more collateral than this: a
    /// donation never moves NAV ([`crate::venues::VenueView::capped`]).
    pub venue_collateral_in: [u64; MAX_VENUES],
    /// Equity of all venue margin accounts, marked to the oracle (collateral base units,
    /// may be negative), as of `nav_slot`.
    pub hedge_equity: i64,
    /// Slot of the last `refresh_nav` (or hedge operation that re-marked the venues).
    pub nav_slot: u64,
    /// How far the venue equity could be from `hedge_equity` anywhere within the oracle's
    /// confidence interval (collateral base units, rounded up), as of `nav_slot`. Share
    /// conversions value the vault conservatively with it: a deposit buys in at NAV plus
    /// this, a withdrawal is valued at NAV minus this ([`Vault::nav_bounds`]).
    pub nav_conf_units: u64,
    /// Newest oracle publish time this vault has used (unix seconds): an instruction may
    /// not choose an older update (monotonic per vault).
    pub last_publish_time: i64,
    /// Total keeper rewards paid (collateral base units).
    pub keeper_rewards_paid: u64,
    /// Since when the hedge has paid funding at or above the policy threshold (unix
    /// seconds; 0 = not adverse). Updated by `refresh_nav`.
    pub funding_adverse_since: i64,
    /// Last successful rebalance (unix seconds).
    pub last_rebalance_at: i64,
    /// Incremented by every state-changing hedge operation; keepers pass the value they
    /// saw so that racing keepers fail fast.
    pub sequence: u64,
    /// Governable parameters.
    pub params: VaultParams,
    /// Current σ used for legs without their own vol and for the band (bps).
    pub sigma_bps: u32,
    /// Pause flags, see [`pause`].
    pub paused: u16,
    /// Layout version ([`VAULT_VERSION`]).
    pub version: u8,
    /// Canonical bump of the vault PDA.
    pub bump: u8,
    /// Canonical bump of the share mint PDA.
    pub share_mint_bump: u8,
    /// Canonical bump of the collateral token account PDA.
    pub collateral_bump: u8,
    /// Canonical bump of the share escrow PDA.
    pub escrow_bump: u8,
    /// Decimals of both the collateral and the share mint.
    pub decimals: u8,
    /// Withdraw-only mode: deposits and hedge increases are refused.
    pub withdraw_only: bool,
    /// Venues the guardian froze (bit i = venue i): no CPI goes to them, their equity
    /// counts at the configured haircut, and only governance (timelocked) unfreezes them.
    pub frozen_venues: u8,
    /// Zero; keeps the zero-copy layout free of implicit padding.
    pub padding: [u8; 7],
    /// Governance authority.
    pub authority: Pubkey,
    /// Who created the vault (a PDA seed, so nobody can take a planned vault address by
    /// front-running its creation). Never changes, unlike `authority`.
    pub creator: Pubkey,
    /// Proposed new authority (default pubkey = none).
    pub pending_authority: Pubkey,
    /// Collateral mint.
    pub collateral_mint: Pubkey,
    /// Token program of the collateral and share mints (Token or Token-2022).
    pub token_program: Pubkey,
    /// Share mint (PDA).
    pub share_mint: Pubkey,
    /// Collateral token account (PDA, authority = vault).
    pub collateral_vault: Pubkey,
    /// Share escrow token account (PDA, authority = vault).
    pub share_escrow: Pubkey,
    /// Oracle feeds.
    pub oracle: OracleConfig,
}

/// `[low, high]` 64-bit limbs of an i128 (zero-copy fields are at most 8-byte aligned).
fn split(v: i128) -> [u64; 2] {
    // Splitting into limbs: the truncations are the point.
    [v as u64, (v >> 64) as u64]
}

fn join([lo, hi]: [u64; 2]) -> i128 {
    (i128::from(hi as i64) << 64) | i128::from(lo)
}

/// The value of one whole share in quote: NAV per share (with the virtual offset) × the
/// collateral price.
fn share_value(assets: u64, supply: u64, price: Fix) -> Result<Fix> {
    let pps_q64 = shares::price_per_share_q64(assets, supply).map_err(math_err)?;
    let pps = i128::try_from(pps_q64 >> 16)
        .map(Fix::from_bits)
        .map_err(|_| VaultError::MathOverflow)?;
    pps.checked_mul(price)
        .ok_or_else(|| error!(VaultError::MathOverflow))
}

impl Vault {
    /// Account size including the discriminator.
    pub const SPACE: usize = 8 + core::mem::size_of::<Vault>();

    /// Signer seeds of the vault PDA.
    pub fn signer_seeds(&self) -> [&[u8]; 5] {
        [
            VAULT_SEED,
            self.collateral_mint.as_ref(),
            self.creator.as_ref(),
            bytemuck::bytes_of(&self.vault_id),
            core::slice::from_ref(&self.bump),
        ]
    }

    /// High-water mark of the share's value (quote per whole share); 0 = not yet set.
    pub fn high_water_mark(&self) -> Fix {
        Fix::from_bits(join(self.high_water_mark_fx))
    }

    /// Sets the high-water mark (quote per whole share).
    pub fn set_high_water_mark(&mut self, v: Fix) {
        self.high_water_mark_fx = split(v.to_bits());
    }

    /// The collateral price NAV was marked at, if it was marked in `slot`.
    pub fn nav_price(&self, slot: u64) -> Option<Fix> {
        let p = Fix::from_bits(join(self.nav_price_fx));
        (self.nav_slot == slot && p > Fix::ZERO).then_some(p)
    }

    /// Records NAV marked in `slot`: the collateral price and the venue equity's
    /// uncertainty within the oracle's confidence (collateral base units).
    pub fn set_nav_price(&mut self, slot: u64, price: Fix, conf_units: u64) {
        self.nav_slot = slot;
        self.nav_price_fx = split(price.to_bits());
        self.nav_conf_units = conf_units;
    }

    /// NAV in collateral base units: tracked collateral plus venue equity (floored at 0).
    pub fn total_assets(&self) -> u64 {
        self.total_collateral.saturating_add_signed(self.hedge_equity)
    }

    /// NAV anywhere within the oracle's confidence interval, `(low, high)` (collateral base
    /// units): a deposit is priced against `high` (fewer shares), a withdrawal against `low`
    /// (less collateral), so nobody profits from the price's noise or from picking the
    /// update that flatters them. Equal to [`Vault::total_assets`] without venues.
    pub fn nav_bounds(&self) -> (u64, u64) {
        let nav = self.total_assets();
        // Venue equity is floored at 0 in NAV, so is its low bound.
        let low = nav
            .saturating_sub(self.nav_conf_units)
            .max(self.total_collateral.min(nav));
        (low, nav.saturating_add(self.nav_conf_units))
    }

    /// Rolls every expired leg that has a roll rule: re-dated by whole tenors to the first
    /// expiry after `now`, re-struck at `roll_moneyness_pct` % of `price` (quote per whole
    /// token; the strike rounds down to the micro-unit) and, with `cover_bps`, re-sized
    /// to that share of `nav_underlying` (the vault's NAV in underlying base units; rounded
    /// down, at least one unit, sign kept). Returns a bitmask of the rolled legs.
    /// Deterministic: the same (state, now, price, NAV) always rolls the same way.
    pub fn roll_legs(
        &mut self,
        now: i64,
        price: hedge_math::Fix,
        nav_underlying: hedge_math::Fix,
    ) -> Result<u16> {
        let mut rolled = 0u16;
        let count = usize::from(self.params.leg_count).min(MAX_LEGS);
        for (i, leg) in self.params.legs[..count].iter_mut().enumerate() {
            if leg.roll_tenor_days == 0 || leg.expiry > now {
                continue;
            }
            // Unsigned arithmetic (expiry ≤ now here): sBPF has no signed division.
            let tenor = u64::from(leg.roll_tenor_days)
                .checked_mul(86_400)
                .ok_or(VaultError::MathOverflow)?;
            let late = now.abs_diff(leg.expiry);
            let periods = late
                .checked_div(tenor)
                .and_then(|k| k.checked_add(1))
                .ok_or(VaultError::MathOverflow)?;
            let shift = periods
                .checked_mul(tenor)
                .and_then(|d| i64::try_from(d).ok())
                .ok_or(VaultError::MathOverflow)?;
            leg.expiry = leg.expiry.checked_add(shift).ok_or(VaultError::MathOverflow)?;
            let strike = price
                .checked_mul_int(i128::from(leg.roll_moneyness_pct))
                .and_then(|v| v.checked_mul_int(10_000))
                .ok_or(VaultError::MathOverflow)?;
            leg.strike_e6 = strike.floor().saturating_to_num::<u64>().max(1);
            if leg.cover_bps > 0 {
                // Record the size at the roll (pricing always uses the current one).
                let size = leg.size(nav_underlying).ok_or(VaultError::MathOverflow)?;
                leg.quantity = if size == 0 { leg.quantity.signum() } else { size };
            }
            rolled |= 1u16
                .checked_shl(u32::try_from(i).unwrap_or(u32::MAX))
                .unwrap_or(0);
        }
        Ok(rolled)
    }

    /// Requires an oracle update no older than the newest this vault has used, and
    /// records it: nobody can pick an older valid update to value the vault.
    pub fn observe_publish_time(&mut self, publish_time: i64) -> Result<()> {
        require!(
            publish_time >= self.last_publish_time,
            VaultError::OracleOlderThanSeen
        );
        self.last_publish_time = publish_time;
        Ok(())
    }

    /// Records the highest funding rate any venue position pays (bps per year).
    pub fn observe_funding(&mut self, paid_bps: i64, now: i64) {
        let threshold = i64::from(self.params.risk.funding_cut_threshold_bps);
        if threshold > 0 && paid_bps >= threshold {
            if self.funding_adverse_since == 0 {
                self.funding_adverse_since = now;
            }
        } else {
            self.funding_adverse_since = 0;
        }
    }

    /// True while the funding policy cuts the hedge.
    pub fn funding_cut_active(&self, now: i64) -> bool {
        let r = &self.params.risk;
        r.funding_cut_threshold_bps > 0
            && self.funding_adverse_since > 0
            && now.saturating_sub(self.funding_adverse_since) >= i64::from(r.funding_cut_after_secs)
    }

    /// Share conversions need NAV marked in this slot (`refresh_nav` in the same
    /// transaction) when the vault has venues (their equity is part of NAV) or a
    /// performance fee (measured in the numeraire, at the price NAV was marked at).
    pub fn require_fresh_nav(&self, slot: u64) -> Result<()> {
        if self.params.venue_count > 0 || self.params.fees.performance_fee_bps > 0 {
            require!(self.nav_price(slot).is_some(), VaultError::NavStale);
        }
        Ok(())
    }

    /// Shares for pricing: minted supply plus fee shares not yet minted.
    pub fn total_shares(&self, share_supply: u64) -> Result<u64> {
        share_supply
            .checked_add(self.accrued_fee_shares)
            .ok_or_else(|| error!(VaultError::MathOverflow))
    }

    /// Books a margin move of `amount` (collateral base units: > 0 into venue `i`, < 0
    /// back) in [`Vault::venue_collateral_in`]; what comes back beyond it (a profit, a
    /// gift) leaves it at 0.
    pub fn track_margin(&mut self, i: usize, amount: i64) -> Result<()> {
        let tracked = self
            .venue_collateral_in
            .get_mut(i)
            .ok_or(VaultError::VenueIndexOutOfRange)?;
        *tracked = if amount >= 0 {
            tracked
                .checked_add(amount.unsigned_abs())
                .ok_or(VaultError::MathOverflow)?
        } else {
            tracked.saturating_sub(amount.unsigned_abs())
        };
        Ok(())
    }

    /// How long an order placed by `rebalance_deferred` stays valid (seconds): the
    /// rebalance cooldown, at least [`crate::constants::MIN_DEFERRED_TTL_SECS`].
    pub fn deferred_ttl(&self) -> i64 {
        i64::from(self.params.risk.rebalance_cooldown_secs).max(crate::constants::MIN_DEFERRED_TTL_SECS)
    }

    /// Whether the orders the last rebalance may have left open have expired at `now`, so
    /// that anyone may cancel them (`cancel_venue_orders`).
    pub fn deferred_expired(&self, now: i64) -> bool {
        now >= self.last_rebalance_at.saturating_add(self.deferred_ttl())
    }

    /// Whether a rebalance may run at `now`: not paused, and the cooldown since the last
    /// one has passed. The instruction and the keeper's `should_run` both call it.
    pub fn rebalance_gate(&self, now: i64) -> Result<()> {
        self.require_not_paused(pause::REBALANCE)?;
        let cooldown_end = self
            .last_rebalance_at
            .saturating_add(i64::from(self.params.risk.rebalance_cooldown_secs));
        require!(now >= cooldown_end, VaultError::CooldownActive);
        Ok(())
    }

    /// Fails if any bit of `flag` is paused.
    pub fn require_not_paused(&self, flag: u16) -> Result<()> {
        require!(self.paused & flag == 0, VaultError::InstructionPaused);
        Ok(())
    }

    /// Accrues management and performance fees up to `now` as fee shares. Must run before
    /// any share conversion. Returns the fee shares added.
    ///
    /// The performance fee is measured in the numeraire: the share's value in quote (NAV
    /// per share × the collateral price NAV was marked at in `slot`) against the high-water
    /// mark in quote, so a dollar-neutral vault pays none on a token-price move. Without a
    /// price marked in this slot only the management fee accrues (instructions that convert
    /// shares require one whenever a performance fee is set: [`Vault::require_fresh_nav`]).
    // Own sBPF stack frame: called from handlers that are already large.
    #[inline(never)]
    pub fn accrue_fees(&mut self, now: i64, share_supply: u64, slot: u64) -> Result<u64> {
        let assets = self.total_assets();
        if share_supply == 0 && self.accrued_fee_shares == 0 && assets > 0 {
            // Value left at zero supply (venue equity, rounding dust) is not a windfall for
            // the next depositor: it becomes the fee recipient's, at par.
            self.accrued_fee_shares = assets;
        }
        let elapsed = now.saturating_sub(self.fees_accrued_at);
        if elapsed <= 0 {
            return Ok(0);
        }
        self.fees_accrued_at = now;
        let supply = self.total_shares(share_supply)?;
        let price = self.nav_price(slot);
        if supply == 0 {
            // Nothing to charge; restart the high-water mark at the current value.
            if let Some(p) = price {
                self.set_high_water_mark(share_value(assets, 0, p)?);
            }
            return Ok(0);
        }
        let mgmt =
            shares::management_fee(assets, self.params.fees.management_fee_bps, elapsed).map_err(math_err)?;
        let pps = shares::price_per_share_q64(assets, supply).map_err(math_err)?;
        let hwm = self.high_water_mark();
        let perf = match price {
            Some(p) if hwm > Fix::ZERO => {
                // The mark in collateral per share at today's price (Q64.64).
                let hwm_collateral = hwm.checked_div(p).ok_or(VaultError::MathOverflow)?;
                let hwm_q64 = u128::try_from(hwm_collateral.to_bits())
                    .ok()
                    .and_then(|b| b.checked_mul(1 << 16))
                    .ok_or(VaultError::MathOverflow)?;
                shares::performance_fee(supply, pps, hwm_q64, self.params.fees.performance_fee_bps)
                    .map_err(math_err)?
            }
            _ => 0,
        };
        let fee_assets = mgmt
            .checked_add(perf)
            .ok_or(VaultError::MathOverflow)?
            .min(assets / 2);
        let minted = shares::fee_shares(fee_assets, assets, supply).map_err(math_err)?;
        self.accrued_fee_shares = self
            .accrued_fee_shares
            .checked_add(minted)
            .ok_or(VaultError::MathOverflow)?;
        if let Some(p) = price {
            let new_supply = supply.checked_add(minted).ok_or(VaultError::MathOverflow)?;
            let value = share_value(assets, new_supply, p)?;
            self.set_high_water_mark(if hwm > value { hwm } else { value });
        }
        Ok(minted)
    }

    /// Records a deposit of `assets` credited and `shares` minted.
    pub fn on_deposit(&mut self, assets: u64) -> Result<()> {
        self.total_collateral = self
            .total_collateral
            .checked_add(assets)
            .ok_or(VaultError::MathOverflow)?;
        Ok(())
    }

    /// Records shares moved into the withdrawal escrow.
    pub fn on_request_withdraw(&mut self, shares: u64) -> Result<()> {
        self.escrowed_shares = self
            .escrowed_shares
            .checked_add(shares)
            .ok_or(VaultError::MathOverflow)?;
        Ok(())
    }

    /// Records escrowed shares returned to their owner.
    pub fn on_cancel_withdraw(&mut self, shares: u64) -> Result<()> {
        self.escrowed_shares = self
            .escrowed_shares
            .checked_sub(shares)
            .ok_or(VaultError::InvariantViolated)?;
        Ok(())
    }

    /// Records escrowed shares burned for `assets` paid out.
    pub fn on_complete_withdraw(&mut self, shares: u64, assets: u64) -> Result<()> {
        self.on_cancel_withdraw(shares)?;
        self.total_collateral = self
            .total_collateral
            .checked_sub(assets)
            .ok_or(VaultError::InsufficientCollateral)?;
        Ok(())
    }

    /// Checks the vault's internal consistency against its token accounts. Called at the
    /// end of every mutating instruction.
    ///
    /// * tracked collateral is backed: `total_collateral ≤ collateral account balance`;
    /// * the escrow holds at least the escrowed shares (anyone can send it more: a
    ///   donation is never counted and never blocks anything), and they are part of the
    ///   supply;
    /// * flags, σ and the book are within their bounds.
    pub fn invariant(&self, collateral_balance: u64, share_supply: u64, escrow_balance: u64) -> Result<()> {
        require!(
            self.total_collateral <= collateral_balance,
            VaultError::InvariantViolated
        );
        require!(
            self.escrowed_shares <= escrow_balance && self.escrowed_shares <= share_supply,
            VaultError::InvariantViolated
        );
        self.invariant_params()
    }

    /// Records the position at each venue (underlying base units) and `hedge_position` as
    /// their sum: the one place either is written, so the two cannot disagree.
    pub fn set_venue_positions(&mut self, positions: [i64; MAX_VENUES]) -> Result<()> {
        let total = positions
            .iter()
            .try_fold(0i64, |acc, p| acc.checked_add(*p))
            .ok_or(VaultError::MathOverflow)?;
        self.venue_positions = positions;
        self.hedge_position = total;
        Ok(())
    }

    /// The part of [`Vault::invariant`] that needs no token accounts: flags, σ and the
    /// book within bounds. Used by instructions that touch no token account.
    pub fn invariant_params(&self) -> Result<()> {
        require!(self.paused & !pause::ALL == 0, VaultError::InvariantViolated);
        require!(
            (self.params.vol.min_sigma_bps..=self.params.vol.max_sigma_bps).contains(&self.sigma_bps),
            VaultError::InvariantViolated
        );
        require!(
            usize::from(self.params.leg_count) <= MAX_LEGS,
            VaultError::InvariantViolated
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hedge_position_is_the_sum_of_the_venue_positions_and_an_overflow_writes_nothing() {
        let mut v: Box<Vault> = bytemuck::zeroed_box();
        let mut p = [0i64; MAX_VENUES];
        (p[0], p[1]) = (-5, 7);
        v.set_venue_positions(p).unwrap();
        assert_eq!((v.hedge_position, v.venue_positions), (2, p));
        (p[0], p[1]) = (i64::MAX, 1);
        assert_eq!(
            v.set_venue_positions(p).unwrap_err(),
            error!(VaultError::MathOverflow)
        );
        assert_eq!(v.hedge_position, 2, "nothing written on overflow");
        assert_eq!((v.venue_positions[0], v.venue_positions[1]), (-5, 7));
    }
}
