//! Surviving a venue failure: the guardian's freeze, the haircut on a frozen venue's
//! equity and delta, re-hedging on the other venue, withdrawals that never wait on a
//! frozen or paused venue, governance's timelocked unfreeze, the unwind after recovery,
//! and writing a dead venue off. Outcomes are checked against the venues' raw accounts.
use anchor_lang::prelude::Pubkey;
use hedge_localnet::fixture::{Fixture, User};
use hedge_localnet::venue::VenueMarket;
use hedge_localnet::{assert_vault_err, custom_code, events};
use hedge_vault::error::VaultError;
use hedge_vault::events::{Rebalanced, VenueFrozen};
use hedge_vault::state::ParamsChange;
use hedge_vault::venues::{VenueStatus, VenueView};
use perp_venue::state::{MarginAccount, MarketStatus};
use solana_keypair::Keypair;
use solana_signer::Signer;

const SOL: u64 = 1_000_000_000;
const PRICE: f64 = 150.0;

/// Two venues (cap 1 000 SOL each); venue 0 counts at `haircut_bps` while frozen. One
/// depositor with 100 SOL in.
async fn two_venues(haircut_bps: u16) -> (Fixture, Vec<VenueMarket>, User) {
    let mut fx = Fixture::new().await;
    fx.set_price(PRICE).await;
    let ms = vec![
        fx.create_market(0, 10_000 * SOL).await,
        fx.create_market(1, 10_000 * SOL).await,
    ];
    let mut p = fx.params_with_venues(&ms, 1_000 * SOL);
    p.venues[0] = p.venues[0].with_frozen_haircut(haircut_bps);
    p.venues[1] = p.venues[1].with_frozen_haircut(5_000);
    fx.govern(p).await;
    let u = fx.user(200 * SOL).await;
    let ixs = [fx.refresh_nav_ix(&ms), fx.deposit_ix(&u, 100 * SOL, 0)];
    fx.send(&ixs, &[&u.kp]).await.expect("refresh + deposit");
    (fx, ms, u)
}

/// Runs the permissionless cranks as a keeper would until the program sees no breach:
/// margin first on every venue that takes it, then the rebalance at the venue the program
/// routes to. Returns the trades (venue, size).
async fn crank(fx: &mut Fixture, ms: &[VenueMarket], k: &Keypair, kc: Pubkey) -> Vec<(u8, i64)> {
    let mut trades = Vec::new();
    'passes: for _ in 0..30 {
        for (i, m) in ms.iter().enumerate() {
            let ixs = [fx.refresh_nav_ix(ms), fx.rebalance_margin_ix(m, i as u8)];
            let _ = fx.send(&ixs, &[]).await;
        }
        for (i, m) in ms.iter().enumerate() {
            let r = fx.rebalance(k, kc, m, i as u8).await;
            match custom_code(&r) {
                None => {
                    for ev in events::decode::<Rebalanced>(&r.unwrap()) {
                        trades.push((ev.venue_index, ev.size));
                    }
                    fx.advance(61).await;
                    continue 'passes;
                }
                Some(c) if c == u32::from(VaultError::WrongVenue) => continue,
                Some(c) if c == u32::from(VaultError::NoBreach) => break 'passes,
                _ => panic!("rebalance at venue {i}: {r:?}"),
            }
        }
        panic!("no venue took the rebalance");
    }
    trades
}

/// A margin account's equity in collateral base units, from its raw fields (collateral,
/// quote balance, position; the tests' markets charge no funding), marked at `price`.
fn raw_equity_units(acc: &MarginAccount, price: f64) -> f64 {
    let quote = acc.quote_balance().to_num::<f64>();
    acc.collateral as f64 + (quote / price) * SOL as f64 + acc.position as f64
}

/// What the vault should count, from raw accounts: tracked collateral plus each venue's
/// collateral, position and equity, a frozen venue's at (1 − haircut).
struct Counted {
    exposure: f64,
    venue_equity: f64,
    nav: f64,
}

async fn counted(fx: &mut Fixture, ms: &[VenueMarket]) -> Counted {
    let v = fx.vault().await;
    let mut c = Counted {
        exposure: v.total_collateral as f64,
        venue_equity: 0.0,
        nav: v.total_collateral as f64,
    };
    for (i, m) in ms.iter().enumerate() {
        let acc: MarginAccount = fx.env.anchor_account(&m.margin).await;
        let raw = raw_equity_units(&acc, PRICE);
        let keep = if v.frozen_venues & (1 << i) != 0 {
            1.0 - f64::from(v.params.venues[i].frozen_haircut_bps) / 1e4
        } else {
            1.0
        };
        c.exposure += keep * (acc.collateral as f64 + acc.position as f64);
        let e = keep * raw;
        c.venue_equity += e;
        c.nav += e;
    }
    c
}

async fn freeze(fx: &mut Fixture, signer: &Keypair, venue: u8) -> hedge_localnet::TxResult {
    let ix = fx.freeze_venue_ix(&signer.pubkey(), venue);
    fx.send(&[ix], &[signer]).await
}

async fn pause_market(fx: &mut Fixture, m: &VenueMarket, status: MarketStatus) {
    let admin = fx.mint_authority.insecure_clone();
    let ix = fx.set_market_status_ix(m, status);
    fx.send(&[ix], &[&admin]).await.expect("set_market_status");
}

#[tokio::test]
async fn the_guardian_freezes_at_once_and_only_governance_unfreezes() {
    let (mut fx, _ms, _u) = two_venues(5_000).await;
    let stranger = fx.env.funded_keypair().await;
    assert_vault_err(
        &freeze(&mut fx, &stranger, 0).await,
        VaultError::NotGuardianOrAuthority,
    );
    let g = fx.guardian.insecure_clone();
    assert_vault_err(&freeze(&mut fx, &g, 2).await, VaultError::VenueIndexOutOfRange);
    assert_eq!(fx.vault().await.frozen_venues, 0);

    // A change queued before the freeze must not undo it when applied.
    let a = fx.authority.insecure_clone();
    let mut p = fx.vault().await.params;
    p.risk.delta_band_bps = 400;
    fx.queue(p).await.unwrap();

    let ev: VenueFrozen = events::one(&freeze(&mut fx, &g, 1).await.unwrap());
    assert_eq!((ev.venue_index, ev.haircut_bps, ev.by), (1, 5_000, g.pubkey()));
    // The authority may freeze too; freezing twice changes nothing.
    freeze(&mut fx, &a, 1).await.unwrap();
    assert_eq!(fx.vault().await.frozen_venues, 0b10);

    fx.advance(3_600).await;
    fx.apply().await.unwrap();
    let v = fx.vault().await;
    assert_eq!((v.frozen_venues, v.params.risk.delta_band_bps), (0b10, 400));

    // Unfreezing goes through the timelock, for venues that exist and are frozen.
    for bad in [0u8, 0b100] {
        let ix = fx.queue_change_ix(&a.pubkey(), ParamsChange::UnfreezeVenues(bad));
        assert_vault_err(&fx.send(&[ix], &[&a]).await, VaultError::VenueIndexOutOfRange);
    }
    let ix = fx.queue_change_ix(&a.pubkey(), ParamsChange::UnfreezeVenues(0b01));
    fx.send(&[ix], &[&a]).await.unwrap();
    fx.advance(3_600).await;
    assert_vault_err(&fx.apply().await, VaultError::VenueNotFrozen);
    let ix = fx.cancel_params_ix(&a.pubkey());
    fx.send(&[ix], &[&a]).await.unwrap();

    let ix = fx.queue_change_ix(&a.pubkey(), ParamsChange::UnfreezeVenues(0b10));
    fx.send(&[ix], &[&a]).await.unwrap();
    assert_vault_err(&fx.apply().await, VaultError::TimelockNotElapsed);
    assert_eq!(fx.vault().await.frozen_venues, 0b10);
    fx.advance(3_600).await;
    fx.apply().await.unwrap();
    assert_eq!(fx.vault().await.frozen_venues, 0);
}

#[tokio::test]
async fn a_frozen_venue_counts_at_its_haircut_and_the_hedge_moves_to_the_other() {
    let (mut fx, ms, _u) = two_venues(4_000).await;
    let (k, kc) = fx.keeper().await;
    // Identical venues: the cost split is even, so the hedge lands on both.
    let trades = crank(&mut fx, &ms, &k, kc).await;
    assert!(trades.iter().all(|(_, s)| *s < 0), "{trades:?}");
    assert!(
        trades.iter().any(|(i, _)| *i == 0) && trades.iter().any(|(i, _)| *i == 1),
        "{trades:?}"
    );
    let c = counted(&mut fx, &ms).await;
    assert!(
        c.exposure.abs() <= 0.05 * c.nav,
        "hedged: exposure {} of nav {}",
        c.exposure,
        c.nav
    );

    let g = fx.guardian.insecure_clone();
    freeze(&mut fx, &g, 0).await.unwrap();
    fx.send(&[fx.refresh_nav_ix(&ms)], &[]).await.unwrap();
    // NAV marks venue 0 at 60 % of its raw equity (independently computed).
    let c = counted(&mut fx, &ms).await;
    let v = fx.vault().await;
    assert!(
        (v.hedge_equity as f64 - c.venue_equity).abs() <= 2.0,
        "program {} vs raw {}",
        v.hedge_equity,
        c.venue_equity
    );
    // Its delta counts at 60 % too: the vault is now long 40 % of the old short.
    assert!(
        c.exposure > 0.05 * c.nav,
        "breached after the freeze: {}",
        c.exposure
    );
    // Nothing is sent to the frozen venue: margin refused with the reason...
    let ixs = [fx.refresh_nav_ix(&ms), fx.rebalance_margin_ix(&ms[0], 0)];
    assert_vault_err(&fx.send(&ixs, &[]).await, VaultError::VenueFrozen);
    // ...and the re-hedge routes to venue 1 only.
    let frozen_before: MarginAccount = fx.env.anchor_account(&ms[0].margin).await;
    let trades = crank(&mut fx, &ms, &k, kc).await;
    assert!(
        !trades.is_empty() && trades.iter().all(|(i, s)| *i == 1 && *s < 0),
        "{trades:?}"
    );
    let frozen_after: MarginAccount = fx.env.anchor_account(&ms[0].margin).await;
    assert_eq!(
        (frozen_after.position, frozen_after.collateral),
        (frozen_before.position, frozen_before.collateral)
    );
    let c = counted(&mut fx, &ms).await;
    assert!(
        c.exposure.abs() <= 0.05 * c.nav,
        "re-hedged: exposure {} of nav {}",
        c.exposure,
        c.nav
    );
}

#[tokio::test]
async fn withdrawals_complete_while_a_venue_is_frozen_and_paused() {
    let (mut fx, ms, u) = two_venues(5_000).await;
    let (k, kc) = fx.keeper().await;
    crank(&mut fx, &ms, &k, kc).await;
    let g = fx.guardian.insecure_clone();
    freeze(&mut fx, &g, 0).await.unwrap();
    crank(&mut fx, &ms, &k, kc).await;
    // The venue itself stops too: any CPI into it would fail.
    pause_market(&mut fx, &ms[0], MarketStatus::Paused).await;

    let ixs = [fx.refresh_nav_ix(&ms), fx.request_ix(&u, 20 * SOL)];
    fx.send(&ixs, &[&u.kp]).await.unwrap();
    fx.advance(3_600).await;
    let frozen_before: MarginAccount = fx.env.anchor_account(&ms[0].margin).await;
    let live_before: MarginAccount = fx.env.anchor_account(&ms[1].margin).await;
    let wallet = fx.env.balance(&u.collateral).await;
    let ixs = [fx.refresh_nav_ix(&ms), fx.complete_ix_hedged(&u, &ms)];
    fx.send(&ixs, &[&u.kp])
        .await
        .expect("the exit never waits on a frozen venue");
    assert!(fx.env.balance(&u.collateral).await > wallet);
    let frozen_after: MarginAccount = fx.env.anchor_account(&ms[0].margin).await;
    let live_after: MarginAccount = fx.env.anchor_account(&ms[1].margin).await;
    // The frozen venue keeps its position; the live one shrinks by the exit's share.
    assert_eq!(frozen_after.position, frozen_before.position);
    assert!(live_after.position.abs() < live_before.position.abs());
    // Deposits go on as well.
    let ixs = [fx.refresh_nav_ix(&ms), fx.deposit_ix(&u, 5 * SOL, 0)];
    fx.send(&ixs, &[&u.kp])
        .await
        .expect("deposit with a frozen venue");
}

#[tokio::test]
async fn a_paused_venue_is_detected_before_any_cpi() {
    let (mut fx, ms, _u) = two_venues(5_000).await;
    pause_market(&mut fx, &ms[0], MarketStatus::Paused).await;
    // Margin to a paused venue: the vault's own error, not the venue's revert.
    let ixs = [fx.refresh_nav_ix(&ms), fx.rebalance_margin_ix(&ms[0], 0)];
    assert_vault_err(&fx.send(&ixs, &[]).await, VaultError::VenuePaused);
    // The hedge goes to the venue that is up.
    let (k, kc) = fx.keeper().await;
    let trades = crank(&mut fx, &ms, &k, kc).await;
    assert!(
        !trades.is_empty() && trades.iter().all(|(i, _)| *i == 1),
        "{trades:?}"
    );
    // Reduce-only: venue 1 may shrink, not grow; the program routes around it.
    pause_market(&mut fx, &ms[0], MarketStatus::Active).await;
    pause_market(&mut fx, &ms[1], MarketStatus::ReduceOnly).await;
    let mut p = fx.vault().await.params;
    p.risk.delta_target_bps = -5_000;
    fx.govern(p).await;
    let trades = crank(&mut fx, &ms, &k, kc).await;
    assert!(
        !trades.is_empty() && trades.iter().all(|(i, s)| *i == 0 && *s < 0),
        "{trades:?}"
    );
}

/// The venue-side checks the program applies before an order, each with its reason.
#[test]
fn order_and_margin_checks_name_the_reason() {
    let code = |r: anchor_lang::Result<()>| match r {
        Err(anchor_lang::error::Error::AnchorError(e)) => e.error_code_number,
        other => panic!("{other:?}"),
    };
    let short = VenueView {
        position: -10,
        ..VenueView::default()
    };
    assert!(short.require_order(-5).is_ok() && short.require_margin().is_ok());
    let frozen = VenueView {
        frozen: true,
        ..short
    };
    assert_eq!(code(frozen.require_order(5)), u32::from(VaultError::VenueFrozen));
    assert_eq!(code(frozen.require_margin()), u32::from(VaultError::VenueFrozen));
    let paused = VenueView {
        status: VenueStatus::Paused,
        ..short
    };
    assert_eq!(code(paused.require_order(5)), u32::from(VaultError::VenuePaused));
    assert_eq!(code(paused.require_margin()), u32::from(VaultError::VenuePaused));
    let reduce = VenueView {
        status: VenueStatus::ReduceOnly,
        ..short
    };
    assert!(reduce.require_order(4).is_ok() && reduce.require_order(10).is_ok());
    for grows in [-1, 11, 25] {
        assert_eq!(
            code(reduce.require_order(grows)),
            u32::from(VaultError::VenueReduceOnly)
        );
    }
    assert!(reduce.require_margin().is_ok());
}

#[tokio::test]
async fn after_recovery_governance_unwinds_the_venue_with_a_zero_cap() {
    let (mut fx, ms, _u) = two_venues(5_000).await;
    let (k, kc) = fx.keeper().await;
    crank(&mut fx, &ms, &k, kc).await;
    let g = fx.guardian.insecure_clone();
    freeze(&mut fx, &g, 0).await.unwrap();
    crank(&mut fx, &ms, &k, kc).await;
    let stuck: MarginAccount = fx.env.anchor_account(&ms[0].margin).await;
    assert!(stuck.position < 0);

    // Recovery: unfreeze and set the venue's cap to 0 in one timelocked change.
    let a = fx.authority.insecure_clone();
    let mut venues = fx.vault().await.params.live_venues().to_vec();
    // A zero cap: the venue takes no position.
    venues[0].cap_units = 0;
    let ix = fx.queue_change_ix(&a.pubkey(), ParamsChange::UnfreezeVenues(0b01));
    fx.send(&[ix], &[&a]).await.unwrap();
    let ix = fx.amend_change_ix(&a.pubkey(), ParamsChange::Venues(venues));
    fx.send(&[ix], &[&a]).await.unwrap();
    fx.advance(3_600).await;
    fx.apply().await.unwrap();
    let trades = crank(&mut fx, &ms, &k, kc).await;
    // Venue 0 is unwound (forced reductions, not band trades) and the hedge stays on 1.
    assert!(trades.iter().any(|(i, s)| *i == 0 && *s > 0), "{trades:?}");
    let after: MarginAccount = fx.env.anchor_account(&ms[0].margin).await;
    assert_eq!(after.position, 0, "unwound");
    let c = counted(&mut fx, &ms).await;
    assert!(
        c.exposure.abs() <= 0.05 * c.nav,
        "in band after the unwind: {}",
        c.exposure
    );
}

#[tokio::test]
async fn a_dead_venue_is_removed_only_once_written_off() {
    let (mut fx, ms, _u) = two_venues(5_000).await;
    // Venue 0 takes 30 SOL at most: the hedge spreads over both venues.
    let mut p = fx.vault().await.params;
    p.venues[0].cap_units = 30 * SOL;
    fx.govern(p).await;
    let (k, kc) = fx.keeper().await;
    crank(&mut fx, &ms, &k, kc).await;
    let v = fx.vault().await;
    assert!(
        v.venue_positions[0] < 0 && v.venue_positions[1] < 0,
        "{:?}",
        v.venue_positions
    );
    let g = fx.guardian.insecure_clone();
    freeze(&mut fx, &g, 1).await.unwrap();
    let a = fx.authority.insecure_clone();
    let live = fx.vault().await.params.live_venues().to_vec();
    // Haircuts are bounded.
    let mut bad = live.clone();
    bad[1].frozen_haircut_bps = 10_001;
    let ix = fx.queue_change_ix(&a.pubkey(), ParamsChange::Venues(bad));
    assert_vault_err(&fx.send(&[ix], &[&a]).await, VaultError::HaircutOutOfBounds);
    // Removing venue 1 while it holds a position at a 50 % haircut: refused.
    let ix = fx.queue_change_ix(&a.pubkey(), ParamsChange::Venues(vec![live[0]]));
    fx.send(&[ix], &[&a]).await.unwrap();
    fx.advance(3_600).await;
    assert_vault_err(&fx.apply().await, VaultError::VenueHasPosition);
    fx.send(&[fx.cancel_params_ix(&a.pubkey())], &[&a]).await.unwrap();
    // Written off (100 %): it counts for nothing (checked against the raw accounts)...
    let mut off = live.clone();
    off[1].frozen_haircut_bps = 10_000;
    fx.govern_change(ParamsChange::Venues(off)).await;
    fx.send(&[fx.refresh_nav_ix(&ms)], &[]).await.unwrap();
    let c = counted(&mut fx, &ms).await;
    assert!((fx.vault().await.hedge_equity as f64 - c.venue_equity).abs() <= 2.0);
    // ...and can be removed; the vault goes on with venue 0.
    fx.govern_change(ParamsChange::Venues(vec![live[0]])).await;
    let v = fx.vault().await;
    assert_eq!((v.params.venue_count, v.frozen_venues), (1, 0));
    assert_eq!(v.venue_positions[1], 0);
    assert_eq!(v.hedge_position, v.venue_positions[0]);
    let ixs = [fx.refresh_nav_ix(&ms[..1])];
    fx.send(&ixs, &[]).await.expect("NAV from the remaining venue");
}

/// A frozen venue counts at its haircut, linearly on both sides of zero equity (no kink for
/// the hedge to whipsaw on), and a live one in full.
#[test]
fn a_frozen_venue_counts_linearly_at_its_haircut() {
    use hedge_math::Fix;
    let v = VenueView {
        frozen: true,
        frozen_haircut_bps: 4_000,
        position: -1_000,
        collateral: 500,
        equity_quote: Fix::from_num(30),
        ..VenueView::default()
    };
    let c = v.counted().unwrap();
    assert_eq!((c.position, c.collateral), (-600, 300));
    // 60 % of 30 in fixed point: never above 18, within its resolution.
    let eighteen = Fix::from_num(18);
    assert!(c.equity_quote <= eighteen && eighteen - c.equity_quote < Fix::from_num(1e-12));
    let under_water = VenueView {
        equity_quote: Fix::from_num(-30),
        ..v
    };
    let u = under_water.counted().unwrap();
    assert!((u.equity_quote + Fix::from_num(18)).abs() < Fix::from_num(1e-12));
    assert_eq!(u.position, -600);
    let live = VenueView { frozen: false, ..v };
    assert_eq!(live.counted().unwrap(), live);
}

/// A written-off venue is not read at all: its accounts may be gone or rewritten, and the
/// vault still marks NAV, takes deposits and pays exits.
#[tokio::test]
async fn a_written_off_venue_is_not_read() {
    let (mut fx, ms, u) = two_venues(10_000).await;
    let (k, kc) = fx.keeper().await;
    crank(&mut fx, &ms, &k, kc).await;
    let g = fx.guardian.insecure_clone();
    freeze(&mut fx, &g, 0).await.unwrap();
    // The venue's margin account is gone (closed, now owned by the system program).
    let gone = ms[0].margin;
    fx.env
        .set_account(&gone, &anchor_lang::solana_program::system_program::ID, vec![]);
    fx.send(&[fx.refresh_nav_ix(&ms)], &[])
        .await
        .expect("NAV without reading the written-off venue");
    let v = fx.vault().await;
    assert_eq!(
        v.venue_positions[0], 0,
        "the record follows what the vault counts"
    );
    let ixs = [fx.refresh_nav_ix(&ms), fx.deposit_ix(&u, 5 * SOL, 0)];
    fx.send(&ixs, &[&u.kp]).await.expect("deposit");
    let ixs = [fx.refresh_nav_ix(&ms), fx.request_ix(&u, 10 * SOL)];
    fx.send(&ixs, &[&u.kp]).await.expect("request");
    fx.advance(3_600).await;
    let ixs = [fx.refresh_nav_ix(&ms), fx.complete_ix_hedged(&u, &ms)];
    fx.send(&ixs, &[&u.kp]).await.expect("exit");
    // Its accounts must still be the configured ones.
    let wrong = [fx.refresh_nav_ix(&[ms[1], ms[1]])];
    assert_vault_err(&fx.send(&wrong, &[]).await, VaultError::VenueAccountMismatch);
}
