//! Time conversion for on-chain callers.

use crate::{Fix, MathError, MathResult};

/// Seconds in the 365-day year used to annualise on-chain time.
pub const SECONDS_PER_YEAR: i64 = 31_536_000;

/// Converts a duration in seconds into years of 365 days.
///
/// Uses an integer division (exact to the last bit of I80F48) rather than a multiplication
/// by `1/31_536_000`, whose I80F48 representation would carry a 1e-7 relative error; the
/// division is [`crate::ops::ratio`], bit-identical to `fixed`'s and 64-bit only.
pub fn seconds_to_years(seconds: i64) -> MathResult<Fix> {
    crate::ops::ratio(seconds, SECONDS_PER_YEAR.unsigned_abs()).ok_or(MathError::Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_year_is_one() {
        assert_eq!(seconds_to_years(SECONDS_PER_YEAR).unwrap(), Fix::ONE);
        assert_eq!(seconds_to_years(0).unwrap(), Fix::ZERO);
        assert!(seconds_to_years(-SECONDS_PER_YEAR).unwrap() == -Fix::ONE);
    }

    #[test]
    fn one_hour_is_exact_to_an_ulp() {
        let h = seconds_to_years(3600).unwrap();
        let exact = 3600.0f64 / 31_536_000.0;
        assert!((h.to_num::<f64>() - exact).abs() < 4e-15);
    }
}
