//! Venue accounts.
pub mod margin_account;
pub mod market;

pub use margin_account::*;
pub use market::*;
