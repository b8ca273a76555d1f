//! Rebalancing through the perp venue: the band rules, the venue checks, routing and
//! NAV with a hedge.
use hedge_localnet::fixture::{Fixture, User};
use hedge_localnet::pyth::Quote;
use hedge_localnet::venue::VenueMarket;
use hedge_localnet::{assert_vault_err, custom_code, events};
use hedge_math::Fix;
use hedge_vault::error::VaultError;
use hedge_vault::events::{MarginRebalanced, Rebalanced};
use hedge_vault::state::Vault;
use solana_signer::Signer;

const SOL: u64 = 1_000_000_000;

fn fx_of(bits: i128) -> f64 {
    Fix::from_bits(bits).to_num()
}

/// A vault with one venue (cap 1 000 SOL), a keeper reward of 0.001 SOL, and a depositor
/// who put in 100 SOL.
async fn hedged_vault(markets: u16, cap: u64) -> (Fixture, Vec<VenueMarket>, User) {
    let mut fx = Fixture::new().await;
    let mut ms = Vec::new();
    for i in 0..markets {
        ms.push(fx.create_market(i, 10_000 * SOL).await);
    }
    let mut p = fx.params_with_venues(&ms, cap);
    p.risk.keeper_reward = 1_000_000;
    p.risk.max_rebalance_units = 1_000 * SOL;
    fx.govern(p).await;
    let u = fx.user(200 * SOL).await;
    let ixs = [fx.refresh_nav_ix(&ms), fx.deposit_ix(&u, 100 * SOL, 0)];
    fx.send(&ixs, &[&u.kp]).await.expect("refresh + deposit");
    (fx, ms, u)
}

#[tokio::test]
async fn deposits_need_a_fresh_nav_once_venues_exist() {
    let (mut fx, ms, u) = hedged_vault(1, 1_000 * SOL).await;
    fx.advance(1).await;
    assert_vault_err(&fx.deposit(&u, SOL).await, VaultError::NavStale);
    let ixs = [fx.refresh_nav_ix(&ms), fx.deposit_ix(&u, SOL, 0)];
    fx.send(&ixs, &[&u.kp]).await.unwrap();
    // refresh_nav needs every venue's accounts.
    let ixs = [fx.refresh_nav_ix(&[]), fx.deposit_ix(&u, SOL, 0)];
    assert_vault_err(&fx.send(&ixs, &[&u.kp]).await, VaultError::MissingVenueAccounts);
}

#[tokio::test]
async fn breach_leads_to_a_rebalance_within_band() {
    let (mut fx, ms, _u) = hedged_vault(1, 1_000 * SOL).await;
    let (k, kc) = fx.keeper().await;
    // A short needs margin: the first rebalance_margin has nothing to size against, so
    // the first trade runs on the venue's initial margin check... give it margin first.
    let r = fx.rebalance(&k, kc, &ms[0], 0).await;
    // Without margin the venue refuses the short.
    assert!(
        custom_code(&r) == Some(u32::from(perp_venue::error::VenueError::InsufficientMargin)),
        "{r:?}"
    );
    seed_margin(&mut fx, &ms[0], 0).await;
    let logs = fx.rebalance(&k, kc, &ms[0], 0).await.unwrap();
    // The margin was sized for the trade: the hedge survives a 30 % move either way with
    // about 25 % of its notional to spare (the target), less the trade's cost.
    let spare = fx.stressed_headroom_usd(&ms[0], 150.0, 0.30).await;
    assert!(spare > 0.24 * 15_000.0 && spare < 0.26 * 15_000.0, "{spare}");
    let ev: Rebalanced = events::one(&logs);
    assert_eq!(ev.size, -100 * SOL as i64);
    assert!(fx_of(ev.fill_price_fx) < 150.0, "a sell fills below the oracle");
    assert!((fx_of(ev.net_delta_after_fx) - fx_of(ev.target_delta_fx)).abs() <= fx_of(ev.band_fx));
    assert!(fx_of(ev.cost_fx) > 0.0);
    let v: Vault = fx.vault().await;
    assert_eq!(
        (v.hedge_position, v.venue_positions[0], v.sequence),
        (-100 * SOL as i64, -100 * SOL as i64, 1)
    );
    assert_eq!(fx.env.balance(&kc).await, 1_000_000, "keeper paid");
    assert_eq!(v.keeper_rewards_paid, 1_000_000);
    // Now in band: a second crank is refused and pays nothing.
    fx.advance(60).await;
    assert_vault_err(&fx.rebalance(&k, kc, &ms[0], 0).await, VaultError::NoBreach);
    assert_eq!(fx.env.balance(&kc).await, 1_000_000);
}

/// Funds margin for the pending hedge through the permissionless crank.
async fn seed_margin(fx: &mut Fixture, m: &VenueMarket, venue_index: u8) {
    let logs = fx
        .send(&[fx.rebalance_margin_ix(m, venue_index)], &[])
        .await
        .expect("rebalance_margin");
    let ev: MarginRebalanced = events::one(&logs);
    assert!(ev.amount > 0);
}

#[tokio::test]
async fn racing_keepers_fail_cheaply() {
    let (mut fx, ms, _u) = hedged_vault(1, 1_000 * SOL).await;
    seed_margin(&mut fx, &ms[0], 0).await;
    let (k1, c1) = fx.keeper().await;
    let (k2, c2) = fx.keeper().await;
    let a = fx.rebalance_ix(&k1.pubkey(), c1, &ms[0], 0, 0);
    let b = fx.rebalance_ix(&k2.pubkey(), c2, &ms[0], 0, 0);
    fx.send(&[a], &[&k1]).await.unwrap();
    assert_vault_err(&fx.send(&[b], &[&k2]).await, VaultError::StaleSequence);
    assert_eq!(fx.env.balance(&c2).await, 0);
}

#[tokio::test]
async fn rejected_rebalances() {
    let (mut fx, ms, _u) = hedged_vault(1, 1_000 * SOL).await;
    seed_margin(&mut fx, &ms[0], 0).await;
    let (k, kc) = fx.keeper().await;

    // Venue program substitution.
    let mut ix = fx.rebalance_ix(&k.pubkey(), kc, &ms[0], 0, 0);
    ix.accounts[4].pubkey = hedge_vault::ID;
    assert_vault_err(&fx.send(&[ix], &[&k]).await, VaultError::VenueProgramMismatch);
    // Another market / margin account.
    let mut ix = fx.rebalance_ix(&k.pubkey(), kc, &ms[0], 0, 0);
    ix.accounts[6].pubkey = ms[0].pool;
    assert_vault_err(&fx.send(&[ix], &[&k]).await, VaultError::VenueAccountMismatch);
    // Wrong venue index.
    let ix = fx.rebalance_ix(&k.pubkey(), kc, &ms[0], 0, 1);
    assert_vault_err(&fx.send(&[ix], &[&k]).await, VaultError::WrongVenue);
    // Stale oracle.
    let now = fx.env.now().await;
    fx.set_quote(Quote::usd(150.0, now - 120));
    assert_vault_err(&fx.rebalance(&k, kc, &ms[0], 0).await, VaultError::OracleStale);
    fx.set_price(150.0).await;
    // Slippage: the limit is tighter than the venue's fee alone, so no size fits.
    let mut p = fx.vault().await.params;
    p.risk.max_slippage_bps = 1;
    fx.govern(p).await;
    assert_vault_err(
        &fx.rebalance(&k, kc, &ms[0], 0).await,
        VaultError::NoVenueCapacity,
    );
    p.risk.max_slippage_bps = 100;
    fx.govern(p).await;
    // Works, then the cooldown blocks the next one even after a new breach.
    fx.rebalance(&k, kc, &ms[0], 0).await.unwrap();
    let u2 = fx.user(100 * SOL).await;
    let ixs = [fx.refresh_nav_ix(&ms), fx.deposit_ix(&u2, 50 * SOL, 0)];
    fx.send(&ixs, &[&u2.kp]).await.unwrap();
    assert_vault_err(&fx.rebalance(&k, kc, &ms[0], 0).await, VaultError::CooldownActive);
    fx.advance(60).await;
    fx.rebalance(&k, kc, &ms[0], 0).await.unwrap();
    // Paused.
    let g = fx.guardian.insecure_clone();
    fx.send(
        &[fx.set_pause_ix(&g.pubkey(), hedge_vault::state::pause::REBALANCE, false)],
        &[&g],
    )
    .await
    .unwrap();
    assert_vault_err(
        &fx.rebalance(&k, kc, &ms[0], 0).await,
        VaultError::InstructionPaused,
    );
}

#[tokio::test]
async fn oversized_trades_are_clamped_and_split_by_cost_within_caps() {
    let (mut fx, ms, _u) = hedged_vault(2, 60 * SOL).await;
    seed_margin(&mut fx, &ms[0], 0).await;
    seed_margin(&mut fx, &ms[1], 1).await;

    let mut p = fx.vault().await.params;
    p.risk.max_rebalance_units = 70 * SOL;
    fx.govern(p).await;
    let (k, kc) = fx.keeper().await;
    // Wants −100, clamped to −70 by max_rebalance. The venues are identical, so the
    // cheapest split is even, 35 / 35, traded in one instruction; it names the first of
    // the equal legs, so index 1 is wrong.
    let seq = fx.vault().await.sequence;
    let ix = fx.rebalance_ix(&k.pubkey(), kc, &ms[1], seq, 1);
    assert_vault_err(&fx.send(&[ix], &[&k]).await, VaultError::WrongVenue);
    let evs: Vec<Rebalanced> = events::decode(&fx.rebalance(&k, kc, &ms[0], 0).await.unwrap());
    let legs: Vec<(u8, i64)> = evs.iter().map(|e| (e.venue_index, e.size)).collect();
    assert_eq!(legs, vec![(0, -35 * SOL as i64), (1, -35 * SOL as i64)]);
    // The reward is paid once, and the net delta moves leg by leg.
    assert_eq!((evs[0].reward, evs[1].reward), (1_000_000, 0));
    assert_eq!(evs[0].net_delta_after_fx, evs[1].net_delta_before_fx);
    fx.advance(60).await;
    // What is left (−30 and the reward) splits evenly again; both venues stay under their
    // 60 cap.
    let evs: Vec<Rebalanced> = events::decode(&fx.rebalance(&k, kc, &ms[0], 0).await.unwrap());
    assert_eq!(evs.len(), 2);
    let v = fx.vault().await;
    for (i, m) in ms.iter().enumerate() {
        let acc: perp_venue::state::MarginAccount = fx.env.anchor_account(&m.margin).await;
        assert!(
            acc.position.unsigned_abs() <= 60 * SOL,
            "venue {i}: {}",
            acc.position
        );
        assert_eq!(acc.position, v.venue_positions[i]);
    }
    // A cap makes the split uneven: venue 0 may take only 10 more of the ≈ 40 wanted, so
    // venue 1 has the largest leg and is the one the instruction names.
    let mut p = fx.vault().await.params;
    p.venues[0].cap_units = v.venue_positions[0].unsigned_abs() + 10 * SOL;
    p.risk.delta_target_bps = -4_000;
    fx.govern(p).await;
    let evs: Vec<Rebalanced> = events::decode(&fx.rebalance(&k, kc, &ms[1], 1).await.unwrap());
    let v = fx.vault().await;
    assert!(
        evs.iter()
            .any(|e| e.venue_index == 0 && e.size == -10 * SOL as i64),
        "{:?}",
        evs.iter().map(|e| (e.venue_index, e.size)).collect::<Vec<_>>()
    );
    assert_eq!(v.venue_positions[0].unsigned_abs(), p.venues[0].cap_units);
}

#[tokio::test]
async fn margin_is_kept_within_bounds_and_nav_includes_the_hedge() {
    let (mut fx, ms, u) = hedged_vault(1, 1_000 * SOL).await;
    seed_margin(&mut fx, &ms[0], 0).await;
    let (k, kc) = fx.keeper().await;
    let ev: Rebalanced = events::one(&fx.rebalance(&k, kc, &ms[0], 0).await.unwrap());
    assert!(fx_of(ev.cost_fx) < 30.0);
    // Margin 25 SOL ≈ 3 750 USD vs 15 000 notional = 25 %: within [15 %, 50 %].
    assert_vault_err(
        &fx.send(&[fx.rebalance_margin_ix(&ms[0], 0)], &[]).await,
        VaultError::MarginWithinBounds,
    );
    // Price up 20 %: the short loses; what is left over maintenance after a further 30 %
    // falls below 15 % of the notional → top up to 25 %.
    fx.set_price(180.0).await;
    let before = fx.stressed_headroom_usd(&ms[0], 180.0, 0.30).await;
    assert!(before < 0.15 * 18_000.0, "{before}");
    let ev: MarginRebalanced =
        events::one(&fx.send(&[fx.rebalance_margin_ix(&ms[0], 0)], &[]).await.unwrap());
    assert!(ev.amount > 0, "{}", ev.amount);
    let after = fx.stressed_headroom_usd(&ms[0], 180.0, 0.30).await;
    assert!((after / 18_000.0 - 0.25).abs() < 0.001, "{after}");
    let v = fx.vault().await;
    assert_eq!(
        fx.env.balance(&fx.pdas.collateral_vault).await,
        v.total_collateral
    );

    // NAV: 100 SOL deposited, hedged at 150. At 180 the collateral is worth 18 000 USD
    // and the short lost 3 000 USD plus its execution cost, so NAV ≈ 15 000 USD.
    fx.send(&[fx.refresh_nav_ix(&ms)], &[]).await.unwrap();
    let v = fx.vault().await;
    let nav_usd = v.total_assets() as f64 / 1e9 * 180.0;
    assert!(nav_usd < 15_000.0 && nav_usd > 14_950.0, "NAV {nav_usd} USD");
    // A withdrawal is priced at that NAV less what the price's confidence (1 bp here) could
    // move it: the short of |q| entered near 150 moves the venue equity by
    // |q| · (150 / 180) · 1e-4 collateral units over ± one confidence at 180.
    let conf = v.hedge_position.unsigned_abs() as f64 * (150.0 / 180.0) * 1e-4;
    assert!(
        (v.nav_conf_units as f64 / conf - 1.0).abs() < 0.02,
        "{} vs {conf}",
        v.nav_conf_units
    );
    let ixs = [fx.refresh_nav_ix(&ms), fx.request_ix(&u, 10 * SOL)];
    let logs = fx.send(&ixs, &[&u.kp]).await.unwrap();
    let req: hedge_vault::events::WithdrawRequested = events::one(&logs);
    let expected = 10.0 * (v.total_assets() as f64 - conf) / 100.0;
    assert!((req.assets_at_request as f64 - expected).abs() / expected < 1e-6);
}

#[tokio::test]
async fn venue_parameters_are_bounded() {
    let (mut fx, ms, _u) = hedged_vault(1, 1_000 * SOL).await;
    let base = fx.vault().await.params;
    type Edit = Box<dyn Fn(&mut hedge_vault::state::VaultParams)>;
    let cases: Vec<(Edit, VaultError)> = vec![
        (Box::new(|p| p.venue_count = 3), VaultError::TooManyVenues),
        (
            Box::new(|p| p.venues[0].program_id = hedge_vault::ID),
            VaultError::VenueProgramMismatch,
        ),
        (
            Box::new(|p| p.venues[0].margin_account = anchor_lang::prelude::Pubkey::new_unique()),
            VaultError::VenueMarginAccountMismatch,
        ),
        (
            Box::new(|p| p.margin.min_bps = 50),
            VaultError::InvalidMarginParams,
        ),
        (
            Box::new(|p| p.margin.target_bps = p.margin.max_bps + 1),
            VaultError::InvalidMarginParams,
        ),
        (
            Box::new(|p| p.margin.stress_move_bps = 499),
            VaultError::InvalidMarginParams,
        ),
        (
            Box::new(|p| p.margin.stress_move_bps = 9_001),
            VaultError::InvalidMarginParams,
        ),
        (
            Box::new(|p| {
                p.risk.cost_aware_band = true;
                p.risk.min_band_bps = 100;
                p.risk.ww_cost_bps = 0;
                p.risk.ww_risk_aversion_e6 = 1_000_000;
            }),
            VaultError::InvalidCostAwareBand,
        ),
    ];
    for (edit, err) in cases {
        let mut p = base;
        edit(&mut p);
        assert_vault_err(&fx.queue(p).await, err);
    }
    // A venue holding a position cannot be removed.
    seed_margin(&mut fx, &ms[0], 0).await;
    let (k, kc) = fx.keeper().await;
    fx.rebalance(&k, kc, &ms[0], 0).await.unwrap();
    let mut p = base;
    p.venue_count = 0;
    fx.queue(p).await.unwrap();
    fx.advance(3_600).await;
    assert_vault_err(&fx.apply().await, VaultError::VenueHasPosition);
}

#[tokio::test]
async fn full_venues_and_withdraw_only_stop_new_hedges() {
    let (mut fx, ms, _u) = hedged_vault(1, 30 * SOL).await;
    seed_margin(&mut fx, &ms[0], 0).await;
    let (k, kc) = fx.keeper().await;
    fx.rebalance(&k, kc, &ms[0], 0).await.unwrap();
    fx.advance(60).await;
    // The only venue is at its cap and the vault is still breached.
    assert_vault_err(
        &fx.rebalance(&k, kc, &ms[0], 0).await,
        VaultError::NoVenueCapacity,
    );
    // Withdraw-only: growing the hedge is refused (raise the cap so routing would allow it).
    let mut p = fx.vault().await.params;
    p.venues[0].cap_units = 1_000 * SOL;
    fx.govern(p).await;
    let g = fx.guardian.insecure_clone();
    fx.send(&[fx.set_pause_ix(&g.pubkey(), 0, true)], &[&g])
        .await
        .unwrap();
    assert_vault_err(&fx.rebalance(&k, kc, &ms[0], 0).await, VaultError::WithdrawOnly);
}

#[tokio::test]
async fn persistent_adverse_funding_shrinks_the_hedge() {
    let (mut fx, ms, _u) = hedged_vault(1, 1_000 * SOL).await;
    let mut p = fx.vault().await.params;
    p.risk.funding_cut_threshold_bps = 1_000;
    p.risk.funding_cut_after_secs = 3_600;
    p.risk.funding_cut_bps = 5_000;
    fx.govern(p).await;
    seed_margin(&mut fx, &ms[0], 0).await;
    let (k, kc) = fx.keeper().await;
    fx.rebalance(&k, kc, &ms[0], 0).await.unwrap();
    // Funding turns against the short: shorts pay 36.5 % a year.
    let admin = fx.mint_authority.insecure_clone();
    let ix = fx.set_funding_rate_ix(&ms[0], -3_650);
    fx.send(&[ix], &[&admin]).await.unwrap();
    fx.send(&[fx.refresh_nav_ix(&ms)], &[]).await.unwrap();
    let since = fx.vault().await.funding_adverse_since;
    assert!(since > 0);
    // Not yet long enough: the target is still fully hedged.
    fx.advance(1_800).await;
    fx.send(&[fx.refresh_nav_ix(&ms)], &[]).await.unwrap();
    let ev: hedge_vault::events::DeltaChecked =
        events::one(&fx.send(&[fx.check_delta_ix()], &[]).await.unwrap());
    assert!(!ev.breached);
    // After the delay the policy halves the hedge: target moves to half the exposure.
    fx.advance(1_800).await;
    fx.send(&[fx.refresh_nav_ix(&ms)], &[]).await.unwrap();
    assert_eq!(
        fx.vault().await.funding_adverse_since,
        since,
        "still adverse since the same time"
    );
    let ev: Rebalanced = events::one(&fx.rebalance(&k, kc, &ms[0], 0).await.unwrap());
    assert!(ev.size > 0, "the short is bought back");
    let v = fx.vault().await;
    let half = v.total_assets() as f64 / 2.0;
    assert!(
        ((-v.hedge_position) as f64 - half).abs() / half < 0.01,
        "hedge {}",
        v.hedge_position
    );
    // Funding back to normal: the policy switches off and the full hedge returns.
    let ix = fx.set_funding_rate_ix(&ms[0], 500);
    fx.send(&[ix], &[&admin]).await.unwrap();
    fx.send(&[fx.refresh_nav_ix(&ms)], &[]).await.unwrap();
    assert_eq!(fx.vault().await.funding_adverse_since, 0);
    // Bounds of the policy itself.
    let mut p = fx.vault().await.params;
    p.risk.funding_cut_bps = 0;
    assert_vault_err(&fx.queue(p).await, VaultError::InvalidFundingPolicy);
}

#[tokio::test]
async fn withdrawals_reduce_the_hedge_pro_rata() {
    let (mut fx, ms, u) = hedged_vault(1, 1_000 * SOL).await;
    seed_margin(&mut fx, &ms[0], 0).await;
    let (k, kc) = fx.keeper().await;
    fx.rebalance(&k, kc, &ms[0], 0).await.unwrap();
    let before = fx.vault().await;
    let ixs = [fx.refresh_nav_ix(&ms), fx.request_ix(&u, 10 * SOL)];
    fx.send(&ixs, &[&u.kp]).await.unwrap();
    fx.advance(3_600).await;
    // Without the venue accounts a hedged vault refuses the withdrawal.
    let ixs = [fx.refresh_nav_ix(&ms), fx.complete_ix(&u)];
    assert_vault_err(&fx.send(&ixs, &[&u.kp]).await, VaultError::MissingVenueAccounts);
    let ixs = [fx.refresh_nav_ix(&ms), fx.complete_ix_hedged(&u, &ms)];
    fx.send(&ixs, &[&u.kp]).await.unwrap();
    let after = fx.vault().await;
    // 10 of 100 shares: the short shrinks by 10 %, and the sequence moves.
    assert_eq!(
        after.hedge_position,
        before.hedge_position - before.hedge_position / 10
    );
    assert_eq!(after.sequence, before.sequence + 1);
    let margin: perp_venue::state::MarginAccount = fx.env.anchor_account(&ms[0].margin).await;
    assert_eq!(margin.position, after.hedge_position);
}

#[tokio::test]
async fn hedge_gains_lift_the_share_price_and_collateral_in_margin_limits_payouts() {
    let (mut fx, ms, u) = hedged_vault(1, 1_000 * SOL).await;
    seed_margin(&mut fx, &ms[0], 0).await;
    let (k, kc) = fx.keeper().await;
    fx.rebalance(&k, kc, &ms[0], 0).await.unwrap();
    // (A full exit while a quarter of the collateral is venue margin brings the margin
    // back: tests/tests/audit.rs, `r_the_last_holder_exits_in_full_…`.)
    // The price halves: the short's gain doubles the NAV in collateral units, so one
    // base unit of collateral is worth half a share and mints nothing.
    fx.set_price(75.0).await;
    let ixs = [fx.refresh_nav_ix(&ms), fx.deposit_ix(&u, 1, 0)];
    assert_vault_err(&fx.send(&ixs, &[&u.kp]).await, VaultError::ZeroSharesMinted);
    let ixs = [fx.refresh_nav_ix(&ms), fx.deposit_ix(&u, 10 * SOL, 0)];
    let ev: hedge_vault::events::Deposited = events::one(&fx.send(&ixs, &[&u.kp]).await.unwrap());
    assert!(
        (ev.shares as f64 - 5.0 * SOL as f64).abs() / (5.0 * SOL as f64) < 0.01,
        "{}",
        ev.shares
    );
}

/// `rebalance_deferred` and `cancel_venue_orders` on the reference venue, which fills at
/// once or not at all: every refusal with its reason, and nothing changed. (The deferred
/// cycle itself runs against a real Drift binary: tests/tests/drift_real.rs.)
#[tokio::test]
async fn deferred_orders_are_refused_where_the_venue_takes_none() {
    let (mut fx, ms, _u) = hedged_vault(1, 1_000 * SOL).await;
    seed_margin(&mut fx, &ms[0], 0).await;
    let (k, _) = fx.keeper().await;
    let vault = fx.pdas.vault;
    let cfg = ms[0].config(0);
    let before: Vault = fx.vault().await;
    let seq = before.sequence;
    let deferred = |fx: &Fixture, seq: u64, venue_index: u8| {
        hedge_client::rebalance_deferred(
            vault,
            &cfg,
            &fx.venues,
            fx.oracles(),
            k.pubkey(),
            venue_index,
            seq,
        )
    };
    // The plan's venue takes no deferred order.
    let ix = deferred(&fx, seq, 0);
    assert_vault_err(&fx.send(&[ix], &[&k]).await, VaultError::VenueNoDeferredFills);
    // The checks before it, each with its reason.
    let ix = deferred(&fx, seq + 1, 0);
    assert_vault_err(&fx.send(&[ix], &[&k]).await, VaultError::StaleSequence);
    let ix = deferred(&fx, seq, 1);
    assert_vault_err(&fx.send(&[ix], &[&k]).await, VaultError::WrongVenue);
    let mut ix = deferred(&fx, seq, 0);
    ix.accounts[4].pubkey = hedge_vault::ID;
    assert_vault_err(&fx.send(&[ix], &[&k]).await, VaultError::VenueProgramMismatch);

    // Cancelling: no such venue, and a venue that takes no deferred orders.
    let oracles = fx.oracles();
    let cancel = |i: u8| hedge_client::cancel_venue_orders(vault, &cfg, oracles, i);
    assert_vault_err(
        &fx.send(&[cancel(3)], &[]).await,
        VaultError::VenueIndexOutOfRange,
    );
    assert_vault_err(
        &fx.send(&[cancel(0)], &[]).await,
        VaultError::VenueNoDeferredFills,
    );

    // Nothing moved: the same sequence, positions and NAV.
    let after: Vault = fx.vault().await;
    assert_eq!(after.sequence, before.sequence);
    assert_eq!(after.venue_positions, before.venue_positions);
    assert_eq!(after.hedge_equity, before.hedge_equity);
}
