//! One test per sealevel attack class.
use anchor_lang::error::ErrorCode as Anchor;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::AccountMeta;
use anchor_spl::token::spl_token;
use anchor_spl::token_2022::spl_token_2022;
use hedge_localnet::fixture::{Fixture, VaultPdas};
use hedge_localnet::{assert_anchor_err, assert_vault_err, custom_code};
use hedge_vault::constants::VAULT_SEED;
use hedge_vault::error::VaultError;
use solana_signer::Signer;

const SOL: u64 = 1_000_000_000;

#[tokio::test]
async fn missing_signer() {
    let mut fx = Fixture::new().await;
    let u = fx.user(10 * SOL).await;
    let mut ix = fx.deposit_ix(&u, SOL, 0);
    ix.accounts[0].is_signer = false;
    assert_anchor_err(&fx.send(&[ix], &[]).await, Anchor::AccountNotSigner);
    // Governance likewise: the authority's key without its signature.
    let mut ix = fx.extend_timelock_ix(&fx.authority.pubkey(), 7_200);
    ix.accounts[0].is_signer = false;
    assert_anchor_err(&fx.send(&[ix], &[]).await, Anchor::AccountNotSigner);
    assert_eq!(fx.env.balance(&u.collateral).await, 10 * SOL);
}

#[tokio::test]
async fn wrong_owner() {
    let mut fx = Fixture::new().await;
    // A byte-identical copy of the vault, owned by another program.
    let data = fx.env.account(&fx.pdas.vault).await.unwrap().data;
    let fake = Pubkey::new_unique();
    fx.env.set_account(&fake, &Pubkey::new_unique(), data);
    let mut ix = fx.check_delta_ix();
    ix.accounts[0].pubkey = fake;
    assert_anchor_err(&fx.send(&[ix], &[]).await, Anchor::AccountOwnedByWrongProgram);
}

#[tokio::test]
async fn type_cosplay() {
    let mut fx = Fixture::new().await;
    // A WithdrawRequest (owned by the vault program) passed where a Vault is expected.
    let u = fx.user(10 * SOL).await;
    fx.deposit(&u, 5 * SOL).await.unwrap();
    fx.request(&u, SOL).await.unwrap();
    let mut ix = fx.check_delta_ix();
    ix.accounts[0].pubkey = fx.request_pda(&u.kp.pubkey());
    assert_anchor_err(&fx.send(&[ix], &[]).await, Anchor::AccountDiscriminatorMismatch);
    // And a Vault where a PendingParams is expected: its seeds differ, so the PDA check fires first.
    let mut ix = fx.apply_ix(&fx.authority.pubkey());
    ix.accounts[3].pubkey = fx.pdas.vault;
    let a = fx.authority.insecure_clone();
    let res = fx.send(&[ix], &[&a]).await;
    assert!(
        matches!(custom_code(&res), Some(c) if c == u32::from(Anchor::AccountDiscriminatorMismatch) || c == u32::from(Anchor::ConstraintSeeds)),
        "{res:?}"
    );
}

#[tokio::test]
async fn reinitialisation() {
    let mut fx = Fixture::new().await;
    let u = fx.user(10 * SOL).await;
    fx.deposit(&u, 5 * SOL).await.unwrap();
    let before = fx.env.account(&fx.pdas.vault).await.unwrap().data;
    // The authority (or anyone) tries to initialise the same vault again.
    let mut args = fx.init_args();
    args.params.fees.management_fee_bps = 500;
    let ix = fx.init_ix(args);
    let a = fx.authority.insecure_clone();
    let res = fx.send(&[ix], &[&a]).await;
    assert!(res.is_err(), "re-init must fail: {res:?}");
    assert_eq!(
        fx.env.account(&fx.pdas.vault).await.unwrap().data,
        before,
        "state untouched"
    );
}

#[tokio::test]
async fn arbitrary_cpi_target() {
    let mut fx = Fixture::new().await;
    let u = fx.user(10 * SOL).await;
    // A program that is not a token program.
    let mut ix = fx.deposit_ix(&u, SOL, 0);
    let tp = ix.accounts.len() - 1;
    ix.accounts[tp].pubkey = hedge_vault::ID;
    assert_anchor_err(&fx.send(&[ix], &[&u.kp]).await, Anchor::InvalidProgramId);
    // A real token program, but not the vault's.
    let mut ix = fx.deposit_ix(&u, SOL, 0);
    ix.accounts[tp].pubkey = spl_token_2022::ID;
    let res = fx.send(&[ix], &[&u.kp]).await;
    assert!(res.is_err(), "{res:?}");
    assert_eq!(fx.env.balance(&u.collateral).await, 10 * SOL);
}

#[tokio::test]
async fn duplicate_mutable_accounts() {
    let mut fx = Fixture::new().await;
    let u = fx.user(10 * SOL).await;
    fx.deposit(&u, 5 * SOL).await.unwrap();
    fx.request(&u, SOL).await.unwrap();
    fx.advance(3_600).await;
    // Pay out into the vault's own collateral account.
    let mut ix = fx.complete_ix(&u);
    let i = ix.accounts.iter().position(|m| m.pubkey == u.collateral).unwrap();
    ix.accounts[i].pubkey = fx.pdas.collateral_vault;
    // Anchor rejects the same writable account in two mutable slots before any handler runs.
    assert_anchor_err(
        &fx.send(&[ix], &[&u.kp]).await,
        Anchor::ConstraintDuplicateMutableAccount,
    );
    // Return escrowed shares into the escrow itself.
    let mut cancel = hedge_localnet::vault_ix(
        fx.cancel_accounts(&u),
        hedge_vault::instruction::CancelWithdraw {},
    );
    let i = cancel.accounts.iter().position(|m| m.pubkey == u.shares).unwrap();
    cancel.accounts[i].pubkey = fx.pdas.share_escrow;
    assert_anchor_err(
        &fx.send(&[cancel], &[&u.kp]).await,
        Anchor::ConstraintDuplicateMutableAccount,
    );
    assert_eq!(fx.env.balance(&fx.pdas.collateral_vault).await, 5 * SOL);
}

#[tokio::test]
async fn non_canonical_bump() {
    let mut fx = Fixture::bare(spl_token::ID).await;
    let id = fx.vault_id.to_le_bytes();
    let creator = fx.authority.pubkey();
    let seeds: [&[u8]; 4] = [VAULT_SEED, fx.collateral_mint.as_ref(), creator.as_ref(), &id];
    let (_, canonical) = Pubkey::find_program_address(&seeds, &hedge_vault::ID);
    let other = (0..canonical)
        .rev()
        .find_map(|b| {
            Pubkey::create_program_address(&[seeds[0], seeds[1], seeds[2], seeds[3], &[b]], &hedge_vault::ID)
                .ok()
        })
        .expect("a non-canonical bump exists");
    let mut ix = fx.init_ix(fx.init_args());
    ix.accounts[1].pubkey = other;
    let a = fx.authority.insecure_clone();
    assert_anchor_err(&fx.send(&[ix], &[&a]).await, Anchor::ConstraintSeeds);
    // The canonical one works and its bump is stored.
    fx.send(&[fx.init_ix(fx.init_args())], &[&a]).await.unwrap();
    assert_eq!(fx.vault().await.bump, canonical);
}

#[tokio::test]
async fn pda_sharing_between_vaults() {
    // Two vaults on the same collateral mint must not be able to use each other's accounts.
    let mut fx = Fixture::new().await;
    let u = fx.user(20 * SOL).await;
    fx.deposit(&u, 10 * SOL).await.unwrap();
    let first = fx.pdas;
    let mut second = fx.init_args();
    second.vault_id = 2;
    fx.vault_id = 2;
    fx.pdas = VaultPdas::derive(&fx.collateral_mint, &fx.authority.pubkey(), 2);
    let a = fx.authority.insecure_clone();
    fx.send(&[fx.init_ix(second)], &[&a]).await.unwrap();
    let u2_shares = fx
        .env
        .create_token_account(&fx.pdas.share_mint, &u.kp.pubkey(), 0, &spl_token::ID);
    let u2 = hedge_localnet::fixture::User {
        kp: u.kp.insecure_clone(),
        collateral: u.collateral,
        shares: u2_shares,
    };
    fx.deposit(&u2, SOL).await.unwrap();
    fx.request(&u2, SOL).await.unwrap();
    fx.advance(3_600).await;
    // Complete on vault 2 but drain vault 1's collateral account.
    let mut ix = fx.complete_ix(&u2);
    let i = ix
        .accounts
        .iter()
        .position(|m| m.pubkey == fx.pdas.collateral_vault)
        .unwrap();
    ix.accounts[i].pubkey = first.collateral_vault;
    assert_anchor_err(&fx.send(&[ix], &[&u.kp]).await, Anchor::ConstraintHasOne);
    // Vault 1's share mint with vault 2.
    let mut ix = fx.deposit_ix(&u2, SOL, 0);
    let i = ix
        .accounts
        .iter()
        .position(|m| m.pubkey == fx.pdas.share_mint)
        .unwrap();
    ix.accounts[i].pubkey = first.share_mint;
    assert_anchor_err(&fx.send(&[ix], &[&u.kp]).await, Anchor::ConstraintHasOne);
    assert_eq!(fx.env.balance(&first.collateral_vault).await, 10 * SOL);
}

#[tokio::test]
async fn closing_and_revival() {
    let mut fx = Fixture::new().await;
    let u = fx.user(10 * SOL).await;
    fx.deposit(&u, 5 * SOL).await.unwrap();
    fx.request(&u, SOL).await.unwrap();
    fx.advance(3_600).await;
    let request = fx.request_pda(&u.kp.pubkey());
    // Complete, refund the closed account's rent in the same transaction, complete again.
    let revive =
        anchor_lang::solana_program::system_instruction::transfer(&u.kp.pubkey(), &request, 10_000_000);
    let res = fx
        .send(&[fx.complete_ix(&u), revive, fx.complete_ix(&u)], &[&u.kp])
        .await;
    assert!(
        matches!(
            custom_code(&res),
            Some(c) if c == u32::from(Anchor::AccountOwnedByWrongProgram) || c == u32::from(Anchor::AccountNotInitialized)
        ),
        "{res:?}"
    );
    assert_eq!(
        fx.env.balance(&u.collateral).await,
        5 * SOL,
        "nothing paid twice (whole tx reverted)"
    );
    // Close for real, then revive with lamports in a later transaction.
    fx.complete(&u).await.unwrap();
    let revive =
        anchor_lang::solana_program::system_instruction::transfer(&u.kp.pubkey(), &request, 10_000_000);
    fx.send(&[revive], &[&u.kp]).await.unwrap();
    // The revived account belongs to the system program, not the vault program.
    let res = fx.complete(&u).await;
    assert_anchor_err(&res, Anchor::AccountOwnedByWrongProgram);
    assert_eq!(fx.env.balance(&u.collateral).await, 6 * SOL);
}

#[tokio::test]
async fn sysvar_spoofing() {
    // The program reads time only through the Clock syscall and takes no sysvar
    // accounts. A forged clock (far in the future) passed along cannot unlock a
    // withdrawal early, and one passed where an oracle goes is rejected by owner.
    let mut fx = Fixture::new().await;
    let u = fx.user(10 * SOL).await;
    fx.deposit(&u, 5 * SOL).await.unwrap();
    fx.request(&u, SOL).await.unwrap();
    let forged = Pubkey::new_unique();
    let clock = solana_clock::Clock {
        unix_timestamp: i64::MAX / 2,
        ..Default::default()
    };
    let data = bincode_clock(&clock);
    fx.env.set_account(
        &forged,
        &"Sysvar1111111111111111111111111111111111111"
            .parse::<Pubkey>()
            .unwrap(),
        data,
    );
    let mut ix = fx.complete_ix(&u);
    ix.accounts.push(AccountMeta::new_readonly(forged, false));
    ix.accounts
        .push(AccountMeta::new_readonly(solana_sysvar_v3::clock::ID, false));
    assert_vault_err(&fx.send(&[ix], &[&u.kp]).await, VaultError::WithdrawalNotReady);
    assert_vault_err(
        &fx.send(&[fx.check_delta_ix_with(forged, None)], &[]).await,
        VaultError::OracleWrongOwner,
    );
    // No vault instruction lists a sysvar among its accounts.
    for metas in [
        fx.complete_ix(&u).accounts,
        fx.deposit_ix(&u, 1, 0).accounts,
        fx.request_ix(&u, 1).accounts,
        fx.check_delta_ix().accounts,
        fx.init_ix(fx.init_args()).accounts,
    ] {
        assert!(metas.iter().all(|m| !SYSVARS.contains(&m.pubkey)));
    }
}

const SYSVARS: [Pubkey; 4] = [
    solana_sysvar_v3::clock::ID,
    solana_sysvar_v3::rent::ID,
    solana_sysvar_v3::epoch_schedule::ID,
    solana_sysvar_v3::slot_hashes::ID,
];

fn bincode_clock(c: &solana_clock::Clock) -> Vec<u8> {
    let mut v = Vec::with_capacity(40);
    v.extend_from_slice(&c.slot.to_le_bytes());
    v.extend_from_slice(&c.epoch_start_timestamp.to_le_bytes());
    v.extend_from_slice(&c.epoch.to_le_bytes());
    v.extend_from_slice(&c.leader_schedule_epoch.to_le_bytes());
    v.extend_from_slice(&c.unix_timestamp.to_le_bytes());
    v
}
