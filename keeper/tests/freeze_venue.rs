//! `hedge-keeper freeze-venue`: the guardian freezes a venue at once; what the program
//! would refuse is refused before sending; a second run sends nothing.
use hedge_keeper::chain::local::LocalChain;
use hedge_keeper::cmd::freeze_venue::{freeze, Frozen};
use hedge_localnet::fixture::Fixture;
use solana_signer::Signer;

const SOL: u64 = 1_000_000_000;

#[tokio::test]
async fn the_guardian_freezes_a_venue_once_and_outsiders_are_refused_before_sending() {
    let mut fx = Fixture::new().await;
    let (m0, m1) = (
        fx.create_market(0, 100_000 * SOL).await,
        fx.create_market(1, 100_000 * SOL).await,
    );
    let mut p = fx.params_with_venues(&[m0, m1], 10_000 * SOL);
    p.venues[1].frozen_haircut_bps = 2_500;
    fx.govern(p).await;
    let vault = fx.pdas.vault;
    // The guardian pays its own fee.
    let guardian = fx.guardian.insecure_clone();
    fx.env
        .set_account(&guardian.pubkey(), &anchor_lang::system_program::ID, vec![]);
    let outsider = fx.env.funded_keypair().await;
    let frozen_bits = |v: &hedge_vault::state::Vault| v.frozen_venues;
    // Every transaction the chain processes from here on.
    fx.env.start_journal();

    // Refused here, with the reason: neither guardian nor authority, an index past the
    // configured venues, an account that is not a vault.
    for (signer, address, venue, reason) in [
        (&outsider, vault, 1, "neither the vault's guardian"),
        (&guardian, vault, 2, "the vault has 2 venue(s)"),
        (&guardian, fx.collateral_mint, 0, "is not a vault"),
    ] {
        let e = freeze(
            &mut LocalChain { env: &mut fx.env },
            signer,
            address,
            venue,
            false,
        )
        .await
        .unwrap_err()
        .to_string();
        assert!(e.contains(reason), "{e}");
    }
    // A dry run sends nothing.
    let out = freeze(&mut LocalChain { env: &mut fx.env }, &guardian, vault, 1, true)
        .await
        .unwrap();
    assert_eq!(
        out,
        Frozen::Now {
            haircut_bps: 2_500,
            dry_run: true
        }
    );
    assert_eq!(frozen_bits(&fx.vault().await), 0);
    assert!(
        fx.env.take_journal().is_empty(),
        "refusals and the dry run sent nothing"
    );

    // The guardian's freeze lands at once: venue 1's bit, and only it.
    let out = freeze(&mut LocalChain { env: &mut fx.env }, &guardian, vault, 1, false)
        .await
        .unwrap();
    assert_eq!(
        out,
        Frozen::Now {
            haircut_bps: 2_500,
            dry_run: false
        }
    );
    assert_eq!(frozen_bits(&fx.vault().await), 0b10);
    assert!(!fx.env.take_journal().is_empty());
    // Again: already frozen, nothing sent.
    let out = freeze(&mut LocalChain { env: &mut fx.env }, &guardian, vault, 1, false)
        .await
        .unwrap();
    assert_eq!(out, Frozen::Already);
    assert!(fx.env.take_journal().is_empty(), "a second run sends nothing");
    // The authority may freeze too.
    let authority = fx.authority.insecure_clone();
    let out = freeze(&mut LocalChain { env: &mut fx.env }, &authority, vault, 0, false)
        .await
        .unwrap();
    assert!(matches!(out, Frozen::Now { dry_run: false, .. }));
    assert_eq!(frozen_bits(&fx.vault().await), 0b11);
}
