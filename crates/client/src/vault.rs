//! Every `hedge-vault` instruction, built from the program's own Anchor account and
//! instruction types, and its PDAs.
use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{InstructionData, ToAccountMetas};
use hedge_vault::constants::{PENDING_SEED, WITHDRAW_SEED};
use hedge_vault::state::{ParamsChange, Vault, VenueConfig};
use hedge_vault::{accounts, instruction, RebalanceArgs, RebalanceMarginArgs, UpdateVolArgs};

/// An instruction to the vault program from its typed accounts and data.
pub fn ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: hedge_vault::ID,
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
    /// [`hedge_vault::constants::VAULT_SEED`]).
    pub fn derive(collateral_mint: &Pubkey, creator: &Pubkey, vault_id: u64) -> Self {
        use hedge_vault::constants::{COLLATERAL_SEED, ESCROW_SEED, SHARE_MINT_SEED, VAULT_SEED};
        let p = &hedge_vault::ID;
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
    crate::venue::pool(market)
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

/// Appends `metas` (a venue's support accounts, e.g. [`DriftSupport::metas`]).
pub fn with_accounts(mut i: Instruction, metas: &[AccountMeta]) -> Instruction {
    i.accounts.extend_from_slice(metas);
    i
}

/// What a Drift venue needs beyond its `PerpMarket` and the vault's `User`. The program
/// finds each among the remaining accounts by content, so they go after everything else,
/// in any order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftSupport {
    /// The oracle Drift prices the perp market with.
    pub perp_oracle: Pubkey,
    /// The spot markets the vault's `User` holds or will hold: (market index, its oracle;
    /// the default key for the quote market).
    pub spot_markets: Vec<(u16, Pubkey)>,
    /// The collateral's spot market.
    pub collateral_spot: u16,
}

impl DriftSupport {
    /// Drift's `State`, its signer, the vault's `UserStats`, the spot markets, their token
    /// vaults and the oracles; writable where an order, a margin move or a settlement
    /// writes when `trading`.
    pub fn metas(&self, vault: &Pubkey, trading: bool) -> Vec<AccountMeta> {
        use hedge_drift::pda;
        let w = |k: Pubkey| {
            if trading {
                AccountMeta::new(k, false)
            } else {
                AccountMeta::new_readonly(k, false)
            }
        };
        let mut out = vec![
            AccountMeta::new_readonly(pda::state(), false),
            AccountMeta::new_readonly(pda::signer(), false),
            w(pda::user_stats(vault)),
            AccountMeta::new_readonly(self.perp_oracle, false),
        ];
        for (index, oracle) in &self.spot_markets {
            out.push(w(pda::spot_market(*index)));
            out.push(w(pda::spot_market_vault(*index)));
            if *oracle != Pubkey::default() && !out.iter().any(|m| m.pubkey == *oracle) {
                out.push(AccountMeta::new_readonly(*oracle, false));
            }
        }
        out
    }

    /// The collateral spot market's token vault: `rebalance_margin_via`'s pool.
    pub fn pool(&self) -> Pubkey {
        hedge_drift::pda::spot_market_vault(self.collateral_spot)
    }

    /// What `open_venue_account` needs: the `State`, the vault's `UserStats` (created
    /// there), the rent sysvar and the system program.
    pub fn open_metas(vault: &Pubkey) -> Vec<AccountMeta> {
        use hedge_drift::pda;
        vec![
            AccountMeta::new(pda::state(), false),
            AccountMeta::new(pda::user_stats(vault), false),
            AccountMeta::new_readonly(hedge_drift::RENT_SYSVAR, false),
            AccountMeta::new_readonly(anchor_lang::system_program::ID, false),
        ]
    }
}

/// What a Phoenix Rise venue needs beyond its orderbook and the vault's trader account.
/// The program finds each by address or type among the remaining accounts (and derives
/// the spline collection and the custody accounts itself, checking the passed ones), so
/// they go after everything else, in any order, except that each index's arenas follow
/// their header in Phoenix's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoenixSupport {
    /// The perp asset map (the global configuration names it).
    pub perp_asset_map: Pubkey,
    /// The global trader index: its header, then its arenas.
    pub global_trader_index: Vec<Pubkey>,
    /// The active trader buffer: its header, then its arenas.
    pub active_trader_buffer: Vec<Pubkey>,
    /// Phoenix's withdraw queue (the global configuration names it).
    pub withdraw_queue: Pubkey,
}

impl PhoenixSupport {
    /// Everything an instruction reading, trading or moving margin at Phoenix needs for
    /// the vault at `vault` with collateral `mint` on the market `orderbook`: writable
    /// where Phoenix writes when `trading`.
    pub fn metas(
        &self,
        vault: &Pubkey,
        orderbook: &Pubkey,
        mint: &Pubkey,
        trading: bool,
    ) -> Vec<AccountMeta> {
        use hedge_phoenix as p;
        let w = |k: Pubkey| {
            if trading {
                AccountMeta::new(k, false)
            } else {
                AccountMeta::new_readonly(k, false)
            }
        };
        let program = Pubkey::new_from_array(p::PROGRAM_ID);
        let (c, custody) = Self::custody(vault, mint);
        let spline = Pubkey::find_program_address(&[p::SPLINE_SEED, orderbook.as_ref()], &program).0;
        let mut out = vec![
            w(Pubkey::new_from_array(p::GLOBAL_CONFIGURATION)),
            AccountMeta::new_readonly(Pubkey::new_from_array(p::LOG_AUTHORITY), false),
            w(self.perp_asset_map),
            w(spline),
            AccountMeta::new_readonly(c, false),
            w(custody),
            w(self.withdraw_queue),
        ];
        out.extend(self.global_trader_index.iter().map(|k| w(*k)));
        out.extend(self.active_trader_buffer.iter().map(|k| w(*k)));
        out
    }

    /// The vault's trader account's wallet PDA and its custody token account for `mint`:
    /// `rebalance_margin_via`'s pool is the custody account.
    pub fn custody(vault: &Pubkey, mint: &Pubkey) -> (Pubkey, Pubkey) {
        use hedge_phoenix as p;
        let program = Pubkey::new_from_array(p::PROGRAM_ID);
        let trader = hedge_vault::venues::phoenix::trader_address(vault);
        let wallet = Pubkey::find_program_address(&[p::WALLET_SEED, trader.as_ref()], &program).0;
        let ata = Pubkey::find_program_address(
            &[wallet.as_ref(), &p::TOKEN_PROGRAM_ID, mint.as_ref()],
            &Pubkey::new_from_array(p::ASSOCIATED_TOKEN_PROGRAM_ID),
        )
        .0;
        (wallet, ata)
    }
}

/// `open_venue_account` for venue `venue_index` (`v`), paid by `payer`; append what the
/// venue needs ([`DriftSupport::open_metas`]).
pub fn open_venue_account(address: Pubkey, v: &VenueConfig, venue_index: u8, payer: Pubkey) -> Instruction {
    ix(
        accounts::OpenVenueAccount {
            payer,
            vault: address,
            venue_program: v.program_id,
            venue_market: v.market,
            venue_margin: v.margin_account,
            system_program: anchor_lang::system_program::ID,
        },
        instruction::OpenVenueAccount {
            args: hedge_vault::OpenVenueAccountArgs { venue_index },
        },
    )
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

/// `rebalance`'s remaining accounts: each venue's market and margin account, writable
/// (the program may trade on every venue in one instruction), then each venue program
/// other than `primary`'s (read-only, once).
fn with_venues_for_trading(mut i: Instruction, primary: &VenueConfig, venues: &[VenueConfig]) -> Instruction {
    for v in venues {
        i.accounts.push(AccountMeta::new(v.market, false));
        i.accounts.push(AccountMeta::new(v.margin_account, false));
    }
    let mut programs: Vec<Pubkey> = Vec::new();
    for v in venues {
        if v.program_id != primary.program_id && !programs.contains(&v.program_id) {
            programs.push(v.program_id);
            i.accounts.push(AccountMeta::new_readonly(v.program_id, false));
        }
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
    with_venues_for_trading(i, v, venues)
}

/// `rebalance_deferred` at `v` (entry `venue_index`: the plan's primary venue), by
/// `keeper`; the vault's venues are appended as for [`rebalance`], then the venue's
/// support accounts (e.g. [`DriftSupport::metas`] with `trading`) with [`with_accounts`].
pub fn rebalance_deferred(
    address: Pubkey,
    v: &VenueConfig,
    venues: &[VenueConfig],
    oracles: OracleAccounts,
    keeper: Pubkey,
    venue_index: u8,
    sequence: u64,
) -> Instruction {
    let i = ix(
        accounts::RebalanceDeferred {
            keeper,
            vault: address,
            underlying_oracle: oracles.underlying,
            collateral_oracle: oracles.collateral,
            venue_program: v.program_id,
            venue_market: v.market,
            venue_margin: v.margin_account,
        },
        instruction::RebalanceDeferred {
            args: hedge_vault::RebalanceDeferredArgs {
                expected_sequence: sequence,
                venue_index,
            },
        },
    );
    with_venues_for_trading(i, v, venues)
}

/// `cancel_venue_orders` at `v` (entry `venue_index`); append the venue's support accounts
/// (e.g. [`DriftSupport::metas`] with `trading`).
pub fn cancel_venue_orders(
    address: Pubkey,
    v: &VenueConfig,
    oracles: OracleAccounts,
    venue_index: u8,
) -> Instruction {
    ix(
        accounts::CancelVenueOrders {
            vault: address,
            underlying_oracle: oracles.underlying,
            collateral_oracle: oracles.collateral,
            venue_program: v.program_id,
            venue_market: v.market,
            venue_margin: v.margin_account,
        },
        instruction::CancelVenueOrders {
            args: hedge_vault::CancelVenueOrdersArgs { venue_index },
        },
    )
}

/// `rebalance_margin` on `v` (entry `venue_index` of the vault's venues); `venues` (the
/// vault's `params.live_venues()`) are appended for the program to read. The reference
/// venue's pool is derived; for another venue use [`rebalance_margin_via`].
pub fn rebalance_margin(
    address: Pubkey,
    keys: VaultKeys,
    v: &VenueConfig,
    venues: &[VenueConfig],
    oracles: OracleAccounts,
    venue_index: u8,
) -> Instruction {
    rebalance_margin_via(
        address,
        keys,
        v,
        venues,
        oracles,
        venue_index,
        local_perp_pool(&v.market),
    )
}

/// As [`rebalance_margin`], with the venue's token account that margin moves to and from
/// (`pool`; Drift: the collateral spot market's vault, [`DriftSupport::pool`]).
pub fn rebalance_margin_via(
    address: Pubkey,
    keys: VaultKeys,
    v: &VenueConfig,
    venues: &[VenueConfig],
    oracles: OracleAccounts,
    venue_index: u8,
    pool: Pubkey,
) -> Instruction {
    let i = ix(
        accounts::RebalanceMargin {
            vault: address,
            underlying_oracle: oracles.underlying,
            collateral_oracle: oracles.collateral,
            venue_program: v.program_id,
            venue_market: v.market,
            venue_margin: v.margin_account,
            venue_pool: pool,
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

/// `quote_option`: the engine's price and Greeks of one option, as return data.
pub fn quote_option(args: hedge_vault::QuoteOptionArgs) -> Instruction {
    ix(accounts::QuoteOption {}, instruction::QuoteOption { args })
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

/// A depositor's accounts: the signer and its collateral and share token accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    pub owner: Pubkey,
    pub collateral: Pubkey,
    pub shares: Pubkey,
}

/// Everything a vault's instructions reference: its PDAs, mint and token program, its
/// oracle accounts and its venues (in the vault's order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultClient {
    pub pdas: VaultPdas,
    pub collateral_mint: Pubkey,
    pub token_program: Pubkey,
    pub oracles: OracleAccounts,
    pub venues: Vec<VenueConfig>,
}

/// The withdrawal request PDA of `owner` on `vault`.
pub fn request_pda(vault: &Pubkey, owner: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[WITHDRAW_SEED, vault.as_ref(), owner.as_ref()], &hedge_vault::ID).0
}

/// The pending parameter change PDA of `vault`.
pub fn pending_pda(vault: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[PENDING_SEED, vault.as_ref()], &hedge_vault::ID).0
}

impl VaultClient {
    /// The client of a vault read from the chain at `address` (its venues included).
    pub fn of(address: Pubkey, vault: &Vault, oracles: OracleAccounts) -> Self {
        VaultClient {
            pdas: VaultPdas {
                vault: address,
                share_mint: vault.share_mint,
                collateral_vault: vault.collateral_vault,
                share_escrow: vault.share_escrow,
            },
            collateral_mint: vault.collateral_mint,
            token_program: vault.token_program,
            oracles,
            venues: vault.params.live_venues().to_vec(),
        }
    }

    /// The vault's address.
    pub fn address(&self) -> Pubkey {
        self.pdas.vault
    }

    /// The token accounts and program the keeper-side builders take.
    pub fn keys(&self) -> VaultKeys {
        VaultKeys {
            collateral_mint: self.collateral_mint,
            collateral_vault: self.pdas.collateral_vault,
            token_program: self.token_program,
        }
    }

    pub fn initialize_vault_accounts(&self, authority: Pubkey) -> accounts::InitializeVault {
        accounts::InitializeVault {
            authority,
            vault: self.pdas.vault,
            collateral_mint: self.collateral_mint,
            share_mint: self.pdas.share_mint,
            collateral_vault: self.pdas.collateral_vault,
            share_escrow: self.pdas.share_escrow,
            token_program: self.token_program,
            system_program: anchor_lang::system_program::ID,
        }
    }

    /// `initialize_vault`, signed and paid by `authority` (the creator).
    pub fn initialize_vault(&self, authority: Pubkey, args: hedge_vault::InitializeVaultArgs) -> Instruction {
        ix(
            self.initialize_vault_accounts(authority),
            instruction::InitializeVault { args },
        )
    }

    pub fn deposit_accounts(&self, h: &Holder) -> accounts::Deposit {
        accounts::Deposit {
            user: h.owner,
            vault: self.pdas.vault,
            collateral_mint: self.collateral_mint,
            share_mint: self.pdas.share_mint,
            collateral_vault: self.pdas.collateral_vault,
            share_escrow: self.pdas.share_escrow,
            user_collateral: h.collateral,
            user_shares: h.shares,
            token_program: self.token_program,
        }
    }

    /// `deposit` (with venues, put `refresh_nav` before it in the same transaction).
    pub fn deposit(&self, h: &Holder, amount: u64, min_shares_out: u64) -> Instruction {
        ix(
            self.deposit_accounts(h),
            instruction::Deposit {
                args: hedge_vault::DepositArgs {
                    amount,
                    min_shares_out,
                },
            },
        )
    }

    /// `emergency_withdraw` (in kind, once the oracle has been silent for a day).
    pub fn emergency_withdraw(&self, h: &Holder, shares: u64, min_assets_out: u64) -> Instruction {
        ix(
            accounts::EmergencyWithdraw {
                owner: h.owner,
                vault: self.pdas.vault,
                collateral_mint: self.collateral_mint,
                share_mint: self.pdas.share_mint,
                collateral_vault: self.pdas.collateral_vault,
                share_escrow: self.pdas.share_escrow,
                owner_shares: h.shares,
                owner_collateral: h.collateral,
                token_program: self.token_program,
            },
            instruction::EmergencyWithdraw {
                args: hedge_vault::EmergencyWithdrawArgs {
                    shares,
                    min_assets_out,
                },
            },
        )
    }

    pub fn request_withdraw_accounts(&self, h: &Holder) -> accounts::RequestWithdraw {
        accounts::RequestWithdraw {
            owner: h.owner,
            vault: self.pdas.vault,
            request: request_pda(&self.pdas.vault, &h.owner),
            share_mint: self.pdas.share_mint,
            share_escrow: self.pdas.share_escrow,
            collateral_vault: self.pdas.collateral_vault,
            owner_shares: h.shares,
            token_program: self.token_program,
            system_program: anchor_lang::system_program::ID,
        }
    }

    /// `request_withdraw` of `shares`.
    pub fn request_withdraw(&self, h: &Holder, shares: u64) -> Instruction {
        ix(
            self.request_withdraw_accounts(h),
            instruction::RequestWithdraw {
                args: hedge_vault::RequestWithdrawArgs { shares },
            },
        )
    }

    pub fn complete_withdraw_accounts(
        &self,
        h: &Holder,
        oracles: Option<OracleAccounts>,
    ) -> accounts::CompleteWithdraw {
        accounts::CompleteWithdraw {
            owner: h.owner,
            vault: self.pdas.vault,
            request: request_pda(&self.pdas.vault, &h.owner),
            collateral_mint: self.collateral_mint,
            share_mint: self.pdas.share_mint,
            collateral_vault: self.pdas.collateral_vault,
            share_escrow: self.pdas.share_escrow,
            owner_collateral: h.collateral,
            token_program: self.token_program,
            underlying_oracle: oracles.map(|o| o.underlying),
            collateral_oracle: oracles.and_then(|o| o.collateral),
        }
    }

    /// `complete_withdraw`: with venues, the oracles and `[program, market, margin
    /// account, pool]` per venue (the exit unwinds its share of the hedge and may bring
    /// margin back).
    pub fn complete_withdraw(&self, h: &Holder) -> Instruction {
        let pools: Vec<Pubkey> = self.venues.iter().map(|v| local_perp_pool(&v.market)).collect();
        self.complete_withdraw_via(h, &pools)
    }

    /// As [`VaultClient::complete_withdraw`], with each venue's token account that margin
    /// comes back from (`pools`, in venue order; Drift: [`DriftSupport::pool`], and append
    /// [`DriftSupport::metas`]).
    pub fn complete_withdraw_via(&self, h: &Holder, pools: &[Pubkey]) -> Instruction {
        let oracles = (!self.venues.is_empty()).then_some(self.oracles);
        let mut i = ix(
            self.complete_withdraw_accounts(h, oracles),
            instruction::CompleteWithdraw {},
        );
        for (v, pool) in self.venues.iter().zip(pools) {
            i.accounts.push(AccountMeta::new_readonly(v.program_id, false));
            i.accounts.push(AccountMeta::new(v.market, false));
            i.accounts.push(AccountMeta::new(v.margin_account, false));
            i.accounts.push(AccountMeta::new(*pool, false));
        }
        i
    }

    pub fn cancel_withdraw_accounts(&self, h: &Holder) -> accounts::CancelWithdraw {
        accounts::CancelWithdraw {
            owner: h.owner,
            vault: self.pdas.vault,
            request: request_pda(&self.pdas.vault, &h.owner),
            share_mint: self.pdas.share_mint,
            share_escrow: self.pdas.share_escrow,
            collateral_vault: self.pdas.collateral_vault,
            owner_shares: h.shares,
            token_program: self.token_program,
        }
    }

    /// `cancel_withdraw`: the escrowed shares come back.
    pub fn cancel_withdraw(&self, h: &Holder) -> Instruction {
        ix(self.cancel_withdraw_accounts(h), instruction::CancelWithdraw {})
    }

    /// `queue_params` opening the pending set with `change`.
    pub fn queue_params(&self, authority: Pubkey, change: ParamsChange) -> Instruction {
        ix(
            accounts::QueueParams {
                authority,
                vault: self.pdas.vault,
                pending: pending_pda(&self.pdas.vault),
                system_program: anchor_lang::system_program::ID,
            },
            instruction::QueueParams {
                args: hedge_vault::QueueParamsArgs { change },
            },
        )
    }

    /// `amend_params` adding `change` to the pending set.
    pub fn amend_params(&self, authority: Pubkey, change: ParamsChange) -> Instruction {
        ix(
            accounts::AmendParams {
                authority,
                vault: self.pdas.vault,
                pending: pending_pda(&self.pdas.vault),
            },
            instruction::AmendParams {
                args: hedge_vault::AmendParamsArgs { change },
            },
        )
    }

    /// `apply_params`, reading the current venues (and, for a feed rotation, priced from
    /// `self.oracles`: pass the new feeds' accounts).
    pub fn apply_params(&self, authority: Pubkey) -> Instruction {
        with_venues(
            ix(
                accounts::ApplyParams {
                    authority,
                    vault: self.pdas.vault,
                    share_mint: self.pdas.share_mint,
                    pending: pending_pda(&self.pdas.vault),
                    underlying_oracle: self.oracles.underlying,
                    collateral_oracle: self.oracles.collateral,
                },
                instruction::ApplyParams {},
            ),
            &self.venues,
        )
    }

    /// `cancel_params`.
    pub fn cancel_params(&self, authority: Pubkey) -> Instruction {
        ix(
            accounts::CancelParams {
                authority,
                vault: self.pdas.vault,
                pending: pending_pda(&self.pdas.vault),
            },
            instruction::CancelParams {},
        )
    }

    /// `extend_timelock` to `timelock_secs` (at once; it only lengthens).
    pub fn extend_timelock(&self, authority: Pubkey, timelock_secs: u32) -> Instruction {
        ix(
            accounts::ExtendTimelock {
                authority,
                vault: self.pdas.vault,
            },
            instruction::ExtendTimelock {
                args: hedge_vault::ExtendTimelockArgs { timelock_secs },
            },
        )
    }

    /// `propose_authority`.
    pub fn propose_authority(&self, authority: Pubkey, new_authority: Pubkey) -> Instruction {
        ix(
            accounts::ProposeAuthority {
                authority,
                vault: self.pdas.vault,
            },
            instruction::ProposeAuthority {
                args: hedge_vault::ProposeAuthorityArgs { new_authority },
            },
        )
    }

    /// `accept_authority`, signed by the proposed authority.
    pub fn accept_authority(&self, new_authority: Pubkey) -> Instruction {
        ix(
            accounts::AcceptAuthority {
                new_authority,
                vault: self.pdas.vault,
            },
            instruction::AcceptAuthority {},
        )
    }

    /// `set_pause`, by the guardian (adds flags) or the authority.
    pub fn set_pause(&self, signer: Pubkey, paused: u16, withdraw_only: bool) -> Instruction {
        ix(
            accounts::SetPause {
                signer,
                vault: self.pdas.vault,
            },
            instruction::SetPause {
                args: hedge_vault::SetPauseArgs {
                    paused,
                    withdraw_only,
                },
            },
        )
    }

    /// `freeze_venue`, by the guardian or the authority.
    pub fn freeze_venue(&self, signer: Pubkey, venue_index: u8) -> Instruction {
        ix(
            accounts::FreezeVenue {
                signer,
                vault: self.pdas.vault,
            },
            instruction::FreezeVenue {
                args: hedge_vault::FreezeVenueArgs { venue_index },
            },
        )
    }

    /// `claim_fees` to the fee recipient's share account.
    pub fn claim_fees(&self, recipient_shares: Pubkey) -> Instruction {
        ix(
            accounts::ClaimFees {
                vault: self.pdas.vault,
                share_mint: self.pdas.share_mint,
                collateral_vault: self.pdas.collateral_vault,
                share_escrow: self.pdas.share_escrow,
                recipient_shares,
                token_program: self.token_program,
            },
            instruction::ClaimFees {},
        )
    }

    /// `refresh_nav` over the vault's venues.
    pub fn refresh_nav(&self) -> Instruction {
        refresh_nav(self.pdas.vault, &self.venues, self.oracles)
    }

    /// `check_delta` over the vault's venues, with `oracles`.
    pub fn check_delta(&self, oracles: OracleAccounts) -> Instruction {
        check_delta(self.pdas.vault, &self.venues, oracles)
    }

    /// `update_vol`.
    pub fn update_vol(&self, vol_updater: Pubkey, sigma_bps: u32) -> Instruction {
        update_vol(self.pdas.vault, vol_updater, sigma_bps)
    }
}
