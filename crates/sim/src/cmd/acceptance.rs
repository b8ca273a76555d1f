//! `hedge-sim acceptance`: the product's one promise checked end to end (README, "The
//! vault's economics"). Each case replays a price path through the real program on the
//! in-process chain with the production keeper (`simulate`), and the verdict is taken on
//! the simulator's dollar view, computed from raw balances and venue positions rather than
//! the program's valuation:
//!
//! * a dollar-neutral vault keeps its dollar value per share flat: hedge effectiveness
//!   ≥ [`MIN_HEDGE_EFFECTIVENESS`] and the final USD NAV per share within costs plus
//!   funding plus what withdrawals left behind (`withdrawal_haircuts_usd`, the
//!   min(value at request, value now) rule), +[`NAV_TOLERANCE`], of the start;
//! * an option book tracks its target book: per-step tracking error at most
//!   [`OPTION_TRACKING_BOUND`] of the price's per-step volatility;
//! * no keeper failure, and never more than one simulated day outside the band;
//! * never liquidated (a liquidator tries every step);
//! * the program's exposure equals the one computed from raw balances.
//!
//! `crates/sim/tests/acceptance.rs` runs [`Suite::Ci`] (short windows, debug build, minutes);
//! the command defaults to [`Suite::Full`] (whole histories).
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use clap::{Args, Parser, ValueEnum};
use rand::{Rng, SeedableRng};

use crate::cli::{Cli, Command};
use crate::cmd::simulate::{self, read_prices, Report};
use hedge_research::backtest::generators::Generator;

/// Smallest accepted hedge effectiveness of a dollar-neutral vault.
pub const MIN_HEDGE_EFFECTIVENESS: f64 = 0.95;
/// Allowance on a neutral vault's final USD NAV per share beyond its costs, funding and
/// what exits left behind (fraction of the starting value): rounding, keeper rewards.
pub const NAV_TOLERANCE: f64 = 0.005;
/// Bound on an option book's per-step tracking error, as a fraction of the price's per-step
/// volatility. Why this much: the keeper lets the exposure drift up to the band (2 % of NAV
/// in tokens in the simulation) before it trades, so between trades the return difference
/// is up to 0.02 × the price return; re-hedging an at-the-money 30-day option once a step
/// adds the discrete-gamma error ½·Γ·S²·(r² − σ²·dt), of the order of 0.1–0.2 × the price
/// return on daily steps at these vols; and the books roll monthly, re-striking at the
/// money. 0.35 leaves room for jumps without hiding a broken hedge (an unhedged book scores
/// ≈ 1.0).
pub const OPTION_TRACKING_BOUND: f64 = 0.35;

/// Which cases to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Suite {
    /// Short windows of every kind of path (what CI runs, a few minutes in debug builds).
    Ci,
    /// The whole SOL-USD and BTC-USD histories as daily steps, a 30-day hourly replay, and
    /// the generated stress paths (about 20 minutes in a release build on 2 cores).
    Full,
}

/// Arguments of `hedge-sim acceptance`.
#[derive(Debug, Args, Clone)]
pub struct AcceptanceArgs {
    /// Which cases.
    #[arg(long, value_enum, default_value = "full")]
    pub suite: Suite,
    /// Folder with `sol-usd-daily.csv` and `btc-usd-daily.csv` (the repository's `data/`).
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,
    /// Only the cases whose name contains this.
    #[arg(long)]
    pub only: Option<String>,
}

/// One path through one book.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    /// `neutral`, `protective-put` or `covered-call`.
    pub book: &'static str,
    pub step_secs: i64,
    pub path: Vec<f64>,
    /// Run `simulate --venue-failure-drill` (two venues, one frozen mid-path).
    pub drill: bool,
}

fn case(name: &str, book: &'static str, step_secs: i64, path: Vec<f64>) -> Case {
    Case {
        name: name.to_string(),
        book,
        step_secs,
        path,
        drill: false,
    }
}

/// The venue-failure drill on a path (neutral book).
fn drill(name: &str, step_secs: i64, path: Vec<f64>) -> Case {
    Case {
        drill: true,
        ..case(name, "neutral", step_secs, path)
    }
}

/// Hourly replay of daily closes: each day split into 24 steps along the log-linear path
/// between the closes, with a seeded intraday wiggle of the day's own size (a Brownian
/// bridge), so hourly steps see hourly-sized moves.
pub fn hourly(daily: &[f64], seed: u64) -> Vec<f64> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut out = vec![daily[0]];
    for w in daily.windows(2) {
        let (a, b) = (w[0].ln(), w[1].ln());
        let day_vol = (b - a).abs().max(0.01);
        let mut walk = Vec::with_capacity(24);
        let mut x = 0.0f64;
        for _ in 0..24 {
            x += rng.gen_range(-1.0..1.0) * day_vol / 24f64.sqrt();
            walk.push(x);
        }
        let end = walk[23];
        for (h, x) in walk.iter().enumerate() {
            let t = (h + 1) as f64 / 24.0;
            out.push((a + (b - a) * t + x - end * t).exp());
        }
    }
    out
}

/// A crash with jumps from 1.6 to below 1: a drifting, oscillating decline with −25 % and
/// −20 % jumps and a dead-cat bounce.
pub fn crash_below_one() -> Vec<f64> {
    let mut p = vec![1.6];
    for i in 1..150 {
        let last = p[p.len() - 1];
        let mut r = -0.015 + 0.04 * ((i as f64) * 1.7).sin();
        if i == 30 {
            r = -0.25;
        }
        if i == 70 {
            r = -0.20;
        }
        if (90..100).contains(&i) {
            r = 0.05;
        }
        p.push(last * (1.0 + r));
    }
    p
}

fn heston(steps: usize) -> Vec<f64> {
    Generator::Heston {
        mu: 0.0,
        v0: 0.64,
        kappa: 2.0,
        theta: 0.64,
        xi: 1.2,
        rho: -0.6,
    }
    .path(150.0, 1.0 / 365.0, steps, 11)
}

fn jumps(steps: usize) -> Vec<f64> {
    Generator::Merton {
        mu: 0.0,
        sigma: 0.6,
        lambda: 20.0,
        jump_mu: -0.08,
        jump_sigma: 0.15,
    }
    .path(150.0, 1.0 / 365.0, steps, 12)
}

/// The cases of a suite.
pub fn cases(suite: Suite, data_dir: &Path) -> anyhow::Result<Vec<Case>> {
    let load = |file: &str| -> anyhow::Result<Vec<f64>> {
        let path = data_dir.join(file);
        read_prices(&path, "Close").with_context(|| {
            format!(
                "{} (run from the repository root, or pass --data-dir)",
                path.display()
            )
        })
    };
    let sol = load("sol-usd-daily.csv")?;
    let btc = load("btc-usd-daily.csv")?;
    let mut out = Vec::new();
    match suite {
        Suite::Ci => {
            let last = sol[sol.len() - 300..].to_vec();
            // 2021-07-20 .. 2021-11-07: SOL ×11 in 110 days.
            let rally = sol[466..576].to_vec();
            // 2020-01-15 .. 2020-06-15, the March 2020 crash inside.
            let covid = btc[1946..2098].to_vec();
            let replay = hourly(&sol[sol.len() - 11..], 7);
            for book in ["neutral", "covered-call"] {
                out.push(case("SOL-USD daily, last 300 days", book, 86_400, last.clone()));
                out.push(case("SOL-USD daily, 2021 rally", book, 86_400, rally.clone()));
                out.push(case(
                    "generated Heston, vol of vol 1.2",
                    book,
                    86_400,
                    heston(150),
                ));
            }
            out.push(drill(
                "venue-failure drill, SOL-USD daily, 2021 rally",
                86_400,
                rally.clone(),
            ));
            for book in ["neutral", "protective-put"] {
                out.push(case("BTC-USD daily, 2020 crash", book, 86_400, covid.clone()));
                out.push(case(
                    "SOL-USD hourly replay, 10 days",
                    book,
                    3_600,
                    replay.clone(),
                ));
                out.push(case("generated crash below 1", book, 86_400, crash_below_one()));
                out.push(case(
                    "generated Merton, 20 jumps a year",
                    book,
                    86_400,
                    jumps(150),
                ));
            }
        }
        Suite::Full => {
            let replay = hourly(&sol[sol.len() - 31..], 7);
            out.push(drill(
                "venue-failure drill, SOL-USD daily, 2020-2024",
                86_400,
                sol.clone(),
            ));
            out.push(drill(
                "venue-failure drill, SOL-USD hourly replay, 30 days",
                3_600,
                replay.clone(),
            ));
            for book in ["neutral", "protective-put", "covered-call"] {
                out.push(case("SOL-USD daily, 2020-2024", book, 86_400, sol.clone()));
                out.push(case("BTC-USD daily, 2014-2022", book, 86_400, btc.clone()));
                out.push(case(
                    "SOL-USD hourly replay, 30 days",
                    book,
                    3_600,
                    replay.clone(),
                ));
                out.push(case("generated crash below 1", book, 86_400, crash_below_one()));
                out.push(case(
                    "generated Heston, vol of vol 1.2",
                    book,
                    86_400,
                    heston(730),
                ));
                out.push(case(
                    "generated Merton, 20 jumps a year",
                    book,
                    86_400,
                    jumps(730),
                ));
            }
        }
    }
    Ok(out)
}

/// Runs one case through `simulate` (funding off: the promise is about the hedge).
pub async fn run_case(c: &Case) -> anyhow::Result<Report> {
    let step_secs = c.step_secs.to_string();
    let mut argv = vec![
        "hedge-sim",
        "simulate",
        "--book",
        c.book,
        "--step-secs",
        &step_secs,
        "--funding-bps",
        "0",
    ];
    if c.drill {
        argv.push("--venue-failure-drill");
    }
    let cli = Cli::try_parse_from(argv)?;
    let Command::Simulate(args) = cli.command else {
        bail!("internal: not a simulate command line");
    };
    let (r, _live) = simulate::run_path(args, c.path.clone(), Instant::now())
        .await
        .with_context(|| c.name.clone())?;
    Ok(r)
}

/// What a case's report fails of the promise (empty: it passes).
pub fn verdict(c: &Case, r: &Report) -> Vec<String> {
    let mut fail = Vec::new();
    if r.liquidations > 0 {
        fail.push(format!("liquidated {} times", r.liquidations));
    }
    if r.keeper_failures > 0 {
        fail.push(format!("{} keeper failures", r.keeper_failures));
    }
    if r.max_secs_outside_band > 86_400 {
        fail.push(format!(
            "outside the band for {:.2} days",
            r.max_secs_outside_band as f64 / 86_400.0
        ));
    }
    if r.max_program_exposure_gap.is_nan() || r.max_program_exposure_gap > 1e-6 {
        fail.push(format!(
            "program exposure differs from the raw balances by {} tokens",
            r.max_program_exposure_gap
        ));
    }
    if let Some(d) = &r.drill {
        fail.extend(drill_verdict(d));
    } else if c.drill {
        fail.push("the drill did not run".to_string());
    }
    if c.book == "neutral" {
        if r.hedge_effectiveness.is_nan() || r.hedge_effectiveness < MIN_HEDGE_EFFECTIVENESS {
            fail.push(format!("hedge effectiveness {:.4}", r.hedge_effectiveness));
        }
        // Flat, but for the drill's haircut marks (the target book is re-based by them).
        let allowance = nav_allowance(r);
        let target = r.target_value_ratio;
        if (r.quote_nav_per_share_ratio - target).abs() > allowance || r.quote_nav_per_share_ratio.is_nan() {
            fail.push(format!(
                "USD NAV per share x{:.4}, allowed x{target:.4} ± {allowance:.4}",
                r.quote_nav_per_share_ratio
            ));
        }
    } else if r.tracking_error_ratio.is_nan() || r.tracking_error_ratio > OPTION_TRACKING_BOUND {
        fail.push(format!(
            "tracking error {:.3} of the price's volatility",
            r.tracking_error_ratio
        ));
    }
    fail
}

/// What the venue-failure drill must show: nothing traded at the frozen venue, the band
/// held through the other one, exits completed while frozen, NAV marking the frozen
/// venue at its haircut (against the raw accounts), and the venue unwound after recovery.
pub fn drill_verdict(d: &simulate::DrillReport) -> Vec<String> {
    let mut fail = Vec::new();
    if d.trades_at_frozen_venue > 0 {
        fail.push(format!(
            "{} rebalances at the frozen venue",
            d.trades_at_frozen_venue
        ));
    }
    if d.steps_outside_band_while_frozen > 0 {
        fail.push(format!(
            "{} steps outside the band while a venue was frozen",
            d.steps_outside_band_while_frozen
        ));
    }
    if d.withdrawals_while_frozen == 0 {
        fail.push("no withdrawal completed while the venue was frozen".to_string());
    }
    if d.max_haircut_mark_gap_usd.is_nan() || d.max_haircut_mark_gap_usd > 0.01 {
        fail.push(format!(
            "the frozen venue was marked {:.4} USD away from its haircut value",
            d.max_haircut_mark_gap_usd
        ));
    }
    if d.unfrozen_step == 0 || d.unwound_step == 0 {
        fail.push("the recovered venue was not unfrozen and unwound".to_string());
    }
    fail
}

/// Costs, funding and withdrawal haircuts as a fraction of the starting NAV, plus
/// [`NAV_TOLERANCE`].
pub fn nav_allowance(r: &Report) -> f64 {
    let first = r.quote_nav_per_share_series.first().copied().unwrap_or_default();
    let nav0 = first[2] * r.initial_shares;
    if nav0 > 0.0 {
        (r.hedge_costs + r.funding_pnl.abs() + r.withdrawal_haircuts_usd.abs()) / nav0 + NAV_TOLERANCE
    } else {
        NAV_TOLERANCE
    }
}

/// One line of the table.
pub fn row(c: &Case, r: &Report, fail: &[String]) -> String {
    format!(
        "{:<36} {:<15} {:>6} {:>8.4} {:>9.4} {:>9.4} {:>8.3} {:>6.3} {:>5} {:>5}  {}",
        c.name,
        c.book,
        r.steps,
        r.hedge_effectiveness,
        r.quote_nav_per_share_ratio,
        r.target_value_ratio,
        r.end_price / r.start_price,
        r.tracking_error_ratio,
        r.steps_outside_band,
        r.liquidations,
        if fail.is_empty() {
            "ok".to_string()
        } else {
            format!("FAIL: {}", fail.join("; "))
        }
    )
}

/// The table's header.
pub fn header() -> String {
    format!(
        "{:<36} {:<15} {:>6} {:>8} {:>9} {:>9} {:>8} {:>6} {:>5} {:>5}  verdict",
        "path", "book", "steps", "HE", "NAV/sh x", "target x", "price x", "TE/vol", "out", "liq"
    )
}

/// Runs the suite, prints the table, fails if any case fails.
pub async fn run(a: AcceptanceArgs) -> anyhow::Result<()> {
    let all = cases(a.suite, &a.data_dir)?;
    let chosen: Vec<Case> = all
        .into_iter()
        .filter(|c| a.only.as_ref().is_none_or(|o| c.name.contains(o.as_str())))
        .collect();
    if chosen.is_empty() {
        bail!("no case matches --only {:?}", a.only);
    }
    let started = Instant::now();
    let mut lines = Vec::new();
    let mut failed = 0;
    for (i, c) in chosen.iter().enumerate() {
        eprintln!(
            "acceptance: case {}/{}: {} ({}, {} steps)",
            i + 1,
            chosen.len(),
            c.name,
            c.book,
            c.path.len() - 1
        );
        let r = run_case(c).await?;
        let fail = verdict(c, &r);
        failed += usize::from(!fail.is_empty());
        lines.push(row(c, &r, &fail));
    }
    println!(
        "\nacceptance suite ({:?}): {} cases in {:.0} s",
        a.suite,
        chosen.len(),
        started.elapsed().as_secs_f64()
    );
    println!("{}", header());
    for l in &lines {
        println!("{l}");
    }
    if failed > 0 {
        bail!("{failed} of {} cases failed", chosen.len());
    }
    Ok(())
}
