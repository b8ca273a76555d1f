//! `hedge-keeper simulate`: the whole product end to end on an in-process chain.
//!
//! An in-process chain (solana-program-test with the vault and the perp venue loaded
//! natively) gets a vault, a perp market with an LP, Pyth `PriceUpdateV2` accounts and
//! depositors. A price path (generated GBM by default, or a Date/Close CSV) drives the
//! oracle; at every step the keeper runs exactly what `hedge-keeper run` runs: snapshot
//! with the on-chain pricing, then the rebalance / margin / funding / vol operations
//! through the same sender. Depositors deposit and withdraw along the way. The report
//! says how well the vault tracked its target and what it cost.
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use hedge_localnet::fixture::{Fixture, User};
use hedge_localnet::pyth::Quote;
use hedge_localnet::venue::VenueMarket;
use hedge_math::Fix;
use hedge_vault::events::Rebalanced;
use hedge_vault::state::{LegKind, OptionLeg, Vault};
use rand::{Rng, SeedableRng};
use serde::Serialize;
use solana_keypair::Keypair;
use solana_signer::Signer;

use std::sync::Arc;

use crate::chain::local::LocalChain;
use crate::config::WatchedVault;
use crate::keeper::{Keeper, KeeperSettings};
use crate::metrics::Metrics;
use crate::sender::SendPolicy;
use crate::snapshot;

pub use super::live::Live;

/// The target book the vault replicates.
#[derive(Debug, Clone, Copy, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Book {
    /// No legs, delta target 0.
    Neutral,
    /// Keep the collateral and buy an at-the-money put on it.
    ProtectivePut,
    /// Keep the collateral and sell a 10 % out-of-the-money call on it.
    CoveredCall,
}

/// Arguments of `hedge-keeper simulate` (all optional).
#[derive(Debug, Args, Clone)]
pub struct SimulateArgs {
    /// Price path from a CSV with a Date column and `--column` (e.g. a daily SOL-USD
    /// file); one row per step. Default: a generated GBM path.
    #[arg(long, value_name = "FILE.csv")]
    pub prices: Option<PathBuf>,
    /// Price column of `--prices`.
    #[arg(long, default_value = "Close")]
    pub column: String,
    /// Steps of the generated path (ignored with `--prices`, which uses every row).
    #[arg(long, default_value_t = 1_000)]
    pub steps: usize,
    /// Seconds per step (default 1 hour; with `--prices` daily data use 86400).
    #[arg(long, default_value_t = 3_600)]
    pub step_secs: i64,
    /// Seed of the generated path and of the depositors' behaviour.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Annualised diffusion volatility of the generated path (a Merton jump-diffusion:
    /// four jumps a year, log-sizes N(−5 %, 10 %)).
    #[arg(long, default_value_t = 0.8)]
    pub sigma: f64,
    /// First price of the generated path (quote per token).
    #[arg(long, default_value_t = 150.0)]
    pub start_price: f64,
    /// The book to replicate.
    #[arg(long, value_enum, default_value = "neutral")]
    pub book: Book,
    /// Venue funding rate (bps per year, longs pay shorts when positive).
    #[arg(long, default_value_t = 1_000, allow_negative_numbers = true)]
    pub funding_bps: i32,
    /// Write the report as JSON here.
    #[arg(long, value_name = "PATH")]
    pub report_json: Option<PathBuf>,
    /// Show the programs' own log lines (natively they print to stdout; hidden by default).
    #[arg(long)]
    pub program_logs: bool,
    /// After the run, keep the chain alive and serve Solana JSON-RPC (HTTP) on this
    /// address, e.g. 127.0.0.1:8899, for the web app and `hedge-keeper run`. Stops on
    /// Ctrl-C.
    #[arg(long, value_name = "ADDR")]
    pub serve: Option<std::net::SocketAddr>,
    /// While serving: wall-clock milliseconds between automatic steps (a new price on the
    /// same jump-diffusion, time moving on by `--serve-step-secs`, a `check_delta`, the
    /// built-in keeper's tick). 0 = no automatic steps: time and price move only through
    /// the `hedgeSim_*` methods.
    #[arg(long, default_value_t = 3_000)]
    pub tick_ms: u64,
    /// While serving: simulated seconds per automatic step.
    #[arg(long, default_value_t = 60)]
    pub serve_step_secs: i64,
    /// While serving: the built-in keeper stays idle, so an external `hedge-keeper run`
    /// pointed at the endpoint does the cranking.
    #[arg(long)]
    pub external_keeper: bool,
}

/// The simulation report. Units: delta errors in whole underlying tokens, money in quote
/// currency (USD), rewards in whole collateral tokens, NAV per share in collateral per share.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub book: Book,
    pub steps: usize,
    pub step_secs: i64,
    pub start_price: f64,
    pub end_price: f64,
    pub rebalances: u64,
    pub margin_moves: u64,
    pub vol_updates: u64,
    pub deposits: u64,
    pub withdrawals: u64,
    /// Largest |net − target| right after a rebalance (tokens).
    pub max_abs_delta_error_after_rebalance: f64,
    /// The same as a fraction of the band at that moment (≤ 1 means within band).
    pub max_error_over_band_after_rebalance: f64,
    /// Mean |net − target| observed at each step before the keeper acts (tokens).
    pub mean_abs_delta_error: f64,
    /// Mean band half-width (tokens).
    pub mean_band: f64,
    pub final_nav_per_share: f64,
    pub final_nav_quote: f64,
    /// Execution cost of hedge trades against the oracle: fees plus impact (USD).
    pub hedge_costs: f64,
    /// Funding received (+) or paid (−) by the hedge (USD).
    pub funding_pnl: f64,
    /// Keeper rewards paid (tokens).
    pub keeper_rewards: f64,
    /// Book gamma exposure per 1 % move (USD): min, mean, max over the run.
    pub gamma_exposure_min: f64,
    pub gamma_exposure_mean: f64,
    pub gamma_exposure_max: f64,
    pub final_sigma: f64,
    /// (step, NAV per share in collateral) at every tenth of the run.
    pub nav_per_share_series: Vec<(usize, f64)>,
    pub wall_secs: f64,
}

const SOL: u64 = 1_000_000_000;

fn f(x: Fix) -> f64 {
    x.to_num()
}

/// Reads a price column from a CSV.
pub fn read_prices(path: &PathBuf, column: &str) -> anyhow::Result<Vec<f64>> {
    let mut rdr = csv::Reader::from_path(path).with_context(|| format!("cannot open {}", path.display()))?;
    let idx = rdr
        .headers()?
        .iter()
        .position(|h| h == column)
        .with_context(|| format!("{}: no '{column}' column", path.display()))?;
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec?;
        let v: f64 = rec
            .get(idx)
            .unwrap_or("")
            .trim()
            .parse()
            .with_context(|| format!("{}: line {}: bad price", path.display(), i + 2))?;
        if !(v.is_finite() && v > 0.0) {
            bail!("{}: line {}: price must be > 0", path.display(), i + 2);
        }
        out.push(v);
    }
    if out.len() < 2 {
        bail!("{}: need at least two prices", path.display());
    }
    Ok(out)
}

/// The default price path: a seeded Merton jump-diffusion.
pub fn default_path(start: f64, sigma: f64, steps: usize, step_secs: i64, seed: u64) -> Vec<f64> {
    let dt = step_secs as f64 / 31_536_000.0;
    crate::backtest::generators::Generator::Merton {
        mu: 0.0,
        sigma,
        lambda: 4.0,
        jump_mu: -0.05,
        jump_sigma: 0.1,
    }
    .path(start, dt, steps, seed)
}

pub(crate) struct Sim {
    pub(crate) fx: Fixture,
    pub(crate) markets: Vec<VenueMarket>,
    pub(crate) keeper: Keypair,
    keeper_rewards_to: anchor_lang::prelude::Pubkey,
    users: Vec<User>,
    pending: Vec<bool>,
    policy: SendPolicy,
}

impl Sim {
    async fn refresh_and(
        &mut self,
        ix: anchor_lang::solana_program::instruction::Instruction,
        signer: &Keypair,
    ) -> bool {
        let ixs = [self.fx.refresh_nav_ix(&self.markets), ix];
        self.fx.send(&ixs, &[signer]).await.is_ok()
    }

    async fn nav(&mut self) -> anyhow::Result<(Vault, u64)> {
        let ix = self.fx.refresh_nav_ix(&self.markets);
        self.fx
            .send(&[ix], &[])
            .await
            .map_err(|e| anyhow::anyhow!("refresh_nav: {e}"))?;
        let v = self.fx.vault().await;
        let supply = self.fx.env.supply(&self.fx.pdas.share_mint).await;
        Ok((v, supply))
    }
}

/// Runs the simulation and returns its report.
pub async fn run(args: SimulateArgs) -> anyhow::Result<Report> {
    Ok(run_live(args).await?.0)
}

/// Runs the simulation and returns its report and the still-running chain.
pub async fn run_live(args: SimulateArgs) -> anyhow::Result<(Report, Live)> {
    let started = Instant::now();
    // Natively built programs print `msg!` lines straight to stdout; keep stdout for the
    // report unless asked.
    let quiet = if args.program_logs {
        None
    } else {
        gag::Gag::stdout().ok()
    };
    let path = match &args.prices {
        Some(p) => read_prices(p, &args.column)?,
        None => default_path(
            args.start_price,
            args.sigma,
            args.steps,
            args.step_secs,
            args.seed,
        ),
    };
    let steps = path.len() - 1;
    eprintln!(
        "simulate: {} steps of {} s, book {:?}, path {}",
        steps,
        args.step_secs,
        args.book,
        args.prices
            .as_ref()
            .map_or("Merton jump-diffusion (generated)".to_string(), |p| {
                p.display().to_string()
            })
    );

    // ---- Deploy: vault, perp market with LP, oracle, depositors ----
    let mut fx = Fixture::new().await;
    // Publish the feed where Pyth's push oracle keeps it (shard 0), as on mainnet, so
    // clients (the web app) find it from the vault's feed id alone.
    fx.oracle = super::live::pyth_feed_account(0, &fx.feed_id);
    if args.serve.is_some() {
        // The served history (charts, recent rebalances) starts with the run itself.
        fx.env.start_journal();
    }
    fx.set_price(path[0]).await;
    let market = fx.create_market(0, 1_000_000 * SOL).await;
    set_funding(&mut fx, &market, args.funding_bps).await?;
    let markets = vec![market];
    let mut params = fx.params_with_venues(&markets, 100_000 * SOL);
    params.risk.keeper_reward = SOL / 10_000;
    params.risk.rebalance_cooldown_secs = 60;
    params.risk.max_rebalance_units = 10_000 * SOL;
    params.vol.min_interval_secs = 86_400;
    let initial_deposit = 100 * SOL;
    let users_n = 3u64;
    let notional = i64::try_from(initial_deposit * users_n).unwrap_or(i64::MAX);
    let start = fx.env.now().await + 3_600;
    let horizon = start + args.step_secs * i64::try_from(steps).unwrap_or(i64::MAX) + 86_400;
    match args.book {
        Book::Neutral => {}
        Book::ProtectivePut | Book::CoveredCall => {
            params.risk.delta_target_bps = 10_000;
            params.leg_count = 1;
            let (kind, strike, qty) = match args.book {
                Book::ProtectivePut => (LegKind::Put, path[0], notional),
                _ => (LegKind::Call, path[0] * 1.1, -notional),
            };
            params.legs[0] = OptionLeg {
                kind,
                strike_e6: (strike * 1e6).round() as u64,
                expiry: horizon.min(start + 2 * 31_536_000 - 1),
                quantity: qty,
                vol_bps: 0,
                roll_tenor_days: 0,
                roll_moneyness_pct: 0,
            };
        }
    }
    fx.govern(params).await;
    let mut users = Vec::new();
    for _ in 0..users_n {
        users.push(fx.user(1_000 * SOL).await);
    }
    let keeper = fx.env.funded_keypair().await;
    let tp = fx.token_program;
    let keeper_rewards_to = fx
        .env
        .create_token_account(&fx.collateral_mint, &keeper.pubkey(), 0, &tp);
    let mut sim = Sim {
        fx,
        markets,
        keeper,
        keeper_rewards_to,
        pending: vec![false; users.len()],
        users,
        policy: SendPolicy {
            backoff: std::time::Duration::from_millis(1),
            ..SendPolicy::default()
        },
    };
    for i in 0..sim.users.len() {
        let ix = sim.fx.deposit_ix(&sim.users[i], initial_deposit, 0);
        let kp = sim.users[i].kp.insecure_clone();
        if !sim.refresh_and(ix, &kp).await {
            bail!("initial deposit failed");
        }
    }
    eprintln!(
        "deployed: vault {}, market {}, {} depositors with {} tokens",
        sim.fx.pdas.vault,
        sim.markets[0].market,
        sim.users.len(),
        initial_deposit * users_n / SOL
    );

    // ---- Run the path ----
    let mut rng = rand::rngs::StdRng::seed_from_u64(args.seed ^ 0x5eed);
    let mut r = Report {
        book: args.book,
        steps,
        step_secs: args.step_secs,
        start_price: path[0],
        end_price: path[steps],
        rebalances: 0,
        margin_moves: 0,
        vol_updates: 0,
        deposits: users_n,
        withdrawals: 0,
        max_abs_delta_error_after_rebalance: 0.0,
        max_error_over_band_after_rebalance: 0.0,
        mean_abs_delta_error: 0.0,
        mean_band: 0.0,
        final_nav_per_share: 0.0,
        final_nav_quote: 0.0,
        hedge_costs: 0.0,
        funding_pnl: 0.0,
        keeper_rewards: 0.0,
        gamma_exposure_min: f64::INFINITY,
        gamma_exposure_mean: 0.0,
        gamma_exposure_max: f64::NEG_INFINITY,
        final_sigma: 0.0,
        nav_per_share_series: vec![(0, 1.0)],
        wall_secs: 0.0,
    };
    let mut observed: Vec<f64> = vec![path[0]];
    let mut last_index = market_index(&mut sim).await?;
    let mut err_sum = 0.0;
    let mut band_sum = 0.0;
    let mut gex_sum = 0.0;
    let oracles = sim.fx.oracles();
    // The keeper: the same `Keeper` as `hedge-keeper run`, over the in-process chain.
    let mut keeper = Keeper::new(
        KeeperSettings {
            keeper: sim.keeper.insecure_clone(),
            vol_updater: Some(sim.fx.vol_updater.insecure_clone()),
            reward_account: sim.keeper_rewards_to,
            policy: sim.policy.clone(),
            dry_run: false,
            funding_interval_secs: 86_400,
            vol_threshold_bps: 100,
            vol_window: 720,
        },
        Arc::new(Metrics::new(i64::MAX).map_err(|e| anyhow::anyhow!("metrics: {e}"))?),
    );
    let watched = WatchedVault {
        address: sim.fx.pdas.vault,
        underlying_oracle: sim.fx.oracle,
        collateral_oracle: None,
    };
    let vault_address = sim.fx.pdas.vault;
    for (step, &price) in path.iter().enumerate().skip(1) {
        sim.fx.env.advance(args.step_secs).await;
        let now = sim.fx.env.now().await;
        let mut q = Quote::usd(price, now);
        q.ema_price = q.price;
        sim.fx.set_quote(q);
        sim.fx.price_usd = price;
        observed.push(price);

        // Funding accrued on the hedge since the last step.
        let index = market_index(&mut sim).await?;
        let v = sim.fx.vault().await;
        let pos_whole = v.hedge_position as f64 / SOL as f64;
        r.funding_pnl -= pos_whole * (index - last_index);
        last_index = index;

        // The keeper's tick: exactly the operations of `hedge-keeper run`.
        let snap = snapshot::load(&mut LocalChain { env: &mut sim.fx.env }, vault_address, oracles).await?;
        let err = (f(snap.report.net_delta) - f(snap.report.target_delta)).abs() / SOL as f64;
        err_sum += err;
        band_sum += f(snap.report.band) / SOL as f64;
        let gex = f(snap.report.gamma_exposure);
        gex_sum += gex;
        r.gamma_exposure_min = r.gamma_exposure_min.min(gex);
        r.gamma_exposure_max = r.gamma_exposure_max.max(gex);

        let tick = keeper
            .tick(&mut LocalChain { env: &mut sim.fx.env }, &[watched])
            .await
            .remove(0)
            .1;
        match tick {
            Ok(t) => {
                r.margin_moves += u64::from(t.margin_moved || t.margin_with_rebalance);
                r.vol_updates += u64::from(t.vol_updated);
                for ev in hedge_localnet::events::decode::<Rebalanced>(&t.rebalance_logs) {
                    r.rebalances += 1;
                    r.hedge_costs += f(Fix::from_bits(ev.cost_fx));
                    let e = (f(Fix::from_bits(ev.net_delta_after_fx))
                        - f(Fix::from_bits(ev.target_delta_fx)))
                    .abs();
                    let band = f(Fix::from_bits(ev.band_fx));
                    r.max_abs_delta_error_after_rebalance =
                        r.max_abs_delta_error_after_rebalance.max(e / SOL as f64);
                    if band > 0.0 {
                        r.max_error_over_band_after_rebalance =
                            r.max_error_over_band_after_rebalance.max(e / band);
                    }
                }
            }
            Err(e) => eprintln!("  step {step}: keeper: {e:#}"),
        }

        // Depositors.
        for i in 0..sim.users.len() {
            if sim.pending[i] {
                let ix = sim.fx.complete_ix_hedged(&sim.users[i], &sim.markets);
                let kp = sim.users[i].kp.insecure_clone();
                if sim.refresh_and(ix, &kp).await {
                    sim.pending[i] = false;
                    r.withdrawals += 1;
                }
            } else if rng.gen_bool(0.01) {
                let amount = rng.gen_range(10..=50) * SOL;
                let ix = sim.fx.deposit_ix(&sim.users[i], amount, 0);
                let kp = sim.users[i].kp.insecure_clone();
                if sim.refresh_and(ix, &kp).await {
                    r.deposits += 1;
                }
            } else if rng.gen_bool(0.01) {
                let shares = sim.fx.env.balance(&sim.users[i].shares).await / 5;
                if shares > 0 {
                    let ix = sim.fx.request_ix(&sim.users[i], shares);
                    let kp = sim.users[i].kp.insecure_clone();
                    sim.pending[i] = sim.refresh_and(ix, &kp).await;
                }
            }
        }

        if step % (steps / 10).max(1) == 0 || step == steps {
            let (v, supply) = sim.nav().await?;
            r.nav_per_share_series.push((step, nav_per_share(&v, supply)));
            eprintln!(
                "  step {step:>5}/{steps}  price {price:>10.2}  NAV/share {:.6}  rebalances {:>4}  |net-target| {:>8.3} (band {:>7.3})",
                nav_per_share(&v, supply),
                r.rebalances,
                err,
                f(snap.report.band) / SOL as f64
            );
        }
    }

    let (v, supply) = sim.nav().await?;
    let n = steps.max(1) as f64;
    r.mean_abs_delta_error = err_sum / n;
    r.mean_band = band_sum / n;
    r.gamma_exposure_mean = gex_sum / n;
    r.final_nav_per_share = nav_per_share(&v, supply);
    r.final_nav_quote = v.total_assets() as f64 / SOL as f64 * path[steps];
    r.keeper_rewards = v.keeper_rewards_paid as f64 / SOL as f64;
    r.final_sigma = f64::from(v.sigma_bps) / 10_000.0;
    r.wall_secs = started.elapsed().as_secs_f64();
    let live = Live {
        price: path[steps],
        sigma: args.sigma,
        step_secs: args.serve_step_secs.max(1),
        internal_keeper: !args.external_keeper,
        rng: rand::rngs::StdRng::seed_from_u64(args.seed ^ 0x11fe),
        sim,
        keeper,
        watched,
        program_logs: args.program_logs,
    };
    // stdout again belongs to the report.
    drop(quiet);
    Ok((r, live))
}

/// Serves Solana JSON-RPC over the live chain on a bound endpoint until Ctrl-C.
pub async fn serve(live: &mut Live, endpoint: crate::serve::Endpoint, tick_ms: u64) {
    eprintln!(
        "serving Solana JSON-RPC on http://{} (vault {}; {}); Ctrl-C stops",
        endpoint.addr,
        live.vault(),
        if tick_ms == 0 {
            "no automatic steps".to_string()
        } else {
            format!("a step every {tick_ms} ms")
        }
    );
    // Natively built programs print their logs to stdout; keep them off it while serving
    // unless asked (`--program-logs`).
    let _quiet = if live.program_logs {
        None
    } else {
        gag::Gag::stdout().ok()
    };
    let tick = (tick_ms > 0).then(|| std::time::Duration::from_millis(tick_ms));
    let mut ledger = crate::serve::ledger::Ledger::default();
    endpoint
        .run(live, &mut ledger, tick, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    eprintln!("stopped after {} transactions", ledger.len());
}

fn nav_per_share(v: &Vault, supply: u64) -> f64 {
    let shares = supply.saturating_add(v.accrued_fee_shares);
    if shares == 0 {
        return 1.0;
    }
    v.total_assets() as f64 / shares as f64
}

async fn market_index(sim: &mut Sim) -> anyhow::Result<f64> {
    let m: perp_venue::state::Market = sim.fx.env.anchor_account(&sim.markets[0].market).await;
    Ok(f(m.funding_index()))
}

async fn set_funding(fx: &mut Fixture, m: &VenueMarket, bps: i32) -> anyhow::Result<()> {
    let admin = fx.mint_authority.insecure_clone();
    let ix = hedge_localnet::venue::venue_ix(
        perp_venue::accounts::SetFundingRate {
            admin: admin.pubkey(),
            market: m.market,
            oracle: fx.oracle,
        },
        perp_venue::instruction::SetFundingRate {
            args: perp_venue::SetFundingRateArgs {
                funding_rate_bps: bps,
            },
        },
    );
    fx.send(&[ix], &[&admin])
        .await
        .map_err(|e| anyhow::anyhow!("set_funding_rate: {e}"))?;
    Ok(())
}

/// Prints the report as a table.
pub fn print(r: &Report) {
    println!("\nhedge vault simulation report");
    println!("  book                         {:?}", r.book);
    println!("  steps                        {} x {} s", r.steps, r.step_secs);
    println!(
        "  price                        {:.2} -> {:.2}",
        r.start_price, r.end_price
    );
    println!("  rebalances                   {}", r.rebalances);
    println!("  margin moves                 {}", r.margin_moves);
    println!(
        "  vol updates                  {} (final sigma {:.1} %)",
        r.vol_updates,
        r.final_sigma * 100.0
    );
    println!(
        "  deposits / withdrawals       {} / {}",
        r.deposits, r.withdrawals
    );
    println!(
        "  max |delta error| after reb. {:.4} tokens ({:.1} % of band)",
        r.max_abs_delta_error_after_rebalance,
        r.max_error_over_band_after_rebalance * 100.0
    );
    println!(
        "  mean |delta error| per step  {:.4} tokens (mean band {:.4})",
        r.mean_abs_delta_error, r.mean_band
    );
    println!("  hedge costs (fees + impact)  {:.2} USD", r.hedge_costs);
    println!("  funding P&L                  {:+.2} USD", r.funding_pnl);
    println!("  keeper rewards               {:.6} tokens", r.keeper_rewards);
    println!(
        "  gamma exposure per 1 %       min {:.2} / mean {:.2} / max {:.2} USD",
        r.gamma_exposure_min, r.gamma_exposure_mean, r.gamma_exposure_max
    );
    let series: Vec<String> = r
        .nav_per_share_series
        .iter()
        .map(|(s, n)| format!("{s}:{n:.4}"))
        .collect();
    println!("  NAV per share over time      {}", series.join("  "));
    println!(
        "  final NAV                    {:.2} USD, {:.6} tokens per share",
        r.final_nav_quote, r.final_nav_per_share
    );
    println!("  wall time                    {:.1} s", r.wall_secs);
}
