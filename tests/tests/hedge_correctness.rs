//! The vault's economics (README, "The vault's economics"), checked against independent
//! computations from raw balances and venue positions, never against the program's own
//! numbers:
//!
//! * dollars have no delta: a neutral vault's exposure is its collateral (anywhere) plus
//!   its perp positions, whatever its venue P&L;
//! * positions are read from the venue: a liquidation is reconciled, not traded against;
//! * a trade larger than the venue fills within the slippage limit is made in parts;
//! * rolling legs roll on-chain, deterministically (a venue holding margin cannot be
//!   removed: `audit.rs`, f4).
use hedge_localnet::fixture::{Fixture, User};
use hedge_localnet::venue::{market_args, VenueMarket};
use hedge_localnet::{assert_vault_err, custom_code, events};
use hedge_math::Fix;
use hedge_vault::error::VaultError;
use hedge_vault::events::{DeltaChecked, HedgeReconciled, LegRolled, Rebalanced};
use hedge_vault::state::{LegKind, OptionLeg};
use perp_venue::state::MarginAccount;
use solana_signer::Signer;

const SOL: u64 = 1_000_000_000;

fn fx_of(bits: i128) -> f64 {
    Fix::from_bits(bits).to_num()
}

/// A neutral vault (band 5 %) on one venue with 100 SOL deposited.
async fn neutral_vault(args: Option<perp_venue::InitMarketArgs>) -> (Fixture, VenueMarket, User) {
    let mut fx = Fixture::new().await;
    let m = match args {
        Some(a) => fx.create_market_with(a, 10_000 * SOL).await,
        None => fx.create_market(0, 10_000 * SOL).await,
    };
    let mut p = fx.params_with_venues(&[m], 1_000 * SOL);
    p.risk.max_rebalance_units = 1_000 * SOL;
    fx.govern(p).await;
    let u = fx.user(200 * SOL).await;
    let ixs = [fx.refresh_nav_ix(&[m]), fx.deposit_ix(&u, 100 * SOL, 0)];
    fx.send(&ixs, &[&u.kp]).await.expect("refresh + deposit");
    (fx, m, u)
}

/// True exposure in tokens, from raw balances: the vault's tracked collateral plus the
/// margin account's collateral plus its position (collateral = underlying).
async fn true_exposure(fx: &mut Fixture, m: &VenueMarket) -> f64 {
    let v = fx.vault().await;
    let acc: MarginAccount = fx.env.anchor_account(&m.margin).await;
    (v.total_collateral as f64 + acc.collateral as f64 + acc.position as f64) / SOL as f64
}

async fn hedge(fx: &mut Fixture, m: &VenueMarket) {
    let (k, kc) = fx.keeper().await;
    fx.send(&[fx.rebalance_margin_ix(m, 0)], &[])
        .await
        .expect("margin");
    let ev: Rebalanced = events::one(&fx.rebalance(&k, kc, m, 0).await.unwrap());
    assert_eq!(ev.size, -100 * SOL as i64);
}

#[tokio::test]
async fn venue_pnl_is_not_delta_a_neutral_vault_stays_neutral_through_a_move() {
    let (mut fx, m, _u) = neutral_vault(None).await;
    hedge(&mut fx, &m).await;
    assert!(true_exposure(&mut fx, &m).await.abs() < 1e-9);
    // +20 %: the short lost 3 000 USD of quote; that loss is dollars, not tokens.
    fx.set_price(180.0).await;
    let ev: DeltaChecked = events::one(&fx.send(&[fx.check_delta_ix()], &[]).await.unwrap());
    let truth = true_exposure(&mut fx, &m).await;
    assert!(
        (fx_of(ev.net_delta_fx) / SOL as f64 - truth).abs() < 1e-6,
        "{} vs {truth}",
        fx_of(ev.net_delta_fx)
    );
    assert!(
        !ev.breached,
        "a dollar-neutral vault is still neutral after a move: net {}",
        fx_of(ev.net_delta_fx)
    );
    // The target is 0 % of NAV/S and the band 5 % of NAV/S, NAV from raw balances.
    assert_eq!(fx_of(ev.target_delta_fx), 0.0);
    let acc: MarginAccount = fx.env.anchor_account(&m.margin).await;
    let v = fx.vault().await;
    let nav_usd = (v.total_collateral + acc.collateral) as f64 / 1e9 * 180.0
        + acc.quote_balance().to_num::<f64>()
        + acc.position as f64 / 1e9 * 180.0;
    let band = fx_of(ev.band_fx) / SOL as f64;
    assert!(
        (band - 0.05 * nav_usd / 180.0).abs() < 1e-6,
        "{band} vs {nav_usd}"
    );
    fx.advance(60).await;
    let (k, kc) = fx.keeper().await;
    assert_vault_err(&fx.rebalance(&k, kc, &m, 0).await, VaultError::NoBreach);
}

#[tokio::test]
async fn a_liquidated_hedge_is_reconciled_and_not_traded_against() {
    let (mut fx, m, _u) = neutral_vault(None).await;
    hedge(&mut fx, &m).await;
    // +80 %: beyond what the margin was sized for; a liquidator closes the short.
    fx.set_price(270.0).await;
    let (liq, liq_margin) = fx.liquidator(&m).await;
    let ix = fx.liquidate_vault_ix(&m, &liq.pubkey(), liq_margin);
    fx.send(&[ix], &[&liq]).await.expect("liquidation");
    let acc: MarginAccount = fx.env.anchor_account(&m.margin).await;
    assert_eq!(acc.position, 0);
    assert_eq!(
        fx.vault().await.hedge_position,
        -100 * SOL as i64,
        "still the old record"
    );
    // The program prices what the venue reports: the whole collateral is exposure now.
    let truth = true_exposure(&mut fx, &m).await;
    let ev: DeltaChecked = events::one(&fx.send(&[fx.check_delta_ix()], &[]).await.unwrap());
    assert!((fx_of(ev.net_delta_fx) / SOL as f64 - truth).abs() < 1e-6);
    assert!(ev.breached);
    // refresh_nav reconciles and says so.
    let logs = fx.send(&[fx.refresh_nav_ix(&[m])], &[]).await.unwrap();
    let r: HedgeReconciled = events::one(&logs);
    assert_eq!((r.recorded, r.actual), (-100 * SOL as i64, 0));
    assert_eq!(fx.vault().await.hedge_position, 0);
    // The next rebalance re-hedges the real exposure: the trade takes the true exposure to
    // zero (less the keeper's reward), it does not act on the phantom short.
    fx.advance(60).await;
    fx.send(&[fx.rebalance_margin_ix(&m, 0)], &[])
        .await
        .expect("margin");
    let (k, kc) = fx.keeper().await;
    let before = true_exposure(&mut fx, &m).await;
    let ev: Rebalanced = events::one(&fx.rebalance(&k, kc, &m, 0).await.unwrap());
    let after = true_exposure(&mut fx, &m).await;
    assert!(
        (ev.size as f64 / 1e9 + before).abs() < 1e-6,
        "{} vs {before}",
        ev.size
    );
    assert!(after.abs() < 1e-3, "{after}");
}

#[tokio::test]
async fn a_trade_beyond_the_venues_depth_is_made_in_parts_until_in_band() {
    // Depth 5 000 tokens, fee 5 bps, slippage limit 100 bps: at most 47.5 tokens per trade.
    let mut args = market_args(0, hedge_localnet::fixture::FEED_ID);
    args.impact_depth = 5_000 * SOL;
    let (mut fx, m, _u) = neutral_vault(Some(args)).await;
    fx.send(&[fx.rebalance_margin_ix(&m, 0)], &[])
        .await
        .expect("margin");
    let (k, kc) = fx.keeper().await;
    let mut sizes = Vec::new();
    loop {
        let r = fx.rebalance(&k, kc, &m, 0).await;
        match r {
            Ok(logs) => {
                let ev: Rebalanced = events::one(&logs);
                // Every fill is within the slippage limit.
                let slip = (fx_of(ev.fill_price_fx) / fx_of(ev.oracle_price_fx) - 1.0).abs();
                assert!(slip <= 0.01, "{slip}");
                sizes.push(ev.size);
                fx.advance(60).await;
            }
            Err(_) => {
                assert_vault_err(&r, VaultError::NoBreach);
                break;
            }
        }
        assert!(sizes.len() < 10, "{sizes:?}");
    }
    assert_eq!(sizes[0], -(47_500_000_000 - 1), "{sizes:?}");
    assert!(sizes.len() >= 2, "{sizes:?}");
    // In band now, by the independent measure (band 5 % of 100 SOL).
    assert!(true_exposure(&mut fx, &m).await.abs() <= 5.0);
}

#[tokio::test]
async fn rolling_legs_roll_at_expiry_to_the_rule() {
    let mut fx = Fixture::new().await;
    let now = fx.env.now().await;
    let mut p = fx.default_params();
    p.risk.delta_target_bps = 10_000;
    p.leg_count = 1;
    p.legs[0] =
        OptionLeg::new(LegKind::Put, 150_000_000, now + 7 * 86_400, 10 * SOL as i64, 0).rolling(7, 95, 5_000);
    fx.govern(p).await;
    // Out-of-bounds rules are refused.
    let mut bad = p;
    bad.legs[0] = p.legs[0].rolling(7, 30, 0);
    assert_vault_err(&fx.queue(bad).await, VaultError::InvalidRollRule);
    bad.legs[0] = p.legs[0].rolling(0, 95, 0);
    assert_vault_err(&fx.queue(bad).await, VaultError::InvalidRollRule);
    bad.legs[0] = p.legs[0].rolling(7, 95, 20_001);
    assert_vault_err(&fx.queue(bad).await, VaultError::InvalidRollRule);
    // Past expiry (plus two more tenors), at 200 USD: re-dated on its own schedule to the
    // first expiry after now, struck at 95 % of 200.
    let u = fx.user(100 * SOL).await;
    fx.deposit(&u, 40 * SOL).await.unwrap();
    let expiry = fx.vault().await.params.legs[0].expiry;
    let now = fx.env.now().await;
    fx.advance(expiry - now + 15 * 86_400).await;
    fx.set_price(200.0).await;
    let logs = fx.send(&[fx.refresh_nav_ix(&[])], &[]).await.unwrap();
    let ev: LegRolled = events::one(&logs);
    assert_eq!(ev.strike_e6, 190_000_000);
    // Re-sized to cover half the vault: 50 % of 40 SOL.
    assert_eq!(ev.quantity, 20 * SOL as i64);
    assert_eq!(ev.expiry, expiry + 3 * 7 * 86_400);
    let leg = fx.vault().await.params.legs[0];
    assert_eq!(
        (leg.strike_e6, leg.expiry, leg.quantity),
        (190_000_000, ev.expiry, 20 * SOL as i64)
    );
    // Not again until the next expiry.
    let logs = fx.send(&[fx.refresh_nav_ix(&[])], &[]).await.unwrap();
    assert!(events::decode::<LegRolled>(&logs).is_empty());
}

#[tokio::test]
async fn pricing_instructions_need_every_venue() {
    let (mut fx, m, _u) = neutral_vault(None).await;
    let (k, kc) = fx.keeper().await;
    let configured = std::mem::take(&mut fx.venues);
    // Without the venue accounts nothing is priced: no stored copy stands in for them.
    assert_vault_err(
        &fx.send(&[fx.check_delta_ix()], &[]).await,
        VaultError::MissingVenueAccounts,
    );
    assert_vault_err(
        &fx.send(&[fx.rebalance_margin_ix(&m, 0)], &[]).await,
        VaultError::MissingVenueAccounts,
    );
    assert_vault_err(
        &fx.rebalance(&k, kc, &m, 0).await,
        VaultError::MissingVenueAccounts,
    );
    fx.venues = configured;
    fx.send(&[fx.check_delta_ix()], &[]).await.unwrap();
}

/// Shares of the fee recipient after `claim_fees` (0 when there was nothing to claim).
async fn claim(fx: &mut Fixture, venues: &[VenueMarket]) -> u64 {
    let tp = fx.token_program;
    let (mint, recipient) = (fx.pdas.share_mint, fx.fee_recipient.pubkey());
    let rs = fx.env.create_token_account(&mint, &recipient, 0, &tp);
    let ixs = [fx.refresh_nav_ix(venues), fx.claim_fees_ix(rs)];
    let r = fx.send(&ixs, &[]).await;
    if r.is_err() {
        assert_vault_err(&r, VaultError::ZeroAmount);
    }
    fx.env.balance(&rs).await
}

#[tokio::test]
async fn performance_fees_are_measured_in_dollars() {
    // A dollar-neutral vault, 20 % performance fee: the token halves, its USD value per share
    // does not move, and no performance fee is due — although its value per share in
    // *collateral* doubled (what the fee used to be measured in).
    let (mut fx, m, _u) = neutral_vault(None).await;
    let mut p = fx.vault().await.params;
    p.fees.performance_fee_bps = 2_000;
    fx.govern(p).await;
    hedge(&mut fx, &m).await;
    claim(&mut fx, &[m]).await; // sets the high-water mark at a marked price
    fx.set_price(75.0).await;
    fx.advance(86_400).await;
    assert_eq!(claim(&mut fx, &[m]).await, 0, "no fee on a token-price move");

    // An unhedged vault (no venue) whose token rises 50 %: a 50 % gain in dollars, 20 % of
    // it is the fee. Checked against an independent dollar computation.
    let mut fx = Fixture::new().await;
    let mut p = fx.default_params();
    p.fees.performance_fee_bps = 2_000;
    fx.govern(p).await;
    let u = fx.user(100 * SOL).await;
    let ixs = [fx.refresh_nav_ix(&[]), fx.deposit_ix(&u, 100 * SOL, 0)];
    fx.send(&ixs, &[&u.kp]).await.unwrap();
    // Without a NAV marked in the slot, a share conversion is refused (the fee needs a price).
    fx.advance(60).await;
    assert_vault_err(&fx.deposit(&u, SOL).await, VaultError::NavStale);
    claim(&mut fx, &[]).await;
    fx.set_price(225.0).await;
    fx.advance(86_400).await;
    let fee_shares = claim(&mut fx, &[]).await;
    let supply = fx.env.supply(&fx.pdas.share_mint).await;
    let v = fx.vault().await;
    let usd_per_share = v.total_assets() as f64 * 225.0 / supply as f64;
    let fee_usd = fee_shares as f64 * usd_per_share / 1e9;
    // 100 SOL: 15 000 → 22 500 USD, gain 7 500, 20 % = 1 500 USD.
    assert!((fee_usd - 1_500.0).abs() < 0.01, "{fee_usd}");
}

/// What the venue would liquidate at, as the vault computes it from the venue's own
/// account (`VenueView::liquidation_price`), is where the venue itself starts to
/// liquidate: 0.1 % below it the reference venue refuses to, 0.1 % above it the
/// liquidation goes through.
#[tokio::test]
async fn the_liquidation_price_the_vault_reads_is_the_venues_own() {
    let (mut fx, m, _u) = neutral_vault(None).await;
    hedge(&mut fx, &m).await;
    // The program's own view of the margin account, from the raw accounts.
    let cfg = fx.vault().await.params.venues[0];
    let vault = fx.vault().await;
    let mut market = fx.env.account(&m.market).await.expect("market");
    let mut margin = fx.env.account(&m.margin).await.expect("margin account");
    let (mut lm, mut lg) = (market.lamports, margin.lamports);
    let mi = anchor_lang::prelude::AccountInfo::new(
        &m.market,
        false,
        false,
        &mut lm,
        &mut market.data,
        &market.owner,
        false,
    );
    let gi = anchor_lang::prelude::AccountInfo::new(
        &m.margin,
        false,
        false,
        &mut lg,
        &mut margin.data,
        &margin.owner,
        false,
    );
    let mark = hedge_vault::venues::Mark {
        price: Fix::from_num(150),
        collateral_price: Fix::from_num(150),
        now: fx.env.now().await,
    };
    let holder = hedge_vault::venues::Holder::of(&vault, &[]);
    let view = hedge_vault::venues::view(&cfg, &(&mi, &gi), &mark, &holder).expect("view");
    let at = view
        .liquidation_price(&mark, i128::from(SOL))
        .expect("a hedged short has a liquidation price")
        .to_num::<f64>();
    assert!(at > 150.0, "a short is liquidated on the way up: {at}");

    let (liq, liq_margin) = fx.liquidator(&m).await;
    fx.set_price(at * 0.999).await;
    let refused = fx
        .send(&[fx.liquidate_vault_ix(&m, &liq.pubkey(), liq_margin)], &[&liq])
        .await;
    assert_eq!(
        custom_code(&refused),
        Some(u32::from(perp_venue::error::VenueError::NotLiquidatable)),
        "below {at}: {refused:?}"
    );
    fx.set_price(at * 1.001).await;
    fx.send(&[fx.liquidate_vault_ix(&m, &liq.pubkey(), liq_margin)], &[&liq])
        .await
        .expect("above the liquidation price the venue liquidates");
    let acc: MarginAccount = fx.env.anchor_account(&m.margin).await;
    assert_eq!(acc.position, 0);
}
