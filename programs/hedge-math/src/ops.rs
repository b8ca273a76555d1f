//! Checked arithmetic on [`Fix`] that returns [`MathError`] instead of panicking.
//!
//! `mul`, `div` and `sqrt` are bit-identical to `fixed`'s `checked_mul` (rounds towards
//! −∞), `checked_div` (truncates towards 0) and `checked_sqrt` (rounds down), with a fast
//! path for operands below 2¹⁶ in magnitude — every value the pricing engine handles. On
//! sBPF `fixed`'s general 256-bit routines cost ≈300 CU per multiplication and ≈1,500 CU
//! per division; the fast paths are one 64×64→128 product or one 112-by-64-bit division
//! (docs/compute-units.md). `tests/properties.rs` checks the equality with `fixed`.
// Domain argument for `clippy::arithmetic_side_effects`: Raw integer operations here are
// the limb arithmetic of the checked Fix operations themselves: every operand is a 64-bit
// limb or a value shifted out of a 128-bit product, so each sum, product and shift is
// bounded by construction (commented at each step), and `tests/properties.rs` checks each
// function bit for bit against `fixed`'s checked operations.
#![allow(clippy::arithmetic_side_effects)]

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
    // Truncations tested for losslessness right below (cheaper on sBPF than `try_from`,
    // which LLVM turns into two 128-bit comparisons).
    let (xl, yl) = (x as i64, y as i64);
    if i128::from(xl) == x && i128::from(yl) == y {
        // |a|, |b| < 2^15: the exact product is below 2^126, and its arithmetic shift is
        // the rounding towards −∞ that `fixed` does. It fits I80F48 (< 2^78 raw).
        return Ok(Fix::from_bits(mul_i64_wide(xl, yl) >> FRAC_BITS));
    }
    mul_wide(a, b)
}

/// The exact product of two i64 as i128: natively one widening multiplication, on sBPF
/// [`mul_i64_wide_limbs`].
#[inline(always)]
pub fn mul_i64_wide(a: i64, b: i64) -> i128 {
    #[cfg(not(target_arch = "bpf"))]
    {
        i128::from(a) * i128::from(b)
    }
    #[cfg(target_arch = "bpf")]
    {
        mul_i64_wide_limbs(a, b)
    }
}

/// `(low, high)` halves of the exact product of two u64: natively one widening
/// multiplication, on sBPF `sbf_i128::mul64_wide` (four 32-bit partial products).
#[inline(always)]
pub fn mul_u64_wide(a: u64, b: u64) -> (u64, u64) {
    #[cfg(not(target_arch = "bpf"))]
    {
        let p = u128::from(a) * u128::from(b);
        // The two halves of p: truncation is the point.
        (p as u64, (p >> 64) as u64)
    }
    #[cfg(target_arch = "bpf")]
    {
        let [lo, hi] = sbf_i128::mul64_wide(a, b);
        (lo, hi)
    }
}

/// [`mul_i64_wide`] from 32-bit partial products, for sBPF. LLVM's BPF backend has no
/// 64×64→128 multiply and lowers every `i128` product to a 128×128 routine. Here: four
/// 32-bit partial products of the operands' bit patterns, then the sign correction
/// hi(a·b) = hi(ā·b̄) − [a < 0]·b̄ − [b < 0]·ā (mod 2⁶⁴), ā being a's bits as unsigned.
/// Compiled on every target so that native tests check it against `i128`.
#[inline(always)]
pub fn mul_i64_wide_limbs(a: i64, b: i64) -> i128 {
    // Reinterpreting casts: two's complement bit patterns, not value conversions.
    let (ua, ub) = (a as u64, b as u64);
    let [lo, hi] = sbf_i128::mul64_wide(ua, ub);
    let hi = hi
        .wrapping_sub(if a < 0 { ub } else { 0 })
        .wrapping_sub(if b < 0 { ua } else { 0 });
    (u128::from(hi) << 64 | u128::from(lo)) as i128
}

/// `(low, high)` halves of the product of two u64 from four 32-bit partial products.
#[inline(always)]
pub fn mul_u64_wide_limbs(a: u64, b: u64) -> (u64, u64) {
    const MASK32: u64 = 0xffff_ffff;
    let (a0, a1) = (a & MASK32, a >> 32);
    // LLVM folds this partial-product idiom back into a 128-bit multiply, which BPF lowers
    // to the 128×128 routine; an opaque value keeps it apart.
    let a1 = core::hint::black_box(a1);
    let (b0, b1) = (b & MASK32, b >> 32);
    // 32×32-bit products cannot overflow 64 bits, and each sum below stays under 2^64 by
    // the ranges of its terms. Wrapping operations say so: with overflow checks on, LLVM
    // (not seeing through the opaque value) would emit checked multiplications.
    let p00 = a0.wrapping_mul(b0);
    let p01 = a0.wrapping_mul(b1);
    let p10 = a1.wrapping_mul(b0);
    let p11 = a1.wrapping_mul(b1);
    let mid = (p00 >> 32).wrapping_add(p01 & MASK32).wrapping_add(p10 & MASK32);
    let lo = (p00 & MASK32) | (mid << 32);
    let hi = p11
        .wrapping_add(p01 >> 32)
        .wrapping_add(p10 >> 32)
        .wrapping_add(mid >> 32);
    (lo, hi)
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
        let uy = y.unsigned_abs();
        let q = match u64::try_from(uy) {
            Ok(d) => div_u128_by_u64(ux << FRAC_BITS, d),
            Err(_) => (ux << FRAC_BITS) / uy,
        };
        return Ok(Fix::from_bits(signed(q, (x < 0) != (y < 0))));
    }
    div_wide(a, b)
}

/// `n / d` for a non-zero 64-bit divisor, truncated: natively the 128-bit division, on
/// sBPF [`div_u128_by_u64_limbs`].
#[inline(always)]
pub fn div_u128_by_u64(n: u128, d: u64) -> u128 {
    #[cfg(not(target_arch = "bpf"))]
    {
        n / u128::from(d)
    }
    #[cfg(target_arch = "bpf")]
    {
        div_u128_by_u64_limbs(n, d)
    }
}

/// [`div_u128_by_u64`] from native 64-bit divisions: the high limb's quotient, then
/// `sbf_i128::divlu` (Knuth's algorithm D on 32-bit digits) for the rest. On sBPF `/` on
/// u128 calls the link rewrite's out-of-line generic routine instead. Compiled on every
/// target so that native tests check it; `d = 0` gives 0 (callers never divide by 0).
#[inline(always)]
pub fn div_u128_by_u64_limbs(n: u128, d: u64) -> u128 {
    if d == 0 {
        return 0;
    }
    // The two limbs of n: truncation is the point.
    let (hi, lo) = ((n >> 64) as u64, n as u64);
    let (q_hi, r_hi) = (hi / d, hi % d);
    let (q_lo, _) = sbf_i128::divlu(r_hi, lo, d);
    u128::from(q_hi) << 64 | u128::from(q_lo)
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
    // floor(√n) for n = x·2^48 < 2^128.
    let n = ux << FRAC_BITS;
    if n < 2 {
        return Some(Fix::from_bits(signed(n, false)));
    }
    Some(Fix::from_bits(signed(isqrt_u128(n), false)))
}

/// ⌊√n⌋ for n ≥ 2 below 2¹²⁸, with one 128-bit division.
///
/// The top 62–64 bits of n (an even shift `e`) give √top to 32 bits with 64-bit Newton
/// steps from a table seed; `r = r_top·2^(e/2)` is then within a few 2^(e/2) of √n, and
/// one 128-bit Newton step squares that error away (to at most 2^(e/2 − 30) ≤ 4). A
/// Newton step never lands below ⌊√n⌋ (AM–GM), so what remains is a few decrements.
#[inline]
fn isqrt_u128(n: u128) -> u128 {
    // The two halves of n: truncation is the point.
    let (hi, lo) = ((n >> 64) as u64, n as u64);
    if hi == 0 {
        return u128::from(isqrt_u64(lo));
    }
    // n ≥ 2^64: shift right by an even e ∈ [2, 64] so that top ∈ [2^62, 2^64), in 64-bit
    // operations (a variable 128-bit shift is a routine call on sBPF).
    let e = (64 - hi.leading_zeros()).next_multiple_of(2);
    let top = if e == 64 { hi } else { (hi << (64 - e)) | (lo >> e) };
    let r_top = isqrt_u64_top(top);
    let r = u128::from(r_top) << (e / 2);
    // 2^31 ≤ r < 2^64 here (top ≥ 2^62, √n < 2^64): a non-zero 64-bit divisor.
    let q = match u64::try_from(r) {
        Ok(d) => div_u128_by_u64(n, d),
        Err(_) => n / r,
    };
    let mut r = (r + q) >> 1;
    // r < 2^64 (it is within 2 of √n < 2^64): its square is an exact 64×64 product.
    while let Ok(r64) = u64::try_from(r) {
        let (lo, hi) = mul_u64_wide(r64, r64);
        if u128::from(hi) << 64 | u128::from(lo) <= n {
            return r;
        }
        r -= 1;
    }
    // Unreachable for n < 2^128; the exact answer by the definition otherwise.
    n.isqrt()
}

/// √top to within a couple of units for top ∈ [2^62, 2^64): the table seed (from above,
/// within 1.6 %) and three Newton steps in 64-bit integers (relative error 1.6e-2 →
/// 1.3e-4 → 8e-9 → 3e-17), with no convergence test. Never below ⌊√top⌋ (AM–GM).
#[inline]
fn isqrt_u64_top(top: u64) -> u64 {
    // top ≥ 2^62: its top eight bits (from bit 56) index the table, in [64, 255].
    let m = usize::try_from(top >> 56).unwrap_or(255);
    let seed = u64::from(crate::tables::SQRT_SEED.get(m).copied().unwrap_or(256)) << 28;
    let mut r = seed.div_ceil(16);
    for _ in 0..3 {
        r = (r + top / r) >> 1;
    }
    r
}

/// ⌊√n⌋ for 1 ≤ n < 2^64: a table seed from above within ≈1.6 %, Newton steps in 64-bit
/// integers (native divisions on sBPF) until they stop decreasing.
#[inline]
fn isqrt_u64(n: u64) -> u64 {
    let bits = 64 - n.leading_zeros();
    let e = bits.saturating_sub(7) & !1;
    let m = usize::try_from(n >> e).unwrap_or(255).min(255);
    let seed = u64::from(crate::tables::SQRT_SEED[m]) << (e / 2);
    let mut r = seed.div_ceil(16);
    loop {
        let next = (r + n / r) >> 1;
        if next >= r {
            return r;
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
