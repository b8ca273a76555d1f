//! Q62 kernels: `i64` values with 62 fractional bits (|v| < 2), for the polynomial parts
//! of `exp`, `ln` and the normal tail.
//!
//! Their arguments are small after table-driven range reduction, so 64 bits hold them
//! with 14 more fractional bits than I80F48; results are rounded to I80F48 once, at the
//! end. On sBPF a Q62 product is one 64×64→128 product from 32-bit partial products
//! ([`crate::ops::mul_i64_wide`]) and an add is one instruction, where an I80F48 product
//! also carries 128-bit range checks and carries.
// Domain argument for `clippy::arithmetic_side_effects`: Raw integer operations here act
// on Q62 values with |v| < 2 (the module's invariant): products go through
// `ops::mul_i64_wide` and sums stay within i64 by the bound on each polynomial's
// coefficients.
#![allow(clippy::arithmetic_side_effects)]

/// 1.0 in Q62.
pub const ONE: i64 = 1 << 62;
/// Fractional bits of Q62 beyond I80F48's 48.
pub const EXTRA_BITS: u32 = 14;

/// `a·b / 2⁶²` rounded to nearest (ties up), for |a| < 2 and |b| < 2⁻⁴ (callers'
/// invariants): the product is below 2⁻³, so the quotient always fits and needs no range
/// check.
#[inline(always)]
pub fn mul_small(a: i64, b: i64) -> i64 {
    // |a·b| < 2^121: the quotient fits i64, so the narrowing is lossless.
    (crate::ops::mul_i64_wide(a, b).wrapping_add(1 << 61) >> 62) as i64
}

/// Arguments of [`horner_small`] must lie within ±2⁻⁴ (Q62 raw bits below 2⁵⁸).
pub const SMALL_LIMIT: i64 = 1 << 58;

/// Horner's rule in Q62 for a small argument (|x| < 2⁻⁴, else `None`), whose first
/// `FAST` steps multiply operands truncated to Q31 with one native 64-bit product.
///
/// A truncated product is off by at most |acc|·2⁻³¹ + 2⁻³⁶; later steps multiply that
/// error by x again, so early (high-degree) steps can afford it: each caller picks the
/// count that keeps the result within an I80F48 ulp (emulated bit for bit over its whole
/// domain by scripts/q62_steps.py). On sBPF that is ~65 instructions saved per step.
/// The degree and `FAST` are compile-time constants, so the loop unrolls into straight
/// code.
///
/// Callers guarantee that every partial sum stays below 2 in magnitude (their
/// coefficients and bounds are documented at each call); with |x| < 2⁻⁴ every product is
/// then below 2⁻³, so no product leaves the Q62 range, and a sum that would is refused.
#[inline(always)]
pub fn horner_small<const N: usize, const FAST: usize>(x: i64, coeffs: &[i64; N]) -> Option<i64> {
    if !(-SMALL_LIMIT..SMALL_LIMIT).contains(&x) {
        return None;
    }
    let (&lead, rest) = coeffs.split_first()?;
    let x31 = x >> 31;
    let mut acc = lead;
    for (i, &c) in rest.iter().enumerate() {
        let product = if i < FAST {
            // |acc >> 31| ≤ 2^32 and |x >> 31| ≤ 2^27: the product is below 2^59.
            (acc >> 31).wrapping_mul(x31)
        } else {
            mul_small(acc, x)
        };
        acc = product.checked_add(c)?;
    }
    Some(acc)
}

/// Q62 → I80F48 raw bits, rounded to nearest (ties up).
#[inline(always)]
pub fn to_fix_bits(v: i64) -> i128 {
    (i128::from(v) + (1 << (EXTRA_BITS - 1))) >> EXTRA_BITS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_round_to_nearest() {
        assert_eq!(mul_small(ONE, ONE / 32), ONE / 32);
        assert_eq!(mul_small(ONE / 2, ONE / 32), ONE / 64);
        assert_eq!(mul_small(-ONE / 2, ONE / 32), -ONE / 64);
        // 3·(1/4 ulp-units): 0.75 rounds up to 1, −0.75 to −1.
        assert_eq!(mul_small(3, ONE / 4), 1);
        assert_eq!(mul_small(-3, ONE / 4), -1);
        assert_eq!(
            horner_small::<2, 0>(ONE / 32, &[ONE / 2, ONE / 4]),
            Some(ONE / 64 + ONE / 4)
        );
        // Truncated steps: exact for operands with no bits below 2^-31.
        assert_eq!(
            horner_small::<3, 2>(ONE / 32, &[ONE / 2, ONE / 4, 0]),
            Some(ONE / 2048 + ONE / 128)
        );
        assert_eq!(horner_small::<1, 0>(SMALL_LIMIT, &[ONE]), None);
        assert_eq!(horner_small::<1, 0>(-SMALL_LIMIT - 1, &[ONE]), None);
        // Full steps round to nearest like `mul_small`.
        assert_eq!(
            horner_small::<2, 0>(ONE / 32, &[3, 0]),
            Some(mul_small(3, ONE / 32))
        );
        assert_eq!(to_fix_bits(ONE), 1 << 48);
        assert_eq!(to_fix_bits((1 << 13) - 1), 0);
        assert_eq!(to_fix_bits(1 << 13), 1);
    }
}
