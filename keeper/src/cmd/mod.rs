//! One module per subcommand.
pub mod greeks;
