//! One module per subcommand.
pub mod backtest;
pub mod frontier;
pub mod gamma;
pub mod learn;
pub mod throughput;
