//! `hedge-research learn-bands`: train the learned band family (one member per risk
//! aversion, `learn`), judge its cost–risk frontier against Whalley–Wilmott and
//! Zakamouline in sample and out of sample, and export one member as a governance proposal.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use serde::Serialize;

use crate::backtest::plot;
use crate::cmd::frontier::{measure, windows};
use crate::data::read_prices;
use crate::frontier::{learned_vs_classic, Family, LearnedVsClassic, Point};
use crate::learn::{self, Member, TrainSpec};
use crate::markdown::replace_section;

/// Flags of `hedge-research learn-bands`.
#[derive(Debug, Args)]
pub struct LearnArgs {
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Training paths (mixed: GBM at 0.75σ and 1.125σ, Merton, Heston).
    #[arg(long, default_value_t = 1_200)]
    pub train: usize,
    /// Coordinate-descent passes per member.
    #[arg(long, default_value_t = 4)]
    pub passes: usize,
    /// Risk aversions `a` of the objective mean cost + a·variance of the final hedging
    /// error, one member each (default: `learn::DEFAULT_RISK_AVERSIONS`).
    #[arg(
        long,
        default_value = "0.0002,0.0003,0.0005,0.0007,0.001,0.002,0.005,0.01,0.02,0.05,0.1,0.2,0.5,1,3"
    )]
    pub risk_aversions: String,
    /// Daily steps per path and per walk-forward window (the protective put's tenor).
    #[arg(long, default_value_t = 60)]
    pub steps: usize,
    /// Steps between the starts of consecutive walk-forward windows.
    #[arg(long, default_value_t = 30)]
    pub stride: usize,
    /// Paths per validation generator (in-sample generators with fresh seeds, and unseen
    /// ones).
    #[arg(long, default_value_t = 600)]
    pub test_paths: usize,
    /// Risk levels compared per set.
    #[arg(long, default_value_t = 6)]
    pub levels: usize,
    /// The member exported as the proposal: the one whose risk aversion is nearest.
    #[arg(long, default_value_t = 0.1)]
    pub export: f64,
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
    /// Folder for one frontier chart per validation set (`frontier-learned-<set>.png`).
    #[arg(long, value_name = "DIR")]
    pub frontier_plot_dir: Option<PathBuf>,
    /// Skip the research question "does a volatility-regime dimension matter?" (a second
    /// family with one table per regime, refined from the first and judged the same way).
    #[arg(long)]
    pub no_regime: bool,
}

fn plot_table(path: &Path, table: &[u16; hedge_math::CORRECTION_CELLS]) -> anyhow::Result<()> {
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

/// Where a validation set comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Sample {
    /// The training generators, with seeds training never used.
    InSample,
    /// Generators never seen in training.
    Unseen,
    /// Walk-forward windows of a real series.
    Real,
}

/// One validation set's frontiers and the comparison at each risk level.
#[derive(Debug, Serialize)]
pub struct SetResult {
    pub set: String,
    pub sample: Sample,
    pub paths: usize,
    pub points: Vec<Point>,
    pub comparisons: Vec<LearnedVsClassic>,
}

impl SetResult {
    fn advantages(&self) -> impl Iterator<Item = f64> + '_ {
        self.comparisons.iter().map(|c| c.advantage())
    }
}

#[derive(Debug, Serialize)]
struct Report {
    spec: TrainSpec,
    members: Vec<Member>,
    sets: Vec<SetResult>,
    mean_advantage_in_sample: f64,
    mean_advantage_out_of_sample: f64,
    overfitting_alarm: bool,
    exported_risk_aversion: f64,
    /// The research family with one table per volatility regime (absent with
    /// `--no-regime`).
    regime: Option<RegimeReport>,
}

#[derive(Debug, Serialize)]
struct RegimeReport {
    members: Vec<Member>,
    sets: Vec<SetResult>,
    mean_advantage_in_sample: f64,
    mean_advantage_out_of_sample: f64,
}

/// Mean advantage over the in-sample sets and over the others.
fn advantages(sets: &[SetResult]) -> (f64, f64) {
    let of = |inside: bool| {
        mean(
            sets.iter()
                .filter(|r| (r.sample == Sample::InSample) == inside)
                .flat_map(|r| r.advantages()),
        )
    };
    (of(true), of(false))
}

pub fn parse_list(s: &str) -> anyhow::Result<Vec<f64>> {
    s.split(',')
        .map(|x| {
            x.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0)
                .with_context(|| format!("--risk-aversions: '{x}' is not a number > 0"))
        })
        .collect()
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (s, n) = xs.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    if n == 0 {
        0.0
    } else {
        s / n as f64
    }
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Frontiers of Whalley–Wilmott, Zakamouline and the learned family on `paths`.
fn judge(
    spec: &TrainSpec,
    members: &[Member],
    set: String,
    sample: Sample,
    paths: &[Vec<f64>],
    n_levels: usize,
) -> SetResult {
    let costs = spec.costs();
    let (mut points, _) = measure(
        paths,
        spec.dt,
        spec.book,
        spec.sigma_book,
        &[Family::WhalleyWilmott, Family::Zakamouline],
        &costs,
        spec.lambda,
        0,
    );
    points.extend(learn::family_points(spec, members, paths, &costs));
    let comparisons = learned_vs_classic(&points, n_levels);
    SetResult {
        set,
        sample,
        paths: paths.len(),
        points,
        comparisons,
    }
}

/// The comparison table: every set, every risk level.
pub fn comparison_table(sets: &[SetResult]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| set | error sd | learned cost | better of WW / Zak: cost | learned cheaper by | ≥ 10 % |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|");
    for r in sets {
        if r.comparisons.is_empty() {
            let _ = writeln!(s, "| {} | – | no common risk level | | | |", r.set);
        }
        for c in &r.comparisons {
            let adv = c.advantage();
            let _ = writeln!(
                s,
                "| {} | {:.4} | {:.4} ± {:.4} | {} {:.4} ± {:.4} | {:+.0} % | {} |",
                r.set,
                c.level,
                c.learned.mean,
                c.learned.ci95,
                c.classic_family.name(),
                c.classic.mean,
                c.classic.ci95,
                adv * 100.0,
                if adv >= 0.10 { "yes" } else { "no" }
            );
        }
    }
    s
}

/// Per set: mean advantage, and how many levels meet the goal or lose.
pub fn summary_table(sets: &[SetResult]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| set | sample | levels | mean advantage | levels ≥ 10 % | levels where learned costs more |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|");
    for r in sets {
        let adv: Vec<f64> = r.advantages().collect();
        let _ = writeln!(
            s,
            "| {} | {:?} | {} | {:+.1} % | {} | {} |",
            r.set,
            r.sample,
            adv.len(),
            mean(adv.iter().copied()) * 100.0,
            adv.iter().filter(|&&a| a >= 0.10).count(),
            adv.iter().filter(|&&a| a < 0.0).count()
        );
    }
    s
}

fn members_table(members: &[Member]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| risk aversion a | WW γ | floor | J of plain WW (train) | J learned (train) | steps kept | table min–max (×) |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|");
    for m in members {
        let (lo, hi) = m
            .table_bps
            .iter()
            .chain(m.turbulent_bps.iter().flatten())
            .fold((u16::MAX, 0u16), |(l, h), &c| (l.min(c), h.max(c)));
        let _ = writeln!(
            s,
            "| {} | {:.3e} | {:.2} % | {:.5} | {:.5} | {} | {:.2}–{:.2} |",
            m.risk_aversion,
            m.ww_gamma,
            m.min_band * 100.0,
            m.objective_ww,
            m.objective,
            m.steps_kept,
            f64::from(lo) / 10_000.0,
            f64::from(hi) / 10_000.0
        );
    }
    s
}

const SECTION: &str = "Learned band family, out of sample";

pub async fn run(a: LearnArgs) -> anyhow::Result<()> {
    let spec = TrainSpec {
        paths: a.train,
        steps: a.steps,
        passes: a.passes,
        risk_aversions: parse_list(&a.risk_aversions)?,
        ..TrainSpec::daily(a.seed)
    };
    let spec = TrainSpec {
        book: crate::backtest::BookSpec::ProtectivePut {
            strike_mult: 1.0,
            tenor_years: spec.dt * (spec.steps as f64 + 1.0),
        },
        ..spec
    };
    spec.validate().map_err(anyhow::Error::msg)?;
    if a.test_paths < 2 || a.stride == 0 || a.levels == 0 {
        bail!("--test-paths must be >= 2, --stride and --levels >= 1");
    }
    // The real series ship in the repository (data/): a missing one is an error, not a
    // silently smaller validation set.
    let mut real = Vec::new();
    for (name, file) in [("BTC-USD", "btc-usd-daily.csv"), ("SOL-USD", "sol-usd-daily.csv")] {
        let path = a.data_dir.join(file);
        let p = read_prices(&path, "Close").with_context(|| {
            format!(
                "{name} walk-forward needs {} (run from the repository root, or pass --data-dir)",
                path.display()
            )
        })?;
        let w = windows(&p, spec.steps, a.stride);
        if w.len() < 2 {
            bail!(
                "{}: too short for two windows of {} days",
                path.display(),
                spec.steps
            );
        }
        real.push((name, w));
    }
    eprintln!(
        "learn-bands: {} members on {} training paths × {} steps, {} passes (seed {}) ...",
        spec.risk_aversions.len(),
        spec.paths,
        spec.steps,
        spec.passes,
        spec.seed
    );
    let started = std::time::Instant::now();
    let members = learn::train_family(&spec, true);
    let train_secs = started.elapsed().as_secs_f64();
    eprintln!("learn-bands: trained in {train_secs:.1} s; validating ...");

    // Every validation set: (name, sample, paths).
    let dt = spec.dt;
    let mut validation: Vec<(String, Sample, Vec<Vec<f64>>)> = Vec::new();
    for (k, (name, g)) in learn::train_generators(spec.sigma_book, dt)
        .into_iter()
        .enumerate()
    {
        let paths = learn::paths_of(&g, a.test_paths, spec.steps, dt, 1_000_000 + 100_000 * k as u64);
        validation.push((format!("in sample: {name}"), Sample::InSample, paths));
    }
    for (k, (name, g)) in learn::test_generators(spec.sigma_book, dt)
        .into_iter()
        .enumerate()
    {
        let paths = learn::paths_of(&g, a.test_paths, spec.steps, dt, 2_000_000 + 100_000 * k as u64);
        validation.push((name, Sample::Unseen, paths));
    }
    for (name, w) in real {
        validation.push((
            format!("{name} walk-forward ({} windows)", w.len()),
            Sample::Real,
            w,
        ));
    }
    let judge_all = |members: &[Member]| -> Vec<SetResult> {
        validation
            .iter()
            .map(|(name, sample, paths)| judge(&spec, members, name.clone(), *sample, paths, a.levels))
            .collect()
    };
    let sets = judge_all(&members);
    eprintln!(
        "learn-bands: validated in {:.1} s",
        started.elapsed().as_secs_f64() - train_secs
    );

    let (adv_in, adv_out) = advantages(&sets);
    let regime = (!a.no_regime).then(|| {
        eprintln!("learn-bands: research: one table per volatility regime ...");
        let members = learn::train_regime_family(&spec, &members, true);
        let sets = judge_all(&members);
        let (mean_advantage_in_sample, mean_advantage_out_of_sample) = advantages(&sets);
        RegimeReport {
            members,
            sets,
            mean_advantage_in_sample,
            mean_advantage_out_of_sample,
        }
    });
    let regime_md = regime
        .as_ref()
        .map(|r| {
            format!(
                "Research: does a volatility-regime dimension matter? A second family refines each member with one table per regime (turbulent when the EWMA forecast of realised vol is above the book's implied vol: a negative implied-minus-realised spread), judged the same way. Its mean advantage over the better of WW and Zakamouline: in sample {:+.1} %, out of sample {:+.1} % (one table: {:+.1} %, {:+.1} %). {}\n\n{}",
                r.mean_advantage_in_sample * 100.0,
                r.mean_advantage_out_of_sample * 100.0,
                adv_in * 100.0,
                adv_out * 100.0,
                if r.mean_advantage_out_of_sample - adv_out >= 0.02 {
                    "Out of sample the regime tables gain at least 2 points: the data says the dimension matters."
                } else {
                    "Out of sample the regime tables gain less than 2 points: the data does not say the dimension matters, and the on-chain table keeps its two axes."
                },
                summary_table(&r.sets)
            )
        })
        .unwrap_or_default();
    let alarm = adv_in > 0.0 && adv_out < 0.5 * adv_in;
    let members_md = members_table(&members);
    let summary = summary_table(&sets);
    let comparison = comparison_table(&sets);
    let misses: Vec<String> = sets
        .iter()
        .filter(|r| r.sample != Sample::InSample)
        .flat_map(|r| {
            r.comparisons
                .iter()
                .filter(|c| c.advantage() < 0.10)
                .map(move |c| {
                    format!(
                        "{} at error sd {:.3} ({:+.0} %)",
                        r.set,
                        c.level,
                        c.advantage() * 100.0
                    )
                })
        })
        .collect();
    let verdict = format!(
        "Mean advantage of the learned family over the better of WW and Zakamouline: in sample {:+.1} %, out of sample {:+.1} %{}.\n\nWhere the 10 % goal is not met out of sample: {}.",
        adv_in * 100.0,
        adv_out * 100.0,
        if alarm { " — ⚠ overfitting alarm: the out-of-sample gain is under half the in-sample gain" } else { " (no overfitting alarm)" },
        if misses.is_empty() { "nowhere".to_string() } else { misses.join("; ") }
    );
    println!("\nmembers (trained on the training paths):\n\n{members_md}");
    println!("per set:\n\n{summary}");
    println!("at each risk level:\n\n{comparison}");
    println!("{verdict}");
    if !regime_md.is_empty() {
        println!("\n{regime_md}");
    }

    let export = members
        .iter()
        .min_by(|x, y| {
            (x.risk_aversion.ln() - a.export.max(1e-12).ln())
                .abs()
                .total_cmp(&(y.risk_aversion.ln() - a.export.max(1e-12).ln()).abs())
        })
        .context("no member")?;
    let cells = export
        .table_bps
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let proposal = format!(
        "# Learned band (hedge-research learn-bands --seed {seed}): the member trained for risk aversion a = {ra_obj}\n# of the objective mean cost + a * variance of the final hedging error ({steps}-day protective put, {fee} bps).\n# Rows: tau < 7 d, < 30 d, < 90 d, >= 90 d; columns: ln(S/K) < -0.2, < -0.05, < 0.05, < 0.2, >= 0.2.\n# Merge into the [risk] section of a vault definition and queue it as a Core change.\n[risk]\ncost_aware_band = true\nww_cost_bps = {cost}\nww_risk_aversion_e6 = {ra}\nmin_band_bps = {minb}\nband_correction_enabled = true\nband_correction_bps = [{cells}]\n",
        seed = spec.seed,
        ra_obj = export.risk_aversion,
        steps = spec.steps,
        fee = spec.fee_bps,
        cost = (spec.lambda * 10_000.0).round() as u64,
        ra = (export.ww_gamma * 1e6).round() as u64,
        minb = (export.min_band * 10_000.0).round().max(1.0) as u64,
    );
    std::fs::write(&a.proposal, &proposal)
        .with_context(|| format!("cannot write {}", a.proposal.display()))?;
    eprintln!(
        "proposal (a = {}) written to {}",
        export.risk_aversion,
        a.proposal.display()
    );
    if let Some(p) = &a.plot {
        plot_table(p, &export.table_bps)?;
        eprintln!("correction chart written to {}", p.display());
    }
    let mut charts = Vec::new();
    if let Some(dir) = &a.frontier_plot_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        for r in &sets {
            let file = dir.join(format!("frontier-learned-{}.png", slug(&r.set)));
            plot::draw_frontier(
                &file,
                &format!("learned vs WW and Zakamouline: {}", r.set),
                &r.points,
            )?;
            charts.push((r.set.clone(), file));
        }
        eprintln!("{} frontier charts written to {}", charts.len(), dir.display());
    }
    if let Some(p) = &a.report_json {
        let r = Report {
            spec: spec.clone(),
            members: members.clone(),
            sets,
            mean_advantage_in_sample: adv_in,
            mean_advantage_out_of_sample: adv_out,
            overfitting_alarm: alarm,
            exported_risk_aversion: export.risk_aversion,
            regime,
        };
        std::fs::write(p, serde_json::to_string_pretty(&r)? + "\n")
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    if let Some(p) = &a.results_md {
        let md = std::fs::read_to_string(p).unwrap_or_default();
        let chart_md = charts
            .iter()
            .filter(|(set, _)| !set.starts_with("in sample"))
            .map(|(set, f)| {
                // Linked relative to the markdown file when the chart sits below it.
                let base = p.parent().unwrap_or(Path::new(""));
                let link = f.strip_prefix(base).unwrap_or(f).display().to_string();
                format!("![{set}]({link})\n")
            })
            .collect::<String>();
        let section = format!(
            "## {SECTION}\n\nReproduce: `hedge-research learn-bands --seed {seed} --results-md docs/results.md --plot docs/learned-correction.png --frontier-plot-dir docs/learned --proposal docs/band-proposal.toml` (trained in {train_secs:.0} s on 2 cores). {steps}-day protective puts hedged daily, fee {fee} bps, impact depth {depth}; the objective is mean cost + a · variance of the final hedging error, one member per a, each trained from the Whalley–Wilmott γ that is best for its a (see `crates/research/src/learn/mod.rs`). Each validation set sweeps Whalley–Wilmott and Zakamouline over γ on the same paths; a row compares the learned frontier's cost with the cheaper of the two frontiers' costs at the same error sd (linear interpolation between neighbouring settings on each frontier, never extrapolated). In-sample rows use the training generators with fresh seeds; the others use generators never seen in training and walk-forward windows of the real series.\n\nMembers:\n\n{members_md}\nPer set:\n\n{summary}\n{verdict}\n\n{regime_md}\n{chart_md}\n<details><summary>every risk level</summary>\n\n{comparison}\n</details>\n",
            seed = spec.seed,
            steps = spec.steps,
            fee = spec.fee_bps,
            depth = spec.impact_depth,
        );
        let md = replace_section(&md, SECTION, &section);
        // The section this one supersedes.
        let md = replace_section(&md, "Learned band correction, out of sample", "");
        std::fs::write(p, md).with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_names_are_slugs() {
        assert_eq!(
            slug("BTC-USD walk-forward (89 windows)"),
            "btc-usd-walk-forward-89-windows"
        );
    }
}
