//! `hedge-sim simulate`: the whole product end to end on an in-process chain.
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
use hedge_vault::events::{HedgeReconciled, Rebalanced};
use hedge_vault::state::{LegKind, OptionLeg, Vault};
use rand::{Rng, SeedableRng};
use serde::Serialize;
use solana_keypair::Keypair;
use solana_signer::Signer;

use std::sync::Arc;

use hedge_keeper::chain::local::LocalChain;
use hedge_keeper::config::WatchedVault;
use hedge_keeper::keeper::{Keeper, KeeperSettings};
use hedge_keeper::metrics::Metrics;
use hedge_keeper::sender::SendPolicy;
use hedge_keeper::snapshot;

pub use crate::serve::session::Live;

/// The target book the vault replicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Book {
    /// No legs, delta target 0: dollar-neutral, the value per share stays flat in USD.
    Neutral,
    /// Keep the collateral and buy a 30-day at-the-money put on it, rolled every 30 days
    /// at the money (an on-chain roll rule), so the book runs for years.
    ProtectivePut,
    /// Keep the collateral and sell a 30-day call 10 % out of the money on it, rolled every
    /// 30 days at 110 %.
    CoveredCall,
}

/// Tenor of the simulated books' rolling legs (days).
pub const ROLL_TENOR_DAYS: u16 = 30;

/// Arguments of `hedge-sim simulate` (all optional).
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
    #[arg(long, value_enum, default_value = "protective-put")]
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
    /// Depositors only make their initial deposits (no flows during the run): isolates the
    /// hedge's own P&L from the effect of other depositors' entries and exits.
    #[arg(long)]
    pub no_flows: bool,
    /// Most keeper passes per step: after a partial rebalance (the venue's depth within the
    /// slippage limit), the keeper waits out the cooldown and goes again, up to this many
    /// times, until the vault is back in its band.
    #[arg(long, default_value_t = 40)]
    pub keeper_passes: u32,
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
    /// The venue-failure drill: two venues; a third of the way in, venue 0 (holding the
    /// hedge) is paused by its admin and frozen by the guardian (its equity and delta then
    /// count at a 50 % haircut); two thirds in it re-opens and governance unfreezes it
    /// behind the timelock with a cap of zero, so the keeper unwinds it. The report's
    /// `drill` section says whether the band held, exits completed and NAV marked the
    /// haircut (docs/venues.md).
    #[arg(long)]
    pub venue_failure_drill: bool,
}

/// Haircut on the drill's frozen venue (bps).
pub const DRILL_HAIRCUT_BPS: u16 = 5_000;

/// One venue's share of the run, the initial hedge included (`hedge_costs` counts from
/// the start of the dollar view, after it).
#[derive(Debug, Clone, Default, Serialize)]
pub struct VenueReport {
    /// Σ |trade| × fill price (USD).
    pub volume_usd: f64,
    /// Execution cost against the oracle: fees plus impact (USD).
    pub cost_usd: f64,
    /// Funding received (+) or paid (−) by the vault's position there (USD).
    pub funding_usd: f64,
    /// Trades.
    pub trades: u64,
    /// Position at the end (tokens).
    pub final_position: f64,
}

/// What the venue-failure drill showed (steps are path indexes).
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct DrillReport {
    /// Haircut on the frozen venue (bps).
    pub haircut_bps: u16,
    pub freeze_step: usize,
    /// Venue 0's position when it froze (tokens).
    pub frozen_position: f64,
    /// When the venue re-opened and governance queued the unfreeze.
    pub recovery_step: usize,
    /// When the unfreeze was applied (after the timelock); 0 = never.
    pub unfrozen_step: usize,
    /// First step after the unfreeze with venue 0 flat; 0 = never.
    pub unwound_step: usize,
    /// Steps ending outside the band while the venue was frozen.
    pub steps_outside_band_while_frozen: u64,
    /// Largest |exposure − target| / band at a step's end while frozen.
    pub max_error_over_band_while_frozen: f64,
    /// Withdrawals completed while the venue was frozen.
    pub withdrawals_while_frozen: u64,
    /// Rebalances at the frozen venue while frozen (must be 0).
    pub trades_at_frozen_venue: u64,
    /// Largest |program venue equity − the raw accounts' equity at the haircut| while
    /// frozen (USD).
    pub max_haircut_mark_gap_usd: f64,
    /// NAV per share change from marking the haircut at the freeze, and from releasing it
    /// at the unfreeze, each at an unchanged price (USD per share). The target book is
    /// re-based by them: they are governance's valuation, not hedging P&L.
    pub freeze_mark_usd_per_share: f64,
    pub unfreeze_mark_usd_per_share: f64,
}

/// The simulation report. Units: delta errors in whole underlying tokens, money in quote
/// currency (USD), rewards in whole collateral tokens, NAV per share in collateral per share
/// unless named `quote_`. Every dollar figure is computed by the simulator itself from raw
/// balances (the vault's collateral, the venue margin account's collateral, quote balance,
/// position and unsettled funding), not from the program's own valuation.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub book: Book,
    pub steps: usize,
    pub step_secs: i64,
    pub start_price: f64,
    pub end_price: f64,
    /// Hedge trades (one per venue leg of a rebalance), the initial hedge included.
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
    /// `[step, price, quote NAV per share, target book value per share]` at every step (USD
    /// per share). The target book is the self-financing portfolio holding the target delta
    /// (`delta_target × NAV/S` + the legs) from one step to the next, started at the vault's
    /// value: what a perfect, free, continuous hedge of the target would be worth.
    pub quote_nav_per_share_series: Vec<[f64; 4]>,
    /// Σ over completed withdrawals of (fair USD value of the shares at completion − USD
    /// paid): what exits left to the other depositors through `complete_withdraw`'s
    /// min(value at request, value now) rule (USD).
    pub withdrawal_haircuts_usd: f64,
    /// Shares outstanding when the dollar view starts (whole shares).
    pub initial_shares: f64,
    /// 1 − var(r_NAV − r_target) / var(r_collateral), per-step simple returns of the quote
    /// NAV per share, of the target book per share and of the unhedged collateral.
    pub hedge_effectiveness: f64,
    /// Standard deviation of the per-step return difference r_NAV − r_target.
    pub tracking_error: f64,
    /// The same, as a fraction of the standard deviation of the collateral's returns.
    pub tracking_error_ratio: f64,
    /// Largest peak-to-trough fall of the quote NAV per share (fraction).
    pub max_drawdown: f64,
    /// Quote NAV per share at the end / at the start.
    pub quote_nav_per_share_ratio: f64,
    /// Target book value per share at the end / at the start.
    pub target_value_ratio: f64,
    /// Steps that ended (after the keeper's passes) with the true exposure outside the band.
    pub steps_outside_band: u64,
    /// Longest stretch with the true exposure outside the band (simulated seconds).
    pub max_secs_outside_band: i64,
    /// Largest |true exposure − target| / band at the end of a step.
    pub max_error_over_band: f64,
    /// Keeper passes that failed.
    pub keeper_failures: u64,
    /// Successful liquidations of the vault's hedge by a liquidator that tries every step.
    pub liquidations: u64,
    /// Venue positions the program found changed without it trading (`HedgeReconciled`).
    pub reconciliations: u64,
    /// Legs rolled by their roll rule (`LegRolled`).
    pub legs_rolled: u64,
    /// Change of the USD NAV per share explained by the exposure held over each step:
    /// Σ (exposure / shares) · ΔS (USD per share). With `hedge_costs`, `funding_pnl` and
    /// depositor flows, what remains is `nav_change_unexplained`.
    pub exposure_pnl_per_share: f64,
    /// USD NAV per share change − `exposure_pnl_per_share` (USD per share): costs, funding,
    /// rewards, depositors' flows, rounding.
    pub nav_change_unexplained: f64,
    /// Largest |program net delta − independently computed exposure| (tokens).
    pub max_program_exposure_gap: f64,
    /// Per venue, in the configured order.
    pub venues: Vec<VenueReport>,
    /// The venue-failure drill, when run.
    pub drill: Option<DrillReport>,
    pub wall_secs: f64,
}

const SOL: u64 = 1_000_000_000;

fn f(x: Fix) -> f64 {
    x.to_num()
}

pub use hedge_research::data::read_prices;

/// The default price path: a seeded Merton jump-diffusion.
pub fn default_path(start: f64, sigma: f64, steps: usize, step_secs: i64, seed: u64) -> Vec<f64> {
    let dt = step_secs as f64 / 31_536_000.0;
    hedge_research::backtest::generators::Generator::Merton {
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
    /// Shares each depositor has waiting in a withdrawal request (0 = none).
    pending: Vec<u64>,
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

/// Checks the arguments before anything is deployed: every problem is named, nothing panics.
pub fn validate(args: &SimulateArgs) -> anyhow::Result<()> {
    if args.step_secs <= 0 {
        bail!("--step-secs must be > 0 (got {})", args.step_secs);
    }
    if args.prices.is_none() {
        if args.steps < 1 {
            bail!("--steps must be at least 1");
        }
        if !(args.start_price.is_finite() && args.start_price > 0.0) {
            bail!(
                "--start-price must be a positive number (got {})",
                args.start_price
            );
        }
        if !(args.sigma.is_finite() && args.sigma >= 0.0 && args.sigma <= 5.0) {
            bail!("--sigma must be within [0, 5] (got {})", args.sigma);
        }
    }
    Ok(())
}

/// What the vault holds and is worth, computed by the simulator from raw accounts: the
/// vault's tracked collateral, the venue margin account (collateral, quote balance,
/// position) and the market's funding index accrued to now, all marked at the oracle
/// price. Independent of the program's valuation code.
#[derive(Debug, Clone)]
struct TrueBook {
    /// NAV (USD).
    nav_quote: f64,
    /// Delta (tokens): collateral anywhere + perp position.
    exposure: f64,
    /// Target delta (tokens): delta_target × NAV/S + Σ legs.
    target: f64,
    /// Band half-width (tokens) as the vault's parameters define it.
    band: f64,
    /// Shares (supply + accrued fee shares), whole.
    shares: f64,
    /// Per venue, the raw position (tokens).
    positions: Vec<f64>,
    /// Σ venue equity as counted (USD).
    venue_equity_quote: f64,
}

async fn true_book(sim: &mut Sim, price: f64, program_band: f64) -> anyhow::Result<TrueBook> {
    let v = sim.fx.vault().await;
    let supply = sim.fx.env.supply(&sim.fx.pdas.share_mint).await;
    let now = sim.fx.env.now().await;
    let unit = 10f64.powi(i32::from(v.decimals));
    let mut collateral = v.total_collateral as f64 / unit;
    let mut quote = 0.0;
    let mut position = 0.0;
    let mut positions = Vec::new();
    let mut venue_equity_quote = 0.0;
    for (i, m) in sim.markets.iter().enumerate() {
        let acc: perp_venue::state::MarginAccount = sim.fx.env.anchor_account(&m.margin).await;
        let mk: perp_venue::state::Market = sim.fx.env.anchor_account(&m.market).await;
        let pos = acc.position as f64 / unit;
        // Funding index accrued to now: rate · S · dt / year on top of the stored index.
        let dt = (now - mk.last_funding_ts).max(0) as f64 / 31_536_000.0;
        let index = f(mk.funding_index()) + f64::from(mk.funding_rate_bps) / 1e4 * price * dt;
        let unsettled = pos * (index - f(Fix::from_bits(acc.funding_index_fx)));
        let c = acc.collateral as f64 / unit;
        let q = f(acc.quote_balance()) - unsettled;
        // A venue the guardian froze counts at (1 − haircut), equity and delta alike.
        let keep = if v.frozen_venues & (1 << i) != 0 {
            1.0 - f64::from(v.params.venues[i].frozen_haircut_bps) / 1e4
        } else {
            1.0
        };
        collateral += keep * c;
        quote += keep * q;
        position += keep * pos;
        positions.push(pos);
        venue_equity_quote += keep * (c * price + q + pos * price);
    }
    let nav_quote = collateral * price + quote + position * price;
    let p = &v.params;
    let mut target = f64::from(p.risk.delta_target_bps) / 1e4 * nav_quote / price;
    for leg in p.live_legs().iter().filter(|l| l.expiry > now) {
        let vol = if leg.vol_bps == 0 {
            v.sigma_bps
        } else {
            leg.vol_bps
        };
        let g = hedge_math::bs_greeks(
            match leg.kind {
                LegKind::Call => hedge_math::OptionKind::Call,
                LegKind::Put => hedge_math::OptionKind::Put,
            },
            &hedge_math::BsInputs {
                spot: Fix::from_num(price),
                strike: Fix::from_num(leg.strike_e6 as f64 / 1e6),
                vol: Fix::from_num(f64::from(vol) / 1e4),
                t_years: Fix::from_num((leg.expiry - now) as f64 / 31_536_000.0),
                r: Fix::from_num(f64::from(p.risk.rate_bps) / 1e4),
                q: Fix::from_num(f64::from(p.risk.carry_bps) / 1e4),
            },
        )
        .map_err(|e| anyhow::anyhow!("leg pricing: {e:?}"))?;
        // A covering leg's size follows NAV (here the raw-balance NAV).
        let quantity = leg
            .size(Fix::from_num(nav_quote / price * unit))
            .context("leg size overflows")?;
        target += quantity as f64 / unit * f(g.delta);
    }
    let band = if p.risk.cost_aware_band {
        program_band
    } else {
        f64::from(p.risk.delta_band_bps) / 1e4 * nav_quote / price
    };
    Ok(TrueBook {
        nav_quote,
        exposure: collateral + position,
        target,
        band,
        shares: supply.saturating_add(v.accrued_fee_shares) as f64 / unit,
        positions,
        venue_equity_quote,
    })
}

/// The vault's live legs' expiries (a roll moves one).
async fn leg_expiries(sim: &mut Sim) -> Vec<i64> {
    let v = sim.fx.vault().await;
    v.params.live_legs().iter().map(|l| l.expiry).collect()
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len().max(1) as f64
}

fn variance(x: &[f64]) -> f64 {
    let m = mean(x);
    x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / x.len().max(1) as f64
}

/// The dollar view of a run: hedge effectiveness, tracking error and drawdown from the
/// `[step, price, NAV/share, target/share]` series.
pub fn dollar_view(series: &[[f64; 4]]) -> (f64, f64, f64, f64) {
    let ret = |i: usize, k: usize| series[i][k] / series[i - 1][k] - 1.0;
    let n = series.len();
    let r_s: Vec<f64> = (1..n).map(|i| ret(i, 1)).collect();
    let diff: Vec<f64> = (1..n).map(|i| ret(i, 2) - ret(i, 3)).collect();
    let var_s = variance(&r_s);
    let effectiveness = if var_s > 0.0 {
        1.0 - variance(&diff) / var_s
    } else {
        f64::NAN
    };
    let te = variance(&diff).sqrt();
    let te_ratio = if var_s > 0.0 { te / var_s.sqrt() } else { f64::NAN };
    let mut peak = f64::MIN;
    let mut dd: f64 = 0.0;
    for row in series {
        peak = peak.max(row[2]);
        if peak > 0.0 {
            dd = dd.max(1.0 - row[2] / peak);
        }
    }
    (effectiveness, te, te_ratio, dd)
}

/// Runs the simulation and returns its report and the still-running chain.
pub async fn run_live(args: SimulateArgs) -> anyhow::Result<(Report, Live)> {
    let started = Instant::now();
    validate(&args)?;
    eprintln!(
        "simulate: path {}",
        args.prices
            .as_ref()
            .map_or("Merton jump-diffusion (generated)".to_string(), |p| p
                .display()
                .to_string())
    );
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
    run_path(args, path, started).await
}

/// Runs the simulation on a given price path (one price per step, all > 0).
pub async fn run_path(
    args: SimulateArgs,
    path: Vec<f64>,
    started: Instant,
) -> anyhow::Result<(Report, Live)> {
    validate(&args)?;
    if path.len() < 2 {
        bail!("the price path needs at least two prices (got {})", path.len());
    }
    if let Some((i, p)) = path
        .iter()
        .enumerate()
        .find(|(_, p)| !(p.is_finite() && **p > 0.0))
    {
        bail!("price {i} of the path is {p}: every price must be a positive number");
    }
    // Natively built programs print `msg!` lines straight to stdout; keep stdout for the
    // report unless asked.
    let quiet = if args.program_logs {
        None
    } else {
        gag::Gag::stdout().ok()
    };
    let steps = path.len() - 1;
    eprintln!(
        "simulate: {} steps of {} s, book {:?}, prices {:.4} -> {:.4}",
        steps, args.step_secs, args.book, path[0], path[steps]
    );

    // ---- Deploy: vault, perp market with LP, oracle, depositors ----
    let mut fx = Fixture::new().await;
    // Publish the feed where Pyth's push oracle keeps it (shard 0), as on mainnet, so
    // clients (the web app) find it from the vault's feed id alone.
    fx.oracle = crate::serve::session::pyth_feed_account(0, &fx.feed_id);
    if args.serve.is_some() {
        // The served history (charts, recent rebalances) starts with the run itself.
        fx.env.start_journal();
    }
    fx.set_price(path[0]).await;
    let mut markets = Vec::new();
    for i in 0..if args.venue_failure_drill { 2 } else { 1 } {
        let m = fx.create_market(i, 1_000_000 * SOL).await;
        set_funding(&mut fx, &m, args.funding_bps).await?;
        markets.push(m);
    }
    let mut params = fx.params_with_venues(&markets, 100_000 * SOL);
    if args.venue_failure_drill {
        params.venues[0] = params.venues[0].with_frozen_haircut(DRILL_HAIRCUT_BPS);
    }
    params.risk.keeper_reward = SOL / 10_000;
    params.risk.rebalance_cooldown_secs = 60;
    params.risk.max_rebalance_units = 10_000 * SOL;
    params.vol.min_interval_secs = 86_400;
    // A 2 % band: between trades the exposure may drift by the band, and in a long trend
    // that drift is systematic P&L against the target; 2 % keeps it small at a modest cost.
    params.risk.delta_band_bps = 200;
    let initial_deposit = 100 * SOL;
    let users_n = 3u64;
    let notional = i64::try_from(initial_deposit * users_n).unwrap_or(i64::MAX);
    let start = fx.env.now().await + 3_600;
    match args.book {
        Book::Neutral => {}
        Book::ProtectivePut | Book::CoveredCall => {
            params.risk.delta_target_bps = 10_000;
            params.leg_count = 1;
            let (kind, pct, qty) = match args.book {
                Book::ProtectivePut => (LegKind::Put, 100u8, notional),
                _ => (LegKind::Call, 110u8, -notional),
            };
            let strike = path[0] * f64::from(pct) / 100.0;
            params.legs[0] = OptionLeg::new(
                kind,
                (strike * 1e6).round() as u64,
                start + i64::from(ROLL_TENOR_DAYS) * 86_400,
                qty,
                0,
            )
            .rolling(ROLL_TENOR_DAYS, pct, 10_000);
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
    let (liquidator, liquidator_margin) = fx.liquidator(&markets[0]).await;
    let mut sim = Sim {
        fx,
        markets,
        keeper,
        keeper_rewards_to,
        pending: vec![0; users.len()],
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
        quote_nav_per_share_series: Vec::with_capacity(steps + 1),
        withdrawal_haircuts_usd: 0.0,
        initial_shares: 0.0,
        hedge_effectiveness: 0.0,
        tracking_error: 0.0,
        tracking_error_ratio: 0.0,
        max_drawdown: 0.0,
        quote_nav_per_share_ratio: 0.0,
        target_value_ratio: 0.0,
        steps_outside_band: 0,
        max_secs_outside_band: 0,
        max_error_over_band: 0.0,
        keeper_failures: 0,
        liquidations: 0,
        reconciliations: 0,
        legs_rolled: 0,
        max_program_exposure_gap: 0.0,
        venues: vec![VenueReport::default(); sim.markets.len()],
        drill: args.venue_failure_drill.then(|| DrillReport {
            haircut_bps: DRILL_HAIRCUT_BPS,
            freeze_step: (steps / 3).max(1),
            recovery_step: (2 * steps / 3).max(2),
            ..DrillReport::default()
        }),
        exposure_pnl_per_share: 0.0,
        nav_change_unexplained: 0.0,
        wall_secs: 0.0,
    };
    let mut last_index = market_indexes(&mut sim).await?;
    // The drill's unfreeze, queued at the recovery step: applicable from this time.
    let mut unfreeze_at: Option<i64> = None;
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
            pnl_settle_bps: hedge_keeper::ops::pnl::DEFAULT_THRESHOLD_BPS,
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
    let cooldown = i64::from(sim.fx.vault().await.params.risk.rebalance_cooldown_secs);
    // The vault starts hedged: the keeper runs before the first price move.
    for _ in 0..args.keeper_passes.max(1) {
        let t = keeper
            .tick_vault(&mut LocalChain { env: &mut sim.fx.env }, &watched)
            .await
            .context("initial hedge")?;
        let s = snapshot::load(&mut LocalChain { env: &mut sim.fx.env }, vault_address, oracles).await?;
        if !t.rebalanced && !t.margin_moved {
            break;
        }
        for ev in hedge_localnet::events::decode::<Rebalanced>(&t.rebalance_logs) {
            r.rebalances += 1;
            if let Some(v) = r.venues.get_mut(usize::from(ev.venue_index)) {
                v.trades += 1;
                v.cost_usd += f(Fix::from_bits(ev.cost_fx));
                v.volume_usd +=
                    ev.size.unsigned_abs() as f64 / SOL as f64 * f(Fix::from_bits(ev.fill_price_fx));
            }
        }
        r.margin_moves += u64::from(t.margin_moved || t.margin_with_rebalance);
        if !s.report.breached && hedge_keeper::ops::margin::should_run(&s).is_none() {
            break;
        }
        sim.fx.advance(cooldown.saturating_add(1)).await;
    }
    // The dollar view starts from the hedged vault.
    let snap0 = snapshot::load(&mut LocalChain { env: &mut sim.fx.env }, vault_address, oracles).await?;
    let mut book = true_book(&mut sim, path[0], f(snap0.report.band) / SOL as f64).await?;
    let mut target_ps = book.nav_quote / book.shares;
    r.initial_shares = book.shares;
    r.quote_nav_per_share_series
        .push([0.0, path[0], book.nav_quote / book.shares, target_ps]);
    let mut outside_steps: i64 = 0;
    let mut last_expiries = leg_expiries(&mut sim).await;
    for (step, &price) in path.iter().enumerate().skip(1) {
        sim.fx.env.advance(args.step_secs).await;
        let now = sim.fx.env.now().await;
        let mut q = Quote::usd(price, now);
        q.ema_price = q.price;
        sim.fx.set_quote(q);
        sim.fx.price_usd = price;
        // The target book moves with the target delta held over the step.
        target_ps += book.target / book.shares * (price - path[step - 1]);
        r.exposure_pnl_per_share += book.exposure / book.shares * (price - path[step - 1]);

        // Funding accrued on the hedge since the last step (each venue's own position).
        let index = market_indexes(&mut sim).await?;
        for (i, (now_i, last_i)) in index.iter().zip(&last_index).enumerate() {
            let paid = book.positions.get(i).copied().unwrap_or(0.0) * (now_i - last_i);
            r.funding_pnl -= paid;
            r.venues[i].funding_usd -= paid;
        }
        last_index = index;

        // The venue-failure drill's events, at an unchanged price: their valuation effect
        // re-bases the target book (governance's mark, not hedging P&L).
        if let Some(d) = r.drill.as_mut() {
            let before = true_book(&mut sim, price, 0.0).await?;
            let mut marked = None;
            if step == d.freeze_step {
                drill_freeze(&mut sim).await?;
                d.frozen_position = before.positions.first().copied().unwrap_or(0.0);
                // An exit asked for now completes while the venue is frozen.
                if sim.pending[0] == 0 {
                    let shares = sim.fx.env.balance(&sim.users[0].shares).await / 5;
                    let ix = sim.fx.request_ix(&sim.users[0], shares);
                    let kp = sim.users[0].kp.insecure_clone();
                    if sim.refresh_and(ix, &kp).await {
                        sim.pending[0] = shares;
                    }
                }
                marked = Some(true);
            }
            if step == d.recovery_step {
                unfreeze_at = Some(drill_recover(&mut sim).await?);
            }
            if unfreeze_at.is_some_and(|t| now >= t) {
                sim.fx
                    .apply()
                    .await
                    .map_err(|e| anyhow::anyhow!("drill: apply the unfreeze: {e}"))?;
                unfreeze_at = None;
                d.unfrozen_step = step;
                marked = Some(false);
            }
            if let Some(freeze) = marked {
                let after = true_book(&mut sim, price, 0.0).await?;
                let jump = after.nav_quote / after.shares - before.nav_quote / before.shares;
                target_ps += jump;
                if freeze {
                    d.freeze_mark_usd_per_share = jump;
                } else {
                    d.unfreeze_mark_usd_per_share = jump;
                }
            }
        }
        let frozen_now = sim.fx.vault().await.frozen_venues != 0;

        let snap = snapshot::load(&mut LocalChain { env: &mut sim.fx.env }, vault_address, oracles).await?;
        let err = (f(snap.report.net_delta) - f(snap.report.target_delta)).abs() / SOL as f64;
        err_sum += err;
        band_sum += f(snap.report.band) / SOL as f64;
        let gex = f(snap.report.gamma_exposure);
        gex_sum += gex;
        r.gamma_exposure_min = r.gamma_exposure_min.min(gex);
        r.gamma_exposure_max = r.gamma_exposure_max.max(gex);

        // Depositors act first; the keeper then hedges what they changed, as a keeper
        // running every minute would within a day.
        for i in 0..if args.no_flows { 0 } else { sim.users.len() } {
            if sim.pending[i] > 0 {
                // What the exit is worth at a fair USD NAV per share now, against what it
                // pays: `complete_withdraw` pays min(value at request, value now) in
                // collateral, and the difference stays with the other depositors.
                let shares = sim.pending[i];
                let fair = true_book(&mut sim, price, 0.0).await?;
                let before = sim.fx.env.balance(&sim.users[i].collateral).await;
                let ix = sim.fx.complete_ix_hedged(&sim.users[i], &sim.markets);
                let kp = sim.users[i].kp.insecure_clone();
                if sim.refresh_and(ix, &kp).await {
                    sim.pending[i] = 0;
                    r.withdrawals += 1;
                    if frozen_now {
                        if let Some(d) = r.drill.as_mut() {
                            d.withdrawals_while_frozen += 1;
                        }
                    }
                    let paid = sim
                        .fx
                        .env
                        .balance(&sim.users[i].collateral)
                        .await
                        .saturating_sub(before);
                    let fair_usd = shares as f64 / SOL as f64 * fair.nav_quote / fair.shares;
                    r.withdrawal_haircuts_usd += fair_usd - paid as f64 / SOL as f64 * price;
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
                    if sim.refresh_and(ix, &kp).await {
                        sim.pending[i] = shares;
                    }
                }
            }
        }

        // The keeper: exactly the operations of `hedge-keeper run`. A rebalance that took
        // only part of the trade (venue depth within the slippage limit) leaves the vault
        // outside its band; the keeper waits out the cooldown and goes again.
        for pass in 0..args.keeper_passes.max(1) {
            if pass > 0 {
                sim.fx.advance(cooldown.saturating_add(1)).await;
            }
            match keeper
                .tick_vault(&mut LocalChain { env: &mut sim.fx.env }, &watched)
                .await
            {
                Ok(t) => {
                    r.margin_moves += u64::from(t.margin_moved || t.margin_with_rebalance);
                    r.vol_updates += u64::from(t.vol_updated);
                    r.reconciliations +=
                        hedge_localnet::events::decode::<HedgeReconciled>(&t.rebalance_logs).len() as u64;
                    for ev in hedge_localnet::events::decode::<Rebalanced>(&t.rebalance_logs) {
                        r.rebalances += 1;
                        let cost = f(Fix::from_bits(ev.cost_fx));
                        r.hedge_costs += cost;
                        if let Some(v) = r.venues.get_mut(usize::from(ev.venue_index)) {
                            v.trades += 1;
                            v.cost_usd += cost;
                            v.volume_usd += ev.size.unsigned_abs() as f64 / SOL as f64
                                * f(Fix::from_bits(ev.fill_price_fx));
                        }
                        if frozen_now && ev.venue_index == 0 {
                            if let Some(d) = r.drill.as_mut() {
                                d.trades_at_frozen_venue += 1;
                            }
                        }
                    }
                    if !(t.rebalanced || t.margin_moved || t.funding_settled || t.pnl_settled) {
                        break;
                    }
                }
                Err(e) => {
                    r.keeper_failures += 1;
                    eprintln!("  step {step}: keeper: {e:#}");
                    break;
                }
            }
            // Another pass while the vault is still outside its band.
            let s = snapshot::load(&mut LocalChain { env: &mut sim.fx.env }, vault_address, oracles).await?;
            if !s.report.breached && hedge_keeper::ops::margin::should_run(&s).is_none() {
                break;
            }
        }
        // A liquidator tries every step: a hedge the venue may liquidate is liquidated.
        let liq = sim
            .fx
            .liquidate_vault_ix(&sim.markets[0], &liquidator.pubkey(), liquidator_margin);
        if sim.fx.send(&[liq], &[&liquidator]).await.is_ok() {
            r.liquidations += 1;
            eprintln!("  step {step}: the hedge was LIQUIDATED");
        }

        // Rolled legs: expiries that moved (whichever instruction rolled them).
        let expiries = leg_expiries(&mut sim).await;
        r.legs_rolled += expiries
            .iter()
            .zip(&last_expiries)
            .filter(|(a, b)| a != b)
            .count() as u64;
        last_expiries = expiries;

        // The dollar view, from raw balances, after everything this step did.
        let after = snapshot::load(&mut LocalChain { env: &mut sim.fx.env }, vault_address, oracles).await?;
        book = true_book(&mut sim, price, f(after.report.band) / SOL as f64).await?;
        let gap = (f(after.report.net_delta) / SOL as f64 - book.exposure).abs();
        r.max_program_exposure_gap = r.max_program_exposure_gap.max(gap);
        let miss = (book.exposure - book.target).abs();
        if book.band > 0.0 {
            r.max_error_over_band = r.max_error_over_band.max(miss / book.band);
        }
        if miss > book.band * (1.0 + 1e-9) + 1e-9 {
            r.steps_outside_band += 1;
            outside_steps += 1;
            // Consecutive steps that ended outside the band, each a whole step long.
            r.max_secs_outside_band = r
                .max_secs_outside_band
                .max(outside_steps.saturating_mul(args.step_secs));
        } else {
            outside_steps = 0;
        }
        if let Some(d) = r.drill.as_mut() {
            if sim.fx.vault().await.frozen_venues != 0 {
                if miss > book.band * (1.0 + 1e-9) + 1e-9 {
                    d.steps_outside_band_while_frozen += 1;
                }
                if book.band > 0.0 {
                    d.max_error_over_band_while_frozen =
                        d.max_error_over_band_while_frozen.max(miss / book.band);
                }
                // The program's mark of the venues against the raw accounts at the haircut.
                let (v, _) = sim.nav().await?;
                let program_usd = v.hedge_equity as f64 / SOL as f64 * price;
                d.max_haircut_mark_gap_usd = d
                    .max_haircut_mark_gap_usd
                    .max((program_usd - book.venue_equity_quote).abs());
            } else if d.unfrozen_step > 0
                && d.unwound_step == 0
                && book.positions.first().is_some_and(|p| *p == 0.0)
            {
                d.unwound_step = step;
            }
        }
        r.max_abs_delta_error_after_rebalance = r.max_abs_delta_error_after_rebalance.max(miss);
        if book.band > 0.0 {
            r.max_error_over_band_after_rebalance =
                r.max_error_over_band_after_rebalance.max(miss / book.band);
        }
        r.quote_nav_per_share_series
            .push([step as f64, price, book.nav_quote / book.shares, target_ps]);

        if step % (steps / 10).max(1) == 0 || step == steps {
            let (v, supply) = sim.nav().await?;
            r.nav_per_share_series.push((step, nav_per_share(&v, supply)));
            eprintln!(
                "  step {step:>5}/{steps}  price {price:>10.2}  NAV/share {:>10.4} USD (target {:>10.4})  rebalances {:>4}  |exposure-target| {:>8.3} (band {:>7.3})",
                book.nav_quote / book.shares,
                target_ps,
                r.rebalances,
                miss,
                book.band
            );
        }
    }

    let (v, supply) = sim.nav().await?;
    let n = steps.max(1) as f64;
    r.mean_abs_delta_error = err_sum / n;
    r.mean_band = band_sum / n;
    r.gamma_exposure_mean = gex_sum / n;
    r.final_nav_per_share = nav_per_share(&v, supply);
    r.final_nav_quote = book.nav_quote;
    r.keeper_rewards = v.keeper_rewards_paid as f64 / SOL as f64;
    r.final_sigma = f64::from(v.sigma_bps) / 10_000.0;
    let (he, te, te_ratio, dd) = dollar_view(&r.quote_nav_per_share_series);
    r.hedge_effectiveness = he;
    r.tracking_error = te;
    r.tracking_error_ratio = te_ratio;
    r.max_drawdown = dd;
    let first = r.quote_nav_per_share_series[0];
    let last = r.quote_nav_per_share_series[r.quote_nav_per_share_series.len() - 1];
    r.quote_nav_per_share_ratio = last[2] / first[2];
    r.nav_change_unexplained = last[2] - first[2] - r.exposure_pnl_per_share;
    r.target_value_ratio = last[3] / first[3];
    for (v, p) in r.venues.iter_mut().zip(&book.positions) {
        v.final_position = *p;
    }
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

/// Each venue's cumulative funding index (USD per token).
async fn market_indexes(sim: &mut Sim) -> anyhow::Result<Vec<f64>> {
    let mut out = Vec::with_capacity(sim.markets.len());
    for m in sim.markets.clone() {
        let mk: perp_venue::state::Market = sim.fx.env.anchor_account(&m.market).await;
        out.push(f(mk.funding_index()));
    }
    Ok(out)
}

/// The drill's failure: venue 0's admin pauses its market, and the guardian freezes it.
async fn drill_freeze(sim: &mut Sim) -> anyhow::Result<()> {
    let admin = sim.fx.mint_authority.insecure_clone();
    let ix = sim
        .fx
        .set_market_status_ix(&sim.markets[0], perp_venue::state::MarketStatus::Paused);
    sim.fx
        .send(&[ix], &[&admin])
        .await
        .map_err(|e| anyhow::anyhow!("drill: pause venue 0: {e}"))?;
    let g = sim.fx.guardian.insecure_clone();
    let ix = sim.fx.freeze_venue_ix(&g.pubkey(), 0);
    sim.fx
        .send(&[ix], &[&g])
        .await
        .map_err(|e| anyhow::anyhow!("drill: freeze venue 0: {e}"))?;
    eprintln!("  drill: venue 0 paused by its admin and frozen by the guardian");
    Ok(())
}

/// The drill's recovery: venue 0 re-opens; governance queues its unfreeze with a cap of
/// zero, so the keeper unwinds it once applied. Returns when the change applies.
async fn drill_recover(sim: &mut Sim) -> anyhow::Result<i64> {
    let admin = sim.fx.mint_authority.insecure_clone();
    let ix = sim
        .fx
        .set_market_status_ix(&sim.markets[0], perp_venue::state::MarketStatus::Active);
    sim.fx
        .send(&[ix], &[&admin])
        .await
        .map_err(|e| anyhow::anyhow!("drill: re-open venue 0: {e}"))?;
    let a = sim.fx.authority.insecure_clone();
    let v = sim.fx.vault().await;
    let mut venues = v.params.live_venues().to_vec();
    venues[0].cap_units = 0;
    let queue = sim
        .fx
        .queue_change_ix(&a.pubkey(), hedge_vault::state::ParamsChange::UnfreezeVenues(1));
    let amend = sim
        .fx
        .amend_change_ix(&a.pubkey(), hedge_vault::state::ParamsChange::Venues(venues));
    sim.fx
        .send(&[queue, amend], &[&a])
        .await
        .map_err(|e| anyhow::anyhow!("drill: queue the unfreeze: {e}"))?;
    eprintln!("  drill: venue 0 re-opened; its unfreeze (with a cap of 0) is queued behind the timelock");
    Ok(sim.fx.env.now().await + i64::from(v.params.timelock_secs))
}

async fn set_funding(fx: &mut Fixture, m: &VenueMarket, bps: i32) -> anyhow::Result<()> {
    let admin = fx.mint_authority.insecure_clone();
    let ix = fx.set_funding_rate_ix(m, bps);
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
        "  max |exposure-target| at step end {:.4} tokens ({:.1} % of band)",
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
    println!("\n  dollar view (numeraire USD; from raw balances, not the program's valuation)");
    let first = r.quote_nav_per_share_series.first().copied().unwrap_or_default();
    let last = r.quote_nav_per_share_series.last().copied().unwrap_or_default();
    println!(
        "  quote NAV per share          {:.4} -> {:.4} USD (x{:.4}); target book {:.4} -> {:.4} (x{:.4}); price x{:.4}",
        first[2],
        last[2],
        r.quote_nav_per_share_ratio,
        first[3],
        last[3],
        r.target_value_ratio,
        r.end_price / r.start_price
    );
    println!("  hedge effectiveness          {:.4}", r.hedge_effectiveness);
    println!(
        "  withdrawal haircuts          {:.2} USD (left to the other depositors by min(value at request, value now))",
        r.withdrawal_haircuts_usd
    );
    println!(
        "  NAV/share change             {:+.4} USD = exposure held {:+.4} + the rest {:+.4} (costs, funding, rewards, flows)",
        last[2] - first[2],
        r.exposure_pnl_per_share,
        r.nav_change_unexplained
    );
    println!(
        "  tracking error per step      {:.5} ({:.3} of the price's per-step volatility)",
        r.tracking_error, r.tracking_error_ratio
    );
    println!("  max drawdown (USD NAV/share) {:.2} %", r.max_drawdown * 100.0);
    println!(
        "  outside the band after a step {} steps (longest {:.2} days); max |exposure-target|/band {:.3}",
        r.steps_outside_band,
        r.max_secs_outside_band as f64 / 86_400.0,
        r.max_error_over_band
    );
    println!(
        "  keeper failures / liquidations / reconciliations / legs rolled   {} / {} / {} / {}",
        r.keeper_failures, r.liquidations, r.reconciliations, r.legs_rolled
    );
    println!(
        "  program vs independent exposure: max gap {:.6} tokens",
        r.max_program_exposure_gap
    );
    if r.venues.len() > 1 {
        println!("\n  per venue (routed by marginal cost: fee + impact + funding over a week)");
        for (i, v) in r.venues.iter().enumerate() {
            println!(
                "  venue {i}: {:>4} trades, volume {:>12.2} USD, cost {:>9.2} USD, funding {:>+9.2} USD, final position {:>+10.4}",
                v.trades, v.volume_usd, v.cost_usd, v.funding_usd, v.final_position
            );
        }
    }
    if let Some(d) = &r.drill {
        println!(
            "\n  venue-failure drill (venue 0 frozen at a {:.0} % haircut)",
            f64::from(d.haircut_bps) / 100.0
        );
        println!(
            "  step {:>5}: venue 0 paused by its admin and frozen by the guardian, holding {:+.4} tokens; NAV/share marked {:+.4} USD",
            d.freeze_step, d.frozen_position, d.freeze_mark_usd_per_share
        );
        println!(
            "  while frozen: {} steps outside the band (max |exposure-target|/band {:.3}), {} rebalances at the frozen venue, {} withdrawals completed",
            d.steps_outside_band_while_frozen,
            d.max_error_over_band_while_frozen,
            d.trades_at_frozen_venue,
            d.withdrawals_while_frozen
        );
        println!(
            "  while frozen: program's venue equity vs the raw accounts at the haircut: max gap {:.4} USD",
            d.max_haircut_mark_gap_usd
        );
        println!(
            "  step {:>5}: venue 0 re-opened, unfreeze queued; applied at step {} (NAV/share {:+.4} USD); venue 0 unwound at step {}",
            d.recovery_step, d.unfrozen_step, d.unfreeze_mark_usd_per_share, d.unwound_step
        );
    }
    println!("  wall time                    {:.1} s", r.wall_secs);
}
