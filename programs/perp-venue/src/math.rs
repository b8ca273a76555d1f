//! Fill pricing.
use hedge_math::Fix;

use crate::error::VenueError;

/// Fill price of a market order of `size` base units:
/// oracle · (1 + sign · (fee + |size| / depth)). Sells never fill below zero.
pub fn fill_price(oracle: Fix, size: i64, taker_fee_bps: u16, impact_depth: u64) -> Result<Fix, VenueError> {
    let fee = Fix::from_num(taker_fee_bps)
        .checked_div_int(10_000)
        .ok_or(VenueError::MathOverflow)?;
    let impact = Fix::from_num(size.unsigned_abs())
        .checked_div(Fix::from_num(impact_depth.max(1)))
        .ok_or(VenueError::MathOverflow)?;
    let adj = fee.checked_add(impact).ok_or(VenueError::MathOverflow)?;
    let factor = if size >= 0 {
        Fix::ONE.checked_add(adj)
    } else {
        Some(Fix::ONE.saturating_sub(adj.min(Fix::ONE)).max(Fix::ZERO))
    }
    .ok_or(VenueError::MathOverflow)?;
    oracle.checked_mul(factor).ok_or(VenueError::MathOverflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buys_pay_up_sells_receive_less() {
        let p = Fix::from_num(100);
        let buy = fill_price(p, 1_000, 10, 1_000_000).unwrap();
        let sell = fill_price(p, -1_000, 10, 1_000_000).unwrap();
        // 10 bps fee + 0.1 % impact.
        assert!((buy.to_num::<f64>() - 100.2).abs() < 1e-11, "{buy}");
        assert!((sell.to_num::<f64>() - 99.8).abs() < 1e-12);
        // Impact scales linearly with size.
        let big = fill_price(p, 100_000, 0, 1_000_000).unwrap();
        assert!((big.to_num::<f64>() - 110.0).abs() < 1e-11, "{big}");
        // A huge sell floors at zero rather than going negative.
        assert_eq!(fill_price(p, -10_000_000, 0, 1_000_000).unwrap(), Fix::ZERO);
    }
}
