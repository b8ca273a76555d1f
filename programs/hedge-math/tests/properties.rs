//! Property tests of the pricing engine and the share accounting.

use hedge_math::shares::{assets_for_shares, shares_for_deposit, shares_for_withdraw};
use hedge_math::{bs_greeks, BsInputs, Fix, Greeks, OptionKind};
use proptest::prelude::*;

fn f(x: f64) -> Fix {
    Fix::from_num(x)
}

/// Inputs drawn from the documented accuracy domain.
fn domain() -> impl Strategy<Value = (f64, f64, f64, f64, f64, f64)> {
    (
        (0.1f64.ln()..200_000f64.ln()).prop_map(f64::exp),
        0.5f64..2.0,
        0.05f64..2.5,
        ((1.0f64 / 8760.0).ln()..2f64.ln()).prop_map(f64::exp),
        -0.02f64..0.15,
        -0.05f64..0.12,
    )
}

fn greeks(kind: OptionKind, s: f64, k: f64, vol: f64, t: f64, r: f64, q: f64) -> Greeks {
    bs_greeks(
        kind,
        &BsInputs {
            spot: f(s),
            strike: f(k),
            vol: f(vol),
            t_years: f(t),
            r: f(r),
            q: f(q),
        },
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn put_call_parity((s, m, vol, t, r, q) in domain()) {
        let k = s * m;
        let c = greeks(OptionKind::Call, s, k, vol, t, r, q);
        let p = greeks(OptionKind::Put, s, k, vol, t, r, q);
        let parity = s * (-q * t).exp() - k * (-r * t).exp();
        let lhs = c.price.to_num::<f64>() - p.price.to_num::<f64>();
        prop_assert!((lhs - parity).abs() <= 1e-9 * s, "C-P={lhs} parity={parity}");
        // Delta parity: Δc − Δp = e^(−qT); gamma and vega are shared.
        let dd = c.delta.to_num::<f64>() - p.delta.to_num::<f64>();
        prop_assert!((dd - (-q * t).exp()).abs() <= 1e-9);
        prop_assert_eq!(c.gamma, p.gamma);
        prop_assert_eq!(c.vega, p.vega);
    }

    #[test]
    fn delta_bounds_and_gamma_sign((s, m, vol, t, r, q) in domain()) {
        let dq = f((-q * t).exp());
        let c = greeks(OptionKind::Call, s, s * m, vol, t, r, q);
        let p = greeks(OptionKind::Put, s, s * m, vol, t, r, q);
        let slack = f(1e-12);
        prop_assert!(c.delta >= Fix::ZERO && c.delta <= dq + slack);
        prop_assert!(p.delta <= Fix::ZERO && p.delta >= -dq - slack);
        prop_assert!(c.gamma >= Fix::ZERO);
        prop_assert!(c.vega >= Fix::ZERO);
        prop_assert!(c.price >= Fix::ZERO && p.price >= Fix::ZERO);
    }

    #[test]
    fn monotone_in_spot_and_vol((s, m, vol, t, r, q) in domain(), bump in 1.001f64..1.5) {
        let k = s * m;
        let tol = f(1e-12 * s);
        let c0 = greeks(OptionKind::Call, s, k, vol, t, r, q);
        let c1 = greeks(OptionKind::Call, s * bump, k, vol, t, r, q);
        let p0 = greeks(OptionKind::Put, s, k, vol, t, r, q);
        let p1 = greeks(OptionKind::Put, s * bump, k, vol, t, r, q);
        prop_assert!(c1.price + tol >= c0.price);
        prop_assert!(p1.price <= p0.price + tol);
        let cv = greeks(OptionKind::Call, s, k, (vol * bump).min(2.5), t, r, q);
        let pv = greeks(OptionKind::Put, s, k, (vol * bump).min(2.5), t, r, q);
        prop_assert!(cv.price + tol >= c0.price);
        prop_assert!(pv.price + tol >= p0.price);
    }

    #[test]
    fn delta_and_gamma_match_finite_differences(
        // Away from expiry, so the central differences are well conditioned. A filter on
        // the strategy, not `prop_assume!`: about a third of the domain is near expiry,
        // and a third of 2 000 cases is close to proptest's limit of 1 024 global rejects
        // (the test failed on that limit, by chance, on a clean-clone CI run).
        (s, m, vol, t, r, q) in domain().prop_filter("away from expiry", |d| d.2 * d.3.sqrt() > 0.05)
    ) {
        let k = s * m;
        let h = s * 1e-4;
        for kind in [OptionKind::Call, OptionKind::Put] {
            let g0 = greeks(kind, s, k, vol, t, r, q);
            let up = greeks(kind, s + h, k, vol, t, r, q).price.to_num::<f64>();
            let dn = greeks(kind, s - h, k, vol, t, r, q).price.to_num::<f64>();
            let mid = g0.price.to_num::<f64>();
            let fd_delta = (up - dn) / (2.0 * h);
            let fd_gamma = (up - 2.0 * mid + dn) / (h * h);
            let gamma_scale = 1.0 / (s * vol * t.sqrt());
            prop_assert!((fd_delta - g0.delta.to_num::<f64>()).abs() < 1e-6, "{kind:?} delta");
            prop_assert!((fd_gamma - g0.gamma.to_num::<f64>()).abs() < 1e-3 * gamma_scale, "{kind:?} gamma");
        }
    }

    #[test]
    fn deposit_then_redeem_never_profits(
        ta in 0u64..1_000_000_000_000,
        extra in 0u64..1_000_000_000,
        deposit in 1u64..1_000_000_000_000,
    ) {
        // Any supply consistent with a share price of at least the virtual ratio.
        let ts = ta.saturating_sub(extra);
        let minted = shares_for_deposit(deposit, ta, ts).unwrap();
        let back = assets_for_shares(minted, ta + deposit, ts + minted).unwrap();
        prop_assert!(back <= deposit);
        // Burning for an exact amount never costs fewer shares than minting gives.
        let burn = shares_for_withdraw(deposit, ta, ts).unwrap();
        prop_assert!(burn >= minted);
        // And the round trip loses at most one share's worth (+1 unit) to rounding.
        let share_value = (ta + deposit) / (ts + minted + 1_000) + 1;
        prop_assert!(deposit - back <= share_value + 1, "lost {} > {}", deposit - back, share_value + 1);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// The band-only evaluation returns exactly bs_greeks' delta and gamma.
    #[test]
    fn delta_gamma_only_is_bit_identical((s, m, vol, t, r, q) in domain(), put in any::<bool>()) {
        let kind = if put { OptionKind::Put } else { OptionKind::Call };
        let p = BsInputs { spot: f(s), strike: f(s * m), vol: f(vol), t_years: f(t), r: f(r), q: f(q) };
        let g = bs_greeks(kind, &p).unwrap();
        prop_assert_eq!(hedge_math::bs_delta_gamma(kind, &p).unwrap(), (g.delta, g.gamma));
    }
}

/// Raw I80F48 bits across magnitudes: tiny, around the fast-path limit (2¹⁶), large.
fn fix_bits() -> impl Strategy<Value = i128> {
    prop_oneof![
        any::<i64>().prop_map(i128::from),
        (0u32..100, any::<i128>()).prop_map(|(shift, x)| x >> (shift + 27)),
        (60u32..70, any::<bool>()).prop_map(|(b, neg)| {
            let v = 1i128 << b;
            if neg {
                -v
            } else {
                v
            }
        }),
        any::<i128>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    /// The fast paths of `ops` are bit-identical to `fixed` (or fail where it fails).
    #[test]
    fn fast_ops_match_fixed(x in fix_bits(), y in fix_bits()) {
        let (a, b) = (Fix::from_bits(x), Fix::from_bits(y));
        prop_assert_eq!(hedge_math::ops::mul(a, b).ok(), a.checked_mul(b));
        if y != 0 {
            prop_assert_eq!(hedge_math::ops::div(a, b).ok(), a.checked_div(b));
        }
        prop_assert_eq!(hedge_math::ops::sqrt_floor(a), a.checked_sqrt());
        prop_assert_eq!(Some(hedge_math::ops::half(a)), a.checked_div_int(2));
    }
}

/// Raw values of every bit length up to 2⁸⁰ (the fast √ path's range) and beyond.
fn sqrt_bits() -> impl Strategy<Value = i128> {
    (0u32..=100, any::<u128>()).prop_map(|(len, r)| (r >> (128 - len.max(1))) as i128 >> u32::from(len == 0))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(50_000))]

    /// √ is bit-identical to `fixed`'s exact integer square root at every magnitude.
    #[test]
    fn sqrt_matches_fixed(x in sqrt_bits()) {
        let a = Fix::from_bits(x);
        prop_assert_eq!(hedge_math::ops::sqrt_floor(a), a.checked_sqrt());
    }
}

#[test]
fn sqrt_edges_match_fixed() {
    let mut cases: Vec<i128> = vec![0, 1, 2, 3, 4, 5, i128::MAX, (1 << 80) - 1, 1 << 80];
    for k in 0..=100u32 {
        let p = 1i128 << k;
        cases.extend([p - 1, p, p + 1]);
    }
    // Values whose √(x·2⁴⁸) is just below or above an integer: x·2⁴⁸ = r² ± small.
    for r in [
        1u128 << 40,
        (1 << 52) + 12_345,
        (1 << 63) - 1,
        1 << 63,
        u64::MAX as u128,
    ] {
        let sq = r * r;
        for d in [-1i128, 0, 1] {
            cases.push(((sq >> 48) as i128) + d);
        }
    }
    for x in cases.into_iter().filter(|x| *x >= 0) {
        let a = Fix::from_bits(x);
        assert_eq!(hedge_math::ops::sqrt_floor(a), a.checked_sqrt(), "bits {x}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(50_000))]

    /// The sBPF widening products agree with native 128-bit arithmetic.
    #[test]
    fn wide_products_match_native(a in any::<i64>(), b in any::<i64>()) {
        prop_assert_eq!(hedge_math::ops::mul_i64_wide_limbs(a, b), i128::from(a) * i128::from(b));
        let (ua, ub) = (a as u64, b as u64);
        let [lo, hi] = sbf_i128::mul64_wide(ua, ub);
        prop_assert_eq!(u128::from(hi) << 64 | u128::from(lo), u128::from(ua) * u128::from(ub));
    }
}

#[test]
fn wide_products_edges() {
    let edges = [
        i64::MIN,
        i64::MIN + 1,
        -1,
        0,
        1,
        i64::MAX,
        1 << 32,
        -(1 << 32),
        (1 << 32) - 1,
    ];
    for a in edges {
        for b in edges {
            assert_eq!(
                hedge_math::ops::mul_i64_wide_limbs(a, b),
                i128::from(a) * i128::from(b),
                "{a} {b}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    /// `ln` over its whole domain (every bit length of the raw value, both the 64-bit and
    /// the 128-bit path) agrees with f64 to within f64's own error plus a few ulps.
    #[test]
    fn ln_matches_f64_everywhere(x in sqrt_bits().prop_filter("positive", |x| *x > 0)) {
        let a = Fix::from_bits(x);
        let ours = hedge_math::primitives::ln(a).unwrap().to_num::<f64>();
        let want = a.to_num::<f64>().ln();
        prop_assert!((ours - want).abs() <= 2e-14 + 4e-16 * want.abs(), "ln({a}) = {ours}, f64 {want}");
    }

    /// `exp` over [−34, 54] agrees with f64 in relative terms (or absolutely below 1).
    #[test]
    fn exp_matches_f64_everywhere(x in -34.0f64..54.0) {
        let a = Fix::from_num(x);
        let ours = hedge_math::primitives::exp(a).unwrap().to_num::<f64>();
        let want = a.to_num::<f64>().exp();
        prop_assert!((ours - want).abs() <= 1e-14 * want.max(1.0), "exp({a}) = {ours}, f64 {want}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(50_000))]

    /// The sBPF 128-by-64-bit division agrees with native u128 division.
    #[test]
    fn wide_division_matches_native(n in any::<u128>(), d in 1u64..) {
        prop_assert_eq!(hedge_math::ops::div_u128_by_u64_limbs(n, d), n / u128::from(d));
    }
}

#[test]
fn wide_division_edges() {
    let ds = [
        1u64,
        2,
        3,
        (1 << 32) - 1,
        1 << 32,
        (1 << 32) + 1,
        u64::MAX - 1,
        u64::MAX,
    ];
    let ns = [
        0u128,
        1,
        u128::from(u64::MAX),
        1 << 64,
        (1 << 64) + 1,
        u128::MAX - 1,
        u128::MAX,
    ];
    for d in ds {
        for n in ns {
            assert_eq!(
                hedge_math::ops::div_u128_by_u64_limbs(n, d),
                n / u128::from(d),
                "{n} / {d}"
            );
        }
    }
    assert_eq!(hedge_math::ops::div_u128_by_u64_limbs(5, 0), 0);
}

/// a·b as 256 bits (high, low), from 64-bit partial products: an independent reference for
/// the fee formulas' wide arithmetic.
fn mul256(a: u128, b: u128) -> (u128, u128) {
    let m = u128::from(u64::MAX);
    let (a1, a0, b1, b0) = (a >> 64, a & m, b >> 64, b & m);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let mid = (p00 >> 64) + (p01 & m) + (p10 & m);
    let lo = (p00 & m) | ((mid & m) << 64);
    let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (hi, lo)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    /// The performance fee is the exact ceiling of bps·gain·shares / (10 000 · 2^64) over the
    /// whole domain of its types (finding: it overflowed at 600 M tokens), or `Overflow`
    /// exactly when that ceiling does not fit u64.
    #[test]
    fn performance_fee_is_exact_over_the_whole_domain(
        shares in any::<u64>(),
        hwm in any::<u128>(),
        gain in any::<u128>(),
        bps in 0u16..=10_000,
    ) {
        use hedge_math::shares::performance_fee;
        let price = hwm.saturating_add(gain);
        let gain = price - hwm;
        let got = performance_fee(shares, price, hwm, bps);
        if gain == 0 || bps == 0 || shares == 0 {
            prop_assert_eq!(got, Ok(0));
        } else {
            // n = gain · (bps · shares), d = 10 000 · 2^64.
            let n = mul256(gain, u128::from(bps) * u128::from(shares));
            let d: u128 = 10_000u128 << 64;
            match got {
                Ok(f) => {
                    // f·d ≥ n > (f − 1)·d
                    let fd = mul256(u128::from(f), d);
                    prop_assert!(fd >= n);
                    let f1d = mul256(u128::from(f) - 1, d);
                    prop_assert!(f1d < n);
                }
                Err(_) => {
                    // The ceiling exceeds u64::MAX: n > u64::MAX · d.
                    prop_assert!(n > mul256(u128::from(u64::MAX), d));
                }
            }
        }
    }
}
