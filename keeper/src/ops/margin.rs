//! Keep venue margin within its governance bounds.
use anchor_lang::solana_program::instruction::Instruction;
use hedge_client::VaultKeys;
use hedge_math::Fix;
use hedge_vault::{margin_move, MarginState};

use crate::snapshot::VaultSnapshot;

/// The collateral `rebalance_margin` would move for venue `i` now: the program's own
/// `margin_move`, fed what the program feeds it (`pending_trade`: the next leg there plus
/// the orders still open there).
pub fn margin_needed(s: &VaultSnapshot, i: usize) -> Option<i64> {
    let (_, view) = s.venues.get(i)?;
    // Frozen by the guardian or paused at the venue: the program refuses, so nothing is due.
    if !view.accepts_margin() {
        return None;
    }
    let views: Vec<_> = s.venues.iter().map(|(_, v)| *v).collect();
    let pending = hedge_vault::pending_trade(&s.vault, &s.report, &views, i);
    margin_move(
        &MarginState {
            view: *view,
            pending,
            available: s.vault.total_collateral,
            price: s.market.underlying.price,
            // As the program feeds it: the collateral as the venue counts it for margin.
            collateral_rate: view.margin_rate(s.market.collateral_rate)?,
            unit: s.unit(),
        },
        &s.vault.params.margin,
    )
    .ok()
}

/// First venue whose margin is out of bounds.
pub fn should_run(s: &VaultSnapshot) -> Option<u8> {
    (0..s.venues.len())
        .find(|&i| margin_needed(s, i).is_some_and(|m| m != 0))
        .and_then(|i| u8::try_from(i).ok())
}

pub fn build(venue_index: u8, s: &VaultSnapshot) -> Vec<Instruction> {
    let cfg = &s.vault.params.venues[usize::from(venue_index)];
    let Some(pool) = s.pool(usize::from(venue_index)) else {
        return Vec::new();
    };
    vec![hedge_client::with_accounts(
        hedge_client::rebalance_margin_via(
            s.address,
            VaultKeys::of(&s.vault),
            cfg,
            s.vault.params.live_venues(),
            s.oracles,
            venue_index,
            pool,
        ),
        &s.support_metas(true),
    )]
}

/// Venue equity in quote (for reports).
pub fn venue_equity(s: &VaultSnapshot) -> Fix {
    s.venues
        .iter()
        .fold(Fix::ZERO, |acc, (_, v)| acc.saturating_add(v.equity_quote))
}
