//! One module per subcommand.
pub mod greeks;
pub mod run;
pub mod simulate;
pub mod init_vault;
