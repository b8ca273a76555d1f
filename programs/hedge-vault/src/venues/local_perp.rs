//! Adapter for `programs/perp-venue`.
use anchor_lang::prelude::*;
use anchor_lang::AccountDeserialize;
use perp_venue::state::{MarginAccount, Market, MarketStatus, MARGIN_SEED};

use super::{MarginTransfer, Mark, Order, VaultAuthority, VenueAccounts, VenueStatus, VenueView};
use crate::error::VaultError;
use crate::state::VenueConfig;

pub fn validate_config(v: &VenueConfig, vault: &Pubkey) -> Result<()> {
    require_keys_eq!(v.program_id, perp_venue::ID, VaultError::VenueProgramMismatch);
    let (expected, _) =
        Pubkey::find_program_address(&[MARGIN_SEED, v.market.as_ref(), vault.as_ref()], &perp_venue::ID);
    require_keys_eq!(v.margin_account, expected, VaultError::VenueMarginAccountMismatch);
    Ok(())
}

fn load<T: AccountDeserialize>(info: &AccountInfo) -> Result<T> {
    require_keys_eq!(*info.owner, perp_venue::ID, VaultError::VenueAccountMismatch);
    let data = info.try_borrow_data()?;
    T::try_deserialize(&mut &data[..]).map_err(|_| error!(VaultError::VenueAccountMismatch))
}

pub fn view(market_info: &AccountInfo, margin_info: &AccountInfo, mark: &Mark) -> Result<VenueView> {
    let (price, collateral_price, now) = (mark.price, mark.collateral_price, mark.now);
    let mut market: Market = load(market_info)?;
    let mut margin: MarginAccount = load(margin_info)?;
    require_keys_eq!(margin.market, market_info.key(), VaultError::VenueAccountMismatch);
    // Mark with funding accrued to now, on copies: nothing is written.
    market.accrue_funding(price, now)?;
    margin.settle_funding(&market)?;
    let h = margin.health(&market, price, collateral_price)?;
    Ok(VenueView {
        status: match market.status {
            MarketStatus::Active => VenueStatus::Active,
            MarketStatus::ReduceOnly => VenueStatus::ReduceOnly,
            MarketStatus::Paused => VenueStatus::Paused,
        },
        frozen: false,
        frozen_haircut_bps: 0,
        position: margin.position,
        quote_balance: margin.quote_balance(),
        collateral: margin.collateral,
        equity_quote: h.equity,
        notional: h.notional,
        funding_rate_bps: market.funding_rate_bps,
        taker_fee_bps: market.taker_fee_bps,
        impact_depth: market.impact_depth.max(1),
        maintenance_margin_bps: market.maintenance_margin_bps,
        initial_margin_bps: market.initial_margin_bps,
        lot: 1,
        collateral_haircut_bps: 0,
        // What the venue's `settle_pnl` turns into collateral: quote + position · price.
        unsettled_pnl: h.pnl,
        // Fills at once or not at all: nothing ever rests.
        pending: 0,
    })
}

/// The venue program's own account is passed along with every CPI: the optional
/// `collateral_oracle` slot is filled with the program id when absent (Anchor's
/// convention), and that account must be among the CPI's account infos.
pub fn place_order<'info>(
    a: &VenueAccounts<'_, 'info>,
    auth: &VaultAuthority<'_, 'info>,
    order: &Order,
) -> Result<()> {
    let (vault, signer) = (auth.vault, auth.seeds);
    let accounts = perp_venue::cpi::accounts::PlaceOrder {
        authority: vault.clone(),
        market: a.market.clone(),
        margin_account: a.margin_account.clone(),
        oracle: a.oracle.clone(),
        collateral_oracle: a.collateral_oracle.cloned(),
    };
    perp_venue::cpi::place_order(
        CpiContext::new_with_signer(perp_venue::ID, accounts, &[signer])
            .with_remaining_accounts(vec![a.program.clone()]),
        perp_venue::PlaceOrderArgs {
            size: order.size,
            limit_price_fx: order.limit.to_bits(),
        },
    )
}

pub fn move_margin<'info>(
    a: &VenueAccounts<'_, 'info>,
    t: &MarginTransfer<'_, 'info>,
    auth: &VaultAuthority<'_, 'info>,
) -> Result<()> {
    let (vault, signer, amount) = (auth.vault, auth.seeds, t.amount);
    if amount > 0 {
        let accounts = perp_venue::cpi::accounts::DepositMargin {
            authority: vault.clone(),
            market: a.market.clone(),
            margin_account: a.margin_account.clone(),
            collateral_mint: t.collateral_mint.clone(),
            pool: t.venue_pool.clone(),
            source: t.vault_collateral.clone(),
            token_program: t.token_program.clone(),
        };
        perp_venue::cpi::deposit_margin(
            CpiContext::new_with_signer(perp_venue::ID, accounts, &[signer])
                .with_remaining_accounts(vec![a.program.clone()]),
            perp_venue::DepositMarginArgs {
                amount: amount.unsigned_abs(),
            },
        )
    } else {
        let accounts = perp_venue::cpi::accounts::WithdrawMargin {
            authority: vault.clone(),
            market: a.market.clone(),
            margin_account: a.margin_account.clone(),
            collateral_mint: t.collateral_mint.clone(),
            pool: t.venue_pool.clone(),
            destination: t.vault_collateral.clone(),
            oracle: a.oracle.clone(),
            collateral_oracle: a.collateral_oracle.cloned(),
            token_program: t.token_program.clone(),
        };
        perp_venue::cpi::withdraw_margin(
            CpiContext::new_with_signer(perp_venue::ID, accounts, &[signer])
                .with_remaining_accounts(vec![a.program.clone()]),
            perp_venue::WithdrawMarginArgs {
                amount: amount.unsigned_abs(),
            },
        )
    }
}

/// The venue's permissionless `settle_pnl` of the vault's account: profit becomes
/// collateral (paid by the LP pool), a loss is taken from it.
pub fn settle_pnl<'info>(a: &VenueAccounts<'_, 'info>) -> Result<()> {
    let accounts = perp_venue::cpi::accounts::SettlePnl {
        market: a.market.clone(),
        margin_account: a.margin_account.clone(),
        oracle: a.oracle.clone(),
        collateral_oracle: a.collateral_oracle.cloned(),
    };
    perp_venue::cpi::settle_pnl(
        CpiContext::new(perp_venue::ID, accounts).with_remaining_accounts(vec![a.program.clone()]),
    )
}
