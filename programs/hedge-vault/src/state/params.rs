//! Governable parameters. Every change goes through `queue_params` → timelock →
//! `apply_params`, and every field is checked against the hard bounds in
//! [`crate::constants`] by [`VaultParams::validate`].
use anchor_lang::prelude::*;

use crate::constants::*;
use crate::error::VaultError;

/// Risk target and hedging limits.
///
/// Stored in the zero-copy [`crate::state::Vault`]: `repr(C)` with the fields ordered by
/// alignment, so that the memory layout has no padding and equals the Borsh layout the IDL
/// describes (checked at compile time in `state/mod.rs`).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace, Default)]
#[repr(C)]
pub struct RiskParams {
    /// Limit on |book gamma exposure|: quote units of delta-value change per 1 % move,
    /// scaled by 1e6 (`Γ · S² · 0.01 · 1e6`). 0 = no legs with gamma allowed.
    pub max_gamma_exposure_e6: u64,
    /// Limit on |book vega|: quote units per 1.00 of vol, scaled by 1e6.
    pub max_vega_e6: u64,
    /// Limit on |book theta|: quote units per day, scaled by 1e6.
    pub max_theta_per_day_e6: u64,
    /// Largest hedge trade per rebalance (underlying base units, collateral decimals).
    pub max_rebalance_units: u64,
    /// Paid to the keeper per successful rebalance (collateral base units).
    pub keeper_reward: u64,
    /// Whalley–Wilmott risk aversion γ, scaled by 1e6.
    pub ww_risk_aversion_e6: u64,
    /// Target net delta, as signed bps of the collateral's underlying exposure, before the
    /// option legs are added. 0 = delta-neutral, 10 000 = keep the full collateral exposure.
    pub delta_target_bps: i32,
    /// Half-width of the no-trade band around the target, bps of the collateral's
    /// underlying exposure.
    pub delta_band_bps: u32,
    /// Minimum time between two rebalances (seconds).
    pub rebalance_cooldown_secs: u32,
    /// Risk-free rate r used in pricing (bps per year, continuously compounded).
    pub rate_bps: i32,
    /// Carry / yield q of the underlying used in pricing (bps per year).
    pub carry_bps: i32,
    /// Floor of the cost-aware band (bps of the collateral's underlying exposure).
    pub min_band_bps: u32,
    /// Funding policy: when the hedge has paid at least this funding rate (bps per year)
    /// for `funding_cut_after_secs`, the hedge target shrinks by `funding_cut_bps`.
    /// 0 disables the policy.
    pub funding_cut_threshold_bps: u32,
    /// How long funding must stay adverse before the cut applies (seconds).
    pub funding_cut_after_secs: u32,
    /// Largest accepted execution price deviation from the oracle (bps).
    pub max_slippage_bps: u16,
    /// Whalley–Wilmott proportional cost λ (bps of notional per trade).
    pub ww_cost_bps: u16,
    /// Share of the hedge dropped while the policy applies (bps of the hedge).
    pub funding_cut_bps: u16,
    /// Correction per (τ, ln S/K) cell of the first live leg, bps (10 000 = ×1), each in
    /// [2 500, 40 000]. Rows τ < 7 d, < 30 d, < 90 d, ≥ 90 d; columns ln(S/K) < −0.2,
    /// < −0.05, < 0.05, < 0.2, ≥ 0.2.
    pub band_correction_bps: [u16; hedge_math::CORRECTION_CELLS],
    /// When true the band is max(`min_band_bps` of collateral, Whalley–Wilmott width of
    /// the book's gamma); otherwise `delta_band_bps`.
    pub cost_aware_band: bool,
    /// Multiply the Whalley–Wilmott width by `band_correction_bps[cell]` (a learned
    /// correction, see `hedge-research learn-bands`); needs `cost_aware_band`.
    pub band_correction_enabled: bool,
}

/// Venue margin management, sized to survive a move: the *stressed headroom* of a venue
/// account — its equity minus the venue's maintenance requirement, re-marked after an
/// adverse move of `stress_move_bps` in either direction (collateral revalued too) — is
/// kept between `min_bps` and `max_bps` of the hedge's notional and restored to
/// `target_bps` by `rebalance_margin`. While the headroom is ≥ 0, no price move of up to
/// `stress_move_bps` between two keeper runs can make the venue liquidate the hedge.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace, Default)]
#[repr(C)]
pub struct MarginParams {
    /// Lower bound of the stressed headroom (bps of hedge notional).
    pub min_bps: u32,
    /// Restore-to level of the stressed headroom (bps of hedge notional).
    pub target_bps: u32,
    /// Upper bound of the stressed headroom (bps of hedge notional).
    pub max_bps: u32,
    /// Adverse move the margin must survive, either direction (bps of the price), within
    /// [`MIN_MARGIN_STRESS_BPS`, `MAX_MARGIN_STRESS_BPS`].
    pub stress_move_bps: u32,
}

/// Which adapter talks to a venue.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace, Default)]
#[repr(u8)]
pub enum VenueKind {
    /// `programs/perp-venue`, the local and reference venue.
    #[default]
    LocalPerp,
    /// Drift v2 (and its successors on the v2 interface): `market` is the `PerpMarket`,
    /// `margin_account` the vault PDA's `User` (sub-account 0). docs/venues.md.
    DriftV2,
    /// Phoenix Rise (Phoenix perpetuals): `market` is the market's orderbook,
    /// `margin_account` the vault PDA's trader account (index 0, sub-account 0), which
    /// Phoenix's onboarding registers. docs/venues.md.
    PhoenixRise,
}

/// One perp venue the vault may hedge on.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace, Default)]
#[repr(C)]
pub struct VenueConfig {
    /// Largest |position| on this venue (underlying base units); 0 = none (a venue being
    /// wound down: the keeper unwinds what it holds, `rebalance`'s forced reductions).
    pub cap_units: u64,
    /// The venue program; CPIs go nowhere else.
    pub program_id: Pubkey,
    /// The market.
    pub market: Pubkey,
    /// The vault PDA's margin account on that market.
    pub margin_account: Pubkey,
    /// While the guardian has frozen this venue, its equity (and the delta that comes
    /// with it) counts at `1 − frozen_haircut_bps / 10 000` (bps, ≤ 10 000; 10 000 writes
    /// the venue off, and only then can governance remove it while it still holds a
    /// position). docs/venues.md.
    pub frozen_haircut_bps: u16,
    /// Adapter.
    pub kind: VenueKind,
    /// Zero; keeps the zero-copy layout free of implicit padding.
    pub padding: [u8; 5],
}

impl VenueConfig {
    /// A venue entry.
    pub fn new(
        kind: VenueKind,
        program_id: Pubkey,
        market: Pubkey,
        margin_account: Pubkey,
        cap_units: u64,
    ) -> Self {
        VenueConfig {
            cap_units,
            program_id,
            market,
            margin_account,
            frozen_haircut_bps: 0,
            kind,
            padding: [0; 5],
        }
    }

    /// The same entry with the haircut its equity takes while frozen (bps).
    pub fn with_frozen_haircut(self, bps: u16) -> Self {
        VenueConfig {
            frozen_haircut_bps: bps,
            ..self
        }
    }
}

/// Fee schedule.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace, Default)]
#[repr(C)]
pub struct FeeParams {
    /// Management fee (bps of NAV per year), accrued continuously as fee shares.
    pub management_fee_bps: u16,
    /// Performance fee (bps of the gain in NAV per share above the high-water mark).
    pub performance_fee_bps: u16,
}

/// Deposit and withdrawal limits.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace, Default)]
#[repr(C)]
pub struct DepositLimits {
    /// Largest NAV the vault accepts deposits up to (collateral base units).
    pub deposit_cap: u64,
    /// Smallest deposit (collateral base units), > 0.
    pub min_deposit: u64,
    /// Time between `request_withdraw` and `complete_withdraw` (seconds).
    pub withdrawal_delay_secs: u32,
    /// Zero; keeps the zero-copy layout free of implicit padding.
    pub padding: [u8; 4],
}

impl DepositLimits {
    /// Limits with zero padding.
    pub fn new(deposit_cap: u64, min_deposit: u64, withdrawal_delay_secs: u32) -> Self {
        DepositLimits {
            deposit_cap,
            min_deposit,
            withdrawal_delay_secs,
            padding: [0; 4],
        }
    }
}

/// Bounds on the vol updater.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace, Default)]
#[repr(C)]
pub struct VolParams {
    /// Lowest accepted σ (bps, 10 000 = 100 %).
    pub min_sigma_bps: u32,
    /// Highest accepted σ (bps).
    pub max_sigma_bps: u32,
    /// Largest change per update (bps of vol, absolute).
    pub max_step_bps: u32,
    /// Minimum time between updates (seconds).
    pub min_interval_secs: u32,
}

/// Oracle acceptance thresholds.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace, Default)]
#[repr(C)]
pub struct OracleLimits {
    /// Oldest accepted publish time, seconds before now.
    pub max_age_secs: u32,
    /// Largest accepted confidence / price (bps).
    pub max_conf_bps: u16,
    /// Largest accepted |price − EMA price| / EMA price (bps).
    pub max_ema_divergence_bps: u16,
}

/// Kind of a synthetic option leg.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace, Default)]
#[repr(u8)]
pub enum LegKind {
    /// Call option.
    #[default]
    Call,
    /// Put option.
    Put,
}

/// One synthetic option leg of the target book.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace, Default)]
#[repr(C)]
pub struct OptionLeg {
    /// Strike (quote currency, scaled by 1e6: 150 USD = 150_000_000).
    pub strike_e6: u64,
    /// Expiry (unix seconds).
    pub expiry: i64,
    /// Signed quantity (underlying base units, collateral decimals); > 0 long, < 0 short.
    pub quantity: i64,
    /// Implied vol (bps); 0 = use the vault's current σ.
    pub vol_bps: u32,
    /// Roll rule (days; 0 = none: the leg expires and stops counting). Once expired, a
    /// rolling leg is re-dated by whole tenors past `now` and re-struck at
    /// `roll_moneyness_pct` % of the oracle price, by the first `refresh_nav` or `rebalance`
    /// after its expiry ([`crate::state::Vault::roll_legs`]): deterministic and on-chain,
    /// so a protective-put or covered-call vault runs for years.
    pub roll_tenor_days: u16,
    /// Size of the leg as a share of the vault: bps of its NAV in underlying units, at all
    /// times (10 000 = the leg covers the whole vault; the sign of `quantity` is kept, and
    /// `quantity` records the size at the last roll); 0 = the fixed `quantity`. A covered
    /// call of a fixed quantity becomes a naked one when the vault's NAV in tokens falls
    /// below it (a covered call's NAV in tokens falls as the price rises); a covering leg
    /// never does.
    pub cover_bps: u16,
    /// Call or put.
    pub kind: LegKind,
    /// Strike of a rolled leg, % of the price at the roll (e.g. 100 = at the money,
    /// 110 = 10 % above); 0 without a roll rule.
    pub roll_moneyness_pct: u8,
    /// Zero; keeps the zero-copy layout free of implicit padding.
    pub padding: [u8; 6],
}

impl OptionLeg {
    /// The leg's size (underlying base units, signed) for a vault whose NAV is
    /// `nav_underlying` underlying base units: `cover_bps` of it when set (rounded towards
    /// zero, sign of `quantity`), the fixed `quantity` otherwise.
    pub fn size(&self, nav_underlying: hedge_math::Fix) -> Option<i64> {
        if self.cover_bps == 0 {
            return Some(self.quantity);
        }
        let size: i64 = nav_underlying
            .checked_mul_int(i128::from(self.cover_bps))?
            .checked_div_int(i128::from(BPS))?
            .round_to_zero()
            .saturating_to_num();
        Some(if self.quantity < 0 {
            size.saturating_neg()
        } else {
            size
        })
    }

    /// A leg: `quantity` in underlying base units, strike in millionths of the quote
    /// currency, `vol_bps` 0 for the vault's σ.
    pub fn new(kind: LegKind, strike_e6: u64, expiry: i64, quantity: i64, vol_bps: u32) -> Self {
        OptionLeg {
            strike_e6,
            expiry,
            quantity,
            vol_bps,
            roll_tenor_days: 0,
            cover_bps: 0,
            kind,
            roll_moneyness_pct: 0,
            padding: [0; 6],
        }
    }

    /// The same leg with a roll rule: every `tenor_days`, at `moneyness_pct` % of the price,
    /// sized to `cover_bps` of the vault's NAV (0 = the fixed quantity).
    pub fn rolling(self, tenor_days: u16, moneyness_pct: u8, cover_bps: u16) -> Self {
        OptionLeg {
            roll_tenor_days: tenor_days,
            roll_moneyness_pct: moneyness_pct,
            cover_bps,
            ..self
        }
    }
}

/// Everything in [`VaultParams`] except the venue list and the option book. Those change
/// through their own messages ([`ParamsChange`]) so that every transaction stays under
/// Solana's 1 232-byte packet limit.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace, Default)]
pub struct CoreParams {
    pub risk: RiskParams,
    pub fees: FeeParams,
    pub limits: DepositLimits,
    pub vol: VolParams,
    pub oracle: OracleLimits,
    pub guardian: Pubkey,
    pub vol_updater: Pubkey,
    pub fee_recipient: Pubkey,
    pub timelock_secs: u32,
    pub margin: MarginParams,
}

/// One governance change. Several can be combined into one pending change
/// (`queue_params`, then `amend_params`), applied together after the timelock.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
// Deserialized once per instruction as an argument; boxing would only add a heap hop.
#[allow(clippy::large_enum_variant)]
pub enum ParamsChange {
    /// Replace everything but the venues and the legs.
    Core(CoreParams),
    /// Replace the venue list (at most [`MAX_VENUES`], in routing order).
    Venues(Vec<VenueConfig>),
    /// Replace the option book (at most [`MAX_LEGS`] legs).
    Legs(Vec<OptionLeg>),
    /// Rotate the price feeds (e.g. away from a feed that stopped). Timelocked like every
    /// change; `apply_params` reads the price from the new feeds.
    Oracle(crate::state::OracleConfig),
    /// Unfreeze the venues of this bitmask (bit i = venue i), which the guardian froze
    /// with `freeze_venue`. Only governance, behind the timelock, can do this.
    UnfreezeVenues(u8),
}

/// What a pending change carries besides the parameter set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChangeExtras {
    /// New price feeds, if rotated.
    pub oracle: Option<crate::state::OracleConfig>,
    /// Venues to unfreeze (bitmask).
    pub unfreeze: u8,
}

impl ParamsChange {
    /// Applies the change to `p`, or to `oracle` for a feed rotation (validation of the
    /// parameters is the caller's, on the result; a feed configuration is checked here).
    pub fn apply(&self, p: &mut VaultParams, extras: &mut ChangeExtras) -> Result<()> {
        match self {
            ParamsChange::Oracle(o) => {
                o.validate()?;
                extras.oracle = Some(*o);
            }
            ParamsChange::UnfreezeVenues(mask) => {
                require!(
                    *mask != 0 && u32::from(*mask) < (1u32 << MAX_VENUES),
                    VaultError::VenueIndexOutOfRange
                );
                extras.unfreeze |= *mask;
            }
            ParamsChange::Core(c) => p.set_core(*c),
            ParamsChange::Venues(v) => {
                require!(v.len() <= MAX_VENUES, VaultError::TooManyVenues);
                p.venues = [VenueConfig::default(); MAX_VENUES];
                p.venues[..v.len()].copy_from_slice(v);
                p.venue_count = u8::try_from(v.len()).map_err(|_| VaultError::TooManyVenues)?;
            }
            ParamsChange::Legs(l) => {
                require!(l.len() <= MAX_LEGS, VaultError::TooManyLegs);
                p.legs = [OptionLeg::default(); MAX_LEGS];
                p.legs[..l.len()].copy_from_slice(l);
                p.leg_count = u8::try_from(l.len()).map_err(|_| VaultError::TooManyLegs)?;
            }
        }
        Ok(())
    }
}

/// Everything governance can change, validated as a whole.
///
/// `repr(C)`, fields ordered by alignment: the zero-copy layout equals the Borsh layout.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace, Default)]
#[repr(C)]
pub struct VaultParams {
    /// Risk target and limits.
    pub risk: RiskParams,
    /// Deposit and withdrawal limits.
    pub limits: DepositLimits,
    /// Hedge venues, in routing order.
    pub venues: [VenueConfig; MAX_VENUES],
    /// The synthetic option book (first `leg_count` entries are live).
    pub legs: [OptionLeg; MAX_LEGS],
    /// Vol updater bounds.
    pub vol: VolParams,
    /// Oracle thresholds.
    pub oracle: OracleLimits,
    /// Venue margin bounds.
    pub margin: MarginParams,
    /// Delay between queueing and applying a change (seconds).
    pub timelock_secs: u32,
    /// Fees.
    pub fees: FeeParams,
    /// Guardian: may pause instructions and set withdraw-only mode at once.
    pub guardian: Pubkey,
    /// May call `update_vol`.
    pub vol_updater: Pubkey,
    /// Owner of the share account that receives fee shares.
    pub fee_recipient: Pubkey,
    /// Number of used entries in `venues`.
    pub venue_count: u8,
    /// Number of used entries in `legs`.
    pub leg_count: u8,
    /// Zero; keeps the zero-copy layout free of implicit padding.
    pub padding: [u8; 6],
}

impl VaultParams {
    /// A parameter set with `core` and no venues or legs.
    pub fn from_core(core: CoreParams) -> Self {
        let mut p = VaultParams::default();
        p.set_core(core);
        p
    }

    /// The core part.
    pub fn core(&self) -> CoreParams {
        CoreParams {
            risk: self.risk,
            fees: self.fees,
            limits: self.limits,
            vol: self.vol,
            oracle: self.oracle,
            guardian: self.guardian,
            vol_updater: self.vol_updater,
            fee_recipient: self.fee_recipient,
            timelock_secs: self.timelock_secs,
            margin: self.margin,
        }
    }

    /// Replaces the core part.
    pub fn set_core(&mut self, c: CoreParams) {
        self.risk = c.risk;
        self.fees = c.fees;
        self.limits = c.limits;
        self.vol = c.vol;
        self.oracle = c.oracle;
        self.guardian = c.guardian;
        self.vol_updater = c.vol_updater;
        self.fee_recipient = c.fee_recipient;
        self.timelock_secs = c.timelock_secs;
        self.margin = c.margin;
    }

    /// The configured venues.
    pub fn live_venues(&self) -> &[VenueConfig] {
        &self.venues[..usize::from(self.venue_count).min(MAX_VENUES)]
    }

    /// The live legs.
    pub fn live_legs(&self) -> &[OptionLeg] {
        &self.legs[..usize::from(self.leg_count).min(MAX_LEGS)]
    }

    /// Checks every field against the hard bounds. `now` is used for leg expiries.
    pub fn validate(&self, now: i64, vault: &Pubkey) -> Result<()> {
        let r = &self.risk;
        require!(
            (MIN_TIMELOCK_SECS..=MAX_TIMELOCK_SECS).contains(&self.timelock_secs),
            VaultError::TimelockOutOfBounds
        );
        require!(
            self.fees.management_fee_bps <= MAX_MANAGEMENT_FEE_BPS,
            VaultError::ManagementFeeTooHigh
        );
        require!(
            self.fees.performance_fee_bps <= MAX_PERFORMANCE_FEE_BPS,
            VaultError::PerformanceFeeTooHigh
        );
        require!(
            self.limits.withdrawal_delay_secs <= MAX_WITHDRAWAL_DELAY_SECS,
            VaultError::WithdrawalDelayTooLong
        );
        require!(
            self.limits.min_deposit > 0 && self.limits.min_deposit <= self.limits.deposit_cap,
            VaultError::InvalidDepositLimits
        );
        require!(
            (MIN_DELTA_TARGET_BPS..=MAX_DELTA_TARGET_BPS).contains(&r.delta_target_bps),
            VaultError::DeltaTargetOutOfBounds
        );
        require!(
            (MIN_DELTA_BAND_BPS..=MAX_DELTA_BAND_BPS).contains(&r.delta_band_bps),
            VaultError::DeltaBandOutOfBounds
        );
        require!(
            r.rebalance_cooldown_secs <= MAX_REBALANCE_COOLDOWN_SECS,
            VaultError::CooldownTooLong
        );
        require!(
            r.rebalance_cooldown_secs >= MIN_REBALANCE_COOLDOWN_SECS,
            VaultError::CooldownTooShort
        );
        require!(r.max_rebalance_units > 0, VaultError::ZeroMaxRebalance);
        require!(
            r.max_slippage_bps <= MAX_SLIPPAGE_BPS,
            VaultError::SlippageTooHigh
        );
        require!(
            r.rate_bps.abs() <= MAX_ABS_RATE_BPS && r.carry_bps.abs() <= MAX_ABS_RATE_BPS,
            VaultError::RateOutOfBounds
        );
        let v = &self.vol;
        require!(
            v.min_sigma_bps >= MIN_SIGMA_BPS
                && v.min_sigma_bps <= v.max_sigma_bps
                && v.max_sigma_bps <= MAX_SIGMA_BPS
                && v.max_step_bps > 0,
            VaultError::InvalidVolBounds
        );
        let o = &self.oracle;
        require!(
            (1..=MAX_ORACLE_AGE_SECS).contains(&o.max_age_secs)
                && (1..=MAX_ORACLE_CONF_BPS).contains(&o.max_conf_bps)
                && (1..=MAX_ORACLE_EMA_DIVERGENCE_BPS).contains(&o.max_ema_divergence_bps),
            VaultError::InvalidOracleLimits
        );
        require!(
            self.guardian != Pubkey::default()
                && self.vol_updater != Pubkey::default()
                && self.fee_recipient != Pubkey::default(),
            VaultError::InvalidRole
        );
        if r.cost_aware_band {
            require!(
                (MIN_DELTA_BAND_BPS..=MAX_DELTA_BAND_BPS).contains(&r.min_band_bps)
                    && r.ww_cost_bps > 0
                    && r.ww_risk_aversion_e6 > 0,
                VaultError::InvalidCostAwareBand
            );
        }
        if r.band_correction_enabled {
            require!(
                r.cost_aware_band && r.band_correction_bps.iter().all(|c| (2_500..=40_000).contains(c)),
                VaultError::InvalidBandCorrection
            );
        }
        if r.funding_cut_threshold_bps > 0 {
            require!(
                (1..=10_000).contains(&r.funding_cut_bps) && r.funding_cut_after_secs <= MAX_TIMELOCK_SECS,
                VaultError::InvalidFundingPolicy
            );
        }
        require!(
            usize::from(self.venue_count) <= MAX_VENUES,
            VaultError::TooManyVenues
        );
        if self.venue_count > 0 {
            let m = &self.margin;
            require!(
                MIN_MARGIN_BPS <= m.min_bps
                    && m.min_bps <= m.target_bps
                    && m.target_bps <= m.max_bps
                    && m.max_bps <= MAX_MARGIN_BPS
                    && (MIN_MARGIN_STRESS_BPS..=MAX_MARGIN_STRESS_BPS).contains(&m.stress_move_bps),
                VaultError::InvalidMarginParams
            );
        }
        for v in self.live_venues() {
            crate::venues::validate_config(v, vault)?;
        }
        require!(usize::from(self.leg_count) <= MAX_LEGS, VaultError::TooManyLegs);
        let latest_expiry = now
            .checked_add(MAX_LEG_TENOR_SECS)
            .ok_or(VaultError::MathOverflow)?;
        for leg in self.live_legs() {
            require!(leg.strike_e6 > 0, VaultError::LegStrikeNotPositive);
            require!(leg.quantity != 0, VaultError::LegQuantityZero);
            require!(
                leg.expiry > now && leg.expiry <= latest_expiry,
                VaultError::LegExpiryOutOfBounds
            );
            require!(
                leg.vol_bps == 0 || (MIN_SIGMA_BPS..=MAX_SIGMA_BPS).contains(&leg.vol_bps),
                VaultError::LegVolOutOfBounds
            );
            let rolls = leg.roll_tenor_days > 0;
            require!(
                leg.cover_bps <= MAX_COVER_BPS
                    && ((!rolls && leg.roll_moneyness_pct == 0)
                        || (rolls
                            && i64::from(leg.roll_tenor_days).saturating_mul(86_400) <= MAX_LEG_TENOR_SECS
                            && (MIN_ROLL_MONEYNESS_PCT..=MAX_ROLL_MONEYNESS_PCT)
                                .contains(&leg.roll_moneyness_pct))),
                VaultError::InvalidRollRule
            );
        }
        Ok(())
    }
}
