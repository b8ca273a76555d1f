//! Pyth price loading and validation, for pull (`PriceUpdateV2`) and legacy accounts.
//!
//! Every check has its own error: owner, account / feed id, verification level,
//! staleness, sign, confidence width, EMA divergence and (legacy) trading status.
use anchor_lang::prelude::*;
use anchor_lang::AccountDeserialize;
use hedge_math::{Fix, SafeMath};
use pyth_solana_receiver_sdk::price_update::{PriceUpdateV2, VerificationLevel};

use crate::constants::BPS;
use crate::error::{math_err, VaultError};
use crate::state::{OracleConfig, OracleLimits, OracleSource, PriceFeedConfig};

/// A validated price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OraclePrice {
    /// Price (quote per whole token).
    pub price: Fix,
    /// Confidence half-interval (quote per whole token).
    pub conf: Fix,
    /// Publish time (unix seconds).
    pub publish_time: i64,
}

/// The raw fields every Pyth format provides.
#[derive(Debug, Clone, Copy)]
struct RawPrice {
    price: i64,
    conf: u64,
    expo: i32,
    ema_price: i64,
    publish_time: i64,
}

/// How feeds are read: the legacy program to trust, the staleness / confidence limits and
/// the current time (unix seconds).
///
/// Functions here take at most five machine words of arguments (sBPF passes no arguments
/// on the stack; see docs/compute-units.md), hence the small argument structs.
pub struct ReadPolicy<'a> {
    pub legacy_program: &'a Pubkey,
    pub limits: &'a OracleLimits,
    pub now: i64,
}

/// Loads and validates one feed.
#[inline(never)]
pub fn load_price(info: &AccountInfo, feed: &PriceFeedConfig, policy: &ReadPolicy) -> Result<OraclePrice> {
    let raw = match feed.source {
        OracleSource::PythPull => read_pull(info, feed)?,
        OracleSource::PythLegacy => read_legacy(info, feed, policy.legacy_program)?,
    };
    validate(raw, policy.limits, policy.now)
}

fn read_pull(info: &AccountInfo, feed: &PriceFeedConfig) -> Result<RawPrice> {
    require_keys_eq!(
        *info.owner,
        pyth_solana_receiver_sdk::ID,
        VaultError::OracleWrongOwner
    );
    let data = info.try_borrow_data()?;
    let update = PriceUpdateV2::try_deserialize(&mut &data[..])
        .map_err(|_| error!(VaultError::OracleInvalidAccount))?;
    let m = &update.price_message;
    require!(m.feed_id == feed.feed_id, VaultError::OracleWrongFeed);
    require!(
        update.verification_level == VerificationLevel::Full,
        VaultError::OracleNotFullyVerified
    );
    Ok(RawPrice {
        price: m.price,
        conf: m.conf,
        expo: m.exponent,
        ema_price: m.ema_price,
        publish_time: m.publish_time,
    })
}

fn read_legacy(info: &AccountInfo, feed: &PriceFeedConfig, legacy_program: &Pubkey) -> Result<RawPrice> {
    require_keys_eq!(info.key(), feed.account, VaultError::OracleWrongAccount);
    require_keys_eq!(*info.owner, *legacy_program, VaultError::OracleWrongOwner);
    let data = info.try_borrow_data()?;
    let acc = pyth_sdk_solana::state::load_price_account::<32, ()>(&data)
        .map_err(|_| error!(VaultError::OracleInvalidAccount))?;
    require!(
        acc.agg.status == pyth_sdk_solana::state::PriceStatus::Trading,
        VaultError::OracleNotTrading
    );
    Ok(RawPrice {
        price: acc.agg.price,
        conf: acc.agg.conf,
        expo: acc.expo,
        ema_price: acc.ema_price.val,
        publish_time: acc.timestamp,
    })
}

fn validate(raw: RawPrice, limits: &OracleLimits, now: i64) -> Result<OraclePrice> {
    require!(raw.publish_time <= now, VaultError::OraclePublishTimeInFuture);
    let age = now.saturating_sub(raw.publish_time);
    require!(age <= i64::from(limits.max_age_secs), VaultError::OracleStale);
    require!(raw.price > 0, VaultError::OracleNonPositivePrice);
    let price = u128::from(raw.price.unsigned_abs());
    // conf / price ≤ max_conf_bps / 10 000, compared exactly in integers.
    let conf_lhs = u128::from(raw.conf)
        .checked_mul(u128::from(BPS))
        .ok_or(VaultError::MathOverflow)?;
    require!(
        conf_lhs
            <= price
                .safe_mul(u128::from(limits.max_conf_bps))
                .map_err(math_err)?,
        VaultError::OracleConfidenceTooWide
    );
    require!(raw.ema_price > 0, VaultError::OracleEmaDivergence);
    let ema = u128::from(raw.ema_price.unsigned_abs());
    let div_lhs = price.abs_diff(ema).safe_mul(u128::from(BPS)).map_err(math_err)?;
    require!(
        div_lhs
            <= ema
                .safe_mul(u128::from(limits.max_ema_divergence_bps))
                .map_err(math_err)?,
        VaultError::OracleEmaDivergence
    );
    Ok(OraclePrice {
        price: scale(raw.price.unsigned_abs(), raw.expo)?,
        conf: scale(raw.conf, raw.expo)?,
        publish_time: raw.publish_time,
    })
}

/// `mantissa · 10^expo` as I80F48.
fn scale(mantissa: u64, expo: i32) -> Result<Fix> {
    require!((-18..=6).contains(&expo), VaultError::OracleBadExponent);
    let m = i64::try_from(mantissa).map_err(|_| VaultError::MathOverflow)?;
    hedge_math::from_mantissa(m, expo).map_err(math_err)
}

/// Underlying price plus how many underlying units one collateral unit is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketSnapshot {
    /// Underlying / quote.
    pub underlying: OraclePrice,
    /// Underlying units per collateral unit (1 when the collateral is the underlying).
    pub collateral_rate: Fix,
}

/// The oracle accounts an instruction was given (their own lifetimes: off-chain callers
/// build the two infos separately).
pub struct FeedAccounts<'a, 'u, 'c> {
    pub underlying: &'a AccountInfo<'u>,
    /// Required when the vault has a collateral feed.
    pub collateral: Option<&'a AccountInfo<'c>>,
}

/// Loads the underlying feed and, if configured, the collateral feed.
#[inline(never)]
pub fn load_market(
    cfg: &OracleConfig,
    limits: &OracleLimits,
    accounts: &FeedAccounts,
    now: i64,
) -> Result<MarketSnapshot> {
    let policy = ReadPolicy {
        legacy_program: &cfg.legacy_program,
        limits,
        now,
    };
    let u = load_price(accounts.underlying, &cfg.underlying, &policy)?;
    let collateral_rate = match cfg.collateral() {
        None => Fix::ONE,
        Some(feed) => {
            let info = accounts
                .collateral
                .ok_or(VaultError::OracleMissingCollateralFeed)?;
            let c = load_price(info, feed, &policy)?;
            c.price
                .checked_div(u.price)
                .ok_or_else(|| error!(VaultError::MathOverflow))?
        }
    };
    Ok(MarketSnapshot {
        underlying: u,
        collateral_rate,
    })
}
