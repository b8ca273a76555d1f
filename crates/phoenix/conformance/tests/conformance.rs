//! hedge-phoenix against Phoenix's published crates (`phoenix-rise-ix` and
//! `phoenix-rise-accounts` 0.9.0): every instruction the vault sends is built by both and
//! compared byte for byte (program, data, accounts with their signer and writable flags);
//! every account hedge-phoenix lays out is decoded by Phoenix's own readers and each
//! field compared. Distinct values per field, so a swapped or shifted offset fails.
use hedge_phoenix as ours;
use phoenix_rise_accounts as acc;
use phoenix_rise_ix as theirs;
use solana_pubkey::Pubkey;

fn k(n: u8) -> Pubkey {
    Pubkey::new_from_array([n; 32])
}

fn same(ours: &ours::ix::Instruction, theirs: &theirs::types::Instruction) {
    assert_eq!(ours.program_id, theirs.program_id.to_bytes(), "program");
    assert_eq!(ours.data, theirs.data, "data");
    let theirs_metas: Vec<_> = theirs
        .accounts
        .iter()
        .map(|m| (m.pubkey.to_bytes(), m.is_signer, m.is_writable))
        .collect();
    let ours_metas: Vec<_> = ours
        .accounts
        .iter()
        .map(|m| (m.key, m.signer, m.writable))
        .collect();
    assert_eq!(ours_metas, theirs_metas, "accounts");
}

const GTI: [[u8; 32]; 3] = [[40; 32], [41; 32], [42; 32]];
const ATB: [[u8; 32]; 2] = [[50; 32], [51; 32]];

fn trader() -> ours::ix::Trader<'static> {
    ours::ix::Trader {
        authority: [1; 32],
        trader_account: [2; 32],
        perp_asset_map: [3; 32],
        global_trader_index: &GTI,
        active_trader_buffer: &ATB,
    }
}

fn keys(a: &[[u8; 32]]) -> Vec<Pubkey> {
    a.iter().map(|b| Pubkey::new_from_array(*b)).collect()
}

#[test]
fn addresses_match_the_published_ones() {
    assert_eq!(
        ours::PROGRAM_ID,
        theirs::constants::PROD_PHOENIX_PROGRAM_ID.to_bytes()
    );
    assert_eq!(
        ours::LOG_AUTHORITY,
        theirs::constants::PROD_PHOENIX_LOG_AUTHORITY.to_bytes()
    );
    assert_eq!(
        ours::GLOBAL_CONFIGURATION,
        theirs::constants::PROD_PHOENIX_GLOBAL_CONFIGURATION.to_bytes()
    );
    assert_eq!(
        ours::TOKEN_PROGRAM_ID,
        theirs::constants::SPL_TOKEN_PROGRAM_ID.to_bytes()
    );
    // The production deployment is the one the builders target (PHOENIX_ENV unset).
    assert_eq!(
        *theirs::PHOENIX_PROGRAM_ID,
        theirs::constants::PROD_PHOENIX_PROGRAM_ID
    );
}

#[test]
fn discriminants_match_the_published_ones() {
    use ours::discriminant as d;
    use theirs::PhoenixInstruction as I;
    assert_eq!(d::PLACE_MARKET_ORDER, I::PlaceMarketOrder.discriminant());
    assert_eq!(d::CANCEL_ALL, I::CancelAll.discriminant());
    assert_eq!(d::SYNC_SPOT, I::SyncSpot.discriminant());
    assert_eq!(d::WITHDRAW_SPOT, I::WithdrawSpot.discriminant());
    use acc::PhoenixAccount as A;
    assert_eq!(d::TRADER_ACCOUNT, A::Trader.discriminant());
    assert_eq!(d::PERP_ASSET_MAP_ACCOUNT, A::PerpAssetMap.discriminant());
    assert_eq!(d::ORDERBOOK_ACCOUNT, A::Orderbook.discriminant());
    assert_eq!(
        d::GLOBAL_CONFIGURATION_ACCOUNT,
        A::GlobalConfiguration.discriminant()
    );
}

#[test]
fn market_orders_match_for_both_sides_and_flags() {
    let book = ours::ix::Book {
        orderbook: [4; 32],
        spline_collection: [5; 32],
    };
    for (side, their_side) in [
        (ours::ix::Side::Bid, theirs::types::Side::Bid),
        (ours::ix::Side::Ask, theirs::types::Side::Ask),
    ] {
        for reduce_only in [false, true] {
            for price in [None, Some(123_456_789u64)] {
                let order = ours::ix::MarketOrder {
                    side,
                    price_in_ticks: price,
                    num_base_lots: 0x0102_0304_0506,
                    min_base_lots_to_fill: 0x0a0b_0c0d,
                    client_order_id: 0x1122_3344_5566_7788_99aa_bbcc_ddee_ff00,
                    reduce_only,
                };
                let mut b = theirs::market_order::MarketOrderParams::builder()
                    .trader(k(1))
                    .trader_account(k(2))
                    .perp_asset_map(k(3))
                    .orderbook(k(4))
                    .spline_collection(k(5))
                    .global_trader_index(keys(&GTI))
                    .active_trader_buffer(keys(&ATB))
                    .side(their_side)
                    .num_base_lots(order.num_base_lots)
                    .min_base_lots_to_fill(order.min_base_lots_to_fill)
                    .client_order_id(order.client_order_id)
                    .self_trade_behavior(theirs::types::SelfTradeBehavior::Abort)
                    .order_flags(if reduce_only {
                        theirs::types::OrderFlags::ReduceOnly
                    } else {
                        theirs::types::OrderFlags::None
                    });
                if let Some(p) = price {
                    b = b.price_in_ticks(p);
                }
                let want = theirs::market_order::create_place_market_order_ix(b.build().unwrap()).unwrap();
                let got = ours::ix::place_market_order(&trader(), &book, &order).unwrap();
                same(&got, &want);
            }
        }
    }
}

#[test]
fn cancel_all_matches() {
    let book = ours::ix::Book {
        orderbook: [4; 32],
        spline_collection: [5; 32],
    };
    let params = theirs::cancel_orders::CancelAllParams::builder()
        .trader(k(1))
        .trader_account(k(2))
        .perp_asset_map(k(3))
        .orderbook(k(4))
        .spline_collection(k(5))
        .global_trader_index(keys(&GTI))
        .active_trader_buffer(keys(&ATB))
        .build()
        .unwrap();
    let want = theirs::cancel_orders::create_cancel_all_ix(params).unwrap();
    same(&ours::ix::cancel_all(&trader(), &book).unwrap(), &want);
}

/// The custody accounts derived from hedge-phoenix's seed constants, as a caller derives
/// them; Phoenix's builders derive their own, so a wrong seed fails the comparison.
fn custody(mint: Pubkey) -> ours::ix::Custody {
    let program = Pubkey::new_from_array(ours::PROGRAM_ID);
    let (wallet, _) = Pubkey::find_program_address(&[ours::WALLET_SEED, &[2u8; 32]], &program);
    let ata_program = Pubkey::new_from_array(ours::ASSOCIATED_TOKEN_PROGRAM_ID);
    assert_eq!(ata_program, theirs::constants::ASSOCIATED_TOKEN_PROGRAM_ID);
    let (ata, _) = Pubkey::find_program_address(
        &[wallet.as_ref(), &ours::TOKEN_PROGRAM_ID, mint.as_ref()],
        &ata_program,
    );
    ours::ix::Custody {
        mint: mint.to_bytes(),
        wallet: wallet.to_bytes(),
        wallet_token_account: ata.to_bytes(),
    }
}

#[test]
fn sync_spot_matches() {
    let params = theirs::spot::SyncSpotParams::builder()
        .trader_account(k(2))
        .mint(k(6))
        .perp_asset_map(k(3))
        .global_trader_index(keys(&GTI))
        .active_trader_buffer(keys(&ATB))
        .build()
        .unwrap();
    let want = theirs::spot::create_sync_spot_ix(params).unwrap();
    same(&ours::ix::sync_spot(&trader(), &custody(k(6))).unwrap(), &want);
}

#[test]
fn withdraw_spot_matches_for_every_action() {
    use ours::ix::WithdrawAction as O;
    use theirs::spot::WithdrawSpotAction as T;
    for (o, t) in [
        (O::AllExcess, T::AllExcess),
        (
            O::WithExcess {
                amount: 0x0102_0304_0506_0708,
            },
            T::WithExcess {
                amount: 0x0102_0304_0506_0708,
            },
        ),
        (O::WithoutExcess { amount: 99 }, T::WithoutExcess { amount: 99 }),
    ] {
        let params = theirs::spot::WithdrawSpotParams::builder()
            .trader(k(1))
            .trader_account(k(2))
            .mint(k(6))
            .perp_asset_map(k(3))
            .destination(k(7))
            .withdraw_queue(k(8))
            .global_trader_index(keys(&GTI))
            .active_trader_buffer(keys(&ATB))
            .action(t)
            .build()
            .unwrap();
        let want = theirs::spot::create_withdraw_spot_ix(params).unwrap();
        let got = ours::ix::withdraw_spot(&trader(), &custody(k(6)), [7; 32], [8; 32], o).unwrap();
        same(&got, &want);
    }
}

/// `bytes` copied into 16-byte-aligned storage: Phoenix's borrowing readers need the
/// account layout's alignment, as account data has on chain.
fn aligned(bytes: &[u8]) -> Vec<u128> {
    let mut words = vec![0u128; bytes.len().div_ceil(16)];
    bytemuck::cast_slice_mut::<u128, u8>(&mut words)[..bytes.len()].copy_from_slice(bytes);
    words
}

#[test]
fn trader_accounts_decode_the_same_with_phoenix_reader() {
    use ours::trader::{fixture::TraderFixture, Position};
    let f = TraderFixture {
        key: [7; 32],
        authority: [8; 32],
        quote_lot_collateral: -0x0102_0304_0506,
        flags: 0b10_1101,
        subaccount_index: 3,
        positions: vec![
            (
                0x00AB_CDEF,
                Position {
                    base_lots: -0x1234_5678,
                    virtual_quote_lots: 0x2345_6789_abcd,
                    funding_snapshot: -0x3456,
                    accumulated_funding: -(1 << 50) + 12_345,
                },
            ),
            (
                2,
                Position {
                    base_lots: 17,
                    virtual_quote_lots: -19,
                    funding_snapshot: 23,
                    accumulated_funding: 29,
                },
            ),
        ],
        spot: vec![
            (0xFFFE_0004, 0x0a0b_0c0d_0e0f),
            (acc::trader::NATIVE_SOL_ASSET_INDEX, 31),
        ],
        spare: 3,
    };
    let raw = f.bytes();
    let words = aligned(&raw);
    let bytes = &bytemuck::cast_slice::<u128, u8>(&words)[..raw.len()];
    let t = acc::trader::Trader::try_from_account_bytes(bytes).expect("Phoenix reads it");
    assert_eq!(t.header.key, f.key);
    assert_eq!(t.header.authority, f.authority);
    assert_eq!(
        t.header.trader_state.quote_lot_collateral.as_inner(),
        f.quote_lot_collateral
    );
    assert_eq!(t.header.trader_state.flags, f.flags);
    assert_eq!(t.header.trader_subaccount_index, f.subaccount_index);
    let positions: Vec<_> = t
        .positions()
        .map(|(id, p)| {
            (
                id as u32,
                Position {
                    base_lots: p.base_lot_position().as_inner(),
                    virtual_quote_lots: p.virtual_quote_lot_position().as_inner(),
                    funding_snapshot: p.cumulative_funding_snapshot().as_inner(),
                    accumulated_funding: p.accumulated_funding_for_active_position().as_inner(),
                },
            )
        })
        .collect();
    assert_eq!(positions, f.positions);
    let spot: Vec<_> = t.spot_collaterals().map(|s| (s.asset_index, s.balance)).collect();
    assert_eq!(spot, f.spot);
    // And ours reads Phoenix's view of the same bytes.
    let v = ours::trader::TraderView::read(&raw).unwrap();
    assert_eq!(v.position(0x00AB_CDEF), Some(f.positions[0].1));
    assert_eq!(v.spot_balance(0xFFFE_0004), 0x0a0b_0c0d_0e0f);
}

#[test]
fn capability_bits_match() {
    use acc::trader::capabilities as c;
    use ours::trader::capability as o;
    assert_eq!(o::HOT, c::TRADER_CAPABILITY_HOT);
    assert_eq!(o::CAN_PLACE_LIMIT, c::TRADER_CAPABILITY_CAN_PLACE_LIMIT);
    assert_eq!(o::CAN_PLACE_MARKET, c::TRADER_CAPABILITY_CAN_PLACE_MARKET);
    assert_eq!(o::CAN_RISK_INCREASE, c::TRADER_CAPABILITY_CAN_RISK_INCREASE);
    assert_eq!(o::CAN_DEPOSIT, c::TRADER_CAPABILITY_CAN_DEPOSIT);
    assert_eq!(o::CAN_WITHDRAW, c::TRADER_CAPABILITY_CAN_WITHDRAW);
}

#[test]
fn perp_asset_map_decodes_the_same_with_phoenix_reader() {
    use ours::market::AssetView;
    let mut sym = [0u8; 16];
    sym[..3].copy_from_slice(b"SOL");
    let sol = AssetView {
        symbol: sym,
        market_account: [9; 32],
        asset_id: 0x0003_0004,
        tick_size: 0x0102_0304,
        base_lot_decimals: -3,
        cumulative_funding: -0x0506_0708,
        open_interest: 0x1111,
        open_interest_cap: 0x2222,
        finalized_mark_price: 0x3333_4444,
        min_max_leverage: 25,
        maintenance_risk_factor_bps: 0x1357,
    };
    let mut btc = sol;
    btc.symbol[..3].copy_from_slice(b"BTC");
    btc.asset_id = 1;
    let lst = ours::market::SpotView {
        asset_index: 0xFFFE_0005,
        mint: [0x5a; 32],
        decimals: 9,
        max_per_trader_balance: 0x0102_0304_0506,
        min_margin_discount_bps: 0x0708,
        max_margin_discount_bps: 0x090a,
        active: true,
    };
    let other = ours::market::SpotView {
        asset_index: 0xFFFE_0001,
        mint: [0x11; 32],
        active: false,
        ..lst
    };
    let raw = ours::market::fixture::asset_map_with_spot(&[btc, sol], &[other, lst]);
    let words = aligned(&raw);
    let bytes = &bytemuck::cast_slice::<u128, u8>(&words)[..raw.len()];
    let map = acc::perp_asset_map::PerpAssetMap::try_from_account_bytes(bytes).expect("Phoenix reads it");
    let e = map.find_by_symbol("SOL").unwrap().expect("SOL is there");
    let m = &e.metadata;
    let s = m.static_market_params();
    assert_eq!(s.asset_id(), sol.asset_id);
    assert_eq!(s.market_account, sol.market_account);
    assert_eq!(s.tick_size.as_inner(), sol.tick_size);
    assert_eq!(s.base_lot_decimals, sol.base_lot_decimals);
    assert_eq!(
        m.funding_accumulator().cumulative_funding_rate.as_inner(),
        sol.cumulative_funding
    );
    assert_eq!(
        m.open_interest_params().open_interest.as_inner(),
        sol.open_interest
    );
    assert_eq!(
        m.open_interest_params().open_interest_cap.as_inner(),
        sol.open_interest_cap
    );
    assert_eq!(m.finalized_mark_price().as_inner(), sol.finalized_mark_price);
    assert!(m.is_perp() && !m.is_tombstoned());
    assert_eq!(m.map_index(), 1);
    let r = m.risk_params();
    let lowest = r
        .leverage_tiers
        .iter()
        .map(|t| t.max_leverage.as_inner())
        .filter(|l| *l > 0)
        .min()
        .unwrap();
    assert_eq!(lowest, sol.min_max_leverage);
    assert_eq!(r.risk_factors[0], sol.maintenance_risk_factor_bps);
    assert_eq!(ours::market::find_asset(&raw, sol.asset_id).unwrap(), Some(sol));
    // The spot collateral slot, through Phoenix's own iterator.
    let spots: Vec<_> = map.spot_collaterals().map(|s| s.unwrap()).collect();
    assert_eq!(spots.len(), 2);
    for (theirs, ours) in spots.iter().zip([other, lst]) {
        let md = &theirs.metadata;
        assert_eq!(theirs.asset_index, ours.asset_index);
        assert_eq!(md.mint_address(), ours.mint);
        assert_eq!(md.decimals(), ours.decimals);
        assert_eq!(md.max_per_trader_balance(), ours.max_per_trader_balance);
        assert_eq!(md.min_margin_discount().as_inner(), ours.min_margin_discount_bps);
        assert_eq!(md.max_margin_discount().as_inner(), ours.max_margin_discount_bps);
        assert_eq!(md.is_active(), ours.active);
    }
    assert_eq!(ours::market::find_spot(&raw, &lst.mint).unwrap(), Some(lst));
    // Phoenix's reader still sees exactly the two perps.
    assert_eq!(map.iter().count(), 2);
}

#[test]
fn orderbook_header_decodes_the_same_with_phoenix_layout() {
    let b = ours::market::BookView {
        market_status: 3,
        base_lot_decimals: -2,
        asset_id: 0x0102_0304,
        symbol: *b"JITOSOL\0\0\0\0\0\0\0\0\0",
        tick_size: 0x0506_0708_090a,
        taker_fee_micro: 0x0b0c_0d0e,
    };
    let raw = ours::market::fixture::book(&b);
    assert_eq!(raw.len(), core::mem::size_of::<acc::orderbook::OrderbookHeader>());
    let h: acc::orderbook::OrderbookHeader = bytemuck::pod_read_unaligned(&raw);
    assert_eq!(
        h.discriminant.to_le_bytes(),
        acc::PhoenixAccount::Orderbook.discriminant()
    );
    assert_eq!(h.market_status, b.market_status);
    assert_eq!(h.base_lots_decimals, b.base_lot_decimals);
    assert_eq!(h.asset_id, b.asset_id);
    assert_eq!(h.asset_symbol, b.symbol);
    assert_eq!(h.tick_size_in_quote_lots_per_base_lot.as_inner(), b.tick_size);
    assert_eq!(h.default_taker_fee_micro, b.taker_fee_micro);
}

#[test]
fn exchange_status_reads_the_same_with_phoenix_reader() {
    for status in 0..=u8::MAX {
        let raw = ours::market::fixture::global_configuration(status);
        let g = acc::global_config::GlobalConfig::try_from_account_bytes(&raw).expect("Phoenix reads it");
        assert_eq!(g.exchange_status(), status);
        assert_eq!(
            ours::market::exchange_active(&raw).unwrap(),
            g.is_exchange_active(acc::global_config::LastRestartSlot::Unknown),
            "status {status:#010b}"
        );
    }
}

#[test]
fn spline_collection_seeds_match() {
    let program = Pubkey::new_from_array(ours::PROGRAM_ID);
    let (ours_spline, _) = Pubkey::find_program_address(&[ours::SPLINE_SEED, k(4).as_ref()], &program);
    assert_eq!(
        ours_spline,
        theirs::constants::get_spline_collection_address(&k(4)).unwrap()
    );
}

#[test]
fn trader_account_seeds_match_phoenix_onboarding() {
    let wallet = k(21);
    let program = Pubkey::new_from_array(ours::PROGRAM_ID);
    let (ours_trader, _) = Pubkey::find_program_address(
        &[ours::TRADER_SEED, wallet.as_ref(), &ours::TRADER_INDEXES],
        &program,
    );
    let params = theirs::flight::OnboardTraderParams::builder()
        .builder_authority(k(22))
        .onboarder_signer(k(23))
        .payer(k(24))
        .trader_wallet(wallet)
        .risk_authority(k(25))
        .market_authority(k(26))
        .max_positions(8)
        .trader_preference_bits(0)
        .global_trader_index(keys(&GTI))
        .active_trader_buffer(keys(&ATB))
        .build()
        .unwrap();
    let ix = theirs::flight::create_onboard_trader_ix(params).unwrap();
    assert!(
        ix.accounts
            .iter()
            .any(|m| m.pubkey == ours_trader && m.is_writable),
        "Phoenix's onboarding opens the trader account hedge-phoenix derives"
    );
}

#[test]
fn global_configuration_keys_read_the_same_with_phoenix_reader() {
    let c = ours::market::ConfigView {
        perp_asset_map: [61; 32],
        global_trader_index_header: [62; 32],
        active_trader_buffer_header: [63; 32],
        withdraw_queue: [64; 32],
        exchange_status: 0b1000_0001,
    };
    let raw = ours::market::fixture::config(&c);
    let g = acc::global_config::GlobalConfig::try_from_account_bytes(&raw).unwrap();
    assert_eq!(g.perp_asset_map_key(), c.perp_asset_map);
    assert_eq!(g.global_trader_index_header_key(), c.global_trader_index_header);
    assert_eq!(g.active_trader_buffer_header_key(), c.active_trader_buffer_header);
    assert_eq!(g.withdraw_queue_key(), c.withdraw_queue);
    assert_eq!(g.exchange_status(), c.exchange_status);
    assert_eq!(ours::market::ConfigView::read(&raw).unwrap(), c);
}
