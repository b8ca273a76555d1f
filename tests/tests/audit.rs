//! The security audit's findings (issue "Security audit findings"), one test per finding,
//! named `f<N>_…` after the finding's number (`r_…` for those found by reading). Each fails
//! on the code before its fix. docs/security.md maps each to its fix.
use anchor_lang::error::ErrorCode as Anchor;
use anchor_lang::prelude::Pubkey;
use anchor_spl::token::spl_token;
use anchor_spl::token_2022::spl_token_2022;
use hedge_localnet::assert_anchor_err;
use hedge_localnet::fixture::VaultPdas;
use hedge_localnet::fixture::{Fixture, User};
use hedge_localnet::pyth::{set_pull_price, Quote};
use hedge_localnet::venue::VenueMarket;
use hedge_localnet::{assert_vault_err, custom_code, events};
use hedge_math::Fix;
use hedge_vault::error::VaultError;
use hedge_vault::events::{FeesClaimed, WithdrawCompleted};
use hedge_vault::state::{pause, Vault};
use perp_venue::error::VenueError;
use solana_program_option::COption;
use solana_program_pack::Pack;
use solana_signer::Signer;
use spl_pod::optional_keys::OptionalNonZeroPubkey;
use spl_token_2022::extension::default_account_state::DefaultAccountState;
use spl_token_2022::extension::metadata_pointer::MetadataPointer;
use spl_token_2022::extension::non_transferable::NonTransferable;
use spl_token_2022::extension::pausable::PausableConfig;
use spl_token_2022::extension::permanent_delegate::PermanentDelegate;
use spl_token_2022::extension::transfer_fee::TransferFeeConfig;
use spl_token_2022::extension::transfer_hook::TransferHook;
use spl_token_2022::extension::{BaseStateWithExtensionsMut, ExtensionType, StateWithExtensionsMut};

const SOL: u64 = 1_000_000_000;

async fn funded(fx: &mut Fixture, amount: u64) -> User {
    let u = fx.user(amount).await;
    fx.deposit(&u, amount).await.unwrap();
    u
}

/// A neutral vault with one venue and 100 SOL deposited.
async fn hedged() -> (Fixture, VenueMarket, User) {
    let mut fx = Fixture::new().await;
    let m = fx.create_market(0, 10_000 * SOL).await;
    let p = fx.params_with_venues(&[m], 1_000 * SOL);
    fx.govern(p).await;
    let u = fx.user(200 * SOL).await;
    let ixs = [fx.refresh_nav_ix(&[m]), fx.deposit_ix(&u, 100 * SOL, 0)];
    fx.send(&ixs, &[&u.kp]).await.unwrap();
    (fx, m, u)
}

#[tokio::test]
async fn f1_a_share_sent_to_the_escrow_freezes_nothing() {
    let mut fx = Fixture::new().await;
    let u = fx.user(20 * SOL).await;
    fx.deposit(&u, 10 * SOL).await.unwrap();
    let other = funded(&mut fx, 10 * SOL).await;
    assert_eq!(fx.env.balance(&other.shares).await, 10 * SOL);
    // An outsider sends one share base unit to the escrow.
    let ix = spl_token::instruction::transfer_checked(
        &spl_token::ID,
        &other.shares,
        &fx.pdas.share_mint,
        &fx.pdas.share_escrow,
        &other.kp.pubkey(),
        &[],
        1,
        fx.decimals,
    )
    .unwrap();
    fx.send(&[ix], &[&other.kp]).await.unwrap();
    // Every user instruction still works, and the donation is not anybody's value.
    fx.deposit(&u, SOL).await.unwrap();
    fx.request(&u, SOL).await.unwrap();
    fx.cancel(&u).await.unwrap();
    fx.request(&u, SOL).await.unwrap();
    fx.advance(3_600).await;
    let done: WithdrawCompleted = events::one(&fx.complete(&u).await.unwrap());
    assert!(done.assets >= SOL - 1);
    assert_eq!(fx.vault().await.escrowed_shares, 0);
    assert_eq!(fx.env.balance(&fx.pdas.share_escrow).await, 1);
}

#[tokio::test]
async fn f2_an_older_or_future_oracle_update_is_refused() {
    let (mut fx, m, _u) = hedged().await;
    let now = fx.env.now().await;
    fx.set_quote(Quote::usd(150.0, now));
    fx.send(&[fx.refresh_nav_ix(&[m])], &[]).await.unwrap();
    // A valid (fresh enough) but older update than the one the vault has used.
    fx.env.advance(1).await;
    fx.set_quote(Quote::usd(153.0, now - 10));
    assert_vault_err(
        &fx.send(&[fx.refresh_nav_ix(&[m])], &[]).await,
        VaultError::OracleOlderThanSeen,
    );
    // A publish time in the future.
    let now = fx.env.now().await;
    fx.set_quote(Quote::usd(150.0, now + 30));
    assert_vault_err(
        &fx.send(&[fx.refresh_nav_ix(&[m])], &[]).await,
        VaultError::OraclePublishTimeInFuture,
    );
}

#[tokio::test]
async fn f4_a_venue_holding_margin_cannot_be_removed() {
    let (mut fx, m, _u) = hedged().await;
    fx.send(&[fx.rebalance_margin_ix(&m, 0)], &[]).await.unwrap();
    let mut p = fx.vault().await.params;
    p.venue_count = 0;
    p.venues = Default::default();
    fx.queue(p).await.unwrap();
    fx.advance(3_600).await;
    assert_vault_err(&fx.apply().await, VaultError::VenueHasMargin);
}

#[tokio::test]
async fn f5_rebalance_margin_has_a_pause_bit_and_respects_withdraw_only() {
    let (mut fx, m, _u) = hedged().await;
    let g = fx.guardian.insecure_clone();
    fx.send(&[fx.set_pause_ix(&g.pubkey(), pause::MARGIN, false)], &[&g])
        .await
        .unwrap();
    assert_vault_err(
        &fx.send(&[fx.rebalance_margin_ix(&m, 0)], &[]).await,
        VaultError::InstructionPaused,
    );
    // Withdraw-only: the breach would open a hedge, which withdraw-only forbids, so no
    // margin is moved for it (it was, and then stood between depositors and their exit).
    let a = fx.authority.insecure_clone();
    fx.send(&[fx.set_pause_ix(&a.pubkey(), 0, true)], &[&a])
        .await
        .unwrap();
    let ev: hedge_vault::events::DeltaChecked =
        events::one(&fx.send(&[fx.check_delta_ix()], &[]).await.unwrap());
    assert!(ev.breached);
    assert_vault_err(
        &fx.send(&[fx.rebalance_margin_ix(&m, 0)], &[]).await,
        VaultError::MarginWithinBounds,
    );
    assert_eq!(fx.vault().await.total_collateral, 100 * SOL);
}

#[tokio::test]
async fn f6_performance_fee_at_600m_tokens_does_not_overflow() {
    let mut fx = Fixture::new().await;
    let mut p = fx.default_params();
    p.fees.performance_fee_bps = 3_000;
    p.limits = hedge_vault::state::DepositLimits::new(u64::MAX, 1, 3_600);
    fx.govern(p).await;
    let whale = fx.user(600_000_000 * SOL).await;
    let ixs = [
        fx.refresh_nav_ix(&[]),
        fx.deposit_ix(&whale, 600_000_000 * SOL, 0),
    ];
    fx.send(&ixs, &[&whale.kp]).await.unwrap();
    fx.set_price(166.5).await; // +11 %
    fx.advance(86_400).await;
    let tp = fx.token_program;
    let (mint, recipient) = (fx.pdas.share_mint, fx.fee_recipient.pubkey());
    let rs = fx.env.create_token_account(&mint, &recipient, 0, &tp);
    let ixs = [fx.refresh_nav_ix(&[]), fx.claim_fees_ix(rs)];
    let ev: FeesClaimed = events::one(&fx.send(&ixs, &[]).await.unwrap());
    assert!(ev.shares > 0);
}

#[tokio::test]
async fn f8_a_queued_change_does_not_undo_a_timelock_extension() {
    let mut fx = Fixture::new().await;
    let a = fx.authority.insecure_clone();
    let mut p = fx.default_params();
    p.risk.delta_band_bps = 300;
    fx.queue(p).await.unwrap();
    fx.send(&[fx.extend_timelock_ix(&a.pubkey(), 30 * 86_400)], &[&a])
        .await
        .unwrap();
    fx.advance(3_600).await;
    // The extension delays the queued change...
    assert_vault_err(&fx.apply().await, VaultError::TimelockNotElapsed);
    fx.advance(30 * 86_400).await;
    fx.apply().await.unwrap();
    // ...and survives it.
    let v = fx.vault().await;
    assert_eq!(
        (v.params.risk.delta_band_bps, v.params.timelock_secs),
        (300, 30 * 86_400)
    );
}

#[tokio::test]
async fn f9_a_fee_increase_is_not_charged_for_the_timelock_before_it() {
    let mut fx = Fixture::new().await;
    let u = fx.user(101 * SOL).await;
    fx.deposit(&u, 100 * SOL).await.unwrap();
    let mut p = fx.default_params();
    p.timelock_secs = 30 * 86_400;
    fx.govern(p).await;
    p.fees.management_fee_bps = 500;
    fx.queue(p).await.unwrap();
    fx.advance(30 * 86_400).await;
    fx.apply().await.unwrap();
    // The next accrual (a deposit right after the change) charges nothing at the new rate
    // for the 30 days before it (at 5 % a year that would be 0.41 SOL of fee shares).
    fx.advance(1).await;
    fx.deposit(&u, SOL).await.unwrap();
    let v = fx.vault().await;
    assert!(v.accrued_fee_shares < 1_000, "{}", v.accrued_fee_shares);
}

#[tokio::test]
async fn f10_the_performance_fee_is_not_crystallised_on_stale_nav() {
    let mut fx = Fixture::new().await;
    let mut p = fx.default_params();
    p.fees.performance_fee_bps = 2_000;
    fx.govern(p).await;
    let u = fx.user(100 * SOL).await;
    let ixs = [fx.refresh_nav_ix(&[]), fx.deposit_ix(&u, 100 * SOL, 0)];
    fx.send(&ixs, &[&u.kp]).await.unwrap();
    fx.advance(86_400).await;
    let tp = fx.token_program;
    let (mint, recipient) = (fx.pdas.share_mint, fx.fee_recipient.pubkey());
    let rs = fx.env.create_token_account(&mint, &recipient, 0, &tp);
    assert_vault_err(&fx.send(&[fx.claim_fees_ix(rs)], &[]).await, VaultError::NavStale);
}

#[tokio::test]
async fn f11_the_last_holder_below_par_exits_in_full() {
    let mut fx = Fixture::new().await;
    let fr = fx.user(0).await;
    let mut p = fx.default_params();
    p.fees.management_fee_bps = 500;
    p.fee_recipient = fr.kp.pubkey();
    fx.govern(p).await;
    let u = funded(&mut fx, 10 * SOL).await;
    fx.advance(31_536_000).await;
    // The fee stops (accrued at the old rate up to the change), the rest is minted.
    p.fees.management_fee_bps = 0;
    fx.govern(p).await;
    fx.send(&[fx.claim_fees_ix(fr.shares)], &[]).await.unwrap();
    assert!(fx.env.balance(&u.shares).await * 1_000 / fx.env.supply(&fx.pdas.share_mint).await < 1_000);
    // The fee recipient leaves first; the depositor, below par, is the last holder.
    let fee_shares = fx.env.balance(&fr.shares).await;
    fx.request(&fr, fee_shares).await.unwrap();
    fx.advance(3_600).await;
    fx.complete(&fr).await.unwrap();
    let shares = fx.env.balance(&u.shares).await;
    fx.request(&u, shares).await.unwrap();
    fx.advance(3_600).await;
    fx.complete(&u).await.unwrap();
    let v: Vault = fx.vault().await;
    assert_eq!(
        (v.total_collateral, fx.env.supply(&fx.pdas.share_mint).await),
        (0, 0),
        "nothing left behind"
    );
}

#[tokio::test]
async fn r_the_rebalance_cooldown_has_a_floor() {
    let mut fx = Fixture::new().await;
    let mut p = fx.default_params();
    p.risk.rebalance_cooldown_secs = 0;
    assert_vault_err(&fx.queue(p).await, VaultError::CooldownTooShort);
}

#[tokio::test]
async fn r_rebalance_books_its_cost_into_nav() {
    let (mut fx, m, _u) = hedged().await;
    fx.send(&[fx.rebalance_margin_ix(&m, 0)], &[]).await.unwrap();
    let (k, kc) = fx.keeper().await;
    fx.rebalance(&k, kc, &m, 0).await.unwrap();
    let booked = fx.vault().await.hedge_equity;
    fx.send(&[fx.refresh_nav_ix(&[m])], &[]).await.unwrap();
    let marked = fx.vault().await.hedge_equity;
    // Rounded in the vault's favour: never above the venue's own mark.
    assert!(booked <= marked && marked - booked <= 1, "{booked} vs {marked}");
}

#[tokio::test]
async fn r_the_venue_admin_cannot_set_an_unbounded_funding_rate() {
    let (mut fx, m, _u) = hedged().await;
    let admin = fx.mint_authority.insecure_clone();
    let ix = fx.set_funding_rate_ix(&m, 10_001);
    let r = fx.send(&[ix], &[&admin]).await;
    assert_eq!(
        custom_code(&r),
        Some(u32::from(VenueError::FundingRateOutOfBounds))
    );
}

#[tokio::test]
async fn r_leftovers_at_zero_supply_belong_to_the_fee_recipient() {
    let mut v: Vault = bytemuck::Zeroable::zeroed();
    v.total_collateral = 5_000;
    v.accrue_fees(100, 0, 1).unwrap();
    assert_eq!(
        v.accrued_fee_shares, 5_000,
        "the next depositor does not get them"
    );
}

#[tokio::test]
async fn r_the_two_programs_have_distinct_error_ranges() {
    let venue: u32 = VenueError::SlippageExceeded.into();
    let vault: u32 = VaultError::NotRequestOwner.into();
    assert!((7_000..8_000).contains(&venue) && (6_000..7_000).contains(&vault));
    // A venue failure reached through the vault reports the venue's code.
    let (mut fx, m, _u) = hedged().await;
    let (k, kc) = fx.keeper().await;
    let r = fx.rebalance(&k, kc, &m, 0).await; // no margin yet: the venue refuses
    assert_eq!(custom_code(&r), Some(u32::from(VenueError::InsufficientMargin)));
    let _ = Fix::ZERO;
}

/// Mint data for a Token-2022 mint with `extensions` initialised by `init` (and a freeze
/// authority when `freeze`).
fn mint_2022(
    authority: &Pubkey,
    freeze: bool,
    extensions: &[ExtensionType],
    init: impl FnOnce(&mut StateWithExtensionsMut<spl_token_2022::state::Mint>),
) -> Vec<u8> {
    let len = ExtensionType::try_calculate_account_len::<spl_token_2022::state::Mint>(extensions).unwrap();
    let mut data = vec![0u8; len];
    let mut state =
        StateWithExtensionsMut::<spl_token_2022::state::Mint>::unpack_uninitialized(&mut data).unwrap();
    init(&mut state);
    state.base = spl_token_2022::state::Mint {
        mint_authority: COption::Some(*authority),
        supply: 0,
        decimals: 9,
        is_initialized: true,
        freeze_authority: if freeze {
            COption::Some(*authority)
        } else {
            COption::None
        },
    };
    state.pack_base();
    state.init_account_type().unwrap();
    data
}

/// Initialising a vault on a Token-2022 mint built by `data`.
async fn init_on_2022_mint(
    data: Vec<u8>,
    trust_freeze_authority: bool,
) -> (Fixture, hedge_localnet::TxResult) {
    let mut fx = Fixture::bare(spl_token_2022::ID).await;
    let mint = fx.collateral_mint;
    fx.env.set_account(&mint, &spl_token_2022::ID, data);
    let mut args = fx.init_args();
    args.trust_freeze_authority = trust_freeze_authority;
    let a = fx.authority.insecure_clone();
    let r = fx.send(&[fx.init_ix(args)], &[&a]).await;
    (fx, r)
}

#[tokio::test]
async fn f7_and_r_collateral_mints_the_vault_cannot_hold_safely_are_refused() {
    let auth = Pubkey::new_unique();
    // Transfer fee (finding 7: margin booked at the nominal amount got trapped).
    let fee = mint_2022(&auth, false, &[ExtensionType::TransferFeeConfig], |s| {
        let c = s.init_extension::<TransferFeeConfig>(true).unwrap();
        c.newer_transfer_fee.transfer_fee_basis_points = 100u16.into();
        c.older_transfer_fee.transfer_fee_basis_points = 100u16.into();
    });
    let hook = mint_2022(&auth, false, &[ExtensionType::TransferHook], |s| {
        s.init_extension::<TransferHook>(true).unwrap().program_id =
            OptionalNonZeroPubkey::try_from(Some(Pubkey::new_unique())).unwrap();
    });
    let delegate = mint_2022(&auth, false, &[ExtensionType::PermanentDelegate], |s| {
        s.init_extension::<PermanentDelegate>(true).unwrap().delegate =
            OptionalNonZeroPubkey::try_from(Some(auth)).unwrap();
    });
    let default_frozen = mint_2022(&auth, true, &[ExtensionType::DefaultAccountState], |s| {
        s.init_extension::<DefaultAccountState>(true).unwrap().state = 2; // frozen
    });
    let pausable = mint_2022(&auth, false, &[ExtensionType::Pausable], |s| {
        s.init_extension::<PausableConfig>(true).unwrap().authority =
            OptionalNonZeroPubkey::try_from(Some(auth)).unwrap();
    });
    let non_transferable = mint_2022(&auth, false, &[ExtensionType::NonTransferable], |s| {
        s.init_extension::<NonTransferable>(true).unwrap();
    });
    for (name, data) in [
        ("transfer fee", fee),
        ("transfer hook", hook),
        ("permanent delegate", delegate),
        ("default account state", default_frozen),
        ("pausable", pausable),
        ("non-transferable", non_transferable),
    ] {
        // Trusting the freeze authority does not let any of these through.
        let (mut fx, r) = init_on_2022_mint(data, true).await;
        assert_eq!(
            custom_code(&r),
            Some(u32::from(VaultError::UnsupportedMintExtension)),
            "{name}: {r:?}"
        );
        assert!(fx.env.account(&fx.pdas.vault).await.is_none(), "{name}: no vault");
    }
    // Display-only extensions are fine.
    let metadata = mint_2022(&auth, false, &[ExtensionType::MetadataPointer], |s| {
        s.init_extension::<MetadataPointer>(true).unwrap().authority =
            OptionalNonZeroPubkey::try_from(Some(auth)).unwrap();
    });
    let (mut fx, r) = init_on_2022_mint(metadata, false).await;
    r.unwrap();
    assert_eq!(fx.vault().await.collateral_mint, fx.collateral_mint);
}

#[tokio::test]
async fn r_a_freeze_authority_is_refused_unless_its_issuer_is_trusted() {
    let auth = Pubkey::new_unique();
    // Token-2022 and classic Token mints alike.
    let (_, r) = init_on_2022_mint(mint_2022(&auth, true, &[], |_| {}), false).await;
    assert_vault_err(&r, VaultError::MintHasFreezeAuthority);
    let (_, r) = init_on_2022_mint(mint_2022(&auth, true, &[], |_| {}), true).await;
    r.unwrap();

    let mut fx = Fixture::bare(spl_token::ID).await;
    let mint = fx.collateral_mint;
    let mut data = vec![0u8; spl_token::state::Mint::LEN];
    spl_token::state::Mint {
        mint_authority: COption::Some(auth),
        supply: 0,
        decimals: 9,
        is_initialized: true,
        freeze_authority: COption::Some(auth),
    }
    .pack_into_slice(&mut data);
    fx.env.set_account(&mint, &spl_token::ID, data);
    let a = fx.authority.insecure_clone();
    let r = fx.send(&[fx.init_ix(fx.init_args())], &[&a]).await;
    assert_vault_err(&r, VaultError::MintHasFreezeAuthority);
    let mut args = fx.init_args();
    args.trust_freeze_authority = true;
    fx.send(&[fx.init_ix(args)], &[&a]).await.unwrap();
}

#[tokio::test]
async fn r_nobody_can_squat_a_planned_vault_address() {
    let mut fx = Fixture::bare(spl_token::ID).await;
    let planned = fx.pdas;
    // An attacker front-runs with the same mint and id: it gets its own address (its
    // key is a seed), not the creator's.
    let attacker = fx.env.funded_keypair().await;
    let mut squat = fx.init_ix(fx.init_args());
    squat.accounts[0].pubkey = attacker.pubkey();
    assert_anchor_err(
        &fx.send(&[squat.clone()], &[&attacker]).await,
        Anchor::ConstraintSeeds,
    );
    let theirs = VaultPdas::derive(&fx.collateral_mint, &attacker.pubkey(), fx.vault_id);
    assert_ne!(theirs.vault, planned.vault);
    fx.pdas = theirs;
    let mut own = fx.init_ix(fx.init_args());
    own.accounts[0].pubkey = attacker.pubkey();
    fx.send(&[own], &[&attacker]).await.unwrap();
    // The creator's planned vault is still theirs to create.
    fx.pdas = planned;
    let a = fx.authority.insecure_clone();
    fx.send(&[fx.init_ix(fx.init_args())], &[&a]).await.unwrap();
    let v = fx.vault().await;
    assert_eq!((v.authority, v.creator), (a.pubkey(), a.pubkey()));
}

/// Lets the feed die: time passes and nobody publishes.
async fn silence(fx: &mut Fixture, secs: i64) {
    fx.env.advance(secs).await;
}

#[tokio::test]
async fn f3_governance_rotates_a_dead_feed_behind_the_timelock() {
    let (mut fx, m, u) = hedged().await;
    fx.send(&[fx.rebalance_margin_ix(&m, 0)], &[]).await.unwrap();
    silence(&mut fx, 600).await;
    // The feed is dead: no NAV, so no deposit.
    assert_vault_err(
        &fx.send(&[fx.refresh_nav_ix(&[m])], &[]).await,
        VaultError::OracleStale,
    );
    let u2 = fx.user(10 * SOL).await;
    assert_vault_err(&fx.deposit(&u2, 10 * SOL).await, VaultError::NavStale);

    // Governance queues a rotation to a live feed.
    let new_feed = [9u8; 32];
    let new_account = fx.env.next_pubkey();
    let mut rotated = fx.oracle_config();
    rotated.underlying.feed_id = new_feed;
    let a = fx.authority.insecure_clone();
    let ev: hedge_vault::events::ParamsQueued = events::one(
        &fx.send(
            &[fx.queue_change_ix(&a.pubkey(), hedge_vault::state::ParamsChange::Oracle(rotated))],
            &[&a],
        )
        .await
        .unwrap(),
    );
    assert_eq!(ev.oracle, Some(rotated), "depositors see the rotation coming");
    let (old_account, old_feed) = (fx.oracle, fx.feed_id);
    fx.oracle = new_account;
    fx.feed_id = new_feed;
    fx.set_price(150.0).await;
    assert_vault_err(&fx.apply().await, VaultError::TimelockNotElapsed);
    fx.env.advance(3_600).await;
    fx.set_price(150.0).await;
    // An empty rotation is refused at queueing (a feed id of zeros names nothing).
    let ev: hedge_vault::events::ParamsApplied = events::one(&fx.apply().await.unwrap());
    assert_eq!(ev.oracle, Some(rotated));
    assert_eq!(fx.vault().await.oracle, rotated);
    // The vault prices from the new feed; the old one, even revived, is refused.
    let now = fx.env.now().await;
    set_pull_price(&mut fx.env, &old_account, old_feed, Quote::usd(150.0, now));
    let mut stale_ix = fx.refresh_nav_ix(&[m]);
    stale_ix.accounts[1].pubkey = old_account;
    assert_vault_err(&fx.send(&[stale_ix], &[]).await, VaultError::OracleWrongFeed);
    let ixs = [fx.refresh_nav_ix(&[m]), fx.deposit_ix(&u2, 10 * SOL, 0)];
    fx.send(&ixs, &[&u2.kp]).await.unwrap();
    assert!(fx.env.balance(&u2.shares).await > 0);
    let _ = u;
}

#[tokio::test]
async fn f3_a_rotation_to_an_empty_feed_is_refused() {
    let (mut fx, _m, _u) = hedged().await;
    let mut empty = fx.oracle_config();
    empty.underlying.feed_id = [0; 32];
    let a = fx.authority.insecure_clone();
    assert_vault_err(
        &fx.send(
            &[fx.queue_change_ix(&a.pubkey(), hedge_vault::state::ParamsChange::Oracle(empty))],
            &[&a],
        )
        .await,
        VaultError::OracleWrongFeed,
    );
}

#[tokio::test]
async fn f3_holders_exit_in_kind_when_the_price_is_gone() {
    let (mut fx, m, u) = hedged().await;
    let v = fx.user(50 * SOL).await;
    let ixs = [fx.refresh_nav_ix(&[m]), fx.deposit_ix(&v, 50 * SOL, 0)];
    fx.send(&ixs, &[&v.kp]).await.unwrap();
    // Margin at the venue: part of NAV that cannot be valued without a price.
    fx.send(&[fx.rebalance_margin_ix(&m, 0)], &[]).await.unwrap();
    let (k, kc) = fx.keeper().await;
    fx.rebalance(&k, kc, &m, 0).await.unwrap();
    let u_shares = fx.env.balance(&u.shares).await;

    // While the oracle lives, the normal exit is the way.
    assert_vault_err(
        &fx.send(&[fx.emergency_withdraw_ix(&u, u_shares, 0)], &[&u.kp])
            .await,
        VaultError::OracleNotDead,
    );
    silence(&mut fx, 86_400).await;
    assert_vault_err(
        &fx.send(&[fx.refresh_nav_ix(&[m])], &[]).await,
        VaultError::OracleStale,
    );

    // Independent view: what the vault holds, from its token account, and the shares.
    let held = fx.env.balance(&fx.pdas.collateral_vault).await;
    let supply = fx.env.supply(&fx.pdas.share_mint).await;
    let before = fx.vault().await;
    assert_eq!(before.total_collateral, held, "no donations in this test");
    let fee_shares = before.accrued_fee_shares;
    assert_eq!(fee_shares, 0, "no fees configured");
    let r = fx
        .send(&[fx.emergency_withdraw_ix(&u, u_shares, 0)], &[&u.kp])
        .await
        .unwrap();
    let ev: hedge_vault::events::EmergencyWithdrawn = events::one(&r);
    let paid = fx.env.balance(&u.collateral).await - 100 * SOL;
    assert_eq!(ev.assets, paid);
    // Exactly pro rata of the collateral held, rounded down.
    let pro_rata = u128::from(held) * u128::from(u_shares) / u128::from(supply);
    assert_eq!(u128::from(paid), pro_rata);
    assert_eq!(fx.env.balance(&u.shares).await, 0);
    // The holder who stays keeps at least their old per-share claim: the venue equity
    // the exit forfeited stays with them.
    let after = fx.vault().await;
    let supply_after = fx.env.supply(&fx.pdas.share_mint).await;
    let claim_before = (u128::from(before.total_collateral) + before.hedge_equity.max(0) as u128) * 1_000_000
        / u128::from(supply);
    let claim_after = (u128::from(after.total_collateral) + after.hedge_equity.max(0) as u128) * 1_000_000
        / u128::from(supply_after);
    assert!(claim_after >= claim_before, "{claim_after} < {claim_before}");
    assert!(before.hedge_equity > 0, "the test needs venue equity");
    // The last holder takes all the collateral the vault holds.
    let v_shares = fx.env.balance(&v.shares).await;
    fx.send(&[fx.emergency_withdraw_ix(&v, v_shares, 0)], &[&v.kp])
        .await
        .unwrap();
    assert_eq!(fx.vault().await.total_collateral, 0);
    assert_eq!(fx.env.balance(&fx.pdas.collateral_vault).await, 0);
}

/// A quote with its confidence half-interval at `conf_bps` of the price.
fn quote_with_conf(usd: f64, conf_bps: u64, publish_time: i64) -> Quote {
    let mut q = Quote::usd(usd, publish_time);
    q.conf = q.price.unsigned_abs() * conf_bps / 10_000;
    q
}

#[tokio::test]
async fn f2_deposit_at_one_update_and_request_at_the_next_gains_nothing() {
    // A fully hedged vault: its NAV in collateral moves against the price.
    let (mut fx, m, _u) = hedged().await;
    fx.send(&[fx.rebalance_margin_ix(&m, 0)], &[]).await.unwrap();
    let (k, kc) = fx.keeper().await;
    fx.rebalance(&k, kc, &m, 0).await.unwrap();
    assert!(fx.vault().await.hedge_position < 0, "hedged");

    // The attacker deposits at one valid update (150 ± 1 %) …
    let attacker = fx.user(100 * SOL).await;
    fx.env.advance(1).await;
    let t = fx.env.now().await;
    fx.set_quote(quote_with_conf(150.0, 100, t));
    fx.send(&[fx.refresh_nav_ix(&[m])], &[]).await.unwrap();
    let pps_then = fx.vault().await.total_assets() as f64 / fx.env.supply(&fx.pdas.share_mint).await as f64;
    let ixs = [fx.refresh_nav_ix(&[m]), fx.deposit_ix(&attacker, 100 * SOL, 0)];
    let dep: hedge_vault::events::Deposited = events::one(&fx.send(&ixs, &[&attacker.kp]).await.unwrap());
    assert!(
        fx.vault().await.nav_conf_units > 0,
        "the hedge makes NAV depend on the price"
    );

    // … and requests at the next one, 0.9 % lower: inside the confidence interval.
    fx.env.advance(1).await;
    let t = fx.env.now().await;
    fx.price_usd = 148.65;
    fx.set_quote(quote_with_conf(148.65, 100, t));
    fx.send(&[fx.refresh_nav_ix(&[m])], &[]).await.unwrap();
    let v = fx.vault().await;
    let supply = fx.env.supply(&fx.pdas.share_mint).await;
    // At mid prices the round trip gains (what the audit exploited): NAV per share in
    // collateral rose as the price fell.
    let pps_now = v.total_assets() as f64 / supply as f64;
    assert!(
        pps_now / pps_then > 1.005,
        "the scenario has a gain to take: {pps_then} → {pps_now}"
    );
    let ixs = [fx.refresh_nav_ix(&[m]), fx.request_ix(&attacker, dep.shares)];
    let req: hedge_vault::events::WithdrawRequested =
        events::one(&fx.send(&ixs, &[&attacker.kp]).await.unwrap());
    assert!(
        req.assets_at_request <= 100 * SOL,
        "valued conservatively, the round trip gains nothing: {} > {}",
        req.assets_at_request,
        100 * SOL
    );
}

#[tokio::test]
async fn r_the_last_holder_exits_in_full_while_margin_and_profit_sit_at_the_venue() {
    // Found by the adversarial fuzzer: the exit's payout exceeded what the vault held
    // (the rest was margin and unsettled profit at the venue), so the last holder could
    // never leave.
    let (mut fx, m, u) = hedged().await;
    fx.send(&[fx.rebalance_margin_ix(&m, 0)], &[]).await.unwrap();
    let (k, kc) = fx.keeper().await;
    fx.rebalance(&k, kc, &m, 0).await.unwrap();
    fx.set_price(140.0).await; // the short hedge is in profit
    let shares = fx.env.balance(&u.shares).await;
    let ixs = [fx.refresh_nav_ix(&[m]), fx.request_ix(&u, shares)];
    fx.send(&ixs, &[&u.kp]).await.unwrap();
    fx.advance(3_600).await;
    let held_before = fx.env.balance(&fx.pdas.collateral_vault).await;
    let ixs = [fx.refresh_nav_ix(&[m]), fx.complete_ix_hedged(&u, &[m])];
    let done: WithdrawCompleted = events::one(&fx.send(&ixs, &[&u.kp]).await.unwrap());
    assert!(
        done.assets > held_before,
        "paid more than the vault held: margin came back"
    );
    // The dollar value is kept: 100 SOL at 150 USD, paid at 140 USD, less costs.
    let usd = done.assets as f64 / 1e9 * 140.0;
    assert!((usd - 15_000.0).abs() < 15_000.0 * 0.01, "{usd}");
    assert_eq!(fx.vault().await.escrowed_shares, 0);
    assert_eq!(fx.env.supply(&fx.pdas.share_mint).await, 0);
}

#[tokio::test]
async fn f3_the_emergency_exit_refuses_zero_shares_a_short_payout_and_a_pause() {
    let (mut fx, m, u) = hedged().await;
    fx.send(&[fx.rebalance_margin_ix(&m, 0)], &[]).await.unwrap();
    silence(&mut fx, 86_400).await;
    let shares = fx.env.balance(&u.shares).await;
    assert_vault_err(
        &fx.send(&[fx.emergency_withdraw_ix(&u, 0, 0)], &[&u.kp]).await,
        VaultError::ZeroAmount,
    );
    // More than the pro-rata part of the collateral held is asked for.
    let held = fx.env.balance(&fx.pdas.collateral_vault).await;
    assert_vault_err(
        &fx.send(&[fx.emergency_withdraw_ix(&u, shares, held + 1)], &[&u.kp])
            .await,
        VaultError::SlippageExceeded,
    );
    let g = fx.guardian.insecure_clone();
    fx.send(
        &[fx.set_pause_ix(&g.pubkey(), pause::COMPLETE_WITHDRAW, false)],
        &[&g],
    )
    .await
    .unwrap();
    assert_vault_err(
        &fx.send(&[fx.emergency_withdraw_ix(&u, shares, 0)], &[&u.kp])
            .await,
        VaultError::InstructionPaused,
    );
    // Nothing moved through any of the refusals.
    assert_eq!(fx.env.balance(&u.shares).await, shares);
    assert_eq!(fx.env.balance(&fx.pdas.collateral_vault).await, held);
}
