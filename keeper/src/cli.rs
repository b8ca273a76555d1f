//! Command-line interface (clap).
use clap::{Parser, Subcommand};

use crate::cmd;

/// Keeper, simulator and tooling for the hedge vault.
#[derive(Debug, Parser)]
#[command(name = "hedge-keeper", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Price options and their Greeks with the vault's own fixed-point engine.
    Greeks(cmd::greeks::GreeksArgs),
    /// Run the vault, the keeper and depositors end to end on an in-process chain along a
    /// price path, and print a report.
    Simulate(cmd::simulate::SimulateArgs),
    /// Check the vault's promise end to end on real and generated paths through the real
    /// program (dollar-neutral stays flat in USD, option books track their target, no
    /// liquidation, no band miss beyond a day), and print the table.
    Acceptance(cmd::acceptance::AcceptanceArgs),
    /// Run the keeper against a Solana RPC endpoint (the live crank).
    Run(crate::config::RunArgs),
    /// Create a vault from a definition file (validated before anything is sent).
    InitVault(cmd::init_vault::InitVaultArgs),
    /// Backtest hedging policies on a price path or Monte Carlo paths, with stress tests.
    Backtest(cmd::backtest::BacktestArgs),
    /// Regenerate docs/results.md from the real BTC/SOL series and Monte Carlo.
    BacktestResults(cmd::backtest::ResultsArgs),
    /// Train the learned band correction, validate it out of sample, export a proposal.
    LearnBands(cmd::learn::LearnArgs),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Greeks(args) => cmd::greeks::run(args, &mut std::io::stdout().lock()),
        Command::Run(args) => {
            let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            rt.block_on(cmd::run::run(args))
        }
        Command::InitVault(args) => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(cmd::init_vault::run(args))
        }
        Command::Backtest(args) => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(cmd::backtest::run(args))
        }
        Command::BacktestResults(args) => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(cmd::backtest::results(args))
        }
        Command::Acceptance(args) => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(cmd::acceptance::run(args))
        }
        Command::LearnBands(args) => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(cmd::learn::run(args))
        }
        Command::Simulate(args) => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let json = args.report_json.clone();
            let serve = args.serve;
            let tick_ms = args.tick_ms;
            if serve.is_some() {
                cmd::run::init_logging(crate::config::LogFormat::Human);
            }
            // Bind first: a busy address fails before the run, not after it.
            let endpoint = match serve {
                Some(addr) => Some(
                    rt.block_on(crate::serve::bind(addr))
                        .map_err(|e| anyhow::anyhow!("cannot bind {addr}: {e}"))?,
                ),
                None => None,
            };
            let (report, mut live) = rt.block_on(cmd::simulate::run_live(args))?;
            cmd::simulate::print(&report);
            if let Some(path) = json {
                std::fs::write(&path, serde_json::to_string_pretty(&report)? + "\n")
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
                eprintln!("report written to {}", path.display());
            }
            if let Some(endpoint) = endpoint {
                rt.block_on(cmd::simulate::serve(&mut live, endpoint, tick_ms));
            }
            Ok(())
        }
    }
}
