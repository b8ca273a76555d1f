//! Backtest and stress engine: replays a hedging policy on a price path (real or
//! generated) with fees, linear impact and funding, and measures how well the hedged
//! vault tracks its target book. Pure off-chain and deterministic; the target Greeks
//! and the Whalley–Wilmott / Zakamouline bands come from `hedge-math`, the same code
//! the program runs.
pub mod engine;
pub mod fast;
pub mod generators;
pub mod mc;
pub mod plot;
pub mod stress;
pub mod volscore;

pub use engine::{run_path, Book, BookSpec, Costs, PathResult, Policy, Scenario};
