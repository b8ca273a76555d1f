//! Instruction builders for off-chain callers (the keeper, the simulator, the tests),
//! built from the program's own Anchor account and instruction types. Native only.
use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{InstructionData, ToAccountMetas};

use crate::state::{Vault, VenueConfig};
use crate::{accounts, instruction, RebalanceArgs, RebalanceMarginArgs, UpdateVolArgs};

fn ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: crate::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

/// Oracle accounts of a vault: the underlying price account and, when the vault values
/// collateral with its own feed, the collateral price account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OracleAccounts {
    pub underlying: Pubkey,
    pub collateral: Option<Pubkey>,
}

/// The token accounts and program of a vault that its instructions reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VaultKeys {
    pub collateral_mint: Pubkey,
    pub collateral_vault: Pubkey,
    pub token_program: Pubkey,
}

impl VaultKeys {
    pub fn of(vault: &Vault) -> Self {
        VaultKeys {
            collateral_mint: vault.collateral_mint,
            collateral_vault: vault.collateral_vault,
            token_program: vault.token_program,
        }
    }
}

/// The addresses of a vault and its program-derived accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VaultPdas {
    pub vault: Pubkey,
    pub share_mint: Pubkey,
    pub collateral_vault: Pubkey,
    pub share_escrow: Pubkey,
}

impl VaultPdas {
    /// The vault `creator` makes with `vault_id` on `collateral_mint` (seeds in
    /// [`crate::constants::VAULT_SEED`]).
    pub fn derive(collateral_mint: &Pubkey, creator: &Pubkey, vault_id: u64) -> Self {
        use crate::constants::{COLLATERAL_SEED, ESCROW_SEED, SHARE_MINT_SEED, VAULT_SEED};
        let p = &crate::ID;
        let (vault, _) = Pubkey::find_program_address(
            &[
                VAULT_SEED,
                collateral_mint.as_ref(),
                creator.as_ref(),
                &vault_id.to_le_bytes(),
            ],
            p,
        );
        let (share_mint, _) = Pubkey::find_program_address(&[SHARE_MINT_SEED, vault.as_ref()], p);
        let (collateral_vault, _) = Pubkey::find_program_address(&[COLLATERAL_SEED, vault.as_ref()], p);
        let (share_escrow, _) = Pubkey::find_program_address(&[ESCROW_SEED, vault.as_ref()], p);
        VaultPdas {
            vault,
            share_mint,
            collateral_vault,
            share_escrow,
        }
    }
}

/// The venue token pool of the local perp venue for `market`.
pub fn local_perp_pool(market: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[perp_venue::state::POOL_SEED, market.as_ref()], &perp_venue::ID).0
}

/// The local perp venue's permissionless `settle_funding` for the vault's margin account
/// on `v`.
pub fn venue_settle_funding(v: &VenueConfig, oracles: OracleAccounts) -> Instruction {
    Instruction {
        program_id: v.program_id,
        accounts: perp_venue::accounts::SettleFunding {
            market: v.market,
            margin_account: v.margin_account,
            oracle: oracles.underlying,
        }
        .to_account_metas(None),
        data: perp_venue::instruction::SettleFunding {}.data(),
    }
}

/// The local perp venue's permissionless `settle_pnl` for the vault's margin account on `v`.
pub fn venue_settle_pnl(v: &VenueConfig, oracles: OracleAccounts) -> Instruction {
    Instruction {
        program_id: v.program_id,
        accounts: perp_venue::accounts::SettlePnl {
            market: v.market,
            margin_account: v.margin_account,
            oracle: oracles.underlying,
            collateral_oracle: oracles.collateral,
        }
        .to_account_metas(None),
        data: perp_venue::instruction::SettlePnl {}.data(),
    }
}

/// Appends each venue's market and margin account (read-only), as every instruction that
/// reads the venues expects them in its remaining accounts.
pub fn with_venues(mut i: Instruction, venues: &[VenueConfig]) -> Instruction {
    for v in venues {
        i.accounts.push(AccountMeta::new_readonly(v.market, false));
        i.accounts
            .push(AccountMeta::new_readonly(v.margin_account, false));
    }
    i
}

/// `refresh_nav`, with each venue's market and margin account appended (pass the
/// vault's `params.live_venues()`).
pub fn refresh_nav(address: Pubkey, venues: &[VenueConfig], oracles: OracleAccounts) -> Instruction {
    with_venues(
        ix(
            accounts::RefreshNav {
                vault: address,
                underlying_oracle: oracles.underlying,
                collateral_oracle: oracles.collateral,
            },
            instruction::RefreshNav {},
        ),
        venues,
    )
}

/// `rebalance` trading on `v` (entry `venue_index` of the vault's venues), expecting the
/// vault at `sequence`; `venues` (the vault's `params.live_venues()`) are appended for the
/// program to read.
#[allow(clippy::too_many_arguments)]
pub fn rebalance(
    address: Pubkey,
    keys: VaultKeys,
    v: &VenueConfig,
    venues: &[VenueConfig],
    oracles: OracleAccounts,
    keeper: Pubkey,
    keeper_collateral: Pubkey,
    venue_index: u8,
    sequence: u64,
) -> Instruction {
    let i = ix(
        accounts::Rebalance {
            keeper,
            vault: address,
            underlying_oracle: oracles.underlying,
            collateral_oracle: oracles.collateral,
            venue_program: v.program_id,
            venue_market: v.market,
            venue_margin: v.margin_account,
            collateral_mint: keys.collateral_mint,
            collateral_vault: keys.collateral_vault,
            keeper_collateral,
            token_program: keys.token_program,
        },
        instruction::Rebalance {
            args: RebalanceArgs {
                expected_sequence: sequence,
                venue_index,
            },
        },
    );
    with_venues(i, venues)
}

/// `rebalance_margin` on `v` (entry `venue_index` of the vault's venues); `venues` (the
/// vault's `params.live_venues()`) are appended for the program to read.
pub fn rebalance_margin(
    address: Pubkey,
    keys: VaultKeys,
    v: &VenueConfig,
    venues: &[VenueConfig],
    oracles: OracleAccounts,
    venue_index: u8,
) -> Instruction {
    let i = ix(
        accounts::RebalanceMargin {
            vault: address,
            underlying_oracle: oracles.underlying,
            collateral_oracle: oracles.collateral,
            venue_program: v.program_id,
            venue_market: v.market,
            venue_margin: v.margin_account,
            venue_pool: local_perp_pool(&v.market),
            collateral_mint: keys.collateral_mint,
            collateral_vault: keys.collateral_vault,
            token_program: keys.token_program,
        },
        instruction::RebalanceMargin {
            args: RebalanceMarginArgs { venue_index },
        },
    );
    with_venues(i, venues)
}

/// `check_delta`, reading `venues` (the vault's `params.live_venues()`).
pub fn check_delta(address: Pubkey, venues: &[VenueConfig], oracles: OracleAccounts) -> Instruction {
    with_venues(
        ix(
            accounts::CheckDelta {
                vault: address,
                underlying_oracle: oracles.underlying,
                collateral_oracle: oracles.collateral,
            },
            instruction::CheckDelta {},
        ),
        venues,
    )
}

/// `update_vol` signed by the vault's vol updater.
pub fn update_vol(address: Pubkey, vol_updater: Pubkey, sigma_bps: u32) -> Instruction {
    ix(
        accounts::UpdateVol {
            vol_updater,
            vault: address,
        },
        instruction::UpdateVol {
            args: UpdateVolArgs { sigma_bps },
        },
    )
}
