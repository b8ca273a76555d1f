//! Timelocked parameters, hard bounds, authority transfer, pause and vol updates.
use hedge_localnet::{assert_vault_err, events, fixture::Fixture};
use hedge_vault::constants::MAX_LEGS;
use hedge_vault::error::VaultError;
use hedge_vault::events::{AuthorityAccepted, ParamsApplied, ParamsQueued, PauseChanged, VolUpdated};
use hedge_vault::state::{pause, LegKind, OptionLeg, ParamsChange, PendingParams, VaultParams};
use solana_keypair::Keypair;
use solana_signer::Signer;

#[tokio::test]
async fn queue_apply_after_timelock() {
    let mut fx = Fixture::new().await;
    let mut p = fx.default_params();
    p.risk.delta_band_bps = 250;
    let now = fx.env.now().await;
    let ev: ParamsQueued = events::one(&fx.queue(p).await.unwrap());
    assert_eq!(ev.eta, now + 3_600);
    let pending: PendingParams = fx.env.anchor_account(&fx.pending_pda()).await;
    assert_eq!(pending.params, p);

    fx.advance(3_599).await;
    assert_vault_err(&fx.apply().await, VaultError::TimelockNotElapsed);
    // Only one change at a time.
    assert!(fx.queue(p).await.is_err());
    fx.advance(1).await;
    let ev: ParamsApplied = events::one(&fx.apply().await.unwrap());
    assert_eq!(ev.params.risk.delta_band_bps, 250);
    assert_eq!(fx.vault().await.params, p);
    assert!(
        fx.env.account(&fx.pending_pda()).await.is_none(),
        "pending closed"
    );
}

#[tokio::test]
async fn cancel_drops_the_pending_change() {
    let mut fx = Fixture::new().await;
    let mut p = fx.default_params();
    p.fees.management_fee_bps = 100;
    fx.queue(p).await.unwrap();
    let a = fx.authority.insecure_clone();
    let stranger = fx.env.funded_keypair().await;
    assert_vault_err(
        &fx.send(&[fx.cancel_params_ix(&stranger.pubkey())], &[&stranger])
            .await,
        VaultError::NotAuthority,
    );
    fx.send(&[fx.cancel_params_ix(&a.pubkey())], &[&a]).await.unwrap();
    assert!(fx.env.account(&fx.pending_pda()).await.is_none());
    fx.advance(3_600).await;
    assert!(fx.apply().await.is_err(), "nothing to apply");
    assert_eq!(fx.vault().await.params.fees.management_fee_bps, 0);
}

#[tokio::test]
async fn only_the_authority_governs() {
    let mut fx = Fixture::new().await;
    let stranger = fx.env.funded_keypair().await;
    let p = fx.default_params();
    let ix = fx.queue_ix(&stranger.pubkey(), p);
    assert_vault_err(&fx.send(&[ix], &[&stranger]).await, VaultError::NotAuthority);
    fx.queue(p).await.unwrap();
    fx.advance(3_600).await;
    let ix = fx.apply_ix(&stranger.pubkey());
    assert_vault_err(&fx.send(&[ix], &[&stranger]).await, VaultError::NotAuthority);
    let ix = fx.extend_timelock_ix(&stranger.pubkey(), 7_200);
    assert_vault_err(&fx.send(&[ix], &[&stranger]).await, VaultError::NotAuthority);
    let ix = fx.propose_authority_ix(&stranger.pubkey(), stranger.pubkey());
    assert_vault_err(&fx.send(&[ix], &[&stranger]).await, VaultError::NotAuthority);
}

/// Each hard bound, broken one at a time, with the error it must produce.
#[tokio::test]
async fn every_bound_is_enforced() {
    let mut fx = Fixture::new().await;
    let now = fx.env.now().await;
    let base = fx.default_params();
    let leg = OptionLeg {
        kind: LegKind::Put,
        strike_e6: 150_000_000,
        expiry: now + 30 * 86_400,
        quantity: 1_000_000_000,
        vol_bps: 0,
        roll_tenor_days: 0,
        roll_moneyness_pct: 0,
        cover_bps: 0,
        padding: [0; 6],
    };
    type Edit = Box<dyn Fn(&mut VaultParams)>;
    let cases: Vec<(Edit, VaultError)> = vec![
        (
            Box::new(|p| p.timelock_secs = 59),
            VaultError::TimelockOutOfBounds,
        ),
        (
            Box::new(|p| p.timelock_secs = 30 * 86_400 + 1),
            VaultError::TimelockOutOfBounds,
        ),
        (
            Box::new(|p| p.fees.management_fee_bps = 501),
            VaultError::ManagementFeeTooHigh,
        ),
        (
            Box::new(|p| p.fees.performance_fee_bps = 3_001),
            VaultError::PerformanceFeeTooHigh,
        ),
        (
            Box::new(|p| p.limits.withdrawal_delay_secs = 7 * 86_400 + 1),
            VaultError::WithdrawalDelayTooLong,
        ),
        (
            Box::new(|p| p.limits.min_deposit = 0),
            VaultError::InvalidDepositLimits,
        ),
        (
            Box::new(|p| p.limits.min_deposit = p.limits.deposit_cap + 1),
            VaultError::InvalidDepositLimits,
        ),
        (
            Box::new(|p| p.risk.delta_target_bps = -10_001),
            VaultError::DeltaTargetOutOfBounds,
        ),
        (
            Box::new(|p| p.risk.delta_target_bps = 20_001),
            VaultError::DeltaTargetOutOfBounds,
        ),
        (
            Box::new(|p| p.risk.delta_band_bps = 0),
            VaultError::DeltaBandOutOfBounds,
        ),
        (
            Box::new(|p| p.risk.delta_band_bps = 5_001),
            VaultError::DeltaBandOutOfBounds,
        ),
        (
            Box::new(|p| p.risk.rebalance_cooldown_secs = 86_401),
            VaultError::CooldownTooLong,
        ),
        (
            Box::new(|p| p.risk.max_rebalance_units = 0),
            VaultError::ZeroMaxRebalance,
        ),
        (
            Box::new(|p| p.risk.max_slippage_bps = 501),
            VaultError::SlippageTooHigh,
        ),
        (Box::new(|p| p.risk.rate_bps = 5_001), VaultError::RateOutOfBounds),
        (
            Box::new(|p| p.risk.carry_bps = -5_001),
            VaultError::RateOutOfBounds,
        ),
        (
            Box::new(|p| p.vol.min_sigma_bps = 99),
            VaultError::InvalidVolBounds,
        ),
        (
            Box::new(|p| p.vol.max_sigma_bps = 50_001),
            VaultError::InvalidVolBounds,
        ),
        (
            Box::new(|p| p.vol.min_sigma_bps = p.vol.max_sigma_bps + 1),
            VaultError::InvalidVolBounds,
        ),
        (Box::new(|p| p.vol.max_step_bps = 0), VaultError::InvalidVolBounds),
        (
            Box::new(|p| p.oracle.max_age_secs = 0),
            VaultError::InvalidOracleLimits,
        ),
        (
            Box::new(|p| p.oracle.max_age_secs = 3_601),
            VaultError::InvalidOracleLimits,
        ),
        (
            Box::new(|p| p.oracle.max_conf_bps = 501),
            VaultError::InvalidOracleLimits,
        ),
        (
            Box::new(|p| p.oracle.max_ema_divergence_bps = 5_001),
            VaultError::InvalidOracleLimits,
        ),
        (
            Box::new(|p| p.guardian = Default::default()),
            VaultError::InvalidRole,
        ),
        (
            Box::new(|p| p.vol_updater = Default::default()),
            VaultError::InvalidRole,
        ),
        (
            Box::new(|p| p.fee_recipient = Default::default()),
            VaultError::InvalidRole,
        ),
        (
            Box::new(|p| p.leg_count = (MAX_LEGS + 1) as u8),
            VaultError::TooManyLegs,
        ),
        (
            Box::new(move |p| set_leg(p, OptionLeg { strike_e6: 0, ..leg })),
            VaultError::LegStrikeNotPositive,
        ),
        (
            Box::new(move |p| set_leg(p, OptionLeg { quantity: 0, ..leg })),
            VaultError::LegQuantityZero,
        ),
        (
            Box::new(move |p| set_leg(p, OptionLeg { expiry: now, ..leg })),
            VaultError::LegExpiryOutOfBounds,
        ),
        (
            Box::new(move |p| {
                set_leg(
                    p,
                    OptionLeg {
                        expiry: now + 2 * 31_536_000 + 1,
                        ..leg
                    },
                )
            }),
            VaultError::LegExpiryOutOfBounds,
        ),
        (
            Box::new(move |p| set_leg(p, OptionLeg { vol_bps: 99, ..leg })),
            VaultError::LegVolOutOfBounds,
        ),
        (
            Box::new(move |p| {
                set_leg(
                    p,
                    OptionLeg {
                        vol_bps: 50_001,
                        ..leg
                    },
                )
            }),
            VaultError::LegVolOutOfBounds,
        ),
    ];
    for (edit, err) in cases {
        let mut p = base;
        edit(&mut p);
        assert_vault_err(&fx.queue(p).await, err);
    }
    // The same validation guards initialisation.
    let mut bad = Fixture::bare(anchor_spl::token::spl_token::ID).await;
    let mut args = bad.init_args();
    args.params.fees.performance_fee_bps = 9_999;
    let ix = bad.init_ix(args);
    let a = bad.authority.insecure_clone();
    assert_vault_err(&bad.send(&[ix], &[&a]).await, VaultError::PerformanceFeeTooHigh);
    let mut args = bad.init_args();
    args.initial_sigma_bps = 50;
    let ix = bad.init_ix(args);
    assert_vault_err(&bad.send(&[ix], &[&a]).await, VaultError::SigmaOutOfBounds);
    let mut args = bad.init_args();
    args.oracle.underlying.feed_id = [0; 32];
    let ix = bad.init_ix(args);
    assert_vault_err(&bad.send(&[ix], &[&a]).await, VaultError::OracleWrongFeed);
}

fn set_leg(p: &mut VaultParams, leg: OptionLeg) {
    p.legs[0] = leg;
    p.leg_count = 1;
}

#[tokio::test]
async fn book_limits_are_checked_when_legs_are_applied() {
    let mut fx = Fixture::new().await;
    let now = fx.env.now().await;
    let mut p = fx.default_params();
    set_leg(
        &mut p,
        OptionLeg {
            kind: LegKind::Put,
            strike_e6: 150_000_000,
            expiry: now + 30 * 86_400,
            quantity: 1_000 * 1_000_000_000,
            vol_bps: 0,
            roll_tenor_days: 0,
            roll_moneyness_pct: 0,
            cover_bps: 0,
            padding: [0; 6],
        },
    );
    for (edit, err) in [
        (
            (|p: &mut VaultParams| p.risk.max_gamma_exposure_e6 = 1) as fn(&mut VaultParams),
            VaultError::GammaLimitExceeded,
        ),
        (
            |p: &mut VaultParams| p.risk.max_vega_e6 = 1,
            VaultError::VegaLimitExceeded,
        ),
        (
            |p: &mut VaultParams| p.risk.max_theta_per_day_e6 = 1,
            VaultError::ThetaLimitExceeded,
        ),
    ] {
        let mut q = p;
        edit(&mut q);
        fx.queue(q).await.unwrap();
        fx.advance(3_600).await;
        assert_vault_err(&fx.apply().await, err);
        let a = fx.authority.insecure_clone();
        fx.send(&[fx.cancel_params_ix(&a.pubkey())], &[&a]).await.unwrap();
    }
    fx.govern(p).await;
    assert_eq!(fx.vault().await.params.leg_count, 1);
}

#[tokio::test]
async fn legs_that_expire_while_queued_are_refused_at_apply() {
    let mut fx = Fixture::new().await;
    let now = fx.env.now().await;
    let mut p = fx.default_params();
    set_leg(
        &mut p,
        OptionLeg {
            kind: LegKind::Call,
            strike_e6: 200_000_000,
            expiry: now + 1_800,
            quantity: -1_000_000_000,
            vol_bps: 9_000,
            roll_tenor_days: 0,
            roll_moneyness_pct: 0,
            cover_bps: 0,
            padding: [0; 6],
        },
    );
    fx.queue(p).await.unwrap();
    fx.advance(3_600).await;
    assert_vault_err(&fx.apply().await, VaultError::LegExpiryOutOfBounds);
}

#[tokio::test]
async fn timelock_lengthens_at_once_but_shortens_only_through_the_queue() {
    let mut fx = Fixture::new().await;
    let a = fx.authority.insecure_clone();
    assert_vault_err(
        &fx.send(&[fx.extend_timelock_ix(&a.pubkey(), 3_599)], &[&a]).await,
        VaultError::TimelockShortening,
    );
    assert_vault_err(
        &fx.send(&[fx.extend_timelock_ix(&a.pubkey(), 30 * 86_400 + 1)], &[&a])
            .await,
        VaultError::TimelockOutOfBounds,
    );
    fx.send(&[fx.extend_timelock_ix(&a.pubkey(), 86_400)], &[&a])
        .await
        .unwrap();
    assert_eq!(fx.vault().await.params.timelock_secs, 86_400);
    // Shortening: queue it, and it takes the *current* (long) timelock to apply.
    let mut p = fx.vault().await.params;
    p.timelock_secs = 600;
    fx.queue(p).await.unwrap();
    fx.advance(3_600).await;
    assert_vault_err(&fx.apply().await, VaultError::TimelockNotElapsed);
    fx.advance(86_400 - 3_600).await;
    fx.apply().await.unwrap();
    assert_eq!(fx.vault().await.params.timelock_secs, 600);
}

#[tokio::test]
async fn two_step_authority_transfer() {
    let mut fx = Fixture::new().await;
    let a = fx.authority.insecure_clone();
    let next = fx.env.funded_keypair().await;
    let stranger = fx.env.funded_keypair().await;
    assert_vault_err(
        &fx.send(&[fx.accept_authority_ix(&next.pubkey())], &[&next]).await,
        VaultError::NoPendingAuthority,
    );
    fx.send(&[fx.propose_authority_ix(&a.pubkey(), next.pubkey())], &[&a])
        .await
        .unwrap();
    assert_eq!(
        fx.vault().await.authority,
        a.pubkey(),
        "nothing changes until accepted"
    );
    assert_vault_err(
        &fx.send(&[fx.accept_authority_ix(&stranger.pubkey())], &[&stranger])
            .await,
        VaultError::NotPendingAuthority,
    );
    let ev: AuthorityAccepted = events::one(
        &fx.send(&[fx.accept_authority_ix(&next.pubkey())], &[&next])
            .await
            .unwrap(),
    );
    assert_eq!((ev.old_authority, ev.new_authority), (a.pubkey(), next.pubkey()));
    let v = fx.vault().await;
    assert_eq!(
        (v.authority, v.pending_authority),
        (next.pubkey(), Default::default())
    );
    // The old authority is out.
    assert_vault_err(&fx.queue(v.params).await, VaultError::NotAuthority);
}

#[tokio::test]
async fn guardian_pauses_at_once_but_only_the_authority_unpauses() {
    let mut fx = Fixture::new().await;
    let g = fx.guardian.insecure_clone();
    let a = fx.authority.insecure_clone();
    let stranger = fx.env.funded_keypair().await;
    assert_vault_err(
        &fx.send(
            &[fx.set_pause_ix(&stranger.pubkey(), pause::DEPOSIT, false)],
            &[&stranger],
        )
        .await,
        VaultError::NotGuardianOrAuthority,
    );
    assert_vault_err(
        &fx.send(&[fx.set_pause_ix(&g.pubkey(), 1 << 9, false)], &[&g])
            .await,
        VaultError::InvalidPauseBits,
    );
    let ev: PauseChanged = events::one(
        &fx.send(
            &[fx.set_pause_ix(&g.pubkey(), pause::DEPOSIT | pause::REBALANCE, true)],
            &[&g],
        )
        .await
        .unwrap(),
    );
    assert_eq!(
        (ev.paused, ev.withdraw_only),
        (pause::DEPOSIT | pause::REBALANCE, true)
    );
    // Guardian may add, never remove.
    assert_vault_err(
        &fx.send(&[fx.set_pause_ix(&g.pubkey(), pause::DEPOSIT, true)], &[&g])
            .await,
        VaultError::GuardianCannotUnpause,
    );
    assert_vault_err(
        &fx.send(
            &[fx.set_pause_ix(&g.pubkey(), pause::DEPOSIT | pause::REBALANCE, false)],
            &[&g],
        )
        .await,
        VaultError::GuardianCannotUnpause,
    );
    fx.send(&[fx.set_pause_ix(&g.pubkey(), pause::ALL, true)], &[&g])
        .await
        .unwrap();
    fx.send(&[fx.set_pause_ix(&a.pubkey(), 0, false)], &[&a])
        .await
        .unwrap();
    let v = fx.vault().await;
    assert_eq!((v.paused, v.withdraw_only), (0, false));
}

#[tokio::test]
async fn vol_updates_respect_role_bounds_step_and_interval() {
    let mut fx = Fixture::new().await;
    let vu = fx.vol_updater.insecure_clone();
    let stranger = Keypair::new();
    fx.advance(60).await;
    assert_vault_err(
        &fx.send(&[fx.update_vol_ix(&stranger.pubkey(), 8_500)], &[&stranger])
            .await,
        VaultError::NotVolUpdater,
    );
    assert_vault_err(
        &fx.send(&[fx.update_vol_ix(&vu.pubkey(), 999)], &[&vu]).await,
        VaultError::SigmaOutOfBounds,
    );
    assert_vault_err(
        &fx.send(&[fx.update_vol_ix(&vu.pubkey(), 30_001)], &[&vu]).await,
        VaultError::SigmaOutOfBounds,
    );
    assert_vault_err(
        &fx.send(&[fx.update_vol_ix(&vu.pubkey(), 10_001)], &[&vu]).await,
        VaultError::SigmaStepTooLarge,
    );
    let ev: VolUpdated = events::one(
        &fx.send(&[fx.update_vol_ix(&vu.pubkey(), 10_000)], &[&vu])
            .await
            .unwrap(),
    );
    assert_eq!((ev.old_sigma_bps, ev.new_sigma_bps), (8_000, 10_000));
    assert_vault_err(
        &fx.send(&[fx.update_vol_ix(&vu.pubkey(), 9_000)], &[&vu]).await,
        VaultError::SigmaUpdateTooSoon,
    );
    let g = fx.guardian.insecure_clone();
    fx.send(&[fx.set_pause_ix(&g.pubkey(), pause::UPDATE_VOL, false)], &[&g])
        .await
        .unwrap();
    fx.advance(60).await;
    assert_vault_err(
        &fx.send(&[fx.update_vol_ix(&vu.pubkey(), 9_000)], &[&vu]).await,
        VaultError::InstructionPaused,
    );
    assert_eq!(fx.vault().await.sigma_bps, 10_000);
}

#[tokio::test]
async fn amendments_combine_changes_and_restart_the_timelock() {
    let mut fx = Fixture::new().await;
    let a = fx.authority.insecure_clone();
    let now = fx.env.now().await;
    let mut p = fx.default_params();
    p.risk.delta_band_bps = 300;
    fx.send(
        &[fx.queue_change_ix(&a.pubkey(), ParamsChange::Core(p.core()))],
        &[&a],
    )
    .await
    .unwrap();
    fx.advance(3_000).await;
    let leg = OptionLeg {
        kind: LegKind::Put,
        strike_e6: 150_000_000,
        expiry: now + 30 * 86_400,
        quantity: 1_000_000_000,
        vol_bps: 0,
        roll_tenor_days: 0,
        roll_moneyness_pct: 0,
        cover_bps: 0,
        padding: [0; 6],
    };
    // Only the authority amends.
    let stranger = fx.env.funded_keypair().await;
    let ix = fx.amend_change_ix(&stranger.pubkey(), ParamsChange::Legs(vec![leg]));
    assert_vault_err(&fx.send(&[ix], &[&stranger]).await, VaultError::NotAuthority);
    // Amendments are validated like everything else.
    let bad = OptionLeg { quantity: 0, ..leg };
    let ix = fx.amend_change_ix(&a.pubkey(), ParamsChange::Legs(vec![bad]));
    assert_vault_err(&fx.send(&[ix], &[&a]).await, VaultError::LegQuantityZero);
    let ix = fx.amend_change_ix(&a.pubkey(), ParamsChange::Legs(vec![leg]));
    fx.send(&[ix], &[&a]).await.unwrap();
    // The amendment restarted the timelock: 3 000 s + 600 s is not enough any more.
    fx.advance(600).await;
    assert_vault_err(&fx.apply().await, VaultError::TimelockNotElapsed);
    fx.advance(3_000).await;
    fx.apply().await.unwrap();
    let v = fx.vault().await;
    assert_eq!((v.params.risk.delta_band_bps, v.params.leg_count), (300, 1));
    assert_eq!(v.params.legs[0], leg);
    // Nothing pending: amending fails.
    let ix = fx.amend_change_ix(&a.pubkey(), ParamsChange::Legs(vec![]));
    assert!(fx.send(&[ix], &[&a]).await.is_err());
}
