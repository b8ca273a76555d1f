//! One instruction per file.
pub mod create_margin_account;
pub mod deposit_margin;
pub mod init_market;
pub mod liquidate;
pub mod lp_deposit;
pub mod place_order;
pub mod set_funding_rate;
pub mod set_market_status;
pub mod settle_funding;
pub mod settle_pnl;
pub mod withdraw_margin;

pub use create_margin_account::*;
pub use deposit_margin::*;
pub use init_market::*;
pub use liquidate::*;
pub use lp_deposit::*;
pub use place_order::*;
pub use set_funding_rate::*;
pub use set_market_status::*;
pub use settle_funding::*;
pub use settle_pnl::*;
pub use withdraw_margin::*;
