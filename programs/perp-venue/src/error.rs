//! Errors of the perp venue.
use anchor_lang::prelude::*;
use hedge_math::MathError;

#[error_code(offset = 7000)]
pub enum VenueError {
    #[msg("Signer is not the market admin")]
    NotAdmin,
    #[msg("Signer is not the margin account's authority")]
    NotAuthority,
    #[msg("Market parameters out of bounds")]
    InvalidMarketParams,
    #[msg("Funding rate out of bounds (±100 % per year)")]
    FundingRateOutOfBounds,
    #[msg("Amount must be > 0")]
    ZeroAmount,
    #[msg("Order size must be non-zero")]
    ZeroSize,
    #[msg("Fill price beyond the limit price")]
    SlippageExceeded,
    #[msg("Account would be below initial margin")]
    InsufficientMargin,
    #[msg("Withdrawal larger than the account's collateral")]
    InsufficientCollateral,
    #[msg("The LP pool cannot pay this profit")]
    InsufficientLiquidity,
    #[msg("Account is not below maintenance margin")]
    NotLiquidatable,
    #[msg("Oracle account has the wrong owner")]
    OracleWrongOwner,
    #[msg("Oracle account data is invalid")]
    OracleInvalidAccount,
    #[msg("Oracle feed id does not match the market")]
    OracleWrongFeed,
    #[msg("Oracle update is not fully verified")]
    OracleNotFullyVerified,
    #[msg("Oracle price is stale")]
    OracleStale,
    #[msg("Oracle price is zero or negative")]
    OracleNonPositivePrice,
    #[msg("Oracle confidence interval too wide")]
    OracleConfidenceTooWide,
    #[msg("Collateral oracle required by this market was not passed")]
    OracleMissingCollateralFeed,
    #[msg("Arithmetic overflow")]
    MathOverflow,
    #[msg("Pricing input outside the engine's domain")]
    PricingDomain,
    #[msg("Oracle publish time is in the future")]
    OraclePublishTimeInFuture,
    #[msg("Oracle update older than one this market has already used")]
    OracleOlderThanSeen,
    #[msg("The market is paused by its admin")]
    MarketPaused,
    #[msg("The market is reduce-only: orders may only shrink a position")]
    MarketReduceOnly,
}

/// Maps a [`MathError`] into the venue's errors.
pub fn math_err(e: MathError) -> Error {
    match e {
        MathError::Overflow | MathError::ExpOverflow | MathError::DivisionByZero => {
            error!(VenueError::MathOverflow)
        }
        _ => error!(VenueError::PricingDomain),
    }
}
