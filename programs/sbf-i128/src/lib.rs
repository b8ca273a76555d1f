//! # sbf-i128: 128-bit arithmetic on u64 limbs
//!
//! Upstream LLVM's BPF backend cannot lower the i128 libcalls (`__multi3`, `__udivti3`,
//! …) that `fixed`'s I80F48 arithmetic compiles to. The sBPF build route rewrites every
//! i128 `mul` / `div` / `rem` / variable shift / overflow-checked multiply into a call
//! to one of the `extern "C"` helpers below, which take the operands as four u64 limbs
//! and write the result through a pointer. Nothing in this crate uses `u128` or `i128`,
//! so it compiles to plain 64-bit BPF.
//!
//! A 128-bit value is `[lo, hi]`; signed values are two's complement.
//! Division by zero returns zero quotient and remainder: Rust checks divisors before it
//! divides, so the helpers never see a zero divisor from safe code.
#![no_std]

/// A 128-bit value as `[low limb, high limb]`.
pub type W = [u64; 2];

const MASK32: u64 = 0xffff_ffff;

/// Full 64×64 → 128 product from 32-bit partial products.
#[inline(always)]
pub fn mul64_wide(a: u64, b: u64) -> W {
    let (a0, a1) = (a & MASK32, a >> 32);
    // LLVM recognises this 32-bit partial-product idiom and folds it back into one
    // `mul i128` (a libcall BPF cannot lower); an opaque value breaks the pattern.
    #[cfg(target_arch = "bpf")]
    let a1 = core::hint::black_box(a1);
    let (b0, b1) = (b & MASK32, b >> 32);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    let mid = (p00 >> 32) + (p01 & MASK32) + (p10 & MASK32);
    let lo = (p00 & MASK32) | (mid << 32);
    let hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    [lo, hi]
}

#[inline(always)]
fn add(a: W, b: W) -> (W, bool) {
    let (lo, c) = a[0].overflowing_add(b[0]);
    let (hi1, o1) = a[1].overflowing_add(b[1]);
    let (hi, o2) = hi1.overflowing_add(c as u64);
    ([lo, hi], o1 | o2)
}

#[inline(always)]
fn sub(a: W, b: W) -> W {
    let (lo, borrow) = a[0].overflowing_sub(b[0]);
    [lo, a[1].wrapping_sub(b[1]).wrapping_sub(borrow as u64)]
}

#[inline(always)]
fn neg(a: W) -> W {
    sub([0, 0], a)
}

#[inline(always)]
fn is_neg(a: W) -> bool {
    (a[1] as i64) < 0
}

#[inline(always)]
fn ge(a: W, b: W) -> bool {
    a[1] > b[1] || (a[1] == b[1] && a[0] >= b[0])
}

/// Wrapping 128 × 128 → 128 multiplication.
pub fn mul(a: W, b: W) -> W {
    let low = mul64_wide(a[0], b[0]);
    let cross = a[0].wrapping_mul(b[1]).wrapping_add(a[1].wrapping_mul(b[0]));
    [low[0], low[1].wrapping_add(cross)]
}

/// Logical shift left by `s mod 128`.
pub fn shl(a: W, s: u32) -> W {
    let s = s & 127;
    match s {
        0 => a,
        1..=63 => [a[0] << s, (a[1] << s) | (a[0] >> (64 - s))],
        _ => [0, a[0] << (s - 64)],
    }
}

/// Logical shift right by `s mod 128`.
pub fn lshr(a: W, s: u32) -> W {
    let s = s & 127;
    match s {
        0 => a,
        1..=63 => [(a[0] >> s) | (a[1] << (64 - s)), a[1] >> s],
        _ => [a[1] >> (s - 64), 0],
    }
}

/// Arithmetic shift right by `s mod 128`.
pub fn ashr(a: W, s: u32) -> W {
    let s = s & 127;
    let hi = a[1] as i64;
    match s {
        0 => a,
        1..=63 => [(a[0] >> s) | (a[1] << (64 - s)), (hi >> s) as u64],
        _ => [(hi >> (s - 64)) as u64, (hi >> 63) as u64],
    }
}

/// Native 64-bit division by a divisor the caller knows is non-zero (0 otherwise), without
/// the panic path of `/`: the helpers are linked after the program's `core`, so they must not
/// reference any symbol.
#[inline(always)]
fn div_nz(a: u64, b: u64) -> u64 {
    match core::num::NonZeroU64::new(b) {
        Some(d) => a / d,
        None => 0,
    }
}

/// Remainder counterpart of [`div_nz`].
#[inline(always)]
fn rem_nz(a: u64, b: u64) -> u64 {
    match core::num::NonZeroU64::new(b) {
        Some(d) => a % d,
        None => 0,
    }
}

/// 128 / 64 → 64 division `(u1·2⁶⁴ + u0) / v` for `u1 < v`, with remainder.
///
/// Hacker's Delight `divlu` (Knuth algorithm D on 32-bit digits): normalise `v`, then two
/// 64 / 32 digit steps on the machine's native 64-bit division, each corrected at most twice.
/// Costs two native divisions instead of a 128-iteration shift-subtract loop.
#[inline(always)]
pub fn divlu(u1: u64, u0: u64, v: u64) -> (u64, u64) {
    const B: u64 = 1 << 32;
    let s = v.leading_zeros();
    let v = v << s;
    let (vn1, vn0) = (v >> 32, v & MASK32);
    let un32 = if s == 0 { u1 } else { (u1 << s) | (u0 >> (64 - s)) };
    let un10 = u0 << s;
    let (un1, un0) = (un10 >> 32, un10 & MASK32);
    let mut q1 = div_nz(un32, vn1);
    let mut rhat = un32 - q1 * vn1;
    while q1 >= B || q1 * vn0 > B * rhat + un1 {
        q1 -= 1;
        rhat += vn1;
        if rhat >= B {
            break;
        }
    }
    let un21 = (un32 << 32).wrapping_add(un1).wrapping_sub(q1.wrapping_mul(v));
    let mut q0 = div_nz(un21, vn1);
    rhat = un21 - q0 * vn1;
    while q0 >= B || q0 * vn0 > B * rhat + un0 {
        q0 -= 1;
        rhat += vn1;
        if rhat >= B {
            break;
        }
    }
    let r = (un21 << 32).wrapping_add(un0).wrapping_sub(q0.wrapping_mul(v)) >> s;
    ((q1 << 32) | q0, r)
}

/// Unsigned division and remainder.
///
/// Divisors below 2⁶⁴ take one or two [`divlu`] steps. Wider divisors give a quotient below
/// 2⁶⁴: estimate it from the normalised top limb of the divisor (Hacker's Delight
/// `divlu`-based 128-bit division), then correct by at most one.
pub fn udivmod(a: W, b: W) -> (W, W) {
    if b == [0, 0] {
        return ([0, 0], [0, 0]);
    }
    if !ge(a, b) {
        return ([0, 0], a);
    }
    if b[1] == 0 {
        if a[1] == 0 {
            return ([div_nz(a[0], b[0]), 0], [rem_nz(a[0], b[0]), 0]);
        }
        let (q_hi, r_hi) = (div_nz(a[1], b[0]), rem_nz(a[1], b[0]));
        let (q_lo, r) = divlu(r_hi, a[0], b[0]);
        return ([q_lo, q_hi], [r, 0]);
    }
    // b ≥ 2⁶⁴ and a ≥ b: the quotient fits in one limb.
    let n = b[1].leading_zeros();
    let v1 = shl(b, n)[1];
    let a1 = lshr(a, 1);
    let (q1, _) = divlu(a1[1], a1[0], v1);
    let mut q0 = lshr(shl([q1, 0], n), 63)[0].saturating_sub(1);
    let mut r = sub(a, mul([q0, 0], b));
    if ge(r, b) {
        q0 += 1;
        r = sub(r, b);
    }
    ([q0, 0], r)
}

/// Signed division (truncating) and remainder (sign of the dividend).
pub fn sdivmod(a: W, b: W) -> (W, W) {
    let (na, nb) = (is_neg(a), is_neg(b));
    let ua = if na { neg(a) } else { a };
    let ub = if nb { neg(b) } else { b };
    let (q, r) = udivmod(ua, ub);
    (if na != nb { neg(q) } else { q }, if na { neg(r) } else { r })
}

/// Unsigned multiplication with overflow flag.
pub fn umulo(a: W, b: W) -> (W, bool) {
    let overflow_hi = a[1] != 0 && b[1] != 0;
    let low = mul64_wide(a[0], b[0]);
    let c1 = mul64_wide(a[0], b[1]);
    let c2 = mul64_wide(a[1], b[0]);
    let (hi, o) = add([low[1], 0], [c1[0], 0]);
    let (hi, o2) = add(hi, [c2[0], 0]);
    let overflow = overflow_hi || c1[1] != 0 || c2[1] != 0 || hi[1] != 0 || o || o2;
    ([low[0], hi[0]], overflow)
}

/// Signed multiplication with overflow flag.
pub fn smulo(a: W, b: W) -> (W, bool) {
    let (na, nb) = (is_neg(a), is_neg(b));
    let ua = if na { neg(a) } else { a };
    let ub = if nb { neg(b) } else { b };
    let (p, o) = umulo(ua, ub);
    let negative = na != nb;
    let result = if negative { neg(p) } else { p };
    // |product| must fit: ≤ 2^127 − 1, or exactly 2^127 when negative.
    let limit_ok = if negative {
        p[1] < (1 << 63) || p == [0, 1 << 63]
    } else {
        p[1] < (1 << 63)
    };
    (result, o || !limit_ok)
}

/// Signed 64 × 64 multiplication with overflow flag, from the unsigned wide product
/// (`i64::overflowing_mul` itself lowers to a 128-bit libcall on BPF).
pub fn smulo64(a: i64, b: i64) -> (i64, bool) {
    let negative = (a < 0) != (b < 0);
    let p = mul64_wide(a.unsigned_abs(), b.unsigned_abs());
    let result = if negative { p[0].wrapping_neg() } else { p[0] } as i64;
    let fits = p[1] == 0 && if negative { p[0] <= 1 << 63 } else { p[0] < 1 << 63 };
    (result, !fits)
}

// ---- extern "C" entry points called by the rewritten IR: (out, a_lo, a_hi, b_lo, b_hi) ----

macro_rules! entry {
    ($name:ident, $f:expr) => {
        /// Called by the sBPF IR rewrite; writes the result through `out`.
        ///
        /// # Safety
        /// `out` must be valid for writes of two u64.
        #[cfg(feature = "entries")]
        #[no_mangle]
        pub unsafe extern "C" fn $name(out: *mut u64, a_lo: u64, a_hi: u64, b_lo: u64, b_hi: u64) {
            let r: W = $f([a_lo, a_hi], [b_lo, b_hi]);
            *out = r[0];
            *out.add(1) = r[1];
        }
    };
}

entry!(__sbpf_i128_mul, mul);
entry!(__sbpf_i128_udiv, |a, b| udivmod(a, b).0);
entry!(__sbpf_i128_urem, |a, b| udivmod(a, b).1);
entry!(__sbpf_i128_sdiv, |a, b| sdivmod(a, b).0);
entry!(__sbpf_i128_srem, |a, b| sdivmod(a, b).1);
entry!(__sbpf_i128_shl, |a, b: W| shl(a, b[0] as u32));
entry!(__sbpf_i128_lshr, |a, b: W| lshr(a, b[0] as u32));
entry!(__sbpf_i128_ashr, |a, b: W| ashr(a, b[0] as u32));

macro_rules! entry_overflow {
    ($name:ident, $f:expr) => {
        /// Called by the sBPF IR rewrite; writes the two result limbs and the overflow
        /// flag (0/1) through `out`.
        ///
        /// # Safety
        /// `out` must be valid for writes of three u64.
        #[cfg(feature = "entries")]
        #[no_mangle]
        pub unsafe extern "C" fn $name(out: *mut u64, a_lo: u64, a_hi: u64, b_lo: u64, b_hi: u64) {
            let (r, o): (W, bool) = $f([a_lo, a_hi], [b_lo, b_hi]);
            *out = r[0];
            *out.add(1) = r[1];
            *out.add(2) = o as u64;
        }
    };
}

entry_overflow!(__sbpf_i128_umulo, umulo);
entry_overflow!(__sbpf_i128_smulo, smulo);

/// `llvm.smul.with.overflow.i64` replacement: writes the product and the overflow flag
/// (0/1) through `out`. The two trailing arguments are unused (uniform 5-argument ABI).
///
/// # Safety
/// `out` must be valid for writes of two u64.
#[cfg(feature = "entries")]
#[no_mangle]
pub unsafe extern "C" fn __sbpf_i64_smulo(out: *mut u64, a: u64, b: u64, _: u64, _: u64) {
    let (r, o) = smulo64(a as i64, b as i64);
    *out = r as u64;
    *out.add(1) = o as u64;
}
