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
#[inline(never)]
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
#[inline(never)]
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
#[inline(never)]
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

/// How the vault's base unit relates to Drift's: `Finer(s)` when the vault's has more
/// decimals (one Drift unit is `s` vault units), `Coarser(s)` when it has fewer.
enum Scale {
    Finer(i128),
    Coarser(i128),
}

fn scale(decimals: u8) -> Result<Scale> {
    let dec = u32::from(decimals);
    Ok(match dec.checked_sub(BASE_DECIMALS) {
        Some(up) => Scale::Finer(pow10(up)?),
        None => Scale::Coarser(pow10(BASE_DECIMALS.saturating_sub(dec))?),
    })
}

/// Drift base (BASE_PRECISION) → the vault's base units, towards zero.
fn to_vault_units(base: i128, decimals: u8) -> Result<i128> {
    match scale(decimals)? {
        Scale::Finer(s) => base.checked_mul(s),
        Scale::Coarser(s) => base.checked_div(s),
    }
    .ok_or_else(|| error!(VaultError::MathOverflow))
}

/// The vault's base units → Drift base, exactly (a size Drift cannot express is refused).
fn to_drift_base(units: i64, decimals: u8) -> Result<i64> {
    let units = i128::from(units);
    let base = match scale(decimals)? {
        Scale::Coarser(s) => units.checked_mul(s),
        Scale::Finer(s) => {
            // Unsigned: sBPF has no signed division.
            let rest = units.unsigned_abs().checked_rem(s.unsigned_abs());
            require!(rest == Some(0), VaultError::VenueLotSize);
            units.checked_div(s)
        }
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
#[inline(never)]
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
    let (mut base, mut perp_quote, mut open) = (0i64, 0i128, 0i128);
    for p in &user.perp {
        require!(
            p.market_index == perp.market_index,
            VaultError::VenueUnexpectedHolding
        );
        let owed = perp.unsettled_funding(p).ok_or(VaultError::MathOverflow)?;
        base = p.base_asset_amount;
        // Open orders still to fill: bids ≥ 0, asks ≤ 0 (Drift's own tallies).
        open = i128::from(p.open_bids)
            .checked_add(i128::from(p.open_asks))
            .ok_or(VaultError::MathOverflow)?;
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
        let step = i128::from(perp.order_step_size.max(1));
        let units = match scale(h.decimals)? {
            Scale::Finer(s) => step.checked_mul(s),
            Scale::Coarser(s) => step
                .checked_add(s.saturating_sub(1))
                .and_then(|x| x.checked_div(s)),
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
        pending: i64::try_from(to_vault_units(open, h.decimals)?)
            .map_err(|_| error!(VaultError::MathOverflow))?,
    })
}

/// Drift's remaining accounts for an instruction on the vault's `User`: the oracles, the
/// quote spot market (Drift's margin arithmetic always needs it), the spot market of every
/// balance it holds plus `extra_spot` (writable when in `writable`), then the perp market
/// (writable). Returns them with their account infos, in order.
#[inline(never)]
fn remaining<'a, 'info>(
    h: &Holder<'a, 'info>,
    user: &d::UserView,
    perp: &d::PerpMarketView,
    perp_info: &'a AccountInfo<'info>,
    spots: &SpotSet,
) -> Result<(d::Remaining, Vec<AccountInfo<'info>>)> {
    let (extra_spot, writable) = (spots.extra, spots.writable);
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

/// Spot markets an instruction needs beyond the ones the `User` holds, and those it
/// writes (one argument: sBPF passes at most five words).
struct SpotSet<'s> {
    extra: &'s [u16],
    writable: &'s [u16],
}

/// An immediate-or-cancel limit order at `order.limit`, rounded to the market's tick on
/// the safe side (a buy's limit down, a sell's up). Drift cancels what it cannot fill;
/// `verified_trade` then finds the position unchanged and fails.
#[inline(never)]
pub fn place_order<'info>(
    a: &VenueAccounts<'_, 'info>,
    auth: &VaultAuthority<'_, 'info>,
    order: &Order,
) -> Result<()> {
    let h = &a.holder;
    let perp = perp_market(a.market)?;
    let u = user(a.margin_account)?;
    let base = to_drift_base(order.size, h.decimals)?;
    require!(
        base.unsigned_abs().checked_rem(perp.order_step_size.max(1)) == Some(0),
        VaultError::VenueLotSize
    );
    let tick = perp.order_tick_size.max(1);
    let raw = order
        .limit
        .checked_mul_int(i128::from(d::PRICE_PRECISION))
        .ok_or(VaultError::MathOverflow)?;
    let raw = if order.size > 0 { raw.floor() } else { raw.ceil() }.saturating_to_num::<u64>();
    let limit = if order.size > 0 {
        raw.checked_div(tick)
            .and_then(|x| x.checked_mul(tick))
            .ok_or(VaultError::MathOverflow)?
    } else {
        raw.div_ceil(tick)
            .checked_mul(tick)
            .ok_or(VaultError::MathOverflow)?
    };
    let params = d::OrderParams::ioc_limit(perp.market_index, base, limit).ok_or(VaultError::ZeroAmount)?;
    let none = SpotSet {
        extra: &[],
        writable: &[],
    };
    let (rem, rem_infos) = remaining(h, &u, &perp, a.market, &none)?;
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

/// Slots an order placed by `rebalance_deferred` auctions over, from the oracle price to the
/// vault's slippage limit (about four seconds); Drift's keepers fill it during or after.
pub const DEFERRED_AUCTION_SLOTS: u8 = 10;

/// `place_perp_order`: an auction of `req.size` from the oracle price to the vault's
/// slippage limit, valid until `expires_at`, filled later by Drift's keepers (the vault
/// reads the fill from its `User`).
#[inline(never)]
pub fn place_deferred<'info>(
    a: &VenueAccounts<'_, 'info>,
    auth: &VaultAuthority<'_, 'info>,
    req: &super::TradeRequest,
    expires_at: i64,
) -> Result<()> {
    let h = &a.holder;
    let perp = perp_market(a.market)?;
    let u = user(a.margin_account)?;
    let base = to_drift_base(req.size, h.decimals)?;
    require!(
        base.unsigned_abs().checked_rem(perp.order_step_size.max(1)) == Some(0),
        VaultError::VenueLotSize
    );
    let oracle = req
        .market
        .underlying
        .price
        .checked_mul_int(i128::from(d::PRICE_PRECISION))
        .ok_or(VaultError::MathOverflow)?
        .round()
        .saturating_to_num::<u64>();
    let params = d::OrderParams::auction_at_oracle(
        perp.market_index,
        base,
        oracle,
        req.max_slippage_bps,
        DEFERRED_AUCTION_SLOTS,
        expires_at,
    )
    .ok_or(VaultError::ZeroAmount)?;
    let none = SpotSet {
        extra: &[],
        writable: &[],
    };
    let (rem, rem_infos) = remaining(h, &u, &perp, a.market, &none)?;
    let (state_info, _) = state(h)?;
    let ix = d::place_perp_order(*auth.vault.key, SUB_ACCOUNT, &params, &rem);
    let mut infos = vec![state_info.clone(), a.margin_account.clone(), auth.vault.clone()];
    infos.extend(rem_infos);
    infos.push(a.program.clone());
    invoke_signed(&ix, &infos, &[auth.seeds]).map_err(Into::into)
}

/// `cancel_orders` on the vault's perp market: every open order there.
#[inline(never)]
pub fn cancel_orders<'info>(a: &VenueAccounts<'_, 'info>, auth: &VaultAuthority<'_, 'info>) -> Result<()> {
    let h = &a.holder;
    let perp = perp_market(a.market)?;
    let u = user(a.margin_account)?;
    let none = SpotSet {
        extra: &[],
        writable: &[],
    };
    let (rem, rem_infos) = remaining(h, &u, &perp, a.market, &none)?;
    let (state_info, _) = state(h)?;
    let ix = d::cancel_orders(*auth.vault.key, SUB_ACCOUNT, perp.market_index, &rem);
    let mut infos = vec![state_info.clone(), a.margin_account.clone(), auth.vault.clone()];
    infos.extend(rem_infos);
    infos.push(a.program.clone());
    invoke_signed(&ix, &infos, &[auth.seeds]).map_err(Into::into)
}

/// Deposits collateral into (amount > 0) or withdraws it from (< 0) the collateral's spot
/// market. `t.venue_pool` must be that market's token vault.
#[inline(never)]
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
    let spots = SpotSet {
        extra: &[index],
        writable: &[index],
    };
    let (rem, rem_infos) = remaining(h, &u, &perp, a.market, &spots)?;
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
#[inline(never)]
pub fn settle_pnl<'info>(a: &VenueAccounts<'_, 'info>, auth: &VaultAuthority<'_, 'info>) -> Result<()> {
    let h = &a.holder;
    let perp = perp_market(a.market)?;
    let u = user(a.margin_account)?;
    let (state_info, _) = state(h)?;
    let (_, quote) = spot_market(h, Some(QUOTE_SPOT_MARKET), &Pubkey::default())?;
    let spots = SpotSet {
        extra: &[QUOTE_SPOT_MARKET],
        writable: &[QUOTE_SPOT_MARKET],
    };
    let (rem, rem_infos) = remaining(h, &u, &perp, a.market, &spots)?;
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
    // Every account either CPI names (the runtime matches them by key).
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
    if stats.data_is_empty() {
        let ix = sign(d::initialize_user_stats(vault, *payer.key));
        invoke_signed(&ix, &infos, &[auth.seeds])?;
    }
    let mut name = [b' '; 32];
    name[..11].copy_from_slice(b"hedge vault");
    let ix = sign(d::initialize_user(vault, *payer.key, SUB_ACCOUNT, name));
    invoke_signed(&ix, &infos, &[auth.seeds]).map_err(Into::into)
}

#[cfg(test)]
// Test fixtures and expectations, written as plain arithmetic on small constants.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use d::layout::*;

    const SOL: i64 = 1_000_000_000;

    /// A Drift-owned account of type `name` and `len` bytes, written by `fill`.
    fn account(name: &str, len: usize, fill: impl FnOnce(&mut [u8])) -> Vec<u8> {
        let mut data = vec![0u8; len];
        data[..8].copy_from_slice(&d::account_discriminator(name));
        fill(&mut data);
        data
    }

    fn put<const N: usize>(data: &mut [u8], at: usize, bytes: [u8; N]) {
        data[at..at + N].copy_from_slice(&bytes);
    }

    struct World {
        keys: Vec<Pubkey>,
        owners: Vec<Pubkey>,
        data: Vec<Vec<u8>>,
        lamports: Vec<u64>,
        collateral_mint: Pubkey,
    }

    const PERP: usize = 0;
    const USER: usize = 1;

    /// Drift's State, SOL-PERP 0, USDC spot 0, the collateral's spot 1 and the vault's
    /// `User`: short 2 SOL (quote +310), 10 SOL scaled at a 1.05 deposit index (10.5 SOL),
    /// 100 USDC. `edit` changes the `User` first.
    fn world(edit: impl FnOnce(&mut [u8])) -> World {
        let collateral_mint = Pubkey::new_unique();
        let usdc_mint = Pubkey::new_unique();
        let oracle = Pubkey::new_unique();
        let perp = account("PerpMarket", PERP_MARKET_LEN, |m| {
            put(m, PERP_MARKET_MARKET_INDEX, 0u16.to_le_bytes());
            put(m, PERP_MARKET_ORACLE, oracle.to_bytes());
            m[PERP_MARKET_STATUS] = 1; // Active
            put(
                m,
                PERP_MARKET_BASE_ASSET_RESERVE,
                (50_000 * SOL as u128).to_le_bytes(),
            );
            put(m, PERP_MARKET_ORDER_STEP_SIZE, 10_000_000u64.to_le_bytes());
            put(m, PERP_MARKET_ORDER_TICK_SIZE, 100u64.to_le_bytes());
            put(m, PERP_MARKET_BASE_SPREAD, 1_000u32.to_le_bytes()); // 0.1 %
            put(m, PERP_MARKET_MARGIN_RATIO_INITIAL, 2_000u32.to_le_bytes());
            put(m, PERP_MARKET_MARGIN_RATIO_MAINTENANCE, 500u32.to_le_bytes());
        });
        let mut user = account("User", USER_LEN, |u| {
            let p = USER_PERP_POSITIONS;
            put(u, p + PERP_BASE_ASSET_AMOUNT, (-2 * SOL).to_le_bytes());
            put(u, p + PERP_QUOTE_ASSET_AMOUNT, 310_000_000i64.to_le_bytes());
            let s = USER_SPOT_POSITIONS;
            put(u, s + SPOT_MARKET_INDEX, 1u16.to_le_bytes());
            put(u, s + SPOT_SCALED_BALANCE, (10 * SOL as u64).to_le_bytes());
            let s = USER_SPOT_POSITIONS + SPOT_POSITION_LEN;
            put(u, s + SPOT_MARKET_INDEX, 0u16.to_le_bytes());
            put(u, s + SPOT_SCALED_BALANCE, (100 * SOL as u64).to_le_bytes());
        });
        edit(&mut user);
        let state = account("State", STATE_LEN, |s| {
            put(s, STATE_PERP_FEE_TIER0, 1u32.to_le_bytes());
            put(s, STATE_PERP_FEE_TIER0 + 4, 1_000u32.to_le_bytes()); // 10 bps
        });
        let spot = |index: u16, mint: Pubkey, decimals: u32, interest: u128, weight: u32| {
            account("SpotMarket", SPOT_MARKET_LEN, |m| {
                put(m, SPOT_MARKET_MARKET_INDEX, index.to_le_bytes());
                put(m, SPOT_MARKET_MINT, mint.to_bytes());
                put(m, SPOT_MARKET_DECIMALS, decimals.to_le_bytes());
                put(m, SPOT_MARKET_CUMULATIVE_DEPOSIT_INTEREST, interest.to_le_bytes());
                put(m, SPOT_MARKET_CUMULATIVE_BORROW_INTEREST, interest.to_le_bytes());
                put(m, SPOT_MARKET_INITIAL_ASSET_WEIGHT, weight.to_le_bytes());
            })
        };
        let data = vec![
            perp,
            user,
            state,
            spot(0, usdc_mint, 6, 10_000_000_000, 10_000),
            spot(1, collateral_mint, 9, 10_500_000_000, 8_000),
        ];
        World {
            keys: (0..data.len()).map(|_| Pubkey::new_unique()).collect(),
            owners: vec![d::PROGRAM_ID; data.len()],
            lamports: vec![1; data.len()],
            data,
            collateral_mint,
        }
    }

    fn mark() -> Mark {
        Mark {
            price: Fix::from_num(150),
            collateral_price: Fix::from_num(150),
            now: 0,
        }
    }

    /// The view of `w`'s `User`, with the accounts `support` (indexes into `w`) passed.
    fn view_of(w: &mut World, support: &[usize]) -> Result<VenueView> {
        let mut infos: Vec<AccountInfo> = w
            .keys
            .iter()
            .zip(&w.owners)
            .zip(w.lamports.iter_mut())
            .zip(w.data.iter_mut())
            .map(|(((k, o), l), d)| AccountInfo::new(k, false, false, l, d, o, false))
            .collect();
        let (market, rest) = infos.split_at_mut(1);
        let (margin, rest) = rest.split_at_mut(1);
        let passed: Vec<AccountInfo> = support.iter().map(|i| rest[i - 2].clone()).collect();
        let h = Holder {
            collateral_mint: w.collateral_mint,
            decimals: 9,
            accounts: &passed,
        };
        view(&market[0], &margin[0], &mark(), &h)
    }

    fn code(r: Result<VenueView>) -> u32 {
        match r {
            Err(Error::AnchorError(e)) => e.error_code_number,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn a_user_is_valued_from_its_markets_as_drift_books_it() {
        let mut w = world(|_| {});
        let v = view_of(&mut w, &[2, 3, 4]).unwrap();
        // Independently: 10 SOL scaled × 1.05 = 10.5 SOL at 150; 100 USDC; the short:
        // −2 × 150 + 310 = +10.
        assert_eq!(v.position, -2 * SOL);
        assert_eq!(v.collateral, 10_500_000_000);
        assert_eq!(v.equity_quote, Fix::from_num(10.5 * 150.0 + 100.0 + 10.0));
        assert_eq!(v.unsettled_pnl, Fix::from_num(10));
        assert_eq!(v.notional, Fix::from_num(300));
        assert_eq!(v.status, VenueStatus::Active);
        // 10 bps taker fee + half of a 0.1 % spread; 0.01-SOL lots; 80 % weight.
        assert_eq!(v.taker_fee_bps, 15);
        assert_eq!(v.lot, 10_000_000);
        assert_eq!(v.collateral_haircut_bps, 2_000);
        assert_eq!(v.impact_depth, 50_000 * SOL as u64);
        assert_eq!((v.initial_margin_bps, v.maintenance_margin_bps), (2_000, 500));
        // The same balances, any order of the support accounts.
        assert_eq!(view_of(&mut w, &[4, 2, 3]).unwrap(), v);
    }

    #[test]
    fn what_the_vault_did_not_put_there_is_refused() {
        // A position in another perp market.
        let mut w = world(|u| {
            put(
                u,
                USER_PERP_POSITIONS + PERP_POSITION_LEN + PERP_MARKET_INDEX,
                3u16.to_le_bytes(),
            );
            put(
                u,
                USER_PERP_POSITIONS + PERP_POSITION_LEN + PERP_BASE_ASSET_AMOUNT,
                SOL.to_le_bytes(),
            );
        });
        assert_eq!(
            code(view_of(&mut w, &[2, 3, 4])),
            u32::from(VaultError::VenueUnexpectedHolding)
        );
        // A balance in a third token (spot market 2): its market is passed, and the
        // balance is still refused.
        let mut w = world(|u| {
            let s = USER_SPOT_POSITIONS + SPOT_POSITION_LEN;
            put(u, s + SPOT_MARKET_INDEX, 2u16.to_le_bytes());
        });
        put(&mut w.data[3], SPOT_MARKET_MARKET_INDEX, 2u16.to_le_bytes());
        assert_eq!(
            code(view_of(&mut w, &[2, 3, 4])),
            u32::from(VaultError::VenueUnexpectedHolding)
        );
    }

    #[test]
    fn missing_or_forged_support_accounts_are_refused() {
        let missing = u32::from(VaultError::VenueSupportAccountMissing);
        let mut w = world(|_| {});
        assert_eq!(code(view_of(&mut w, &[3, 4])), missing, "no State");
        assert_eq!(code(view_of(&mut w, &[2, 3])), missing, "no collateral market");
        assert_eq!(
            code(view_of(&mut w, &[2, 4])),
            missing,
            "no USDC market for the USDC"
        );
        // The same bytes under another owner are not Drift's.
        w.owners[2] = Pubkey::new_unique();
        assert_eq!(code(view_of(&mut w, &[2, 3, 4])), missing, "a forged State");
        // The market and the User themselves must be Drift's and of their type.
        let mut w = world(|_| {});
        w.owners[PERP] = Pubkey::new_unique();
        assert_eq!(
            code(view_of(&mut w, &[2, 3, 4])),
            u32::from(VaultError::VenueAccountMismatch)
        );
        let mut w = world(|_| {});
        w.data[USER][..8].copy_from_slice(&d::account_discriminator("UserStats"));
        assert_eq!(
            code(view_of(&mut w, &[2, 3, 4])),
            u32::from(VaultError::VenueAccountMismatch)
        );
    }

    #[test]
    fn open_orders_are_read_as_pending_in_vault_units() {
        // An auction selling 0.5 SOL and a bid for 0.25 SOL still open, as Drift tallies
        // them on the position (bids ≥ 0, asks ≤ 0): 0.25 SOL net on its way out.
        let mut w = world(|u| {
            let p = USER_PERP_POSITIONS;
            put(u, p + PERP_OPEN_ASKS, (-SOL / 2).to_le_bytes());
            put(u, p + PERP_OPEN_BIDS, (SOL / 4).to_le_bytes());
            u[p + PERP_OPEN_ORDERS] = 2;
        });
        let v = view_of(&mut w, &[2, 3, 4]).unwrap();
        assert_eq!(v.pending, -SOL / 4);
        assert_eq!(v.position, -2 * SOL, "open orders are not a position");
        // Nothing open: nothing pending.
        let mut w = world(|_| {});
        assert_eq!(view_of(&mut w, &[2, 3, 4]).unwrap().pending, 0);
    }

    #[test]
    fn configuration_names_drifts_program_and_the_vaults_user() {
        let vault = Pubkey::new_unique();
        let mut v = VenueConfig::new(
            crate::state::VenueKind::DriftV2,
            d::PROGRAM_ID,
            d::pda::perp_market(0),
            d::pda::user(&vault, SUB_ACCOUNT),
            1,
        );
        assert!(validate_config(&v, &vault).is_ok());
        assert_eq!(
            validate_config(&v, &Pubkey::new_unique()).unwrap_err(),
            error!(VaultError::VenueMarginAccountMismatch),
            "another vault's User"
        );
        v.margin_account = d::pda::user(&vault, 1);
        assert_eq!(
            validate_config(&v, &vault).unwrap_err(),
            error!(VaultError::VenueMarginAccountMismatch),
            "another sub-account"
        );
        v.margin_account = d::pda::user(&vault, SUB_ACCOUNT);
        v.program_id = Pubkey::new_unique();
        assert_eq!(
            validate_config(&v, &vault).unwrap_err(),
            error!(VaultError::VenueProgramMismatch)
        );
    }

    #[test]
    fn sizes_convert_exactly_or_not_at_all() {
        assert_eq!(to_drift_base(1_500, 6).unwrap(), 1_500_000);
        assert_eq!(to_drift_base(-7, 9).unwrap(), -7);
        assert_eq!(to_drift_base(3_000, 12).unwrap(), 3);
        let e = to_drift_base(3_001, 12).unwrap_err();
        assert_eq!(
            e,
            error!(VaultError::VenueLotSize),
            "a size Drift cannot express is refused, not rounded"
        );
        assert_eq!(to_vault_units(1_999, 6).unwrap(), 1, "towards zero");
        assert_eq!(to_vault_units(-1_999, 6).unwrap(), -1);
    }
}
