//! `ops::ratio` against `fixed`'s own integer division, bit for bit.
use hedge_math::ops::{ratio, ratio_u64};
use hedge_math::Fix;
use proptest::prelude::*;

fn reference(n: i64, d: u64) -> Fix {
    Fix::from_num(n).checked_div_int(i128::from(d)).unwrap()
}

#[test]
fn edge_cases_match_fixed() {
    let ds = [
        1u64,
        2,
        3,
        7,
        10_000,
        1_000_000,
        31_536_000,
        1_000_000_000,
        u64::from(u32::MAX),
        1 << 40,
        (1 << 63) - 1,
        1 << 63,
        u64::MAX,
    ];
    let ns = [
        0i64,
        1,
        -1,
        2,
        999_999,
        1_000_000,
        -1_000_001,
        150_000_000,
        i64::MAX,
        i64::MIN,
        i64::MIN + 1,
    ];
    for &d in &ds {
        for &n in &ns {
            assert_eq!(ratio(n, d), Some(reference(n, d)), "n = {n}, d = {d}");
        }
    }
    assert_eq!(ratio(5, 0), None);
    assert_eq!(ratio_u64(5, 0), None);
    for &d in &ds {
        for n in [0u64, 1, 150_000_000, u64::MAX, u64::MAX - 1] {
            let want = Fix::from_num(n).checked_div_int(i128::from(d)).unwrap();
            assert_eq!(ratio_u64(n, d), Some(want), "n = {n}, d = {d}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn matches_fixed_for_any_numerator_and_divisor(n in any::<i64>(), d in 1u64..) {
        prop_assert_eq!(ratio(n, d), Some(reference(n, d)));
    }

    #[test]
    fn unsigned_matches_fixed(n in any::<u64>(), d in 1u64..) {
        prop_assert_eq!(ratio_u64(n, d), Some(Fix::from_num(n).checked_div_int(i128::from(d)).unwrap()));
    }

    #[test]
    fn matches_fixed_for_small_divisors(n in any::<i64>(), d in 1u64..100_000_000) {
        prop_assert_eq!(ratio(n, d), Some(reference(n, d)));
    }
}
