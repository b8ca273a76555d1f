//! The backtest engine's decisions (`backtest::engine::decide`, f64 for research speed) are
//! the program's (`hedge_vault::pricing::compute_band_report`, fixed point): for random
//! vault states, books and band policies, the same target, the same band and the same
//! rebalance decision. So research results describe what the program does.
use hedge_math::{Fix, OptionKind};
use hedge_research::backtest::engine::{decide, Book, BookSpec, Policy};
use hedge_vault::oracle::{MarketSnapshot, OraclePrice};
use hedge_vault::pricing::{compute_band_report, Holdings};
use hedge_vault::state::{LegKind, OptionLeg, Vault};
use proptest::prelude::*;

const UNIT: f64 = 1e9;
const YEAR: f64 = 31_536_000.0;

/// The vault the engine's one collateral unit stands for: 1 token of collateral, a hedge of
/// `h` tokens, NAV `nav_quote`, the book's leg and delta target, the policy's band.
fn vault_for(book: &Book, policy: &Policy, sigma_bps: u32) -> Vault {
    let mut v: Vault = bytemuck::Zeroable::zeroed();
    v.decimals = 9;
    v.sigma_bps = sigma_bps;
    let r = &mut v.params.risk;
    r.delta_target_bps = (book.frac * 10_000.0).round() as i32;
    r.rate_bps = (book.r * 10_000.0).round() as i32;
    r.carry_bps = (book.q * 10_000.0).round() as i32;
    match *policy {
        Policy::FixedBand { half_width } => r.delta_band_bps = (half_width * 10_000.0).round() as u32,
        Policy::WhalleyWilmott {
            lambda,
            risk_aversion,
            min_band,
        } => {
            r.cost_aware_band = true;
            r.ww_cost_bps = (lambda * 10_000.0).round() as u16;
            r.ww_risk_aversion_e6 = (risk_aversion * 1e6).round() as u64;
            r.min_band_bps = (min_band * 10_000.0).round() as u32;
        }
        Policy::LearnedWw {
            lambda,
            risk_aversion,
            min_band,
            table_bps,
        } => {
            r.cost_aware_band = true;
            r.ww_cost_bps = (lambda * 10_000.0).round() as u16;
            r.ww_risk_aversion_e6 = (risk_aversion * 1e6).round() as u64;
            r.min_band_bps = (min_band * 10_000.0).round() as u32;
            r.band_correction_enabled = true;
            r.band_correction_bps = table_bps;
        }
        _ => unreachable!(),
    }
    if let Some((kind, strike, expiry, qty)) = book.leg {
        v.params.leg_count = 1;
        v.params.legs[0] = OptionLeg::new(
            match kind {
                OptionKind::Call => LegKind::Call,
                OptionKind::Put => LegKind::Put,
            },
            (strike * 1e6).round() as u64,
            (expiry * YEAR).round() as i64,
            (qty * UNIT).round() as i64,
            0,
        );
    }
    v
}

fn books() -> impl Strategy<Value = BookSpec> {
    prop_oneof![
        Just(BookSpec::Neutral),
        (0.8f64..1.2, 0.1f64..1.0).prop_map(|(k, t)| BookSpec::ProtectivePut {
            strike_mult: k,
            tenor_years: t
        }),
        (0.9f64..1.3, 0.1f64..1.0).prop_map(|(k, t)| BookSpec::CoveredCall {
            strike_mult: k,
            tenor_years: t
        }),
    ]
}

fn policies() -> impl Strategy<Value = Policy> {
    prop_oneof![
        (0.005f64..0.2).prop_map(|w| Policy::FixedBand {
            half_width: (w * 10_000.0).round() / 10_000.0
        }),
        (1u32..50, 1u32..4_000, 1u32..500).prop_map(|(l, g, m)| Policy::WhalleyWilmott {
            lambda: f64::from(l) / 10_000.0,
            risk_aversion: f64::from(g) / 1_000.0,
            min_band: f64::from(m) / 10_000.0,
        }),
        (
            1u32..50,
            1u32..4_000,
            1u32..500,
            proptest::array::uniform20(2_500u16..=40_000)
        )
            .prop_map(|(l, g, m, table_bps)| Policy::LearnedWw {
                lambda: f64::from(l) / 10_000.0,
                risk_aversion: f64::from(g) / 1_000.0,
                min_band: f64::from(m) / 10_000.0,
                table_bps,
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn engine_decisions_equal_the_programs(
        spec in books(),
        policy in policies(),
        s0 in 5.0f64..500.0,
        move_ in -0.5f64..1.0,
        t_frac in 0.0f64..0.9,
        nav_ratio in 0.5f64..1.5,
        h in -2.0f64..1.0,
        sigma_bps in 2_000u32..15_000,
    ) {
        let sigma = f64::from(sigma_bps) / 10_000.0;
        let mut book = Book::resolve(spec, s0, sigma, 0.0, 0.0);
        // The leg as the chain stores it: strike in micro-units, expiry in whole seconds.
        book.leg = book
            .leg
            .map(|(k, strike, expiry, q)| (k, (strike * 1e6).round() / 1e6, (expiry * YEAR).round() / YEAR, q));
        let s = s0 * (1.0 + move_);
        // Time on whole seconds, as on chain.
        let horizon = 1.0;
        let now = (t_frac * YEAR).round() as i64;
        let t = now as f64 / YEAR;
        let nav_quote = s * nav_ratio;
        let d = decide(&book, &policy, s, t, horizon, nav_quote);

        let vault = vault_for(&book, &policy, sigma_bps);
        let h_units = (h * UNIT).round() as i64;
        let holdings = Holdings {
            collateral: UNIT as u64,
            perp_position: h_units,
            nav: (nav_ratio * UNIT).round() as u64,
            venue_equity: 0,
        };
        let market = MarketSnapshot {
            underlying: OraclePrice { price: Fix::from_num(s), conf: Fix::ZERO, publish_time: now },
            collateral_rate: Fix::ONE,
        };
        let r = compute_band_report(&vault, &holdings, &market, now).unwrap();
        let target = r.target_delta.to_num::<f64>() / UNIT;
        let band = r.band.to_num::<f64>() / UNIT;
        let tol = 1e-6 * (1.0 + d.target.abs() + d.band);
        prop_assert!((target - d.target).abs() < tol, "target {} vs engine {}", target, d.target);
        prop_assert!((band - d.band).abs() < tol, "band {} vs engine {}", band, d.band);
        // The same decision, away from the knife edge.
        let net = 1.0 + h_units as f64 / UNIT;
        let gap = (net - d.target).abs() - d.band;
        if gap.abs() > 1e-5 {
            prop_assert_eq!(r.breached, gap > 0.0);
        }
    }
}
