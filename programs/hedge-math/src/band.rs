//! Hedging-band math: the Whalley–Wilmott no-trade band and the delta-band check.

use crate::ops::{add, mul, sub};
use crate::primitives::{exp, ln};
use crate::{Fix, MathError, MathResult};

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
    let scaled = mul(mul(Fix::lit("1.5"), lambda)?, spot)?;
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
