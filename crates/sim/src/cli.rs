//! Command-line interface (clap).
use clap::{Parser, Subcommand};

use crate::cmd;

/// The hedge vault simulated end to end on an in-process chain.
#[derive(Debug, Parser)]
#[command(name = "hedge-sim", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the vault, the keeper and depositors end to end on an in-process chain along a
    /// price path, and print a report (`--serve` then keeps the chain up for the web app).
    Simulate(cmd::simulate::SimulateArgs),
    /// Check the vault's promise end to end on real and generated paths through the real
    /// program (dollar-neutral stays flat in USD, option books track their target, no
    /// liquidation, no band miss beyond a day), and print the table.
    Acceptance(cmd::acceptance::AcceptanceArgs),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match cli.command {
        Command::Acceptance(args) => rt.block_on(cmd::acceptance::run(args)),
        Command::Simulate(args) => {
            let json = args.report_json.clone();
            let serve = args.serve;
            let tick_ms = args.tick_ms;
            if serve.is_some() {
                hedge_keeper::cmd::run::init_logging(hedge_keeper::config::LogFormat::Human);
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
