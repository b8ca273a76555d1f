//! Monte Carlo over many generated paths, in parallel (rayon).
use rayon::prelude::*;
use serde::Serialize;

use super::engine::{run_path, Book, BookSpec, Costs, PathResult, Policy, Scenario};
use super::generators::Generator;

/// Mean with a 95 % confidence half-width.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Estimate {
    pub mean: f64,
    pub ci95: f64,
}

impl Estimate {
    pub fn of(xs: &[f64]) -> Self {
        let n = xs.len().max(1) as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
        Estimate {
            mean,
            ci95: 1.96 * (var / n).sqrt(),
        }
    }
}

/// Aggregates of one policy over the paths.
#[derive(Debug, Clone, Serialize)]
pub struct McSummary {
    pub policy: String,
    pub paths: usize,
    /// Standard deviation of the final hedge error across paths.
    pub hedge_error_stdev: f64,
    /// Worst |final hedge error| across paths.
    pub hedge_error_worst: f64,
    pub tracking_stdev: Estimate,
    pub total_cost: Estimate,
    pub fees: Estimate,
    pub impact: Estimate,
    pub funding: Estimate,
    pub rebalances: Estimate,
    pub turnover: Estimate,
}

pub fn summarize(policy: &Policy, rs: &[PathResult]) -> McSummary {
    let col = |f: &dyn Fn(&PathResult) -> f64| -> Vec<f64> { rs.iter().map(f).collect() };
    let finals = col(&|r| r.final_error);
    let e = Estimate::of(&finals);
    let sd =
        (finals.iter().map(|x| (x - e.mean).powi(2)).sum::<f64>() / (finals.len().max(2) - 1) as f64).sqrt();
    McSummary {
        policy: policy.label(),
        paths: rs.len(),
        hedge_error_stdev: sd,
        hedge_error_worst: finals.iter().fold(0.0f64, |m, x| m.max(x.abs())),
        tracking_stdev: Estimate::of(&col(&|r| r.error_stdev)),
        total_cost: Estimate::of(&col(&|r| r.total_cost())),
        fees: Estimate::of(&col(&|r| r.fees)),
        impact: Estimate::of(&col(&|r| r.impact)),
        funding: Estimate::of(&col(&|r| r.funding)),
        rebalances: Estimate::of(&col(&|r| r.rebalances as f64)),
        turnover: Estimate::of(&col(&|r| r.turnover)),
    }
}

/// Runs every policy on the same `paths` generated paths (path i uses seed `seed + i`).
#[allow(clippy::too_many_arguments)]
pub fn run(
    generator: &Generator,
    s0: f64,
    dt: f64,
    steps: usize,
    paths: usize,
    seed: u64,
    book: BookSpec,
    sigma: f64,
    policies: &[Policy],
    costs: &Costs,
) -> Vec<McSummary> {
    let generated: Vec<Vec<f64>> = (0..paths)
        .into_par_iter()
        .map(|i| generator.path(s0, dt, steps, seed.wrapping_add(i as u64)))
        .collect();
    run_on(&generated, dt, book, sigma, policies, costs)
        .iter()
        .zip(policies)
        .map(|(rs, pol)| summarize(pol, rs))
        .collect()
}

/// Every policy on every path (common random numbers: all policies see the same paths),
/// in parallel over paths. Each path's book is struck at its own first price. Returns one
/// `Vec<PathResult>` per policy, in path order.
pub fn run_on(
    paths: &[Vec<f64>],
    dt: f64,
    book: BookSpec,
    sigma: f64,
    policies: &[Policy],
    costs: &Costs,
) -> Vec<Vec<PathResult>> {
    let per_path: Vec<Vec<PathResult>> = paths
        .par_iter()
        .map(|p| {
            let b = Book::resolve(book, p[0], sigma, 0.0, 0.0);
            policies
                .iter()
                .map(|pol| run_path(p, dt, &b, pol, costs, &Scenario::default(), false))
                .collect()
        })
        .collect();
    (0..policies.len())
        .map(|j| per_path.iter().map(|v| v[j].clone()).collect())
        .collect()
}
