//! The f64 SIMD research path against the exact fixed-point path (what the program
//! computes): the same decisions on the same inputs, to a stated tolerance.
use hedge_research::backtest::engine::{decide, run_path, Book, BookSpec, Costs, Policy, Scenario};
use hedge_research::backtest::fast::{self, FastPolicy};
use hedge_research::backtest::generators::Generator;
use rand::{Rng, SeedableRng};

/// Targets and bands of the two paths differ by at most this (units of collateral): the
/// f64 path's `erfc` has a fractional error below 1.2e-7.
const TOLERANCE: f64 = 1e-6;

fn books(sigma: f64) -> Vec<Book> {
    [
        BookSpec::Neutral,
        BookSpec::ProtectivePut {
            strike_mult: 1.0,
            tenor_years: 1.0,
        },
        BookSpec::CoveredCall {
            strike_mult: 1.1,
            tenor_years: 0.5,
        },
    ]
    .into_iter()
    .map(|b| Book::resolve(b, 100.0, sigma, 0.03, 0.01))
    .collect()
}

fn policies() -> Vec<Policy> {
    vec![
        Policy::FixedBand { half_width: 0.02 },
        Policy::WhalleyWilmott {
            lambda: 0.0005,
            risk_aversion: 1.0,
            min_band: 0.0,
        },
        Policy::WhalleyWilmott {
            lambda: 0.002,
            risk_aversion: 0.2,
            min_band: 0.01,
        },
    ]
}

#[test]
fn decisions_agree_with_the_exact_path_on_random_inputs() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let mut worst: f64 = 0.0;
    for book in books(0.8) {
        for policy in policies() {
            let fp = FastPolicy::of(&policy).unwrap();
            for _ in 0..2_000 {
                let s = rng.gen_range(40.0..250.0);
                let t = rng.gen_range(0.0..0.99);
                let nav = s * rng.gen_range(0.5..2.0);
                let exact = decide(&book, &policy, s, t, 1.0, nav);
                let f = fast::decide(&book, &fp, s, t, nav);
                let d = (exact.target - f.target).abs().max((exact.band - f.band).abs());
                worst = worst.max(d);
                assert!(
                    d <= TOLERANCE,
                    "{policy:?} at S={s} t={t}: exact {exact:?}, f64 {f:?}"
                );
            }
        }
    }
    eprintln!("largest target / band difference: {worst:e}");
}

#[test]
fn whole_paths_trade_alike() {
    let dt = 1.0 / 24.0 / 365.0;
    let g = Generator::Gbm { mu: 0.0, sigma: 0.8 };
    let paths: Vec<Vec<f64>> = (0..64).map(|i| g.path(100.0, dt, 500, 100 + i)).collect();
    let costs = Costs {
        fee_bps: 5.0,
        impact_depth: 1e6,
        funding: vec![],
    };
    for book in books(0.8) {
        for policy in policies() {
            let fp = FastPolicy::of(&policy).unwrap();
            let fast = fast::run_paths(&paths, dt, &book, &fp, costs.fee_bps, costs.impact_depth);
            assert_eq!(fast.len(), paths.len());
            let mut same = 0;
            let (mut fees_exact, mut fees_fast) = (0.0, 0.0);
            for (p, f) in paths.iter().zip(&fast) {
                let e = run_path(p, dt, &book, &policy, &costs, &Scenario::default(), false);
                same += usize::from(e.rebalances as u64 == f.rebalances);
                fees_exact += e.fees;
                fees_fast += f.fees;
                // Where every decision matched, the paths are the same to rounding; a
                // decision can flip only where |net − target| is within the tolerance of the
                // band, and then that path differs by one trade.
                if e.rebalances as u64 == f.rebalances {
                    assert!(
                        (e.final_error - f.final_error).abs() <= 1e-4 * (1.0 + e.final_error.abs()),
                        "{policy:?}: final error exact {} f64 {}",
                        e.final_error,
                        f.final_error
                    );
                }
            }
            assert!(
                same >= 60,
                "{policy:?} on {book:?}: {same} of 64 paths trade alike"
            );
            assert!(
                (fees_exact - fees_fast).abs() <= 0.02 * fees_exact.max(1e-12),
                "{policy:?}: fees exact {fees_exact} f64 {fees_fast}"
            );
        }
    }
}

#[test]
fn one_path_and_groups_give_the_same_result() {
    let dt = 1.0 / 365.0;
    let g = Generator::Gbm { mu: 0.0, sigma: 0.6 };
    let paths: Vec<Vec<f64>> = (0..7).map(|i| g.path(100.0, dt, 200, i)).collect();
    let book = books(0.6)[1];
    let fp = FastPolicy::of(&policies()[1]).unwrap();
    let all = fast::run_paths(&paths, dt, &book, &fp, 5.0, 1e6);
    for (p, r) in paths.iter().zip(&all) {
        assert_eq!(fast::run_one(p, dt, &book, &fp, 5.0, 1e6), *r);
    }
    // Policies without a fast path say so.
    assert!(FastPolicy::of(&Policy::TimeBased { every: 3 }).is_none());
}
