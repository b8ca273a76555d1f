//! `hedge-research frontier`: sweeps policy families over their parameter on Monte Carlo
//! paths or walk-forward windows of a real series, prints the cost–risk frontier table and
//! which family is cheapest at each risk level, and draws the frontier chart.
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Args;
use rayon::prelude::*;
use serde::Serialize;

use crate::backtest::generators::Generator;
use crate::backtest::{mc, plot, BookSpec, Costs, Policy};
use crate::cmd::backtest::{rescale, BookArg};
use crate::data::read_prices;
use crate::frontier::{best_by_level, frontier, levels, Family, Point, Verdict};
use crate::learn;

/// Flags of `hedge-research frontier`.
#[derive(Debug, Args)]
pub struct FrontierArgs {
    /// Date + price CSV (e.g. data/sol-usd-daily.csv): walk-forward windows of it instead of
    /// generated paths.
    #[arg(long, value_name = "FILE.csv")]
    pub prices: Option<PathBuf>,
    #[arg(long, default_value = "Close")]
    pub column: String,
    /// With --prices: steps between the starts of consecutive windows (default: the
    /// window length, i.e. disjoint windows).
    #[arg(long)]
    pub stride: Option<usize>,
    /// gbm, merton, heston or garch (without --prices).
    #[arg(long, default_value = "gbm")]
    pub generator: String,
    /// Monte Carlo paths (generated paths only).
    #[arg(long, default_value_t = 400)]
    pub paths: usize,
    /// Steps per path or window.
    #[arg(long, default_value_t = 720)]
    pub steps: usize,
    /// Monitoring interval: hours per step (24 for daily data).
    #[arg(long, default_value_t = 1.0)]
    pub dt_hours: f64,
    /// Generator volatility and the book's implied vol.
    #[arg(long, default_value_t = 0.8)]
    pub sigma: f64,
    #[arg(long, value_enum, default_value = "protective-put")]
    pub book: BookArg,
    /// Comma-separated families to sweep: time, band, ww, zak, learned. `learned` first
    /// trains one member per risk aversion on the training generators (never on the paths
    /// or series being measured), at this run's monitoring, book and costs.
    #[arg(long, default_value = "time,band,ww,zak")]
    pub families: String,
    /// With `learned`: training paths.
    #[arg(long, default_value_t = 400)]
    pub train_paths: usize,
    /// With `learned`: risk aversions of the members (objective mean cost + a·variance).
    #[arg(
        long,
        default_value = "0.0002,0.0003,0.0005,0.0007,0.001,0.002,0.005,0.01,0.02,0.05,0.1,0.2,0.5,1,3"
    )]
    pub risk_aversions: String,
    /// Taker fee (bps of notional).
    #[arg(long, default_value_t = 5.0)]
    pub fee_bps: f64,
    /// Linear impact depth (collateral units for a 100 % move).
    #[arg(long, default_value_t = 1_000_000.0)]
    pub impact_depth: f64,
    /// Proportional cost λ the cost-aware bands assume (default: the fee).
    #[arg(long)]
    pub lambda: Option<f64>,
    /// Risk levels to compare the families at.
    #[arg(long, default_value_t = 8)]
    pub levels: usize,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Frontier chart (.png or .svg).
    #[arg(long, value_name = "PATH.png|svg")]
    pub plot: Option<PathBuf>,
    #[arg(long, value_name = "PATH")]
    pub report_json: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
struct Report {
    source: String,
    paths: usize,
    steps: usize,
    dt_hours: f64,
    book: String,
    fee_bps: f64,
    lambda: f64,
    points: Vec<Point>,
    verdicts: Vec<Verdict>,
}

/// The table of every setting, frontier points marked.
pub fn points_table(points: &[Point]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| family | parameter | error sd (± 95 %) | cost (± 95 %) | rebalances | on frontier |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|");
    for f in Family::ALL {
        let mine: Vec<Point> = points.iter().filter(|p| p.family == f).copied().collect();
        let front = frontier(&mine);
        for p in &mine {
            let on = front
                .iter()
                .any(|q| q.error_sd == p.error_sd && q.cost.mean == p.cost.mean);
            let _ = writeln!(
                s,
                "| {} | {} = {} | {:.4} ± {:.4} | {:.4} ± {:.4} | {:.1} | {} |",
                f.name(),
                f.parameter(),
                p.parameter,
                p.error_sd,
                p.error_sd_ci95,
                p.cost.mean,
                p.cost.ci95,
                p.rebalances,
                if on { "yes" } else { "" }
            );
        }
    }
    s
}

/// Which family is cheapest at each risk level, and by how much.
pub fn verdict_table(verdicts: &[Verdict]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| error sd ≤ | cheapest family (setting) | its cost | runner-up (cost) | advantage | 95 % intervals apart |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|");
    for v in verdicts {
        let runner = v
            .others
            .first()
            .map(|r| format!("{} ({:.4})", r.family.name(), r.cost.mean))
            .unwrap_or_else(|| "–".into());
        let adv = v
            .advantage()
            .map(|a| format!("{:.0} %", a * 100.0))
            .unwrap_or_else(|| "–".into());
        // Conservative: the two cost intervals do not overlap (the paths are shared, so a
        // paired comparison would separate them sooner).
        let apart = v
            .others
            .first()
            .map(|r| {
                if v.best.cost.mean + v.best.cost.ci95 < r.cost.mean - r.cost.ci95 {
                    "yes"
                } else {
                    "no"
                }
            })
            .unwrap_or("–");
        let _ = writeln!(
            s,
            "| {:.4} | {} ({}) | {:.4} ± {:.4} | {runner} | {adv} | {apart} |",
            v.level,
            v.best.family.name(),
            v.best.parameter,
            v.best.cost.mean,
            v.best.cost.ci95
        );
    }
    s
}

/// Walk-forward windows of `series`: `steps + 1` prices each, starts `stride` apart, each
/// rescaled to start at 100.
pub fn windows(series: &[f64], steps: usize, stride: usize) -> Vec<Vec<f64>> {
    if steps == 0 || stride == 0 || series.len() < steps + 1 {
        return Vec::new();
    }
    (0..=series.len() - (steps + 1))
        .step_by(stride)
        .map(|i| rescale(series[i..=i + steps].to_vec()))
        .collect()
}

/// Every setting of every family on `paths` (all settings see the same paths), and the
/// cheapest family at `n_levels` risk levels.
#[allow(clippy::too_many_arguments)]
pub fn measure(
    paths: &[Vec<f64>],
    dt: f64,
    book: BookSpec,
    sigma: f64,
    families: &[Family],
    costs: &Costs,
    lambda: f64,
    n_levels: usize,
) -> (Vec<Point>, Vec<Verdict>) {
    let steps = paths.first().map_or(0, |p| p.len().saturating_sub(1));
    let sweep: Vec<(Family, f64, Policy)> = families
        .iter()
        .flat_map(|&f| f.sweep(lambda, steps).into_iter().map(move |(x, p)| (f, x, p)))
        .collect();
    let policies: Vec<Policy> = sweep.iter().map(|(_, _, p)| *p).collect();
    let results = mc::run_on(paths, dt, book, sigma, &policies, costs);
    let points: Vec<Point> = sweep
        .iter()
        .zip(&results)
        .map(|((f, x, _), rs)| Point::measure(*f, *x, rs))
        .collect();
    let verdicts = best_by_level(&points, &levels(&points, n_levels));
    (points, verdicts)
}

pub async fn run(a: FrontierArgs) -> anyhow::Result<()> {
    let positive = |x: f64| x.is_finite() && x > 0.0;
    if !(positive(a.dt_hours) && positive(a.sigma) && a.fee_bps.is_finite() && a.fee_bps >= 0.0) {
        bail!("--dt-hours and --sigma must be > 0, --fee-bps >= 0");
    }
    if a.steps < 2 {
        bail!("--steps must be >= 2");
    }
    let families: Vec<Family> = a
        .families
        .split(',')
        .map(Family::parse)
        .collect::<Result<_, _>>()
        .map_err(anyhow::Error::msg)?;
    let dt = a.dt_hours / (24.0 * 365.0);
    let (source, paths) = match &a.prices {
        Some(p) => {
            let series = read_prices(p, &a.column)?;
            let stride = a.stride.unwrap_or(a.steps);
            let w = windows(&series, a.steps, stride);
            if w.is_empty() {
                bail!(
                    "{}: {} prices, too few for one window of {} steps (and a stride >= 1)",
                    p.display(),
                    series.len(),
                    a.steps
                );
            }
            (
                format!(
                    "{}, {} walk-forward windows, stride {stride}",
                    p.display(),
                    w.len()
                ),
                w,
            )
        }
        None => {
            if a.paths < 2 {
                bail!("--paths must be >= 2");
            }
            let g = Generator::named(&a.generator, a.sigma, dt).with_context(|| {
                format!("unknown generator '{}' (gbm, merton, heston, garch)", a.generator)
            })?;
            let seed = a.seed;
            let steps = a.steps;
            let paths: Vec<Vec<f64>> = (0..a.paths)
                .into_par_iter()
                .map(|i| g.path(100.0, dt, steps, seed.wrapping_add(i as u64)))
                .collect();
            (format!("{} σ {} (seed {})", a.generator, a.sigma, a.seed), paths)
        }
    };
    let lambda = a.lambda.unwrap_or(a.fee_bps / 10_000.0);
    let spec = a.book.spec(dt * a.steps as f64);
    let costs = Costs {
        fee_bps: a.fee_bps,
        impact_depth: a.impact_depth,
        funding: vec![0.0],
    };
    eprintln!(
        "frontier: {source}; {} paths × {} steps, {} families",
        paths.len(),
        a.steps,
        families.len()
    );
    let t0 = std::time::Instant::now();
    let classic: Vec<Family> = families
        .iter()
        .copied()
        .filter(|f| *f != Family::Learned)
        .collect();
    let (mut points, mut verdicts) = measure(&paths, dt, spec, a.sigma, &classic, &costs, lambda, a.levels);
    if families.contains(&Family::Learned) {
        let train = learn::TrainSpec {
            seed: a.seed,
            paths: a.train_paths,
            steps: a.steps,
            dt,
            sigma_book: a.sigma,
            book: spec,
            lambda,
            fee_bps: a.fee_bps,
            impact_depth: a.impact_depth,
            risk_aversions: crate::cmd::learn::parse_list(&a.risk_aversions)?,
            ..learn::TrainSpec::daily(a.seed)
        };
        train.validate().map_err(anyhow::Error::msg)?;
        eprintln!(
            "frontier: training {} learned members on {} paths of the training generators ...",
            train.risk_aversions.len(),
            train.paths
        );
        let members = learn::train_family(&train, true);
        points.extend(learn::family_points(&train, &members, &paths, &costs));
        verdicts = best_by_level(&points, &levels(&points, a.levels));
    }
    eprintln!(
        "frontier: {} settings, {:.1} M hedge steps in {:.1} s",
        points.len(),
        paths.len() as f64 * a.steps as f64 * points.len() as f64 / 1e6,
        t0.elapsed().as_secs_f64()
    );

    println!(
        "\n{source}; {:?} book, fee {} bps, λ {lambda}, {} h monitoring\n",
        a.book, a.fee_bps, a.dt_hours
    );
    println!("every setting (money in quote units per unit of collateral):\n");
    print!("{}", points_table(&points));
    println!("\ncheapest family at each risk level:\n");
    print!("{}", verdict_table(&verdicts));
    if families.contains(&Family::Learned) {
        let set = crate::cmd::learn::SetResult {
            set: source.clone(),
            sample: crate::cmd::learn::Sample::Unseen,
            paths: paths.len(),
            comparisons: crate::frontier::learned_vs_classic(&points, a.levels),
            points: Vec::new(),
        };
        println!("\nlearned family against the better of Whalley–Wilmott and Zakamouline:\n");
        print!(
            "{}",
            crate::cmd::learn::comparison_table(std::slice::from_ref(&set))
        );
    }
    if let Some(p) = &a.plot {
        let title = format!("cost–risk frontier: {source}");
        plot::draw_frontier(p, &title, &points)?;
        eprintln!("frontier: chart written to {}", p.display());
    }
    if let Some(p) = &a.report_json {
        let report = Report {
            source,
            paths: paths.len(),
            steps: a.steps,
            dt_hours: a.dt_hours,
            book: format!("{:?}", a.book),
            fee_bps: a.fee_bps,
            lambda,
            points,
            verdicts,
        };
        std::fs::write(p, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::windows;

    #[test]
    fn windows_walk_forward_and_start_at_100() {
        let s: Vec<f64> = (1..=10).map(f64::from).collect();
        let w = windows(&s, 3, 2);
        assert_eq!(w.len(), 4); // starts 0, 2, 4, 6
        assert!(w.iter().all(|x| x.len() == 4 && x[0] == 100.0));
        assert_eq!(w[1][3], 100.0 * 6.0 / 3.0);
        assert!(windows(&s, 10, 1).is_empty());
        assert!(windows(&s, 3, 0).is_empty());
    }
}
