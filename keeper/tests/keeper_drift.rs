//! The production keeper runs a vault hedged on a real Drift v2 program (when
//! `DRIFT_PROGRAM_SO` names one; otherwise NOT RUN): it opens the vault's Drift account,
//! posts margin and shorts at Drift on a breach, and then finds nothing to do; an auction
//! left open by someone else holds it back until it expires, then it cancels it and hedges.
use std::sync::Arc;

use hedge_keeper::chain::local::LocalChain;
use hedge_keeper::config::WatchedVault;
use hedge_keeper::keeper::{Keeper, KeeperSettings};
use hedge_keeper::metrics::Metrics;
use hedge_keeper::sender::SendPolicy;
use hedge_localnet::drift::{binary, hedged_on_drift, Markets, SOL_PERP, SOL_SPOT};
use hedge_localnet::fixture::Fixture;
use hedge_localnet::Env;
use solana_signer::Signer;

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
    {
        let mut chain = LocalChain { env: &mut fx.env };
        let t = keeper.tick(&mut chain, &[w]).await.remove(0).1.expect("tick");
        assert!(!t.rebalanced && !t.venue_opened && !t.margin_moved, "{t:?}");
    }

    // Another 50 SOL arrive, and someone hedges them with a Drift auction that nobody
    // fills (`rebalance_deferred`). While it is open the keeper orders nothing more; once it
    // has expired the keeper cancels it and hedges at once.
    let write = support.metas(&vault, true);
    let refresh = hedge_client::with_accounts(
        hedge_client::refresh_nav(vault, &fx.venues, fx.oracles()),
        &support.metas(&vault, false),
    );
    let u2 = fx.user(50 * SOL).await;
    let dep = fx.deposit_ix(&u2, 50 * SOL, 0);
    fx.advance(60).await;
    d.send(&mut fx.env, &[refresh, dep], &[&u2.kp])
        .await
        .expect("second deposit");
    let cfg = fx.venues[0];
    let seq = fx.vault().await.sequence;
    let place = hedge_client::with_accounts(
        hedge_client::rebalance_deferred(vault, &cfg, &fx.venues, fx.oracles(), k.pubkey(), 0, seq),
        &write,
    );
    let budget = solana_compute_budget_interface::ComputeBudgetInstruction::set_compute_unit_limit(1_400_000);
    d.send(&mut fx.env, &[budget, place], &[&k])
        .await
        .expect("rebalance_deferred");
    let open = d.user(&mut fx.env, &vault).await.perp[0].open_asks;
    assert!(open < 0, "an auction rests at Drift");
    fx.advance(10).await;
    d.publish(&mut fx.env).await;
    {
        let mut chain = LocalChain { env: &mut fx.env };
        let t = keeper.tick(&mut chain, &[w]).await.remove(0).1.expect("tick");
        assert!(
            !t.rebalanced && !t.orders_cancelled,
            "the open order covers it: {t:?}"
        );
    }
    fx.advance(60).await;
    d.publish(&mut fx.env).await;
    {
        let mut chain = LocalChain { env: &mut fx.env };
        let t = keeper.tick(&mut chain, &[w]).await.remove(0).1.expect("tick");
        assert!(
            t.orders_cancelled && t.rebalanced,
            "cancelled, then hedged: {t:?}"
        );
    }
    let p = d.user(&mut fx.env, &vault).await.perp[0];
    assert_eq!((p.open_orders, p.open_asks), (0, 0));
    let owned = fx.env.balance(&fx.pdas.collateral_vault).await
        + fx.env
            .balance(&hedge_drift::pda::spot_market_vault(SOL_SPOT))
            .await;
    assert!(
        (owned as i64 + p.base_asset_amount).abs() <= SOL as i64 / 100,
        "net {}",
        owned as i64 + p.base_asset_amount
    );
}
