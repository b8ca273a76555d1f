//! `hedge-keeper`: the hedge vault's command-line tool.
use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = hedge_keeper::cli::Cli::parse();
    match hedge_keeper::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
