//! Keeper operations. Each is a pure `should_run` (a decision from a snapshot, using the
//! program's own computations) and a `build` (instructions from the program's own
//! builders); [`crate::sender::send`] does the sending. Operations are idempotent: the
//! program rejects a repeat (sequence, band, cooldown, interval), and the sender treats
//! those rejections as benign.
pub mod cancel;
pub mod funding;
pub mod margin;
pub mod open;
pub mod pnl;
pub mod rebalance;
pub mod vol;
