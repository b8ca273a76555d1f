//! # perp-venue
//!
//! A small but honest perpetual-futures market, the hedge vault's local and reference
//! venue. Its interface is shaped like real venues (market, margin accounts owned by any
//! authority including PDAs, market orders with a limit price, funding, liquidation):
//!
//! * fills at oracle price × (1 ± (taker fee + |size| / depth)), refused beyond the
//!   caller's limit price;
//! * funding accrues continuously into a cumulative index at a rate set by the market
//!   admin, and settles on every position change and on `settle_funding`;
//! * margin in one SPL collateral mint valued by the oracle; initial margin checked on
//!   risk-increasing trades and withdrawals; permissionless liquidation below
//!   maintenance margin;
//! * an LP pool is every trade's counterparty; `settle_pnl` moves realised P&L between a
//!   margin account and the pool.
#![allow(clippy::result_large_err)]
// Money safety: no bare arithmetic. Amounts use checked operations (`hedge_math::SafeMath`,
// `checked_*`) with typed errors; an exception is allowed only locally, with a comment
// that proves it cannot overflow.
#![warn(clippy::arithmetic_side_effects)]

use anchor_lang::prelude::*;
// sBPF builds through upstream LLVM (scripts/build-sbf.sh): soft-float and memory
// builtins (rent math uses f64) come from this crate instead of platform-tools.
#[cfg(target_os = "solana")]
use solana_compiler_builtins as _;

pub mod error;
pub mod events;
pub mod instructions;
pub mod math;
pub mod oracle;
pub mod state;

pub use instructions::*;

declare_id!("PerpVenue1111111111111111111111111111111111");

#[program]
pub mod perp_venue {
    use super::*;

    pub fn init_market(ctx: Context<InitMarket>, args: InitMarketArgs) -> Result<()> {
        InitMarket::handler(ctx, args)
    }

    pub fn set_funding_rate(ctx: Context<SetFundingRate>, args: SetFundingRateArgs) -> Result<()> {
        SetFundingRate::handler(ctx, args)
    }

    pub fn set_market_status(ctx: Context<SetMarketStatus>, args: SetMarketStatusArgs) -> Result<()> {
        SetMarketStatus::handler(ctx, args)
    }

    pub fn lp_deposit(ctx: Context<LpDeposit>, args: LpDepositArgs) -> Result<()> {
        LpDeposit::handler(ctx, args)
    }

    pub fn create_margin_account(ctx: Context<CreateMarginAccount>) -> Result<()> {
        CreateMarginAccount::handler(ctx)
    }

    pub fn deposit_margin(ctx: Context<DepositMargin>, args: DepositMarginArgs) -> Result<()> {
        DepositMargin::handler(ctx, args)
    }

    pub fn withdraw_margin(ctx: Context<WithdrawMargin>, args: WithdrawMarginArgs) -> Result<()> {
        WithdrawMargin::handler(ctx, args)
    }

    pub fn place_order(ctx: Context<PlaceOrder>, args: PlaceOrderArgs) -> Result<()> {
        PlaceOrder::handler(ctx, args)
    }

    pub fn settle_funding(ctx: Context<SettleFunding>) -> Result<()> {
        SettleFunding::handler(ctx)
    }

    pub fn settle_pnl(ctx: Context<SettlePnl>) -> Result<()> {
        SettlePnl::handler(ctx)
    }

    pub fn liquidate(ctx: Context<Liquidate>) -> Result<()> {
        Liquidate::handler(ctx)
    }
}
