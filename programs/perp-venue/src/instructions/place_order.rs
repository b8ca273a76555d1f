use anchor_lang::prelude::*;
use hedge_math::Fix;

use crate::error::VenueError;
use crate::events::OrderFilled;
use crate::math::fill_price;
use crate::state::{MarginAccount, Market, MARGIN_SEED};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct PlaceOrderArgs {
    /// Signed size (underlying base units): > 0 buys, < 0 sells.
    pub size: i64,
    /// Worst acceptable fill (quote per whole token), I80F48 bits: a buy fails above it,
    /// a sell below it.
    pub limit_price_fx: i128,
}

#[derive(Accounts)]
pub struct PlaceOrder<'info> {
    pub authority: Signer<'info>,
    #[account(mut)]
    pub market: Box<Account<'info, Market>>,
    #[account(
        mut,
        seeds = [MARGIN_SEED, market.key().as_ref(), authority.key().as_ref()],
        bump = margin_account.bump,
        has_one = market,
        has_one = authority @ VenueError::NotAuthority,
    )]
    pub margin_account: Box<Account<'info, MarginAccount>>,
    /// CHECK: validated by `oracle::load`.
    pub oracle: UncheckedAccount<'info>,
    /// CHECK: as above; required when the market has a collateral feed.
    pub collateral_oracle: Option<UncheckedAccount<'info>>,
}

impl PlaceOrder<'_> {
    /// A market order: fills at once against the LP at oracle ± fee ± impact, settles
    /// funding first, and checks initial margin when the trade adds risk.
    pub fn handler(ctx: Context<Self>, args: PlaceOrderArgs) -> Result<()> {
        require!(args.size != 0, VenueError::ZeroSize);
        let a = ctx.accounts;
        a.market
            .require_order_allowed(a.margin_account.position, args.size)?;
        let now = Clock::get()?.unix_timestamp;
        let crate::oracle::Prices { price, cprice, .. } = crate::oracle::settle_to_now(
            &mut a.market,
            &mut a.margin_account,
            &a.oracle,
            a.collateral_oracle.as_ref().map(|x| x.as_ref()),
            now,
        )?;

        let fill = fill_price(price, args.size, a.market.taker_fee_bps, a.market.impact_depth)?;
        let limit = Fix::from_bits(args.limit_price_fx);
        let within = if args.size > 0 {
            fill <= limit
        } else {
            fill >= limit
        };
        require!(within, VenueError::SlippageExceeded);

        let old = a.margin_account.position;
        let new = old.checked_add(args.size).ok_or(VenueError::MathOverflow)?;
        let size_whole = Fix::from_num(args.size)
            .checked_div_int(a.market.unit())
            .ok_or(VenueError::MathOverflow)?;
        let cost = size_whole.checked_mul(fill).ok_or(VenueError::MathOverflow)?;
        let m = &mut a.margin_account;
        m.quote_balance_fx = m
            .quote_balance()
            .checked_sub(cost)
            .ok_or(VenueError::MathOverflow)?
            .to_bits();
        m.position = new;

        // Open interest.
        let long = |p: i64| p.max(0).unsigned_abs();
        let short = |p: i64| p.min(0).unsigned_abs();
        let mk = &mut a.market;
        mk.open_interest_long = mk
            .open_interest_long
            .saturating_add(long(new))
            .saturating_sub(long(old));
        mk.open_interest_short = mk
            .open_interest_short
            .saturating_add(short(new))
            .saturating_sub(short(old));

        if new.unsigned_abs() > old.unsigned_abs() || new.signum() != old.signum() {
            let h = m.health(mk, price, cprice)?;
            require!(
                MarginAccount::meets(&h, mk.initial_margin_bps)?,
                VenueError::InsufficientMargin
            );
        }
        crate::events::emit(&OrderFilled {
            market: mk.key(),
            account: m.key(),
            size: args.size,
            fill_price_fx: fill.to_bits(),
            oracle_price_fx: price.to_bits(),
            position: new,
        });
        Ok(())
    }
}
