//! The limb helpers against native u128 / i128: edge cases and property tests.
use proptest::prelude::*;
use sbf_i128::*;

fn w(x: u128) -> W {
    [x as u64, (x >> 64) as u64]
}

fn u(a: W) -> u128 {
    (a[0] as u128) | ((a[1] as u128) << 64)
}

fn edges() -> Vec<u128> {
    let mut v = vec![
        0,
        1,
        2,
        3,
        u64::MAX as u128,
        u64::MAX as u128 + 1,
        u128::MAX,
        u128::MAX - 1,
        i128::MAX as u128,
        i128::MIN as u128,
    ];
    for s in [31, 32, 33, 63, 64, 65, 96, 127] {
        v.push(1u128 << s);
        v.push((1u128 << s) - 1);
    }
    v.push(0x0123_4567_89ab_cdef_fedc_ba98_7654_3210);
    v
}

fn check(a: u128, b: u128) {
    assert_eq!(u(mul(w(a), w(b))), a.wrapping_mul(b), "mul {a} {b}");
    let (p, o) = umulo(w(a), w(b));
    assert_eq!((u(p), o), a.overflowing_mul(b), "umulo {a} {b}");
    let (sa, sb) = (a as i128, b as i128);
    let (p, o) = smulo(w(a), w(b));
    assert_eq!((u(p) as i128, o), sa.overflowing_mul(sb), "smulo {sa} {sb}");
    if b != 0 {
        let (q, r) = udivmod(w(a), w(b));
        assert_eq!((u(q), u(r)), (a / b, a % b), "udivmod {a} {b}");
        if !(sa == i128::MIN && sb == -1) {
            let (q, r) = sdivmod(w(a), w(b));
            assert_eq!(
                (u(q) as i128, u(r) as i128),
                (sa / sb, sa % sb),
                "sdivmod {sa} {sb}"
            );
        }
    }
    let (x, y) = (a as u64 as i64, b as u64 as i64);
    assert_eq!(smulo64(x, y), x.overflowing_mul(y), "smulo64 {x} {y}");
    let s = (b % 128) as u32;
    assert_eq!(u(shl(w(a), s)), a << s);
    assert_eq!(u(lshr(w(a), s)), a >> s);
    assert_eq!(u(ashr(w(a), s)) as i128, sa >> s);
}

#[test]
fn edge_cases() {
    let e = edges();
    for &a in &e {
        for &b in &e {
            check(a, b);
        }
    }
    assert_eq!(udivmod(w(5), w(0)), ([0, 0], [0, 0]));
    // i128::MIN / −1 overflows in Rust; the helper wraps like LLVM's sdiv would.
    let (q, _) = sdivmod(w(i128::MIN as u128), w(u128::MAX));
    assert_eq!(u(q) as i128, i128::MIN);
}

#[test]
fn extern_entry_points_write_both_limbs() {
    let mut out = [0u64; 2];
    let (a, b) = (0xdead_beef_0000_0001_u128 << 40, 0x1_0000_0003u128);
    unsafe {
        __sbpf_i128_mul(
            out.as_mut_ptr(),
            a as u64,
            (a >> 64) as u64,
            b as u64,
            (b >> 64) as u64,
        )
    };
    assert_eq!(u(out), a.wrapping_mul(b));
    unsafe {
        __sbpf_i128_sdiv(
            out.as_mut_ptr(),
            a as u64,
            (a >> 64) as u64,
            b as u64,
            (b >> 64) as u64,
        )
    };
    assert_eq!(u(out) as i128, (a as i128) / (b as i128));
}

#[test]
fn overflow_entry_points_write_the_flag() {
    let mut out = [9u64; 3];
    let (a, b) = (u128::MAX / 3, 4u128);
    unsafe { __sbpf_i128_umulo(out.as_mut_ptr(), a as u64, (a >> 64) as u64, b as u64, 0) };
    assert_eq!((u([out[0], out[1]]), out[2] == 1), a.overflowing_mul(b));
    let (a, b) = (-5i128 as u128, 7u128);
    unsafe { __sbpf_i128_smulo(out.as_mut_ptr(), a as u64, (a >> 64) as u64, b as u64, 0) };
    assert_eq!((u([out[0], out[1]]) as i128, out[2]), (-35, 0));
    unsafe { __sbpf_i64_smulo(out.as_mut_ptr(), i64::MIN as u64, -1i64 as u64, 0, 0) };
    assert_eq!((out[0] as i64, out[1]), (i64::MIN, 1));
}

fn any128() -> impl Strategy<Value = u128> {
    prop_oneof![
        any::<u128>(),
        any::<u64>().prop_map(|x| x as u128),
        any::<i64>().prop_map(|x| x as i128 as u128),
        (0u32..128).prop_map(|s| 1u128 << s),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn matches_native(a in any128(), b in any128()) {
        check(a, b);
    }
}
