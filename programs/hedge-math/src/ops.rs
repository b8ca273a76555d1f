//! Checked arithmetic on [`Fix`] that returns [`MathError`] instead of panicking.

use crate::{Fix, MathError, MathResult};

/// `a + b`.
#[inline]
pub fn add(a: Fix, b: Fix) -> MathResult<Fix> {
    a.checked_add(b).ok_or(MathError::Overflow)
}

/// `a - b`.
#[inline]
pub fn sub(a: Fix, b: Fix) -> MathResult<Fix> {
    a.checked_sub(b).ok_or(MathError::Overflow)
}

/// `a * b`, truncated towards −∞ at the 48th fractional bit.
#[inline]
pub fn mul(a: Fix, b: Fix) -> MathResult<Fix> {
    a.checked_mul(b).ok_or(MathError::Overflow)
}

/// `a / b`, truncated at the 48th fractional bit.
#[inline]
pub fn div(a: Fix, b: Fix) -> MathResult<Fix> {
    if b == Fix::ZERO {
        return Err(MathError::DivisionByZero);
    }
    a.checked_div(b).ok_or(MathError::Overflow)
}

/// `a / b` rounded to the nearest representable value (ties away from zero).
///
/// Costs one 128-bit division, like [`div`], but halves the worst-case quantisation
/// error. Used where the output itself is the published quantity (gamma).
pub fn div_round(a: Fix, b: Fix) -> MathResult<Fix> {
    if b == Fix::ZERO {
        return Err(MathError::DivisionByZero);
    }
    // Compute a/b with one extra fractional bit, then round that bit away.
    let two_a = a.checked_mul_int(2).ok_or(MathError::Overflow)?;
    let q2 = two_a.checked_div(b).ok_or(MathError::Overflow)?.to_bits();
    let q = if q2 >= 0 { (q2 + 1) >> 1 } else { -((-q2 + 1) >> 1) };
    Ok(Fix::from_bits(q))
}

/// `-a`.
#[inline]
pub fn neg(a: Fix) -> MathResult<Fix> {
    a.checked_neg().ok_or(MathError::Overflow)
}

/// Evaluates a polynomial with Horner's rule; `coeffs` are given highest degree first.
#[inline]
pub fn horner(x: Fix, coeffs: &[Fix]) -> MathResult<Fix> {
    let mut acc = Fix::ZERO;
    for &c in coeffs {
        acc = add(mul(acc, x)?, c)?;
    }
    Ok(acc)
}
