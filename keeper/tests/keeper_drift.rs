//! The production keeper runs a vault hedged on a real Drift v2 program (when
//! `DRIFT_PROGRAM_SO` names one; otherwise NOT RUN): it opens the vault's Drift account,
//! posts margin and shorts at Drift on a breach, and then finds nothing to do.
use std::sync::Arc;

use hedge_keeper::chain::local::LocalChain;
use hedge_keeper::config::WatchedVault;
use hedge_keeper::keeper::{Keeper, KeeperSettings};
use hedge_keeper::metrics::Metrics;
use hedge_keeper::sender::SendPolicy;
use hedge_localnet::drift::{binary, hedged_on_drift, Markets, SOL_PERP, SOL_SPOT};
use hedge_localnet::fixture::Fixture;
use hedge_localnet::Env;

const SOL: u64 = 1_000_000_000;

#[tokio::test]
async fn the_keeper_opens_margins_and_hedges_at_drift() {
    let Some(so) = binary() else { return };
    let mut fx = Fixture::on(Env::with_drift(&so).await, anchor_spl::token::spl_token::ID).await;
    let mut d = Markets::start(&mut fx.env, fx.collateral_mint).await;
    let vault = fx.pdas.vault;
    let (_, p) = hedged_on_drift(&fx, 1_000 * SOL);
    fx.govern(p).await;
    let u = fx.user(100 * SOL).await;
    // The depositor's own refresh reads the (not yet opened) Drift account.
    let support = hedge_client::DriftSupport {
        perp_oracle: d.oracle,
        spot_markets: vec![(0, Default::default()), (SOL_SPOT, d.oracle)],
        collateral_spot: SOL_SPOT,
    };
    let refresh = hedge_client::with_accounts(
        hedge_client::refresh_nav(vault, &fx.venues, fx.oracles()),
        &support.metas(&vault, false),
    );
    let ixs = [refresh, fx.deposit_ix(&u, 100 * SOL, 0)];
    d.send(&mut fx.env, &ixs, &[&u.kp]).await.expect("deposit");

    let (k, reward) = fx.keeper().await;
    let settings = KeeperSettings {
        keeper: k.insecure_clone(),
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
    };
    let w = WatchedVault {
        address: vault,
        underlying_oracle: fx.oracle,
        collateral_oracle: None,
    };
    let mut keeper = Keeper::new(settings, Arc::new(Metrics::new(60).unwrap()));

    d.price = 150.0;
    d.publish(&mut fx.env).await;
    let t = {
        let mut chain = LocalChain { env: &mut fx.env };
        keeper.tick(&mut chain, &[w]).await.remove(0).1.expect("tick")
    };
    assert!(t.venue_opened, "the vault's Drift account was opened: {t:?}");
    assert!(t.rebalanced && t.margin_with_rebalance, "{t:?}");
    let user = d.user(&mut fx.env, &vault).await;
    assert_eq!(user.authority, vault);
    let base = user.perp_base(SOL_PERP);
    assert_eq!(fx.vault().await.venue_positions[0], base);
    // Independently: every collateral token the vault owns, plus the perp: within a lot.
    let owned = fx.env.balance(&fx.pdas.collateral_vault).await
        + fx.env
            .balance(&hedge_drift::pda::spot_market_vault(SOL_SPOT))
            .await;
    assert!(
        (owned as i64 + base).abs() <= SOL as i64 / 100,
        "net {}",
        owned as i64 + base
    );

    // In band now: the next pass sends nothing.
    fx.env.next_slot().await;
    d.publish(&mut fx.env).await;
    let mut chain = LocalChain { env: &mut fx.env };
    let t = keeper.tick(&mut chain, &[w]).await.remove(0).1.expect("tick");
    assert!(!t.rebalanced && !t.venue_opened && !t.margin_moved, "{t:?}");
}
