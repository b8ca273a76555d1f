//! Cancel the vault's orders at a venue once they have expired unfilled (orders placed by
//! `rebalance_deferred`): until then `plan` counts them as traded, so an order nobody
//! fills would hold the hedge back.
use anchor_lang::solana_program::instruction::Instruction;
use hedge_vault::venues;

use crate::snapshot::VaultSnapshot;

/// The first venue with open orders that the program would let anyone cancel now: it
/// takes deferred orders, is neither frozen nor paused, and the orders have expired.
pub fn should_run(s: &VaultSnapshot) -> Option<u8> {
    if !s.vault.deferred_expired(s.now) {
        return None;
    }
    s.venues
        .iter()
        .position(|(cfg, v)| {
            v.pending != 0 && v.accepts_margin() && venues::capabilities(cfg.kind).deferred_fills
        })
        .and_then(|i| u8::try_from(i).ok())
}

/// `cancel_venue_orders` for venue `i`, with the venues' support accounts.
pub fn build(i: u8, s: &VaultSnapshot) -> Vec<Instruction> {
    let cfg = &s.vault.params.venues[usize::from(i)];
    vec![hedge_client::with_accounts(
        hedge_client::cancel_venue_orders(s.address, cfg, s.oracles, i),
        &s.support_metas(true),
    )]
}
