//! Black–Scholes–Merton prices and Greeks with continuous rate `r` and yield/carry `q`.
//!
//! Units (all [`Fix`]):
//!
//! | quantity | unit |
//! |---|---|
//! | spot S, strike K, price | quote currency per unit of underlying |
//! | vol σ | annualised fraction (0.8 = 80 %) |
//! | time T | years (on-chain callers use [`crate::time::seconds_to_years`]) |
//! | r, q | continuously compounded, per year (0.05 = 5 %) |
//! | delta | ∂V/∂S, dimensionless |
//! | gamma | ∂²V/∂S², per quote unit |
//! | vega | ∂V/∂σ per 1.00 of vol (divide by 100 for "per vol point") |
//! | theta | ∂V/∂t per year of calendar time passing (= −∂V/∂T) |
//!
//! Cost: three divisions for a full evaluation (S/K, 1/(σ√T) and gamma's), two `exp`
//! (the discount factors, free when r or q is 0), one `ln`, one `sqrt` and two table
//! lookups for φ and N (docs/sbf.md has the compute units).
// Domain argument for `clippy::arithmetic_side_effects`: The few raw operations here
// combine already-reduced Q62 kernel outputs and table indices bounded by the domain
// checks at the top of each function.
#![allow(clippy::arithmetic_side_effects)]

use crate::ops::{add, div, div_round, half, mul, neg, sub};
use crate::primitives::{exp, ln, norm_cdf_pair, norm_pdf_cdf, sqrt};
use crate::{Fix, MathError, MathResult};

/// Call or put.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OptionKind {
    /// The right to buy at the strike.
    Call,
    /// The right to sell at the strike.
    Put,
}

/// Inputs of one Black–Scholes–Merton evaluation. See the module docs for units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BsInputs {
    /// Spot price S (quote units), > 0.
    pub spot: Fix,
    /// Strike K (quote units), > 0.
    pub strike: Fix,
    /// Volatility σ, annualised fraction, ≥ 0.
    pub vol: Fix,
    /// Time to expiry T in years, ≥ 0.
    pub t_years: Fix,
    /// Risk-free rate r, continuously compounded per year.
    pub r: Fix,
    /// Dividend yield / carry q, continuously compounded per year (staking yield for an LST).
    pub q: Fix,
}

/// Price and first/second-order sensitivities of one option on one unit of underlying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Greeks {
    /// Option value (quote units).
    pub price: Fix,
    /// ∂V/∂S.
    pub delta: Fix,
    /// ∂²V/∂S² (per quote unit).
    pub gamma: Fix,
    /// ∂V/∂σ per 1.00 of vol (quote units).
    pub vega: Fix,
    /// ∂V/∂t per year of calendar time (quote units per year).
    pub theta: Fix,
}

/// Below this σ√T the option is priced as deterministic (σ → 0 limit): d₁ would exceed
/// 1e9 standard deviations for any in-domain moneyness, so N(d) is already a step.
const MIN_SIG_SQRT_T: Fix = Fix::lit("0.000000001");
/// |d| beyond this is clamped: N(±38) is 1/0 to far below an ulp.
const D_CLAMP: Fix = Fix::lit("38");

impl BsInputs {
    fn validate(&self) -> MathResult<()> {
        if self.spot <= Fix::ZERO {
            return Err(MathError::NonPositiveSpot);
        }
        if self.strike <= Fix::ZERO {
            return Err(MathError::NonPositiveStrike);
        }
        if self.vol < Fix::ZERO {
            return Err(MathError::NegativeVol);
        }
        if self.t_years < Fix::ZERO {
            return Err(MathError::NegativeTime);
        }
        Ok(())
    }
}

/// Price and Greeks of a European option under Black–Scholes–Merton.
///
/// Edge cases follow the limits a careful quant library uses:
/// * `T = 0`: intrinsic value; delta is the step (½·sign at the money); gamma, vega and
///   theta are 0.
/// * `σ√T → 0`: discounted forward intrinsic value, max(S·e^(−qT) − K·e^(−rT), 0) for a
///   call; delta e^(−qT) or 0; gamma = vega = 0; theta of the deterministic payoff.
/// * Deep in/out of the money: |d| is clamped at 38 so nothing overflows, and the price
///   is floored at 0.
///
/// Errors: [`MathError::NonPositiveSpot`], [`MathError::NonPositiveStrike`],
/// [`MathError::NegativeVol`], [`MathError::NegativeTime`], or an arithmetic error when
/// `r·T` or `q·T` are so large that discount factors leave I80F48.
pub fn bs_greeks(kind: OptionKind, p: &BsInputs) -> MathResult<Greeks> {
    price(kind, p, true)
}

/// Delta and gamma only: bit-identical to [`bs_greeks`]'s, for about 60 % of its cost (no
/// e^(−rT), no N(d₂), no price, vega or theta). This is what a band check needs. It can
/// succeed where [`bs_greeks`] fails on e^(−rT) leaving I80F48.
pub fn bs_delta_gamma(kind: OptionKind, p: &BsInputs) -> MathResult<(Fix, Fix)> {
    let g = price(kind, p, false)?;
    Ok((g.delta, g.gamma))
}

/// [`bs_greeks`]; with `full == false` only `delta` and `gamma` are computed (the other
/// fields are 0).
fn price(kind: OptionKind, p: &BsInputs, full: bool) -> MathResult<Greeks> {
    p.validate()?;
    let BsInputs {
        spot: s,
        strike: k,
        vol,
        t_years: t,
        r,
        q,
    } = *p;

    if t == Fix::ZERO {
        return Ok(expiry_greeks(kind, s, k));
    }

    let df_q = exp(neg(mul(q, t)?)?)?;
    let sdq = mul(s, df_q)?;
    let strike_pv = || -> MathResult<Fix> { mul(k, exp(neg(mul(r, t)?)?)?) };

    let sqrt_t = sqrt(t)?;
    let sig_sqrt_t = mul(vol, sqrt_t)?;
    if sig_sqrt_t < MIN_SIG_SQRT_T {
        return zero_vol_greeks(kind, sdq, strike_pv()?, df_q, r, q);
    }

    let inv = div(Fix::ONE, sig_sqrt_t)?;
    let ln_sk = ln(div(s, k)?)?;
    let drift = mul(sub(r, q)?, t)?;
    let half_var = half(sig_sqrt_t);
    let d1 = clamp_d(add(mul(add(ln_sk, drift)?, inv)?, half_var)?);
    let d2 = clamp_d(sub(d1, sig_sqrt_t)?);

    let (pdf_d1, n_d1, n_neg_d1) = norm_pdf_cdf(d1)?;
    let gamma = div_round(mul(mul(df_q, pdf_d1)?, inv)?, s)?;
    if !full {
        let delta = match kind {
            OptionKind::Call => mul(df_q, n_d1)?,
            OptionKind::Put => neg(mul(df_q, n_neg_d1)?)?,
        };
        return Ok(Greeks {
            delta,
            gamma,
            ..Greeks::default()
        });
    }
    let kdr = strike_pv()?;
    let (n_d2, n_neg_d2) = norm_cdf_pair(d2)?;

    // Shared terms.
    let sdq_pdf = mul(sdq, pdf_d1)?;
    // σ/(2√T) = ½·σ·(σ·inv), avoiding another division.
    let vol_over_2sqrt_t = half(mul(vol, mul(vol, inv)?)?);
    let decay = neg(mul(sdq_pdf, vol_over_2sqrt_t)?)?;
    let vega = mul(sdq_pdf, sqrt_t)?;

    let (price, delta, theta) = match kind {
        OptionKind::Call => {
            let a = mul(sdq, n_d1)?;
            let b = mul(kdr, n_d2)?;
            let theta = add(sub(decay, mul(r, b)?)?, mul(q, a)?)?;
            (sub(a, b)?, mul(df_q, n_d1)?, theta)
        }
        OptionKind::Put => {
            let a = mul(sdq, n_neg_d1)?;
            let b = mul(kdr, n_neg_d2)?;
            let theta = sub(add(decay, mul(r, b)?)?, mul(q, a)?)?;
            (sub(b, a)?, neg(mul(df_q, n_neg_d1)?)?, theta)
        }
    };

    Ok(Greeks {
        price: price.max(Fix::ZERO),
        delta,
        gamma,
        vega,
        theta,
    })
}

/// ½, the at-the-money step of delta at expiry (a `const`: `Fix::lit` at run time parses).
const HALF: Fix = Fix::lit("0.5");

fn clamp_d(d: Fix) -> Fix {
    d.clamp(-D_CLAMP, D_CLAMP)
}

/// Greeks at expiry: the payoff and its step delta.
fn expiry_greeks(kind: OptionKind, s: Fix, k: Fix) -> Greeks {
    let (price, delta) = match kind {
        // s, k > 0 and both ≤ Fix::MAX, so the differences cannot overflow.
        OptionKind::Call => match s.cmp(&k) {
            core::cmp::Ordering::Greater => (s - k, Fix::ONE),
            core::cmp::Ordering::Equal => (Fix::ZERO, HALF),
            core::cmp::Ordering::Less => (Fix::ZERO, Fix::ZERO),
        },
        OptionKind::Put => match s.cmp(&k) {
            core::cmp::Ordering::Less => (k - s, -Fix::ONE),
            core::cmp::Ordering::Equal => (Fix::ZERO, -HALF),
            core::cmp::Ordering::Greater => (Fix::ZERO, Fix::ZERO),
        },
    };
    Greeks {
        price,
        delta,
        ..Greeks::default()
    }
}

/// The σ → 0 limit: the payoff of the discounted forward.
fn zero_vol_greeks(kind: OptionKind, sdq: Fix, kdr: Fix, df_q: Fix, r: Fix, q: Fix) -> MathResult<Greeks> {
    // Call value S·e^(−qT) − K·e^(−rT) if positive; its time decay is q·S·e^(−qT) − r·K·e^(−rT).
    let fwd = sub(sdq, kdr)?;
    let fwd_theta = sub(mul(q, sdq)?, mul(r, kdr)?)?;
    let g = match kind {
        OptionKind::Call if fwd > Fix::ZERO => Greeks {
            price: fwd,
            delta: df_q,
            theta: fwd_theta,
            ..Greeks::default()
        },
        OptionKind::Put if fwd < Fix::ZERO => Greeks {
            price: neg(fwd)?,
            delta: neg(df_q)?,
            theta: neg(fwd_theta)?,
            ..Greeks::default()
        },
        _ => Greeks::default(),
    };
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(s: f64, k: f64, vol: f64, t: f64, r: f64, q: f64) -> BsInputs {
        BsInputs {
            spot: Fix::from_num(s),
            strike: Fix::from_num(k),
            vol: Fix::from_num(vol),
            t_years: Fix::from_num(t),
            r: Fix::from_num(r),
            q: Fix::from_num(q),
        }
    }

    #[test]
    fn rejects_bad_inputs() {
        let ok = inputs(100.0, 100.0, 0.2, 1.0, 0.0, 0.0);
        let cases = [
            (
                BsInputs {
                    spot: Fix::ZERO,
                    ..ok
                },
                MathError::NonPositiveSpot,
            ),
            (
                BsInputs {
                    spot: -Fix::ONE,
                    ..ok
                },
                MathError::NonPositiveSpot,
            ),
            (
                BsInputs {
                    strike: Fix::ZERO,
                    ..ok
                },
                MathError::NonPositiveStrike,
            ),
            (
                BsInputs {
                    vol: -Fix::DELTA,
                    ..ok
                },
                MathError::NegativeVol,
            ),
            (
                BsInputs {
                    t_years: -Fix::DELTA,
                    ..ok
                },
                MathError::NegativeTime,
            ),
        ];
        for (p, e) in cases {
            assert_eq!(bs_greeks(OptionKind::Call, &p), Err(e));
            assert_eq!(bs_greeks(OptionKind::Put, &p), Err(e));
        }
    }

    #[test]
    fn textbook_value() {
        // Hull, Options Futures and Other Derivatives, example 15.6: S=42, K=40, r=10%,
        // σ=20%, T=0.5 → call 4.76, put 0.81.
        let p = inputs(42.0, 40.0, 0.2, 0.5, 0.1, 0.0);
        let c = bs_greeks(OptionKind::Call, &p).unwrap();
        let put = bs_greeks(OptionKind::Put, &p).unwrap();
        assert!((c.price.to_num::<f64>() - 4.759_422_392_871_535).abs() < 1e-9);
        assert!((put.price.to_num::<f64>() - 0.808_599_372_900_092).abs() < 1e-9);
    }

    #[test]
    fn expiry_is_intrinsic() {
        let p = inputs(110.0, 100.0, 0.5, 0.0, 0.05, 0.0);
        let c = bs_greeks(OptionKind::Call, &p).unwrap();
        assert_eq!(c.price, Fix::from_num(10));
        assert_eq!(c.delta, Fix::ONE);
        assert_eq!((c.gamma, c.vega, c.theta), (Fix::ZERO, Fix::ZERO, Fix::ZERO));
        let put = bs_greeks(OptionKind::Put, &p).unwrap();
        assert_eq!((put.price, put.delta), (Fix::ZERO, Fix::ZERO));
    }

    #[test]
    fn zero_vol_is_discounted_forward_intrinsic() {
        let p = inputs(100.0, 90.0, 0.0, 1.0, 0.05, 0.02);
        let c = bs_greeks(OptionKind::Call, &p).unwrap();
        let expected = 100.0 * (-0.02f64).exp() - 90.0 * (-0.05f64).exp();
        assert!((c.price.to_num::<f64>() - expected).abs() < 1e-12);
        assert!((c.delta.to_num::<f64>() - (-0.02f64).exp()).abs() < 1e-13);
        assert_eq!((c.gamma, c.vega), (Fix::ZERO, Fix::ZERO));
        let put = bs_greeks(OptionKind::Put, &p).unwrap();
        assert_eq!(put.price, Fix::ZERO);
    }

    #[test]
    fn extreme_moneyness_is_finite_and_non_negative() {
        for (s, k) in [(1e5, 1e-3), (1e-3, 1e5), (2e5, 0.1), (0.1, 2e5)] {
            for kind in [OptionKind::Call, OptionKind::Put] {
                let g = bs_greeks(kind, &inputs(s, k, 2.5, 2.0, 0.15, -0.05)).unwrap();
                assert!(g.price >= Fix::ZERO, "{kind:?} {s} {k}");
                assert!(g.gamma >= Fix::ZERO);
            }
        }
    }
}
