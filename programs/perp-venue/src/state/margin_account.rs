use anchor_lang::prelude::*;
use hedge_math::Fix;

use crate::error::VenueError;
use crate::state::Market;

/// Margin account PDA seed: `[MARGIN_SEED, market, authority]`.
pub const MARGIN_SEED: &[u8] = b"margin";

/// A trader's margin and position. Any authority, PDAs included, may own one.
#[account]
#[derive(InitSpace, Debug)]
pub struct MarginAccount {
    pub market: Pubkey,
    pub authority: Pubkey,
    pub bump: u8,
    /// Collateral deposited (base units).
    pub collateral: u64,
    /// Position (underlying base units); > 0 long, < 0 short.
    pub position: i64,
    /// Quote balance: proceeds of sells minus cost of buys, minus funding, plus settled
    /// adjustments (quote units), I80F48 bits.
    pub quote_balance_fx: i128,
    /// Market funding index at the last settlement, I80F48 bits.
    pub funding_index_fx: i128,
}

/// Valuation of a margin account at given prices (quote units).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Health {
    /// collateral·collateral_price + quote_balance + position·price.
    pub equity: Fix,
    /// |position|·price (quote).
    pub notional: Fix,
    /// Unrealised P&L: quote_balance + position·price (quote).
    pub pnl: Fix,
}

impl MarginAccount {
    pub fn quote_balance(&self) -> Fix {
        Fix::from_bits(self.quote_balance_fx)
    }

    /// Position in whole underlying units.
    pub fn position_whole(&self, market: &Market) -> Result<Fix> {
        Fix::from_num(self.position)
            .checked_div_int(market.unit())
            .ok_or_else(|| error!(VenueError::MathOverflow))
    }

    /// Applies accrued funding: quote_balance −= position · (index − entry index).
    /// Returns the funding paid (quote).
    pub fn settle_funding(&mut self, market: &Market) -> Result<Fix> {
        let diff = market
            .funding_index()
            .checked_sub(Fix::from_bits(self.funding_index_fx))
            .ok_or(VenueError::MathOverflow)?;
        let paid = self
            .position_whole(market)?
            .checked_mul(diff)
            .ok_or(VenueError::MathOverflow)?;
        self.quote_balance_fx = self
            .quote_balance()
            .checked_sub(paid)
            .ok_or(VenueError::MathOverflow)?
            .to_bits();
        self.funding_index_fx = market.cumulative_funding_fx;
        Ok(paid)
    }

    /// Values the account at `price` (underlying) and `collateral_price`.
    pub fn health(&self, market: &Market, price: Fix, collateral_price: Fix) -> Result<Health> {
        let overflow = || error!(VenueError::MathOverflow);
        let pos = self.position_whole(market)?;
        let pos_value = pos.checked_mul(price).ok_or_else(overflow)?;
        let collateral = Fix::from_num(self.collateral)
            .checked_div_int(market.unit())
            .ok_or_else(overflow)?
            .checked_mul(collateral_price)
            .ok_or_else(overflow)?;
        let pnl = self.quote_balance().checked_add(pos_value).ok_or_else(overflow)?;
        Ok(Health {
            equity: collateral.checked_add(pnl).ok_or_else(overflow)?,
            notional: pos_value.saturating_abs(),
            pnl,
        })
    }

    /// True when equity ≥ notional · bps / 10 000.
    pub fn meets(h: &Health, bps: u16) -> Result<bool> {
        let req = h
            .notional
            .checked_mul_int(i128::from(bps))
            .and_then(|v| v.checked_div_int(10_000))
            .ok_or(VenueError::MathOverflow)?;
        Ok(h.equity >= req)
    }
}
