//! `hedge-keeper run` configuration: a TOML file, every field overridable by an
//! environment variable and a flag (flag > env > file > default).
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anchor_lang::prelude::Pubkey;
use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use serde::Deserialize;

/// Log output format.
#[derive(Debug, Clone, Copy, Default, ValueEnum, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Human,
    Json,
}

/// Flags of `hedge-keeper run`.
#[derive(Debug, Clone, Args, Default)]
pub struct RunArgs {
    /// TOML config file (see keeper/keeper.example.toml).
    #[arg(long, env = "HEDGE_KEEPER_CONFIG")]
    pub config: Option<PathBuf>,
    /// Solana JSON-RPC URL.
    #[arg(long, env = "HEDGE_RPC_URL")]
    pub rpc_url: Option<String>,
    /// Solana websocket URL for wake-ups on price changes and slots (default: the RPC URL
    /// with ws:// and the next port, as a validator serves it); "off" polls only.
    #[arg(long, env = "HEDGE_WS_URL")]
    pub ws_url: Option<String>,
    /// Keeper keypair file (pays fees, receives rewards).
    #[arg(long, env = "HEDGE_KEYPAIR")]
    pub keypair: Option<PathBuf>,
    /// Vol-updater keypair file; without it the vol operation is off.
    #[arg(long, env = "HEDGE_VOL_UPDATER_KEYPAIR")]
    pub vol_updater_keypair: Option<PathBuf>,
    /// Collateral token account receiving keeper rewards (same mint as the vaults').
    #[arg(long, env = "HEDGE_REWARD_ACCOUNT")]
    pub reward_account: Option<String>,
    /// Vaults to watch, as VAULT:UNDERLYING_ORACLE[:COLLATERAL_ORACLE] (repeatable;
    /// adds to the file's list).
    #[arg(long = "vault", env = "HEDGE_VAULTS", value_delimiter = ',')]
    pub vaults: Vec<String>,
    /// Milliseconds between passes.
    #[arg(long, env = "HEDGE_POLL_INTERVAL_MS")]
    pub poll_interval_ms: Option<u64>,
    /// Cap on the priority fee (micro-lamports per CU).
    #[arg(long, env = "HEDGE_MAX_PRIORITY_FEE")]
    pub max_priority_fee: Option<u64>,
    /// Extra compute units over the simulation (percent).
    #[arg(long, env = "HEDGE_CU_MARGIN_PCT")]
    pub cu_margin_pct: Option<u32>,
    /// Address for /metrics and /health.
    #[arg(long, env = "HEDGE_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// /health fails when no new slot was seen for this many seconds.
    #[arg(long, env = "HEDGE_STALE_AFTER_SECS")]
    pub stale_after_secs: Option<i64>,
    /// Log format.
    #[arg(long, env = "HEDGE_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    /// Decide and simulate, never send.
    #[arg(long, env = "HEDGE_DRY_RUN")]
    pub dry_run: bool,
    /// One pass over the vaults, then exit.
    #[arg(long)]
    pub once: bool,
}

/// A vault entry of the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultFileEntry {
    pub address: String,
    pub underlying_oracle: String,
    pub collateral_oracle: Option<String>,
}

/// The TOML file; every field optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub rpc_url: Option<String>,
    pub ws_url: Option<String>,
    pub keypair: Option<PathBuf>,
    pub vol_updater_keypair: Option<PathBuf>,
    pub reward_account: Option<String>,
    pub poll_interval_ms: Option<u64>,
    pub max_priority_fee: Option<u64>,
    pub cu_margin_pct: Option<u32>,
    pub metrics_addr: Option<SocketAddr>,
    pub stale_after_secs: Option<i64>,
    pub log_format: Option<LogFormat>,
    pub dry_run: Option<bool>,
    #[serde(default)]
    pub vaults: Vec<VaultFileEntry>,
}

/// A watched vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchedVault {
    pub address: Pubkey,
    pub underlying_oracle: Pubkey,
    pub collateral_oracle: Option<Pubkey>,
}

/// Resolved, validated configuration.
#[derive(Debug, Clone)]
pub struct KeeperConfig {
    pub rpc_url: String,
    /// `None`: polling only.
    pub ws_url: Option<String>,
    pub keypair: PathBuf,
    pub vol_updater_keypair: Option<PathBuf>,
    pub reward_account: Pubkey,
    pub vaults: Vec<WatchedVault>,
    pub poll_interval_ms: u64,
    pub max_priority_fee: u64,
    pub cu_margin_pct: u32,
    pub metrics_addr: SocketAddr,
    pub stale_after_secs: i64,
    pub log_format: LogFormat,
    pub dry_run: bool,
    pub once: bool,
}

fn pubkey(field: &str, s: &str) -> anyhow::Result<Pubkey> {
    Pubkey::from_str(s.trim()).map_err(|_| anyhow::anyhow!("{field}: '{s}' is not a base58 public key"))
}

fn parse_vault_flag(s: &str) -> anyhow::Result<WatchedVault> {
    let parts: Vec<&str> = s.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        bail!("--vault '{s}': expected VAULT:UNDERLYING_ORACLE[:COLLATERAL_ORACLE]");
    }
    Ok(WatchedVault {
        address: pubkey("--vault", parts[0])?,
        underlying_oracle: pubkey("--vault oracle", parts[1])?,
        collateral_oracle: parts
            .get(2)
            .map(|p| pubkey("--vault collateral oracle", p))
            .transpose()?,
    })
}

impl KeeperConfig {
    /// Reads the file (if any) and applies env/flag overrides.
    pub fn resolve(args: &RunArgs) -> anyhow::Result<Self> {
        let file = match &args.config {
            Some(p) => load_file(p)?,
            None => FileConfig::default(),
        };
        let mut vaults = Vec::new();
        for (i, v) in file.vaults.iter().enumerate() {
            let field = |f: &str| format!("vaults[{i}].{f}");
            vaults.push(WatchedVault {
                address: pubkey(&field("address"), &v.address)?,
                underlying_oracle: pubkey(&field("underlying_oracle"), &v.underlying_oracle)?,
                collateral_oracle: v
                    .collateral_oracle
                    .as_deref()
                    .map(|s| pubkey(&field("collateral_oracle"), s))
                    .transpose()?,
            });
        }
        for v in &args.vaults {
            vaults.push(parse_vault_flag(v)?);
        }
        if vaults.is_empty() {
            bail!("no vaults to watch: add [[vaults]] to the config file or pass --vault");
        }
        let rpc_url = args
            .rpc_url
            .clone()
            .or(file.rpc_url)
            .unwrap_or_else(|| "http://127.0.0.1:8899".to_string());
        let ws_url = match args.ws_url.clone().or(file.ws_url) {
            Some(u) if u == "off" => None,
            Some(u) => Some(u),
            None => crate::wake::ws_url_for(&rpc_url),
        };
        let keypair = args
            .keypair
            .clone()
            .or(file.keypair)
            .context("no keypair: pass --keypair, HEDGE_KEYPAIR or `keypair` in the config file")?;
        let reward = args
            .reward_account
            .clone()
            .or(file.reward_account)
            .context("no reward account: pass --reward-account or `reward_account`")?;
        let cfg = KeeperConfig {
            rpc_url,
            ws_url,
            keypair,
            vol_updater_keypair: args.vol_updater_keypair.clone().or(file.vol_updater_keypair),
            reward_account: pubkey("reward_account", &reward)?,
            vaults,
            poll_interval_ms: args.poll_interval_ms.or(file.poll_interval_ms).unwrap_or(2_000),
            max_priority_fee: args.max_priority_fee.or(file.max_priority_fee).unwrap_or(100_000),
            cu_margin_pct: args.cu_margin_pct.or(file.cu_margin_pct).unwrap_or(20),
            metrics_addr: args
                .metrics_addr
                .or(file.metrics_addr)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 9464))),
            stale_after_secs: args.stale_after_secs.or(file.stale_after_secs).unwrap_or(60),
            log_format: args.log_format.or(file.log_format).unwrap_or_default(),
            dry_run: args.dry_run || file.dry_run.unwrap_or(false),
            once: args.once,
        };
        if cfg.poll_interval_ms == 0 {
            bail!("poll_interval_ms must be > 0");
        }
        if cfg.cu_margin_pct > 500 {
            bail!("cu_margin_pct must be <= 500");
        }
        Ok(cfg)
    }
}

fn load_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("{}: invalid config", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: &str = "HVau1tZk8ZXjVrjwS7t6Ws3ixGNHykzRwkqfS7pMcsLa";
    const O: &str = "PerpVenue1111111111111111111111111111111111";

    #[test]
    fn flags_override_the_file() {
        let dir = std::env::temp_dir().join(format!("hk-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("k.toml");
        std::fs::write(
            &file,
            format!(
                "rpc_url = \"http://file\"\nkeypair = \"/k.json\"\nreward_account = \"{V}\"\npoll_interval_ms = 500\n[[vaults]]\naddress = \"{V}\"\nunderlying_oracle = \"{O}\"\n"
            ),
        )
        .unwrap();
        let args = RunArgs {
            config: Some(file),
            rpc_url: Some("http://flag".into()),
            ..Default::default()
        };
        let c = KeeperConfig::resolve(&args).unwrap();
        assert_eq!(c.rpc_url, "http://flag");
        assert_eq!(c.poll_interval_ms, 500);
        assert_eq!(c.vaults.len(), 1);
        assert_eq!(c.metrics_addr.port(), 9464);
        // No port in the RPC URL: the websocket keeps the host, with ws://.
        assert_eq!(c.ws_url.as_deref(), Some("ws://flag"));
        let off = RunArgs {
            ws_url: Some("off".into()),
            ..args
        };
        assert_eq!(KeeperConfig::resolve(&off).unwrap().ws_url, None);
    }

    #[test]
    fn errors_name_the_field() {
        let args = RunArgs {
            keypair: Some("/k".into()),
            reward_account: Some(V.into()),
            vaults: vec![format!("{V}:not-a-key")],
            ..Default::default()
        };
        let e = KeeperConfig::resolve(&args).unwrap_err().to_string();
        assert!(e.contains("--vault oracle"), "{e}");
        let e = KeeperConfig::resolve(&RunArgs::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("no vaults"), "{e}");
        let args = RunArgs {
            vaults: vec![format!("{V}:{O}")],
            ..Default::default()
        };
        assert!(KeeperConfig::resolve(&args)
            .unwrap_err()
            .to_string()
            .contains("no keypair"));
    }
}
