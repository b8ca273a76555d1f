//! Library side of `hedge-keeper`, the production crank: chain access, the operations
//! (`should_run` / `build` / `send`), the sender, metrics and configuration, and the
//! `run`, `init-vault` and `greeks` commands. It links no test or research code: the
//! in-process chain (`chain::local`, feature `local-chain`) is for tests and the
//! simulator (`hedge-sim`); backtests and learned bands live in `hedge-research`.
//! `main.rs` only parses the command line.
pub mod chain;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod fmt;
pub mod keeper;
pub mod metrics;
pub mod ops;
pub mod sender;
pub mod snapshot;
pub mod vol;
pub mod wake;
