//! `hedge-keeper init-vault`: create a vault on any cluster from a TOML file. The file is
//! validated with the program's own `VaultParams::validate` before anything is sent, and
//! the created addresses are printed.
use std::path::PathBuf;
use std::str::FromStr;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anyhow::{bail, Context};
use clap::Args;
use hedge_vault::constants::*;
use hedge_vault::state::*;
use hedge_vault::InitializeVaultArgs;
use serde::Deserialize;
use solana_signer::Signer;

/// Flags of `hedge-keeper init-vault`.
#[derive(Debug, Args)]
pub struct InitVaultArgs {
    /// Vault definition (see migrations/vault.example.toml).
    #[arg(long)]
    pub config: PathBuf,
    /// Solana JSON-RPC URL.
    #[arg(long, env = "HEDGE_RPC_URL", default_value = "http://127.0.0.1:8899")]
    pub rpc_url: String,
    /// Authority keypair: pays, and becomes the vault's governance authority.
    #[arg(long, env = "HEDGE_KEYPAIR")]
    pub keypair: PathBuf,
    /// Validate and print, send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The second step, once the timelock has passed: apply the queued venues and legs
    /// (`apply_params`). Needs the price account(s) the vault marks NAV with.
    #[arg(long, requires = "oracle_account")]
    pub apply: bool,
    /// With `--apply`: the underlying's price account (a `PriceUpdateV2` for pull feeds).
    #[arg(long)]
    pub oracle_account: Option<String>,
    /// With `--apply`: the collateral's price account, when the definition has a
    /// `collateral_feed_id`.
    #[arg(long)]
    pub collateral_oracle_account: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OracleFile {
    /// "pull" (PriceUpdateV2, matched by feed id) or "legacy" (matched by account).
    pub source: String,
    /// Hex feed id (pull).
    pub feed_id: Option<String>,
    /// Price account (legacy).
    pub account: Option<String>,
    /// Owner program of legacy price accounts.
    pub legacy_program: Option<String>,
    /// Hex feed id of a collateral/quote feed (e.g. an LST); omit when the collateral is
    /// the underlying.
    pub collateral_feed_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VenueFile {
    /// Which venue: `local` (the reference venue, `programs/perp-venue`; the default) or
    /// `drift` (Drift v2: `market` is its `PerpMarket`, and the vault's account there is
    /// its `User`, opened by the keeper with `open_venue_account`).
    #[serde(default = "default_venue_kind")]
    pub kind: String,
    /// Market account: the reference venue's market, or Drift's `PerpMarket`.
    pub market: String,
    /// Largest |position| on this venue (underlying base units).
    pub cap_units: u64,
    /// Haircut on the venue's equity while the guardian has it frozen (bps, ≤ 10 000;
    /// default 5 000: a frozen venue counts at half its equity until governance decides).
    #[serde(default = "default_frozen_haircut_bps")]
    pub frozen_haircut_bps: u16,
}

fn default_venue_kind() -> String {
    "local".into()
}

fn default_frozen_haircut_bps() -> u16 {
    5_000
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegFile {
    /// "call" or "put".
    pub kind: String,
    /// Strike in quote units (e.g. 150.0).
    pub strike: f64,
    /// Expiry (unix seconds).
    pub expiry: i64,
    /// Signed quantity (underlying base units).
    pub quantity: i64,
    /// Implied vol (bps); 0 = use the vault's σ.
    #[serde(default)]
    pub vol_bps: u32,
    /// Roll rule: tenor (days; 0 = the leg expires and stops counting).
    #[serde(default)]
    pub roll_tenor_days: u16,
    /// Roll rule: strike of a rolled leg, % of the price at the roll (0 without a rule).
    #[serde(default)]
    pub roll_moneyness_pct: u8,
    /// Size as a share of NAV (bps; 0 = the fixed `quantity`, whose sign is kept).
    #[serde(default)]
    pub cover_bps: u16,
}

/// The vault definition file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultFile {
    pub vault_id: u64,
    pub collateral_mint: String,
    /// "spl-token" or "token-2022".
    pub token_program: String,
    pub guardian: String,
    pub vol_updater: String,
    pub fee_recipient: String,
    pub initial_sigma_bps: u32,
    pub timelock_secs: u32,
    /// Accept a collateral mint with a freeze authority (the vault then trusts its
    /// issuer); default false, and such mints are refused.
    #[serde(default)]
    pub trust_freeze_authority: bool,
    pub oracle: OracleFile,
    pub risk: RiskParamsFile,
    pub fees: FeesFile,
    pub limits: LimitsFile,
    pub vol: VolFile,
    pub oracle_limits: OracleLimitsFile,
    #[serde(default)]
    pub margin: Option<MarginFile>,
    #[serde(default)]
    pub venues: Vec<VenueFile>,
    #[serde(default)]
    pub legs: Vec<LegFile>,
}

/// A TOML section mirroring a program struct field for field; `padding` fields of the
/// zero-copy layout are not part of the file and are set to zero.
macro_rules! mirror {
    ($file:ident => $ty:ident { $($f:ident : $t:ty),* $(,)? } $(padding: $pad:expr)?) => {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $file { $(pub $f: $t),* }
        impl From<&$file> for $ty {
            fn from(x: &$file) -> $ty { $ty { $($f: x.$f,)* $(padding: $pad)? } }
        }
    };
}

mirror!(RiskParamsFile => RiskParams {
    delta_target_bps: i32, delta_band_bps: u32, max_gamma_exposure_e6: u64, max_vega_e6: u64,
    max_theta_per_day_e6: u64, rebalance_cooldown_secs: u32, max_rebalance_units: u64,
    max_slippage_bps: u16, keeper_reward: u64, rate_bps: i32, carry_bps: i32,
    cost_aware_band: bool, min_band_bps: u32, ww_cost_bps: u16, ww_risk_aversion_e6: u64,
    funding_cut_threshold_bps: u32, funding_cut_after_secs: u32, funding_cut_bps: u16,
    band_correction_enabled: bool, band_correction_bps: [u16; hedge_math::CORRECTION_CELLS],
});
mirror!(FeesFile => FeeParams { management_fee_bps: u16, performance_fee_bps: u16 });
mirror!(LimitsFile => DepositLimits { deposit_cap: u64, min_deposit: u64, withdrawal_delay_secs: u32 } padding: [0; 4]);
mirror!(VolFile => VolParams { min_sigma_bps: u32, max_sigma_bps: u32, max_step_bps: u32, min_interval_secs: u32 });
mirror!(OracleLimitsFile => OracleLimits { max_age_secs: u32, max_conf_bps: u16, max_ema_divergence_bps: u16 });
mirror!(MarginFile => MarginParams { min_bps: u32, target_bps: u32, max_bps: u32, stress_move_bps: u32 });

fn key(field: &str, s: &str) -> anyhow::Result<Pubkey> {
    Pubkey::from_str(s.trim()).map_err(|_| anyhow::anyhow!("{field}: '{s}' is not a base58 public key"))
}

fn feed_id(field: &str, s: &str) -> anyhow::Result<[u8; 32]> {
    let h = s.trim().trim_start_matches("0x");
    if h.len() != 64 {
        bail!("{field}: feed id must be 64 hex characters");
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&h[2 * i..2 * i + 2], 16).map_err(|_| anyhow::anyhow!("{field}: not hex"))?;
    }
    Ok(out)
}

/// Everything `init-vault` will create.
#[derive(Debug, Clone)]
pub struct Plan {
    pub vault: Pubkey,
    pub share_mint: Pubkey,
    pub collateral_vault: Pubkey,
    pub share_escrow: Pubkey,
    pub args: InitializeVaultArgs,
    /// The full parameter set the vault ends with (core at creation, venues and legs
    /// through the timelocked queue).
    pub params: VaultParams,
    /// `initialize_vault`.
    pub instruction: Instruction,
    /// Then, if the definition has venues or legs: `queue_params` and `amend_params`,
    /// each its own transaction (packet limit).
    pub governance: Vec<Instruction>,
}

impl VaultFile {
    /// Reads a file.
    pub fn load(path: &std::path::Path) -> anyhow::Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("{}: invalid vault definition", path.display()))
    }

    /// Converts and validates (with the program's own bounds) into the instruction.
    pub fn plan(&self, authority: Pubkey, now: i64) -> anyhow::Result<Plan> {
        let mint = key("collateral_mint", &self.collateral_mint)?;
        let token_program = match self.token_program.as_str() {
            "spl-token" => anchor_spl::token::ID,
            "token-2022" => anchor_spl::token_2022::ID,
            other => bail!("token_program: '{other}' is neither spl-token nor token-2022"),
        };
        let pdas = hedge_client::VaultPdas::derive(&mint, &authority, self.vault_id);
        let hedge_client::VaultPdas {
            vault,
            share_mint,
            collateral_vault,
            share_escrow,
        } = pdas;

        let o = &self.oracle;
        let underlying = match o.source.as_str() {
            "pull" => PriceFeedConfig {
                source: OracleSource::PythPull,
                feed_id: feed_id(
                    "oracle.feed_id",
                    o.feed_id
                        .as_deref()
                        .context("oracle.feed_id is required for pull")?,
                )?,
                account: Pubkey::default(),
            },
            "legacy" => PriceFeedConfig {
                source: OracleSource::PythLegacy,
                feed_id: [0; 32],
                account: key(
                    "oracle.account",
                    o.account
                        .as_deref()
                        .context("oracle.account is required for legacy")?,
                )?,
            },
            other => bail!("oracle.source: '{other}' is neither pull nor legacy"),
        };
        let collateral = o
            .collateral_feed_id
            .as_deref()
            .map(|f| -> anyhow::Result<PriceFeedConfig> {
                Ok(PriceFeedConfig {
                    source: OracleSource::PythPull,
                    feed_id: feed_id("oracle.collateral_feed_id", f)?,
                    account: Pubkey::default(),
                })
            })
            .transpose()?;
        let legacy_program = o
            .legacy_program
            .as_deref()
            .map(|s| key("oracle.legacy_program", s))
            .transpose()?;

        if self.venues.len() > MAX_VENUES {
            bail!("venues: at most {MAX_VENUES}");
        }
        if self.legs.len() > MAX_LEGS {
            bail!("legs: at most {MAX_LEGS}");
        }
        let mut venues = [VenueConfig::default(); MAX_VENUES];
        for (i, v) in self.venues.iter().enumerate() {
            let market = key(&format!("venues[{i}].market"), &v.market)?;
            let (kind, program, margin) = match v.kind.as_str() {
                "local" => (
                    VenueKind::LocalPerp,
                    perp_venue::ID,
                    Pubkey::find_program_address(
                        &[perp_venue::state::MARGIN_SEED, market.as_ref(), vault.as_ref()],
                        &perp_venue::ID,
                    )
                    .0,
                ),
                "drift" => (
                    VenueKind::DriftV2,
                    hedge_drift::PROGRAM_ID,
                    hedge_drift::pda::user(&vault, 0),
                ),
                "phoenix" => (
                    VenueKind::PhoenixRise,
                    hedge_vault::venues::phoenix::PROGRAM_ID,
                    hedge_vault::venues::phoenix::trader_address(&vault),
                ),
                other => bail!("venues[{i}].kind: '{other}' is none of local, drift, phoenix"),
            };
            venues[i] = VenueConfig::new(kind, program, market, margin, v.cap_units)
                .with_frozen_haircut(v.frozen_haircut_bps);
        }
        let mut legs = [OptionLeg::default(); MAX_LEGS];
        for (i, l) in self.legs.iter().enumerate() {
            legs[i] = OptionLeg {
                kind: match l.kind.as_str() {
                    "call" => LegKind::Call,
                    "put" => LegKind::Put,
                    other => bail!("legs[{i}].kind: '{other}' is neither call nor put"),
                },
                strike_e6: if l.strike.is_finite() && l.strike > 0.0 {
                    (l.strike * 1e6).round() as u64
                } else {
                    bail!("legs[{i}].strike must be > 0")
                },
                expiry: l.expiry,
                quantity: l.quantity,
                vol_bps: l.vol_bps,
                roll_tenor_days: l.roll_tenor_days,
                roll_moneyness_pct: l.roll_moneyness_pct,
                cover_bps: l.cover_bps,
                padding: [0; 6],
            };
        }
        let params = VaultParams {
            risk: (&self.risk).into(),
            fees: (&self.fees).into(),
            limits: (&self.limits).into(),
            vol: (&self.vol).into(),
            oracle: (&self.oracle_limits).into(),
            guardian: key("guardian", &self.guardian)?,
            vol_updater: key("vol_updater", &self.vol_updater)?,
            fee_recipient: key("fee_recipient", &self.fee_recipient)?,
            timelock_secs: self.timelock_secs,
            margin: self.margin.as_ref().map(Into::into).unwrap_or_default(),
            venue_count: u8::try_from(self.venues.len())?,
            venues,
            leg_count: u8::try_from(self.legs.len())?,
            legs,
            padding: [0; 6],
        };
        params
            .validate(now, &vault)
            .map_err(|e| anyhow::anyhow!("vault definition rejected by the program's bounds: {e}"))?;
        if !(params.vol.min_sigma_bps..=params.vol.max_sigma_bps).contains(&self.initial_sigma_bps) {
            bail!("initial_sigma_bps must lie within [vol.min_sigma_bps, vol.max_sigma_bps]");
        }
        let args = InitializeVaultArgs {
            vault_id: self.vault_id,
            oracle: OracleConfig::new(underlying, collateral, legacy_program.unwrap_or_default()),
            params: params.core(),
            initial_sigma_bps: self.initial_sigma_bps,
            trust_freeze_authority: self.trust_freeze_authority,
        };
        let mut changes = Vec::new();
        if params.venue_count > 0 {
            changes.push(ParamsChange::Venues(params.live_venues().to_vec()));
        }
        if params.leg_count > 0 {
            changes.push(ParamsChange::Legs(params.live_legs().to_vec()));
        }
        // Oracles and venues do not take part in these instructions.
        let client = hedge_client::VaultClient {
            pdas,
            collateral_mint: mint,
            token_program,
            oracles: hedge_client::OracleAccounts {
                underlying: Pubkey::default(),
                collateral: None,
            },
            venues: Vec::new(),
        };
        let governance = changes
            .into_iter()
            .enumerate()
            .map(|(i, change)| {
                if i == 0 {
                    client.queue_params(authority, change)
                } else {
                    client.amend_params(authority, change)
                }
            })
            .collect();
        let instruction = client.initialize_vault(authority, args.clone());
        Ok(Plan {
            vault,
            share_mint,
            collateral_vault,
            share_escrow,
            args,
            params,
            instruction,
            governance,
        })
    }
}

/// Prints the addresses of a plan.
pub fn print_plan(p: &Plan) {
    println!("vault             {}", p.vault);
    println!("share mint        {}", p.share_mint);
    println!("collateral vault  {}", p.collateral_vault);
    println!("share escrow      {}", p.share_escrow);
    for (i, v) in p.params.live_venues().iter().enumerate() {
        println!("venue {i} margin    {} (market {})", v.margin_account, v.market);
    }
}

pub async fn run(args: InitVaultArgs) -> anyhow::Result<()> {
    let file = VaultFile::load(&args.config)?;
    let authority = crate::cmd::run::read_keypair(&args.keypair)?;
    let mut chain = crate::chain::rpc::RpcChain::new(&args.rpc_url, std::time::Duration::from_secs(30));
    let now = match crate::chain::Chain::clock(&mut chain).await {
        Ok((_, t)) => t,
        Err(e) if args.dry_run => {
            eprintln!("warning: cannot read the cluster clock ({e}); validating against local time");
            i64::try_from(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)?
                    .as_secs(),
            )?
        }
        Err(e) => return Err(e.into()),
    };
    let plan = file.plan(authority.pubkey(), now)?;
    print_plan(&plan);
    if args.dry_run {
        println!("dry run: definition valid, nothing sent");
        return Ok(());
    }
    if args.apply {
        let oracles = hedge_client::OracleAccounts {
            underlying: key(
                "--oracle-account",
                args.oracle_account.as_deref().unwrap_or_default(),
            )?,
            collateral: args
                .collateral_oracle_account
                .as_deref()
                .map(|s| key("--collateral-oracle-account", s))
                .transpose()?,
        };
        if file.oracle.collateral_feed_id.is_some() && oracles.collateral.is_none() {
            bail!("the definition has a collateral_feed_id: pass --collateral-oracle-account");
        }
        return apply(&mut chain, &authority, &plan, oracles, now).await;
    }
    // Each step is skipped when the chain already has its result, so a run that stopped
    // half-way (a dropped transaction, a closed terminal) is finished by running it again.
    let pending = hedge_client::pending_pda(&plan.vault);
    let vault_exists = exists(&mut chain, &plan.vault).await?;
    let queued = exists(&mut chain, &pending).await?;
    let mut steps: Vec<(&str, Instruction)> = Vec::new();
    if vault_exists {
        println!("initialize_vault: already done");
    } else {
        steps.push(("initialize_vault", plan.instruction.clone()));
    }
    if queued {
        println!("queue_params: already queued");
    } else {
        for (i, ix) in plan.governance.iter().enumerate() {
            steps.push((if i == 0 { "queue_params" } else { "amend_params" }, ix.clone()));
        }
    }
    // The vault's margin account on each venue market (permissionless; the authority pays).
    for v in plan.params.live_venues() {
        if exists(&mut chain, &v.margin_account).await? {
            println!("create_margin_account {}: already exists", v.market);
        } else {
            steps.push((
                "create_margin_account",
                hedge_client::venue::create_margin_account(v.market, authority.pubkey(), plan.vault),
            ));
        }
    }
    for (name, ix) in steps {
        send_step(&mut chain, &authority, name, ix).await?;
    }
    if !plan.governance.is_empty() {
        println!(
            "venues and legs are queued behind the {} s timelock; apply them afterwards with \
             `hedge-keeper init-vault --config {} --apply --oracle-account <PRICE ACCOUNT>`",
            plan.params.timelock_secs,
            args.config.display()
        );
    }
    Ok(())
}

async fn exists<C: crate::chain::Chain>(chain: &mut C, key: &Pubkey) -> anyhow::Result<bool> {
    Ok(crate::chain::Chain::account(chain, key).await?.is_some())
}

async fn send_step<C: crate::chain::Chain>(
    chain: &mut C,
    authority: &solana_keypair::Keypair,
    name: &str,
    ix: Instruction,
) -> anyhow::Result<()> {
    match crate::sender::send(
        chain,
        authority,
        &[],
        std::slice::from_ref(&ix),
        &Default::default(),
    )
    .await
    {
        crate::sender::Outcome::Landed { .. } => {
            println!("{name}: done");
            Ok(())
        }
        crate::sender::Outcome::Benign(e) => bail!("{name} refused: {e:?}"),
        crate::sender::Outcome::Failed(e) => bail!("{name} failed: {e}"),
    }
}

/// `--apply`: sends `apply_params` once the queued change's timelock has passed. Refuses,
/// saying why, before the vault exists or before the timelock; nothing queued is not an
/// error (a second run finds it applied).
pub async fn apply<C: crate::chain::Chain>(
    chain: &mut C,
    authority: &solana_keypair::Keypair,
    plan: &Plan,
    oracles: hedge_client::OracleAccounts,
    now: i64,
) -> anyhow::Result<()> {
    use anchor_lang::AccountDeserialize;
    let read = |acc: Option<solana_account::Account>, what: &str| -> anyhow::Result<Vec<u8>> {
        acc.map(|a| a.data)
            .ok_or_else(|| anyhow::anyhow!("{what} does not exist: run init-vault without --apply first"))
    };
    let vault_data = read(
        crate::chain::Chain::account(chain, &plan.vault).await?,
        "the vault",
    )?;
    let vault = Vault::try_deserialize(&mut &vault_data[..]).context("the vault account does not decode")?;
    let pending_key = hedge_client::pending_pda(&plan.vault);
    let Some(pending_acc) = crate::chain::Chain::account(chain, &pending_key).await? else {
        println!("apply_params: nothing queued (already applied?)");
        return Ok(());
    };
    let pending = PendingParams::try_deserialize(&mut &pending_acc.data[..])
        .context("the pending-params account does not decode")?;
    if now < pending.eta {
        bail!(
            "the timelock has {} s to go (eta {}, cluster time {now}); run --apply again then",
            pending.eta.saturating_sub(now),
            pending.eta
        );
    }
    let client = hedge_client::VaultClient::of(plan.vault, &vault, oracles);
    send_step(
        chain,
        authority,
        "apply_params",
        client.apply_params(authority.pubkey()),
    )
    .await
}
