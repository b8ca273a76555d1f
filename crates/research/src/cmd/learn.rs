//! `hedge-research learn-bands`: train the learned band correction, validate it out of
//! sample against the classic policies, and export it as a governance proposal.
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use serde::Serialize;

use crate::backtest::{run_path, Costs, Policy, Scenario};
use crate::cmd::backtest::rescale;
use crate::data::read_prices;
use crate::learn::{self, LearnConfig, Trained};

/// Flags of `hedge-research learn-bands`.
#[derive(Debug, Args)]
pub struct LearnArgs {
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Training paths (mixed GBM σ 0.6 / 0.9, Merton, Heston).
    #[arg(long, default_value_t = 384)]
    pub train: usize,
    #[arg(long, default_value_t = 120)]
    pub iters: usize,
    /// Validation paths per unseen generator.
    #[arg(long, default_value_t = 300)]
    pub test_paths: usize,
    /// Folder of the real series for walk-forward windows (`btc-usd-daily.csv`,
    /// `sol-usd-daily.csv`; shipped in the repository's `data/`).
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,
    #[arg(long, value_name = "PATH")]
    pub report_json: Option<PathBuf>,
    /// Governance proposal (TOML `[risk]` fragment, readable by `init-vault`).
    #[arg(long, value_name = "PATH", default_value = "band-proposal.toml")]
    pub proposal: PathBuf,
    /// Append the out-of-sample table to this markdown file.
    #[arg(long, value_name = "PATH")]
    pub results_md: Option<PathBuf>,
    /// Chart of the exported correction per τ row across moneyness (.png or .svg).
    #[arg(long, value_name = "PATH.png|svg")]
    pub plot: Option<PathBuf>,
}

fn plot_table(path: &std::path::Path, table: &[u16; hedge_math::CORRECTION_CELLS]) -> anyhow::Result<()> {
    use plotters::prelude::*;
    crate::backtest::plot::ensure_font()?;
    fn draw<DB: DrawingBackend>(
        root: DrawingArea<DB, plotters::coord::Shift>,
        table: &[u16; 20],
    ) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let e = |x: String| anyhow::anyhow!("plot: {x}");
        root.fill(&WHITE).map_err(|x| e(x.to_string()))?;
        let mut c = ChartBuilder::on(&root)
            .caption(
                "learned correction of the WW band (x1 = Whalley-Wilmott)",
                ("sans-serif", 20),
            )
            .margin(15)
            .x_label_area_size(35)
            .y_label_area_size(50)
            .build_cartesian_2d(-0.35f64..0.35, 0.0f64..4.2)
            .map_err(|x| e(x.to_string()))?;
        c.configure_mesh()
            .x_desc("ln(S/K), cell centre")
            .y_desc("correction")
            .draw()
            .map_err(|x| e(x.to_string()))?;
        let xs = [-0.3, -0.125, 0.0, 0.125, 0.3];
        let rows = ["tau < 7 d", "7-30 d", "30-90 d", ">= 90 d"];
        let colors = [BLUE, RED, GREEN, MAGENTA];
        for (r, label) in rows.iter().enumerate() {
            let color = colors[r];
            c.draw_series(LineSeries::new(
                (0..5).map(|k| (xs[k], f64::from(table[r * 5 + k]) / 10_000.0)),
                color.stroke_width(2),
            ))
            .map_err(|x| e(x.to_string()))?
            .label(*label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 15, y)], color));
        }
        c.configure_series_labels()
            .border_style(BLACK)
            .draw()
            .map_err(|x| e(x.to_string()))?;
        root.present().map_err(|x| e(x.to_string()))?;
        Ok(())
    }
    match path.extension().and_then(|x| x.to_str()) {
        Some("png") => draw(BitMapBackend::new(path, (900, 600)).into_drawing_area(), table),
        Some("svg") => draw(SVGBackend::new(path, (900, 600)).into_drawing_area(), table),
        _ => anyhow::bail!("--plot: use a .png or .svg file name ({} given)", path.display()),
    }
}

/// One policy on one set of paths. Lower objective is better.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    pub set: String,
    pub policy: String,
    /// −mean(final error) + risk_weight · var(final error).
    pub objective: f64,
    pub mean_cost: f64,
    pub error_sd: f64,
    pub rebalances: f64,
}

#[derive(Debug, Serialize)]
struct Report {
    config: LearnConfig,
    trained: Trained,
    scores: Vec<Score>,
    train_improvement_vs_ww: f64,
    test_improvement_vs_ww: f64,
    overfitting_alarm: bool,
}

/// Scores `policies` on `paths` (each a protective put starting on the path).
pub fn score(cfg: &LearnConfig, set: &str, policies: &[Policy], paths: &[Vec<f64>]) -> Vec<Score> {
    let dt = 1.0 / 365.0;
    let costs = Costs {
        fee_bps: 10.0,
        impact_depth: 1e9,
        funding: vec![0.0],
    };
    policies
        .iter()
        .map(|pol| {
            let rs: Vec<_> = paths
                .iter()
                .map(|p| {
                    let book = learn::window_book(cfg, p[0], p.len() - 1);
                    run_path(p, dt, &book, pol, &costs, &Scenario::default(), false)
                })
                .collect();
            let n = rs.len().max(1) as f64;
            let mean = rs.iter().map(|r| r.final_error).sum::<f64>() / n;
            let var = rs.iter().map(|r| (r.final_error - mean).powi(2)).sum::<f64>() / n;
            Score {
                set: set.to_string(),
                policy: pol.label(),
                objective: -mean + cfg.risk_weight * var,
                mean_cost: rs.iter().map(|r| r.total_cost()).sum::<f64>() / n,
                error_sd: var.sqrt(),
                rebalances: rs.iter().map(|r| r.rebalances as f64).sum::<f64>() / n,
            }
        })
        .collect()
}

fn windows(prices: &[f64], len: usize, stride: usize) -> Vec<Vec<f64>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + len < prices.len() {
        out.push(rescale(prices[i..=i + len].to_vec()));
        i += stride;
    }
    out
}

fn improvement(scores: &[Score], set_filter: impl Fn(&str) -> bool) -> f64 {
    let get = |name: &str| -> Vec<f64> {
        scores
            .iter()
            .filter(|s| set_filter(&s.set) && s.policy.starts_with(name))
            .map(|s| s.objective)
            .collect()
    };
    let (ww, learned) = (get("WW"), get("learned"));
    if ww.is_empty() {
        return 0.0;
    }
    ww.iter().zip(&learned).map(|(a, b)| a - b).sum::<f64>() / ww.len() as f64
}

pub async fn run(a: LearnArgs) -> anyhow::Result<()> {
    let cfg = LearnConfig {
        seed: a.seed,
        paths: a.train,
        iters: a.iters,
        ..LearnConfig::default()
    };
    eprintln!(
        "learn-bands: training on {} paths, {} iterations (seed {}) ...",
        cfg.paths, cfg.iters, cfg.seed
    );
    let started = std::time::Instant::now();
    let (_model, trained) = learn::train(&cfg, true).map_err(|e| anyhow::anyhow!("training: {e}"))?;
    eprintln!(
        "trained in {:.1} s: objective {:.5} → {:.5}; distilled table max rel. error {:.2} %",
        started.elapsed().as_secs_f64(),
        trained.objective_start,
        trained.objective_end,
        trained.distill_max_rel_error * 100.0
    );
    let policies = vec![
        Policy::TimeBased { every: 1 },
        Policy::FixedBand { half_width: 0.05 },
        Policy::WhalleyWilmott {
            lambda: 0.001,
            risk_aversion: cfg.risk_aversion,
            min_band: cfg.min_band,
        },
        Policy::Zakamouline {
            lambda: 0.001,
            risk_aversion: cfg.risk_aversion,
            min_band: cfg.min_band,
        },
        learn::learned_policy(&cfg, trained.table_bps),
    ];
    let dt = 1.0 / 365.0;
    let mut scores = Vec::new();
    // In sample: the training generators, fresh seeds.
    for (k, (name, g)) in learn::train_generators(dt).into_iter().enumerate() {
        let paths: Vec<_> = (0..a.test_paths)
            .map(|i| g.path(100.0, dt, cfg.steps, 1_000_000 + (k * 10_000 + i) as u64))
            .collect();
        scores.extend(score(&cfg, &format!("train: {name}"), &policies, &paths));
    }
    // Out of sample: generators never seen in training.
    for (k, (name, g)) in learn::test_generators(dt).into_iter().enumerate() {
        let paths: Vec<_> = (0..a.test_paths)
            .map(|i| g.path(100.0, dt, cfg.steps, 2_000_000 + (k * 10_000 + i) as u64))
            .collect();
        scores.extend(score(&cfg, &format!("test: {name}"), &policies, &paths));
    }
    // Walk-forward on real series: consecutive 60-day windows, a fresh ATM put in each.
    for (name, file) in [("BTC-USD", "btc-usd-daily.csv"), ("SOL-USD", "sol-usd-daily.csv")] {
        let path = a.data_dir.join(file);
        // The series ship in the repository (data/): a missing one is an error, not a
        // silently smaller validation set.
        let p = read_prices(&path, "Close").with_context(|| {
            format!(
                "{name} walk-forward needs {} (run from the repository root, or pass --data-dir)",
                path.display()
            )
        })?;
        scores.extend(score(
            &cfg,
            &format!("test: {name} walk-forward"),
            &policies,
            &windows(&p, cfg.steps, 30),
        ));
    }
    let train_imp = improvement(&scores, |s| s.starts_with("train"));
    let test_imp = improvement(&scores, |s| s.starts_with("test"));
    let alarm = train_imp > 0.0 && test_imp < 0.5 * train_imp;

    let mut table = String::new();
    let _ = writeln!(
        table,
        "| set | policy | objective (lower is better) | mean cost | error sd | rebalances |"
    );
    let _ = writeln!(table, "|---|---|---|---|---|---|");
    for s in &scores {
        let _ = writeln!(
            table,
            "| {} | {} | {:.4} | {:.4} | {:.4} | {:.1} |",
            s.set, s.policy, s.objective, s.mean_cost, s.error_sd, s.rebalances
        );
    }
    println!("\n{table}");
    println!(
        "learned vs Whalley–Wilmott, objective improvement: train {train_imp:+.4}, out of sample {test_imp:+.4}{}",
        if alarm { "  ⚠ overfitting alarm: the out-of-sample gain is under half the in-sample gain" } else { "" }
    );
    let mut losses = Vec::new();
    for set in scores
        .iter()
        .map(|s| s.set.clone())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let rows: Vec<&Score> = scores.iter().filter(|s| s.set == set).collect();
        if let (Some(best), Some(learned)) = (
            rows.iter().min_by(|x, y| x.objective.total_cmp(&y.objective)),
            rows.iter().find(|s| s.policy.starts_with("learned")),
        ) {
            if best.policy != learned.policy {
                losses.push(format!(
                    "{set}: {} beats it ({:.4} vs {:.4})",
                    best.policy, best.objective, learned.objective
                ));
            }
        }
    }
    println!(
        "where the learned band loses: {}",
        if losses.is_empty() {
            "nowhere on these sets".to_string()
        } else {
            losses.join("; ")
        }
    );

    let cells = trained
        .table_bps
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let proposal = format!(
        "# Learned band correction (hedge-research learn-bands --seed {seed}).\n# Distilled from the network with a max relative error of {err:.2} % on the distillation grid.\n# Rows: tau < 7 d, < 30 d, < 90 d, >= 90 d; columns: ln(S/K) < -0.2, < -0.05, < 0.05, < 0.2, >= 0.2.\n# Merge into the [risk] section of a vault definition and queue it as a Core change.\n[risk]\ncost_aware_band = true\nww_cost_bps = 10\nww_risk_aversion_e6 = {ra}\nmin_band_bps = {minb}\nband_correction_enabled = true\nband_correction_bps = [{cells}]\n",
        seed = cfg.seed,
        err = trained.distill_max_rel_error * 100.0,
        ra = (cfg.risk_aversion * 1e6).round() as u64,
        minb = (cfg.min_band * 10_000.0).round() as u64,
    );
    std::fs::write(&a.proposal, &proposal)
        .with_context(|| format!("cannot write {}", a.proposal.display()))?;
    eprintln!("proposal written to {}", a.proposal.display());
    if let Some(p) = &a.plot {
        plot_table(p, &trained.table_bps)?;
        eprintln!("plot written to {}", p.display());
    }
    if let Some(p) = &a.report_json {
        let r = Report {
            config: cfg.clone(),
            trained: trained.clone(),
            scores: scores.clone(),
            train_improvement_vs_ww: train_imp,
            test_improvement_vs_ww: test_imp,
            overfitting_alarm: alarm,
        };
        std::fs::write(p, serde_json::to_string_pretty(&r)? + "\n")
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    if let Some(p) = &a.results_md {
        let mut md = std::fs::read_to_string(p).unwrap_or_default();
        let _ = writeln!(
            md,
            "\n## Learned band correction, out of sample\n\nReproduce: `hedge-research learn-bands --seed {} --results-md docs/results.md` (trained in {:.0} s on 2 cores). Protective-put books over {} days, 10 bps costs; objective = −mean + {} · variance of the final hedging error. Train-set rows use the training generators with fresh seeds; test rows use generators never seen in training and walk-forward windows of the real series.\n\n{table}\nLearned vs Whalley–Wilmott, objective improvement: train {train_imp:+.4}, out of sample {test_imp:+.4}{}.\n\nWhere the learned band loses: {}.\n",
            cfg.seed,
            started.elapsed().as_secs_f64(),
            cfg.steps,
            cfg.risk_weight,
            if alarm { " — overfitting alarm" } else { " (no overfitting alarm)" },
            if losses.is_empty() { "nowhere on these sets".to_string() } else { losses.join("; ") }
        );
        std::fs::write(p, md).with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(())
}
