//! The f64 research path: the same per-path hedging loop as [`super::engine::run_path`]
//! (without stress scenarios or funding), in `f64` and SIMD across paths (`wide::f64x4`,
//! four paths per lane group, groups spread over the cores), for Monte Carlo sweeps.
//!
//! The exact path stays the reference: it prices with `hedge-math`'s fixed point, which is
//! what the program computes. This one prices with `f64` Black–Scholes and a rational
//! `erfc` (Numerical Recipes' `erfcc`, fractional error below 1.2 × 10⁻⁷), so its targets
//! and bands agree with the exact path's to about 10⁻⁷ of a unit; `tests/fast_path.rs`
//! checks the decisions on random inputs and whole paths against the exact path.
//!
//! Supported: neutral, protective-put and covered-call books; fixed-band and
//! Whalley–Wilmott policies.
use rayon::prelude::*;
use wide::{f64x4, CmpGt, CmpLe};

use super::engine::{Book, Decision};
use hedge_math::OptionKind;

/// A policy the fast path runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FastPolicy {
    /// Half-width as a fraction of NAV / S.
    FixedBand { half_width: f64 },
    /// Whalley–Wilmott: (3/2 · λ · S · Γ² / γ)^⅓, floored at `min_band` × NAV / S.
    WhalleyWilmott {
        lambda: f64,
        risk_aversion: f64,
        min_band: f64,
    },
}

impl FastPolicy {
    /// The fast path's version of an engine policy, if it has one.
    pub fn of(p: &super::engine::Policy) -> Option<Self> {
        match *p {
            super::engine::Policy::FixedBand { half_width } => Some(FastPolicy::FixedBand { half_width }),
            super::engine::Policy::WhalleyWilmott {
                lambda,
                risk_aversion,
                min_band,
            } => Some(FastPolicy::WhalleyWilmott {
                lambda,
                risk_aversion,
                min_band,
            }),
            _ => None,
        }
    }
}

/// What one path cost and how well it tracked (the [`super::PathResult`] fields a sweep
/// needs).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FastResult {
    /// Fees paid (quote).
    pub fees: f64,
    /// Impact paid (quote).
    pub impact: f64,
    /// Trades.
    pub rebalances: u64,
    /// Hedged value − target book value at the end (quote).
    pub final_error: f64,
    /// Standard deviation of the per-step error (quote).
    pub error_stdev: f64,
}

const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// erfc(x) for x ≥ 0 (Numerical Recipes `erfcc`, Chebyshev fit, fractional error
/// < 1.2 × 10⁻⁷).
fn erfc_pos(z: f64x4) -> f64x4 {
    let one = f64x4::splat(1.0);
    let t = one / (one + f64x4::splat(0.5) * z);
    let c = [
        -1.265_512_23,
        1.000_023_68,
        0.374_091_96,
        0.096_784_18,
        -0.186_288_06,
        0.278_868_07,
        -1.135_203_98,
        1.488_515_87,
        -0.822_152_23,
        0.170_872_77,
    ];
    // Horner from the highest coefficient.
    let mut p = f64x4::splat(c[9]);
    for k in (0..9).rev() {
        p = p.mul_add(t, f64x4::splat(c[k]));
    }
    t * (p - z * z).exp()
}

/// Φ(x), the standard normal CDF, for four lanes.
fn norm_cdf(x: f64x4) -> f64x4 {
    let z = x.abs() * f64x4::splat(std::f64::consts::FRAC_1_SQRT_2);
    let half_erfc = f64x4::splat(0.5) * erfc_pos(z);
    // Φ(x) = ½ erfc(−x/√2): x ≥ 0 → 1 − ½ erfc(x/√2).
    x.cmp_gt(f64x4::ZERO).blend(f64x4::ONE - half_erfc, half_erfc)
}

/// The book's (value, delta, gamma) per unit of collateral at prices `s` and time `t`
/// (years), four lanes; Black–Scholes–Merton in f64 for the leg, as `Book::eval`.
fn eval4(book: &Book, s: f64x4, t: f64) -> (f64x4, f64x4, f64x4) {
    let frac = f64x4::splat(book.frac);
    let Some((kind, k, expiry, qty)) = book.leg else {
        return (frac * s, frac, f64x4::ZERO);
    };
    let tau = expiry - t;
    if tau <= 0.0 {
        // At or past expiry: intrinsic value, delta of the exercise, no gamma (the
        // engine's exact path values it the same way).
        let kk = f64x4::splat(k);
        let (value, delta) = match kind {
            OptionKind::Call => {
                let itm = s.cmp_gt(kk);
                (itm.blend(s - kk, f64x4::ZERO), itm.blend(f64x4::ONE, f64x4::ZERO))
            }
            OptionKind::Put => {
                let itm = s.cmp_le(kk);
                (
                    itm.blend(kk - s, f64x4::ZERO),
                    itm.blend(-f64x4::ONE, f64x4::ZERO),
                )
            }
        };
        let q = f64x4::splat(qty);
        return (frac * s + q * value, frac + q * delta, f64x4::ZERO);
    }
    let sig = book.sigma;
    let sqrt_t = tau.sqrt();
    let vol = sig * sqrt_t;
    let dq = (-book.q * tau).exp();
    let dr = (-book.r * tau).exp();
    let drift = (book.r - book.q + 0.5 * sig * sig) * tau;
    let d1 = ((s / f64x4::splat(k)).ln() + f64x4::splat(drift)) / f64x4::splat(vol);
    let d2 = d1 - f64x4::splat(vol);
    let pdf = (f64x4::splat(-0.5) * d1 * d1).exp() * f64x4::splat(FRAC_1_SQRT_2PI);
    let gamma = pdf * f64x4::splat(dq) / (s * f64x4::splat(vol));
    let (value, delta) = match kind {
        OptionKind::Call => {
            let nd1 = norm_cdf(d1);
            let nd2 = norm_cdf(d2);
            (
                s * f64x4::splat(dq) * nd1 - f64x4::splat(k * dr) * nd2,
                f64x4::splat(dq) * nd1,
            )
        }
        OptionKind::Put => {
            let nmd1 = norm_cdf(-d1);
            let nmd2 = norm_cdf(-d2);
            (
                f64x4::splat(k * dr) * nmd2 - s * f64x4::splat(dq) * nmd1,
                -f64x4::splat(dq) * nmd1,
            )
        }
    };
    let q = f64x4::splat(qty);
    (frac * s + q * value, frac + q * delta, q * gamma)
}

/// (target, band) for four lanes: the engine's [`super::engine::decide`] in f64.
fn decide4(
    book: &Book,
    policy: &FastPolicy,
    s: f64x4,
    t: f64,
    nav: f64x4,
    greeks: (f64x4, f64x4),
) -> (f64x4, f64x4) {
    let nav_units = nav / s;
    let live = book.leg.is_some_and(|(_, _, expiry, _)| expiry > t);
    let (legs_delta, gamma) = if live {
        (greeks.0 - f64x4::splat(book.frac), greeks.1)
    } else {
        (f64x4::ZERO, f64x4::ZERO)
    };
    let target = f64x4::splat(book.frac) * nav_units + legs_delta;
    let band = match *policy {
        FastPolicy::FixedBand { half_width } => f64x4::splat(half_width) * nav_units,
        FastPolicy::WhalleyWilmott {
            lambda,
            risk_aversion,
            min_band,
        } => {
            // (3/2 λ S Γ² / γ)^⅓ as exp(ln(·)/3); 0 without gamma (ln 0 = −∞ → exp → 0).
            let x = f64x4::splat(1.5 * lambda / risk_aversion) * s * gamma * gamma;
            let ww = (x.ln() * f64x4::splat(1.0 / 3.0)).exp();
            let ww = x.cmp_gt(f64x4::ZERO).blend(ww, f64x4::ZERO);
            ww.max(f64x4::splat(min_band) * nav_units)
        }
    };
    (target, band)
}

/// The decision at one point, scalar (lane 0 of [`decide4`]), for comparison with the
/// exact path's [`super::engine::decide`].
pub fn decide(book: &Book, policy: &FastPolicy, s: f64, t: f64, nav_quote: f64) -> Decision {
    let (_, delta, gamma) = eval4(book, f64x4::splat(s), t);
    let (target, band) = decide4(
        book,
        policy,
        f64x4::splat(s),
        t,
        f64x4::splat(nav_quote),
        (delta, gamma),
    );
    Decision {
        target: target.to_array()[0],
        band: band.to_array()[0],
        gamma: gamma.to_array()[0],
    }
}

/// Four paths in lockstep. `paths[l]` are the prices of lane `l` (all the same length);
/// lanes past the real paths repeat the first and are discarded.
fn run4(
    paths: [&[f64]; 4],
    dt: f64,
    book: &Book,
    policy: &FastPolicy,
    fee_bps: f64,
    depth: f64,
) -> [FastResult; 4] {
    let n = paths[0].len();
    if n < 2 {
        return [FastResult::default(); 4];
    }
    let price = |i: usize| f64x4::new([paths[0][i], paths[1][i], paths[2][i], paths[3][i]]);
    let fee = f64x4::splat(fee_bps / 10_000.0);
    let inv_depth = f64x4::splat(1.0 / depth.max(f64::MIN_POSITIVE));
    let mut s = price(0);
    let (mut v, mut delta, mut gamma) = eval4(book, s, 0.0);
    let offset = s - v;
    let (target0, _) = decide4(book, policy, s, 0.0, s, (delta, gamma));
    let mut h = target0 - f64x4::ONE;
    let (mut pnl, mut fees, mut impact) = (f64x4::ZERO, f64x4::ZERO, f64x4::ZERO);
    let (mut sum_e, mut sum_e2, mut err) = (f64x4::ZERO, f64x4::ZERO, f64x4::ZERO);
    let mut trades = [0u64; 4];
    for i in 0..n - 1 {
        let t = dt * i as f64;
        let value = s + pnl - fees - impact;
        let (target, band) = decide4(book, policy, s, t, value, (delta, gamma));
        let net = f64x4::ONE + h;
        let gap = target - net;
        let due = gap.abs().cmp_gt(band);
        let trade = due.blend(gap, f64x4::ZERO);
        fees += trade.abs() * s * fee;
        impact += trade * trade * s * inv_depth;
        h += trade;
        for (c, d) in trades.iter_mut().zip(due.to_array()) {
            *c += u64::from(d != 0.0);
        }
        let s1 = price(i + 1);
        pnl += h * (s1 - s);
        (v, delta, gamma) = eval4(book, s1, t + dt);
        err = s1 + pnl - fees - impact - (v + offset);
        sum_e += err;
        sum_e2 += err * err;
        s = s1;
    }
    let m = (n - 1) as f64;
    let (fees, impact, err, sum_e, sum_e2) = (
        fees.to_array(),
        impact.to_array(),
        err.to_array(),
        sum_e.to_array(),
        sum_e2.to_array(),
    );
    std::array::from_fn(|l| FastResult {
        fees: fees[l],
        impact: impact[l],
        rebalances: trades[l],
        final_error: err[l],
        error_stdev: (sum_e2[l] / m - (sum_e[l] / m).powi(2)).max(0.0).sqrt(),
    })
}

/// Runs `policy` on every path (each a price series with steps of `dt` years, one unit of
/// collateral), four paths per SIMD group, groups in parallel over the cores.
pub fn run_paths(
    paths: &[Vec<f64>],
    dt: f64,
    book: &Book,
    policy: &FastPolicy,
    fee_bps: f64,
    depth: f64,
) -> Vec<FastResult> {
    paths
        .par_chunks(4)
        .flat_map_iter(|group| {
            let lane = |l: usize| group.get(l).unwrap_or(&group[0]).as_slice();
            let out = run4(
                [lane(0), lane(1), lane(2), lane(3)],
                dt,
                book,
                policy,
                fee_bps,
                depth,
            );
            out.into_iter().take(group.len())
        })
        .collect()
}

/// One path alone (lane 0 of a group), on the calling thread.
pub fn run_one(
    path: &[f64],
    dt: f64,
    book: &Book,
    policy: &FastPolicy,
    fee_bps: f64,
    depth: f64,
) -> FastResult {
    run4([path, path, path, path], dt, book, policy, fee_bps, depth)[0]
}
