//! `hedge-research`: the research around the hedge vault. Backtests and stress tests of
//! hedging policies on real and generated paths (`backtest`), the cost–risk frontier of
//! policy families (`frontier`), volatility forecast scoring,
//! and the learned band family (`learn`: a correction table per risk aversion, trained by
//! policy search on the exact engine). The backtest engine's
//! `decide` is tested equal to the program's band decision
//! (`tests/engine_equals_program.rs`). `main.rs` only parses the command line.
pub mod backtest;
pub mod cli;
pub mod cmd;
pub mod data;
pub mod frontier;
pub mod gamma_map;
pub mod learn;
pub mod markdown;
