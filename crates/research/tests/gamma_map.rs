//! The gamma-exposure map against the keeper's own decision and the band rule, on the
//! in-process chain.
use hedge_keeper::chain::local::LocalChain;
use hedge_keeper::{ops, snapshot};
use hedge_localnet::fixture::Fixture;
use hedge_research::gamma_map::{map, moves, venue_accounts};

const SOL: u64 = 1_000_000_000;

#[tokio::test]
async fn the_map_is_the_keepers_decision_at_every_price() {
    let mut fx = Fixture::new().await;
    let m = fx.create_market(0, 100_000 * SOL).await;
    let p = fx.params_with_venues(&[m], 10_000 * SOL);
    fx.govern(p).await;
    let u = fx.user(100 * SOL).await;
    let ixs = [fx.refresh_nav_ix(&[m]), fx.deposit_ix(&u, 100 * SOL, 0)];
    fx.send(&ixs, &[&u.kp]).await.unwrap();
    let oracles = fx.oracles();
    let mut chain = LocalChain { env: &mut fx.env };
    let s = snapshot::load(&mut chain, fx.pdas.vault, oracles).await.unwrap();
    let accounts = venue_accounts(&mut chain, &s).await.unwrap();
    let levels = map(&s, &accounts, &moves(0.3, 13)).unwrap();
    assert_eq!(levels.len(), 13);

    // At the oracle price the map is the keeper's plan.
    let at_zero = levels.iter().find(|l| l.move_frac.abs() < 1e-12).unwrap();
    let plan = ops::rebalance::should_run(&s).expect("the unhedged deposit is a breach");
    assert_eq!(at_zero.trade, plan.size as f64 / SOL as f64);
    let price0 = s.market.underlying.price.to_num::<f64>();
    for l in &levels {
        assert!((l.price - price0 * (1.0 + l.move_frac)).abs() < 1e-6 * price0);
        // The band rule, read off the row itself: a trade iff outside the band, towards
        // the target.
        let gap = l.target_delta - l.net_delta;
        if gap.abs() <= l.band {
            assert_eq!(l.trade, 0.0, "{l:?}");
        } else {
            assert!(l.trade != 0.0 && l.trade.signum() == gap.signum(), "{l:?}");
        }
        // An unhedged neutral vault: 100 tokens of delta at every price, none targeted.
        assert!((l.net_delta - 100.0).abs() < 1e-6, "{l:?}");
        assert!(l.target_delta.abs() < 1e-6, "{l:?}");
    }
    assert!(map(&s, &accounts, &[-1.0]).is_err(), "no price at −100 %");
}
