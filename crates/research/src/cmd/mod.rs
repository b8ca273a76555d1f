//! One module per subcommand.
pub mod backtest;
pub mod frontier;
#[cfg(feature = "ml")]
pub mod learn;
