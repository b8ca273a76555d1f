use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::VenueError;
use crate::state::{Market, MarketStatus, MARKET_SEED, POOL_SEED};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct InitMarketArgs {
    /// Distinguishes several markets on one feed (PDA seed).
    pub market_index: u16,
    pub feed_id: [u8; 32],
    pub collateral_feed_id: Option<[u8; 32]>,
    pub max_oracle_age_secs: u32,
    pub max_conf_bps: u16,
    pub taker_fee_bps: u16,
    pub impact_depth: u64,
    pub initial_margin_bps: u16,
    pub maintenance_margin_bps: u16,
    pub liquidation_fee_bps: u16,
    pub funding_rate_bps: i32,
}

#[derive(Accounts)]
#[instruction(args: InitMarketArgs)]
pub struct InitMarket<'info> {
    #[account(mut)]
    pub admin: Signer<'info>,
    #[account(init, payer = admin, space = 8 + Market::INIT_SPACE, seeds = [MARKET_SEED, args.feed_id.as_ref(), &args.market_index.to_le_bytes()], bump)]
    pub market: Box<Account<'info, Market>>,
    #[account(mint::token_program = token_program)]
    pub collateral_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init,
        payer = admin,
        seeds = [POOL_SEED, market.key().as_ref()],
        bump,
        token::mint = collateral_mint,
        token::authority = market,
        token::token_program = token_program,
    )]
    pub pool: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl InitMarket<'_> {
    pub fn handler(ctx: Context<Self>, a: InitMarketArgs) -> Result<()> {
        require!(
            a.maintenance_margin_bps > 0
                && a.maintenance_margin_bps <= a.initial_margin_bps
                && a.initial_margin_bps <= 10_000
                && a.taker_fee_bps <= 1_000
                && a.liquidation_fee_bps < a.maintenance_margin_bps
                && a.impact_depth > 0
                && a.max_oracle_age_secs > 0
                && a.max_conf_bps > 0,
            VenueError::InvalidMarketParams
        );
        require!(
            a.funding_rate_bps.abs() <= crate::state::MAX_FUNDING_RATE_BPS,
            VenueError::FundingRateOutOfBounds
        );
        let now = Clock::get()?.unix_timestamp;
        ctx.accounts.market.set_inner(Market {
            admin: ctx.accounts.admin.key(),
            market_index: a.market_index,
            bump: ctx.bumps.market,
            pool_bump: ctx.bumps.pool,
            feed_id: a.feed_id,
            collateral_feed_id: a.collateral_feed_id,
            max_oracle_age_secs: a.max_oracle_age_secs,
            max_conf_bps: a.max_conf_bps,
            collateral_mint: ctx.accounts.collateral_mint.key(),
            decimals: ctx.accounts.collateral_mint.decimals,
            pool: ctx.accounts.pool.key(),
            taker_fee_bps: a.taker_fee_bps,
            impact_depth: a.impact_depth,
            initial_margin_bps: a.initial_margin_bps,
            maintenance_margin_bps: a.maintenance_margin_bps,
            liquidation_fee_bps: a.liquidation_fee_bps,
            funding_rate_bps: a.funding_rate_bps,
            cumulative_funding_fx: 0,
            last_funding_ts: now,
            lp_collateral: 0,
            trader_collateral: 0,
            open_interest_long: 0,
            open_interest_short: 0,
            last_publish_time: 0,
            status: MarketStatus::Active,
        });
        Ok(())
    }
}
