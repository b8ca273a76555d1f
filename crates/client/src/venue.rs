//! Every `perp-venue` instruction, built from the venue's own Anchor account and
//! instruction types, and its PDAs.
use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{InstructionData, ToAccountMetas};
use hedge_math::Fix;
use perp_venue::state::{MARGIN_SEED, MARKET_SEED, POOL_SEED};
use perp_venue::{accounts, instruction};

/// An instruction to the venue program from its typed accounts and data.
pub fn ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: perp_venue::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

/// The market PDA of `feed_id` and `index`.
pub fn market(feed_id: &[u8; 32], index: u16) -> Pubkey {
    Pubkey::find_program_address(
        &[MARKET_SEED, feed_id.as_ref(), &index.to_le_bytes()],
        &perp_venue::ID,
    )
    .0
}

/// The token pool PDA of `market`.
pub fn pool(market: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[POOL_SEED, market.as_ref()], &perp_venue::ID).0
}

/// The margin account PDA of `authority` on `market`.
pub fn margin(market: &Pubkey, authority: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(
        &[MARGIN_SEED, market.as_ref(), authority.as_ref()],
        &perp_venue::ID,
    )
    .0
}

/// A market: its address, collateral mint, token program and oracles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketKeys {
    pub market: Pubkey,
    pub collateral_mint: Pubkey,
    pub token_program: Pubkey,
    pub oracle: Pubkey,
    pub collateral_oracle: Option<Pubkey>,
}

/// `init_market` by `admin` (the market and pool PDAs follow from the arguments).
pub fn init_market(
    admin: Pubkey,
    collateral_mint: Pubkey,
    token_program: Pubkey,
    args: perp_venue::InitMarketArgs,
) -> Instruction {
    let m = market(&args.feed_id, args.market_index);
    ix(
        accounts::InitMarket {
            admin,
            market: m,
            collateral_mint,
            pool: pool(&m),
            token_program,
            system_program: anchor_lang::system_program::ID,
        },
        instruction::InitMarket { args },
    )
}

/// `lp_deposit` of `amount` from `source` by the admin.
pub fn lp_deposit(k: &MarketKeys, admin: Pubkey, source: Pubkey, amount: u64) -> Instruction {
    ix(
        accounts::LpDeposit {
            admin,
            market: k.market,
            collateral_mint: k.collateral_mint,
            pool: pool(&k.market),
            source,
            token_program: k.token_program,
        },
        instruction::LpDeposit {
            args: perp_venue::LpDepositArgs { amount },
        },
    )
}

/// `create_margin_account` for `authority`, paid by `payer`.
pub fn create_margin_account(market: Pubkey, payer: Pubkey, authority: Pubkey) -> Instruction {
    ix(
        accounts::CreateMarginAccount {
            payer,
            authority,
            market,
            margin_account: margin(&market, &authority),
            system_program: anchor_lang::system_program::ID,
        },
        instruction::CreateMarginAccount {},
    )
}

/// `deposit_margin` of `amount` from `source`.
pub fn deposit_margin(k: &MarketKeys, authority: Pubkey, source: Pubkey, amount: u64) -> Instruction {
    ix(
        accounts::DepositMargin {
            authority,
            market: k.market,
            margin_account: margin(&k.market, &authority),
            collateral_mint: k.collateral_mint,
            pool: pool(&k.market),
            source,
            token_program: k.token_program,
        },
        instruction::DepositMargin {
            args: perp_venue::DepositMarginArgs { amount },
        },
    )
}

/// `withdraw_margin` of `amount` to `destination`.
pub fn withdraw_margin(k: &MarketKeys, authority: Pubkey, destination: Pubkey, amount: u64) -> Instruction {
    ix(
        accounts::WithdrawMargin {
            authority,
            market: k.market,
            margin_account: margin(&k.market, &authority),
            collateral_mint: k.collateral_mint,
            pool: pool(&k.market),
            destination,
            oracle: k.oracle,
            collateral_oracle: k.collateral_oracle,
            token_program: k.token_program,
        },
        instruction::WithdrawMargin {
            args: perp_venue::WithdrawMarginArgs { amount },
        },
    )
}

/// `place_order` of `size` (underlying base units, signed) with a worst average fill of
/// `limit` (quote per whole token).
pub fn place_order(k: &MarketKeys, authority: Pubkey, size: i64, limit: Fix) -> Instruction {
    ix(
        accounts::PlaceOrder {
            authority,
            market: k.market,
            margin_account: margin(&k.market, &authority),
            oracle: k.oracle,
            collateral_oracle: k.collateral_oracle,
        },
        instruction::PlaceOrder {
            args: perp_venue::PlaceOrderArgs {
                size,
                limit_price_fx: limit.to_bits(),
            },
        },
    )
}

/// The permissionless `settle_pnl` of `margin_account`.
pub fn settle_pnl(k: &MarketKeys, margin_account: Pubkey) -> Instruction {
    ix(
        accounts::SettlePnl {
            market: k.market,
            margin_account,
            oracle: k.oracle,
            collateral_oracle: k.collateral_oracle,
        },
        instruction::SettlePnl {},
    )
}

/// The permissionless `settle_funding` of `margin_account`.
pub fn settle_funding(k: &MarketKeys, margin_account: Pubkey) -> Instruction {
    ix(
        accounts::SettleFunding {
            market: k.market,
            margin_account,
            oracle: k.oracle,
        },
        instruction::SettleFunding {},
    )
}

/// The permissionless `liquidate` of `margin_account` by `liquidator` (who must have a
/// margin account on the market, which takes the penalty).
pub fn liquidate(k: &MarketKeys, liquidator: Pubkey, margin_account: Pubkey) -> Instruction {
    ix(
        accounts::Liquidate {
            liquidator,
            market: k.market,
            margin_account,
            liquidator_account: margin(&k.market, &liquidator),
            oracle: k.oracle,
            collateral_oracle: k.collateral_oracle,
        },
        instruction::Liquidate {},
    )
}

/// The admin's `set_funding_rate` (bps per year, within ±`MAX_FUNDING_RATE_BPS`).
pub fn set_funding_rate(k: &MarketKeys, admin: Pubkey, funding_rate_bps: i32) -> Instruction {
    ix(
        accounts::SetFundingRate {
            admin,
            market: k.market,
            oracle: k.oracle,
        },
        instruction::SetFundingRate {
            args: perp_venue::SetFundingRateArgs { funding_rate_bps },
        },
    )
}

/// The admin's `set_market_status`: pause the market, make it reduce-only, or re-open it.
pub fn set_market_status(
    market: Pubkey,
    admin: Pubkey,
    status: perp_venue::state::MarketStatus,
) -> Instruction {
    ix(
        accounts::SetMarketStatus { admin, market },
        instruction::SetMarketStatus {
            args: perp_venue::SetMarketStatusArgs { status },
        },
    )
}
