//! One module per subcommand.
pub mod acceptance;
pub mod simulate;
