//! Command-line interface (clap).
use clap::{Parser, Subcommand};

use crate::cmd;

/// Backtests, stress tests and learned bands for the hedge vault.
#[derive(Debug, Parser)]
#[command(name = "hedge-research", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Backtest hedging policies on a price path or Monte Carlo paths, with stress tests.
    Backtest(cmd::backtest::BacktestArgs),
    /// Sweep policy families over their parameter: the cost–risk frontier, table and chart.
    Frontier(cmd::frontier::FrontierArgs),
    /// The gamma-exposure map of a live vault: the keeper's trade at each price level.
    GammaMap(cmd::gamma::GammaMapArgs),
    /// Hedging steps per second: the exact fixed-point path against the f64 SIMD path.
    Throughput(cmd::throughput::ThroughputArgs),
    /// Regenerate docs/results.md from the real BTC/SOL series and Monte Carlo.
    BacktestResults(cmd::backtest::ResultsArgs),
    /// Train the learned band family across risk aversions, judge its frontier out of
    /// sample against Whalley–Wilmott and Zakamouline, export a proposal.
    LearnBands(cmd::learn::LearnArgs),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match cli.command {
        Command::Backtest(args) => rt.block_on(cmd::backtest::run(args)),
        Command::Frontier(args) => rt.block_on(cmd::frontier::run(args)),
        Command::GammaMap(args) => rt.block_on(cmd::gamma::run(args)),
        Command::Throughput(args) => cmd::throughput::run(args),
        Command::BacktestResults(args) => rt.block_on(cmd::backtest::results(args)),
        Command::LearnBands(args) => rt.block_on(cmd::learn::run(args)),
    }
}
