//! One module per subcommand.
pub mod backtest;
#[cfg(feature = "ml")]
pub mod learn;
