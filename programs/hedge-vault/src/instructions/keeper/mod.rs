//! Permissionless cranks and the vol updater.
pub mod cancel_venue_orders;
pub mod check_delta;
pub mod claim_fees;
pub mod open_venue_account;
pub mod update_vol;

pub use cancel_venue_orders::*;
pub use check_delta::*;
pub use claim_fees::*;
pub use open_venue_account::*;
pub use update_vol::*;
pub mod rebalance;
pub mod rebalance_deferred;
pub mod rebalance_margin;
pub mod refresh_nav;

pub use rebalance::*;
pub use rebalance_deferred::*;
pub use rebalance_margin::*;
pub use refresh_nav::*;
