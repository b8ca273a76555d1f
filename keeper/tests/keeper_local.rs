//! The keeper against the in-process chain: decisions, racing keepers, injected RPC
//! faults, the operations surface, and the simulation report.
use std::sync::Arc;

use hedge_keeper::chain::faulty::{Fault, FaultyChain};
use hedge_keeper::chain::local::LocalChain;
use hedge_keeper::config::WatchedVault;
use hedge_keeper::keeper::{Keeper, KeeperSettings};
use hedge_keeper::metrics::Metrics;
use hedge_keeper::sender::{self, Outcome, SendPolicy};
use hedge_keeper::{ops, snapshot};
use hedge_localnet::fixture::Fixture;
use hedge_localnet::venue::VenueMarket;
use hedge_vault::error::VaultError;
use solana_keypair::Keypair;
use solana_signer::Signer;

const SOL: u64 = 1_000_000_000;

async fn vault_in_breach() -> (Fixture, Vec<VenueMarket>) {
    let mut fx = Fixture::new().await;
    let m = fx.create_market(0, 100_000 * SOL).await;
    let mut p = fx.params_with_venues(&[m], 10_000 * SOL);
    p.risk.keeper_reward = 1_000;
    fx.govern(p).await;
    let u = fx.user(100 * SOL).await;
    let ixs = [fx.refresh_nav_ix(&[m]), fx.deposit_ix(&u, 100 * SOL, 0)];
    fx.send(&ixs, &[&u.kp]).await.unwrap();
    (fx, vec![m])
}

fn settings(keeper: Keypair, reward: anchor_lang::prelude::Pubkey) -> KeeperSettings {
    KeeperSettings {
        keeper,
        vol_updater: None,
        reward_account: reward,
        policy: SendPolicy {
            backoff: std::time::Duration::from_millis(1),
            ..SendPolicy::default()
        },
        dry_run: false,
        funding_interval_secs: 86_400,
        pnl_settle_bps: hedge_keeper::ops::pnl::DEFAULT_THRESHOLD_BPS,
        vol_threshold_bps: 100,
        vol_window: 100,
    }
}

fn watched(fx: &Fixture) -> WatchedVault {
    WatchedVault {
        address: fx.pdas.vault,
        underlying_oracle: fx.oracle,
        collateral_oracle: None,
    }
}

#[tokio::test]
async fn decision_matches_the_program_and_a_breach_gives_exactly_one_rebalance() {
    let (mut fx, _) = vault_in_breach().await;
    let w = watched(&fx);
    let (k, reward) = fx.keeper().await;
    let oracles = fx.oracles();
    let s = snapshot::load(&mut LocalChain { env: &mut fx.env }, w.address, oracles)
        .await
        .unwrap();
    assert!(s.report.breached);
    let plan = ops::rebalance::should_run(&s).expect("a rebalance is due");
    assert_eq!(plan.size, -100 * SOL as i64);
    assert_eq!(plan.margin_first, vec![0], "first hedge needs margin");

    let metrics = Arc::new(Metrics::new(60).unwrap());
    let mut keeper = Keeper::new(settings(k, reward), metrics.clone());
    let mut chain = LocalChain { env: &mut fx.env };
    let t = keeper.tick(&mut chain, &[w]).await.remove(0).1.unwrap();
    assert!(t.rebalanced && t.margin_with_rebalance);
    let evs = hedge_localnet::events::decode::<hedge_vault::events::Rebalanced>(&t.rebalance_logs);
    assert_eq!(evs.len(), 1);
    // The next pass finds the vault in band: nothing to do, nothing sent.
    let t = keeper.tick(&mut chain, &[w]).await.remove(0).1.unwrap();
    assert!(!t.rebalanced && t.benign == 0);
    let v = fx.vault().await;
    assert_eq!((v.sequence, v.hedge_position), (1, -100 * SOL as i64));
    let body = metrics.render();
    assert!(body.contains("hedge_keeper_rebalances_total"));
    // The second pass saw the short: the venue would liquidate it above the price (the
    // figure itself is checked against the venue's own liquidation in
    // tests/tests/hedge_correctness.rs).
    let liq: f64 = body
        .lines()
        .find(|l| l.starts_with("hedge_keeper_venue_liquidation_price_quote{"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|x| x.parse().ok())
        .expect("the liquidation price gauge");
    assert!(liq > 150.0, "{liq}");
}

#[tokio::test]
async fn racing_keepers_rebalance_once() {
    let (mut fx, _) = vault_in_breach().await;
    let w = watched(&fx);
    let (a, ra) = fx.keeper().await;
    let (b, rb) = fx.keeper().await;
    // Both see the same state and build the same rebalance.
    let oracles = fx.oracles();
    let s = snapshot::load(&mut LocalChain { env: &mut fx.env }, w.address, oracles)
        .await
        .unwrap();
    let plan = ops::rebalance::should_run(&s).unwrap();
    let ixs_a = ops::rebalance::build(&plan, &s, a.pubkey(), ra);
    let ixs_b = ops::rebalance::build(&plan, &s, b.pubkey(), rb);
    let policy = SendPolicy::default();
    let mut chain = LocalChain { env: &mut fx.env };
    assert!(matches!(
        sender::send(&mut chain, &a, &[], &ixs_a, &policy).await,
        Outcome::Landed { .. }
    ));
    // The loser's simulation fails (margin already moved, sequence already bumped): it
    // never sends, so it pays nothing.
    match sender::send(&mut chain, &b, &[], &ixs_b, &policy).await {
        Outcome::Benign(VaultError::StaleSequence | VaultError::MarginWithinBounds) => {}
        other => panic!("second keeper: {other:?}"),
    }
    assert_eq!(fx.vault().await.sequence, 1);
    assert_eq!(fx.env.balance(&rb).await, 0, "the loser is not paid");
}

#[tokio::test]
async fn rpc_faults_are_retried_without_double_rebalancing() {
    let (mut fx, _) = vault_in_breach().await;
    let w = watched(&fx);
    let (k, reward) = fx.keeper().await;
    let mut chain = FaultyChain::new(LocalChain { env: &mut fx.env });
    // A dropped transaction, a timeout, then one that lands but whose confirmation is lost.
    chain
        .send_faults
        .extend([Fault::Dropped, Fault::Timeout, Fault::LandedButUnconfirmed]);
    let metrics = Arc::new(Metrics::new(60).unwrap());
    let mut s = settings(k, reward);
    s.funding_interval_secs = i64::MAX;
    let mut keeper = Keeper::new(s, metrics);
    let t = keeper.tick(&mut chain, &[w]).await.remove(0).1.unwrap();
    // The retry after the lost confirmation re-simulates and finds the work done.
    assert!(!t.rebalanced && t.benign == 1, "{t:?}");
    assert_eq!(chain.landed, 1, "exactly one transaction reached the chain");
    // A read failure backs this vault off instead of failing the pass.
    chain.read_faults.push_back(Fault::Error);
    let res = keeper.tick(&mut chain, &[w]).await.remove(0).1;
    assert!(res.is_err());
    let t = keeper.tick(&mut chain, &[w]).await.remove(0).1.unwrap();
    assert!(t.backed_off);
    drop(chain);
    let v = fx.vault().await;
    assert_eq!((v.sequence, v.hedge_position), (1, -100 * SOL as i64));
}

#[tokio::test]
async fn dry_run_sends_nothing() {
    let (mut fx, _) = vault_in_breach().await;
    let w = watched(&fx);
    let (k, reward) = fx.keeper().await;
    let mut s = settings(k, reward);
    s.dry_run = true;
    let mut keeper = Keeper::new(s, Arc::new(Metrics::new(60).unwrap()));
    let t = keeper
        .tick(&mut LocalChain { env: &mut fx.env }, &[w])
        .await
        .remove(0)
        .1
        .unwrap();
    assert!(!t.rebalanced);
    assert_eq!(fx.vault().await.sequence, 0);
}

async fn http_get(addr: std::net::SocketAddr, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out
}

#[tokio::test]
async fn metrics_and_health_answer() {
    let m = Arc::new(Metrics::new(60).unwrap());
    m.rebalances.with_label_values(&["v"]).inc();
    m.observe_slot(7);
    let (addr, _h) =
        hedge_keeper::metrics::serve(m.clone(), "127.0.0.1:0".parse().unwrap(), std::future::pending())
            .await
            .unwrap();
    let body = http_get(addr, "/metrics").await;
    assert!(
        body.starts_with("HTTP/1.0 200") || body.starts_with("HTTP/1.1 200"),
        "{body}"
    );
    assert!(
        body.contains("hedge_keeper_rebalances_total{vault=\"v\"} 1"),
        "{body}"
    );
    let health = http_get(addr, "/health").await;
    assert!(health.contains("200") && health.contains("slot=7"), "{health}");
    // No new slot for longer than the limit: unhealthy.
    m.last_slot_seen_at.store(0, std::sync::atomic::Ordering::Relaxed);
    let health = http_get(addr, "/health").await;
    assert!(health.contains("503"), "{health}");
}
