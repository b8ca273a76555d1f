use anchor_lang::prelude::*;
use hedge_math::{bs_greeks, BsInputs, Fix, OptionKind};

use crate::error::math_err;
use crate::state::LegKind;

/// One option to price. Values are raw I80F48 bits (divide by 2⁴⁸).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct QuoteOptionArgs {
    pub kind: LegKind,
    /// Spot (quote per whole token), > 0.
    pub spot_fx: i128,
    /// Strike (quote per whole token), > 0.
    pub strike_fx: i128,
    /// σ, annualised fraction, ≥ 0.
    pub vol_fx: i128,
    /// Time to expiry (years), ≥ 0.
    pub t_years_fx: i128,
    /// Risk-free rate (continuously compounded per year).
    pub rate_fx: i128,
    /// Carry / staking yield (continuously compounded per year).
    pub carry_fx: i128,
}

/// Price and Greeks per whole underlying token, raw I80F48 bits.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct OptionQuote {
    /// Quote units.
    pub price_fx: i128,
    /// ∂V/∂S.
    pub delta_fx: i128,
    /// ∂²V/∂S² (per quote unit).
    pub gamma_fx: i128,
    /// ∂V/∂σ (quote units per 1.00 of σ).
    pub vega_fx: i128,
    /// ∂V/∂t (quote units per year).
    pub theta_fx: i128,
}

/// No accounts: a read-only quote.
#[derive(Accounts)]
pub struct QuoteOption {}

impl QuoteOption {
    /// Prices one option with the program's own Black–Scholes engine and returns the
    /// Greeks as return data. Clients simulate it to see exactly what the vault computes;
    /// the compute-unit suite uses it to measure one leg's Greeks.
    #[inline(never)]
    pub fn handler(_ctx: Context<Self>, args: QuoteOptionArgs) -> Result<OptionQuote> {
        let kind = match args.kind {
            LegKind::Call => OptionKind::Call,
            LegKind::Put => OptionKind::Put,
        };
        let g = bs_greeks(
            kind,
            &BsInputs {
                spot: Fix::from_bits(args.spot_fx),
                strike: Fix::from_bits(args.strike_fx),
                vol: Fix::from_bits(args.vol_fx),
                t_years: Fix::from_bits(args.t_years_fx),
                r: Fix::from_bits(args.rate_fx),
                q: Fix::from_bits(args.carry_fx),
            },
        )
        .map_err(math_err)?;
        let quote = OptionQuote {
            price_fx: g.price.to_bits(),
            delta_fx: g.delta.to_bits(),
            gamma_fx: g.gamma.to_bits(),
            vega_fx: g.vega.to_bits(),
            theta_fx: g.theta.to_bits(),
        };
        // Anchor sets the return data from the value returned; off-chain (native tests)
        // that call is a no-op, so route it through the syscall stubs like `events::emit`.
        #[cfg(not(target_os = "solana"))]
        solana_sysvar::program_stubs::sol_set_return_data(&anchor_lang::prelude::borsh::to_vec(&quote)?);
        Ok(quote)
    }
}
