//! # hedge-vault
//!
//! An on-chain hedging vault: depositors put in collateral (an LST or any SPL mint) and
//! receive shares; governance sets a delta target, a band and a synthetic option book;
//! the program prices the book with the fixed-point engine in `hedge-math` and checks the
//! portfolio's delta against the band with Pyth prices.
//!
//! Layout: `instructions/{admin,user,keeper}` (one instruction per file), `state/` (one
//! file per account), `oracle.rs`, `pricing.rs`, `constraints.rs`, `events.rs`,
//! `error.rs`. See the README for accounts, roles, the NAV formula, fees and bounds.
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

pub mod constants;
pub mod constraints;
pub mod error;
pub mod events;
pub mod instructions;
pub mod oracle;
pub mod pricing;
pub mod state;
pub mod venues;

pub use instructions::*;

declare_id!("HVau1tZk8ZXjVrjwS7t6Ws3ixGNHykzRwkqfS7pMcsLa");

#[program]
pub mod hedge_vault {
    use super::*;

    pub fn initialize_vault(ctx: Context<InitializeVault>, args: InitializeVaultArgs) -> Result<()> {
        InitializeVault::handler(ctx, args)
    }

    pub fn queue_params(ctx: Context<QueueParams>, args: QueueParamsArgs) -> Result<()> {
        QueueParams::handler(ctx, args)
    }

    pub fn amend_params(ctx: Context<AmendParams>, args: AmendParamsArgs) -> Result<()> {
        AmendParams::handler(ctx, args)
    }

    pub fn apply_params<'info>(ctx: Context<'info, ApplyParams<'info>>) -> Result<()> {
        ApplyParams::handler(ctx)
    }

    pub fn emergency_withdraw(ctx: Context<EmergencyWithdraw>, args: EmergencyWithdrawArgs) -> Result<()> {
        EmergencyWithdraw::handler(ctx, args)
    }

    pub fn cancel_params(ctx: Context<CancelParams>) -> Result<()> {
        CancelParams::handler(ctx)
    }

    pub fn extend_timelock(ctx: Context<ExtendTimelock>, args: ExtendTimelockArgs) -> Result<()> {
        ExtendTimelock::handler(ctx, args)
    }

    pub fn propose_authority(ctx: Context<ProposeAuthority>, args: ProposeAuthorityArgs) -> Result<()> {
        ProposeAuthority::handler(ctx, args)
    }

    pub fn accept_authority(ctx: Context<AcceptAuthority>) -> Result<()> {
        AcceptAuthority::handler(ctx)
    }

    pub fn set_pause(ctx: Context<SetPause>, args: SetPauseArgs) -> Result<()> {
        SetPause::handler(ctx, args)
    }

    pub fn freeze_venue(ctx: Context<FreezeVenue>, args: FreezeVenueArgs) -> Result<()> {
        FreezeVenue::handler(ctx, args)
    }

    pub fn deposit(ctx: Context<Deposit>, args: DepositArgs) -> Result<()> {
        Deposit::handler(ctx, args)
    }

    pub fn request_withdraw(ctx: Context<RequestWithdraw>, args: RequestWithdrawArgs) -> Result<()> {
        RequestWithdraw::handler(ctx, args)
    }

    pub fn complete_withdraw<'info>(ctx: Context<'info, CompleteWithdraw<'info>>) -> Result<()> {
        CompleteWithdraw::handler(ctx)
    }

    pub fn cancel_withdraw(ctx: Context<CancelWithdraw>) -> Result<()> {
        CancelWithdraw::handler(ctx)
    }

    pub fn check_delta<'info>(ctx: Context<'info, CheckDelta<'info>>) -> Result<()> {
        CheckDelta::handler(ctx)
    }

    pub fn quote_option(ctx: Context<QuoteOption>, args: QuoteOptionArgs) -> Result<OptionQuote> {
        QuoteOption::handler(ctx, args)
    }

    pub fn update_vol(ctx: Context<UpdateVol>, args: UpdateVolArgs) -> Result<()> {
        UpdateVol::handler(ctx, args)
    }

    pub fn claim_fees(ctx: Context<ClaimFees>) -> Result<()> {
        ClaimFees::handler(ctx)
    }

    pub fn refresh_nav<'info>(ctx: Context<'info, RefreshNav<'info>>) -> Result<()> {
        RefreshNav::handler(ctx)
    }

    pub fn rebalance<'info>(ctx: Context<'info, Rebalance<'info>>, args: RebalanceArgs) -> Result<()> {
        Rebalance::handler(ctx, args)
    }

    pub fn rebalance_deferred<'info>(
        ctx: Context<'info, RebalanceDeferred<'info>>,
        args: RebalanceDeferredArgs,
    ) -> Result<()> {
        RebalanceDeferred::handler(ctx, args)
    }

    pub fn cancel_venue_orders<'info>(
        ctx: Context<'info, CancelVenueOrders<'info>>,
        args: CancelVenueOrdersArgs,
    ) -> Result<()> {
        CancelVenueOrders::handler(ctx, args)
    }

    pub fn rebalance_margin<'info>(
        ctx: Context<'info, RebalanceMargin<'info>>,
        args: RebalanceMarginArgs,
    ) -> Result<()> {
        RebalanceMargin::handler(ctx, args)
    }

    pub fn open_venue_account<'info>(
        ctx: Context<'info, OpenVenueAccount<'info>>,
        args: OpenVenueAccountArgs,
    ) -> Result<()> {
        OpenVenueAccount::handler(ctx, args)
    }
}
