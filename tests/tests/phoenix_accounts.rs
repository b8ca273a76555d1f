//! The Phoenix Rise adapter inside the vault program, on Phoenix accounts laid out the way
//! Phoenix lays them out (`hedge-phoenix`'s fixtures, which crates/phoenix/conformance
//! decodes with Phoenix's own readers). No Phoenix program binary is available here, so
//! nothing is sent to Phoenix; everything the vault *reads* from Phoenix is exercised
//! through the real instructions: the mark, the reconciliation of an out-of-band position,
//! every refusal, and Phoenix's maintenance bit stopping a margin move before any CPI.
use anchor_lang::prelude::Pubkey;
use anchor_spl::token::spl_token;
use hedge_client::{with_accounts, PhoenixSupport};
use hedge_localnet::assert_vault_err;
use hedge_localnet::fixture::Fixture;
use hedge_localnet::{Env, Programs};
use hedge_phoenix as p;
use hedge_phoenix::market::{fixture as mf, AssetView, BookView, ConfigView, SpotView};
use hedge_phoenix::trader::{capability as cap, fixture::TraderFixture, Position};
use hedge_vault::error::VaultError;
use hedge_vault::state::{MarginParams, VenueConfig, VenueKind};
use hedge_vault::venues::phoenix::{trader_address, PROGRAM_ID};
use solana_account::Account;
use solana_signer::Signer;

const SOL: u64 = 1_000_000_000;
const READY: u32 = cap::CAN_PLACE_MARKET | cap::CAN_RISK_INCREASE | cap::CAN_DEPOSIT | cap::CAN_WITHDRAW;
/// SOL-PERP's asset id, and the collateral's spot asset index at Phoenix.
const ASSET: u32 = 7;
const SPOT: u32 = 0xFFFE_0002;

struct Phoenix {
    book: Pubkey,
    map: Pubkey,
    support: PhoenixSupport,
    cfg: VenueConfig,
}

fn phoenix_account(fx: &mut Fixture, key: &Pubkey, data: Vec<u8>) {
    fx.env.put_account(
        key,
        Account {
            lamports: 1_000_000_000,
            data,
            owner: PROGRAM_ID,
            executable: false,
            rent_epoch: 0,
        },
    );
}

fn config(exchange_status: u8, s: &PhoenixSupport) -> Vec<u8> {
    mf::config(&ConfigView {
        perp_asset_map: s.perp_asset_map.to_bytes(),
        global_trader_index_header: s.global_trader_index[0].to_bytes(),
        active_trader_buffer_header: s.active_trader_buffer[0].to_bytes(),
        withdraw_queue: s.withdraw_queue.to_bytes(),
        exchange_status,
    })
}

/// A vault whose one venue is Phoenix's SOL-PERP: the book (a lot of 0.001 SOL, a tick of
/// 10 micro-USDC per lot), the asset map (10x, maintenance at half the initial margin,
/// cumulative funding 150) with the vault's collateral as spot collateral, and the global
/// configuration (active). The vault's trader account is not registered yet.
async fn vault_on_phoenix(programs: Programs) -> (Fixture, Phoenix) {
    let mut fx = Fixture::on(Env::with_programs(programs).await, spl_token::ID).await;
    let book = Pubkey::new_unique();
    let map = Pubkey::new_unique();
    let support = PhoenixSupport {
        perp_asset_map: map,
        global_trader_index: vec![Pubkey::new_unique()],
        active_trader_buffer: vec![Pubkey::new_unique()],
        withdraw_queue: Pubkey::new_unique(),
    };
    phoenix_account(
        &mut fx,
        &book,
        mf::book(&BookView {
            market_status: 1,
            base_lot_decimals: 3,
            asset_id: ASSET,
            symbol: *b"SOL\0\0\0\0\0\0\0\0\0\0\0\0\0",
            tick_size: 10,
            taker_fee_micro: 450,
        }),
    );
    let sol = AssetView {
        symbol: *b"SOL\0\0\0\0\0\0\0\0\0\0\0\0\0",
        market_account: book.to_bytes(),
        asset_id: ASSET,
        tick_size: 10,
        base_lot_decimals: 3,
        cumulative_funding: 150,
        open_interest: 0,
        open_interest_cap: u64::MAX,
        finalized_mark_price: 15_000,
        min_max_leverage: 10,
        maintenance_risk_factor_bps: 5_000,
    };
    let lst = SpotView {
        asset_index: SPOT,
        mint: fx.collateral_mint.to_bytes(),
        decimals: 9,
        max_per_trader_balance: u64::MAX,
        min_margin_discount_bps: 500,
        max_margin_discount_bps: 2_000,
        active: true,
    };
    phoenix_account(&mut fx, &map, mf::asset_map_with_spot(&[sol], &[lst]));
    let c = config(0b1000_0001, &support);
    phoenix_account(&mut fx, &Pubkey::new_from_array(p::GLOBAL_CONFIGURATION), c);
    let vault = fx.pdas.vault;
    let cfg = VenueConfig::new(
        VenueKind::PhoenixRise,
        PROGRAM_ID,
        book,
        trader_address(&vault),
        1_000 * SOL,
    );
    let mut params = fx.default_params();
    params.venue_count = 1;
    params.venues[0] = cfg;
    params.risk.max_rebalance_units = 1_000 * SOL;
    params.margin = MarginParams {
        min_bps: 1_000,
        target_bps: 2_500,
        max_bps: 5_000,
        stress_move_bps: 3_000,
    };
    fx.govern(params).await;
    (
        fx,
        Phoenix {
            book,
            map,
            support,
            cfg,
        },
    )
}

/// The vault's trader account: short 2 SOL booked at 150 (virtual quote +300 USDC), a
/// funding snapshot of 100 (the market's cumulative is 150: +0.1 USDC owed to a short),
/// 50 USDC of quote collateral and 3 SOL of the vault's collateral.
fn trader(fx: &Fixture) -> TraderFixture {
    TraderFixture {
        key: trader_address(&fx.pdas.vault).to_bytes(),
        authority: fx.pdas.vault.to_bytes(),
        quote_lot_collateral: 50_000_000,
        flags: READY,
        positions: vec![(
            ASSET,
            Position {
                base_lots: -2_000,
                virtual_quote_lots: 300_000_000,
                funding_snapshot: 100,
                accumulated_funding: 0,
            },
        )],
        spot: vec![(SPOT, 3 * SOL)],
        spare: 4,
        ..TraderFixture::default()
    }
}

/// Sets what the vault's books say it put into the Phoenix account (its
/// `venue_collateral_in`), as `rebalance_margin` would after a deposit: the deposit itself
/// is a CPI into Phoenix, and no Phoenix binary is available here.
async fn put_in(fx: &mut Fixture, amount: u64) {
    let key = fx.pdas.vault;
    let mut acc = fx.env.account(&key).await.expect("vault");
    let body = 8..8 + std::mem::size_of::<hedge_vault::state::Vault>();
    let mut v: hedge_vault::state::Vault = bytemuck::pod_read_unaligned(&acc.data[body.clone()]);
    v.venue_collateral_in[0] = amount;
    acc.data[body].copy_from_slice(bytemuck::bytes_of(&v));
    fx.env.put_account(&key, acc);
}

/// The trader account's dollar value from its raw fields, computed here: base lots at the
/// price, the booked quote, the funding (Phoenix's sign), the quote collateral and the
/// spot collateral at the price.
fn raw_dollars(t: &TraderFixture, cumulative_funding: i64, price: f64) -> f64 {
    let (_, pos) = t.positions[0];
    let base_sol = pos.base_lots as f64 / 1_000.0;
    let funding = -((cumulative_funding - pos.funding_snapshot) * pos.base_lots) as f64;
    let quote = (t.quote_lot_collateral + pos.virtual_quote_lots) as f64 + funding;
    base_sol * price + quote / 1e6 + t.spot[0].1 as f64 / 1e9 * price
}

#[tokio::test]
async fn the_program_marks_the_phoenix_account_as_its_raw_balances_say() {
    marks_as_raw(Programs::Native).await;
}

/// The same on the vault's sBPF build (`scripts/build-sbf.sh`), which reads the 1.6 MB
/// asset map as it would on chain; prints `refresh_nav`'s compute units.
#[tokio::test]
async fn the_sbf_program_marks_the_phoenix_account_as_its_raw_balances_say() {
    let Some(deploy) = hedge_localnet::sbf_build() else {
        return;
    };
    let units = marks_as_raw(Programs::Sbf(deploy)).await;
    assert!(units > 0, "sBPF reports units");
    eprintln!("refresh_nav with a Phoenix venue (sBPF): {units} CU");
}

/// Marks the vault's Phoenix account at three prices and compares with the raw
/// computation; returns the last `refresh_nav`'s compute units.
async fn marks_as_raw(programs: Programs) -> u64 {
    let (mut fx, ph) = vault_on_phoenix(programs).await;
    let vault = fx.pdas.vault;
    let read = ph.support.metas(&vault, &ph.book, &fx.collateral_mint, false);
    let t = trader(&fx);
    phoenix_account(&mut fx, &ph.cfg.margin_account, t.bytes());
    // The 3 SOL of spot collateral are what the vault put there.
    put_in(&mut fx, 3 * SOL).await;
    let u = fx.user(100 * SOL).await;
    let refresh = with_accounts(hedge_client::refresh_nav(vault, &fx.venues, fx.oracles()), &read);
    let deposit = with_accounts(fx.deposit_ix(&u, 100 * SOL, 0), &read);
    fx.send(&[refresh.clone(), deposit], &[&u.kp])
        .await
        .expect("refresh_nav + deposit with a Phoenix venue");

    for price in [150.0, 165.0, 120.0] {
        fx.set_price(price).await;
        fx.send(std::slice::from_ref(&refresh), &[])
            .await
            .expect("refresh_nav");
        let v = fx.vault().await;
        let want = raw_dollars(&t, 150, price) / price * 1e9;
        assert!(
            (v.hedge_equity as f64 - want).abs() <= 1.0,
            "at {price}: program {} vs raw {want}",
            v.hedge_equity
        );
        // The position Phoenix holds (put there out of band) is what the vault records.
        assert_eq!(v.venue_positions[0], -2 * SOL as i64);
        assert_eq!(v.hedge_position, -2 * SOL as i64);
    }
    let units = fx.env.last_units;
    // What the vault holds itself is untouched by the venue's mark.
    assert_eq!(fx.vault().await.total_collateral, 100 * SOL);
    units
}

#[tokio::test]
async fn every_phoenix_refusal_comes_from_the_vault() {
    let (mut fx, ph) = vault_on_phoenix(Programs::Native).await;
    let vault = fx.pdas.vault;
    let read = ph.support.metas(&vault, &ph.book, &fx.collateral_mint, false);
    let bare = hedge_client::refresh_nav(vault, &fx.venues, fx.oracles());
    let refresh = with_accounts(bare.clone(), &read);

    // Not registered yet: the account holds nothing, and the vault cannot open it.
    fx.send(std::slice::from_ref(&refresh), &[])
        .await
        .expect("refresh_nav, unregistered");
    assert_eq!(fx.vault().await.hedge_equity, 0);
    let open = hedge_client::open_venue_account(vault, &ph.cfg, 0, fx.env.payer().pubkey());
    assert_vault_err(&fx.send(&[open], &[]).await, VaultError::VenueAccountGated);

    let t = trader(&fx);
    phoenix_account(&mut fx, &ph.cfg.margin_account, t.bytes());
    // Without Phoenix's configuration and asset map the venue cannot be read.
    assert_vault_err(
        &fx.send(&[bare], &[]).await,
        VaultError::VenueSupportAccountMissing,
    );

    // A position in another market, or another token, that the vault did not put there.
    let mut other = t.clone();
    other.positions.push((
        ASSET + 1,
        Position {
            base_lots: 5,
            ..Position::default()
        },
    ));
    phoenix_account(&mut fx, &ph.cfg.margin_account, other.bytes());
    assert_vault_err(
        &fx.send(std::slice::from_ref(&refresh), &[]).await,
        VaultError::VenueUnexpectedHolding,
    );
    let mut other = t.clone();
    other.spot.push((SPOT + 1, 1));
    phoenix_account(&mut fx, &ph.cfg.margin_account, other.bytes());
    assert_vault_err(
        &fx.send(std::slice::from_ref(&refresh), &[]).await,
        VaultError::VenueUnexpectedHolding,
    );
    // Another program's account at the trader address.
    fx.env.put_account(
        &ph.cfg.margin_account,
        Account {
            lamports: 1_000_000_000,
            data: t.bytes(),
            owner: Pubkey::new_unique(),
            executable: false,
            rent_epoch: 0,
        },
    );
    assert_vault_err(
        &fx.send(std::slice::from_ref(&refresh), &[]).await,
        VaultError::VenueProgramMismatch,
    );
    phoenix_account(&mut fx, &ph.cfg.margin_account, t.bytes());

    // An asset map that does not name this book for the market.
    let saved = fx.env.account(&ph.map).await.expect("asset map");
    let stranger = AssetView {
        symbol: [0; 16],
        market_account: Pubkey::new_unique().to_bytes(),
        asset_id: ASSET,
        tick_size: 10,
        base_lot_decimals: 3,
        cumulative_funding: 0,
        open_interest: 0,
        open_interest_cap: 0,
        finalized_mark_price: 0,
        min_max_leverage: 10,
        maintenance_risk_factor_bps: 5_000,
    };
    phoenix_account(&mut fx, &ph.map, mf::asset_map(&[stranger]));
    assert_vault_err(
        &fx.send(std::slice::from_ref(&refresh), &[]).await,
        VaultError::VenueAccountMismatch,
    );
    phoenix_account(&mut fx, &ph.map, saved.data);
    fx.send(std::slice::from_ref(&refresh), &[])
        .await
        .expect("refresh_nav, restored");

    // Phoenix in maintenance: a margin move is refused by the vault before any CPI.
    let c = config(0b1000_0101, &ph.support);
    phoenix_account(&mut fx, &Pubkey::new_from_array(p::GLOBAL_CONFIGURATION), c);
    let (_, custody) = PhoenixSupport::custody(&vault, &fx.collateral_mint);
    let write = ph.support.metas(&vault, &ph.book, &fx.collateral_mint, true);
    let margin = with_accounts(
        hedge_client::rebalance_margin_via(vault, fx.keys(), &ph.cfg, &fx.venues, fx.oracles(), 0, custody),
        &write,
    );
    assert_vault_err(&fx.send(&[margin], &[]).await, VaultError::VenuePaused);
    let phoenix_id = PROGRAM_ID.to_string();
    assert!(
        !fx.env
            .last_logs
            .iter()
            .any(|l| l.contains(&format!("{phoenix_id} invoke"))),
        "nothing was sent to Phoenix"
    );
}

/// Phoenix lets anyone credit the vault's trader account (tokens sent to the custody
/// account, then its permissionless `sync_spot`). The vault counts no more collateral
/// there than it put in: a donation never moves NAV. A liquidation that takes some lowers
/// the count for good, so a later donation cannot refill it.
#[tokio::test]
async fn a_donation_through_phoenix_never_moves_nav() {
    let (mut fx, ph) = vault_on_phoenix(Programs::Native).await;
    let vault = fx.pdas.vault;
    let read = ph.support.metas(&vault, &ph.book, &fx.collateral_mint, false);
    let refresh = with_accounts(hedge_client::refresh_nav(vault, &fx.venues, fx.oracles()), &read);
    let t = trader(&fx);
    phoenix_account(&mut fx, &ph.cfg.margin_account, t.bytes());
    put_in(&mut fx, 3 * SOL).await;
    fx.send(std::slice::from_ref(&refresh), &[])
        .await
        .expect("refresh_nav");
    let honest = fx.vault().await.hedge_equity;
    assert!((honest as f64 - raw_dollars(&t, 150, 150.0) / 150.0 * 1e9).abs() <= 1.0);

    // Someone donates 2 SOL and syncs them: the account now holds 5 SOL of spot collateral.
    let mut gifted = t.clone();
    gifted.spot = vec![(SPOT, 5 * SOL)];
    phoenix_account(&mut fx, &ph.cfg.margin_account, gifted.bytes());
    fx.send(std::slice::from_ref(&refresh), &[])
        .await
        .expect("refresh_nav");
    assert_eq!(fx.vault().await.hedge_equity, honest, "the gift is not counted");

    // A liquidation takes 1 SOL of it: 2 SOL left, and the vault's count follows it down.
    let mut seized = t.clone();
    seized.spot = vec![(SPOT, 2 * SOL)];
    phoenix_account(&mut fx, &ph.cfg.margin_account, seized.bytes());
    fx.send(std::slice::from_ref(&refresh), &[])
        .await
        .expect("refresh_nav");
    let v = fx.vault().await;
    assert_eq!(v.venue_collateral_in[0], 2 * SOL);
    assert!((v.hedge_equity as f64 - raw_dollars(&seized, 150, 150.0) / 150.0 * 1e9).abs() <= 1.0);
    // A donation afterwards cannot refill it.
    phoenix_account(&mut fx, &ph.cfg.margin_account, gifted.bytes());
    fx.send(std::slice::from_ref(&refresh), &[])
        .await
        .expect("refresh_nav");
    let v = fx.vault().await;
    assert!((v.hedge_equity as f64 - raw_dollars(&seized, 150, 150.0) / 150.0 * 1e9).abs() <= 1.0);
}
