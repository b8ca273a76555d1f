//! Stress scenarios on a base path: a −30 % gap, an oracle outage, a funding spike and a
//! liquidity crunch. Each reports the worst shortfall against the target per policy.
use serde::Serialize;

use super::engine::{run_path, Book, Costs, Policy, Scenario};

/// One scenario's outcome for one policy.
#[derive(Debug, Clone, Serialize)]
pub struct StressResult {
    pub scenario: String,
    pub policy: String,
    /// Largest shortfall of the replicated value below the target along the path
    /// (quote per unit of collateral).
    pub worst_loss_vs_target: f64,
    pub total_cost: f64,
}

/// Runs the four scenarios (at the middle of the path) for every policy.
pub fn run(
    prices: &[f64],
    dt: f64,
    book: &Book,
    policies: &[Policy],
    costs: &Costs,
    outage_steps: usize,
) -> Vec<StressResult> {
    let mid = prices.len() / 2;
    let mut gapped = prices.to_vec();
    for p in gapped.iter_mut().skip(mid) {
        *p *= 0.7;
    }
    let window = (prices.len() / 10).max(1);
    let cases: Vec<(String, Vec<f64>, Scenario)> = vec![
        ("baseline".into(), prices.to_vec(), Scenario::default()),
        ("gap -30% in one step".into(), gapped, Scenario::default()),
        (
            format!("oracle outage {outage_steps} steps + gap"),
            {
                let mut g = prices.to_vec();
                for p in g.iter_mut().skip(mid + outage_steps / 2) {
                    *p *= 0.7;
                }
                g
            },
            Scenario {
                outage: Some((mid, outage_steps)),
                ..Default::default()
            },
        ),
        (
            "funding flips against the hedge, x20".into(),
            prices.to_vec(),
            Scenario {
                funding_spike: Some((mid, window, -20.0)),
                ..Default::default()
            },
        ),
        (
            "liquidity crunch impact x10".into(),
            prices.to_vec(),
            Scenario {
                liquidity_crunch: Some((mid, window, 10.0)),
                ..Default::default()
            },
        ),
    ];
    let mut out = Vec::new();
    for (name, path, sc) in &cases {
        for pol in policies {
            let r = run_path(path, dt, book, pol, costs, sc, false);
            out.push(StressResult {
                scenario: name.clone(),
                policy: pol.label(),
                worst_loss_vs_target: r.worst_shortfall,
                total_cost: r.total_cost(),
            });
        }
    }
    out
}
