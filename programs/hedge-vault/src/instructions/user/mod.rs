//! Depositors.
pub mod cancel_withdraw;
pub mod complete_withdraw;
pub mod deposit;
pub mod emergency_withdraw;
pub mod quote_option;
pub mod request_withdraw;

pub use cancel_withdraw::*;
pub use complete_withdraw::*;
pub use deposit::*;
pub use emergency_withdraw::*;
pub use quote_option::*;
pub use request_withdraw::*;
