//! `hedge-research`: backtests, stress tests and learned bands for the hedge vault.
use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = hedge_research::cli::Cli::parse();
    match hedge_research::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
