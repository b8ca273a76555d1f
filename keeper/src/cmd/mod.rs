//! One module per subcommand of the production keeper.
pub mod freeze_venue;
pub mod greeks;
pub mod init_vault;
pub mod run;
