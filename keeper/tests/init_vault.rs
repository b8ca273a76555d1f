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

#[test]
fn a_rolling_covering_leg_is_read_and_validated() {
    let mint = anchor_lang::prelude::Pubkey::new_unique().to_string();
    let auth = anchor_lang::prelude::Pubkey::new_unique();
    let market = anchor_lang::prelude::Pubkey::new_unique().to_string();
    // The example's commented leg, uncommented.
    let with_leg = |pct: u8| {
        example(&mint, Some(&market))
            .replace("# [[legs]]", "[[legs]]")
            .replace("# kind = \"put\"", "kind = \"put\"")
            .replace("# strike = 150.0", "strike = 150.0")
            .replace("# expiry = 1767225600", "expiry = 1767225600")
            .replace("# quantity = 1 ", "quantity = 1 ")
            .replace("# cover_bps = 10000", "cover_bps = 10000")
            .replace("# roll_tenor_days = 30", "roll_tenor_days = 30")
            .replace(
                "# roll_moneyness_pct = 100",
                &format!("roll_moneyness_pct = {pct}"),
            )
    };
    let file: VaultFile = toml::from_str(&with_leg(100)).unwrap();
    let plan = file.plan(auth, 1_767_000_000).unwrap();
    let leg = plan.params.legs[0];
    assert_eq!(
        (
            plan.params.leg_count,
            leg.cover_bps,
            leg.roll_tenor_days,
            leg.roll_moneyness_pct
        ),
        (1, 10_000, 30, 100)
    );
    // A strike at 30 % of the price at the roll is out of bounds, and said so.
    let file: VaultFile = toml::from_str(&with_leg(30)).unwrap();
    let e = file.plan(auth, 1_767_000_000).unwrap_err().to_string();
    assert!(e.contains("InvalidRollRule") || e.contains("Roll rule"), "{e}");
}

#[tokio::test]
async fn apply_is_refused_before_the_vault_exists_and_before_the_timelock() {
    use hedge_keeper::cmd::init_vault::apply;
    let mut env = Env::new().await;
    let authority = env.funded_keypair().await;
    let mint = env.create_mint(9, &authority.pubkey(), &anchor_spl::token::ID);
    let market = anchor_lang::prelude::Pubkey::new_unique();
    let file: VaultFile = toml::from_str(&example(&mint.to_string(), Some(&market.to_string()))).unwrap();
    let now = env.now().await;
    let plan = file.plan(authority.pubkey(), now).unwrap();
    let oracles = hedge_client::OracleAccounts {
        underlying: anchor_lang::prelude::Pubkey::new_unique(),
        collateral: Some(anchor_lang::prelude::Pubkey::new_unique()),
    };
    env.start_journal();
    // No vault yet: the first step has not run.
    let e = apply(&mut LocalChain { env: &mut env }, &authority, &plan, oracles, now)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("does not exist: run init-vault without --apply first"),
        "{e}"
    );
    assert!(env.take_journal().is_empty(), "nothing sent");

    // Created and queued: before the timelock, refused with the seconds left.
    let ixs: Vec<_> = std::iter::once(plan.instruction.clone())
        .chain(plan.governance.clone())
        .collect();
    for ix in ixs {
        let out = sender::send(
            &mut LocalChain { env: &mut env },
            &authority,
            &[],
            std::slice::from_ref(&ix),
            &SendPolicy::default(),
        )
        .await;
        assert!(matches!(out, Outcome::Landed { .. }), "{out:?}");
    }
    env.take_journal();
    let now = env.now().await;
    let timelock = i64::from(plan.params.timelock_secs);
    let e = apply(&mut LocalChain { env: &mut env }, &authority, &plan, oracles, now)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("the timelock has") && e.contains("s to go"), "{e}");
    let left: i64 = e
        .split("the timelock has ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(
        left > 0 && left <= timelock,
        "{left} s left of a {timelock} s timelock"
    );
    assert!(env.take_journal().is_empty(), "nothing sent");
    let v: hedge_vault::state::Vault = env.anchor_account(&plan.vault).await;
    assert_eq!(v.params.venue_count, 0, "still not applied");
}

#[test]
fn a_drift_venue_names_drifts_program_and_the_vaults_user() {
    let mint = anchor_lang::prelude::Pubkey::new_unique().to_string();
    let auth = anchor_lang::prelude::Pubkey::new_unique();
    let market = anchor_lang::prelude::Pubkey::new_unique();
    let text = example(&mint, Some(&market.to_string()));
    // The reference venue by default.
    let file: VaultFile = toml::from_str(&text).unwrap();
    let plan = file.plan(auth, 0).unwrap();
    assert_eq!(
        plan.params.venues[0].kind,
        hedge_vault::state::VenueKind::LocalPerp
    );
    assert_eq!(plan.params.venues[0].program_id, perp_venue::ID);
    // `kind = "drift"`: Drift's program, and the vault PDA's User (sub-account 0).
    let drift = text.replace("[[venues]]\n", "[[venues]]\nkind = \"drift\"\n");
    let file: VaultFile = toml::from_str(&drift).unwrap();
    let plan = file.plan(auth, 0).unwrap();
    let v = plan.params.venues[0];
    assert_eq!(
        (v.kind, v.program_id, v.market),
        (
            hedge_vault::state::VenueKind::DriftV2,
            hedge_drift::PROGRAM_ID,
            market
        )
    );
    assert_eq!(v.margin_account, hedge_drift::pda::user(&plan.vault, 0));
    // `kind = "phoenix"`: Phoenix's program, and the vault PDA's trader account (index 0,
    // sub-account 0), derived here from Phoenix's published seeds.
    let phoenix = text.replace("[[venues]]\n", "[[venues]]\nkind = \"phoenix\"\n");
    let file: VaultFile = toml::from_str(&phoenix).unwrap();
    let plan = file.plan(auth, 0).unwrap();
    let v = plan.params.venues[0];
    let program = anchor_lang::prelude::Pubkey::new_from_array(hedge_phoenix::PROGRAM_ID);
    assert_eq!(
        (v.kind, v.program_id, v.market),
        (hedge_vault::state::VenueKind::PhoenixRise, program, market)
    );
    let trader = anchor_lang::prelude::Pubkey::find_program_address(
        &[b"trader", plan.vault.as_ref(), &[0, 0]],
        &program,
    )
    .0;
    assert_eq!(v.margin_account, trader);
    // Anything else is refused by name.
    let bad = text.replace("[[venues]]\n", "[[venues]]\nkind = \"mango\"\n");
    let file: VaultFile = toml::from_str(&bad).unwrap();
    let e = file.plan(auth, 0).unwrap_err().to_string();
    assert!(e.contains("venues[0].kind") && e.contains("mango"), "{e}");
}
