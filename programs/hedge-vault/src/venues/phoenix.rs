//! Adapter for Phoenix Rise (Phoenix perpetuals), built on the encodings of
//! `hedge-phoenix` (written from Phoenix's published crates and checked against them byte
//! for byte in `crates/phoenix/conformance`).
//!
//! The venue entry names the market's orderbook (`market`) and the vault PDA's trader
//! account, PDA index 0, sub-account 0 (`margin_account`, checked at configuration).
//! Everything else Phoenix needs is found among the remaining accounts and checked before
//! use ([`Holder`]): the global configuration (at its fixed address, owned by Phoenix),
//! which names the perp asset map, the global trader index and the active trader buffer
//! headers and the withdraw queue; the index arenas (Phoenix-owned, by type, in the order
//! passed); the log authority; the market's spline collection and the trader's wallet PDA
//! and its custody token account (derived here, never taken on trust).
//!
//! **Valuation.** The trader account is marked at the vault's own oracle: the perp
//! position (base · price + booked quote + unsettled funding, Phoenix's own convention:
//! `−(cumulative − snapshot) · base` is received), the quote collateral (USDC at 1) and the
//! vault's collateral, held as Phoenix's SPL spot collateral, at the collateral price. Any
//! other position or balance is refused ([`VaultError::VenueUnexpectedHolding`]). Margin
//! arithmetic uses Phoenix's most demanding leverage tier and its largest discount on the
//! collateral, so the vault never plans on margin Phoenix may not grant (docs/venues.md).
//!
//! **Not run against Phoenix's program**: no binary of it is available here; the
//! encodings are checked against Phoenix's published crates, and this adapter against
//! accounts laid out by them (the tests below).
use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::solana_program::program::invoke_signed;
use anchor_spl::token_interface::{self, TransferChecked};
use hedge_math::Fix;
use hedge_phoenix as p;

use super::{Holder, MarginTransfer, Mark, Order, VaultAuthority, VenueAccounts, VenueStatus, VenueView};
use crate::error::VaultError;
use crate::state::VenueConfig;

/// Phoenix's program.
pub const PROGRAM_ID: Pubkey = Pubkey::new_from_array(p::PROGRAM_ID);
/// Quote lots per USDC (Phoenix counts quote in micro-USDC).
const QUOTE_LOTS_PER_USD: i128 = 1_000_000;

fn key(a: p::Address) -> Pubkey {
    Pubkey::new_from_array(a)
}

/// The vault PDA's trader account (index 0, sub-account 0).
pub fn trader_address(vault: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[p::TRADER_SEED, vault.as_ref(), &p::TRADER_INDEXES], &PROGRAM_ID).0
}

pub fn validate_config(v: &VenueConfig, vault: &Pubkey) -> Result<()> {
    require_keys_eq!(v.program_id, PROGRAM_ID, VaultError::VenueProgramMismatch);
    require_keys_eq!(
        v.margin_account,
        trader_address(vault),
        VaultError::VenueMarginAccountMismatch
    );
    Ok(())
}

fn book(info: &AccountInfo) -> Result<p::market::BookView> {
    require_keys_eq!(*info.owner, PROGRAM_ID, VaultError::VenueProgramMismatch);
    p::market::BookView::read(&info.try_borrow_data()?).map_err(|_| error!(VaultError::VenueAccountMismatch))
}

/// Phoenix's global configuration among the passed accounts.
#[inline(never)]
fn config<'a, 'info>(h: &Holder<'a, 'info>) -> Result<(&'a AccountInfo<'info>, p::market::ConfigView)> {
    let info = h.find(&key(p::GLOBAL_CONFIGURATION))?;
    require_keys_eq!(*info.owner, PROGRAM_ID, VaultError::VenueSupportAccountMissing);
    let c = p::market::ConfigView::read(&info.try_borrow_data()?)
        .map_err(|_| error!(VaultError::VenueSupportAccountMissing))?;
    Ok((info, c))
}

/// The perp asset map the configuration names.
fn asset_map<'a, 'info>(h: &Holder<'a, 'info>, c: &p::market::ConfigView) -> Result<&'a AccountInfo<'info>> {
    let info = h.find(&key(c.perp_asset_map))?;
    require_keys_eq!(*info.owner, PROGRAM_ID, VaultError::VenueSupportAccountMissing);
    Ok(info)
}

/// The market's asset entry and the collateral's spot entry.
#[inline(never)]
fn assets(
    map: &AccountInfo,
    book: &p::market::BookView,
    market: &Pubkey,
    mint: &Pubkey,
) -> Result<(p::market::AssetView, p::market::SpotView)> {
    let data = map.try_borrow_data()?;
    let asset = p::market::find_asset(&data, book.asset_id)
        .map_err(|_| error!(VaultError::VenueSupportAccountMissing))?
        .ok_or(VaultError::VenueAccountMismatch)?;
    require_keys_eq!(
        key(asset.market_account),
        *market,
        VaultError::VenueAccountMismatch
    );
    let spot = p::market::find_spot(&data, &mint.to_bytes())
        .map_err(|_| error!(VaultError::VenueSupportAccountMissing))?
        .ok_or(VaultError::VenueSupportAccountMissing)?;
    Ok((asset, spot))
}

/// The global trader index and active trader buffer: each header (named by the
/// configuration) followed by its arenas, found by type among the Phoenix-owned passed
/// accounts, in the order passed.
#[inline(never)]
fn index(h: &Holder, c: &p::market::ConfigView) -> Result<(Vec<p::Address>, Vec<p::Address>)> {
    let mut gti = vec![h.find(&key(c.global_trader_index_header))?.key.to_bytes()];
    let mut atb = vec![h.find(&key(c.active_trader_buffer_header))?.key.to_bytes()];
    for a in h.accounts.iter().filter(|a| *a.owner == PROGRAM_ID) {
        let data = a.try_borrow_data()?;
        match data.get(..8) {
            Some(d) if d == p::discriminant::GLOBAL_TRADER_INDEX_ARENA_ACCOUNT => gti.push(a.key.to_bytes()),
            Some(d) if d == p::discriminant::ACTIVE_TRADER_BUFFER_ARENA_ACCOUNT => atb.push(a.key.to_bytes()),
            _ => {}
        }
    }
    Ok((gti, atb))
}

/// The vault as Phoenix's trader: its PDA signs, its trader account, the asset map the
/// configuration names and the index accounts (`index`).
fn trader<'t>(
    a: &VenueAccounts,
    auth: &VaultAuthority,
    cfg: &p::market::ConfigView,
    index: (&'t [p::Address], &'t [p::Address]),
) -> p::ix::Trader<'t> {
    p::ix::Trader {
        authority: auth.vault.key.to_bytes(),
        trader_account: a.margin_account.key.to_bytes(),
        perp_asset_map: cfg.perp_asset_map,
        global_trader_index: index.0,
        active_trader_buffer: index.1,
    }
}

/// One base lot in the vault's base units: 10^(decimals − base_lot_decimals). A market
/// whose lot is finer than the vault's base unit is refused.
pub fn lot_units(decimals: u8, base_lot_decimals: i8) -> Result<u64> {
    let exp = i32::from(decimals)
        .checked_sub(i32::from(base_lot_decimals))
        .ok_or(VaultError::MathOverflow)?;
    let exp = u32::try_from(exp).map_err(|_| error!(VaultError::VenueLotSize))?;
    10u64
        .checked_pow(exp)
        .ok_or_else(|| error!(VaultError::MathOverflow))
}

/// `limit` (quote per whole token) in the market's ticks, on the safe side: a buy's limit
/// rounded down, a sell's up. One tick is `tick_size` quote lots per base lot.
pub fn limit_ticks(limit: Fix, book: &p::market::BookView, buy: bool) -> Result<u64> {
    // Quote lots per base lot: limit · 10^6 / 10^base_lot_decimals.
    let per_lot = limit
        .checked_mul_int(QUOTE_LOTS_PER_USD)
        .ok_or(VaultError::MathOverflow)?;
    let bld = i32::from(book.base_lot_decimals);
    let shift = 10i128
        .checked_pow(bld.unsigned_abs())
        .ok_or(VaultError::MathOverflow)?;
    let per_lot = if bld >= 0 {
        per_lot.checked_div_int(shift)
    } else {
        per_lot.checked_mul_int(shift)
    }
    .ok_or(VaultError::MathOverflow)?;
    let tick = Fix::from_num(book.tick_size.max(1));
    let ticks = per_lot.checked_div(tick).ok_or(VaultError::MathOverflow)?;
    let ticks = if buy { ticks.floor() } else { ticks.ceil() };
    require!(ticks > Fix::ZERO, VaultError::ZeroAmount);
    Ok(ticks.saturating_to_num::<u64>())
}

/// `x / 10^n` as a fixed-point number.
fn scaled(x: i128, n: u32) -> Result<Fix> {
    Fix::checked_from_num(x)
        .and_then(|v| v.checked_div_int(10i128.checked_pow(n)?))
        .ok_or_else(|| error!(VaultError::MathOverflow))
}

/// The venue's status: the exchange's persisted bits, then the trader's capabilities.
pub fn status(exchange_active: bool, flags: u32) -> VenueStatus {
    use p::trader::capability as c;
    let moves_collateral = flags & (c::CAN_DEPOSIT | c::CAN_WITHDRAW) == c::CAN_DEPOSIT | c::CAN_WITHDRAW;
    if !exchange_active || flags & c::CAN_PLACE_MARKET == 0 || !moves_collateral {
        VenueStatus::Paused
    } else if flags & c::CAN_RISK_INCREASE == 0 {
        VenueStatus::ReduceOnly
    } else {
        VenueStatus::Active
    }
}

/// The vault's trader account at Phoenix, read with its market, asset map and
/// configuration.
#[inline(never)]
pub fn view(
    market_info: &AccountInfo,
    margin_info: &AccountInfo,
    mark: &Mark,
    h: &Holder,
) -> Result<VenueView> {
    let book = book(market_info)?;
    let (_, cfg) = config(h)?;
    let map = asset_map(h, &cfg)?;
    let (asset, spot) = assets(map, &book, market_info.key, &h.collateral_mint)?;
    let lot = lot_units(h.decimals, book.base_lot_decimals)?;
    let data = margin_info.try_borrow_data()?;
    // Not registered yet (`venues::view` let only an empty system account through): it
    // holds nothing, and nothing can be sent to it.
    let (pos, quote_lots, collateral, flags) = if data.is_empty() {
        (p::trader::Position::default(), 0i64, 0u64, 0u32)
    } else {
        let t = p::trader::TraderView::read(&data).map_err(|_| error!(VaultError::VenueAccountMismatch))?;
        require!(
            t.other_holdings(book.asset_id, spot.asset_index) == 0,
            VaultError::VenueUnexpectedHolding
        );
        (
            t.position(book.asset_id).unwrap_or_default(),
            t.quote_lot_collateral(),
            t.spot_balance(spot.asset_index),
            t.flags(),
        )
    };
    // Funding the position receives when settled (Phoenix's sign): −(cumulative − snapshot)
    // · base lots, in quote lots.
    let funding = i128::from(asset.cumulative_funding)
        .checked_sub(i128::from(pos.funding_snapshot))
        .and_then(|d| d.checked_mul(i128::from(pos.base_lots)))
        .and_then(|v| v.checked_neg())
        .ok_or(VaultError::MathOverflow)?;
    let quote_total = i128::from(quote_lots)
        .checked_add(i128::from(pos.virtual_quote_lots))
        .and_then(|v| v.checked_add(funding))
        .ok_or(VaultError::MathOverflow)?;
    let quote_balance = scaled(quote_total, 6)?;
    let position = i64::try_from(
        i128::from(pos.base_lots)
            .checked_mul(i128::from(lot))
            .ok_or(VaultError::MathOverflow)?,
    )
    .map_err(|_| error!(VaultError::MathOverflow))?;
    let decimals = u32::from(h.decimals);
    let base_whole = scaled(i128::from(position), decimals)?;
    let price = mark.price;
    let collateral_value = scaled(i128::from(collateral), decimals)?
        .checked_mul(mark.collateral_price)
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
    Ok(VenueView {
        status: status(cfg.active(), flags),
        frozen: false,
        frozen_haircut_bps: 0,
        position,
        quote_balance,
        collateral,
        equity_quote,
        notional,
        // Phoenix's rate needs its accumulator's interval arithmetic; the vault's routing
        // counts no funding for this venue (docs/venues.md).
        funding_rate_bps: 0,
        // Millionths of the notional → bps, rounded up.
        taker_fee_bps: u16::try_from(book.taker_fee_micro.div_ceil(100)).unwrap_or(u16::MAX),
        // A book, not a curve: depth is whatever rests; the IOC limit and the all-or-nothing
        // fill bound what a trade may cost.
        impact_depth: u64::MAX,
        maintenance_margin_bps: u16::try_from(asset.maintenance_margin_bps()).unwrap_or(u16::MAX),
        initial_margin_bps: u16::try_from(asset.initial_margin_bps()).unwrap_or(u16::MAX),
        lot,
        collateral_haircut_bps: u16::try_from(spot.max_margin_discount_bps.min(10_000)).unwrap_or(u16::MAX),
        // Phoenix books P&L into the quote collateral as positions close; there is nothing
        // to settle separately.
        unsettled_pnl: Fix::ZERO,
        // The vault sends IOC orders only: nothing of its own rests on the book.
        pending: 0,
    })
}

/// The accounts of a Phoenix instruction, in its order, from the known ones and the
/// passed ones; then the CPI, signed by the vault.
fn invoke<'info>(
    ix: p::ix::Instruction,
    known: &[&AccountInfo<'info>],
    h: &Holder<'_, 'info>,
    auth: &VaultAuthority<'_, 'info>,
) -> Result<()> {
    let mut infos: Vec<AccountInfo<'info>> = Vec::with_capacity(ix.accounts.len().saturating_add(1));
    let mut metas = Vec::with_capacity(ix.accounts.len());
    for m in &ix.accounts {
        let k = key(m.key);
        let info = match known.iter().find(|a| *a.key == k) {
            Some(a) => *a,
            None => h.find(&k)?,
        };
        infos.push(info.clone());
        metas.push(AccountMeta {
            pubkey: k,
            is_signer: m.signer,
            is_writable: m.writable,
        });
    }
    let program = ix.program_id;
    let ix = Instruction {
        program_id: key(program),
        accounts: metas,
        data: ix.data,
    };
    invoke_signed(&ix, &infos, &[auth.seeds]).map_err(Into::into)
}

fn build_error(_: p::ix::BuildError) -> Error {
    error!(VaultError::VenueSupportAccountMissing)
}

/// An immediate-or-cancel order for exactly `order.size` at worst `order.limit` (rounded
/// to the tick on the safe side): it fills in full or Phoenix fails it, and
/// `verified_trade` re-reads the trader account either way.
#[inline(never)]
pub fn place_order<'info>(
    a: &VenueAccounts<'_, 'info>,
    auth: &VaultAuthority<'_, 'info>,
    order: &Order,
) -> Result<()> {
    let h = &a.holder;
    let book = book(a.market)?;
    let (_, cfg) = config(h)?;
    let lot = lot_units(h.decimals, book.base_lot_decimals)?;
    let units = order.size.unsigned_abs();
    require!(units.checked_rem(lot) == Some(0), VaultError::VenueLotSize);
    let lots = units.checked_div(lot).ok_or(VaultError::MathOverflow)?;
    require!(lots > 0, VaultError::ZeroAmount);
    let buy = order.size > 0;
    let ticks = limit_ticks(order.limit, &book, buy)?;
    let (gti, atb) = index(h, &cfg)?;
    let trader = trader(a, auth, &cfg, (&gti, &atb));
    let spline = Pubkey::find_program_address(&[p::SPLINE_SEED, a.market.key.as_ref()], &PROGRAM_ID).0;
    let ix = p::ix::place_market_order(
        &trader,
        &p::ix::Book {
            orderbook: a.market.key.to_bytes(),
            spline_collection: spline.to_bytes(),
        },
        &p::ix::MarketOrder {
            side: if buy { p::ix::Side::Bid } else { p::ix::Side::Ask },
            price_in_ticks: Some(ticks),
            num_base_lots: lots,
            min_base_lots_to_fill: lots,
            client_order_id: 0,
            reduce_only: false,
        },
    )
    .map_err(build_error)?;
    invoke(ix, &[a.program, a.market, a.margin_account, auth.vault], h, auth)
}

/// The custody of the vault's collateral at Phoenix: the trader's wallet PDA and its
/// associated token account for the mint (derived, never taken from the caller).
fn custody(trader: &Pubkey, mint: &Pubkey) -> p::ix::Custody {
    let wallet = Pubkey::find_program_address(&[p::WALLET_SEED, trader.as_ref()], &PROGRAM_ID).0;
    let ata = Pubkey::find_program_address(
        &[wallet.as_ref(), &p::TOKEN_PROGRAM_ID, mint.as_ref()],
        &key(p::ASSOCIATED_TOKEN_PROGRAM_ID),
    )
    .0;
    p::ix::Custody {
        mint: mint.to_bytes(),
        wallet: wallet.to_bytes(),
        wallet_token_account: ata.to_bytes(),
    }
}

/// Deposits collateral (amount > 0: an SPL transfer into the custody account, then
/// Phoenix's `sync_spot` credits it) or withdraws it (< 0: `withdraw_spot` of accounted
/// collateral into the vault's token account). `t.venue_pool` must be the custody account.
#[inline(never)]
pub fn move_margin<'info>(
    a: &VenueAccounts<'_, 'info>,
    t: &MarginTransfer<'_, 'info>,
    auth: &VaultAuthority<'_, 'info>,
) -> Result<()> {
    let h = &a.holder;
    let (_, cfg) = config(h)?;
    let c = custody(a.margin_account.key, &h.collateral_mint);
    require_keys_eq!(
        t.venue_pool.key(),
        key(c.wallet_token_account),
        VaultError::VenueSupportAccountMissing
    );
    // Phoenix custodies SPL Token accounts only.
    require_keys_eq!(
        t.token_program.key(),
        key(p::TOKEN_PROGRAM_ID),
        VaultError::VenueSupportAccountMissing
    );
    let (gti, atb) = index(h, &cfg)?;
    let trader = trader(a, auth, &cfg, (&gti, &atb));
    let amount = t.amount.unsigned_abs();
    let known = [
        a.program,
        a.margin_account,
        auth.vault,
        t.venue_pool,
        t.collateral_mint,
        t.vault_collateral,
        t.token_program,
    ];
    if t.amount > 0 {
        token_interface::transfer_checked(
            CpiContext::new_with_signer(
                t.token_program.key(),
                TransferChecked {
                    from: t.vault_collateral.clone(),
                    mint: t.collateral_mint.clone(),
                    to: t.venue_pool.clone(),
                    authority: auth.vault.clone(),
                },
                &[auth.seeds],
            ),
            amount,
            h.decimals,
        )?;
        let ix = p::ix::sync_spot(&trader, &c).map_err(build_error)?;
        invoke(ix, &known, h, auth)
    } else {
        let ix = p::ix::withdraw_spot(
            &trader,
            &c,
            t.vault_collateral.key.to_bytes(),
            cfg.withdraw_queue,
            p::ix::WithdrawAction::WithoutExcess { amount },
        )
        .map_err(build_error)?;
        invoke(ix, &known, h, auth)
    }
}

#[cfg(test)]
// Test fixtures and expectations, written as plain arithmetic on small constants.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use p::market::{fixture as mf, AssetView, BookView, ConfigView, SpotView};
    use p::trader::{capability as cap, fixture::TraderFixture, Position};

    const READY: u32 = cap::CAN_PLACE_MARKET | cap::CAN_RISK_INCREASE | cap::CAN_DEPOSIT | cap::CAN_WITHDRAW;

    struct World {
        keys: Vec<Pubkey>,
        owners: Vec<Pubkey>,
        data: Vec<Vec<u8>>,
        lamports: Vec<u64>,
        mint: Pubkey,
    }

    const BOOK: usize = 0;
    const TRADER: usize = 1;

    fn sol_asset(book: Pubkey) -> AssetView {
        AssetView {
            symbol: *b"SOL\0\0\0\0\0\0\0\0\0\0\0\0\0",
            market_account: book.to_bytes(),
            asset_id: 7,
            // A tick of 10 quote lots per base lot; a base lot of 0.001 SOL (decimals 3).
            tick_size: 10,
            base_lot_decimals: 3,
            // Funding has accumulated to 50 quote lots per base lot since the snapshot.
            cumulative_funding: 150,
            open_interest: 0,
            open_interest_cap: u64::MAX,
            finalized_mark_price: 15_000,
            min_max_leverage: 10,
            maintenance_risk_factor_bps: 5_000,
        }
    }

    /// Phoenix's accounts around the vault's trader account: SOL-PERP (asset 7), its book,
    /// the collateral (9 decimals) as spot asset 0xFFFE_0002 at a 5–20 % discount, and the
    /// vault short 2 SOL booked at 150 USDC/SOL (virtual quote +300 USDC), 1,000 USDC of
    /// quote collateral and 10 collateral tokens. `edit` changes the trader first.
    fn world(edit: impl FnOnce(&mut TraderFixture)) -> World {
        let mint = Pubkey::new_unique();
        let book_key = Pubkey::new_unique();
        let map_key = Pubkey::new_unique();
        let book = mf::book(&BookView {
            market_status: 1,
            base_lot_decimals: 3,
            asset_id: 7,
            symbol: *b"SOL\0\0\0\0\0\0\0\0\0\0\0\0\0",
            tick_size: 10,
            taker_fee_micro: 450,
        });
        let lst = SpotView {
            asset_index: 0xFFFE_0002,
            mint: mint.to_bytes(),
            decimals: 9,
            max_per_trader_balance: u64::MAX,
            min_margin_discount_bps: 500,
            max_margin_discount_bps: 2_000,
            active: true,
        };
        let map = mf::asset_map_with_spot(&[sol_asset(book_key)], &[lst]);
        let config = mf::config(&ConfigView {
            perp_asset_map: map_key.to_bytes(),
            global_trader_index_header: [31; 32],
            active_trader_buffer_header: [32; 32],
            withdraw_queue: [33; 32],
            exchange_status: 0b1000_0001,
        });
        let mut f = TraderFixture {
            authority: [9; 32],
            quote_lot_collateral: 1_000_000_000,
            flags: READY,
            // 2 SOL = 2,000 base lots; funding snapshot 100 (cumulative is 150).
            positions: vec![(
                7,
                Position {
                    base_lots: -2_000,
                    virtual_quote_lots: 300_000_000,
                    funding_snapshot: 100,
                    accumulated_funding: 0,
                },
            )],
            spot: vec![(0xFFFE_0002, 10_000_000_000)],
            ..TraderFixture::default()
        };
        edit(&mut f);
        World {
            keys: vec![
                book_key,
                Pubkey::new_unique(),
                key(p::GLOBAL_CONFIGURATION),
                map_key,
            ],
            owners: vec![PROGRAM_ID; 4],
            data: vec![book, f.bytes(), config, map],
            lamports: vec![1; 4],
            mint,
        }
    }

    impl World {
        fn infos(&mut self) -> Vec<AccountInfo<'_>> {
            self.keys
                .iter()
                .zip(self.owners.iter())
                .zip(self.data.iter_mut())
                .zip(self.lamports.iter_mut())
                .map(|(((k, o), d), l)| AccountInfo::new(k, false, true, l, d, o, false))
                .collect()
        }

        fn view(&mut self, price: f64) -> Result<VenueView> {
            let mint = self.mint;
            let infos = self.infos();
            let h = Holder {
                collateral_mint: mint,
                decimals: 9,
                accounts: &infos,
            };
            let mark = Mark {
                price: Fix::from_num(price),
                collateral_price: Fix::from_num(price),
                now: 0,
            };
            view(&infos[BOOK], &infos[TRADER], &mark, &h)
        }
    }

    fn close(a: Fix, b: f64) -> bool {
        (a.to_num::<f64>() - b).abs() < 1e-6
    }

    #[test]
    fn values_the_trader_account_from_raw_balances() {
        let v = world(|_| {}).view(160.0).unwrap();
        // 2,000 lots of 10^(9−3) base units: −2 SOL in the vault's units.
        assert_eq!(v.position, -2_000_000_000);
        assert_eq!(v.lot, 1_000_000);
        assert_eq!(v.collateral, 10_000_000_000);
        // Quote: 1,000 collateral + 300 booked + funding received −(150 − 100)·(−2,000)
        // = +100,000 quote lots = 0.1 USDC.
        assert!(close(v.quote_balance, 1_300.1), "{}", v.quote_balance);
        // Equity: −2 · 160 + 1,300.1 + 10 · 160 = 2,580.1.
        assert!(close(v.equity_quote, 2_580.1), "{}", v.equity_quote);
        assert!(close(v.notional, 320.0));
        // 10x: 10 % initial, half of it maintenance; the larger collateral discount; the
        // taker fee of 450 micro rounded up to 5 bps.
        assert_eq!((v.initial_margin_bps, v.maintenance_margin_bps), (1_000, 500));
        assert_eq!(v.collateral_haircut_bps, 2_000);
        assert_eq!(v.taker_fee_bps, 5);
        assert_eq!(v.status, VenueStatus::Active);
        assert_eq!(v.unsettled_pnl, Fix::ZERO);
    }

    #[test]
    fn a_neutral_short_keeps_its_dollar_value_through_a_move() {
        // Short 2 SOL against 2 SOL of collateral: the dollar value moves only by what the
        // quote side does not (nothing), so equity is flat in the price.
        let mut w = world(|f| f.spot = vec![(0xFFFE_0002, 2_000_000_000)]);
        let a = w.view(100.0).unwrap().equity_quote;
        let b = w.view(250.0).unwrap().equity_quote;
        assert!(close(a, b.to_num::<f64>()), "{a} vs {b}");
    }

    #[test]
    fn status_follows_the_exchange_and_the_trader_capabilities() {
        assert_eq!(status(true, READY), VenueStatus::Active);
        assert_eq!(status(false, READY), VenueStatus::Paused);
        assert_eq!(
            status(true, READY & !cap::CAN_RISK_INCREASE),
            VenueStatus::ReduceOnly
        );
        // Frozen by Phoenix: no deposit, no withdrawal.
        assert_eq!(
            status(true, cap::CAN_PLACE_MARKET | cap::CAN_RISK_INCREASE),
            VenueStatus::Paused
        );
        assert_eq!(status(true, READY & !cap::CAN_PLACE_MARKET), VenueStatus::Paused);
        let mut w = world(|f| f.flags = READY & !cap::CAN_RISK_INCREASE);
        assert_eq!(w.view(150.0).unwrap().status, VenueStatus::ReduceOnly);
    }

    #[test]
    fn refuses_what_it_cannot_value_or_trust() {
        // Another market's position.
        let mut w = world(|f| {
            f.positions.push((
                8,
                Position {
                    base_lots: 1,
                    ..Position::default()
                },
            ))
        });
        assert_eq!(
            w.view(150.0).unwrap_err(),
            error!(VaultError::VenueUnexpectedHolding)
        );
        // Another spot balance.
        let mut w = world(|f| f.spot.push((0xFFFE_0003, 1)));
        assert_eq!(
            w.view(150.0).unwrap_err(),
            error!(VaultError::VenueUnexpectedHolding)
        );
        // No global configuration passed.
        let mut w = world(|_| {});
        w.keys[2] = Pubkey::new_unique();
        assert_eq!(
            w.view(150.0).unwrap_err(),
            error!(VaultError::VenueSupportAccountMissing)
        );
        // A configuration at the right address but not Phoenix's.
        let mut w = world(|_| {});
        w.owners[2] = Pubkey::new_unique();
        assert_eq!(
            w.view(150.0).unwrap_err(),
            error!(VaultError::VenueSupportAccountMissing)
        );
        // An asset map that does not name this book for the asset.
        let mut w = world(|_| {});
        let other = sol_asset(Pubkey::new_unique());
        w.data[3] = mf::asset_map(&[other]);
        assert_eq!(
            w.view(150.0).unwrap_err(),
            error!(VaultError::VenueAccountMismatch)
        );
        // Phoenix does not take the vault's collateral.
        let mut w = world(|_| {});
        w.mint = Pubkey::new_unique();
        assert_eq!(
            w.view(150.0).unwrap_err(),
            error!(VaultError::VenueSupportAccountMissing)
        );
        // The book is not Phoenix's.
        let mut w = world(|_| {});
        w.owners[BOOK] = Pubkey::new_unique();
        assert_eq!(
            w.view(150.0).unwrap_err(),
            error!(VaultError::VenueProgramMismatch)
        );
        // The margin account is not a trader account.
        let mut w = world(|_| {});
        w.data[TRADER][0] ^= 1;
        assert_eq!(
            w.view(150.0).unwrap_err(),
            error!(VaultError::VenueAccountMismatch)
        );
    }

    #[test]
    fn an_unregistered_account_holds_nothing_and_takes_nothing() {
        let mut w = world(|_| {});
        w.data[TRADER] = Vec::new();
        let v = w.view(150.0).unwrap();
        assert_eq!((v.position, v.collateral), (0, 0));
        assert_eq!(v.equity_quote, Fix::ZERO);
        assert_eq!(v.status, VenueStatus::Paused);
    }

    #[test]
    fn lots_and_ticks_round_on_the_safe_side() {
        assert_eq!(lot_units(9, 3).unwrap(), 1_000_000);
        assert_eq!(lot_units(6, -2).unwrap(), 100_000_000);
        assert_eq!(lot_units(3, 4).unwrap_err(), error!(VaultError::VenueLotSize));
        let book = BookView {
            market_status: 1,
            base_lot_decimals: 3,
            asset_id: 7,
            symbol: [0; 16],
            tick_size: 10,
            taker_fee_micro: 0,
        };
        // 150.0137 USDC/SOL = 150,013.7 quote lots per 0.001 SOL = 15,001.37 ticks.
        let limit = Fix::from_num(150.0137);
        assert_eq!(limit_ticks(limit, &book, true).unwrap(), 15_001);
        assert_eq!(limit_ticks(limit, &book, false).unwrap(), 15_002);
        // A negative lot exponent multiplies: one lot is 100 tokens.
        let coarse = BookView {
            base_lot_decimals: -2,
            ..book
        };
        // 1.5 USDC per token · 100 tokens = 150 USDC per lot = 15,000,000 ticks of 10 micro-USDC.
        assert_eq!(
            limit_ticks(Fix::from_num(1.5), &coarse, true).unwrap(),
            15_000_000
        );
        assert_eq!(
            limit_ticks(Fix::ZERO, &book, true).unwrap_err(),
            error!(VaultError::ZeroAmount)
        );
    }

    #[test]
    fn configuration_names_the_vault_trader_account() {
        let vault = Pubkey::new_unique();
        let mut v = VenueConfig::new(
            crate::state::VenueKind::PhoenixRise,
            PROGRAM_ID,
            Pubkey::new_unique(),
            trader_address(&vault),
            1,
        );
        assert!(validate_config(&v, &vault).is_ok());
        assert_eq!(
            validate_config(&v, &Pubkey::new_unique()).unwrap_err(),
            error!(VaultError::VenueMarginAccountMismatch)
        );
        v.program_id = Pubkey::new_unique();
        assert_eq!(
            validate_config(&v, &vault).unwrap_err(),
            error!(VaultError::VenueProgramMismatch)
        );
    }
}
