//! One module per subcommand.
pub mod greeks;
pub mod simulate;
