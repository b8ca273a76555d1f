//! Open the vault's margin account at a venue where it does not exist yet (a Drift `User`,
//! whose authority must sign: the vault signs by CPI in `open_venue_account`).
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use hedge_client::DriftSupport;

use crate::snapshot::VaultSnapshot;

/// The first venue whose margin account is missing.
pub fn should_run(s: &VaultSnapshot) -> Option<u8> {
    s.opened
        .iter()
        .position(|open| !open)
        .and_then(|i| u8::try_from(i).ok())
}

/// `open_venue_account` for venue `i`, paid by `payer` (the keeper).
pub fn build(i: u8, s: &VaultSnapshot, payer: Pubkey) -> Vec<Instruction> {
    let cfg = &s.vault.params.venues[usize::from(i)];
    vec![hedge_client::with_accounts(
        hedge_client::open_venue_account(s.address, cfg, i, payer),
        &DriftSupport::open_metas(&s.address),
    )]
}
