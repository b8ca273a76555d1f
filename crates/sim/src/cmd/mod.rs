//! One module per subcommand.
pub mod acceptance;
pub mod live;
pub mod simulate;
