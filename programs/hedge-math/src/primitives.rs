//! Elementary functions in I80F48.
//!
//! Every function documents its domain and the worst error measured against the 50-digit
//! mpmath reference in `tests/data/primitives.csv` (`cargo test -p hedge-math --test
//! accuracy -- --nocapture` prints the table). One ulp of I80F48 is 2⁻⁴⁸ ≈ 3.55e-15.
//!
//! Cost model (sBPF): `exp`, `ln` and the normal tail reduce their argument with tables
//! (`scripts/gen_tables.py`) and evaluate short polynomials in Q62 ([`crate::q62`]), with
//! no division; measured costs in docs/sbf.md.
// Domain argument for `clippy::arithmetic_side_effects`: Raw integer operations here act
// on Q62 / Q24 intermediates whose ranges are fixed by each function's argument reduction
// (documented per function, e.g. |r| < ln2/N for exp); out-of-domain inputs are refused
// before any of them with a typed error, and the mpmath vectors cover the domain edges
// (docs/accuracy.md).
#![allow(clippy::arithmetic_side_effects)]

use crate::ops::{neg, sub};
use crate::q62;
use crate::tables::{
    EXP_POLY_Q62, LN2_OVER_N_Q62_HI, LN2_OVER_N_Q62_LO, LN_C_Q62, LN_INV_C_Q62, NORM_PDF_Q62, NORM_TAIL_Q62,
    N_OVER_LN2_Q24,
};
use crate::{Fix, MathError, MathResult};

/// Largest accepted argument of [`exp`]: e⁵⁴ ≈ 2.8e23 fits I80F48 (max ≈ 6.0e23).
pub const EXP_MAX: Fix = Fix::lit("54");
/// Below this argument [`exp`] returns 0: e⁻³⁴ ≈ 1.7e-15 is under half an ulp.
pub const EXP_MIN: Fix = Fix::lit("-34");

/// ln 2 in Q62: round(ln 2 · 2⁶²).
const LN2_Q62: i64 = 3_196_577_161_300_663_915;

/// ln(1 + r)/r = Σ (−1)ⁿ rⁿ/(n+1) for n = 3..=0 (highest degree first), Q62, used by
/// [`ln`]. Truncation below 1e-17 for |r| ≤ 1/2048.
const LN1P_COEFFS_Q62: [i64; 4] = [-q62::ONE / 4, q62::ONE / 3, -q62::ONE / 2, q62::ONE];

/// e·ln 2 + `frac` (Q62), rounded once to I80F48. |e| ≤ 79, so e·LN2_Q62 is below 2^69
/// and its rounding contributes at most 79·2^-63 < 0.01 ulp; with `frac` = 0 the result
/// is e·ln 2 correctly rounded for every e `ln` can meet (checked in the tests).
#[inline(always)]
fn e_ln2_plus(e: i32, frac: i64) -> Fix {
    let total = crate::ops::mul_i64_wide(i64::from(e), LN2_Q62) + i128::from(frac);
    Fix::from_bits((total + (1 << 13)) >> q62::EXTRA_BITS)
}

/// e^x.
///
/// * Domain: x ≤ [`EXP_MAX`] (= 54); larger x returns [`MathError::ExpOverflow`].
///   Below [`EXP_MIN`] (= −34) the result rounds to 0.
/// * Method: x = (256k + j)·ln2/256 + r with |r| ≤ ln2/512 (Cody–Waite reduction in
///   wrapping i64 arithmetic, exact to 2⁻⁶²), then 2^(j/256)·e^r as one degree-4
///   polynomial in r in Q62 (Taylor coefficients times 2^(j/256), a table; truncation
///   < 4e-17), rounded once to I80F48 after the shift by k. No division.
/// * Measured worst relative error on [−34, 54]: see `docs/accuracy.md`.
pub fn exp(x: Fix) -> MathResult<Fix> {
    if x > EXP_MAX {
        return Err(MathError::ExpOverflow);
    }
    if x < EXP_MIN {
        return Ok(Fix::ZERO);
    }
    if x == Fix::ZERO {
        // Exactly what the reduction below returns, without its multiplications (discount
        // factors with r = 0 or q = 0).
        return Ok(Fix::ONE);
    }
    // |x| ≤ 54: the raw bits are below 2^54 in magnitude, so the narrowing is lossless.
    let xb = x.to_bits() as i64;
    // n = round(x·256/ln2), |n| ≤ 19 946: (x in Q24, < 2^30) × (256/ln2 in Q24, < 2^33)
    // stays below 2^63.
    let n = ((xb >> 24) * N_OVER_LN2_Q24 + (1 << 47)) >> 48;
    // r = x − n·ln2/256 in Q62. Each term may wrap, the result cannot (|r| ≤ 2^-9.4
    // whatever the rounding of n above): two's complement arithmetic is exact mod 2^64.
    let r = (xb << q62::EXTRA_BITS)
        .wrapping_sub(n.wrapping_mul(LN2_OVER_N_Q62_HI))
        .wrapping_sub((n * LN2_OVER_N_Q62_LO + (1 << 31)) >> 32);
    let (k, j) = (n >> 8, usize::try_from(n & 255).map_err(|_| MathError::Overflow)?);
    // v = 2^(j/256)·e^r in Q62, one polynomial in r: v ∈ [2^(−1/512), 2^(511/512)), and
    // every partial sum is smaller. Two truncated steps: at most 0.09 ulp
    // (scripts/q62_steps.py).
    let poly = EXP_POLY_Q62.get(j).ok_or(MathError::Overflow)?;
    let v = q62::horner_small::<5, 2>(r, poly).ok_or(MathError::Overflow)?;
    // e^x = v·2^k, in Q48: a right shift of v by 14 − k with rounding, native for the
    // usual k < 14 (e^x < 2^14).
    let bits = if k < q62::EXTRA_BITS as i64 {
        let s = u32::try_from(q62::EXTRA_BITS as i64 - k).map_err(|_| MathError::Overflow)?;
        // s ∈ [1, 92]; (⌊v/2^(s−1)⌋ + 1)/2 is v/2^s rounded half up, without overflow.
        // Beyond 64 the result rounds to 0 (e^x < 2^-49).
        i128::from((v.checked_shr(s - 1).unwrap_or(0) + 1) >> 1)
    } else {
        // 14 ≤ k ≤ 77: e^x < 2^79, so v·2^(k−14) < 2^127.
        let s = u32::try_from(k - q62::EXTRA_BITS as i64).map_err(|_| MathError::Overflow)?;
        i128::from(v) << s
    };
    Ok(Fix::from_bits(bits))
}

/// Natural logarithm.
///
/// * Domain: x > 0; otherwise [`MathError::LnOfNonPositive`].
/// * Method: x = 2^e · m with m ∈ [1, 2); m = c_j·(1 + r) for the centre c_j of the
///   j-th of 1 024 sub-intervals (Q62 tables of 1/c_j and ln c_j), |r| ≤ 1/2048;
///   ln(1 + r) by its degree-4 series in Q62 (truncation < 1e-17), rounded once to
///   I80F48. No division.
/// * Measured worst absolute error: see `docs/accuracy.md` (a few ulps).
pub fn ln(x: Fix) -> MathResult<Fix> {
    if x <= Fix::ZERO {
        return Err(MathError::LnOfNonPositive);
    }
    let bits = x.to_bits();
    // x = 2^e · m with m ∈ [1, 2) as Q48 bits. Below 2^16 (raw bits below 2^64, every
    // ratio the pricing takes a logarithm of) in 64-bit operations: on sBPF a variable
    // 128-bit shift is a routine call.
    let (e, m) = match u64::try_from(bits) {
        // x ∈ [1, 2) and [½, 1) (every moneyness S/K near the money) without counting
        // leading zeros, which BPF has no instruction for.
        Ok(b) if b >> 48 == 1 => (0, b),
        Ok(b) if b >> 47 == 1 => (-1, b << 1),
        Ok(b) => {
            // b > 0: the most significant bit is at 0..=63.
            let e = 15 - i32::try_from(b.leading_zeros()).map_err(|_| MathError::Overflow)?;
            (
                e,
                if e >= 0 {
                    b >> e.unsigned_abs()
                } else {
                    b << e.unsigned_abs()
                },
            )
        }
        Err(_) => {
            // bits ≥ 2^64: the most significant bit is at 64..=126, e ≥ 16.
            let e = 79 - i32::try_from(bits.leading_zeros()).map_err(|_| MathError::Overflow)?;
            let m = u64::try_from(bits >> e.unsigned_abs()).map_err(|_| MathError::Overflow)?;
            (e, m)
        }
    };
    if m == 1 << 48 {
        // Powers of two, 1 included: e·ln 2 alone.
        return Ok(e_ln2_plus(e, 0));
    }
    // m ∈ [1, 2): its top ten fraction bits pick the sub-interval.
    let j = usize::try_from((m >> 38) & 1023).map_err(|_| MathError::Overflow)?;
    let inv_c = *LN_INV_C_Q62.get(j).ok_or(MathError::Overflow)?;
    // r = m/c_j − 1 in Q62: m (Q48, < 2^49) × 1/c_j (Q62, < 2^62) is Q110, within 2^-11 of 1.
    let (lo, hi) = crate::ops::mul_u64_wide(m, inv_c.unsigned_abs());
    // The Q62 value m/c_j < 2^63 (it is within 2^-11 of 1): the narrowing is lossless.
    let ratio = ((u128::from(hi) << 64 | u128::from(lo)) >> 48) as i64;
    let r = ratio - q62::ONE;
    // Two truncated steps: at most 0.012 ulp (scripts/q62_steps.py).
    // ln(1 + r)/r ≈ 1 and |r| < 2^-11 (horner_small refuses anything ≥ 2^-4).
    let ln_1p = q62::horner_small::<4, 2>(r, &LN1P_COEFFS_Q62)
        .map(|p| q62::mul_small(p, r))
        .ok_or(MathError::Overflow)?;
    let frac = LN_C_Q62.get(j).ok_or(MathError::Overflow)? + ln_1p;
    Ok(e_ln2_plus(e, frac))
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

/// Raw bits of 8.5, where the tables of the normal density and tail end: φ(8.5) ≈ 1.9e-16
/// and N(−8.5) ≈ 9.5e-18 are below half an ulp, so both are 0 from there on.
const NORM_TABLE_END_BITS: i128 = 17 << 47;

/// Where a ≥ 0 falls in [`crate::tables::NORM_TAIL_Q62`] and
/// [`crate::tables::NORM_PDF_Q62`]: the nearest multiple j/64 (a shift of the raw bits) and
/// the offset from it in Q62; `None` beyond the tables' end.
#[inline(always)]
fn norm_cell(a: Fix) -> Option<(usize, i64)> {
    let bits = a.to_bits();
    if !(0..NORM_TABLE_END_BITS).contains(&bits) {
        return None;
    }
    // j = round(64a) ≤ 544, and the offset from j/64 is at most 1/128 in magnitude (2^41
    // raw, 2^55 in Q62): the narrowing and the shift are lossless.
    let j_bits = (bits + (1 << 41)) >> 42;
    let u = ((bits - (j_bits << 42)) as i64) << q62::EXTRA_BITS;
    Some((usize::try_from(j_bits).ok()?, u))
}

/// One table polynomial at a cell, rounded once to I80F48 and floored at 0 (rounding can
/// leave the far end a hair below 0; both tabulated functions are positive). Three
/// truncated Horner steps: within 1 ulp (scripts/q62_steps.py).
#[inline(always)]
fn norm_eval(table: &[[i64; 6]], (j, u): (usize, i64)) -> MathResult<Fix> {
    let row = table.get(j).ok_or(MathError::Overflow)?;
    let v = q62::horner_small::<6, 3>(u, row).ok_or(MathError::Overflow)?;
    Ok(Fix::from_bits(q62::to_fix_bits(v).max(0)))
}

/// Standard normal density φ(x) = e^(−x²/2) / √(2π).
///
/// * Domain: all x (0 beyond |x| = 8.5, where φ is below half an ulp).
/// * Method: a table of degree-5 polynomials on intervals of 1/64 in Q62 (no
///   exponential, no division).
/// * Measured worst absolute error: see `docs/accuracy.md`.
pub fn norm_pdf(x: Fix) -> MathResult<Fix> {
    match norm_cell(x.saturating_abs()) {
        Some(cell) => norm_eval(&NORM_PDF_Q62, cell),
        None => Ok(Fix::ZERO),
    }
}

/// Standard normal CDF at x and at −x: returns `(N(x), N(−x))`.
///
/// Both come from one evaluation of the tail, which is computed directly (not as
/// `1 − N`), so `N(−x)` keeps its absolute accuracy in either tail.
///
/// * Domain: all x (the tail is 0 beyond |x| = 8.5, where it is below half an ulp).
/// * Method: a table of degree-5 polynomials on intervals of 1/64 in Q62 (no exponential,
///   no division); exact at 0.
/// * Measured worst absolute error: see `docs/accuracy.md`.
pub fn norm_cdf_pair(x: Fix) -> MathResult<(Fix, Fix)> {
    let tail = match norm_cell(x.saturating_abs()) {
        Some(cell) => norm_eval(&NORM_TAIL_Q62, cell)?,
        None => Fix::ZERO,
    };
    split_tail(x, tail)
}

/// `(N(x), N(−x))` from the tail N(−|x|).
#[inline(always)]
fn split_tail(x: Fix, tail: Fix) -> MathResult<(Fix, Fix)> {
    let body = sub(Fix::ONE, tail)?;
    Ok(if x >= Fix::ZERO {
        (body, tail)
    } else {
        (tail, body)
    })
}

/// φ(x), N(x) and N(−x) (the Greeks need all three at d₁), from one table lookup. Same
/// methods and errors as [`norm_pdf`] and [`norm_cdf_pair`].
pub fn norm_pdf_cdf(x: Fix) -> MathResult<(Fix, Fix, Fix)> {
    let (pdf, tail) = match norm_cell(x.saturating_abs()) {
        Some(cell) => (norm_eval(&NORM_PDF_Q62, cell)?, norm_eval(&NORM_TAIL_Q62, cell)?),
        None => (Fix::ZERO, Fix::ZERO),
    };
    let (n, n_neg) = split_tail(x, tail)?;
    Ok((pdf, n, n_neg))
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
    fn ln_of_powers_of_two_is_correctly_rounded() {
        // Golden reference: round(ln 2 · 2⁹⁶), so e·ln 2 in Q96 is exact to 2^-89 here.
        const LN2_Q96: i128 = 54_916_777_467_707_473_351_141_471_128;
        for e in -48..=78i32 {
            let x = Fix::from_bits(1i128 << (48 + e));
            let want = (i128::from(e) * LN2_Q96 + (1 << 47)) >> 48;
            assert_eq!(ln(x).unwrap().to_bits(), want, "ln(2^{e})");
        }
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
