//! Elementary functions in I80F48.
//!
//! Every function documents its domain and the worst error measured against the 50-digit
//! mpmath reference in `tests/data/primitives.csv` (`cargo test -p hedge-math --test
//! accuracy -- --nocapture` prints the table). One ulp of I80F48 is 2⁻⁴⁸ ≈ 3.55e-15.
//!
//! Cost model: on sBPF a 128-bit division is the expensive operation (≈1,200 CU for an
//! I80F48 division), a multiplication ≈60 CU. The algorithms below are chosen for few
//! divisions: `exp` has none, `ln` one, `norm_cdf_pair` one (below |x| = 7.07).

use crate::ops::{add, div, half, horner, mul, neg, sub};
use crate::tables::{EXP2_FRAC, LN2_OVER_N_Q96, LN_C, LN_INV_C, N_OVER_LN2};
use crate::{Fix, MathError, MathResult};

/// Largest accepted argument of [`exp`]: e⁵⁴ ≈ 2.8e23 fits I80F48 (max ≈ 6.0e23).
pub const EXP_MAX: Fix = Fix::lit("54");
/// Below this argument [`exp`] returns 0: e⁻³⁴ ≈ 1.7e-15 is under half an ulp.
pub const EXP_MIN: Fix = Fix::lit("-34");

/// ln 2 in Q96 (96 fractional bits), for exact range reduction: round(ln 2 · 2⁹⁶).
const LN2_Q96: i128 = 54_916_777_467_707_473_351_141_471_128;
/// 1/√(2π).
pub const INV_SQRT_2PI: Fix = Fix::lit("0.398942280401432677939946059934381868");

/// Taylor coefficients 1/n! for n = 4..=0 (highest degree first). On the reduced
/// interval |r| ≤ ln2/512 the truncation error is below 4e-17 (0.01 ulp).
const EXP_COEFFS: [Fix; 5] = [
    Fix::lit("0.041666666666666666666666666666666667"),
    Fix::lit("0.166666666666666666666666666666666667"),
    Fix::lit("0.5"),
    Fix::ONE,
    Fix::ONE,
];

/// ln(1 + r)/r = Σ (−1)ⁿ rⁿ/(n+1) for n = 4..=0 (highest degree first), used by [`ln`].
const LN1P_COEFFS: [Fix; 5] = [
    Fix::lit("0.2"),
    Fix::lit("-0.25"),
    Fix::lit("0.333333333333333333333333333333333333"),
    Fix::lit("-0.5"),
    Fix::ONE,
];

/// `n · ln 2` rounded to I80F48, computed from the Q96 constant so that range reduction
/// adds at most half an ulp whatever `n` is.
#[inline]
fn n_ln2(n: i32) -> Fix {
    // |n| ≤ 127 here, so |n · LN2_Q96| < 2^103: no overflow.
    let wide = i128::from(n).wrapping_mul(LN2_Q96);
    Fix::from_bits((wide + (1i128 << 47)) >> 48)
}

/// e^x.
///
/// * Domain: x ≤ [`EXP_MAX`] (= 54); larger x returns [`MathError::ExpOverflow`].
///   Below [`EXP_MIN`] (= −34) the result rounds to 0.
/// * Method: x = (256k + j)·ln2/256 + r with |r| ≤ ln2/512, a degree-4 Taylor polynomial
///   on r (truncation < 4e-17), times the table value 2^(j/256), then a shift by k. No
///   division, six multiplications.
/// * Measured worst relative error on [−34, 54]: see `docs/accuracy.md`.
pub fn exp(x: Fix) -> MathResult<Fix> {
    if x > EXP_MAX {
        return Err(MathError::ExpOverflow);
    }
    if x < EXP_MIN {
        return Ok(Fix::ZERO);
    }
    if x == Fix::ZERO {
        // Exactly what the reduction below returns, without its eight multiplications
        // (discount factors with r = 0 or q = 0).
        return Ok(Fix::ONE);
    }
    // n = round(x·256/ln2), |n| ≤ 19 946: rounding on the raw bits (ties up), which is all
    // the reduction needs and avoids a generic conversion.
    let scaled = mul(x, N_OVER_LN2)?.to_bits();
    let n = i32::try_from((scaled + (1i128 << 47)) >> 48).map_err(|_| MathError::Overflow)?;
    // n·ln2/32 from the Q96 constant: |n · LN2_OVER_N_Q96| < 2^104 cannot overflow.
    let n_ln2 = Fix::from_bits((i128::from(n).wrapping_mul(LN2_OVER_N_Q96) + (1i128 << 47)) >> 48);
    let r = sub(x, n_ln2)?;
    let (k, j) = (n >> 8, (n & 255).unsigned_abs() as usize);
    let p = mul(horner(r, &EXP_COEFFS)?, EXP2_FRAC[j])?.to_bits();
    let bits = if k >= 0 {
        // p < 2·2⁴⁸ and k ≤ 77 keep the shift below 2¹²⁷.
        p.checked_shl(k.unsigned_abs())
            .filter(|v| v >> k.unsigned_abs() == p)
            .ok_or(MathError::Overflow)?
    } else {
        let s = k.unsigned_abs();
        (p + (1i128 << (s - 1))) >> s
    };
    Ok(Fix::from_bits(bits))
}

/// Natural logarithm.
///
/// * Domain: x > 0; otherwise [`MathError::LnOfNonPositive`].
/// * Method: x = 2^e · m with m ∈ [1, 2); m = c_j·(1 + r) for the centre c_j of the
///   j-th of 256 sub-intervals (tables of 1/c_j and ln c_j), |r| ≤ 1/512; ln(1 + r) by
///   its degree-5 series (truncation < 1e-17). No division, seven multiplications.
/// * Measured worst absolute error: see `docs/accuracy.md` (a few ulps).
pub fn ln(x: Fix) -> MathResult<Fix> {
    if x <= Fix::ZERO {
        return Err(MathError::LnOfNonPositive);
    }
    let bits = x.to_bits();
    // Position of the most significant bit: 0..=126 for a positive i128.
    let msb = 127 - i32::try_from(bits.leading_zeros()).map_err(|_| MathError::Overflow)?;
    let e = msb - 48;
    let m_bits = if e >= 0 {
        bits >> e.unsigned_abs()
    } else {
        bits << e.unsigned_abs()
    };
    if m_bits == Fix::ONE.to_bits() {
        // Powers of two, 1 included, are exact.
        return Ok(n_ln2(e));
    }
    // m ∈ [1, 2): its top eight fraction bits pick the sub-interval.
    let j = ((m_bits >> 40) & 255).unsigned_abs() as usize;
    let r = sub(mul(Fix::from_bits(m_bits), LN_INV_C[j])?, Fix::ONE)?;
    let ln_1p = mul(horner(r, &LN1P_COEFFS)?, r)?;
    add(add(n_ln2(e), LN_C[j])?, ln_1p)
}

/// Square root, rounded down to the ulp.
///
/// * Domain: x ≥ 0; otherwise [`MathError::SqrtOfNegative`].
/// * Method: the exact integer square root of `fixed`; error < 1 ulp.
pub fn sqrt(x: Fix) -> MathResult<Fix> {
    crate::ops::sqrt_floor(x).ok_or(MathError::SqrtOfNegative)
}

/// Cube root, defined for every real x (cbrt(−x) = −cbrt(x)).
///
/// * Method: exp(ln|x| / 3). One division (inside `ln`) plus one integer division by 3.
/// * Measured worst relative error: see `docs/accuracy.md` (≈1e-13).
pub fn cbrt(x: Fix) -> MathResult<Fix> {
    if x == Fix::ZERO {
        return Ok(Fix::ZERO);
    }
    let a = x.saturating_abs();
    let third = ln(a)?.checked_div_int(3).ok_or(MathError::Overflow)?;
    let y = exp(third)?;
    if x < Fix::ZERO {
        neg(y)
    } else {
        Ok(y)
    }
}

/// Standard normal density φ(x) = e^(−x²/2) / √(2π).
///
/// * Domain: all x (returns 0 for |x| > 40, where φ underflows I80F48 anyway).
/// * Measured worst absolute error: see `docs/accuracy.md` (a few ulps).
pub fn norm_pdf(x: Fix) -> MathResult<Fix> {
    let a = x.saturating_abs();
    if a > TAIL_CUTOFF {
        return Ok(Fix::ZERO);
    }
    let half_sq = half(mul(a, a)?);
    mul(exp(neg(half_sq)?)?, INV_SQRT_2PI)
}

// Hart (1968) algorithm 5666 for the normal tail, as laid out by G. West,
// "Better approximations to cumulative normal functions" (2005): rational function
// times e^(−x²/2) for |x| < 7.07, a continued fraction beyond. In exact arithmetic its
// absolute error is below 5e-17 (checked with mpmath in scripts/gen_vectors.py).
const CDF_P: [Fix; 7] = [
    Fix::lit("0.0352624965998911"),
    Fix::lit("0.700383064443688"),
    Fix::lit("6.37396220353165"),
    Fix::lit("33.912866078383"),
    Fix::lit("112.079291497871"),
    Fix::lit("221.213596169931"),
    Fix::lit("220.206867912376"),
];
const CDF_Q: [Fix; 8] = [
    Fix::lit("0.0883883476483184"),
    Fix::lit("1.75566716318264"),
    Fix::lit("16.064177579207"),
    Fix::lit("86.7807322029461"),
    Fix::lit("296.564248779674"),
    Fix::lit("637.333633378831"),
    Fix::lit("793.826512519948"),
    Fix::lit("440.413735824752"),
];
/// Beyond |x| = 40, φ and the normal tail are below an ulp.
///
/// Every literal is a `const`: `Fix::lit` in expression position parses its string at
/// run time (hundreds of compute units on sBPF).
const TAIL_CUTOFF: Fix = Fix::lit("40");
/// Start of the continued fraction of the far tail.
const CF_START: Fix = Fix::lit("0.65");
const CDF_SPLIT: Fix = Fix::lit("7.07106781186547");

/// Standard normal CDF at x and at −x: returns `(N(x), N(−x))`.
///
/// Both come from one evaluation of the tail, which is computed directly (not as
/// `1 − N`), so `N(−x)` keeps its absolute accuracy in either tail.
///
/// * Domain: all x (the tail is 0 beyond |x| = 40).
/// * Method: Hart 5666; one division for |x| < 7.07, five beyond.
/// * Measured worst absolute error: see `docs/accuracy.md` (≈1e-15).
pub fn norm_cdf_pair(x: Fix) -> MathResult<(Fix, Fix)> {
    let (_, n, n_neg) = norm_pdf_cdf(x)?;
    Ok((n, n_neg))
}

/// φ(x), N(x) and N(−x) from one exponential (the Greeks need all three at d₁).
/// Same methods and errors as [`norm_pdf`] and [`norm_cdf_pair`].
pub fn norm_pdf_cdf(x: Fix) -> MathResult<(Fix, Fix, Fix)> {
    let a = x.saturating_abs();
    if a > TAIL_CUTOFF {
        let (n, n_neg) = if x >= Fix::ZERO {
            (Fix::ONE, Fix::ZERO)
        } else {
            (Fix::ZERO, Fix::ONE)
        };
        return Ok((Fix::ZERO, n, n_neg));
    }
    let half_sq = half(mul(a, a)?);
    let e = exp(neg(half_sq)?)?;
    let pdf = mul(e, INV_SQRT_2PI)?;
    let tail = if a < CDF_SPLIT {
        div(mul(e, horner(a, &CDF_P)?)?, horner(a, &CDF_Q)?)?
    } else {
        let mut b = add(a, CF_START)?;
        for c in [4, 3, 2, 1] {
            b = add(a, div(Fix::from_num(c), b)?)?;
        }
        div(pdf, b)?
    };
    let body = sub(Fix::ONE, tail)?;
    Ok(if x >= Fix::ZERO {
        (pdf, body, tail)
    } else {
        (pdf, tail, body)
    })
}

/// Standard normal CDF N(x). See [`norm_cdf_pair`].
pub fn norm_cdf(x: Fix) -> MathResult<Fix> {
    Ok(norm_cdf_pair(x)?.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f64) -> Fix {
        Fix::from_num(x)
    }

    #[test]
    fn exp_known_values() {
        assert_eq!(exp(Fix::ZERO).unwrap(), Fix::ONE);
        // The shortcut at 0 agrees with the reduction on either side of it.
        let (up, down) = (exp(Fix::DELTA).unwrap(), exp(-Fix::DELTA).unwrap());
        assert!(up >= Fix::ONE && up - Fix::ONE <= 2 * Fix::DELTA, "{up}");
        assert!(down <= Fix::ONE && Fix::ONE - down <= 2 * Fix::DELTA, "{down}");
        // The documented bound: 2e-14 relative.
        let e = core::f64::consts::E;
        assert!((exp(Fix::ONE).unwrap().to_num::<f64>() - e).abs() < 2e-14 * e);
        assert_eq!(exp(f(-40.0)).unwrap(), Fix::ZERO);
        assert_eq!(exp(f(54.5)), Err(MathError::ExpOverflow));
        assert!(exp(EXP_MAX).is_ok());
    }

    #[test]
    fn ln_domain_and_values() {
        assert_eq!(ln(Fix::ZERO), Err(MathError::LnOfNonPositive));
        assert_eq!(ln(f(-1.0)), Err(MathError::LnOfNonPositive));
        assert_eq!(ln(Fix::ONE).unwrap(), Fix::ZERO);
        assert!((ln(f(2.0)).unwrap().to_num::<f64>() - core::f64::consts::LN_2).abs() < 1e-14);
        assert!(ln(Fix::DELTA).is_ok());
        assert!(ln(Fix::MAX).is_ok());
    }

    #[test]
    fn sqrt_and_cbrt() {
        assert_eq!(sqrt(f(-1.0)), Err(MathError::SqrtOfNegative));
        assert_eq!(sqrt(f(4.0)).unwrap(), f(2.0));
        assert!((cbrt(f(27.0)).unwrap().to_num::<f64>() - 3.0).abs() < 1e-12);
        assert!((cbrt(f(-8.0)).unwrap().to_num::<f64>() + 2.0).abs() < 1e-12);
        assert_eq!(cbrt(Fix::ZERO).unwrap(), Fix::ZERO);
    }

    #[test]
    fn cdf_symmetry_and_extremes() {
        let (p, q) = norm_cdf_pair(Fix::ZERO).unwrap();
        assert!((p.to_num::<f64>() - 0.5).abs() < 1e-15);
        assert_eq!(p, q);
        assert_eq!(norm_cdf(f(50.0)).unwrap(), Fix::ONE);
        assert_eq!(norm_cdf(f(-50.0)).unwrap(), Fix::ZERO);
        assert_eq!(norm_cdf(Fix::MIN).unwrap(), Fix::ZERO);
        assert_eq!(norm_pdf(Fix::MAX).unwrap(), Fix::ZERO);
    }
}
