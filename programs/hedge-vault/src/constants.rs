//! Seeds, capacities and the hard bounds that governance can never exceed.
//!
//! All are `#[constant]`, so they are published in the IDL: clients (the web app's
//! parameter validation, PDA derivation) read them from there instead of copying them.
use anchor_lang::prelude::*;

/// Vault PDA: `[VAULT_SEED, collateral_mint, creator, vault_id (u64 LE)]`: the creator
/// is part of the address, so nobody can front-run a planned vault and become its authority.
#[constant]
pub const VAULT_SEED: &[u8] = b"vault";
/// Share mint PDA: `[SHARE_MINT_SEED, vault]`.
#[constant]
pub const SHARE_MINT_SEED: &[u8] = b"shares";
/// Collateral token account PDA: `[COLLATERAL_SEED, vault]`.
#[constant]
pub const COLLATERAL_SEED: &[u8] = b"collateral";
/// Escrow of shares awaiting withdrawal: `[ESCROW_SEED, vault]`.
#[constant]
pub const ESCROW_SEED: &[u8] = b"escrow";
/// Withdrawal request PDA: `[WITHDRAW_SEED, vault, owner]`.
#[constant]
pub const WITHDRAW_SEED: &[u8] = b"withdraw";
/// Queued parameter change PDA: `[PENDING_SEED, vault]`.
#[constant]
pub const PENDING_SEED: &[u8] = b"pending";

/// Capacity of the venue list.
pub const MAX_VENUES: usize = 2;
/// Venue margin bounds (bps of hedge notional): 1 % to 200 %.
#[constant]
pub const MIN_MARGIN_BPS: u32 = 100;
/// See [`MIN_MARGIN_BPS`].
#[constant]
pub const MAX_MARGIN_BPS: u32 = 20_000;
/// Adverse move venue margin is sized to survive: 5 % to 90 % of the price (bps).
#[constant]
pub const MIN_MARGIN_STRESS_BPS: u32 = 500;
/// See [`MIN_MARGIN_STRESS_BPS`].
#[constant]
pub const MAX_MARGIN_STRESS_BPS: u32 = 9_000;

/// Capacity of the synthetic option book.
pub const MAX_LEGS: usize = 16;
/// Layout version of [`crate::state::Vault`].
#[constant]
pub const VAULT_VERSION: u8 = 2;

/// How long the vault must have accepted no oracle update before `emergency_withdraw`
/// (the in-kind exit without a price) opens: one day (seconds).
#[constant]
pub const ORACLE_DEAD_SECS: i64 = 86_400;

/// Expected holding time of a hedge trade, over which the router counts the funding a
/// venue charges or pays the trade's side (seconds): one week.
#[constant]
pub const ROUTE_FUNDING_HORIZON_SECS: u32 = 7 * 86_400;

/// Shortest life of an order placed by `rebalance_deferred` (seconds): the venue's
/// keepers get at least this long to fill it before anyone may cancel it.
#[constant]
pub const MIN_DEFERRED_TTL_SECS: i64 = 30;

/// Basis points in 100 %.
#[constant]
pub const BPS: u64 = 10_000;

// ---- Hard bounds (checked by `VaultParams::validate`) ----

/// Timelock: at least one minute, at most 30 days (seconds).
#[constant]
pub const MIN_TIMELOCK_SECS: u32 = 60;
/// See [`MIN_TIMELOCK_SECS`].
#[constant]
pub const MAX_TIMELOCK_SECS: u32 = 30 * 86_400;
/// Management fee: at most 5 % per year (bps per year).
#[constant]
pub const MAX_MANAGEMENT_FEE_BPS: u16 = 500;
/// Performance fee: at most 30 % of gains over the high-water mark (bps).
#[constant]
pub const MAX_PERFORMANCE_FEE_BPS: u16 = 3_000;
/// Withdrawal delay: at most 7 days (seconds).
#[constant]
pub const MAX_WITHDRAWAL_DELAY_SECS: u32 = 7 * 86_400;
/// Delta target: between −100 % and +200 % of the collateral's underlying exposure (bps).
#[constant]
pub const MIN_DELTA_TARGET_BPS: i32 = -10_000;
/// See [`MIN_DELTA_TARGET_BPS`].
#[constant]
pub const MAX_DELTA_TARGET_BPS: i32 = 20_000;
/// Delta band half-width: 0.01 % to 50 % of the collateral's underlying exposure (bps).
#[constant]
pub const MIN_DELTA_BAND_BPS: u32 = 1;
/// See [`MIN_DELTA_BAND_BPS`].
#[constant]
pub const MAX_DELTA_BAND_BPS: u32 = 5_000;
/// Rebalance cooldown: at least 10 s (the only limit on forced rebalances).
#[constant]
pub const MIN_REBALANCE_COOLDOWN_SECS: u32 = 10;
/// Rebalance cooldown: at most one day (seconds).
#[constant]
pub const MAX_REBALANCE_COOLDOWN_SECS: u32 = 86_400;
/// Maximum slippage of a hedge trade: at most 5 % (bps).
#[constant]
pub const MAX_SLIPPAGE_BPS: u16 = 500;
/// Rates r and q: within ±50 % per year (bps).
#[constant]
pub const MAX_ABS_RATE_BPS: i32 = 5_000;
/// Vol bounds accepted for σ and for leg implied vols: 1 % to 500 % (bps).
#[constant]
pub const MIN_SIGMA_BPS: u32 = 100;
/// See [`MIN_SIGMA_BPS`].
#[constant]
pub const MAX_SIGMA_BPS: u32 = 50_000;
/// Oracle age: 1 s to 1 hour.
#[constant]
pub const MAX_ORACLE_AGE_SECS: u32 = 3_600;
/// Oracle confidence / price: at most 5 % (bps).
#[constant]
pub const MAX_ORACLE_CONF_BPS: u16 = 500;
/// Oracle price vs EMA price divergence: at most 50 % (bps).
#[constant]
pub const MAX_ORACLE_EMA_DIVERGENCE_BPS: u16 = 5_000;
/// Strike of a rolled leg: 50 % to 200 % of the price at the roll.
#[constant]
pub const MIN_ROLL_MONEYNESS_PCT: u8 = 50;
/// See [`MIN_ROLL_MONEYNESS_PCT`].
#[constant]
pub const MAX_ROLL_MONEYNESS_PCT: u8 = 200;
/// Size of a rolled leg: at most 200 % of NAV (bps).
#[constant]
pub const MAX_COVER_BPS: u16 = 20_000;
/// Longest option leg: two years (seconds).
#[constant]
pub const MAX_LEG_TENOR_SECS: i64 = 2 * 31_536_000;
