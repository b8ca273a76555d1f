//! `init-vault`: the definition file is validated with the program's bounds, and the
//! instruction it builds creates the vault on a chain.
use hedge_keeper::chain::local::LocalChain;
use hedge_keeper::cmd::init_vault::VaultFile;
use hedge_keeper::sender::{self, Outcome, SendPolicy};
use hedge_localnet::Env;
use solana_signer::Signer;

fn example(mint: &str, market: Option<&str>) -> String {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../migrations/vault.example.toml"
    ))
    .unwrap();
    let text = text.replace("J1toso1uCk3RLmjorhTtrVwY9HJ7X8V9yYac6Y7kGCPn", mint);
    match market {
        Some(m) => text.replace("REPLACE_WITH_MARKET_ADDRESS", m),
        None => text,
    }
}

#[tokio::test]
async fn example_definition_creates_a_vault() {
    let mut env = Env::new().await;
    let authority = env.funded_keypair().await;
    let mint = env.create_mint(9, &authority.pubkey(), &anchor_spl::token::ID);
    let market = anchor_lang::prelude::Pubkey::new_unique();
    let file: VaultFile = toml::from_str(&example(&mint.to_string(), Some(&market.to_string()))).unwrap();
    let now = env.now().await;
    let plan = file.plan(authority.pubkey(), now).unwrap();
    let out = sender::send(
        &mut LocalChain { env: &mut env },
        &authority,
        &[],
        std::slice::from_ref(&plan.instruction),
        &SendPolicy::default(),
    )
    .await;
    assert!(matches!(out, Outcome::Landed { .. }), "{out:?}");
    // Venues go through the timelocked queue: queue, wait, apply.
    assert_eq!(plan.governance.len(), 1);
    let out = sender::send(
        &mut LocalChain { env: &mut env },
        &authority,
        &[],
        &plan.governance,
        &SendPolicy::default(),
    )
    .await;
    assert!(matches!(out, Outcome::Landed { .. }), "{out:?}");
    let v: hedge_vault::state::Vault = env.anchor_account(&plan.vault).await;
    assert_eq!(v.authority, authority.pubkey());
    assert_eq!(v.params.venue_count, 0, "not before the timelock");
    let pending: hedge_vault::state::PendingParams = env
        .anchor_account(
            &anchor_lang::prelude::Pubkey::find_program_address(
                &[hedge_vault::constants::PENDING_SEED, plan.vault.as_ref()],
                &hedge_vault::ID,
            )
            .0,
        )
        .await;
    assert_eq!(pending.params, plan.params);
    assert_eq!(pending.params.venues[0].market, market);
    assert!(v.oracle.collateral().is_some());
}

#[test]
fn invalid_definitions_are_refused_before_sending() {
    let mint = anchor_lang::prelude::Pubkey::new_unique().to_string();
    let auth = anchor_lang::prelude::Pubkey::new_unique();
    // Placeholder market left in.
    let file: VaultFile = toml::from_str(&example(&mint, None)).unwrap();
    let e = file.plan(auth, 0).unwrap_err().to_string();
    assert!(e.contains("venues[0].market"), "{e}");
    // A fee above the hard bound.
    let bad = example(&mint, Some(&mint)).replace("management_fee_bps = 100", "management_fee_bps = 900");
    let file: VaultFile = toml::from_str(&bad).unwrap();
    let e = file.plan(auth, 0).unwrap_err().to_string();
    assert!(
        e.contains("ManagementFeeTooHigh") || e.contains("Management fee"),
        "{e}"
    );
    // Unknown fields are errors, not silently ignored.
    let typo = example(&mint, Some(&mint)).replace("timelock_secs", "timelock_sec");
    assert!(toml::from_str::<VaultFile>(&typo).is_err());
}
