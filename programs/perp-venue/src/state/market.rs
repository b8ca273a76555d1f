use anchor_lang::prelude::*;
use hedge_math::Fix;

use crate::error::{math_err, VenueError};

/// Market PDA seed: `[MARKET_SEED, feed_id, market_index LE]`.
#[constant]
pub const MARKET_SEED: &[u8] = b"market";
/// Pool token account PDA seed: `[POOL_SEED, market]`.
#[constant]
pub const POOL_SEED: &[u8] = b"pool";
/// Largest |funding rate| the admin may set: 100 % a year (bps). The vault trusts the
/// venue's admin with funding; this bounds what a hostile admin can take from a margin
/// account (at most the notional a year) (docs/security.md).
pub const MAX_FUNDING_RATE_BPS: i32 = 10_000;
/// Seconds per 365-day year.
pub const YEAR_SECS: i64 = 31_536_000;

/// What a market accepts, set by its admin (like Drift's exchange and market status
/// bits): the vault reads it before every CPI, so a paused venue is detected, not
/// reverted into.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace, Default)]
pub enum MarketStatus {
    /// Everything is accepted.
    #[default]
    Active,
    /// Orders may only shrink a position; margin moves, settlements and liquidations go on.
    ReduceOnly,
    /// Nothing but reads: every instruction that touches a margin account fails
    /// (`MarketPaused`), liquidations included.
    Paused,
}

/// One perpetual market on one Pyth feed.
#[account]
#[derive(InitSpace, Debug)]
pub struct Market {
    /// May set the funding rate and fund the LP pool.
    pub admin: Pubkey,
    /// Second PDA seed, so several markets can share a feed.
    pub market_index: u16,
    pub bump: u8,
    pub pool_bump: u8,
    /// Pyth pull feed id of the underlying / quote price.
    pub feed_id: [u8; 32],
    /// Pyth pull feed id of the margin collateral / quote price; `None`: the collateral is
    /// the underlying.
    pub collateral_feed_id: Option<[u8; 32]>,
    /// Oldest accepted oracle publish time (seconds).
    pub max_oracle_age_secs: u32,
    /// Largest accepted confidence / price (bps).
    pub max_conf_bps: u16,
    /// Margin collateral mint and its decimals (also the underlying's base-unit decimals).
    pub collateral_mint: Pubkey,
    pub decimals: u8,
    /// Token account holding all margin and LP collateral (PDA, authority = market).
    pub pool: Pubkey,
    /// Taker fee (bps of notional), paid to the LP through the fill price.
    pub taker_fee_bps: u16,
    /// Linear impact depth: a trade of `depth` base units moves its fill by 100 %.
    pub impact_depth: u64,
    /// Initial and maintenance margin (bps of notional).
    pub initial_margin_bps: u16,
    pub maintenance_margin_bps: u16,
    /// Liquidation penalty (bps of notional closed), paid to the liquidator.
    pub liquidation_fee_bps: u16,
    /// Funding rate (bps per year of notional, longs pay shorts when positive).
    pub funding_rate_bps: i32,
    /// Cumulative funding per whole underlying unit (quote), I80F48 bits.
    pub cumulative_funding_fx: i128,
    /// Last time the index accrued (unix seconds).
    pub last_funding_ts: i64,
    /// LP collateral in the pool (base units).
    pub lp_collateral: u64,
    /// Traders' collateral in the pool (base units).
    pub trader_collateral: u64,
    /// Open interest (underlying base units).
    pub open_interest_long: u64,
    pub open_interest_short: u64,
    /// Newest oracle publish time the market has used (unix seconds): nobody can value an
    /// account at an older update than one already seen (monotonic per market).
    pub last_publish_time: i64,
    /// What the market accepts now.
    pub status: MarketStatus,
}

impl Market {
    /// Fails while the market is paused.
    pub fn require_not_paused(&self) -> Result<()> {
        require!(self.status != MarketStatus::Paused, VenueError::MarketPaused);
        Ok(())
    }

    /// Fails unless an order moving `position` by `size` is accepted now: nothing while
    /// paused, only reductions (towards zero, never past it) while reduce-only.
    pub fn require_order_allowed(&self, position: i64, size: i64) -> Result<()> {
        self.require_not_paused()?;
        if self.status == MarketStatus::ReduceOnly {
            let after = position.checked_add(size).ok_or(VenueError::MathOverflow)?;
            let reduces = after.unsigned_abs() < position.unsigned_abs()
                && (after == 0 || after.signum() == position.signum());
            require!(reduces, VenueError::MarketReduceOnly);
        }
        Ok(())
    }

    /// Requires an update no older than the newest the market has used, and records it.
    pub fn observe_publish_time(&mut self, publish_time: i64) -> Result<()> {
        require!(
            publish_time >= self.last_publish_time,
            crate::error::VenueError::OracleOlderThanSeen
        );
        self.last_publish_time = publish_time;
        Ok(())
    }

    /// Cumulative funding index as a number.
    pub fn funding_index(&self) -> Fix {
        Fix::from_bits(self.cumulative_funding_fx)
    }

    /// Accrues funding to `now` at the oracle price: index += rate · price · dt / year.
    pub fn accrue_funding(&mut self, price: Fix, now: i64) -> Result<()> {
        let dt = now.saturating_sub(self.last_funding_ts);
        if dt <= 0 {
            return Ok(());
        }
        let years = hedge_math::time::seconds_to_years(dt).map_err(math_err)?;
        let rate = Fix::from_num(self.funding_rate_bps)
            .checked_div_int(10_000)
            .ok_or(VenueError::MathOverflow)?;
        let delta = rate
            .checked_mul(price)
            .and_then(|v| v.checked_mul(years))
            .ok_or(VenueError::MathOverflow)?;
        self.cumulative_funding_fx = self
            .funding_index()
            .checked_add(delta)
            .ok_or(VenueError::MathOverflow)?
            .to_bits();
        self.last_funding_ts = now;
        Ok(())
    }

    /// Signer seeds of the market PDA (owner of the pool) — call with a local binding for
    /// the index bytes.
    pub fn seeds<'a>(&'a self, index: &'a [u8; 2]) -> [&'a [u8]; 4] {
        [
            MARKET_SEED,
            self.feed_id.as_ref(),
            index.as_ref(),
            core::slice::from_ref(&self.bump),
        ]
    }

    /// Base units per whole token.
    pub fn unit(&self) -> i128 {
        10i128.pow(u32::from(self.decimals))
    }
}
