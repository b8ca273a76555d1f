//! One module per subcommand.
pub mod backtest;
pub mod frontier;
pub mod gamma;
#[cfg(feature = "ml")]
pub mod learn;
pub mod throughput;
