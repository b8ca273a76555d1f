//! Governance: the authority and the guardian.
pub mod accept_authority;
pub mod amend_params;
pub mod apply_params;
pub mod cancel_params;
pub mod extend_timelock;
pub mod freeze_venue;
pub mod initialize_vault;
pub mod propose_authority;
pub mod queue_params;
pub mod set_pause;

pub use accept_authority::*;
pub use amend_params::*;
pub use apply_params::*;
pub use cancel_params::*;
pub use extend_timelock::*;
pub use freeze_venue::*;
pub use initialize_vault::*;
pub use propose_authority::*;
pub use queue_params::*;
pub use set_pause::*;
