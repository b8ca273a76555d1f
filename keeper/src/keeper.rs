//! The crank: one pass over the watched vaults per tick, each operation a
//! should_run → build → send step, with per-vault error backoff so one broken vault
//! never stalls the others.
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use hedge_client::OracleAccounts;
use hedge_math::Fix;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::chain::Chain;
use crate::config::WatchedVault;
use crate::metrics::Metrics;
use crate::ops;
use crate::sender::{self, Outcome, SendPolicy};
use crate::snapshot::{self, VaultSnapshot};

/// Keeper identity and knobs.
pub struct KeeperSettings {
    pub keeper: Keypair,
    pub vol_updater: Option<Keypair>,
    pub reward_account: Pubkey,
    pub policy: SendPolicy,
    pub dry_run: bool,
    /// Settle venue funding this often (seconds).
    pub funding_interval_secs: i64,
    /// Settle a venue's P&L into collateral once it reaches this share of the position's
    /// notional (bps; see `ops::pnl`).
    pub pnl_settle_bps: u32,
    /// Submit σ when the forecast moves by at least this much (bps).
    pub vol_threshold_bps: u32,
    /// Price samples kept for the vol forecast.
    pub vol_window: usize,
}

#[derive(Default)]
struct VaultState {
    failures: u32,
    backoff_until: Option<Instant>,
    last_funding_settle: i64,
    prices: VecDeque<(i64, f64)>,
}

/// What one vault's tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VaultTick {
    /// The vault's margin account was opened at a venue (`open_venue_account`).
    pub venue_opened: bool,
    /// Expired open orders were cancelled at a venue (`cancel_venue_orders`).
    pub orders_cancelled: bool,
    pub rebalanced: bool,
    /// Program logs of the landed rebalance (events are decoded from these; empty over
    /// RPC, which does not return logs).
    pub rebalance_logs: Vec<String>,
    /// A margin top-up went with the rebalance.
    pub margin_with_rebalance: bool,
    pub margin_moved: bool,
    pub funding_settled: bool,
    /// A venue's P&L was settled into collateral.
    pub pnl_settled: bool,
    pub vol_updated: bool,
    /// Operations the program or another keeper made unnecessary.
    pub benign: u32,
    /// Skipped because of error backoff.
    pub backed_off: bool,
}

/// The keeper: settings, metrics and per-vault memory. The chain is passed to each tick,
/// so the same keeper runs against RPC, the in-process chain, or a faulty wrapper.
pub struct Keeper {
    pub settings: KeeperSettings,
    pub metrics: Arc<Metrics>,
    vaults: HashMap<Pubkey, VaultState>,
}

fn tokens(x: Fix, unit: i128) -> f64 {
    x.to_num::<f64>() / unit as f64
}

impl Keeper {
    pub fn new(settings: KeeperSettings, metrics: Arc<Metrics>) -> Self {
        Keeper {
            settings,
            metrics,
            vaults: HashMap::new(),
        }
    }

    /// One pass over `vaults`; errors are counted and backed off per vault.
    pub async fn tick<C: Chain>(
        &mut self,
        chain: &mut C,
        vaults: &[WatchedVault],
    ) -> Vec<(Pubkey, anyhow::Result<VaultTick>)> {
        let mut out = Vec::with_capacity(vaults.len());
        for w in vaults {
            let st = self.vaults.entry(w.address).or_default();
            if st.backoff_until.is_some_and(|t| Instant::now() < t) {
                out.push((
                    w.address,
                    Ok(VaultTick {
                        backed_off: true,
                        ..Default::default()
                    }),
                ));
                continue;
            }
            let res = self.tick_vault(chain, w).await;
            let st = self.vaults.entry(w.address).or_default();
            match &res {
                Ok(_) => {
                    st.failures = 0;
                    st.backoff_until = None;
                }
                Err(e) => {
                    st.failures = st.failures.saturating_add(1);
                    let secs = 1u64 << st.failures.min(6);
                    st.backoff_until = Some(Instant::now() + Duration::from_secs(secs));
                    tracing::warn!(vault = %w.address, error = %e, backoff_secs = secs, "vault tick failed");
                    self.metrics
                        .failures
                        .with_label_values(&[&w.address.to_string(), "tick"])
                        .inc();
                }
            }
            out.push((w.address, res));
        }
        out
    }

    async fn send<C: Chain>(
        &mut self,
        chain: &mut C,
        vault: &Pubkey,
        op: &str,
        ixs: &[anchor_lang::solana_program::instruction::Instruction],
        extra: &[&Keypair],
    ) -> Outcome {
        let label = vault.to_string();
        if self.settings.dry_run {
            let sim = chain.latest_blockhash().await;
            tracing::info!(vault = %vault, op, instructions = ixs.len(), blockhash_ok = sim.is_ok(), "dry run: not sending");
            return Outcome::Benign(hedge_vault::error::VaultError::NoBreach);
        }
        let started = Instant::now();
        let out = sender::send(chain, &self.settings.keeper, extra, ixs, &self.settings.policy).await;
        self.metrics
            .latency
            .with_label_values(&[op])
            .observe(started.elapsed().as_secs_f64());
        match &out {
            Outcome::Landed {
                priority_fee,
                attempts,
                ..
            } => {
                tracing::info!(vault = %vault, op, attempts, priority_fee, "landed");
                self.metrics
                    .priority_fees
                    .with_label_values(&[op])
                    .inc_by(*priority_fee);
            }
            Outcome::Benign(e) => {
                tracing::debug!(vault = %vault, op, reason = ?e, "not needed");
                self.metrics.benign.with_label_values(&[&label, op]).inc();
            }
            Outcome::Failed(e) => {
                tracing::error!(vault = %vault, op, error = %e, "failed");
                self.metrics.failures.with_label_values(&[&label, op]).inc();
            }
        }
        out
    }

    /// Sends an operation the rest of the pass depends on (the caller reads the vault
    /// again after it): whether it landed; a benign refusal is counted, a failure ends the
    /// pass for this vault.
    async fn send_prerequisite<C: Chain>(
        &mut self,
        chain: &mut C,
        vault: Pubkey,
        op: &str,
        ixs: &[Instruction],
        benign: &mut u32,
    ) -> anyhow::Result<bool> {
        match self.send(chain, &vault, op, ixs, &[]).await {
            Outcome::Landed { .. } => Ok(true),
            Outcome::Benign(_) => {
                *benign += 1;
                Ok(false)
            }
            Outcome::Failed(e) => anyhow::bail!("{op}: {e}"),
        }
    }

    /// Runs every operation for one vault.
    pub async fn tick_vault<C: Chain>(
        &mut self,
        chain: &mut C,
        w: &WatchedVault,
    ) -> anyhow::Result<VaultTick> {
        let oracles = OracleAccounts {
            underlying: w.underlying_oracle,
            collateral: w.collateral_oracle,
        };
        let s: VaultSnapshot = snapshot::load(chain, w.address, oracles).await?;
        self.metrics.observe_slot(s.slot);
        let label = w.address.to_string();
        let unit = s.unit();
        self.metrics
            .net_delta
            .with_label_values(&[&label])
            .set(tokens(s.report.net_delta, unit));
        self.metrics
            .target_delta
            .with_label_values(&[&label])
            .set(tokens(s.report.target_delta, unit));
        self.metrics
            .band
            .with_label_values(&[&label])
            .set(tokens(s.report.band, unit));
        self.metrics
            .gamma_exposure
            .with_label_values(&[&label])
            .set(s.report.gamma_exposure.to_num());

        // What each venue would liquidate the vault's account at, from its own account.
        if let Ok(mark) = hedge_vault::venues::Mark::of(&s.market, s.now) {
            for (i, (_, view)) in s.venues.iter().enumerate() {
                let price = view
                    .liquidation_price(&mark, unit)
                    .map_or(0.0, |p| p.to_num::<f64>());
                self.metrics
                    .liquidation_price
                    .with_label_values(&[&label, &i.to_string()])
                    .set(price);
            }
        }

        let mut t = VaultTick::default();
        let keeper = self.settings.keeper.pubkey();
        // A venue where the vault has no margin account yet (a Drift `User`): open it
        // first; nothing can be posted or traded there before.
        let s = match ops::open::should_run(&s) {
            None => s,
            Some(i) => {
                let ixs = ops::open::build(i, &s, keeper);
                t.venue_opened = self
                    .send_prerequisite(chain, w.address, "open_venue_account", &ixs, &mut t.benign)
                    .await?;
                snapshot::load(chain, w.address, oracles).await?
            }
        };
        // Orders that expired unfilled are cancelled before anything is planned: until then
        // the program counts them as traded.
        let s = match ops::cancel::should_run(&s) {
            None => s,
            Some(i) => {
                let ixs = ops::cancel::build(i, &s);
                t.orders_cancelled = self
                    .send_prerequisite(chain, w.address, "cancel_venue_orders", &ixs, &mut t.benign)
                    .await?;
                snapshot::load(chain, w.address, oracles).await?
            }
        };
        // Large P&L is settled into collateral first: that moves the vault's exposure, so
        // the rebalance decision is made on the state after it.
        let settle = ops::pnl::should_run(&s, self.settings.pnl_settle_bps);
        let s = if settle.is_empty() {
            s
        } else {
            match self
                .send(
                    chain,
                    &w.address,
                    "settle_pnl",
                    &ops::pnl::build(&s, &settle),
                    &[],
                )
                .await
            {
                Outcome::Landed { .. } => t.pnl_settled = true,
                Outcome::Benign(_) => t.benign += 1,
                // A venue may refuse (e.g. its P&L pool is short of a profit): keep hedging.
                Outcome::Failed(e) => tracing::warn!(vault = %w.address, error = %e, "settle_pnl failed"),
            }
            snapshot::load(chain, w.address, oracles).await?
        };
        if let Some(plan) = ops::rebalance::should_run(&s) {
            let ixs = ops::rebalance::build(&plan, &s, keeper, self.settings.reward_account);
            match self.send(chain, &w.address, "rebalance", &ixs, &[]).await {
                Outcome::Landed { logs, .. } => {
                    t.rebalanced = true;
                    t.rebalance_logs = logs;
                    t.margin_with_rebalance = !plan.margin_first.is_empty();
                    self.metrics.rebalances.with_label_values(&[&label]).inc();
                }
                Outcome::Benign(_) => t.benign += 1,
                Outcome::Failed(e) => anyhow::bail!("rebalance: {e}"),
            }
        } else if let Some(i) = ops::margin::should_run(&s) {
            match self
                .send(
                    chain,
                    &w.address,
                    "rebalance_margin",
                    &ops::margin::build(i, &s),
                    &[],
                )
                .await
            {
                Outcome::Landed { .. } => t.margin_moved = true,
                Outcome::Benign(_) => t.benign += 1,
                Outcome::Failed(e) => anyhow::bail!("rebalance_margin: {e}"),
            }
        }

        let last = self.vaults.entry(w.address).or_default().last_funding_settle;
        if ops::funding::should_run(&s, last, self.settings.funding_interval_secs) {
            match self
                .send(chain, &w.address, "settle_funding", &ops::funding::build(&s), &[])
                .await
            {
                Outcome::Landed { .. } => {
                    t.funding_settled = true;
                    self.vaults.entry(w.address).or_default().last_funding_settle = s.now;
                }
                Outcome::Benign(_) => t.benign += 1,
                Outcome::Failed(e) => tracing::warn!(vault = %w.address, error = %e, "settle_funding failed"),
            }
        }

        // Vol: sample the oracle price, forecast, push within bounds.
        let window = self.settings.vol_window;
        let st = self.vaults.entry(w.address).or_default();
        if st.prices.back().is_none_or(|(ts, _)| *ts < s.now) {
            st.prices.push_back((s.now, s.market.underlying.price.to_num()));
            while st.prices.len() > window {
                st.prices.pop_front();
            }
        }
        let vol_due =
            s.now.saturating_sub(s.vault.sigma_updated_at) >= i64::from(s.vault.params.vol.min_interval_secs);
        if let Some(vu) = self
            .settings
            .vol_updater
            .as_ref()
            .filter(|_| vol_due)
            .map(|k| k.insecure_clone())
        {
            let st = &self.vaults[&w.address];
            if st.prices.len() >= 32 {
                let (first, last) = (st.prices[0].0, st.prices[st.prices.len() - 1].0);
                let period = (last - first) as f64 / (st.prices.len() - 1) as f64;
                let prices: Vec<f64> = st.prices.iter().map(|p| p.1).collect();
                if let Some(sigma) = crate::vol::forecast_sigma(&prices, period.max(1.0)) {
                    if let Some(bps) = ops::vol::should_run(&s, sigma, self.settings.vol_threshold_bps) {
                        let ixs = ops::vol::build(&s, vu.pubkey(), bps);
                        match self.send(chain, &w.address, "update_vol", &ixs, &[&vu]).await {
                            Outcome::Landed { .. } => t.vol_updated = true,
                            Outcome::Benign(_) => t.benign += 1,
                            Outcome::Failed(e) => {
                                tracing::warn!(vault = %w.address, error = %e, "update_vol failed")
                            }
                        }
                    }
                }
            }
        }
        Ok(t)
    }
}
