//! `open_venue_account`: the vault opens its own margin account at a configured venue (the
//! way it opens its Drift `User`, whose authority must sign). Run here on the reference
//! venue; every refusal is checked, and the account it opens is checked from the venue's
//! raw account.
use anchor_lang::prelude::Pubkey;
use anchor_lang::AccountDeserialize;
use hedge_localnet::assert_vault_err;
use hedge_localnet::fixture::Fixture;
use hedge_localnet::venue::VenueMarket;
use hedge_vault::error::VaultError;
use perp_venue::state::MarginAccount;
use solana_account::Account;
use solana_signer::Signer;

const SOL: u64 = 1_000_000_000;

async fn vault_with_venue() -> (Fixture, VenueMarket) {
    let mut fx = Fixture::new().await;
    let m = fx.create_market(0, 10_000 * SOL).await;
    let p = fx.params_with_venues(&[m], 1_000 * SOL);
    fx.govern(p).await;
    (fx, m)
}

#[tokio::test]
async fn the_vault_opens_its_margin_account_and_refuses_anything_else() {
    let (mut fx, m) = vault_with_venue().await;
    let payer = fx.env.payer().pubkey();
    let cfg = fx.venues[0];
    let vault = fx.pdas.vault;
    let open = |index: u8| hedge_client::open_venue_account(vault, &cfg, index, payer);

    // The account exists already (the fixture made it): refused, nothing overwritten.
    assert_vault_err(&fx.send(&[open(0)], &[]).await, VaultError::VenueAccountMismatch);
    // No such venue.
    assert_vault_err(&fx.send(&[open(1)], &[]).await, VaultError::VenueIndexOutOfRange);
    // Accounts other than the configured ones (program, market, margin account: metas 2–4).
    for (slot, err) in [
        (2, VaultError::VenueProgramMismatch),
        (3, VaultError::VenueAccountMismatch),
        (4, VaultError::VenueAccountMismatch),
    ] {
        let mut ix = open(0);
        ix.accounts[slot].pubkey = Pubkey::new_unique();
        assert_vault_err(&fx.send(&[ix], &[]).await, err);
    }

    // Gone (closed at the venue, say): the vault opens it again, for itself.
    fx.env.put_account(
        &m.margin,
        Account {
            lamports: 0,
            data: vec![],
            owner: anchor_lang::system_program::ID,
            executable: false,
            rent_epoch: 0,
        },
    );
    assert!(fx.env.account(&m.margin).await.is_none());
    fx.send(&[open(0)], &[]).await.expect("open_venue_account");
    let acc = fx.env.account(&m.margin).await.expect("margin account");
    assert_eq!(acc.owner, perp_venue::ID);
    let margin = MarginAccount::try_deserialize(&mut &acc.data[..]).unwrap();
    assert_eq!((margin.authority, margin.market), (fx.pdas.vault, m.market));
    assert_eq!((margin.position, margin.collateral), (0, 0));
}
