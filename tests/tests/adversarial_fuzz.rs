//! Stateful fuzzer with an attacker (issue "Security audit findings", class hardening).
//!
//! Long random sequences of every user, keeper, governance and venue instruction against
//! a hedged vault, by two depositors, a keeper, a liquidator, the guardian and an
//! attacker who can
//! * donate to any token account (the vault's collateral, the share escrow, the venue's
//!   pool);
//! * choose among valid oracle updates (re-publish an older one, or one whose price
//!   differs from the last by up to its confidence) and round-trip through the vault
//!   between them;
//! * liquidate the vault at the venue, pause the vault as guardian (the venue stopping),
//!   and race the keeper.
//!
//! After every step (checked from raw accounts, not from the program's own books):
//! * no instruction panics: every failure is a typed custom error;
//! * share accounting is exact: the supply is what the holders and the escrow hold, the
//!   escrowed shares are exactly the open requests', and tracked collateral is the
//!   balance less what was donated;
//! * a donation never moves NAV;
//! * the attacker's round trips never return more collateral than they put in.
//!
//! At the end every holder exits in full (the vault never freezes).
//!
//! CI runs a short version (`FUZZ_CASES`, default 12). The long run is
//! `FUZZ_CASES=500 FUZZ_STEPS=80 cargo test --release -p hedge-localnet --test adversarial_fuzz -- --nocapture`;
//! both print executions per second (docs/security.md has the figures).
use std::time::Instant;

use anchor_spl::token::spl_token;
use hedge_localnet::fixture::{Fixture, User};
use hedge_localnet::pyth::Quote;
use hedge_localnet::venue::VenueMarket;
use hedge_localnet::TxResult;
use hedge_vault::state::pause;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use solana_instruction_error::InstructionError;
use solana_signer::Signer;
use solana_transaction::TransactionError;

const SOL: u64 = 1_000_000_000;
const HONEST: usize = 2;

#[derive(Debug, Clone)]
enum Op {
    Deposit {
        user: usize,
        amount: u64,
    },
    Request {
        user: usize,
        bps: u16,
    },
    Complete {
        user: usize,
    },
    Cancel {
        user: usize,
    },
    /// The price moves by `bps` (a fresh update).
    Move {
        bps: i16,
    },
    Keeper,
    Liquidate,
    /// The attacker donates to the collateral account (0), the escrow (1) or the venue pool (2).
    Donate {
        target: u8,
        amount: u64,
    },
    /// The attacker deposits at one update and requests at the next, `bps` away (within
    /// the confidence), then completes.
    RoundTrip {
        amount: u64,
        bps: i16,
    },
    /// The attacker re-publishes an update older than the newest used and tries a deposit.
    StaleUpdate,
    /// The guardian pauses hedging (the venue stopped), then governance resumes it.
    VenueOutage,
    Wait {
        secs: i64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let user = 0..HONEST;
    prop_oneof![
        3 => (user.clone(), SOL..50 * SOL).prop_map(|(user, amount)| Op::Deposit { user, amount }),
        2 => (user.clone(), 1u16..=10_000).prop_map(|(user, bps)| Op::Request { user, bps }),
        2 => user.clone().prop_map(|user| Op::Complete { user }),
        1 => user.prop_map(|user| Op::Cancel { user }),
        3 => (-300i16..=300).prop_map(|bps| Op::Move { bps }),
        3 => Just(Op::Keeper),
        1 => Just(Op::Liquidate),
        2 => (0u8..3, 1u64..5 * SOL).prop_map(|(target, amount)| Op::Donate { target, amount }),
        2 => (SOL..50 * SOL, -90i16..=90).prop_map(|(amount, bps)| Op::RoundTrip { amount, bps }),
        1 => Just(Op::StaleUpdate),
        1 => Just(Op::VenueOutage),
        1 => (1i64..3_600).prop_map(|secs| Op::Wait { secs }),
    ]
}

/// A quote at `usd` with a 1 % confidence.
fn quote(usd: f64, t: i64) -> Quote {
    let mut q = Quote::usd(usd, t);
    q.conf = q.price.unsigned_abs() / 100;
    q
}

/// Every failure must be a typed error (a program's custom code), never a panic or a
/// runtime fault.
#[track_caller]
fn typed(r: &TxResult, what: &str) {
    if let Err(e) = r {
        assert!(
            matches!(
                e,
                TransactionError::InstructionError(_, InstructionError::Custom(_))
            ),
            "{what}: untyped failure {e:?}"
        );
    }
}

struct World {
    fx: Fixture,
    m: VenueMarket,
    users: Vec<User>,
    attacker: User,
    keeper: (solana_keypair::Keypair, anchor_lang::prelude::Pubkey),
    liquidator: (solana_keypair::Keypair, anchor_lang::prelude::Pubkey),
    /// Collateral donated to the vault's account (base units).
    donated: u64,
    steps: u64,
    /// The last failure, for the messages of the exit checks.
    last_error: String,
}

impl World {
    async fn new() -> Self {
        let mut fx = Fixture::new().await;
        let m = fx.create_market(0, 100_000 * SOL).await;
        let mut p = fx.params_with_venues(&[m], 10_000 * SOL);
        p.limits.withdrawal_delay_secs = 120;
        fx.govern(p).await;
        let mut users = Vec::new();
        for _ in 0..HONEST {
            users.push(fx.user(500 * SOL).await);
        }
        let attacker = fx.user(500 * SOL).await;
        let keeper = fx.keeper().await;
        let liquidator = fx.liquidator(&m).await;
        let mut w = World {
            fx,
            m,
            users,
            attacker,
            keeper,
            liquidator,
            donated: 0,
            steps: 0,
            last_error: String::new(),
        };
        w.publish(150.0).await;
        w
    }

    async fn publish(&mut self, usd: f64) {
        let t = self.fx.env.now().await;
        self.fx.price_usd = usd;
        let q = quote(usd, t);
        self.fx.set_quote(q);
    }

    async fn send(
        &mut self,
        ixs: &[anchor_lang::solana_program::instruction::Instruction],
        kp: Option<&User>,
        what: &str,
    ) -> bool {
        self.steps += 1;
        let r = match kp {
            Some(u) => {
                let k = u.kp.insecure_clone();
                self.fx.send(ixs, &[&k]).await
            }
            None => self.fx.send(ixs, &[]).await,
        };
        typed(&r, what);
        if let Err(e) = &r {
            self.last_error = format!("{what}: {e:?}");
        }
        r.is_ok()
    }

    /// Holder `i` (the attacker is `HONEST`).
    fn user(&self, i: usize) -> User {
        let u = if i < HONEST {
            &self.users[i]
        } else {
            &self.attacker
        };
        User {
            kp: u.kp.insecure_clone(),
            collateral: u.collateral,
            shares: u.shares,
        }
    }

    async fn flow(
        &mut self,
        i: usize,
        ix: anchor_lang::solana_program::instruction::Instruction,
        what: &str,
    ) -> bool {
        let refresh = self.fx.refresh_nav_ix(&[self.m]);
        let u = self.user(i);
        self.send(&[refresh, ix], Some(&u), what).await
    }

    async fn complete(&mut self, i: usize) -> bool {
        let ix = self.fx.complete_ix_hedged(&self.user(i), &[self.m]);
        self.flow(i, ix, "complete").await
    }

    async fn nav(&mut self) -> u64 {
        let refresh = self.fx.refresh_nav_ix(&[self.m]);
        if self.send(&[refresh], None, "refresh").await {
            self.fx.vault().await.total_assets()
        } else {
            0
        }
    }

    async fn step(&mut self, op: &Op) {
        match *op {
            Op::Deposit { user, amount } => {
                let ix = self.fx.deposit_ix(&self.users[user], amount, 0);
                self.flow(user, ix, "deposit").await;
            }
            Op::Request { user, bps } => {
                let held = self.fx.env.balance(&self.users[user].shares).await;
                let shares = held * u64::from(bps) / 10_000;
                if shares > 0 {
                    let ix = self.fx.request_ix(&self.users[user], shares);
                    self.flow(user, ix, "request").await;
                }
            }
            Op::Complete { user } => {
                self.complete(user).await;
            }
            Op::Cancel { user } => {
                let r = self.fx.cancel(&self.users[user]).await;
                typed(&r, "cancel");
            }
            Op::Move { bps } => {
                self.fx.env.advance(2).await;
                let p = self.fx.price_usd * (1.0 + f64::from(bps) / 10_000.0);
                self.publish(p).await;
            }
            Op::Keeper => {
                let (k, kc) = (self.keeper.0.insecure_clone(), self.keeper.1);
                let margin = self.fx.rebalance_margin_ix(&self.m, 0);
                typed(&self.fx.send(&[margin], &[]).await, "rebalance_margin");
                let seq = self.fx.vault().await.sequence;
                let ix = self.fx.rebalance_ix(&k.pubkey(), kc, &self.m, seq, 0);
                typed(&self.fx.send(&[ix], &[&k]).await, "rebalance");
            }
            Op::Liquidate => {
                let (l, lm) = (self.liquidator.0.insecure_clone(), self.liquidator.1);
                let ix = self.fx.liquidate_vault_ix(&self.m, &l.pubkey(), lm);
                typed(&self.fx.send(&[ix], &[&l]).await, "liquidate");
            }
            Op::Donate { target, amount } => self.donate(target, amount).await,
            Op::RoundTrip { amount, bps } => self.round_trip(amount, bps).await,
            Op::StaleUpdate => {
                // An update one second older than the newest the vault has used, at a
                // price 2 % better for a depositor: refused, whatever it says.
                let used = self.fx.vault().await.last_publish_time;
                let now = self.fx.env.now().await;
                if used > 0 && now - (used - 1) <= 60 {
                    let fresh = self.fx.price_usd;
                    self.fx.set_quote(quote(fresh * 0.98, used - 1));
                    let ix = self.fx.deposit_ix(&self.attacker, SOL, 0);
                    let refresh = self.fx.refresh_nav_ix(&[self.m]);
                    let a = self.attacker.kp.insecure_clone();
                    let r = self.fx.send(&[refresh, ix], &[&a]).await;
                    assert_eq!(
                        hedge_localnet::custom_code(&r),
                        Some(u32::from(hedge_vault::error::VaultError::OracleOlderThanSeen)),
                        "an update older than one already used: {r:?}"
                    );
                    self.publish(fresh).await;
                }
            }
            Op::VenueOutage => {
                let g = self.fx.guardian.insecure_clone();
                let ix = self
                    .fx
                    .set_pause_ix(&g.pubkey(), pause::REBALANCE | pause::MARGIN, false);
                typed(&self.fx.send(&[ix], &[&g]).await, "pause");
                // Exits still work while hedging is stopped.
                let i = self.steps as usize % HONEST;
                self.complete(i).await;
                let a = self.fx.authority.insecure_clone();
                let ix = self.fx.set_pause_ix(&a.pubkey(), 0, false);
                typed(&self.fx.send(&[ix], &[&a]).await, "unpause");
            }
            Op::Wait { secs } => {
                self.fx.env.advance(secs).await;
                let p = self.fx.price_usd;
                self.publish(p).await;
            }
        }
    }

    async fn donate(&mut self, target: u8, amount: u64) {
        let before = self.nav().await;
        let a = self.attacker.kp.insecure_clone();
        let (from, mint, to, amount) = match target {
            0 => (
                self.attacker.collateral,
                self.fx.collateral_mint,
                self.fx.pdas.collateral_vault,
                amount,
            ),
            1 => {
                let held = self.fx.env.balance(&self.attacker.shares).await;
                if held == 0 {
                    return;
                }
                (
                    self.attacker.shares,
                    self.fx.pdas.share_mint,
                    self.fx.pdas.share_escrow,
                    amount.min(held),
                )
            }
            _ => (
                self.attacker.collateral,
                self.fx.collateral_mint,
                self.m.pool,
                amount,
            ),
        };
        let ix = spl_token::instruction::transfer_checked(
            &spl_token::ID,
            &from,
            &mint,
            &to,
            &a.pubkey(),
            &[],
            amount,
            9,
        )
        .unwrap();
        let ok = self.fx.send(&[ix], &[&a]).await.is_ok();
        if ok && target == 0 {
            self.donated += amount;
        }
        let after = self.nav().await;
        if before > 0 && after > 0 {
            assert_eq!(before, after, "a donation moved NAV");
        }
    }

    async fn round_trip(&mut self, amount: u64, bps: i16) {
        // Only from a clean slate: no open request, no shares.
        if self
            .fx
            .env
            .account(&self.fx.request_pda(&self.attacker.kp.pubkey()))
            .await
            .is_some()
            || self.fx.env.balance(&self.attacker.shares).await > 0
        {
            return;
        }
        let start = self.fx.env.balance(&self.attacker.collateral).await;
        let amount = amount.min(start);
        let ix = self.fx.deposit_ix(&self.attacker, amount, 0);
        if !self.flow(HONEST, ix, "attacker deposit").await {
            return;
        }
        self.fx.env.advance(1).await;
        let p = self.fx.price_usd * (1.0 + f64::from(bps) / 10_000.0);
        self.publish(p).await;
        let shares = self.fx.env.balance(&self.attacker.shares).await;
        let ix = self.fx.request_ix(&self.attacker, shares);
        if !self.flow(HONEST, ix, "attacker request").await {
            return;
        }
        let delay = i64::from(self.fx.vault().await.params.limits.withdrawal_delay_secs);
        self.fx.env.advance(delay).await;
        self.publish(p).await;
        if self.complete(HONEST).await {
            let end = self.fx.env.balance(&self.attacker.collateral).await;
            assert!(
                end <= start,
                "the attacker's round trip gained {} base units",
                end - start
            );
        }
    }

    /// The books, from raw accounts.
    async fn check(&mut self) {
        let f = &mut self.fx;
        let v = f.vault().await;
        let supply = f.env.supply(&f.pdas.share_mint).await;
        let escrow = f.env.balance(&f.pdas.share_escrow).await;
        let collateral = f.env.balance(&f.pdas.collateral_vault).await;
        let mut held = f.env.balance(&self.attacker.shares).await;
        let mut requested = 0u64;
        for u in self.users.iter().chain(std::iter::once(&self.attacker)) {
            if u.kp.pubkey() != self.attacker.kp.pubkey() {
                held += f.env.balance(&u.shares).await;
            }
            if let Some(acc) = f.env.account(&f.request_pda(&u.kp.pubkey())).await {
                let r: hedge_vault::state::WithdrawRequest =
                    anchor_lang::AccountDeserialize::try_deserialize(&mut &acc.data[..]).unwrap();
                requested += r.shares;
            }
        }
        assert_eq!(supply, held + escrow, "supply = holdings + escrow");
        assert_eq!(v.escrowed_shares, requested, "escrowed = the open requests");
        assert_eq!(
            v.total_collateral + self.donated,
            collateral,
            "tracked = balance − donations"
        );
        v.invariant(collateral, supply, escrow).expect("Vault::invariant");
    }

    /// Everybody leaves in full: the vault never freezes.
    async fn exit_all(&mut self) {
        let p = self.fx.price_usd;
        self.publish(p).await;
        let a = self.fx.authority.insecure_clone();
        let _ = self
            .fx
            .send(&[self.fx.set_pause_ix(&a.pubkey(), 0, false)], &[&a])
            .await;
        for i in 0..=HONEST {
            let u = self.user(i);
            let _ = self.fx.cancel(&u).await;
            let shares = self.fx.env.balance(&u.shares).await;
            if shares > 0 {
                let ix = self.fx.request_ix(&u, shares);
                assert!(
                    self.flow(i, ix, "final request").await,
                    "holder {i} cannot request: {}",
                    self.last_error
                );
            }
        }
        self.fx.env.advance(3_600).await;
        self.publish(p).await;
        for i in 0..=HONEST {
            let u = self.user(i);
            if self
                .fx
                .env
                .account(&self.fx.request_pda(&u.kp.pubkey()))
                .await
                .is_some()
            {
                assert!(
                    self.complete(i).await,
                    "holder {i} cannot exit: {}",
                    self.last_error
                );
            }
            assert_eq!(self.fx.env.balance(&u.shares).await, 0);
        }
        self.check().await;
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn adversarial_sequences_keep_the_vault_whole() {
    let cases = env_usize("FUZZ_CASES", 12);
    let steps = env_usize("FUZZ_STEPS", 30);
    let mut runner = TestRunner::new(Config {
        cases: u32::try_from(cases).unwrap_or(u32::MAX),
        max_shrink_iters: 30,
        failure_persistence: None,
        ..Config::default()
    });
    let started = Instant::now();
    let executed = std::sync::atomic::AtomicU64::new(0);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runner
        .run(&prop::collection::vec(op(), steps / 2..=steps), |ops| {
            rt.block_on(async {
                let mut w = World::new().await;
                for op in &ops {
                    w.step(op).await;
                    w.check().await;
                }
                w.exit_all().await;
                executed.fetch_add(w.steps, std::sync::atomic::Ordering::Relaxed);
            });
            Ok(())
        })
        .unwrap();
    let secs = started.elapsed().as_secs_f64();
    let n = executed.into_inner();
    eprintln!(
        "adversarial fuzz: {cases} sequences, {n} transactions in {secs:.1} s ({:.0} executions/s)",
        n as f64 / secs
    );
}
