//! Library side of `hedge-keeper`: every subcommand lives in [`cmd`] so that tests and
//! the simulator can call it without spawning processes.
pub mod cli;
pub mod cmd;
pub mod fmt;
