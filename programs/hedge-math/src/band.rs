//! Hedging-band math: the Whalley–Wilmott no-trade band and the delta-band check.
// Domain argument for `clippy::arithmetic_side_effects`: The raw operations here index the
// correction table with cell indices clamped to its size, and add fixed small offsets to
// them.
#![allow(clippy::arithmetic_side_effects)]

use crate::ops::{add, mul, sub};
use crate::primitives::{exp, ln};
use crate::{Fix, MathError, MathResult};

// Constants of the two bands (`const`: `Fix::lit` in expression position parses at run time).
const WW_THREE_HALVES: Fix = Fix::lit("1.5");
const ZAK_C: Fix = Fix::lit("1.12");
const ZAK_LAMBDA_EXP: Fix = Fix::lit("0.31");
const ZAK_TAU_EXP: Fix = Fix::lit("0.05");
const ZAK_DISC_EXP: Fix = Fix::lit("0.25");

/// Whalley–Wilmott half-width of the no-trade band around the target delta:
///
/// H = (3/2 · e^(−r·τ) · λ · S · Γ² / γ)^(1/3)
///
/// * `lambda`: proportional round-trip cost as a fraction of notional (0.001 = 10 bps), ≥ 0.
/// * `spot`: S in quote units, > 0.
/// * `gamma`: the book's Γ per unit of underlying (sign ignored: the band uses Γ²).
/// * `risk_aversion`: γ, > 0.
/// * `r`, `tau_years`: discounting of the band, as in Black–Scholes.
///
/// Returns H in delta units (underlying per unit of book notional). Evaluated in log
/// space, H = exp((ln(1.5·λ·S) + 2·ln|Γ| − ln γ − r·τ) / 3), so small Γ keeps full relative
/// precision instead of vanishing in Γ².
pub fn whalley_wilmott_half_width(
    lambda: Fix,
    spot: Fix,
    gamma: Fix,
    risk_aversion: Fix,
    r: Fix,
    tau_years: Fix,
) -> MathResult<Fix> {
    if lambda < Fix::ZERO {
        return Err(MathError::NegativeCost);
    }
    if spot <= Fix::ZERO {
        return Err(MathError::NonPositiveSpot);
    }
    if risk_aversion <= Fix::ZERO {
        return Err(MathError::NonPositiveRiskAversion);
    }
    if tau_years < Fix::ZERO {
        return Err(MathError::NegativeTime);
    }
    let g = gamma.saturating_abs();
    if lambda == Fix::ZERO || g == Fix::ZERO {
        return Ok(Fix::ZERO);
    }
    let scaled = mul(mul(WW_THREE_HALVES, lambda)?, spot)?;
    if scaled == Fix::ZERO {
        return Ok(Fix::ZERO);
    }
    let two_ln_g = ln(g)?.checked_mul_int(2).ok_or(MathError::Overflow)?;
    let log_h3 = sub(
        sub(add(ln(scaled)?, two_ln_g)?, ln(risk_aversion)?)?,
        mul(r, tau_years)?,
    )?;
    exp(log_h3.checked_div_int(3).ok_or(MathError::Overflow)?)
}

/// x^a for x > 0, as exp(a·ln x).
fn pow(x: Fix, a: Fix) -> MathResult<Fix> {
    exp(mul(a, ln(x)?)?)
}

/// Zakamouline (2006) half-width of the no-trade band around the Black–Scholes delta:
///
/// H = H₀ + H₁, H₀ = λ / (γ·S·σ²·τ), H₁ = 1.12·λ^0.31·τ^0.05·(e^(−r·τ)/σ)^0.25·(|Γ|/γ)^0.5
///
/// Same units as [`whalley_wilmott_half_width`]. `tau_years` and `vol` must be > 0 (the
/// approximation is for an option with time left); a zero cost or zero gamma gives H₀
/// only (respectively 0).
pub fn zakamouline_half_width(
    lambda: Fix,
    spot: Fix,
    vol: Fix,
    gamma: Fix,
    risk_aversion: Fix,
    r: Fix,
    tau_years: Fix,
) -> MathResult<Fix> {
    if lambda < Fix::ZERO {
        return Err(MathError::NegativeCost);
    }
    if spot <= Fix::ZERO {
        return Err(MathError::NonPositiveSpot);
    }
    if risk_aversion <= Fix::ZERO {
        return Err(MathError::NonPositiveRiskAversion);
    }
    if vol <= Fix::ZERO {
        return Err(MathError::NegativeVol);
    }
    if tau_years <= Fix::ZERO {
        return Err(MathError::NegativeTime);
    }
    if lambda == Fix::ZERO {
        return Ok(Fix::ZERO);
    }
    let h0 = crate::ops::div(
        lambda,
        mul(mul(mul(risk_aversion, spot)?, mul(vol, vol)?)?, tau_years)?,
    )?;
    let g = gamma.saturating_abs();
    if g == Fix::ZERO {
        return Ok(h0);
    }
    let disc_over_vol = crate::ops::div(exp(crate::ops::neg(mul(r, tau_years)?)?)?, vol)?;
    let h1 = mul(
        mul(
            mul(ZAK_C, pow(lambda, ZAK_LAMBDA_EXP)?)?,
            pow(tau_years, ZAK_TAU_EXP)?,
        )?,
        mul(
            pow(disc_over_vol, ZAK_DISC_EXP)?,
            crate::primitives::sqrt(crate::ops::div(g, risk_aversion)?)?,
        )?,
    )?;
    add(h0, h1)
}

/// Time-to-expiry bucket edges of a band-correction table (days): < 7, < 30, < 90, ≥ 90.
pub const CORRECTION_TAU_EDGES_DAYS: [i64; 3] = [7, 30, 90];
/// Moneyness (ln S/K) bucket edges of a band-correction table.
pub const CORRECTION_MONEYNESS_EDGES: [f64; 4] = [-0.2, -0.05, 0.05, 0.2];
/// Rows × columns of a band-correction table.
pub const CORRECTION_CELLS: usize = 4 * 5;

/// The cell of a band-correction table for `tau_seconds` and `ln(S/K)`.
pub fn correction_cell(tau_seconds: i64, log_moneyness: Fix) -> usize {
    let row = CORRECTION_TAU_EDGES_DAYS
        .iter()
        .take_while(|d| tau_seconds >= **d * 86_400)
        .count();
    let col = CORRECTION_MONEYNESS_EDGES
        .iter()
        .take_while(|e| log_moneyness >= Fix::from_num(**e))
        .count();
    row * 5 + col
}

/// Applies a learned correction (bps, 10 000 = ×1) to a band width.
pub fn corrected_band(width: Fix, table_bps: &[u16; CORRECTION_CELLS], cell: usize) -> MathResult<Fix> {
    let c = table_bps.get(cell).copied().unwrap_or(10_000);
    mul(width, Fix::from_num(c))?
        .checked_div_int(10_000)
        .ok_or(MathError::Overflow)
}

/// Outcome of comparing a net delta with its target band.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BandCheck {
    /// `target − net`: the trade (in underlying units) that would bring the book on target.
    pub deviation: Fix,
    /// True when |net − target| is strictly greater than the half-width.
    pub breached: bool,
}

/// Compares `net` with `target ± half_width` (all in underlying units).
///
/// A delta exactly on the edge of the band is *not* a breach, so a keeper cannot be paid
/// for a rebalance that the band does not require.
pub fn delta_band_check(net: Fix, target: Fix, half_width: Fix) -> MathResult<BandCheck> {
    if half_width < Fix::ZERO {
        return Err(MathError::NegativeBand);
    }
    let deviation = sub(target, net)?;
    let breached = deviation.saturating_abs() > half_width;
    Ok(BandCheck { deviation, breached })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f64) -> Fix {
        Fix::from_num(x)
    }

    #[test]
    fn ww_matches_closed_form() {
        let (l, s, g, ra, r, t): (f64, f64, f64, f64, f64, f64) = (0.002, 150.0, 0.013, 1.0, 0.03, 0.25);
        let exact = (1.5 * (-r * t).exp() * l * s * g * g / ra).cbrt();
        let h = whalley_wilmott_half_width(f(l), f(s), f(g), f(ra), f(r), f(t)).unwrap();
        assert!((h.to_num::<f64>() - exact).abs() < 1e-12 * exact.max(1.0));
        // Γ sign does not matter.
        let h2 = whalley_wilmott_half_width(f(l), f(s), f(-g), f(ra), f(r), f(t)).unwrap();
        assert_eq!(h, h2);
    }

    #[test]
    fn ww_degenerate_and_invalid() {
        let z = Fix::ZERO;
        assert_eq!(whalley_wilmott_half_width(z, f(1.0), f(1.0), f(1.0), z, z), Ok(z));
        assert_eq!(whalley_wilmott_half_width(f(0.1), f(1.0), z, f(1.0), z, z), Ok(z));
        assert_eq!(
            whalley_wilmott_half_width(f(-0.1), f(1.0), f(1.0), f(1.0), z, z),
            Err(MathError::NegativeCost)
        );
        assert_eq!(
            whalley_wilmott_half_width(f(0.1), z, f(1.0), f(1.0), z, z),
            Err(MathError::NonPositiveSpot)
        );
        assert_eq!(
            whalley_wilmott_half_width(f(0.1), f(1.0), f(1.0), z, z, z),
            Err(MathError::NonPositiveRiskAversion)
        );
        assert_eq!(
            whalley_wilmott_half_width(f(0.1), f(1.0), f(1.0), f(1.0), z, f(-1.0)),
            Err(MathError::NegativeTime)
        );
    }

    #[test]
    fn zakamouline_matches_closed_form() {
        let (l, s, v, g, ra, r, t): (f64, f64, f64, f64, f64, f64, f64) =
            (0.002, 100.0, 0.3, 0.02, 1.0, 0.01, 0.5);
        let h0 = l / (ra * s * v * v * t);
        let h1 = 1.12 * l.powf(0.31) * t.powf(0.05) * ((-r * t).exp() / v).powf(0.25) * (g / ra).sqrt();
        let h = zakamouline_half_width(f(l), f(s), f(v), f(g), f(ra), f(r), f(t)).unwrap();
        assert!(
            (h.to_num::<f64>() - (h0 + h1)).abs() < 1e-10,
            "{h} vs {}",
            h0 + h1
        );
        assert_eq!(
            zakamouline_half_width(f(l), f(s), f(v), f(g), f(ra), f(r), Fix::ZERO),
            Err(MathError::NegativeTime)
        );
        assert_eq!(
            zakamouline_half_width(Fix::ZERO, f(s), f(v), f(g), f(ra), f(r), f(t)),
            Ok(Fix::ZERO)
        );
    }

    #[test]
    fn correction_table_lookup_and_identity() {
        assert_eq!(correction_cell(0, f(-1.0)), 0);
        assert_eq!(correction_cell(7 * 86_400, f(0.0)), 5 + 2);
        assert_eq!(correction_cell(400 * 86_400, f(0.3)), 19);
        let ones = [10_000u16; CORRECTION_CELLS];
        let w = f(0.0123);
        assert_eq!(
            corrected_band(w, &ones, 7).unwrap(),
            w,
            "a table of ones is the identity"
        );
        let mut t = ones;
        t[7] = 20_000;
        assert_eq!(corrected_band(w, &t, 7).unwrap(), w * Fix::from_num(2));
    }

    #[test]
    fn band_edges() {
        let c = delta_band_check(f(1.0), f(0.0), f(1.0)).unwrap();
        assert!(!c.breached);
        assert_eq!(c.deviation, f(-1.0));
        assert!(
            delta_band_check(f(1.0) + Fix::DELTA, f(0.0), f(1.0))
                .unwrap()
                .breached
        );
        assert!(delta_band_check(f(-2.0), f(0.0), f(1.0)).unwrap().breached);
        assert_eq!(delta_band_check(z(), z(), f(-1.0)), Err(MathError::NegativeBand));
    }

    fn z() -> Fix {
        Fix::ZERO
    }
}
