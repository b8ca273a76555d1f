//! Program accounts: one file per account type, plus the parameter structs they embed.
pub mod params;
pub mod pending_params;
pub mod vault;
pub mod withdraw_request;

pub use params::*;
pub use pending_params::*;
pub use vault::*;
pub use withdraw_request::*;
