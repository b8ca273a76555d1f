//! Checked arithmetic on amounts, in the style of SafeMath: every operation returns a typed
//! [`MathError`] (`Overflow` or `DivisionByZero`) instead of wrapping or panicking. Both
//! programs map it to their own error (`VaultError::MathOverflow` / `DivisionByZero`,
//! `VenueError::MathOverflow`), and `clippy::arithmetic_side_effects` is denied in their
//! code, so bare `+ - * /` on amounts does not pass CI.
//!
//! The methods are `#[track_caller]`: under a debugger or in a native test, a failing
//! call reports the line that made it, not this module.
use crate::MathError;

/// Checked `+ - * /` for the integer types amounts use.
pub trait SafeMath: Sized + Copy {
    /// `self + rhs`, or [`MathError::Overflow`].
    fn safe_add(self, rhs: Self) -> Result<Self, MathError>;
    /// `self - rhs`, or [`MathError::Overflow`] (below zero for unsigned types).
    fn safe_sub(self, rhs: Self) -> Result<Self, MathError>;
    /// `self × rhs`, or [`MathError::Overflow`].
    fn safe_mul(self, rhs: Self) -> Result<Self, MathError>;
    /// `self / rhs` rounded towards zero, or [`MathError::DivisionByZero`] /
    /// [`MathError::Overflow`] (`MIN / −1`).
    fn safe_div(self, rhs: Self) -> Result<Self, MathError>;
}

macro_rules! impl_safe_math {
    ($($t:ty),*) => {$(
        impl SafeMath for $t {
            #[inline]
            #[track_caller]
            fn safe_add(self, rhs: Self) -> Result<Self, MathError> {
                self.checked_add(rhs).ok_or(MathError::Overflow)
            }
            #[inline]
            #[track_caller]
            fn safe_sub(self, rhs: Self) -> Result<Self, MathError> {
                self.checked_sub(rhs).ok_or(MathError::Overflow)
            }
            #[inline]
            #[track_caller]
            fn safe_mul(self, rhs: Self) -> Result<Self, MathError> {
                self.checked_mul(rhs).ok_or(MathError::Overflow)
            }
            #[inline]
            #[track_caller]
            fn safe_div(self, rhs: Self) -> Result<Self, MathError> {
                if rhs == 0 {
                    return Err(MathError::DivisionByZero);
                }
                self.checked_div(rhs).ok_or(MathError::Overflow)
            }
        }
    )*};
}

impl_safe_math!(u8, u16, u32, u64, u128, i32, i64, i128);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_edge_is_an_error_not_a_wrap() {
        assert_eq!(u64::MAX.safe_add(1), Err(MathError::Overflow));
        assert_eq!(0u64.safe_sub(1), Err(MathError::Overflow));
        assert_eq!(u64::MAX.safe_mul(2), Err(MathError::Overflow));
        assert_eq!(1u64.safe_div(0), Err(MathError::DivisionByZero));
        assert_eq!(i64::MIN.safe_div(-1), Err(MathError::Overflow));
        assert_eq!(i128::MIN.safe_sub(1), Err(MathError::Overflow));
        assert_eq!(7u64.safe_add(8), Ok(15));
        assert_eq!((-7i64).safe_div(2), Ok(-3));
        assert_eq!(6u128.safe_mul(7), Ok(42));
    }
}
