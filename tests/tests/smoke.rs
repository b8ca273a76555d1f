use hedge_localnet::{events, fixture::Fixture};
use hedge_vault::events::Deposited;

#[tokio::test]
async fn initialize_and_deposit() {
    let mut fx = Fixture::new().await;
    let u = fx.user(5_000_000_000).await;
    let logs = fx.deposit(&u, 2_000_000_000).await.unwrap();
    let ev: Deposited = events::one(&logs);
    assert_eq!(ev.shares, 2_000_000_000);
    assert_eq!(fx.env.balance(&u.shares).await, 2_000_000_000);
}
