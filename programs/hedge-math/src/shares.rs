//! Share accounting in integer base units, with every rounding in the vault's favour.
//!
//! Amounts are `u64` base units of the collateral mint ("assets") and of the share mint
//! ("shares"); both mints have the same decimals. Intermediate products use `u128`.
//!
//! Conversions add a virtual offset ([`VIRTUAL_ASSETS`], [`VIRTUAL_SHARES`]) to both
//! sides. Together with the vault's *tracked* asset total (token-account donations are
//! not counted in NAV) this bounds what any depositor can lose to rounding to one base
//! unit of share value, whatever the order of deposits.
//!
//! | operation | rounds | because |
//! |---|---|---|
//! | shares minted for a deposit | down | the depositor never gets more than they paid |
//! | assets paid for redeemed shares | down | the vault never pays more than the shares are worth |
//! | shares burned for an exact asset amount | up | same |
//! | fees (assets and fee shares) | up | fees are never under-collected |

use crate::time::SECONDS_PER_YEAR;
use crate::SafeMath;
use crate::{MathError, MathResult};

/// Virtual assets added to the tracked total in every conversion (base units).
pub const VIRTUAL_ASSETS: u64 = 1_000;
/// Virtual shares added to the supply in every conversion (base units). Equal to
/// [`VIRTUAL_ASSETS`] so the first deposit mints shares 1:1.
pub const VIRTUAL_SHARES: u64 = 1_000;
/// Basis points in 100 %.
pub const BPS_DENOMINATOR: u64 = 10_000;

/// ⌊a·b / c⌋ with a u128 intermediate.
pub fn mul_div_floor(a: u64, b: u64, c: u64) -> MathResult<u64> {
    if c == 0 {
        return Err(MathError::DivisionByZero);
    }
    let q = u128::from(a)
        .checked_mul(u128::from(b))
        .ok_or(MathError::Overflow)?
        .safe_div(u128::from(c))?;
    u64::try_from(q).map_err(|_| MathError::Overflow)
}

/// ⌈n / d⌉.
fn div_ceil(n: u128, d: u128) -> MathResult<u128> {
    let r = n.checked_rem(d).ok_or(MathError::DivisionByZero)?;
    n.safe_div(d)?.safe_add(u128::from(r != 0))
}

/// ⌈a·b / c⌉ with a u128 intermediate.
pub fn mul_div_ceil(a: u64, b: u64, c: u64) -> MathResult<u64> {
    if c == 0 {
        return Err(MathError::DivisionByZero);
    }
    let n = u128::from(a)
        .checked_mul(u128::from(b))
        .ok_or(MathError::Overflow)?;
    let q = div_ceil(n, u128::from(c))?;
    u64::try_from(q).map_err(|_| MathError::Overflow)
}

fn virt(total_assets: u64, total_shares: u64) -> MathResult<(u64, u64)> {
    Ok((
        total_assets
            .checked_add(VIRTUAL_ASSETS)
            .ok_or(MathError::Overflow)?,
        total_shares
            .checked_add(VIRTUAL_SHARES)
            .ok_or(MathError::Overflow)?,
    ))
}

/// Shares minted for depositing `assets` into a vault worth `total_assets` with
/// `total_shares` outstanding. Rounds down.
pub fn shares_for_deposit(assets: u64, total_assets: u64, total_shares: u64) -> MathResult<u64> {
    let (a, s) = virt(total_assets, total_shares)?;
    mul_div_floor(assets, s, a)
}

/// Assets paid for redeeming `shares`. Rounds down.
pub fn assets_for_shares(shares: u64, total_assets: u64, total_shares: u64) -> MathResult<u64> {
    let (a, s) = virt(total_assets, total_shares)?;
    mul_div_floor(shares, a, s)
}

/// Shares that must be burned to withdraw exactly `assets`. Rounds up.
pub fn shares_for_withdraw(assets: u64, total_assets: u64, total_shares: u64) -> MathResult<u64> {
    let (a, s) = virt(total_assets, total_shares)?;
    mul_div_ceil(assets, s, a)
}

/// Shares to mint to the fee recipient so that they are worth `fee_assets` after
/// minting (dilution): s = fee·S / (A − fee). Rounds up.
///
/// Errors with [`MathError::Overflow`] if the fee is not smaller than the vault.
pub fn fee_shares(fee_assets: u64, total_assets: u64, total_shares: u64) -> MathResult<u64> {
    if fee_assets == 0 {
        return Ok(0);
    }
    let (a, s) = virt(total_assets, total_shares)?;
    let remaining = a.checked_sub(fee_assets).ok_or(MathError::Overflow)?;
    mul_div_ceil(fee_assets, s, remaining)
}

/// Management fee accrued on `total_assets` over `elapsed_seconds` at `bps_per_year`.
/// Rounds up. Negative elapsed time accrues nothing.
pub fn management_fee(total_assets: u64, bps_per_year: u16, elapsed_seconds: i64) -> MathResult<u64> {
    let elapsed = u128::try_from(elapsed_seconds.max(0)).map_err(|_| MathError::Overflow)?;
    let n = u128::from(total_assets)
        .checked_mul(u128::from(bps_per_year))
        .and_then(|v| v.checked_mul(elapsed))
        .ok_or(MathError::Overflow)?;
    let d = u128::from(BPS_DENOMINATOR).safe_mul(u128::from(SECONDS_PER_YEAR.unsigned_abs()))?;
    let q = div_ceil(n, d)?;
    u64::try_from(q).map_err(|_| MathError::Overflow)
}

/// Performance fee over a high-water mark, in assets. Rounds up.
///
/// * `price_per_share_q64`: current value of one share in assets, as a Q64.64 ratio.
/// * `hwm_q64`: the high-water mark in the same unit.
/// * Returns 0 unless the price is above the mark; otherwise
///   `⌈bps · (price − hwm) · total_shares / 10 000⌉`.
///
/// Exact over the whole domain of its types: the product `gain · shares` (up to 192 bits)
/// is split into 64-bit limbs and divided in steps, so no amount the types allow
/// overflows; [`MathError::Overflow`] only when the fee itself exceeds `u64`.
pub fn performance_fee(
    total_shares: u64,
    price_per_share_q64: u128,
    hwm_q64: u128,
    bps: u16,
) -> MathResult<u64> {
    if price_per_share_q64 <= hwm_q64 || bps == 0 || total_shares == 0 {
        return Ok(0);
    }
    let gain = price_per_share_q64.safe_sub(hwm_q64)?;
    let shares = u128::from(total_shares);
    // gain · shares / 2^64 = hi·shares + (lo·shares) / 2^64, each product within u128.
    let (hi, lo) = (gain >> 64_u32, gain & u128::from(u64::MAX));
    // lo < 2^64 and shares < 2^64: the product is below 2^128.
    #[allow(clippy::arithmetic_side_effects)]
    let lo_product = lo * shares;
    let whole = hi
        .checked_mul(shares)
        .and_then(|v| v.checked_add(lo_product >> 64))
        .ok_or(MathError::Overflow)?;
    let frac = lo_product & u128::from(u64::MAX);
    // value · bps / 10 000, rounded up, with the fractional part carried: value = whole +
    // frac / 2^64. Dividing `whole` first keeps every product within u128.
    let bps = u128::from(bps);
    let d = u128::from(BPS_DENOMINATOR);
    let (q, r) = (
        whole.safe_div(d)?,
        whole.checked_rem(d).ok_or(MathError::DivisionByZero)?,
    );
    // r < 10^4 and frac < 2^64, so r·2^64 + frac < 2^78 and (r·2^64 + frac)·bps < 2^78·2^16
    // = 2^94 < 2^128; d·2^64 < 2^78.
    #[allow(clippy::arithmetic_side_effects)]
    let (tail, tail_den) = (((r << 64_u32) | frac) * bps, d << 64_u32);
    let fee = q.safe_mul(bps)?.safe_add(div_ceil(tail, tail_den)?)?;
    u64::try_from(fee).map_err(|_| MathError::Overflow)
}

/// Value of one share in assets as a Q64.64 ratio, including the virtual offset.
pub fn price_per_share_q64(total_assets: u64, total_shares: u64) -> MathResult<u128> {
    let (a, s) = virt(total_assets, total_shares)?;
    // a < 2^64, so a·2^64 < 2^128.
    #[allow(clippy::arithmetic_side_effects)]
    let scaled = u128::from(a) << 64_u32;
    scaled.safe_div(u128::from(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_deposit_is_one_to_one() {
        assert_eq!(shares_for_deposit(1_000_000, 0, 0).unwrap(), 1_000_000);
        assert_eq!(
            assets_for_shares(1_000_000, 1_000_000, 1_000_000).unwrap(),
            1_000_000
        );
    }

    #[test]
    fn rounding_directions() {
        assert_eq!(mul_div_floor(7, 3, 2).unwrap(), 10);
        assert_eq!(mul_div_ceil(7, 3, 2).unwrap(), 11);
        assert_eq!(mul_div_ceil(6, 3, 2).unwrap(), 9);
        let (ta, ts) = (1_500, 1_000);
        // 101 assets are worth 80.8 shares: 80 minted for a deposit, 81 burned to withdraw.
        assert_eq!(shares_for_deposit(101, ta, ts).unwrap(), 80);
        assert_eq!(shares_for_withdraw(101, ta, ts).unwrap(), 81);
        assert!(assets_for_shares(80, ta + 101, ts + 80).unwrap() <= 101);
    }

    #[test]
    fn errors_are_typed() {
        assert_eq!(mul_div_floor(1, 1, 0), Err(MathError::DivisionByZero));
        assert_eq!(mul_div_ceil(u64::MAX, u64::MAX, 1), Err(MathError::Overflow));
        assert_eq!(shares_for_deposit(1, u64::MAX, 0), Err(MathError::Overflow));
        assert_eq!(fee_shares(5_000, 1_000, 1_000), Err(MathError::Overflow));
    }

    #[test]
    fn fees_round_up() {
        // 1 % per year on 1e9 for one second is 0.317 → 1.
        assert_eq!(management_fee(1_000_000_000, 100, 1).unwrap(), 1);
        assert_eq!(
            management_fee(1_000_000_000, 100, SECONDS_PER_YEAR).unwrap(),
            10_000_000
        );
        assert_eq!(management_fee(1_000_000_000, 100, -5).unwrap(), 0);
        let one = 1u128 << 64;
        assert_eq!(performance_fee(1_000, one, one, 2_000).unwrap(), 0);
        // Price up 10 % on 1000 shares, 20 % fee → 20 assets.
        assert_eq!(performance_fee(1_000, one + one / 10, one, 2_000).unwrap(), 20);
        // The largest amounts the types allow do not overflow: 2^64 − 1 shares at a gain
        // of 2^60 assets per share is an enormous fee, reported as overflow only because
        // it does not fit u64; a 600 M-token vault up 11 % at 30 % is fine.
        assert_eq!(
            performance_fee(u64::MAX, u128::MAX, 0, 10_000),
            Err(MathError::Overflow)
        );
        let shares = 600_000_000u64 * 1_000_000_000;
        let fee = performance_fee(shares, one + one * 11 / 100, one, 3_000).unwrap();
        assert_eq!(fee, 19_800_000_000_000_000);
        // Diluting 10 out of 1000+1000 virtual: s = 10·2000/1990 = 10.05 → 11.
        assert_eq!(fee_shares(10, 1_000, 1_000).unwrap(), 11);
    }
}
