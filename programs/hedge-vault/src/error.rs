//! Every failure of the vault program, each with its own code and message.
use anchor_lang::prelude::*;
use hedge_math::MathError;

#[error_code]
pub enum VaultError {
    // ---- Access control ----
    #[msg("Signer is not the vault authority")]
    NotAuthority,
    #[msg("Signer is not the pending authority")]
    NotPendingAuthority,
    #[msg("No authority transfer is pending")]
    NoPendingAuthority,
    #[msg("Signer is neither the guardian nor the authority")]
    NotGuardianOrAuthority,
    #[msg("The guardian may only add pause flags, never clear them")]
    GuardianCannotUnpause,
    #[msg("Signer is not the vol updater")]
    NotVolUpdater,
    #[msg("Signer does not own this withdrawal request")]
    NotRequestOwner,

    // ---- Pause ----
    #[msg("This instruction is paused")]
    InstructionPaused,
    #[msg("The vault is in withdraw-only mode")]
    WithdrawOnly,
    #[msg("Unknown pause flag bits")]
    InvalidPauseBits,

    // ---- Parameters ----
    #[msg("Timelock outside [60 s, 30 days]")]
    TimelockOutOfBounds,
    #[msg("A shorter timelock must go through the timelock queue")]
    TimelockShortening,
    #[msg("Management fee above 5 % per year")]
    ManagementFeeTooHigh,
    #[msg("Performance fee above 30 %")]
    PerformanceFeeTooHigh,
    #[msg("Withdrawal delay above 7 days")]
    WithdrawalDelayTooLong,
    #[msg("Minimum deposit must be > 0 and not above the deposit cap")]
    InvalidDepositLimits,
    #[msg("Delta target outside [-100 %, +200 %]")]
    DeltaTargetOutOfBounds,
    #[msg("Delta band outside [0.01 %, 50 %]")]
    DeltaBandOutOfBounds,
    #[msg("Rebalance cooldown above one day")]
    CooldownTooLong,
    #[msg("Maximum rebalance size must be > 0")]
    ZeroMaxRebalance,
    #[msg("Maximum slippage above 5 %")]
    SlippageTooHigh,
    #[msg("Rate or carry outside ±50 % per year")]
    RateOutOfBounds,
    #[msg("Vol bounds invalid: need 1 % <= min <= max <= 500 % and a positive step")]
    InvalidVolBounds,
    #[msg("Oracle limits invalid: age 1..3600 s, confidence 1..500 bps, EMA divergence 1..5000 bps")]
    InvalidOracleLimits,
    #[msg("Too many option legs")]
    TooManyLegs,
    #[msg("Option leg strike must be > 0")]
    LegStrikeNotPositive,
    #[msg("Option leg quantity must be non-zero")]
    LegQuantityZero,
    #[msg("Option leg expiry must be in the future and at most two years out")]
    LegExpiryOutOfBounds,
    #[msg("Option leg vol outside [1 %, 500 %] (0 means: use the vault's sigma)")]
    LegVolOutOfBounds,
    #[msg("Book gamma exposure above its limit")]
    GammaLimitExceeded,
    #[msg("Book vega above its limit")]
    VegaLimitExceeded,
    #[msg("Book theta above its limit")]
    ThetaLimitExceeded,
    #[msg("The timelock has not elapsed")]
    TimelockNotElapsed,
    #[msg("The pending change belongs to another vault")]
    PendingVaultMismatch,
    #[msg("Role keys must be set (not the default pubkey)")]
    InvalidRole,
    #[msg("Cost-aware band needs a min band within bounds, a cost and a risk aversion")]
    InvalidCostAwareBand,
    #[msg("Funding policy invalid: cut must be 1..=10000 bps and the delay at most 30 days")]
    InvalidFundingPolicy,
    #[msg("Band correction needs the cost-aware band and every cell within [2500, 40000] bps")]
    InvalidBandCorrection,
    #[msg("Too many venues")]
    TooManyVenues,
    #[msg("Margin bounds invalid: need 1 % <= min <= target <= max <= 200 %")]
    InvalidMarginParams,
    #[msg("Venue program id does not match its adapter")]
    VenueProgramMismatch,
    #[msg("Venue margin account is not the vault's PDA on that market")]
    VenueMarginAccountMismatch,
    #[msg("A venue with an open position cannot be removed or changed")]
    VenueHasPosition,

    // ---- Rebalancing ----
    #[msg("Vault sequence changed: another keeper got there first")]
    StaleSequence,
    #[msg("Rebalance cooldown has not passed")]
    CooldownActive,
    #[msg("Net delta is within the band: nothing to do")]
    NoBreach,
    #[msg("No venue has room for this trade")]
    NoVenueCapacity,
    #[msg("Trade must go to the first venue with room")]
    WrongVenue,
    #[msg("Venue account does not match the vault's venue configuration")]
    VenueAccountMismatch,
    #[msg("Venue position did not change as ordered")]
    VenueFillMismatch,
    #[msg("Fill price beyond the slippage limit")]
    FillSlippage,
    #[msg("Venue margin already within bounds")]
    MarginWithinBounds,
    #[msg("NAV is stale: refresh_nav must run in the same slot")]
    NavStale,
    #[msg("Venue accounts missing from remaining accounts")]
    MissingVenueAccounts,

    // ---- Oracle ----
    #[msg("Oracle account has the wrong owner")]
    OracleWrongOwner,
    #[msg("Oracle account is not the configured one")]
    OracleWrongAccount,
    #[msg("Oracle account data is invalid")]
    OracleInvalidAccount,
    #[msg("Oracle feed id does not match the configured feed")]
    OracleWrongFeed,
    #[msg("Oracle update is not fully verified")]
    OracleNotFullyVerified,
    #[msg("Oracle price is stale")]
    OracleStale,
    #[msg("Oracle price is zero or negative")]
    OracleNonPositivePrice,
    #[msg("Oracle confidence interval too wide")]
    OracleConfidenceTooWide,
    #[msg("Oracle price diverges too far from its EMA")]
    OracleEmaDivergence,
    #[msg("Legacy oracle price is not in Trading status")]
    OracleNotTrading,
    #[msg("Oracle exponent out of range")]
    OracleBadExponent,
    #[msg("A collateral price feed is configured but its account was not passed")]
    OracleMissingCollateralFeed,

    // ---- Deposits and withdrawals ----
    #[msg("Amount must be > 0")]
    ZeroAmount,
    #[msg("Deposit below the minimum")]
    DepositTooSmall,
    #[msg("Deposit would exceed the vault's cap")]
    DepositCapExceeded,
    #[msg("Fewer shares than min_shares_out")]
    SlippageExceeded,
    #[msg("Deposit too small to mint a share")]
    ZeroSharesMinted,
    #[msg("Withdrawal delay has not elapsed")]
    WithdrawalNotReady,
    #[msg("Redemption is worth zero collateral")]
    ZeroAssetsOut,
    #[msg("The vault's collateral is insufficient for this payout")]
    InsufficientCollateral,
    #[msg("Collateral mint has a transfer fee larger than the deposit")]
    TransferFeeTooLarge,

    // ---- Vol ----
    #[msg("Sigma outside the governance bounds")]
    SigmaOutOfBounds,
    #[msg("Sigma change larger than the allowed step")]
    SigmaStepTooLarge,
    #[msg("Sigma updated too recently")]
    SigmaUpdateTooSoon,

    // ---- Accounting and math ----
    #[msg("Arithmetic overflow")]
    MathOverflow,
    #[msg("Division by zero")]
    DivisionByZero,
    #[msg("Pricing input outside the engine's domain")]
    PricingDomain,
    #[msg("Vault invariant violated")]
    InvariantViolated,
    #[msg("Internal: the book was priced for the band only, its vega and theta are unknown")]
    BookGreeksNotComputed,
    #[msg("A venue still holding vault margin cannot be removed or changed: return the margin first")]
    VenueHasMargin,
    #[msg("Roll rule out of bounds: tenor up to two years, strike 50 % to 200 % of the price (or no rule: both 0)")]
    InvalidRollRule,
    #[msg("Rebalance cooldown below the minimum (10 s): it is the only limit on forced rebalances")]
    CooldownTooShort,
    #[msg("Oracle publish time is in the future")]
    OraclePublishTimeInFuture,
    #[msg("Oracle update older than one this vault has already used")]
    OracleOlderThanSeen,
    #[msg("The collateral mint has a Token-2022 extension the vault cannot hold safely (transfer fee, transfer hook, permanent delegate, default state, pausable, …)")]
    UnsupportedMintExtension,
    #[msg("The collateral mint has a freeze authority (pass trust_freeze_authority to accept its issuer)")]
    MintHasFreezeAuthority,
    #[msg("The oracle is alive: the in-kind emergency exit opens after a day without an accepted update")]
    OracleNotDead,

    // ---- Venue health ----
    #[msg("No configured venue has this index (or the venue bitmask names none)")]
    VenueIndexOutOfRange,
    #[msg("The venue is frozen by the guardian: no CPI goes to it until governance unfreezes it")]
    VenueFrozen,
    #[msg("The venue reports itself paused: nothing can be sent to it now")]
    VenuePaused,
    #[msg("The venue is reduce-only: only trades that shrink the position are accepted")]
    VenueReduceOnly,
    #[msg("A venue to unfreeze is not frozen")]
    VenueNotFrozen,
    #[msg("Frozen-venue haircut above 100 % (10 000 bps)")]
    HaircutOutOfBounds,
    #[msg("The venue account holds a position or asset the vault did not put there and cannot value (another market, another token)")]
    VenueUnexpectedHolding,
    #[msg("An account the venue adapter needs (the venue's state, a market, an oracle, a token vault) was not passed, or is not the venue's")]
    VenueSupportAccountMissing,
    #[msg("The order is not a whole number of the venue's lots (its order step size, in the vault's base units)")]
    VenueLotSize,
    #[msg("The venue registers trader accounts itself (gated onboarding): register the vault PDA's account there")]
    VenueAccountGated,
    #[msg("The venue's adapter places no order that fills later (it fills at once or not at all)")]
    VenueNoDeferredFills,
    #[msg("Orders the vault placed earlier are still open at the venue: they cover the trade until they fill, or are cancelled once expired (cancel_venue_orders)")]
    VenueOrdersPending,
    #[msg("The vault has no open order at this venue")]
    NoOpenOrders,
    #[msg("The vault's open orders at the venue have not expired yet")]
    OrdersNotExpired,
}

impl From<MathError> for VaultError {
    fn from(e: MathError) -> Self {
        match e {
            MathError::Overflow | MathError::ExpOverflow => VaultError::MathOverflow,
            MathError::DivisionByZero => VaultError::DivisionByZero,
            MathError::LnOfNonPositive
            | MathError::SqrtOfNegative
            | MathError::NonPositiveSpot
            | MathError::NonPositiveStrike
            | MathError::NegativeVol
            | MathError::NegativeTime
            | MathError::NonPositiveRiskAversion
            | MathError::NegativeCost
            | MathError::NegativeBand => VaultError::PricingDomain,
        }
    }
}

/// Maps a [`MathError`] into the program's error type.
pub fn math_err(e: MathError) -> Error {
    error!(VaultError::from(e))
}
