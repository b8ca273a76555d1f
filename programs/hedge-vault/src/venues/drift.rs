//! Adapter for Drift v2 (and successors on the v2 interface), built on the encodings of
//! `hedge-drift` (written from Drift's published IDL and checked against it).
//!
//! The venue entry names the `PerpMarket` (`market`) and the vault PDA's `User`,
//! sub-account 0 (`margin_account`, checked at configuration). Everything else Drift needs
//! is found among the instruction's remaining accounts by content and checked before use
//! ([`Holder`]): the `State`, the spot markets of every balance the `User` holds, the
//! vault's `UserStats`, the oracles Drift prices with, the spot market token vaults and
//! Drift's signer. Only Drift writes accounts Drift owns, and each of these is unique for
//! its type and index, so a passed account cannot stand in for another.
//!
//! **Valuation.** The `User` is marked at the vault's own oracle: perp P&L (base × price +
//! quote − funding owed), the collateral's spot balance at the collateral price, and the
//! quote (USDC) balance at 1 — deposits at the deposit interest index rounded down,
//! borrows at the borrow index rounded up, funding owed rounded up. Any other position or
//! balance is refused ([`VaultError::VenueUnexpectedHolding`]): the vault only values what
//! it put there. Drift weighs collateral below 1 for margin and the vault does not: a
//! margin withdrawal the vault computes that Drift finds too large fails at Drift, in the
//! same transaction (docs/venues.md).
use anchor_lang::prelude::*;
use anchor_lang::solana_program::program::invoke_signed;
use hedge_drift as d;
use hedge_math::Fix;

use super::{Holder, MarginTransfer, Mark, Order, VaultAuthority, VenueAccounts, VenueStatus, VenueView};
use crate::error::VaultError;
use crate::state::VenueConfig;

/// Drift's quote (USDC) spot market.
const QUOTE_SPOT_MARKET: u16 = 0;
/// Sub-account of the vault's `User`.
const SUB_ACCOUNT: u16 = 0;
/// Drift's base precision as a power of ten.
const BASE_DECIMALS: u32 = 9;
/// Hours per year: the funding rate Drift reports is hourly.
const HOURS_PER_YEAR: i128 = 8_760;

pub fn validate_config(v: &VenueConfig, vault: &Pubkey) -> Result<()> {
    require_keys_eq!(v.program_id, d::PROGRAM_ID, VaultError::VenueProgramMismatch);
    require_keys_eq!(
        v.margin_account,
        d::pda::user(vault, SUB_ACCOUNT),
        VaultError::VenueMarginAccountMismatch
    );
    Ok(())
}

fn perp_market(info: &AccountInfo) -> Result<d::PerpMarketView> {
    d::PerpMarketView::read(info.owner, &info.try_borrow_data()?)
        .map_err(|_| error!(VaultError::VenueAccountMismatch))
}

fn user(info: &AccountInfo) -> Result<d::UserView> {
    d::UserView::read(info.owner, &info.try_borrow_data()?)
        .map_err(|_| error!(VaultError::VenueAccountMismatch))
}

/// Drift's `State` among the passed accounts.
fn state<'a, 'info>(h: &Holder<'a, 'info>) -> Result<(&'a AccountInfo<'info>, d::StateView)> {
    for a in h.accounts.iter().filter(|a| *a.owner == d::PROGRAM_ID) {
        if let Ok(s) = d::StateView::read(a.owner, &a.try_borrow_data()?) {
            return Ok((a, s));
        }
    }
    err!(VaultError::VenueSupportAccountMissing)
}

/// The spot market `index` (or, with `index` `None`, the one of `mint`) among the passed
/// accounts.
fn spot_market<'a, 'info>(
    h: &Holder<'a, 'info>,
    index: Option<u16>,
    mint: &Pubkey,
) -> Result<(&'a AccountInfo<'info>, d::SpotMarketView)> {
    for a in h.accounts.iter().filter(|a| *a.owner == d::PROGRAM_ID) {
        if let Ok(m) = d::SpotMarketView::read(a.owner, &a.try_borrow_data()?) {
            let hit = match index {
                Some(i) => m.market_index == i,
                None => m.mint == *mint,
            };
            if hit {
                return Ok((a, m));
            }
        }
    }
    err!(VaultError::VenueSupportAccountMissing)
}

/// The vault's `UserStats` among the passed accounts.
fn user_stats<'a, 'info>(h: &Holder<'a, 'info>, authority: &Pubkey) -> Result<&'a AccountInfo<'info>> {
    for a in h.accounts.iter().filter(|a| *a.owner == d::PROGRAM_ID) {
        if d::check_user_stats(a.owner, &a.try_borrow_data()?, authority).is_ok() {
            return Ok(a);
        }
    }
    err!(VaultError::VenueSupportAccountMissing)
}

/// 10^n as an i128.
fn pow10(n: u32) -> Result<i128> {
    10i128
        .checked_pow(n)
        .ok_or_else(|| error!(VaultError::MathOverflow))
}

/// Drift base (BASE_PRECISION) → the vault's base units, towards zero.
fn to_vault_units(base: i128, decimals: u8) -> Result<i128> {
    let dec = u32::from(decimals);
    if dec >= BASE_DECIMALS {
        base.checked_mul(pow10(dec - BASE_DECIMALS)?)
    } else {
        base.checked_div(pow10(BASE_DECIMALS - dec)?)
    }
    .ok_or_else(|| error!(VaultError::MathOverflow))
}

/// The vault's base units → Drift base, exactly (a size Drift cannot express is refused).
fn to_drift_base(units: i64, decimals: u8) -> Result<i64> {
    let dec = u32::from(decimals);
    let units = i128::from(units);
    let base = if dec <= BASE_DECIMALS {
        units.checked_mul(pow10(BASE_DECIMALS - dec)?)
    } else {
        let s = pow10(dec - BASE_DECIMALS)?;
        require!(units % s == 0, VaultError::VenueLotSize);
        units.checked_div(s)
    }
    .ok_or(VaultError::MathOverflow)?;
    i64::try_from(base).map_err(|_| error!(VaultError::MathOverflow))
}

/// `x / 10^n` as a fixed-point number.
fn scaled(x: i128, n: u32) -> Result<Fix> {
    Fix::checked_from_num(x)
        .and_then(|v| v.checked_div_int(10i128.checked_pow(n)?))
        .ok_or_else(|| error!(VaultError::MathOverflow))
}

/// The vault's margin account at Drift, read from the `User`, its markets and the State.
pub fn view(
    market_info: &AccountInfo,
    margin_info: &AccountInfo,
    mark: &Mark,
    h: &Holder,
) -> Result<VenueView> {
    let perp = perp_market(market_info)?;
    // Not opened yet (`venues::view` let only an empty system account through): nothing.
    let user = if margin_info.data_is_empty() {
        d::UserView::default()
    } else {
        user(margin_info)?
    };
    let (_, st) = state(h)?;
    let status = match d::Health::of(st.exchange_status, perp.status, perp.paused_operations).status() {
        d::VenueStatus::Active => VenueStatus::Active,
        d::VenueStatus::ReduceOnly => VenueStatus::ReduceOnly,
        d::VenueStatus::Paused => VenueStatus::Paused,
    };
    // The perp position: only the configured market's.
    let (mut base, mut perp_quote) = (0i64, 0i128);
    for p in &user.perp {
        require!(
            p.market_index == perp.market_index,
            VaultError::VenueUnexpectedHolding
        );
        let owed = perp.unsettled_funding(p).ok_or(VaultError::MathOverflow)?;
        base = p.base_asset_amount;
        perp_quote = i128::from(p.quote_asset_amount)
            .checked_sub(owed)
            .ok_or(VaultError::MathOverflow)?;
    }
    // Balances: the collateral and the quote token, nothing else.
    let (mut collateral, mut quote) = (0i128, Fix::ZERO);
    // The collateral's margin weight, whether or not the account holds any yet. Required:
    // without it the margin arithmetic would have to guess (and a keeper leaving it out
    // must not shrink what the vault believes it may hold).
    let weight = spot_market(h, None, &h.collateral_mint)?.1.initial_asset_weight;
    for p in &user.spot {
        let (_, m) = spot_market(h, Some(p.market_index), &Pubkey::default())?;
        let tokens = m.tokens(p).ok_or(VaultError::MathOverflow)?;
        if m.mint == h.collateral_mint {
            collateral = collateral.checked_add(tokens).ok_or(VaultError::MathOverflow)?;
        } else if m.market_index == QUOTE_SPOT_MARKET {
            quote = quote
                .checked_add(scaled(tokens, m.decimals)?)
                .ok_or(VaultError::MathOverflow)?;
        } else {
            return err!(VaultError::VenueUnexpectedHolding);
        }
    }
    let price = mark.price;
    let base_whole = scaled(i128::from(base), BASE_DECIMALS)?;
    let quote_balance = quote
        .checked_add(scaled(perp_quote, 6)?)
        .ok_or(VaultError::MathOverflow)?;
    let collateral_value = scaled(collateral, u32::from(h.decimals))?
        .checked_mul(mark.collateral_price)
        .ok_or(VaultError::MathOverflow)?;
    let unsettled_pnl = base_whole
        .checked_mul(price)
        .and_then(|v| v.checked_add(scaled(perp_quote, 6).ok()?))
        .ok_or(VaultError::MathOverflow)?;
    let equity_quote = base_whole
        .checked_mul(price)
        .and_then(|v| v.checked_add(quote_balance))
        .and_then(|v| v.checked_add(collateral_value))
        .ok_or(VaultError::MathOverflow)?;
    let notional = base_whole
        .abs()
        .checked_mul(price)
        .ok_or(VaultError::MathOverflow)?;
    // Hourly funding (FUNDING_RATE_PRECISION quote per whole base) as bps of the price per
    // year.
    let funding_rate_bps = scaled(i128::from(perp.last_funding_rate), 9)?
        .checked_div(price)
        .and_then(|r| r.checked_mul_int(HOURS_PER_YEAR.checked_mul(10_000)?))
        .ok_or(VaultError::MathOverflow)?
        .saturating_to_num::<i32>();
    // The taker fee plus half the AMM's base spread (1e6 = 100 %: / 100 is bps).
    let fee = st
        .taker_fee_bps()
        .saturating_add(u64::from(perp.base_spread).div_ceil(200));
    let lot = {
        // A step in vault units, rounded up (never a size Drift would refuse).
        let dec = u32::from(h.decimals);
        let step = i128::from(perp.order_step_size.max(1));
        let units = if dec >= BASE_DECIMALS {
            step.checked_mul(pow10(dec - BASE_DECIMALS)?)
        } else {
            let s = pow10(BASE_DECIMALS - dec)?;
            step.checked_add(s - 1).and_then(|x| x.checked_div(s))
        }
        .ok_or(VaultError::MathOverflow)?;
        u64::try_from(units.max(1)).unwrap_or(u64::MAX)
    };
    let depth = i128::try_from(perp.base_asset_reserve).unwrap_or(i128::MAX);
    Ok(VenueView {
        status,
        frozen: false,
        frozen_haircut_bps: 0,
        position: i64::try_from(to_vault_units(i128::from(base), h.decimals)?)
            .map_err(|_| error!(VaultError::MathOverflow))?,
        quote_balance,
        collateral: u64::try_from(collateral.max(0)).map_err(|_| error!(VaultError::MathOverflow))?,
        equity_quote,
        notional,
        funding_rate_bps,
        taker_fee_bps: u16::try_from(fee).unwrap_or(u16::MAX),
        impact_depth: u64::try_from(to_vault_units(depth, h.decimals)?.max(1)).unwrap_or(u64::MAX),
        maintenance_margin_bps: u16::try_from(perp.margin_ratio_maintenance).unwrap_or(u16::MAX),
        initial_margin_bps: u16::try_from(perp.margin_ratio_initial).unwrap_or(u16::MAX),
        lot,
        collateral_haircut_bps: u16::try_from(10_000u32.saturating_sub(weight)).unwrap_or(u16::MAX),
        unsettled_pnl,
    })
}

/// Drift's remaining accounts for an instruction on the vault's `User`: the oracles, the
/// quote spot market (Drift's margin arithmetic always needs it), the spot market of every
/// balance it holds plus `extra_spot` (writable when in `writable`), then the perp market
/// (writable). Returns them with their account infos, in order.
fn remaining<'a, 'info>(
    h: &Holder<'a, 'info>,
    user: &d::UserView,
    perp: &d::PerpMarketView,
    perp_info: &'a AccountInfo<'info>,
    extra_spot: &[u16],
    writable: &[u16],
) -> Result<(d::Remaining, Vec<AccountInfo<'info>>)> {
    let mut indexes: Vec<u16> = vec![QUOTE_SPOT_MARKET];
    for i in user.spot.iter().map(|p| &p.market_index).chain(extra_spot) {
        if !indexes.contains(i) {
            indexes.push(*i);
        }
    }
    let mut oracles: Vec<&AccountInfo<'info>> = vec![h.find(&perp.oracle)?];
    let mut spots: Vec<(&AccountInfo<'info>, bool)> = Vec::with_capacity(indexes.len());
    for i in indexes {
        let (info, m) = spot_market(h, Some(i), &Pubkey::default())?;
        if m.oracle != Pubkey::default() && !oracles.iter().any(|o| *o.key == m.oracle) {
            oracles.push(h.find(&m.oracle)?);
        }
        spots.push((info, writable.contains(&i)));
    }
    let r = d::Remaining {
        oracles: oracles.iter().map(|o| *o.key).collect(),
        spot_markets: spots.iter().map(|(s, w)| (*s.key, *w)).collect(),
        perp_markets: vec![(*perp_info.key, true)],
    };
    let infos = oracles
        .into_iter()
        .chain(spots.into_iter().map(|(s, _)| s))
        .chain(core::iter::once(perp_info))
        .cloned()
        .collect();
    Ok((r, infos))
}

/// An immediate-or-cancel limit order at `order.limit`, rounded to the market's tick on
/// the safe side (a buy's limit down, a sell's up). Drift cancels what it cannot fill;
/// `verified_trade` then finds the position unchanged and fails.
pub fn place_order<'info>(
    a: &VenueAccounts<'_, 'info>,
    auth: &VaultAuthority<'_, 'info>,
    order: &Order,
) -> Result<()> {
    let h = &a.holder;
    let perp = perp_market(a.market)?;
    let u = user(a.margin_account)?;
    let base = to_drift_base(order.size, h.decimals)?;
    let step = i64::try_from(perp.order_step_size.max(1)).map_err(|_| error!(VaultError::MathOverflow))?;
    require!(base % step == 0, VaultError::VenueLotSize);
    let tick = perp.order_tick_size.max(1);
    let raw = order
        .limit
        .checked_mul_int(i128::from(d::PRICE_PRECISION))
        .ok_or(VaultError::MathOverflow)?;
    let raw = if order.size > 0 { raw.floor() } else { raw.ceil() }.saturating_to_num::<u64>();
    let limit = if order.size > 0 {
        raw / tick * tick
    } else {
        raw.div_ceil(tick)
            .checked_mul(tick)
            .ok_or(VaultError::MathOverflow)?
    };
    let params = d::OrderParams::ioc_limit(perp.market_index, base, limit).ok_or(VaultError::ZeroAmount)?;
    let (rem, rem_infos) = remaining(h, &u, &perp, a.market, &[], &[])?;
    let (state_info, _) = state(h)?;
    let stats = user_stats(h, auth.vault.key)?;
    let ix = d::place_and_take_perp_order(*auth.vault.key, SUB_ACCOUNT, &params, &rem);
    let mut infos = vec![
        state_info.clone(),
        a.margin_account.clone(),
        stats.clone(),
        auth.vault.clone(),
    ];
    infos.extend(rem_infos);
    infos.push(a.program.clone());
    invoke_signed(&ix, &infos, &[auth.seeds]).map_err(Into::into)
}

/// Deposits collateral into (amount > 0) or withdraws it from (< 0) the collateral's spot
/// market. `t.venue_pool` must be that market's token vault.
pub fn move_margin<'info>(
    a: &VenueAccounts<'_, 'info>,
    t: &MarginTransfer<'_, 'info>,
    auth: &VaultAuthority<'_, 'info>,
) -> Result<()> {
    let h = &a.holder;
    let perp = perp_market(a.market)?;
    let u = user(a.margin_account)?;
    let (_, spot) = spot_market(h, None, &h.collateral_mint)?;
    require_keys_eq!(
        t.venue_pool.key(),
        spot.vault,
        VaultError::VenueSupportAccountMissing
    );
    let (state_info, st) = state(h)?;
    let stats = user_stats(h, auth.vault.key)?;
    let index = spot.market_index;
    let (rem, rem_infos) = remaining(h, &u, &perp, a.market, &[index], &[index])?;
    let m = d::MarginAccounts {
        authority: *auth.vault.key,
        sub_account_id: SUB_ACCOUNT,
        market_index: index,
        token_account: t.vault_collateral.key(),
        token_program: t.token_program.key(),
    };
    let mut infos = vec![
        state_info.clone(),
        a.margin_account.clone(),
        stats.clone(),
        auth.vault.clone(),
        t.venue_pool.clone(),
    ];
    let amount = t.amount.unsigned_abs();
    let ix = if t.amount > 0 {
        d::deposit(&m, amount, &rem)
    } else {
        infos.push(h.find(&st.signer)?.clone());
        d::withdraw(&m, amount, &rem)
    };
    infos.push(t.vault_collateral.clone());
    infos.push(t.token_program.clone());
    infos.extend(rem_infos);
    infos.push(a.program.clone());
    invoke_signed(&ix, &infos, &[auth.seeds]).map_err(Into::into)
}

/// Settles the perp P&L into the quote balance (Drift wants the authority's signature).
pub fn settle_pnl<'info>(a: &VenueAccounts<'_, 'info>, auth: &VaultAuthority<'_, 'info>) -> Result<()> {
    let h = &a.holder;
    let perp = perp_market(a.market)?;
    let u = user(a.margin_account)?;
    let (state_info, _) = state(h)?;
    let (_, quote) = spot_market(h, Some(QUOTE_SPOT_MARKET), &Pubkey::default())?;
    let (rem, rem_infos) = remaining(h, &u, &perp, a.market, &[QUOTE_SPOT_MARKET], &[QUOTE_SPOT_MARKET])?;
    let ix = d::settle_pnl(*auth.vault.key, SUB_ACCOUNT, perp.market_index, &rem);
    let mut infos = vec![
        state_info.clone(),
        a.margin_account.clone(),
        auth.vault.clone(),
        h.find(&quote.vault)?.clone(),
    ];
    infos.extend(rem_infos);
    infos.push(a.program.clone());
    invoke_signed(&ix, &infos, &[auth.seeds]).map_err(Into::into)
}

/// Opens the vault PDA's `UserStats` and `User` (sub-account 0); `payer` (a system
/// account: Drift wants one) pays the rent.
pub fn open_account<'info>(
    program: &AccountInfo<'info>,
    margin: &AccountInfo<'info>,
    payer: &AccountInfo<'info>,
    auth: &VaultAuthority<'_, 'info>,
    h: &Holder<'_, 'info>,
) -> Result<()> {
    let vault = *auth.vault.key;
    let (state_info, _) = state(h)?;
    let stats_key = d::pda::user_stats(&vault);
    let stats = h.find(&stats_key)?;
    let rent = h.find(&d::RENT_SYSVAR)?;
    let system = h.find(&anchor_lang::system_program::ID)?;
    let sign = |mut ix: anchor_lang::solana_program::instruction::Instruction| {
        // Drift before 2.5x wants the authority's signature; the PDA gives it either way.
        for m in ix.accounts.iter_mut().filter(|m| m.pubkey == vault) {
            m.is_signer = true;
        }
        ix
    };
    let infos = [
        stats.clone(),
        state_info.clone(),
        auth.vault.clone(),
        payer.clone(),
        rent.clone(),
        system.clone(),
        program.clone(),
    ];
    if stats.data_is_empty() {
        let ix = sign(d::initialize_user_stats(vault, *payer.key));
        invoke_signed(&ix, &infos, &[auth.seeds])?;
    }
    let mut name = [b' '; 32];
    name[..11].copy_from_slice(b"hedge vault");
    let ix = sign(d::initialize_user(vault, *payer.key, SUB_ACCOUNT, name));
    let infos = [
        margin.clone(),
        stats.clone(),
        state_info.clone(),
        auth.vault.clone(),
        payer.clone(),
        rent.clone(),
        system.clone(),
        program.clone(),
    ];
    invoke_signed(&ix, &infos, &[auth.seeds]).map_err(Into::into)
}
