//! Property test: random sequences of deposit / request / complete / cancel across
//! several users keep the books straight.
use hedge_localnet::fixture::{Fixture, User};
use hedge_vault::state::Vault;
use proptest::prelude::*;

const USERS: usize = 3;
const START: u64 = 1_000_000_000_000;

#[derive(Debug, Clone)]
enum Op {
    Deposit { user: usize, amount: u64 },
    Request { user: usize, bps: u16 },
    Complete { user: usize },
    Cancel { user: usize },
    Wait { secs: i64 },
}

fn op() -> impl Strategy<Value = Op> {
    let user = 0..USERS;
    prop_oneof![
        3 => (user.clone(), 1u64..200_000_000_000).prop_map(|(user, amount)| Op::Deposit { user, amount }),
        2 => (user.clone(), 1u16..=10_000).prop_map(|(user, bps)| Op::Request { user, bps }),
        2 => user.clone().prop_map(|user| Op::Complete { user }),
        1 => user.prop_map(|user| Op::Cancel { user }),
        1 => (60i64..10_000).prop_map(|secs| Op::Wait { secs }),
    ]
}

async fn check_books(fx: &mut Fixture, users: &[User]) {
    let v: Vault = fx.vault().await;
    let supply = fx.env.supply(&fx.pdas.share_mint).await;
    let escrow = fx.env.balance(&fx.pdas.share_escrow).await;
    let collateral = fx.env.balance(&fx.pdas.collateral_vault).await;
    let mut held = 0u64;
    for u in users {
        held += fx.env.balance(&u.shares).await;
    }
    assert_eq!(supply, held + escrow, "total shares = holdings + escrow");
    v.invariant(collateral, supply, escrow).expect("Vault::invariant");
    assert_eq!(
        v.total_collateral, collateral,
        "no donations here: tracked = actual"
    );
}

async fn run(ops: Vec<Op>) {
    let ops_len = ops.len();
    let mut fx = Fixture::new().await;
    let mut p = fx.default_params();
    p.fees.management_fee_bps = 100;
    p.limits.withdrawal_delay_secs = 600;
    fx.govern(p).await;
    let mut users = Vec::new();
    for _ in 0..USERS {
        users.push(fx.user(START).await);
    }
    let mut deposited = [0u64; USERS];
    let mut withdrawn = [0u64; USERS];
    for op in ops {
        match op {
            Op::Deposit { user, amount } => {
                let before = fx.env.balance(&users[user].collateral).await;
                if fx.deposit(&users[user], amount.min(before)).await.is_ok() {
                    deposited[user] += before - fx.env.balance(&users[user].collateral).await;
                }
            }
            Op::Request { user, bps } => {
                let held = fx.env.balance(&users[user].shares).await;
                let shares = held * u64::from(bps) / 10_000;
                let _ = fx.request(&users[user], shares).await;
            }
            Op::Complete { user } => {
                let before = fx.env.balance(&users[user].collateral).await;
                if fx.complete(&users[user]).await.is_ok() {
                    withdrawn[user] += fx.env.balance(&users[user].collateral).await - before;
                }
            }
            Op::Cancel { user } => {
                let _ = fx.cancel(&users[user]).await;
            }
            Op::Wait { secs } => fx.advance(secs).await,
        }
        check_books(&mut fx, &users).await;
    }
    // Nobody gets out more than they put in (no price moves affect NAV here, fees only
    // lower it), counting what they could still redeem at today's value, beyond the dust
    // others' flows round into the vault (at most one base unit per operation).
    let v: Vault = fx.vault().await;
    let supply = fx.env.supply(&fx.pdas.share_mint).await;
    let total_shares = supply + v.accrued_fee_shares;
    let dust = ops_len as u64;
    for (i, u) in users.iter().enumerate() {
        let shares = fx.env.balance(&u.shares).await;
        let redeemable =
            hedge_math::shares::assets_for_shares(shares, v.total_assets(), total_shares).unwrap();
        assert!(
            withdrawn[i] + redeemable <= deposited[i] + dust,
            "user {i}: withdrew {} + holds {} > deposited {}",
            withdrawn[i],
            redeemable,
            deposited[i]
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, max_shrink_iters: 50, ..ProptestConfig::default() })]

    #[test]
    fn random_user_flows_keep_the_books(ops in prop::collection::vec(op(), 5..25)) {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(run(ops));
    }
}
