//! Checked arithmetic on [`Fix`] that returns [`MathError`] instead of panicking.
//!
//! `mul`, `div` and `sqrt` are bit-identical to `fixed`'s `checked_mul` (rounds towards
//! −∞), `checked_div` (truncates towards 0) and `checked_sqrt` (rounds down), with a fast
//! path for operands below 2¹⁶ in magnitude — every value the pricing engine handles. On
//! sBPF `fixed`'s general 256-bit routines cost ≈300 CU per multiplication and ≈1,500 CU
//! per division; the fast paths are one 64×64→128 product or one 112-by-64-bit division
//! (docs/compute-units.md). `tests/properties.rs` checks the equality with `fixed`.

use crate::{Fix, MathError, MathResult};

/// Magnitudes below this many raw bits (2⁶⁴ ulps = 2¹⁶) take the fast paths.
const FAST_BITS: u32 = 64;
const FRAC_BITS: u32 = 48;
const FRAC_MASK: u128 = (1 << FRAC_BITS) - 1;

/// Applies `negative` to a magnitude below 2¹²⁶.
#[inline(always)]
fn signed(magnitude: u128, negative: bool) -> i128 {
    // Callers guarantee magnitude < 2^126, so the conversion is lossless.
    let m = magnitude as i128;
    if negative {
        -m
    } else {
        m
    }
}

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

/// `a * b`, rounded towards −∞ at the 48th fractional bit.
#[inline(always)]
pub fn mul(a: Fix, b: Fix) -> MathResult<Fix> {
    let (x, y) = (a.to_bits(), b.to_bits());
    let (ux, uy) = (x.unsigned_abs(), y.unsigned_abs());
    if (ux | uy) >> FAST_BITS == 0 {
        // |x|, |y| < 2^64: the product is < 2^128 and the quotient < 2^80.
        let p = ux.wrapping_mul(uy);
        let q = p >> FRAC_BITS;
        let negative = (x < 0) != (y < 0);
        // Towards −∞: a negative product with a remainder rounds away from zero.
        let q = if negative && p & FRAC_MASK != 0 { q + 1 } else { q };
        return Ok(Fix::from_bits(signed(q, negative)));
    }
    mul_wide(a, b)
}

/// [`mul`] when an operand is 2¹⁶ or more in magnitude; out of line so that the common
/// case stays small enough to inline.
#[cold]
#[inline(never)]
fn mul_wide(a: Fix, b: Fix) -> MathResult<Fix> {
    let (x, y) = (a.to_bits(), b.to_bits());
    let (ux, uy) = (x.unsigned_abs(), y.unsigned_abs());
    // One operand below 2^64 (an amount times a ratio): two 64×64 products.
    let (small, big) = if ux >> FAST_BITS == 0 {
        (ux, uy)
    } else if uy >> FAST_BITS == 0 {
        (uy, ux)
    } else {
        return a.checked_mul(b).ok_or(MathError::Overflow);
    };
    let lo = (big & u128::from(u64::MAX)).wrapping_mul(small);
    let hi = (big >> FAST_BITS).wrapping_mul(small);
    // (hi·2^64 + lo) >> 48 = hi·2^16 + (lo >> 48): hi·2^64 has no bits below 2^48.
    if hi >> 109 == 0 {
        let q = (hi << 16) + (lo >> FRAC_BITS);
        if q >> 125 == 0 {
            let negative = (x < 0) != (y < 0);
            let q = if negative && lo & FRAC_MASK != 0 { q + 1 } else { q };
            return Ok(Fix::from_bits(signed(q, negative)));
        }
    }
    // Near the top of the range: let `fixed` decide overflow exactly.
    a.checked_mul(b).ok_or(MathError::Overflow)
}

/// `a / b`, truncated towards 0 at the 48th fractional bit.
#[inline(always)]
pub fn div(a: Fix, b: Fix) -> MathResult<Fix> {
    if b == Fix::ZERO {
        return Err(MathError::DivisionByZero);
    }
    let (x, y) = (a.to_bits(), b.to_bits());
    let ux = x.unsigned_abs();
    if ux >> FAST_BITS == 0 {
        // |x|·2^48 < 2^112, and so is the quotient.
        let q = (ux << FRAC_BITS) / y.unsigned_abs();
        return Ok(Fix::from_bits(signed(q, (x < 0) != (y < 0))));
    }
    div_wide(a, b)
}

/// [`div`] for a dividend of 2¹⁶ or more in magnitude.
#[cold]
#[inline(never)]
fn div_wide(a: Fix, b: Fix) -> MathResult<Fix> {
    a.checked_div(b).ok_or(MathError::Overflow)
}

/// √a rounded down to the ulp; `None` for a < 0.
#[inline]
pub fn sqrt_floor(a: Fix) -> Option<Fix> {
    let x = a.to_bits();
    if x < 0 {
        return None;
    }
    let ux = x.unsigned_abs();
    if ux >> 80 != 0 {
        return a.checked_sqrt();
    }
    // floor(√(x·2^48)) by Newton's iteration from above, in integers.
    let n = ux << FRAC_BITS;
    if n < 2 {
        return Some(Fix::from_bits(signed(n, false)));
    }
    // Seed from above within ≈1.6 % (the top 7–8 bits of n, an even shift, a table of
    // ⌈16·√(m+1)⌉): four Newton steps instead of seven.
    let bits = 128 - n.leading_zeros();
    let e = bits.saturating_sub(7) & !1;
    let m = usize::try_from(n >> e).unwrap_or(255).min(255);
    let seed = u128::from(crate::tables::SQRT_SEED[m]) << (e / 2);
    let mut r = seed.div_ceil(16);
    loop {
        let next = (r + n / r) >> 1;
        if next >= r {
            return Some(Fix::from_bits(signed(r, false)));
        }
        r = next;
    }
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
    let two_a = add(a, a)?;
    let q2 = div(two_a, b)?.to_bits();
    let q = if q2 >= 0 { (q2 + 1) >> 1 } else { -((-q2 + 1) >> 1) };
    Ok(Fix::from_bits(q))
}

/// `a / 2` truncated towards 0 (equal to `checked_div_int(2)`, without a 128-bit division).
#[inline]
pub fn half(a: Fix) -> Fix {
    let b = a.to_bits();
    // ⌈b/2⌉ for negative b is the truncation towards 0; b + 1 cannot overflow there.
    Fix::from_bits((b + i128::from(b < 0)) >> 1)
}

/// `-a`.
#[inline]
pub fn neg(a: Fix) -> MathResult<Fix> {
    a.checked_neg().ok_or(MathError::Overflow)
}

/// Evaluates a polynomial with Horner's rule; `coeffs` are given highest degree first.
#[inline]
pub fn horner(x: Fix, coeffs: &[Fix]) -> MathResult<Fix> {
    // Starting from the leading coefficient saves the multiplication by zero.
    let Some((&lead, rest)) = coeffs.split_first() else {
        return Ok(Fix::ZERO);
    };
    let mut acc = lead;
    for &c in rest {
        acc = add(mul(acc, x)?, c)?;
    }
    Ok(acc)
}

/// `n / d` as I80F48: bit-identical to `Fix::from_num(n).checked_div_int(d)` (the 128-bit
/// quotient of `n·2⁴⁸` by `d`, truncated towards 0), computed with 64-bit divisions only.
/// On sBPF a 128-bit division is a software routine of several hundred compute units; a
/// 64-bit one is one instruction. Used for the integer-to-unit conversions of every leg
/// (strike in millionths, σ in bps, seconds to years, base units to whole tokens).
///
/// `None` when `d == 0`.
#[inline]
pub fn ratio(n: i64, d: u64) -> Option<Fix> {
    let bits = ratio_bits(n.unsigned_abs(), d)?;
    Some(Fix::from_bits(if n < 0 { -bits } else { bits }))
}

/// [`ratio`] for an unsigned numerator (`Fix::from_num(n).checked_div_int(d)`).
#[inline]
pub fn ratio_u64(n: u64, d: u64) -> Option<Fix> {
    ratio_bits(n, d).map(Fix::from_bits)
}

/// ⌊m·2⁴⁸ / d⌋ with 64-bit divisions.
#[inline]
fn ratio_bits(m: u64, d: u64) -> Option<i128> {
    if d == 0 {
        return None;
    }
    if d.leading_zeros() == 0 {
        // d ≥ 2⁶³: no room to shift the remainder; never on the hot paths.
        return Some((i128::from(m) << 48) / i128::from(d));
    }
    let (q, mut rem) = (m / d, m % d);
    // Long division of rem·2⁴⁸ by d, in chunks small enough that rem·2^k fits in 64 bits
    // (rem < d, so k = leading zeros of d keeps rem << k below 2⁶⁴).
    let mut frac: u64 = 0;
    let mut left = 48u32;
    let step = d.leading_zeros();
    while left > 0 {
        let k = step.min(left);
        let a = rem << k;
        frac = (frac << k) | (a / d);
        rem = a % d;
        left -= k;
    }
    Some((i128::from(q) << 48) | i128::from(frac))
}
