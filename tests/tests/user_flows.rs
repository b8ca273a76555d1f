//! Deposits, withdrawals, fees: happy paths and every failure of the user instructions.
use anchor_spl::token_2022::spl_token_2022;
use hedge_localnet::{assert_vault_err, events, fixture::Fixture};
use hedge_vault::error::VaultError;
use hedge_vault::events::{Deposited, FeesClaimed, WithdrawCancelled, WithdrawCompleted, WithdrawRequested};
use hedge_vault::state::{pause, Vault};
use solana_signer::Signer;

const SOL: u64 = 1_000_000_000;

#[tokio::test]
async fn deposit_mints_one_to_one_then_at_nav() {
    let mut fx = Fixture::new().await;
    let a = fx.user(10 * SOL).await;
    let b = fx.user(10 * SOL).await;
    let ev: Deposited = events::one(&fx.deposit(&a, 4 * SOL).await.unwrap());
    assert_eq!(
        (ev.assets, ev.shares, ev.total_assets, ev.total_shares),
        (4 * SOL, 4 * SOL, 4 * SOL, 4 * SOL)
    );
    fx.deposit(&b, 2 * SOL).await.unwrap();
    assert_eq!(fx.env.balance(&b.shares).await, 2 * SOL);
    assert_eq!(fx.env.balance(&a.collateral).await, 6 * SOL);
    assert_eq!(fx.env.balance(&fx.pdas.collateral_vault).await, 6 * SOL);
    let v: Vault = fx.vault().await;
    assert_eq!(v.total_collateral, 6 * SOL);
    assert_eq!(fx.env.supply(&fx.pdas.share_mint).await, 6 * SOL);
}

#[tokio::test]
async fn deposit_failures() {
    let mut fx = Fixture::new().await;
    let u = fx.user(10 * SOL).await;
    assert_vault_err(&fx.deposit(&u, 0).await, VaultError::ZeroAmount);

    // min_shares_out above what the deposit mints.
    let ix = fx.deposit_ix(&u, SOL, SOL + 1);
    assert_vault_err(&fx.send(&[ix], &[&u.kp]).await, VaultError::SlippageExceeded);

    let mut p = fx.default_params();
    p.limits.min_deposit = SOL;
    p.limits.deposit_cap = 3 * SOL;
    fx.govern(p).await;
    assert_vault_err(&fx.deposit(&u, SOL - 1).await, VaultError::DepositTooSmall);
    fx.deposit(&u, 2 * SOL).await.unwrap();
    assert_vault_err(&fx.deposit(&u, SOL + 1).await, VaultError::DepositCapExceeded);
    fx.deposit(&u, SOL).await.unwrap();

    // Guardian pauses deposits; then withdraw-only mode.
    let g = fx.guardian.insecure_clone();
    fx.send(&[fx.set_pause_ix(&g.pubkey(), pause::DEPOSIT, false)], &[&g])
        .await
        .unwrap();
    assert_vault_err(&fx.deposit(&u, SOL).await, VaultError::InstructionPaused);
    let a = fx.authority.insecure_clone();
    fx.send(&[fx.set_pause_ix(&a.pubkey(), 0, true)], &[&a])
        .await
        .unwrap();
    assert_vault_err(&fx.deposit(&u, SOL).await, VaultError::WithdrawOnly);
    // Nothing was lost along the way.
    assert_eq!(fx.env.balance(&u.collateral).await, 7 * SOL);
    assert_eq!(fx.env.balance(&u.shares).await, 3 * SOL);
}

#[tokio::test]
async fn withdraw_request_complete_pays_value_at_request() {
    let mut fx = Fixture::new().await;
    let u = fx.user(10 * SOL).await;
    fx.deposit(&u, 5 * SOL).await.unwrap();
    let ev: WithdrawRequested = events::one(&fx.request(&u, 2 * SOL).await.unwrap());
    assert_eq!(ev.assets_at_request, 2 * SOL);
    assert_eq!(fx.env.balance(&fx.pdas.share_escrow).await, 2 * SOL);
    assert_eq!(fx.env.balance(&u.shares).await, 3 * SOL);

    // Too early.
    assert_vault_err(&fx.complete(&u).await, VaultError::WithdrawalNotReady);
    // A second open request is refused (the PDA exists).
    assert!(fx.request(&u, SOL).await.is_err());

    fx.advance(3_600).await;
    let ev: WithdrawCompleted = events::one(&fx.complete(&u).await.unwrap());
    assert_eq!((ev.shares, ev.assets), (2 * SOL, 2 * SOL));
    assert_eq!(fx.env.balance(&u.collateral).await, 7 * SOL);
    assert_eq!(fx.env.balance(&fx.pdas.share_escrow).await, 0);
    assert_eq!(fx.env.supply(&fx.pdas.share_mint).await, 3 * SOL);
    assert!(
        fx.env.account(&fx.request_pda(&u.kp.pubkey())).await.is_none(),
        "request closed"
    );
    let v: Vault = fx.vault().await;
    assert_eq!((v.total_collateral, v.escrowed_shares), (3 * SOL, 0));
}

#[tokio::test]
async fn withdraw_pays_the_lower_of_request_and_completion_value() {
    let mut fx = Fixture::new().await;
    let u = fx.user(10 * SOL).await;
    fx.deposit(&u, 10 * SOL).await.unwrap();
    fx.request(&u, 10 * SOL).await.unwrap();
    // A 5 % management fee over the delay lowers the value per share.
    let mut p = fx.default_params();
    p.fees.management_fee_bps = 500;
    // Governance must wait out the timelock; the request waits too.
    fx.govern(p).await;
    fx.advance(30 * 86_400).await;
    let before = fx.env.balance(&u.collateral).await;
    let ev: WithdrawCompleted = events::one(&fx.complete(&u).await.unwrap());
    assert!(
        ev.assets < 10 * SOL,
        "fees since the request reduce the payout: {}",
        ev.assets
    );
    assert_eq!(fx.env.balance(&u.collateral).await - before, ev.assets);
    // What the user did not receive stays in the vault, backing the fee shares.
    let v: Vault = fx.vault().await;
    assert_eq!(v.total_collateral, 10 * SOL - ev.assets);
    assert!(v.accrued_fee_shares > 0);
}

#[tokio::test]
async fn cancel_returns_escrowed_shares_even_when_paused() {
    let mut fx = Fixture::new().await;
    let u = fx.user(10 * SOL).await;
    fx.deposit(&u, 3 * SOL).await.unwrap();
    fx.request(&u, SOL).await.unwrap();
    let g = fx.guardian.insecure_clone();
    fx.send(&[fx.set_pause_ix(&g.pubkey(), pause::ALL, true)], &[&g])
        .await
        .unwrap();
    let ev: WithdrawCancelled = events::one(&fx.cancel(&u).await.unwrap());
    assert_eq!(ev.shares, SOL);
    assert_eq!(fx.env.balance(&u.shares).await, 3 * SOL);
    assert_eq!(fx.vault().await.escrowed_shares, 0);
    // The request is gone; cancelling again fails.
    assert!(fx.cancel(&u).await.is_err());
}

#[tokio::test]
async fn withdraw_failures() {
    let mut fx = Fixture::new().await;
    let u = fx.user(10 * SOL).await;
    fx.deposit(&u, 3 * SOL).await.unwrap();
    assert_vault_err(&fx.request(&u, 0).await, VaultError::ZeroAmount);
    let g = fx.guardian.insecure_clone();
    fx.send(
        &[fx.set_pause_ix(&g.pubkey(), pause::REQUEST_WITHDRAW, false)],
        &[&g],
    )
    .await
    .unwrap();
    assert_vault_err(&fx.request(&u, SOL).await, VaultError::InstructionPaused);
    let a = fx.authority.insecure_clone();
    fx.send(
        &[fx.set_pause_ix(&a.pubkey(), pause::COMPLETE_WITHDRAW, false)],
        &[&a],
    )
    .await
    .unwrap();
    fx.request(&u, SOL).await.unwrap();
    fx.advance(3_600).await;
    assert_vault_err(&fx.complete(&u).await, VaultError::InstructionPaused);
    fx.send(&[fx.set_pause_ix(&a.pubkey(), 0, false)], &[&a])
        .await
        .unwrap();
    fx.complete(&u).await.unwrap();
    // Requesting more shares than held fails in the token program; nothing moves.
    assert!(fx.request(&u, 5 * SOL).await.is_err());
    assert_eq!(fx.env.balance(&u.shares).await, 2 * SOL);
}

#[tokio::test]
async fn redemption_worth_zero_is_refused() {
    let mut fx = Fixture::new().await;
    let whale = fx.user(1_000 * SOL).await;
    let small = fx.user(10).await;
    fx.deposit(&whale, 1_000 * SOL).await.unwrap();
    fx.deposit(&small, 1).await.unwrap();
    // A year of 5 % management fee takes a share's value to 0.95: one share rounds to 0.
    let mut p = fx.default_params();
    p.fees.management_fee_bps = 500;
    fx.govern(p).await;
    fx.advance(31_536_000).await;
    assert_vault_err(&fx.request(&small, 1).await, VaultError::ZeroAssetsOut);
    assert_eq!(
        fx.env.balance(&small.shares).await,
        1,
        "shares stay with the user"
    );
}

#[tokio::test]
async fn fees_accrue_as_shares_and_are_claimed_to_the_recipient() {
    let mut fx = Fixture::new().await;
    let mut p = fx.default_params();
    p.fees.management_fee_bps = 200;
    fx.govern(p).await;
    let u = fx.user(100 * SOL).await;
    fx.deposit(&u, 100 * SOL).await.unwrap();
    let recipient = fx.fee_recipient.pubkey();
    let tp = fx.token_program;
    let share_mint = fx.pdas.share_mint;
    let rs = fx.env.create_token_account(&share_mint, &recipient, 0, &tp);
    fx.advance(31_536_000).await;
    let ev: FeesClaimed = events::one(&fx.send(&[fx.claim_fees_ix(rs)], &[]).await.unwrap());
    assert_eq!(fx.env.balance(&rs).await, ev.shares);
    // 2 % of 100 SOL is 2 SOL; the fee shares are worth that (within rounding).
    let supply = fx.env.supply(&share_mint).await;
    let worth = u128::from(ev.shares) * u128::from(100 * SOL + 1_000) / u128::from(supply + 1_000);
    assert!(
        (worth as i128 - 2 * SOL as i128).abs() <= 2,
        "fee shares worth {worth}"
    );
    assert_eq!(fx.vault().await.accrued_fee_shares, 0);
    // Nothing left to claim.
    assert_vault_err(
        &fx.send(&[fx.claim_fees_ix(rs)], &[]).await,
        VaultError::ZeroAmount,
    );
    // Someone else's share account is refused.
    let other = fx.env.create_token_account(&share_mint, &u.kp.pubkey(), 0, &tp);
    fx.advance(86_400).await;
    assert!(fx.send(&[fx.claim_fees_ix(other)], &[]).await.is_err());
    let g = fx.guardian.insecure_clone();
    fx.send(&[fx.set_pause_ix(&g.pubkey(), pause::CLAIM_FEES, false)], &[&g])
        .await
        .unwrap();
    assert_vault_err(
        &fx.send(&[fx.claim_fees_ix(rs)], &[]).await,
        VaultError::InstructionPaused,
    );
}

#[tokio::test]
async fn donation_does_not_move_the_share_price() {
    // First-depositor inflation attack: deposit 1 unit, donate a lot to the vault's
    // token account, hope the next depositor's shares round to nothing.
    let mut fx = Fixture::new().await;
    let attacker = fx.user(1_000 * SOL).await;
    let victim = fx.user(10 * SOL).await;
    fx.deposit(&attacker, 1).await.unwrap();
    let (mint, auth, tp, cv) = (
        fx.collateral_mint,
        fx.mint_authority.insecure_clone(),
        fx.token_program,
        fx.pdas.collateral_vault,
    );
    fx.env.mint_to(&mint, &cv, &auth, 500 * SOL, &tp).await;
    let ev: Deposited = events::one(&fx.deposit(&victim, 10 * SOL).await.unwrap());
    assert_eq!(ev.shares, 10 * SOL, "victim gets full shares");
    // Victim withdraws everything: loses at most rounding dust.
    fx.request(&victim, 10 * SOL).await.unwrap();
    fx.advance(3_600).await;
    let done: WithdrawCompleted = events::one(&fx.complete(&victim).await.unwrap());
    assert!(
        10 * SOL - done.assets <= 1,
        "victim lost {}",
        10 * SOL - done.assets
    );
    // The attacker's 1 unit is still worth 1 unit; the donation is stranded, not stolen.
    fx.request(&attacker, 1).await.unwrap();
    fx.advance(3_600).await;
    let a: WithdrawCompleted = events::one(&fx.complete(&attacker).await.unwrap());
    assert_eq!(a.assets, 1);
}

#[tokio::test]
async fn token_2022_collateral_works_end_to_end() {
    let mut fx = Fixture::with_token_program(spl_token_2022::ID).await;
    let u = fx.user(5 * SOL).await;
    fx.deposit(&u, 5 * SOL).await.unwrap();
    assert_eq!(fx.env.balance(&u.shares).await, 5 * SOL);
    fx.request(&u, 5 * SOL).await.unwrap();
    fx.advance(3_600).await;
    fx.complete(&u).await.unwrap();
    assert_eq!(fx.env.balance(&u.collateral).await, 5 * SOL);
}
