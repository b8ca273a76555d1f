//! `hedge-sim`: the hedge vault simulated end to end.
use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = hedge_sim::cli::Cli::parse();
    match hedge_sim::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
