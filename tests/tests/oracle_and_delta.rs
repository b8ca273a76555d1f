//! The on-chain delta check and every oracle fault.
use anchor_lang::prelude::Pubkey;
use hedge_localnet::pyth::{legacy_price_data, price_update_data, Quote};
use hedge_localnet::{assert_vault_err, events, fixture::Fixture};
use hedge_math::{bs_greeks, time::seconds_to_years, BsInputs, Fix, OptionKind};
use hedge_vault::error::VaultError;
use hedge_vault::events::DeltaChecked;
use hedge_vault::state::{LegKind, OptionLeg, OracleSource, PriceFeedConfig};

const SOL: u64 = 1_000_000_000;

fn fx_of(bits: i128) -> f64 {
    Fix::from_bits(bits).to_num()
}

#[tokio::test]
async fn delta_neutral_vault_with_unhedged_collateral_is_in_breach() {
    let mut fx = Fixture::new().await;
    let u = fx.user(10 * SOL).await;
    fx.deposit(&u, 10 * SOL).await.unwrap();
    let ev: DeltaChecked = events::one(&fx.send(&[fx.check_delta_ix()], &[]).await.unwrap());
    assert!((fx_of(ev.price_fx) - 150.0).abs() < 1e-9);
    assert_eq!(fx_of(ev.net_delta_fx), 10e9);
    assert_eq!(fx_of(ev.target_delta_fx), 0.0);
    assert_eq!(fx_of(ev.band_fx), 0.5e9);
    assert!(ev.breached);
    assert_eq!((ev.live_legs, fx_of(ev.book_gamma_fx)), (0, 0.0));
    // check_delta changes no state.
    let before = fx.env.account(&fx.pdas.vault).await.unwrap().data;
    fx.send(&[fx.check_delta_ix()], &[]).await.unwrap();
    assert_eq!(fx.env.account(&fx.pdas.vault).await.unwrap().data, before);
}

#[tokio::test]
async fn full_exposure_target_is_within_band() {
    let mut fx = Fixture::new().await;
    let mut p = fx.default_params();
    p.risk.delta_target_bps = 10_000;
    fx.govern(p).await;
    let u = fx.user(10 * SOL).await;
    fx.deposit(&u, 10 * SOL).await.unwrap();
    let ev: DeltaChecked = events::one(&fx.send(&[fx.check_delta_ix()], &[]).await.unwrap());
    assert_eq!(fx_of(ev.target_delta_fx), 10e9);
    assert!(!ev.breached);
}

#[tokio::test]
async fn protective_put_target_matches_the_pricing_engine() {
    let mut fx = Fixture::new().await;
    let now = fx.env.now().await;
    let mut p = fx.default_params();
    p.risk.delta_target_bps = 10_000;
    p.risk.rate_bps = 400;
    p.risk.carry_bps = 700;
    p.leg_count = 1;
    p.legs[0] = OptionLeg {
        kind: LegKind::Put,
        strike_e6: 140_000_000,
        expiry: now + 30 * 86_400 + 3_600,
        quantity: 10 * SOL as i64,
        vol_bps: 0,
        roll_tenor_days: 0,
        roll_moneyness_pct: 0,
        cover_bps: 0,
        padding: [0; 6],
    };
    fx.govern(p).await;
    let u = fx.user(10 * SOL).await;
    fx.deposit(&u, 10 * SOL).await.unwrap();
    let ev: DeltaChecked = events::one(&fx.send(&[fx.check_delta_ix()], &[]).await.unwrap());
    let t = fx.env.now().await;
    // The same engine, called directly: the program must agree to the bit.
    let g = bs_greeks(
        OptionKind::Put,
        &BsInputs {
            spot: Fix::from_num(150),
            strike: Fix::from_num(140),
            vol: Fix::from_num(8_000).checked_div_int(10_000).unwrap(),
            t_years: seconds_to_years(p.legs[0].expiry - t).unwrap(),
            r: Fix::from_num(400).checked_div_int(10_000).unwrap(),
            q: Fix::from_num(700).checked_div_int(10_000).unwrap(),
        },
    )
    .unwrap();
    let qty = Fix::from_num(10 * SOL);
    assert_eq!(ev.target_delta_fx, (qty + qty * g.delta).to_bits());
    assert_eq!(ev.book_gamma_fx, (Fix::from_num(10) * g.gamma).to_bits());
    assert!(fx_of(ev.target_delta_fx) < 10e9 && fx_of(ev.target_delta_fx) > 0.0);
    assert!(fx_of(ev.book_vega_fx) > 0.0 && fx_of(ev.book_theta_fx) < 0.0);
    // Gamma exposure = Γ·S²·1 %.
    let gex = fx_of(ev.book_gamma_fx) * 150.0 * 150.0 * 0.01;
    assert!((fx_of(ev.gamma_exposure_fx) - gex).abs() < 1e-9 * gex.max(1.0));
    assert_eq!(ev.live_legs, 1);
    // Once expired, the leg drops out of the target.
    fx.advance(31 * 86_400).await;
    let ev: DeltaChecked = events::one(&fx.send(&[fx.check_delta_ix()], &[]).await.unwrap());
    assert_eq!((ev.live_legs, fx_of(ev.target_delta_fx)), (0, 10e9));
}

async fn check_with_quote(fx: &mut Fixture, q: Quote) -> hedge_localnet::TxResult {
    fx.set_quote(q);
    fx.send(&[fx.check_delta_ix()], &[]).await
}

#[tokio::test]
async fn pull_oracle_faults_each_have_their_error() {
    let mut fx = Fixture::new().await;
    let now = fx.env.now().await;
    let good = Quote::usd(150.0, now);
    check_with_quote(&mut fx, good).await.unwrap();

    let stale = Quote {
        publish_time: now - 61,
        ..good
    };
    assert_vault_err(&check_with_quote(&mut fx, stale).await, VaultError::OracleStale);
    let wide = Quote {
        conf: (good.price as u64) / 50 + 1,
        ..good
    };
    assert_vault_err(
        &check_with_quote(&mut fx, wide).await,
        VaultError::OracleConfidenceTooWide,
    );
    let partial = Quote {
        full_verification: false,
        ..good
    };
    assert_vault_err(
        &check_with_quote(&mut fx, partial).await,
        VaultError::OracleNotFullyVerified,
    );
    let zero = Quote { price: 0, ..good };
    assert_vault_err(
        &check_with_quote(&mut fx, zero).await,
        VaultError::OracleNonPositivePrice,
    );
    let negative = Quote {
        price: -good.price,
        ..good
    };
    assert_vault_err(
        &check_with_quote(&mut fx, negative).await,
        VaultError::OracleNonPositivePrice,
    );
    let diverged = Quote {
        ema_price: good.price * 10 / 12,
        ..good
    };
    assert_vault_err(
        &check_with_quote(&mut fx, diverged).await,
        VaultError::OracleEmaDivergence,
    );
    let bad_expo = Quote { expo: -30, ..good };
    assert_vault_err(
        &check_with_quote(&mut fx, bad_expo).await,
        VaultError::OracleBadExponent,
    );

    // Wrong feed id.
    let other = Pubkey::new_unique();
    fx.env.set_account(
        &other,
        &pyth_solana_receiver_sdk::ID,
        price_update_data([9; 32], good),
    );
    assert_vault_err(
        &fx.send(&[fx.check_delta_ix_with(other, None)], &[]).await,
        VaultError::OracleWrongFeed,
    );
    // Right layout, wrong owner.
    let spoof = Pubkey::new_unique();
    fx.env
        .set_account(&spoof, &Pubkey::new_unique(), price_update_data(fx.feed_id, good));
    assert_vault_err(
        &fx.send(&[fx.check_delta_ix_with(spoof, None)], &[]).await,
        VaultError::OracleWrongOwner,
    );
    // Right owner, garbage data.
    let garbage = Pubkey::new_unique();
    fx.env
        .set_account(&garbage, &pyth_solana_receiver_sdk::ID, vec![1; 134]);
    assert_vault_err(
        &fx.send(&[fx.check_delta_ix_with(garbage, None)], &[]).await,
        VaultError::OracleInvalidAccount,
    );
}

/// A vault configured with a legacy push-format feed and a collateral (LST) feed.
#[tokio::test]
async fn legacy_feed_and_collateral_rate() {
    let mut fx = Fixture::bare(anchor_spl::token::spl_token::ID).await;
    let legacy_program = Pubkey::new_unique();
    let underlying = Pubkey::new_unique();
    let now = fx.env.now().await;
    fx.env.set_account(
        &underlying,
        &legacy_program,
        legacy_price_data(Quote::usd(150.0, now), true),
    );
    let lst_feed = [3u8; 32];
    let lst = Pubkey::new_unique();
    fx.env.set_account(
        &lst,
        &pyth_solana_receiver_sdk::ID,
        price_update_data(lst_feed, Quote::usd(165.0, now)),
    );
    let mut args = fx.init_args();
    args.oracle.underlying = PriceFeedConfig {
        source: OracleSource::PythLegacy,
        feed_id: [0; 32],
        account: underlying,
    };
    args.oracle.has_collateral_feed = true;
    args.oracle.collateral_feed = PriceFeedConfig {
        source: OracleSource::PythPull,
        feed_id: lst_feed,
        account: Pubkey::default(),
    };
    args.oracle.legacy_program = legacy_program;
    let a = fx.authority.insecure_clone();
    fx.send(&[fx.init_ix(args)], &[&a]).await.unwrap();
    let u = fx.user(10 * SOL).await;
    fx.deposit(&u, 10 * SOL).await.unwrap();

    let ev: DeltaChecked = events::one(
        &fx.send(&[fx.check_delta_ix_with(underlying, Some(lst))], &[])
            .await
            .unwrap(),
    );
    // 10 jitoSOL at 165 are worth 11 SOL at 150.
    assert!((fx_of(ev.collateral_rate_fx) - 1.1).abs() < 1e-12);
    assert!((fx_of(ev.net_delta_fx) - 11e9).abs() < 1e-3);

    // The collateral feed is required.
    assert_vault_err(
        &fx.send(&[fx.check_delta_ix_with(underlying, None)], &[]).await,
        VaultError::OracleMissingCollateralFeed,
    );
    // Legacy faults: not trading, wrong account, wrong owner, garbage.
    fx.env.set_account(
        &underlying,
        &legacy_program,
        legacy_price_data(Quote::usd(150.0, now), false),
    );
    assert_vault_err(
        &fx.send(&[fx.check_delta_ix_with(underlying, Some(lst))], &[])
            .await,
        VaultError::OracleNotTrading,
    );
    let elsewhere = Pubkey::new_unique();
    fx.env.set_account(
        &elsewhere,
        &legacy_program,
        legacy_price_data(Quote::usd(150.0, now), true),
    );
    assert_vault_err(
        &fx.send(&[fx.check_delta_ix_with(elsewhere, Some(lst))], &[])
            .await,
        VaultError::OracleWrongAccount,
    );
    fx.env.set_account(
        &underlying,
        &Pubkey::new_unique(),
        legacy_price_data(Quote::usd(150.0, now), true),
    );
    assert_vault_err(
        &fx.send(&[fx.check_delta_ix_with(underlying, Some(lst))], &[])
            .await,
        VaultError::OracleWrongOwner,
    );
    fx.env.set_account(&underlying, &legacy_program, vec![0; 3312]);
    assert_vault_err(
        &fx.send(&[fx.check_delta_ix_with(underlying, Some(lst))], &[])
            .await,
        VaultError::OracleInvalidAccount,
    );
    // A legacy feed with a stale timestamp fails like a pull feed.
    fx.env.set_account(
        &underlying,
        &legacy_program,
        legacy_price_data(Quote::usd(150.0, now - 600), true),
    );
    assert_vault_err(
        &fx.send(&[fx.check_delta_ix_with(underlying, Some(lst))], &[])
            .await,
        VaultError::OracleStale,
    );
}

#[tokio::test]
async fn learned_band_correction_scales_the_whalley_wilmott_width() {
    let mut fx = Fixture::new().await;
    let now = fx.env.now().await;
    let mut p = fx.default_params();
    p.risk.delta_target_bps = 10_000;
    p.risk.cost_aware_band = true;
    p.risk.min_band_bps = 1;
    p.risk.ww_cost_bps = 10;
    p.risk.ww_risk_aversion_e6 = 1_000_000;
    p.leg_count = 1;
    p.legs[0] = OptionLeg {
        kind: LegKind::Put,
        strike_e6: 150_000_000,
        expiry: now + 45 * 86_400,
        quantity: 10 * SOL as i64,
        vol_bps: 0,
        roll_tenor_days: 0,
        roll_moneyness_pct: 0,
        cover_bps: 0,
        padding: [0; 6],
    };
    fx.govern(p).await;
    let u = fx.user(10 * SOL).await;
    fx.deposit(&u, 10 * SOL).await.unwrap();
    // The band the program reports, and Whalley–Wilmott recomputed from the same event
    // with the same fixed-point code (λ = 10 bps, γ = 1, no discounting), in base units.
    let check = |logs: &Vec<String>| {
        let ev: DeltaChecked = events::one(logs);
        let ww = hedge_math::whalley_wilmott_half_width(
            Fix::from_num(10).checked_div_int(10_000).unwrap(),
            Fix::from_bits(ev.price_fx),
            Fix::from_bits(ev.book_gamma_fx),
            Fix::ONE,
            Fix::ZERO,
            Fix::ZERO,
        )
        .unwrap();
        (Fix::from_bits(ev.band_fx), ww)
    };
    let unit = |x: Fix| x.checked_mul_int(1_000_000_000).unwrap();
    let (band, ww) = check(&fx.send(&[fx.check_delta_ix()], &[]).await.unwrap());
    assert_eq!(band, unit(ww), "plain cost-aware band is WW");
    // A table of ones is exactly Whalley–Wilmott.
    p.risk.band_correction_enabled = true;
    fx.govern(p).await;
    let (band, ww) = check(&fx.send(&[fx.check_delta_ix()], &[]).await.unwrap());
    assert_eq!(band, unit(ww));
    // ×2 in the leg's cell (30–90 days, at the money) doubles it.
    p.risk.band_correction_bps[2 * 5 + 2] = 20_000;
    fx.govern(p).await;
    let (band, ww) = check(&fx.send(&[fx.check_delta_ix()], &[]).await.unwrap());
    assert_eq!(band, unit(ww * Fix::from_num(2)));
    // Out-of-range cells and a correction without the cost-aware band are refused.
    p.risk.band_correction_bps[0] = 2_499;
    assert_vault_err(&fx.queue(p).await, VaultError::InvalidBandCorrection);
    p.risk.band_correction_bps[0] = 10_000;
    p.risk.cost_aware_band = false;
    assert_vault_err(&fx.queue(p).await, VaultError::InvalidBandCorrection);
}

/// The band-only pricing used by `rebalance` agrees with the full pricing on everything
/// the band check reads, and the limit check refuses a report without vega and theta.
#[tokio::test]
async fn band_pricing_matches_full_pricing_and_limits_need_full() {
    use hedge_vault::oracle::{MarketSnapshot, OraclePrice};
    use hedge_vault::pricing::{check_book_limits, compute_band_report, compute_delta_report, Pricing};
    let mut fx = Fixture::new().await;
    let now = fx.env.now().await;
    let mut p = fx.default_params();
    p.risk.rate_bps = 400;
    p.risk.carry_bps = 700;
    p.risk.cost_aware_band = true;
    p.risk.min_band_bps = 100;
    p.risk.ww_cost_bps = 10;
    p.risk.ww_risk_aversion_e6 = 1_000_000;
    p.leg_count = 3;
    for (i, kind) in [LegKind::Put, LegKind::Call, LegKind::Put]
        .into_iter()
        .enumerate()
    {
        p.legs[i] = OptionLeg {
            kind,
            strike_e6: (130 + 10 * i as u64) * 1_000_000,
            expiry: now + (10 + 20 * i as i64) * 86_400,
            quantity: -(3 * SOL as i64),
            vol_bps: 0,
            roll_tenor_days: 0,
            roll_moneyness_pct: 0,
            cover_bps: 0,
            padding: [0; 6],
        };
    }
    fx.govern(p).await;
    let u = fx.user(10 * SOL).await;
    fx.deposit(&u, 10 * SOL).await.unwrap();
    let vault = fx.vault().await;
    let market = MarketSnapshot {
        underlying: OraclePrice {
            price: Fix::from_num(151.25),
            conf: Fix::from_num(0.05),
            publish_time: now,
        },
        collateral_rate: Fix::ONE,
    };
    let mark = hedge_vault::venues::Mark::of(&market, now).unwrap();
    let h = hedge_vault::pricing::holdings(&vault, &[], &mark).unwrap();
    let full = compute_delta_report(&vault, &h, &market, now).unwrap();
    let band = compute_band_report(&vault, &h, &market, now).unwrap();
    assert_eq!((full.pricing, band.pricing), (Pricing::Full, Pricing::Band));
    assert_eq!(band.net_delta, full.net_delta);
    assert_eq!(band.target_delta, full.target_delta);
    assert_eq!(band.band, full.band);
    assert_eq!(band.deviation, full.deviation);
    assert_eq!(band.breached, full.breached);
    assert_eq!(band.book_gamma, full.book_gamma);
    assert_eq!(band.gamma_exposure, full.gamma_exposure);
    assert_ne!(full.book_vega, Fix::ZERO);
    assert_eq!((band.book_vega, band.book_theta), (Fix::ZERO, Fix::ZERO));
    assert!(check_book_limits(&vault, &full).is_ok());
    let err = check_book_limits(&vault, &band).unwrap_err();
    let want: u32 = VaultError::BookGreeksNotComputed.into();
    assert_eq!(
        err,
        anchor_lang::error::Error::from(VaultError::BookGreeksNotComputed),
        "{want}"
    );
}
