//! Pyth pull-oracle reading for the venue (owner, feed id, full verification, age,
//! sign and confidence checks).
use anchor_lang::prelude::*;
use anchor_lang::AccountDeserialize;
use hedge_math::{Fix, SafeMath};
use pyth_solana_receiver_sdk::price_update::{PriceUpdateV2, VerificationLevel};

use crate::error::{math_err, VenueError};
use crate::state::Market;

/// A validated price with its confidence half-interval (quote per whole token) and
/// publish time (unix seconds).
#[derive(Debug, Clone, Copy)]
pub struct Quote {
    pub price: Fix,
    pub conf: Fix,
    pub publish_time: i64,
}

/// Loads a price for `feed_id` from a `PriceUpdateV2` account.
pub fn load_quote(info: &AccountInfo, feed_id: &[u8; 32], market: &Market, now: i64) -> Result<Quote> {
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
    require!(m.publish_time <= now, VenueError::OraclePublishTimeInFuture);
    require!(
        now.saturating_sub(m.publish_time) <= i64::from(market.max_oracle_age_secs),
        VenueError::OracleStale
    );
    require!(m.price > 0, VenueError::OracleNonPositivePrice);
    require!(
        u128::from(m.conf).safe_mul(10_000).map_err(math_err)?
            <= u128::from(m.price.unsigned_abs())
                .safe_mul(u128::from(market.max_conf_bps))
                .map_err(math_err)?,
        VenueError::OracleConfidenceTooWide
    );
    let conf = i64::try_from(m.conf).map_err(|_| VenueError::MathOverflow)?;
    Ok(Quote {
        price: hedge_math::from_mantissa(m.price, m.exponent).map_err(math_err)?,
        conf: hedge_math::from_mantissa(conf, m.exponent).map_err(math_err)?,
        publish_time: m.publish_time,
    })
}

/// Loads the underlying price and records its publish time (monotonic per market).
pub fn load(info: &AccountInfo, market: &mut Market, now: i64) -> Result<Quote> {
    let feed = market.feed_id;
    let q = load_quote(info, &feed, market, now)?;
    market.observe_publish_time(q.publish_time)?;
    Ok(q)
}

/// The prices an account is valued at.
#[derive(Debug, Clone, Copy)]
pub struct Prices {
    /// Underlying (quote per whole token).
    pub price: Fix,
    /// The underlying's confidence half-interval (quote per whole token).
    pub conf: Fix,
    /// Collateral (quote per whole token).
    pub cprice: Fix,
}

impl Prices {
    /// The underlying price within the confidence interval that favours an account with
    /// `position` (a long gains from a higher price): liquidations test health here, so
    /// nobody is liquidated on the price's noise.
    pub fn favouring(&self, position: i64) -> Fix {
        if position > 0 {
            self.price.saturating_add(self.conf)
        } else {
            self.price.saturating_sub(self.conf).max(Fix::DELTA)
        }
    }

    /// The underlying price within the confidence interval that hurts `position`: margin
    /// leaves an account only if it is healthy there.
    pub fn against(&self, position: i64) -> Fix {
        self.favouring(position.saturating_neg())
    }
}

/// Underlying and collateral prices for `market`, the underlying's publish time recorded.
pub fn prices(
    market: &mut Market,
    underlying: &AccountInfo,
    collateral: Option<&AccountInfo>,
    now: i64,
) -> Result<Prices> {
    let q = load(underlying, market, now)?;
    let cprice = match &market.collateral_feed_id {
        None => q.price,
        Some(id) => {
            load_quote(
                collateral.ok_or(VenueError::OracleMissingCollateralFeed)?,
                id,
                market,
                now,
            )?
            .price
        }
    };
    Ok(Prices {
        price: q.price,
        conf: q.conf,
        cprice,
    })
}

/// Loads the prices, accrues the market's funding index to `now` and settles it into
/// `margin`: the common prologue of every instruction that values an account.
pub fn settle_to_now(
    market: &mut Market,
    margin: &mut crate::state::MarginAccount,
    underlying: &AccountInfo,
    collateral: Option<&AccountInfo>,
    now: i64,
) -> Result<Prices> {
    let p = prices(market, underlying, collateral, now)?;
    market.accrue_funding(p.price, now)?;
    margin.settle_funding(market)?;
    Ok(p)
}
