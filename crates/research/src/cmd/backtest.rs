//! `hedge-research backtest` and `hedge-research backtest-results`.
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::backtest::engine::Series;
use crate::backtest::generators::Generator;
use crate::backtest::{mc, plot, stress, volscore, Book, BookSpec, Costs, PathResult, Policy, Scenario};
use crate::data::read_prices;

/// Books for the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BookArg {
    Neutral,
    ProtectivePut,
    CoveredCall,
}

impl BookArg {
    pub fn spec(self, tenor_years: f64) -> BookSpec {
        match self {
            BookArg::Neutral => BookSpec::Neutral,
            BookArg::ProtectivePut => BookSpec::ProtectivePut {
                strike_mult: 1.0,
                tenor_years,
            },
            BookArg::CoveredCall => BookSpec::CoveredCall {
                strike_mult: 1.1,
                tenor_years,
            },
        }
    }
}

pub const DEFAULT_POLICIES: &str = "time:1,time:7,band:0.05,ww:0.001:1:0.01,zak:0.001:1:0.01";

/// Flags of `hedge-research backtest`.
#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Date + price CSV (e.g. data/sol-usd-daily.csv). Default: generated paths.
    #[arg(long, value_name = "FILE.csv")]
    pub prices: Option<PathBuf>,
    #[arg(long, default_value = "Close")]
    pub column: String,
    /// gbm, merton, heston or garch (without --prices).
    #[arg(long, default_value = "gbm")]
    pub generator: String,
    /// Steps per generated path.
    #[arg(long, default_value_t = 365)]
    pub steps: usize,
    /// Monte Carlo paths (generated paths only).
    #[arg(long, default_value_t = 1)]
    pub paths: usize,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Days per step.
    #[arg(long, default_value_t = 1.0)]
    pub dt_days: f64,
    /// Generator volatility and the book's implied vol.
    #[arg(long, default_value_t = 0.8)]
    pub sigma: f64,
    #[arg(long, value_enum, default_value = "neutral")]
    pub book: BookArg,
    /// Comma-separated: time:N, band:W, ww:λ:γ[:floor], zak:λ:γ[:floor].
    #[arg(long, default_value = DEFAULT_POLICIES)]
    pub policies: String,
    #[arg(long, default_value_t = 5.0)]
    pub fee_bps: f64,
    /// Linear impact depth (collateral units for a 100 % move).
    #[arg(long, default_value_t = 1_000.0)]
    pub impact_depth: f64,
    /// Constant funding rate per year (longs pay when positive).
    #[arg(long, default_value_t = 0.10, allow_negative_numbers = true)]
    pub funding: f64,
    /// Per-step funding series (CSV with a `rate` column, per year), overrides --funding.
    #[arg(long, value_name = "FILE.csv")]
    pub funding_csv: Option<PathBuf>,
    /// Also run the stress scenarios.
    #[arg(long)]
    pub stress: bool,
    /// Oracle outage length for the stress run (steps).
    #[arg(long, default_value_t = 5)]
    pub outage_steps: usize,
    /// Also score EWMA vs GARCH vol forecasts on the path.
    #[arg(long)]
    pub vol_scores: bool,
    #[arg(long, value_name = "PATH")]
    pub report_json: Option<PathBuf>,
    /// Chart of the single path (.png or .svg).
    #[arg(long, value_name = "PATH.png|svg")]
    pub plot: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
struct PolicyRow {
    policy: String,
    #[serde(flatten)]
    result: PathResult,
}

#[derive(Debug, Serialize)]
struct Output {
    source: String,
    book: BookSpec,
    steps: usize,
    single_path: Vec<PolicyRow>,
    monte_carlo: Vec<mc::McSummary>,
    stress: Vec<stress::StressResult>,
    vol_scores: Vec<volscore::VolScore>,
}

/// Rescales a path to start at 100, so money reads as % of the starting notional.
pub fn rescale(p: Vec<f64>) -> Vec<f64> {
    let k = 100.0 / p[0];
    p.into_iter().map(|x| x * k).collect()
}

pub fn parse_policies(s: &str) -> anyhow::Result<Vec<Policy>> {
    s.split(',')
        .map(|p| Policy::parse(p.trim()).map_err(anyhow::Error::msg))
        .collect()
}

fn read_funding(path: &PathBuf) -> anyhow::Result<Vec<f64>> {
    crate::data::read_column(path, "rate")
}

pub fn single_path_table(rows: &[(String, PathResult)]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| policy | final error | max \\|error\\| | tracking sd | fees | impact | funding | turnover | rebalances | final P&L | hedge eff. | TE / vol | max DD |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (p, r) in rows {
        let _ = writeln!(
            s,
            "| {p} | {:+.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:+.3} | {:.1} | {} | {:+.3} | {:.4} | {:.3} | {:.1} % |",
            r.final_error,
            r.max_abs_error,
            r.error_stdev,
            r.fees,
            r.impact,
            r.funding,
            r.turnover,
            r.rebalances,
            r.final_pnl,
            r.hedge_effectiveness,
            r.tracking_error_ratio,
            r.max_drawdown * 100.0
        );
    }
    s
}

pub fn mc_table(rows: &[mc::McSummary]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "| policy | hedge error sd | worst \\|error\\| | total cost (mean ± 95 %) | fees | impact | funding | rebalances |");
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|");
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {:.3} | {:.3} | {:.3} ± {:.3} | {:.3} | {:.3} | {:+.3} | {:.1} |",
            r.policy,
            r.hedge_error_stdev,
            r.hedge_error_worst,
            r.total_cost.mean,
            r.total_cost.ci95,
            r.fees.mean,
            r.impact.mean,
            r.funding.mean,
            r.rebalances.mean
        );
    }
    s
}

pub async fn run(a: BacktestArgs) -> anyhow::Result<()> {
    let policies = parse_policies(&a.policies)?;
    if a.paths == 0 {
        bail!("--paths must be >= 1");
    }
    let positive = |x: f64| x.is_finite() && x > 0.0;
    if !positive(a.dt_days) || !positive(a.sigma) {
        bail!("--dt-days and --sigma must be > 0");
    }
    let dt = a.dt_days / 365.0;
    let (source, path) = match &a.prices {
        Some(p) => (
            format!("{} (rescaled to start at 100)", p.display()),
            rescale(read_prices(p, &a.column)?),
        ),
        None => {
            let g = Generator::named(&a.generator, a.sigma, dt).with_context(|| {
                format!("unknown generator '{}' (gbm, merton, heston, garch)", a.generator)
            })?;
            (
                format!("{} (seed {})", a.generator, a.seed),
                g.path(100.0, dt, a.steps, a.seed),
            )
        }
    };
    let steps = path.len() - 1;
    let spec = a.book.spec(dt * steps as f64);
    let funding = match &a.funding_csv {
        Some(f) => read_funding(f)?,
        None => vec![a.funding],
    };
    let costs = Costs {
        fee_bps: a.fee_bps,
        impact_depth: a.impact_depth,
        funding,
    };
    let book = Book::resolve(spec, path[0], a.sigma, 0.0, 0.0);
    eprintln!(
        "backtest: {source}, {steps} steps, book {spec:?}, {} policies",
        policies.len()
    );
    let rows: Vec<(String, PathResult)> = policies
        .iter()
        .map(|p| {
            (
                p.label(),
                crate::backtest::run_path(
                    &path,
                    dt,
                    &book,
                    p,
                    &costs,
                    &Scenario::default(),
                    a.plot.is_some(),
                ),
            )
        })
        .collect();
    println!("\nsingle path ({source}), quote units per unit of collateral:\n");
    print!("{}", single_path_table(&rows));

    let mut out = Output {
        source: source.clone(),
        book: spec,
        steps,
        single_path: Vec::new(),
        monte_carlo: Vec::new(),
        stress: Vec::new(),
        vol_scores: Vec::new(),
    };
    if a.paths > 1 && a.prices.is_none() {
        let g = Generator::named(&a.generator, a.sigma, dt).expect("checked above");
        eprintln!("monte carlo: {} paths in parallel ...", a.paths);
        out.monte_carlo = mc::run(
            &g, 100.0, dt, a.steps, a.paths, a.seed, spec, a.sigma, &policies, &costs,
        );
        println!("\nmonte carlo over {} paths:\n", a.paths);
        print!("{}", mc_table(&out.monte_carlo));
    }
    if a.stress {
        out.stress = stress::run(&path, dt, &book, &policies, &costs, a.outage_steps);
        println!("\nstress (worst |replicated − target| along the path):\n");
        println!("| scenario | policy | worst loss vs target | total cost |\n|---|---|---|---|");
        for s in &out.stress {
            println!(
                "| {} | {} | {:.3} | {:.3} |",
                s.scenario, s.policy, s.worst_loss_vs_target, s.total_cost
            );
        }
    }
    if a.vol_scores {
        out.vol_scores = volscore::evaluate(&path, 365.0 / a.dt_days, 250.min(steps / 2), 5, 5);
        println!("\nvol forecasts (out of sample, 5-step horizon):\n");
        for v in &out.vol_scores {
            println!(
                "  {:<16} QLIKE {:.4}  MSE {:.6}  ({} forecasts)",
                v.model, v.qlike, v.mse, v.forecasts
            );
        }
    }
    if let Some(p) = &a.plot {
        let series: Vec<(String, &Series)> = rows
            .iter()
            .filter_map(|(l, r)| r.series.as_ref().map(|s| (l.clone(), s)))
            .collect();
        plot::draw(p, &series)?;
        eprintln!("plot written to {}", p.display());
    }
    out.single_path = rows
        .into_iter()
        .map(|(policy, result)| PolicyRow { policy, result })
        .collect();
    if let Some(p) = &a.report_json {
        std::fs::write(p, serde_json::to_string_pretty(&out)? + "\n")
            .with_context(|| format!("cannot write {}", p.display()))?;
        eprintln!("report written to {}", p.display());
    }
    Ok(())
}

/// Flags of `hedge-research backtest-results`.
#[derive(Debug, Args)]
pub struct ResultsArgs {
    /// Folder with btc-usd-daily.csv and sol-usd-daily.csv.
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,
    /// Markdown file to write.
    #[arg(long, default_value = "docs/results.md")]
    pub out: PathBuf,
    #[arg(long, default_value_t = 1_000)]
    pub paths: usize,
}

/// The cost–risk frontier on generated paths (hourly monitoring) and on walk-forward
/// windows of the real SOL-USD series, with charts next to the markdown file.
fn frontier_sections(md: &mut String, a: &ResultsArgs) -> anyhow::Result<()> {
    use crate::cmd::frontier::{measure, points_table, verdict_table, windows};
    use crate::frontier::Family;
    let costs = Costs {
        fee_bps: 5.0,
        impact_depth: 1_000_000.0,
        funding: vec![0.0],
    };
    let lambda = 5.0 / 10_000.0;
    let dir = a.out.parent().unwrap_or(std::path::Path::new("."));
    let frontier_paths = a.paths.min(400);
    let hourly = 1.0 / (24.0 * 365.0);
    let g = Generator::named("gbm", 0.8, hourly).expect("gbm");
    let generated: Vec<Vec<f64>> = (0..frontier_paths)
        .map(|i| g.path(100.0, hourly, 720, 7u64.wrapping_add(i as u64)))
        .collect();
    let daily = 1.0 / 365.0;
    let sol = read_prices(&a.data_dir.join("sol-usd-daily.csv"), "Close")?;
    let cases = [
        (
            format!("{frontier_paths} GBM paths (σ 80 %, 30 days, hourly monitoring)"),
            generated,
            hourly,
            "frontier-gbm.png",
            format!("hedge-research frontier --paths {frontier_paths} --steps 720 --dt-hours 1"),
        ),
        (
            "SOL-USD daily, walk-forward 90-day windows every 30 days".to_string(),
            windows(&sol, 90, 30),
            daily,
            "frontier-sol.png",
            format!(
                "hedge-research frontier --prices {}/sol-usd-daily.csv --steps 90 --stride 30 --dt-hours 24",
                a.data_dir.display()
            ),
        ),
    ];
    for (title, paths, dt, chart, command) in cases {
        eprintln!("results: frontier, {title} ...");
        let steps = paths.first().map_or(0, |p| p.len() - 1);
        let spec = BookArg::ProtectivePut.spec(dt * steps as f64);
        let (points, verdicts) = measure(&paths, dt, spec, 0.8, &Family::CLASSIC, &costs, lambda, 8);
        plot::draw_frontier(&dir.join(chart), &format!("cost–risk frontier: {title}"), &points)?;
        let _ = writeln!(
            md,
            "## Cost–risk frontier: {title}, protective put\n\nEvery policy family swept over its parameter on the same paths: mean hedging cost (fees 5 bps + impact, funding excluded) against the standard deviation of the final hedging error, both with 95 % intervals. Reproduce: `{command}`.\n\n![frontier]({chart})\n"
        );
        md.push_str(&verdict_table(&verdicts));
        md.push_str("\n<details><summary>every setting</summary>\n\n");
        md.push_str(&points_table(&points));
        md.push_str("\n</details>\n\n");
    }
    Ok(())
}

fn losers(rows: &[(String, PathResult)]) -> String {
    let same = rows
        .windows(2)
        .all(|w| w[0].1.rebalances == w[1].1.rebalances && w[0].1.final_error == w[1].1.final_error);
    if same {
        return "All policies coincide: the book's delta never leaves any band (a linear book hedged at \
                the start stays hedged), so the whole error is funding on the hedge.\n"
            .to_string();
    }
    let mut notes = Vec::new();
    if let Some(c) = rows
        .iter()
        .max_by(|a, b| a.1.total_cost().total_cmp(&b.1.total_cost()))
    {
        notes.push(format!(
            "**{}** pays the most (net cost {:.3})",
            c.0,
            c.1.total_cost()
        ));
    }
    if let Some(e) = rows
        .iter()
        .max_by(|a, b| a.1.error_stdev.total_cmp(&b.1.error_stdev))
    {
        notes.push(format!(
            "**{}** tracks worst (tracking sd {:.3}, worst {:.3})",
            e.0, e.1.error_stdev, e.1.max_abs_error
        ));
    }
    for w in rows.windows(2) {
        if w[0].1.rebalances == w[1].1.rebalances && w[0].1.final_error == w[1].1.final_error {
            notes.push(format!(
                "{} and {} coincide (both bands sit on their floor: the book's gamma is too small for the cost-aware width to exceed it)",
                w[0].0, w[1].0
            ));
        }
    }
    format!("Where policies lose: {}.\n", notes.join("; "))
}

/// Writes docs/results.md: real-data comparisons, Monte Carlo, stress and vol scores.
pub async fn results(a: ResultsArgs) -> anyhow::Result<()> {
    let policies = parse_policies(DEFAULT_POLICIES)?;
    let dt = 1.0 / 365.0;
    let costs = Costs {
        fee_bps: 5.0,
        impact_depth: 1_000.0,
        funding: vec![0.10],
    };
    let mut md = String::new();
    let _ = writeln!(md, "# Backtest results\n\nGenerated by `hedge-research backtest-results --data-dir data --out docs/results.md` (seeded, deterministic). The sections it does not generate are kept when it rewrites the file: the learned band family's (`hedge-research learn-bands`) and the ones that name their own command.\n");
    let _ = writeln!(md, "Costs: taker fee 5 bps, linear impact depth 1 000 units, funding 10 %/year (longs pay; the short hedge receives). Book implied vol 80 %. Real series are rescaled to start at 100, so money reads as percent of the starting notional (per unit of collateral); errors are replicated value minus target book value. Policies: `time/N` rebalances every N days; `band` at ±5 % of NAV / S; WW and Zakamouline with λ = 10 bps, γ = 1, floored at 1 % of NAV / S. Decisions are the program's (`engine::decide`: target = frac × NAV / S + live legs, tested equal to `compute_band_report`).\n");
    for (name, file) in [("BTC-USD", "btc-usd-daily.csv"), ("SOL-USD", "sol-usd-daily.csv")] {
        let raw = read_prices(&a.data_dir.join(file), "Close")?;
        let (first, last) = (raw[0], raw[raw.len() - 1]);
        let path = rescale(raw);
        let steps = path.len() - 1;
        for book_arg in [BookArg::Neutral, BookArg::ProtectivePut] {
            eprintln!("results: {name} {book_arg:?} ...");
            let spec = book_arg.spec(dt * steps as f64);
            let book = Book::resolve(spec, path[0], 0.8, 0.0, 0.0);
            let rows: Vec<(String, PathResult)> = policies
                .iter()
                .map(|p| {
                    (
                        p.label(),
                        crate::backtest::run_path(&path, dt, &book, p, &costs, &Scenario::default(), false),
                    )
                })
                .collect();
            let _ = writeln!(
                md,
                "## {name}, {book_arg:?} book ({steps} daily steps, price {first:.2} → {last:.2})\n"
            );
            md.push_str(&single_path_table(&rows));
            md.push('\n');
            md.push_str(&losers(&rows));
            md.push('\n');
        }
        let scores = volscore::evaluate(&path, 365.0, 250, 5, 5);
        let _ = writeln!(
            md,
            "### {name} volatility forecasts (rolling 250-day fit, 5-day horizon, out of sample)\n"
        );
        let _ = writeln!(
            md,
            "| model | forecasts | QLIKE | MSE (annualised variance²) |\n|---|---|---|---|"
        );
        for s in &scores {
            let _ = writeln!(
                md,
                "| {} | {} | {:.4} | {:.5} |",
                s.model, s.forecasts, s.qlike, s.mse
            );
        }
        md.push('\n');
    }
    for book_arg in [BookArg::Neutral, BookArg::ProtectivePut] {
        eprintln!("results: monte carlo {book_arg:?} over {} paths ...", a.paths);
        let g = Generator::named("gbm", 0.8, dt).expect("gbm");
        let spec = book_arg.spec(dt * 365.0);
        let rows = mc::run(&g, 100.0, dt, 365, a.paths, 7, spec, 0.8, &policies, &costs);
        let _ = writeln!(
            md,
            "## Monte Carlo: {} GBM paths (σ 80 %, 365 daily steps, S₀ = 100), {book_arg:?} book\n",
            a.paths
        );
        md.push_str(&mc_table(&rows));
        md.push('\n');
    }
    frontier_sections(&mut md, &a)?;
    let path = rescale(read_prices(&a.data_dir.join("sol-usd-daily.csv"), "Close")?);
    let spec = BookArg::ProtectivePut.spec(dt * (path.len() - 1) as f64);
    let book = Book::resolve(spec, path[0], 0.8, 0.0, 0.0);
    let st = stress::run(&path, dt, &book, &policies, &costs, 5);
    let _ = writeln!(md, "## Stress on SOL-USD, protective-put book (scenarios start mid-path)\n\nWorst loss = largest shortfall of the replicated value below the target book along the path.\n\n| scenario | policy | worst loss vs target | total cost |\n|---|---|---|---|");
    for s in &st {
        let _ = writeln!(
            md,
            "| {} | {} | {:.3} | {:.3} |",
            s.scenario, s.policy, s.worst_loss_vs_target, s.total_cost
        );
    }
    let _ = writeln!(md, "\n## Which vol model the keeper uses\n\nGARCH(1,1) fitted by maximum likelihood has the lower QLIKE on both real series (QLIKE is the robust loss for variance forecasts: it is not dominated by a few extreme days, unlike MSE, where the two models are close and EWMA wins on SOL). The keeper's vol updater therefore uses GARCH(1,1) and falls back to EWMA(0.94) when the fit fails (fewer than 30 returns or no valid optimum).");
    if let Some(dir) = a.out.parent() {
        std::fs::create_dir_all(dir).ok();
    }
    // Sections written by other commands (learn-bands) or by hand are kept.
    let md = crate::markdown::keep_other_sections(&std::fs::read_to_string(&a.out).unwrap_or_default(), &md);
    std::fs::write(&a.out, md).with_context(|| format!("cannot write {}", a.out.display()))?;
    eprintln!("wrote {}", a.out.display());
    Ok(())
}
