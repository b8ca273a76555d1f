//! Pyth pull-oracle reading for the venue (owner, feed id, full verification, age,
//! sign and confidence checks).
use anchor_lang::prelude::*;
use anchor_lang::AccountDeserialize;
use hedge_math::Fix;
use pyth_solana_receiver_sdk::price_update::{PriceUpdateV2, VerificationLevel};

use crate::error::{math_err, VenueError};
use crate::state::Market;

/// Loads a price for `feed_id` from a `PriceUpdateV2` account.
pub fn load(info: &AccountInfo, feed_id: &[u8; 32], market: &Market, now: i64) -> Result<Fix> {
    require_keys_eq!(
        *info.owner,
        pyth_solana_receiver_sdk::ID,
        VenueError::OracleWrongOwner
    );
    let data = info.try_borrow_data()?;
    let u = PriceUpdateV2::try_deserialize(&mut &data[..])
        .map_err(|_| error!(VenueError::OracleInvalidAccount))?;
    let m = &u.price_message;
    require!(m.feed_id == *feed_id, VenueError::OracleWrongFeed);
    require!(
        u.verification_level == VerificationLevel::Full,
        VenueError::OracleNotFullyVerified
    );
    require!(
        now.saturating_sub(m.publish_time) <= i64::from(market.max_oracle_age_secs),
        VenueError::OracleStale
    );
    require!(m.price > 0, VenueError::OracleNonPositivePrice);
    require!(
        u128::from(m.conf) * 10_000 <= u128::from(m.price.unsigned_abs()) * u128::from(market.max_conf_bps),
        VenueError::OracleConfidenceTooWide
    );
    hedge_math::from_mantissa(m.price, m.exponent).map_err(math_err)
}

/// Underlying and collateral prices for `market`.
pub fn prices(
    market: &Market,
    underlying: &AccountInfo,
    collateral: Option<&AccountInfo>,
    now: i64,
) -> Result<(Fix, Fix)> {
    let p = load(underlying, &market.feed_id, market, now)?;
    let c = match &market.collateral_feed_id {
        None => p,
        Some(id) => load(
            collateral.ok_or(VenueError::OracleMissingCollateralFeed)?,
            id,
            market,
            now,
        )?,
    };
    Ok((p, c))
}

/// Loads the prices, accrues the market's funding index to `now` and settles it into
/// `margin`: the common prologue of every instruction that values an account.
pub fn settle_to_now(
    market: &mut Market,
    margin: &mut crate::state::MarginAccount,
    underlying: &AccountInfo,
    collateral: Option<&AccountInfo>,
    now: i64,
) -> Result<(Fix, Fix)> {
    let (price, cprice) = prices(market, underlying, collateral, now)?;
    market.accrue_funding(price, now)?;
    margin.settle_funding(market)?;
    Ok((price, cprice))
}
