//! Command-line interface (clap).
use clap::{Parser, Subcommand};

use crate::cmd;

/// The hedge vault's production keeper.
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
    /// Run the keeper against a Solana RPC endpoint (the live crank).
    Run(crate::config::RunArgs),
    /// Create a vault from a definition file (validated before anything is sent).
    InitVault(cmd::init_vault::InitVaultArgs),
    /// Price options and their Greeks with the vault's own fixed-point engine.
    Greeks(cmd::greeks::GreeksArgs),
    /// The guardian's emergency freeze of one venue (only governance unfreezes).
    FreezeVenue(cmd::freeze_venue::FreezeVenueArgs),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Greeks(args) => cmd::greeks::run(args, &mut std::io::stdout().lock()),
        Command::Run(args) => {
            let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            rt.block_on(cmd::run::run(args))
        }
        Command::FreezeVenue(args) => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(cmd::freeze_venue::run(args))
        }
        Command::InitVault(args) => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(cmd::init_vault::run(args))
        }
    }
}
