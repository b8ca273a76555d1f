//! One module per subcommand.
pub mod acceptance;
pub mod backtest;
pub mod greeks;
pub mod init_vault;
pub mod learn;
pub mod live;
pub mod run;
pub mod simulate;
