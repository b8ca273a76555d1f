//! A depositor's pending withdrawal.
use anchor_lang::prelude::*;
use hedge_math::Fix;

use crate::error::VaultError;

/// PDA `[WITHDRAW_SEED, vault, owner]`: one open request per depositor and vault.
/// Its shares sit in the vault's escrow until `complete_withdraw` burns them or
/// `cancel_withdraw` returns them. Closed (rent to the owner) by either.
#[account]
#[derive(InitSpace, Debug)]
pub struct WithdrawRequest {
    /// The vault.
    pub vault: Pubkey,
    /// The depositor who owns the escrowed shares.
    pub owner: Pubkey,
    /// Canonical bump of this PDA.
    pub bump: u8,
    /// Escrowed shares (share base units).
    pub shares: u64,
    /// Collateral value of `shares` when requested (collateral base units); the payout
    /// is min(value at request, value at completion), compared in the numeraire
    /// ([`WithdrawRequest::value_at_request_now`]).
    pub assets_at_request: u64,
    /// Collateral price NAV was marked at when requested (quote per whole collateral token,
    /// I80F48 bits; 0 = no price was marked in that slot).
    pub price_at_request_fx: i128,
    /// When it was requested (unix seconds).
    pub requested_at: i64,
    /// Earliest completion time (unix seconds).
    pub unlock_at: i64,
}

impl WithdrawRequest {
    /// The value at request, in today's collateral units: its value in the numeraire
    /// (`assets_at_request` at the request's price) converted at `price_now`, rounded down.
    /// Without a price at either end, `assets_at_request` as it is. So a dollar-neutral
    /// vault pays an exit its dollar value at request (capped by its value now), not its
    /// collateral amount at request, which would leave a token-price move between request
    /// and completion to the other depositors.
    pub fn value_at_request_now(&self, price_now: Option<Fix>) -> Result<u64> {
        let then = Fix::from_bits(self.price_at_request_fx);
        match price_now {
            Some(now) if then > Fix::ZERO && now > Fix::ZERO => {
                let v = Fix::from_num(self.assets_at_request)
                    .checked_mul(then)
                    .and_then(|x| x.checked_div(now))
                    .ok_or(VaultError::MathOverflow)?;
                Ok(v.floor().saturating_to_num())
            }
            _ => Ok(self.assets_at_request),
        }
    }
}
