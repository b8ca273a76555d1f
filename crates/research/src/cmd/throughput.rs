//! `hedge-research throughput`: Monte Carlo hedging steps per second, the exact
//! fixed-point path against the f64 SIMD research path, on paths generated beforehand (the
//! generation is not timed, as in the numpy comparison `scripts/bench-throughput.sh`).
use std::time::Instant;

use clap::Args;
use rayon::prelude::*;
use serde::Serialize;

use crate::backtest::engine::{run_path, Book, BookSpec, Costs, Policy, Scenario};
use crate::backtest::fast::{self, FastPolicy};
use crate::backtest::generators::Generator;

/// Arguments of `hedge-research throughput`.
#[derive(Debug, Args, Clone)]
pub struct ThroughputArgs {
    /// Monte Carlo paths.
    #[arg(long, default_value_t = 1_000)]
    pub paths: usize,
    /// Steps per path.
    #[arg(long, default_value_t = 2_000)]
    pub steps: usize,
    /// Annualised volatility of the GBM paths (and of the book's pricing).
    #[arg(long, default_value_t = 0.8)]
    pub sigma: f64,
    /// Hours per step.
    #[arg(long, default_value_t = 1.0)]
    pub dt_hours: f64,
    /// Taker fee (bps), also the Whalley–Wilmott cost λ.
    #[arg(long, default_value_t = 5.0)]
    pub fee_bps: f64,
    /// Whalley–Wilmott risk aversion γ.
    #[arg(long, default_value_t = 1.0)]
    pub risk_aversion: f64,
    /// Seed of the paths.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The measured rates (hedge steps per second).
#[derive(Debug, Clone, Serialize)]
pub struct Throughput {
    pub paths: usize,
    pub steps: usize,
    pub threads: usize,
    pub exact_all_cores: f64,
    pub f64_all_cores: f64,
    pub f64_one_core: f64,
    pub single_path_exact: f64,
    pub single_path_f64: f64,
}

fn rate(steps: usize, secs: f64) -> f64 {
    steps as f64 / secs.max(1e-12)
}

/// Runs the measurement.
pub fn measure(a: &ThroughputArgs) -> anyhow::Result<Throughput> {
    anyhow::ensure!(
        a.paths >= 1 && a.steps >= 2,
        "--paths must be ≥ 1 and --steps ≥ 2"
    );
    anyhow::ensure!(
        a.sigma.is_finite() && a.sigma > 0.0 && a.dt_hours.is_finite() && a.dt_hours > 0.0,
        "--sigma and --dt-hours must be positive"
    );
    anyhow::ensure!(
        a.fee_bps.is_finite() && a.fee_bps >= 0.0 && a.risk_aversion.is_finite() && a.risk_aversion > 0.0,
        "--fee-bps must be ≥ 0 and --risk-aversion > 0"
    );
    let dt = a.dt_hours / 24.0 / 365.0;
    let generator = Generator::Gbm {
        mu: 0.0,
        sigma: a.sigma,
    };
    eprintln!("throughput: generating {} paths of {} steps", a.paths, a.steps);
    let paths: Vec<Vec<f64>> = (0..a.paths)
        .into_par_iter()
        .map(|i| generator.path(100.0, dt, a.steps, a.seed.wrapping_add(i as u64)))
        .collect();
    // A one-year at-the-money put: longer than the paths, so no expiry inside.
    let book = Book::resolve(
        BookSpec::ProtectivePut {
            strike_mult: 1.0,
            tenor_years: 1.0,
        },
        100.0,
        a.sigma,
        0.0,
        0.0,
    );
    let lambda = a.fee_bps / 10_000.0;
    let policy = Policy::WhalleyWilmott {
        lambda,
        risk_aversion: a.risk_aversion,
        min_band: 0.0,
    };
    let fast_policy =
        FastPolicy::of(&policy).ok_or_else(|| anyhow::anyhow!("internal: WW has a fast path"))?;
    let costs = Costs {
        fee_bps: a.fee_bps,
        impact_depth: 1e9,
        funding: vec![],
    };
    let total = a.paths * a.steps;
    let threads = rayon::current_num_threads();

    eprintln!("throughput: exact fixed-point path, {threads} threads");
    let t = Instant::now();
    let exact: u64 = paths
        .par_iter()
        .map(|p| run_path(p, dt, &book, &policy, &costs, &Scenario::default(), false).rebalances as u64)
        .sum();
    let exact_all_cores = rate(total, t.elapsed().as_secs_f64());

    eprintln!("throughput: f64 SIMD path, {threads} threads");
    let t = Instant::now();
    let f: u64 = fast::run_paths(&paths, dt, &book, &fast_policy, a.fee_bps, costs.impact_depth)
        .iter()
        .map(|r| r.rebalances)
        .sum();
    let f64_all_cores = rate(total, t.elapsed().as_secs_f64());

    eprintln!("throughput: f64 SIMD path, one thread");
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let t = Instant::now();
    let f1: u64 = pool.install(|| {
        fast::run_paths(&paths, dt, &book, &fast_policy, a.fee_bps, costs.impact_depth)
            .iter()
            .map(|r| r.rebalances)
            .sum()
    });
    let f64_one_core = rate(total, t.elapsed().as_secs_f64());
    anyhow::ensure!(f == f1, "internal: the one-thread run traded differently");

    // One path alone, repeated over a few paths so the clock has something to measure.
    let single: Vec<&Vec<f64>> = paths.iter().take(20).collect();
    let t = Instant::now();
    for p in &single {
        std::hint::black_box(run_path(
            p,
            dt,
            &book,
            &policy,
            &costs,
            &Scenario::default(),
            false,
        ));
    }
    let single_path_exact = rate(single.len() * a.steps, t.elapsed().as_secs_f64());
    let t = Instant::now();
    for p in &single {
        std::hint::black_box(fast::run_one(
            p,
            dt,
            &book,
            &fast_policy,
            a.fee_bps,
            costs.impact_depth,
        ));
    }
    let single_path_f64 = rate(single.len() * a.steps, t.elapsed().as_secs_f64());
    eprintln!(
        "throughput: trades, exact {exact} and f64 {f} ({:+.3} %)",
        (f as f64 / exact.max(1) as f64 - 1.0) * 100.0
    );
    Ok(Throughput {
        paths: a.paths,
        steps: a.steps,
        threads,
        exact_all_cores,
        f64_all_cores,
        f64_one_core,
        single_path_exact,
        single_path_f64,
    })
}

pub fn run(a: ThroughputArgs) -> anyhow::Result<()> {
    let r = measure(&a)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(());
    }
    let m = |x: f64| x / 1e6;
    println!(
        "hedging steps per second: {} paths x {} steps, protective put (1 y ATM), Whalley-Wilmott, GBM paths generated beforehand",
        r.paths, r.steps
    );
    println!(
        "  exact fixed-point path, {} threads   {:>9.2} M steps/s",
        r.threads,
        m(r.exact_all_cores)
    );
    println!(
        "  f64 SIMD path, {} threads            {:>9.2} M steps/s",
        r.threads,
        m(r.f64_all_cores)
    );
    println!(
        "  f64 SIMD path, 1 thread             {:>9.2} M steps/s",
        m(r.f64_one_core)
    );
    println!(
        "  single path, exact                  {:>9.2} M steps/s",
        m(r.single_path_exact)
    );
    println!(
        "  single path, f64                    {:>9.2} M steps/s",
        m(r.single_path_f64)
    );
    Ok(())
}
