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
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Greeks(args) => cmd::greeks::run(args, &mut std::io::stdout().lock()),
    }
}
