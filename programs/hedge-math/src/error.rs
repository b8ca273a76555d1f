use core::fmt;

/// Every way a computation in this crate can refuse its input.
///
/// There is no catch-all variant: each failure names its cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MathError {
    /// An intermediate or final value left the representable range of the type.
    Overflow,
    /// A division by zero was requested.
    DivisionByZero,
    /// `exp(x)` for `x` above [`crate::primitives::EXP_MAX`]: the result does not fit in I80F48.
    ExpOverflow,
    /// `ln(x)` for `x <= 0`.
    LnOfNonPositive,
    /// `sqrt(x)` for `x < 0`.
    SqrtOfNegative,
    /// Spot price must be strictly positive.
    NonPositiveSpot,
    /// Strike price must be strictly positive.
    NonPositiveStrike,
    /// Volatility must be non-negative.
    NegativeVol,
    /// Time to expiry must be non-negative.
    NegativeTime,
    /// The Whalley–Wilmott risk aversion γ must be strictly positive.
    NonPositiveRiskAversion,
    /// A proportional cost (λ) must be non-negative.
    NegativeCost,
    /// A delta band half-width must be non-negative.
    NegativeBand,
}

impl MathError {
    /// A short human-readable description, also used by `Display`.
    pub const fn message(self) -> &'static str {
        match self {
            MathError::Overflow => "arithmetic overflow",
            MathError::DivisionByZero => "division by zero",
            MathError::ExpOverflow => "exp argument too large for I80F48",
            MathError::LnOfNonPositive => "ln of a non-positive number",
            MathError::SqrtOfNegative => "sqrt of a negative number",
            MathError::NonPositiveSpot => "spot must be > 0",
            MathError::NonPositiveStrike => "strike must be > 0",
            MathError::NegativeVol => "volatility must be >= 0",
            MathError::NegativeTime => "time to expiry must be >= 0",
            MathError::NonPositiveRiskAversion => "risk aversion must be > 0",
            MathError::NegativeCost => "proportional cost must be >= 0",
            MathError::NegativeBand => "band half-width must be >= 0",
        }
    }
}

impl fmt::Display for MathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl core::error::Error for MathError {}
