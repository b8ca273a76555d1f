//! Library side of `hedge-keeper`: the crank (operations, sender, chain access), the
//! simulator and the tools. `main.rs` only parses the command line.
pub mod backtest;
pub mod chain;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod fmt;
pub mod keeper;
pub mod learn;
pub mod metrics;
pub mod ops;
pub mod sender;
pub mod serve;
pub mod snapshot;
pub mod vol;
