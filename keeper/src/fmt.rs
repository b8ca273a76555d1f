//! Number formatting shared by the commands.
use hedge_math::Fix;

/// Formats a fixed-point value with at least `sig` significant digits.
///
/// Values in [1e-3, 1e15) are printed in plain decimal, others in scientific notation.
/// Digits beyond the 48 fractional bits of I80F48 are those of its exact binary value.
pub fn significant(v: Fix, sig: usize) -> String {
    let x: f64 = v.to_num();
    if x == 0.0 {
        return "0".to_string();
    }
    let mag = x.abs().log10().floor();
    if (-3.0..15.0).contains(&mag) {
        // mag is an integer in [-3, 14], so the cast is exact.
        let decimals = sig.saturating_sub(1).saturating_add_signed(-(mag as isize));
        format!("{x:.decimals$}")
    } else {
        format!("{x:.prec$e}", prec = sig.saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_least_fifteen_significant_digits() {
        assert_eq!(significant(Fix::from_num(4.5), 15), "4.50000000000000");
        assert_eq!(significant(Fix::from_num(12345.5), 15), "12345.5000000000");
        assert_eq!(significant(Fix::ZERO, 15), "0");
        assert_eq!(significant(Fix::from_num(-0.25), 15), "-0.250000000000000");
        assert!(significant(Fix::from_num(1.5e-7), 15).contains('e'));
    }
}
