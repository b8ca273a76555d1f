//! `hedge-client`: every instruction builder, PDA and event decoder of both programs
//! (`hedge-vault`, `perp-venue`), built from the programs' own Anchor account and
//! instruction types. The keeper, the simulator, `init-vault` and the tests all build
//! their instructions here.
//!
//! * [`vault`]: the vault ([`vault::VaultClient`] for a vault's user and governance
//!   instructions; free functions for the keeper's), [`vault::VaultPdas`];
//! * [`venue`]: the local perp venue;
//! * [`events`]: Anchor events from transaction logs.
pub mod events;
pub mod vault;
pub mod venue;

pub use vault::*;
