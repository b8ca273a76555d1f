use hedge_localnet::{events, fixture::Fixture};
use hedge_vault::events::Deposited;
use solana_signer::Signer;

#[tokio::test]
async fn initialize_and_deposit() {
    let mut fx = Fixture::new().await;
    let u = fx.user(5_000_000_000).await;
    let logs = fx.deposit(&u, 2_000_000_000).await.unwrap();
    let ev: Deposited = events::one(&logs);
    assert_eq!(ev.shares, 2_000_000_000);
    assert_eq!(fx.env.balance(&u.shares).await, 2_000_000_000);
}

/// Size of a transaction as sent over the wire: signatures (short-vec + 64 bytes each)
/// plus the serialized message.
fn wire_size(ixs: &[anchor_lang::solana_program::instruction::Instruction], signers: usize) -> usize {
    let payer = anchor_lang::prelude::Pubkey::new_unique();
    let msg = solana_transaction::Transaction::new_with_payer(ixs, Some(&payer)).message;
    1 + 64 * signers.max(usize::from(msg.header.num_required_signatures)) + msg.serialize().len()
}

/// Solana's packet limit.
const PACKET: usize = 1_232;

#[tokio::test]
async fn every_transaction_fits_the_packet_limit() {
    use hedge_vault::constants::{MAX_LEGS, MAX_VENUES};
    use hedge_vault::state::{LegKind, OptionLeg, ParamsChange, VenueConfig};
    let mut fx = Fixture::new().await;
    let me = fx.authority.insecure_clone();
    let u = fx.user(10).await;
    let leg = OptionLeg {
        kind: LegKind::Call,
        strike_e6: u64::MAX,
        expiry: i64::MAX,
        quantity: i64::MIN,
        vol_bps: u32::MAX,
        roll_tenor_days: 0,
        roll_moneyness_pct: 0,
        cover_bps: 0,
        padding: [0; 6],
    };
    let venue = VenueConfig {
        cap_units: u64::MAX,
        ..VenueConfig::default()
    };
    let m = hedge_localnet::venue::VenueMarket {
        market: anchor_lang::prelude::Pubkey::new_unique(),
        pool: anchor_lang::prelude::Pubkey::new_unique(),
        margin: anchor_lang::prelude::Pubkey::new_unique(),
    };
    let markets = vec![m; MAX_VENUES];
    let k = anchor_lang::prelude::Pubkey::new_unique();
    let cases: Vec<(&str, Vec<anchor_lang::solana_program::instruction::Instruction>)> = vec![
        ("initialize_vault", vec![fx.init_ix(fx.init_args())]),
        (
            "queue core",
            vec![fx.queue_change_ix(&me.pubkey(), ParamsChange::Core(fx.default_params().core()))],
        ),
        (
            "amend 16 legs",
            vec![fx.amend_change_ix(&me.pubkey(), ParamsChange::Legs(vec![leg; MAX_LEGS]))],
        ),
        (
            "amend venues",
            vec![fx.amend_change_ix(&me.pubkey(), ParamsChange::Venues(vec![venue; MAX_VENUES]))],
        ),
        (
            "refresh + deposit",
            vec![fx.refresh_nav_ix(&markets), fx.deposit_ix(&u, 1, 0)],
        ),
        (
            "refresh + complete (hedged)",
            vec![fx.refresh_nav_ix(&markets), fx.complete_ix_hedged(&u, &markets)],
        ),
        (
            "keeper rebalance bundle",
            vec![
                fx.refresh_nav_ix(&markets),
                fx.rebalance_margin_ix(&m, 0),
                fx.rebalance_ix(&k, k, &m, 0, 0),
            ],
        ),
    ];
    for (name, ixs) in cases {
        let size = wire_size(&ixs, 2);
        assert!(size <= PACKET, "{name}: {size} bytes > {PACKET}");
    }
}
