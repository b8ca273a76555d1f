//! The compute-unit scenario: every vault instruction, the venue's instructions, and
//! rebalances with 1, 4 and 16 option legs, run on one chain. The same scenario runs on the
//! native build (`Programs::Native`) and on the sBPF build (`Programs::Sbf`); the
//! `cu-report` binary compares the two step by step and writes docs/compute-units.md.
use std::collections::BTreeMap;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_spl::token::spl_token;
use hedge_vault::state::{LegKind, OptionLeg, ParamsChange, VaultParams};
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::fixture::Fixture;
use crate::venue::VenueMarket;
use crate::{custom_code, Env, Programs, TxResult};

const SOL: u64 = 1_000_000_000;

/// One measured instruction.
#[derive(Debug, Clone)]
pub struct Step {
    /// What ran, e.g. `rebalance (16 legs)`.
    pub label: String,
    /// The program whose instruction was measured.
    pub program: Pubkey,
    /// Compute units of that instruction, CPIs included (from the
    /// `Program <id> consumed N of M compute units` log line; 0 natively).
    pub units: u64,
    /// `Ok` or the custom error code.
    pub outcome: Result<(), Option<u32>>,
    /// Event payloads (base64 of `sol_log_data`), in order.
    pub events: Vec<String>,
    /// Return data (the program's own bytes), if any.
    pub return_data: Option<Vec<u8>>,
    /// Data of every watched account after the step.
    pub state: BTreeMap<Pubkey, Vec<u8>>,
}

/// The scenario's outcome.
pub struct Run {
    pub steps: Vec<Step>,
}

impl Run {
    /// The step with this label.
    pub fn step(&self, label: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.label == label)
    }
}

/// Compute units per top-level instruction, in order, from a transaction's logs: the
/// `consumed` line that closes each depth-1 invocation.
pub fn units_per_instruction(logs: &[String]) -> Vec<(Pubkey, u64)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    for l in logs {
        let Some(rest) = l.strip_prefix("Program ") else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let (Some(id), Some(verb)) = (words.next(), words.next()) else {
            continue;
        };
        match verb {
            "invoke" => depth += 1,
            "success" | "failed:" => depth = depth.saturating_sub(1),
            "consumed" if depth == 1 => {
                if let (Ok(id), Some(Ok(n))) = (id.parse::<Pubkey>(), words.next().map(str::parse::<u64>)) {
                    out.push((id, n));
                }
            }
            _ => {}
        }
    }
    out
}

/// Event payloads in a transaction's logs: `Program data: <b64>` on sBPF, and the native
/// harness's `Program log: data: <b64>` (see `bridge.rs`).
pub fn event_payloads(logs: &[String]) -> Vec<String> {
    logs.iter()
        .filter_map(|l| {
            l.strip_prefix("Program data: ")
                .or_else(|| l.strip_prefix("Program log: data: "))
        })
        .map(|s| s.trim().to_string())
        .collect()
}

struct Recorder {
    fx: Fixture,
    watched: Vec<Pubkey>,
    steps: Vec<Step>,
}

impl Recorder {
    /// Sends `ixs` in one transaction and records the last instruction as `label`.
    async fn run(&mut self, label: &str, ixs: &[Instruction], signers: &[&Keypair]) -> TxResult {
        let program = ixs.last().expect("instructions").program_id;
        let res = self.fx.env.send(ixs, signers).await;
        let logs = self.fx.env.last_logs.clone();
        let per_ix = units_per_instruction(&logs);
        let units = per_ix.last().map_or(0, |&(_, n)| n);
        let mut state = BTreeMap::new();
        for k in self.watched.clone() {
            if let Some(a) = self.fx.env.account(&k).await {
                state.insert(k, a.data);
            }
        }
        if std::env::var_os("HEDGE_CU_TRACE").is_some() {
            eprintln!("{units:>9} CU  {label}  {:?}", custom_code(&res));
            if std::env::var("HEDGE_CU_TRACE").as_deref() == Ok("logs") {
                eprintln!("{}", logs.join("\n"));
            }
        }
        // Labels are the baseline's keys: a repeated one gets its ordinal (`… #2`).
        let seen = self
            .steps
            .iter()
            .filter(|s| s.label == label || s.label.starts_with(&format!("{label} #")))
            .count();
        let label = if seen == 0 {
            label.to_string()
        } else {
            format!("{label} #{}", seen + 1)
        };
        self.steps.push(Step {
            label,
            program,
            units,
            outcome: match &res {
                Ok(_) => Ok(()),
                Err(_) => Err(custom_code(&res)),
            },
            events: event_payloads(&logs),
            return_data: self.fx.env.last_return.clone().map(|(_, d)| d),
            state,
        });
        res
    }

    async fn must(&mut self, label: &str, ixs: &[Instruction], signers: &[&Keypair]) {
        let r = self.run(label, ixs, signers).await;
        assert!(r.is_ok(), "{label}: {r:?}\n{}", self.fx.env.last_logs.join("\n"));
    }
}

/// A call option leg, `i` varies the strike and expiry so every leg is priced separately.
fn leg(i: u64, now: i64) -> OptionLeg {
    OptionLeg::new(
        if i.is_multiple_of(2) {
            LegKind::Call
        } else {
            LegKind::Put
        },
        (120 + 5 * (i % 12)) * 1_000_000,
        now + 86_400 * (20 + i as i64),
        -((SOL / 10) as i64),
        0,
    )
}

/// Runs the scenario on `programs`.
pub async fn scenario(programs: Programs) -> Run {
    let env = Env::with_programs(programs).await;
    let fx = Fixture::bare_on(env, spl_token::ID).await;
    let watched = vec![
        fx.pdas.vault,
        fx.pdas.share_mint,
        fx.pdas.collateral_vault,
        fx.pdas.share_escrow,
        fx.pending_pda(),
    ];
    let mut r = Recorder {
        fx,
        watched,
        steps: Vec::new(),
    };
    let authority = r.fx.authority.insecure_clone();

    // ---- one leg's Greeks (read-only quote)
    for (label, kind, spot, strike, t, rate, carry) in [
        (
            "quote_option (ATM call)",
            LegKind::Call,
            150.0,
            150.0,
            0.25,
            0.0,
            0.0,
        ),
        (
            "quote_option (OTM put, r and q)",
            LegKind::Put,
            150.0,
            120.0,
            0.5,
            0.045,
            0.07,
        ),
    ] {
        let fx = |x: f64| hedge_math::Fix::from_num(x).to_bits();
        let ix = hedge_client::quote_option(hedge_vault::QuoteOptionArgs {
            kind,
            spot_fx: fx(spot),
            strike_fx: fx(strike),
            vol_fx: fx(0.65),
            t_years_fx: fx(t),
            rate_fx: fx(rate),
            carry_fx: fx(carry),
        });
        r.must(label, &[ix], &[]).await;
    }

    // ---- admin
    let args = r.fx.init_args();
    let ix = r.fx.init_ix(args);
    r.must("initialize_vault", &[ix], &[&authority]).await;

    let mut ms: Vec<VenueMarket> = Vec::new();
    for i in 0..2u16 {
        ms.push(r.fx.create_market(i, 10_000 * SOL).await);
    }
    for m in &ms {
        r.watched.extend([m.market, m.margin]);
    }
    let mut p = r.fx.params_with_venues(&ms, 1_000 * SOL);
    // Venue 1 takes nothing until the split round below: the leg rounds measure one venue
    // CPI, as their budget is defined.
    p.venues[1].cap_units = 0;
    p.risk.keeper_reward = 1_000_000;
    p.risk.max_rebalance_units = 1_000 * SOL;
    p.fees.management_fee_bps = 100;
    p.fees.performance_fee_bps = 1_000;
    governed(&mut r, p, "").await;

    // a change that is cancelled
    let mut q = p;
    q.risk.delta_band_bps = 400;
    let change = r.fx.changes_to(q).await.remove(0);
    let ix = r.fx.queue_change_ix(&authority.pubkey(), change);
    r.must("queue_params (to cancel)", &[ix], &[&authority]).await;
    let ix = r.fx.cancel_params_ix(&authority.pubkey());
    r.must("cancel_params", &[ix], &[&authority]).await;

    let guardian = r.fx.guardian.insecure_clone();
    let ix = r.fx.set_pause_ix(&guardian.pubkey(), 1, false);
    r.must("set_pause", &[ix], &[&guardian]).await;
    let ix = r.fx.set_pause_ix(&authority.pubkey(), 0, false);
    r.must("set_pause (unpause)", &[ix], &[&authority]).await;

    let next = r.fx.env.funded_keypair().await;
    let ix = r.fx.propose_authority_ix(&authority.pubkey(), next.pubkey());
    r.must("propose_authority", &[ix], &[&authority]).await;
    let ix = r.fx.accept_authority_ix(&next.pubkey());
    r.must("accept_authority", &[ix], &[&next]).await;
    r.fx.authority = next;

    let vu = r.fx.vol_updater.insecure_clone();
    let ix = r.fx.update_vol_ix(&vu.pubkey(), 6_500);
    r.must("update_vol", &[ix], &[&vu]).await;

    // ---- users
    let u = r.fx.user(500 * SOL).await;
    let r_pda = r.fx.request_pda(&u.kp.pubkey());
    r.watched.extend([u.collateral, u.shares, r_pda]);
    let ixs = [r.fx.refresh_nav_ix(&ms), r.fx.deposit_ix(&u, 200 * SOL, 0)];
    r.must("deposit", &ixs, &[&u.kp]).await;
    let ixs = [r.fx.refresh_nav_ix(&ms)];
    r.must("refresh_nav (2 venues)", &ixs, &[]).await;

    let ixs = [r.fx.refresh_nav_ix(&ms), r.fx.request_ix(&u, 10 * SOL)];
    r.must("request_withdraw", &ixs, &[&u.kp]).await;
    let ix = r.fx.client().cancel_withdraw(&u.holder());
    r.must("cancel_withdraw", &[ix], &[&u.kp]).await;

    // ---- keeper: margin and rebalances with 1, 4 and 16 legs
    let (k, kc) = r.fx.keeper().await;
    r.watched.push(kc);
    // A different delta target each round, so that every round has a breach to trade.
    for (n, label, target_bps) in [
        (1usize, "1 leg", -5_000),
        (4, "4 legs", -2_000),
        (16, "16 legs", -6_000),
    ] {
        let now = r.fx.env.now().await;
        let mut p2 = p;
        p2.risk.delta_target_bps = target_bps;
        p2.legs = Default::default();
        for (i, l) in p2.legs.iter_mut().take(n).enumerate() {
            *l = leg(i as u64, now);
        }
        p2.leg_count = n as u8;
        governed(&mut r, p2, label).await;
        let ix = r.fx.check_delta_ix();
        r.must(&format!("check_delta ({label})"), &[budget(), ix], &[])
            .await;
        let ixs = [
            budget(),
            r.fx.refresh_nav_ix(&ms),
            r.fx.rebalance_margin_ix(&ms[0], 0),
        ];
        r.run(&format!("rebalance_margin ({label})"), &ixs, &[])
            .await
            .ok();
        let seq = r.fx.vault().await.sequence;
        let ix = r.fx.rebalance_ix(&k.pubkey(), kc, &ms[0], seq, 0);
        r.must(&format!("rebalance ({label})"), &[budget(), ix], &[&k])
            .await;
        r.fx.advance(120).await;
    }

    // ---- fees and the hedged withdrawal
    r.fx.advance(86_400).await;
    let fee_shares = r.fx.env.create_token_account(
        &r.fx.pdas.share_mint,
        &r.fx.fee_recipient.pubkey(),
        0,
        &spl_token::ID,
    );
    r.watched.push(fee_shares);
    let ixs = [budget(), r.fx.refresh_nav_ix(&ms), r.fx.claim_fees_ix(fee_shares)];
    r.must("claim_fees", &ixs, &[]).await;
    let ixs = [budget(), r.fx.refresh_nav_ix(&ms), r.fx.request_ix(&u, 50 * SOL)];
    r.must("request_withdraw (hedged)", &ixs, &[&u.kp]).await;
    r.fx.advance(3_700).await;
    let ixs = [
        budget(),
        r.fx.refresh_nav_ix(&ms),
        r.fx.complete_ix_hedged(&u, &ms),
    ];
    r.must("complete_withdraw (hedged, 2 venues)", &ixs, &[&u.kp])
        .await;

    // ---- a venue fails: the guardian freezes it; NAV marks it at its haircut.
    let ix = r.fx.freeze_venue_ix(&guardian.pubkey(), 1);
    r.must("freeze_venue", &[ix], &[&guardian]).await;
    let ixs = [budget(), r.fx.refresh_nav_ix(&ms)];
    r.must("refresh_nav (2 venues, one frozen)", &ixs, &[]).await;

    venue_steps(&mut r, &ms[1]).await;

    // ---- the oracle dies: after a day without an accepted update, the in-kind exit.
    r.fx.env.advance(hedge_vault::constants::ORACLE_DEAD_SECS).await;
    let shares = r.fx.env.balance(&u.shares).await;
    let ix = r.fx.emergency_withdraw_ix(&u, shares / 2, 0);
    r.must("emergency_withdraw", &[ix], &[&u.kp]).await;

    // ---- the feed is back: one rebalance split over both venues (identical venues: an
    // even split)
    r.fx.advance(60).await;
    let mut p3 = p;
    p3.venues[1].cap_units = 1_000 * SOL;
    p3.risk.delta_target_bps = -3_000;
    p3.legs = Default::default();
    p3.leg_count = 0;
    governed(&mut r, p3, "2 venues").await;
    for (i, m) in ms.iter().enumerate() {
        let ixs = [
            budget(),
            r.fx.refresh_nav_ix(&ms),
            r.fx.rebalance_margin_ix(m, i as u8),
        ];
        r.run(
            &format!("rebalance_margin (venue {i}, before a split)"),
            &ixs,
            &[],
        )
        .await
        .ok();
    }
    let seq = r.fx.vault().await.sequence;
    let ix = r.fx.rebalance_ix(&k.pubkey(), kc, &ms[0], seq, 0);
    r.must("rebalance (split over 2 venues)", &[budget(), ix], &[&k])
        .await;
    r.fx.advance(120).await;

    Run { steps: r.steps }
}

/// The transaction-wide maximum (1.4 M CU), so that instructions over the default
/// 200 k per instruction are measured instead of cut off.
fn budget() -> Instruction {
    solana_compute_budget_interface::ComputeBudgetInstruction::set_compute_unit_limit(1_400_000)
}

/// Queues `p` (as many changes as it needs), lets the timelock pass, applies it.
async fn governed(r: &mut Recorder, p: VaultParams, label: &str) {
    let authority = r.fx.authority.insecure_clone();
    let changes: Vec<ParamsChange> = r.fx.changes_to(p).await;
    let suffix = if label.is_empty() {
        String::new()
    } else {
        format!(" ({label})")
    };
    for (i, c) in changes.into_iter().enumerate() {
        let ix = if i == 0 {
            r.fx.queue_change_ix(&authority.pubkey(), c)
        } else {
            r.fx.amend_change_ix(&authority.pubkey(), c)
        };
        let name = if i == 0 { "queue_params" } else { "amend_params" };
        r.must(&format!("{name}{suffix}"), &[ix], &[&authority]).await;
    }
    let timelock = r.fx.vault().await.params.timelock_secs;
    let ix = r.fx.extend_timelock_ix(&authority.pubkey(), timelock + 60);
    r.must(&format!("extend_timelock{suffix}"), &[ix], &[&authority])
        .await;
    let delay = i64::from(timelock) + 121;
    r.fx.advance(delay).await;
    let ix = r.fx.apply_ix(&authority.pubkey());
    let refresh = hedge_client::refresh_nav(r.fx.pdas.vault, &r.fx.venues, r.fx.oracles());
    r.must(
        &format!("apply_params{suffix}"),
        &[budget(), refresh, ix],
        &[&authority],
    )
    .await;
    r.fx.sync_venues().await;
}

/// The venue's own instructions, by an independent trader.
async fn venue_steps(r: &mut Recorder, m: &VenueMarket) {
    let trader = r.fx.env.funded_keypair().await;
    let tp = spl_token::ID;
    let mint = r.fx.collateral_mint;
    let src = r.fx.env.create_token_account(&mint, &trader.pubkey(), 0, &tp);
    let auth = r.fx.mint_authority.insecure_clone();
    r.fx.env.mint_to(&mint, &src, &auth, 100 * SOL, &tp).await;
    let margin = Fixture::margin_pda(&m.market, &trader.pubkey());
    r.watched.extend([src, margin]);
    let keys = r.fx.market_keys(m.market);
    let ix = hedge_client::venue::create_margin_account(m.market, trader.pubkey(), trader.pubkey());
    r.must("venue: create_margin_account", &[ix], &[&trader]).await;
    let ix = hedge_client::venue::deposit_margin(&keys, trader.pubkey(), src, 50 * SOL);
    r.must("venue: deposit_margin", &[ix], &[&trader]).await;
    let order = |size: i64, limit: f64| {
        hedge_client::venue::place_order(&keys, trader.pubkey(), size, hedge_math::Fix::from_num(limit))
    };
    let buy = order(5 * SOL as i64, 1_000.0);
    r.must("venue: place_order (buy)", &[buy], &[&trader]).await;
    r.fx.advance(600).await;
    let sell = order(-(5 * SOL as i64), 1.0);
    r.must("venue: place_order (close)", &[sell], &[&trader]).await;
    let ix = hedge_client::venue::withdraw_margin(&keys, trader.pubkey(), src, 10 * SOL);
    r.must("venue: withdraw_margin", &[ix], &[&trader]).await;
    let ix =
        r.fx.set_market_status_ix(m, perp_venue::state::MarketStatus::Paused);
    r.must("venue: set_market_status", &[ix], &[&auth]).await;
    let ix =
        r.fx.set_market_status_ix(m, perp_venue::state::MarketStatus::Active);
    r.must("venue: set_market_status (re-open)", &[ix], &[&auth])
        .await;
}
