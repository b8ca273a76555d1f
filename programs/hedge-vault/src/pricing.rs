//! The on-chain risk computation: portfolio delta against the target, the band, and the
//! book's Greeks. A pure function of the vault state, what it holds (read from its token
//! account and from every venue in the same instruction, [`Holdings`]) and a market
//! snapshot, so the keeper, the simulator and the backtester run exactly the same code
//! off-chain.
//!
//! # Economics (README, "The vault's economics")
//!
//! The numeraire is the oracle's quote currency. The vault's delta is ∂(NAV in quote)/∂S in
//! underlying base units:
//!
//! * collateral held anywhere (the vault's token account and margin posted at venues) ×
//!   the collateral rate (underlying per collateral unit);
//! * plus every venue's perp position;
//! * and nothing else: quote balances, unrealised P&L and funding are dollars, whose delta
//!   is zero.
//!
//! The target is `delta_target_bps × NAV / S` (NAV in underlying units) plus the option
//! legs' delta; 0 % is dollar-neutral, 100 % behaves like holding the token.
use anchor_lang::prelude::*;
use hedge_math::ops::{ratio, ratio_u64};
use hedge_math::{
    bs_delta_gamma, bs_greeks, delta_band_check, time::seconds_to_years, whalley_wilmott_half_width,
    BsInputs, Fix, OptionKind,
};

use crate::constants::BPS;
use crate::error::{math_err, VaultError};
use crate::oracle::MarketSnapshot;
use crate::state::{LegKind, Vault};
use crate::venues::{Mark, VenueView};

/// What the vault holds, as read in this instruction: its tracked collateral and every
/// venue's margin account (no stored copy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Holdings {
    /// Collateral held anywhere: the vault's tracked collateral plus the collateral posted
    /// as margin at every venue (collateral base units).
    pub collateral: u64,
    /// Σ perp positions at the venues (underlying base units, signed; < 0 short).
    pub perp_position: i64,
    /// NAV: tracked collateral + Σ venue equity marked to the oracle (collateral base
    /// units, rounded down, floored at 0).
    pub nav: u64,
    /// Σ venue equity (collateral base units, rounded towards −∞, may be negative).
    pub venue_equity: i64,
}

/// Reads every configured venue from `remaining` (`[market, margin account]` per venue, in
/// order; [`crate::venues::read_all`]) and values the vault's holdings from them: what every
/// instruction that prices the vault starts with.
pub fn read_holdings(
    vault: &Vault,
    remaining: &[AccountInfo],
    mark: &Mark,
) -> Result<(Vec<VenueView>, Holdings)> {
    let views = crate::venues::read_all(vault, remaining, mark)?;
    let h = holdings(vault, &views, mark)?;
    Ok((views, h))
}

/// How far the venue equity moves when the underlying price moves to either end of the
/// oracle's confidence interval (collateral base units, rounded up; 0 without venues or
/// with a zero confidence): the venues are re-marked at price ± conf, from the same
/// accounts. Stored by the instructions that mark NAV ([`Vault::set_nav_price`]).
#[inline(never)]
pub fn nav_conf_units(
    vault: &Vault,
    remaining: &[AccountInfo],
    market: &crate::oracle::MarketSnapshot,
    h: &Holdings,
    now: i64,
) -> Result<u64> {
    let u = market.underlying;
    if vault.params.venue_count == 0 || u.conf == Fix::ZERO {
        return Ok(0);
    }
    let mut worst = 0u64;
    for price in [u.price.saturating_sub(u.conf), u.price.saturating_add(u.conf)] {
        if price <= Fix::ZERO {
            continue;
        }
        let shifted = crate::oracle::MarketSnapshot {
            underlying: crate::oracle::OraclePrice { price, ..u },
            collateral_rate: market.collateral_rate,
        };
        let (_, moved) = read_holdings(vault, remaining, &Mark::of(&shifted, now)?)?;
        worst = worst.max(moved.venue_equity.abs_diff(h.venue_equity));
    }
    // Both equities are rounded down: one more unit covers the rounding (nothing when
    // nothing moves, e.g. venues without a position).
    Ok(if worst == 0 { 0 } else { worst.saturating_add(1) })
}

/// Values the vault's holdings from its tracked collateral and the venue views read in
/// this instruction (one per configured venue, in order). A venue the guardian froze
/// counts at its haircut ([`VenueView::counted`]): its equity, collateral and position.
pub fn holdings(vault: &Vault, views: &[VenueView], mark: &Mark) -> Result<Holdings> {
    let unit = 10i128.pow(u32::from(vault.decimals));
    let mut equity = Fix::ZERO;
    let mut collateral = vault.total_collateral;
    let mut perp_position = 0i64;
    for v in views {
        // A frozen venue counts at its haircut.
        let v = v.counted()?;
        equity = add(equity, v.equity_quote)?;
        collateral = collateral
            .checked_add(v.collateral)
            .ok_or(VaultError::MathOverflow)?;
        perp_position = perp_position
            .checked_add(v.position)
            .ok_or(VaultError::MathOverflow)?;
    }
    let venue_equity: i64 = if views.is_empty() {
        0
    } else {
        equity
            .checked_div(mark.collateral_price)
            .and_then(|v| v.checked_mul_int(unit))
            .ok_or(VaultError::MathOverflow)?
            // Round towards −∞: venue equity is never overstated.
            .floor()
            .saturating_to_num()
    };
    Ok(Holdings {
        collateral,
        perp_position,
        nav: vault.total_collateral.saturating_add_signed(venue_equity),
        venue_equity,
    })
}

/// How much of each leg an instruction prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pricing {
    /// Delta and gamma: all the band check needs (`rebalance`, `rebalance_margin`). About
    /// 60 % of the cost of `Full` per leg on-chain; `book_vega` and `book_theta` are 0.
    Band,
    /// Every Greek (`check_delta`, `apply_params`, the keeper).
    Full,
}

/// Result of pricing the vault. Delta quantities are in underlying base units (collateral
/// decimals); Greeks are per whole underlying token, in quote units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeltaReport {
    /// Underlying price (quote per whole token).
    pub price: Fix,
    /// Oracle confidence (quote).
    pub conf: Fix,
    /// Underlying units per collateral unit.
    pub collateral_rate: Fix,
    /// Collateral held anywhere (vault + venue margin), in underlying base units: its
    /// delta.
    pub collateral_underlying: Fix,
    /// NAV in underlying base units (NAV in quote / S).
    pub nav_underlying: Fix,
    /// Σ perp positions read from the venues (underlying base units).
    pub perp_position: i64,
    /// Net delta: collateral delta + perp positions (underlying base units).
    pub net_delta: Fix,
    /// Target delta: `delta_target_bps` of NAV / S plus Σ legs (underlying base units).
    pub target_delta: Fix,
    /// Band half-width (underlying base units).
    pub band: Fix,
    /// `target − net` (underlying base units): the trade that would close the gap.
    pub deviation: Fix,
    /// |net − target| > band.
    pub breached: bool,
    /// Σ qty·Γ (whole underlying per quote unit).
    pub book_gamma: Fix,
    /// Σ qty·vega (quote per 1.00 vol).
    pub book_vega: Fix,
    /// Σ qty·theta (quote per year).
    pub book_theta: Fix,
    /// Γ·S²·1 % (quote per 1 % move).
    pub gamma_exposure: Fix,
    /// Legs with expiry after `now` that were priced.
    pub live_legs: u8,
    /// The funding policy is cutting the hedge.
    pub funding_cut: bool,
    /// What was priced: with [`Pricing::Band`], `book_vega` and `book_theta` are 0.
    pub pricing: Pricing,
}

/// 1 %, for the gamma exposure (a `const`: `Fix::lit` at run time parses its string).
const ONE_PERCENT: Fix = Fix::lit("0.01");

fn bps_of(x: Fix, bps: i64) -> Result<Fix> {
    x.checked_mul_int(i128::from(bps))
        .and_then(|v| v.checked_div_int(i128::from(BPS)))
        .ok_or_else(|| error!(VaultError::MathOverflow))
}

/// A value in basis points as a fraction (`v / 10 000`), exact to the last bit, with
/// 64-bit divisions only ([`ratio`]).
#[inline(always)]
fn per_bps(v: i64) -> Result<Fix> {
    Ok(ratio(v, BPS).ok_or(VaultError::MathOverflow)?)
}

/// A value in millionths (`_e6` fields: strikes, risk aversion) as a number, as [`per_bps`].
#[inline(always)]
fn per_e6(v: u64) -> Result<Fix> {
    Ok(ratio_u64(v, 1_000_000).ok_or(VaultError::MathOverflow)?)
}

fn add(a: Fix, b: Fix) -> Result<Fix> {
    a.checked_add(b).ok_or_else(|| error!(VaultError::MathOverflow))
}

/// `a · b` through `hedge_math::ops::mul`: bit-identical to `fixed`'s `checked_mul`, with
/// its fast paths (an amount times a ratio is two 64-bit products on sBPF).
fn mul(a: Fix, b: Fix) -> Result<Fix> {
    hedge_math::ops::mul(a, b).map_err(|_| error!(VaultError::MathOverflow))
}

/// Prices the vault holding `h` at `now`, every Greek.
pub fn compute_delta_report(
    vault: &Vault,
    h: &Holdings,
    market: &MarketSnapshot,
    now: i64,
) -> Result<DeltaReport> {
    price_vault(vault, h, market, now, Pricing::Full)
}

/// Prices the vault at `now` for the band check only (delta and gamma): the same
/// `net_delta`, `target_delta`, `band`, `deviation`, `breached` and `book_gamma` as
/// [`compute_delta_report`], bit for bit.
pub fn compute_band_report(
    vault: &Vault,
    h: &Holdings,
    market: &MarketSnapshot,
    now: i64,
) -> Result<DeltaReport> {
    price_vault(vault, h, market, now, Pricing::Band)
}

#[inline(never)]
fn price_vault(
    vault: &Vault,
    h: &Holdings,
    market: &MarketSnapshot,
    now: i64,
    pricing: Pricing,
) -> Result<DeltaReport> {
    let p = &vault.params;
    let s = market.underlying.price;
    let unit = 10i128.pow(u32::from(vault.decimals));
    // Delta: collateral wherever it is, plus the perps. Venue quote balances, P&L and
    // funding are quote-denominated: no delta.
    let collateral_underlying = mul(Fix::from_num(h.collateral), market.collateral_rate)?;
    let nav_underlying = mul(Fix::from_num(h.nav), market.collateral_rate)?;
    let net_delta = add(collateral_underlying, Fix::from_num(h.perp_position))?;

    let mut target = bps_of(nav_underlying, i64::from(p.risk.delta_target_bps))?;
    let (mut gamma, mut vega, mut theta) = (Fix::ZERO, Fix::ZERO, Fix::ZERO);
    let mut live = 0u8;
    // Integer-to-unit conversions through `ratio`: bit-identical to `checked_div_int`,
    // with 64-bit divisions instead of 128-bit ones (several hundred CU each on sBPF).
    // `None` past 19 decimals, where only the 128-bit path fits.
    let unit_u64 = 10u64.checked_pow(u32::from(vault.decimals));
    let r = per_bps(i64::from(p.risk.rate_bps))?;
    let q = per_bps(i64::from(p.risk.carry_bps))?;
    for leg in p.live_legs() {
        if leg.expiry <= now {
            continue;
        }
        let vol_bps = if leg.vol_bps == 0 {
            vault.sigma_bps
        } else {
            leg.vol_bps
        };
        let inputs = BsInputs {
            spot: s,
            strike: per_e6(leg.strike_e6)?,
            vol: per_bps(i64::from(vol_bps))?,
            t_years: seconds_to_years(leg.expiry.saturating_sub(now)).map_err(math_err)?,
            r,
            q,
        };
        let kind = match leg.kind {
            LegKind::Call => OptionKind::Call,
            LegKind::Put => OptionKind::Put,
        };
        let g = match pricing {
            Pricing::Full => bs_greeks(kind, &inputs),
            Pricing::Band => bs_delta_gamma(kind, &inputs).map(|(delta, gamma)| hedge_math::Greeks {
                delta,
                gamma,
                ..Default::default()
            }),
        }
        .map_err(math_err)?;
        // A covering leg's size follows NAV; a fixed one is its quantity.
        let quantity = leg.size(nav_underlying).ok_or(VaultError::MathOverflow)?;
        let qty = Fix::from_num(quantity);
        let qty_whole = match unit_u64 {
            Some(u) => ratio(quantity, u),
            None => qty.checked_div_int(unit),
        }
        .ok_or(VaultError::MathOverflow)?;
        target = add(target, mul(qty, g.delta)?)?;
        gamma = add(gamma, mul(qty_whole, g.gamma)?)?;
        if pricing == Pricing::Full {
            vega = add(vega, mul(qty_whole, g.vega)?)?;
            theta = add(theta, mul(qty_whole, g.theta)?)?;
        }
        live = live.saturating_add(1);
    }
    // Funding policy: while the hedge has paid too much funding for too long, move the
    // target part of the way back towards the unhedged exposure.
    let funding_cut = vault.funding_cut_active(now);
    if funding_cut {
        let hedge_needed = target
            .checked_sub(collateral_underlying)
            .ok_or(VaultError::MathOverflow)?;
        let cut = bps_of(hedge_needed, i64::from(p.risk.funding_cut_bps))?;
        target = target.checked_sub(cut).ok_or(VaultError::MathOverflow)?;
    }
    let band = if p.risk.cost_aware_band {
        // max(floor, Whalley–Wilmott width of the book's gamma), τ = 0 (no discounting
        // of the band; conservative by at most e^(r·τ)).
        let floor = bps_of(nav_underlying, i64::from(p.risk.min_band_bps))?;
        let lambda = per_bps(i64::from(p.risk.ww_cost_bps))?;
        let risk_aversion = per_e6(p.risk.ww_risk_aversion_e6)?;
        let ww_whole =
            whalley_wilmott_half_width(lambda, s, gamma, risk_aversion, r, Fix::ZERO).map_err(math_err)?;
        let mut ww_width = ww_whole;
        if p.risk.band_correction_enabled {
            if let Some(leg) = p.live_legs().iter().find(|l| l.expiry > now) {
                let strike = per_e6(leg.strike_e6)?;
                let moneyness = hedge_math::ln(s.checked_div(strike).ok_or(VaultError::MathOverflow)?)
                    .map_err(math_err)?;
                let cell = hedge_math::correction_cell(leg.expiry.saturating_sub(now), moneyness);
                ww_width = hedge_math::corrected_band(ww_width, &p.risk.band_correction_bps, cell)
                    .map_err(math_err)?;
            }
        }
        floor.max(ww_width.checked_mul_int(unit).ok_or(VaultError::MathOverflow)?)
    } else {
        bps_of(nav_underlying, i64::from(p.risk.delta_band_bps))?
    };
    let check = delta_band_check(net_delta, target, band).map_err(math_err)?;
    let gamma_exposure = mul(mul(gamma, mul(s, s)?)?, ONE_PERCENT)?;
    Ok(DeltaReport {
        price: s,
        conf: market.underlying.conf,
        collateral_rate: market.collateral_rate,
        collateral_underlying,
        nav_underlying,
        perp_position: h.perp_position,
        net_delta,
        target_delta: target,
        band,
        deviation: check.deviation,
        breached: check.breached,
        book_gamma: gamma,
        book_vega: vega,
        book_theta: theta,
        gamma_exposure,
        live_legs: live,
        funding_cut,
        pricing,
    })
}

/// Checks the book's Greeks against the governance limits.
pub fn check_book_limits(vault: &Vault, report: &DeltaReport) -> Result<()> {
    let e6 = |x: Fix| -> Result<u128> {
        let v = x
            .saturating_abs()
            .checked_mul_int(1_000_000)
            .ok_or(VaultError::MathOverflow)?;
        Ok(v.to_num::<u128>())
    };
    require!(report.pricing == Pricing::Full, VaultError::BookGreeksNotComputed);
    let r = &vault.params.risk;
    require!(
        e6(report.gamma_exposure)? <= u128::from(r.max_gamma_exposure_e6),
        VaultError::GammaLimitExceeded
    );
    require!(
        e6(report.book_vega)? <= u128::from(r.max_vega_e6),
        VaultError::VegaLimitExceeded
    );
    let theta_per_day = report
        .book_theta
        .checked_div_int(365)
        .ok_or(VaultError::MathOverflow)?;
    require!(
        e6(theta_per_day)? <= u128::from(r.max_theta_per_day_e6),
        VaultError::ThetaLimitExceeded
    );
    Ok(())
}
