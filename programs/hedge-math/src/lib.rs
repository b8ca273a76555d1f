//! # hedge-math: the hedge vault's fixed-point pricing engine
//!
//! One pure, `no_std` crate that the on-chain program, the keeper, the backtester and
//! the tests all call. It depends only on [`fixed`] and `core`; every function returns a
//! typed [`MathError`] instead of panicking.
//!
//! All real-valued quantities are [`Fix`] = `I80F48`: 80 integer bits (range ±6.0e23)
//! and 48 fractional bits (resolution 2⁻⁴⁸ ≈ 3.55e-15).
//!
//! | module | what |
//! |---|---|
//! | [`primitives`] | `exp`, `ln`, `sqrt`, `cbrt`, standard normal `pdf` / `cdf` |
//! | [`bs`] | Black–Scholes–Merton price, delta, gamma, vega, theta |
//! | [`band`] | Whalley–Wilmott band width and the delta-band check |
//! | [`safe`] | [`SafeMath`]: checked `+ - * /` on amounts with typed errors |
//! | [`shares`] | integer share / asset conversion and fee math with vault-favouring rounding |
//! | [`time`] | seconds → years conversion (365-day year) |
//! | [`route`] | splitting a hedge trade across venues by marginal cost |
//!
//! Accuracy is measured against an mpmath reference (`scripts/gen_vectors.py`); the
//! figures are in `docs/accuracy.md`.
#![cfg_attr(not(test), no_std)]
#![deny(missing_docs)]
// Money safety: amounts (`shares`, `safe`) use checked arithmetic. The fixed-point
// kernels (`ops`, `primitives`, `q62`, `bs`, `band`, `tables`) allow raw integer operations
// module by module, each with the domain argument that bounds it.
#![warn(clippy::arithmetic_side_effects)]

pub mod band;
pub mod bs;
mod error;
pub mod ops;
pub mod primitives;
pub mod q62;
pub mod route;
pub mod safe;
pub mod shares;
pub(crate) mod tables;
pub mod time;

pub use band::{
    corrected_band, correction_cell, delta_band_check, whalley_wilmott_half_width, zakamouline_half_width,
    BandCheck, CORRECTION_CELLS,
};
pub use bs::{bs_delta_gamma, bs_greeks, BsInputs, Greeks, OptionKind};
pub use error::MathError;
pub use primitives::{cbrt, exp, ln, norm_cdf, norm_cdf_pair, norm_pdf, norm_pdf_cdf, sqrt};
pub use safe::SafeMath;

/// The fixed-point number type used throughout: `I80F48`.
pub type Fix = fixed::types::I80F48;

/// Result type of every fallible function in this crate.
pub type MathResult<T> = core::result::Result<T, MathError>;

/// `mantissa · 10^expo` as [`Fix`] (Pyth prices are integer mantissas with an exponent).
///
/// Accepts exponents in [−18, 6]; other values return [`MathError::Overflow`].
pub fn from_mantissa(mantissa: i64, expo: i32) -> MathResult<Fix> {
    if !(-18..=6).contains(&expo) {
        return Err(MathError::Overflow);
    }
    let m = Fix::from_num(mantissa);
    let p = 10i128.pow(expo.unsigned_abs());
    if expo >= 0 {
        m.checked_mul_int(p).ok_or(MathError::Overflow)
    } else {
        m.checked_div_int(p).ok_or(MathError::Overflow)
    }
}

#[cfg(test)]
mod mantissa_tests {
    use super::*;

    #[test]
    fn scales_both_ways() {
        assert_eq!(from_mantissa(15_000_000_000, -8).unwrap(), Fix::from_num(150));
        assert_eq!(from_mantissa(3, 2).unwrap(), Fix::from_num(300));
        assert_eq!(from_mantissa(1, -19), Err(MathError::Overflow));
        assert_eq!(from_mantissa(1, 7), Err(MathError::Overflow));
    }
}
