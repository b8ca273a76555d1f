//! `hedge-keeper run`: the live crank against a Solana RPC endpoint.
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::chain::rpc::RpcChain;
use crate::config::{KeeperConfig, LogFormat, RunArgs};
use crate::keeper::{Keeper, KeeperSettings};
use crate::metrics::Metrics;
use crate::sender::SendPolicy;

/// Reads a Solana CLI keypair file (a JSON array of 64 bytes). The contents are never logged.
pub fn read_keypair(path: &std::path::Path) -> anyhow::Result<solana_keypair::Keypair> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read keypair {}", path.display()))?;
    let bytes: Vec<u8> =
        serde_json::from_str(&text).with_context(|| format!("{}: not a JSON byte array", path.display()))?;
    solana_keypair::Keypair::try_from(bytes.as_slice())
        .map_err(|_| anyhow::anyhow!("{}: not a 64-byte keypair", path.display()))
}

/// Installs the tracing subscriber.
pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tarpc=error"));
    // Colours only on a terminal: a log file or a collector gets plain text.
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Human => b.try_init(),
        LogFormat::Json => b.json().try_init(),
    };
}

pub async fn run(args: RunArgs) -> anyhow::Result<()> {
    let cfg = KeeperConfig::resolve(&args)?;
    init_logging(cfg.log_format);
    let keeper = read_keypair(&cfg.keypair)?;
    let vol_updater = cfg.vol_updater_keypair.as_deref().map(read_keypair).transpose()?;
    tracing::info!(
        rpc = %cfg.rpc_url,
        ws = cfg.ws_url.as_deref().unwrap_or("off"),
        keeper = %solana_signer::Signer::pubkey(&keeper),
        vaults = cfg.vaults.len(),
        dry_run = cfg.dry_run,
        metrics = %cfg.metrics_addr,
        "starting keeper"
    );
    let metrics = Arc::new(Metrics::new(cfg.stale_after_secs)?);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut server_stop = stop_rx.clone();
    let (bound, server) = crate::metrics::serve(metrics.clone(), cfg.metrics_addr, async move {
        let _ = server_stop.changed().await;
    })
    .await
    .with_context(|| format!("cannot bind metrics address {}", cfg.metrics_addr))?;
    tracing::info!(%bound, "serving /metrics and /health");

    let settings = KeeperSettings {
        keeper,
        vol_updater,
        reward_account: cfg.reward_account,
        policy: SendPolicy {
            cu_margin_pct: cfg.cu_margin_pct,
            max_priority_fee: cfg.max_priority_fee,
            ..SendPolicy::default()
        },
        dry_run: cfg.dry_run,
        funding_interval_secs: 3_600,
        pnl_settle_bps: crate::ops::pnl::DEFAULT_THRESHOLD_BPS,
        vol_threshold_bps: 100,
        vol_window: 720,
    };
    // Wake-ups: a price-feed change over the websocket ends the wait early; the poll
    // interval stays the fallback.
    let wake = Arc::new(tokio::sync::Notify::new());
    let subscriber = cfg.ws_url.clone().filter(|_| !cfg.once).map(|url| {
        let feeds = cfg
            .vaults
            .iter()
            .flat_map(|v| std::iter::once(v.underlying_oracle).chain(v.collateral_oracle))
            .collect();
        crate::wake::spawn(url, feeds, metrics.clone(), wake.clone())
    });
    let mut chain = RpcChain::new(&cfg.rpc_url, Duration::from_secs(30));
    let mut k = Keeper::new(settings, metrics);
    let mut shutdown = Box::pin(tokio::signal::ctrl_c());
    loop {
        for (vault, res) in k.tick(&mut chain, &cfg.vaults).await {
            if let Ok(t) = res {
                tracing::debug!(%vault, ?t, "tick");
            }
        }
        if cfg.once {
            break;
        }
        tokio::select! {
            _ = &mut shutdown => {
                tracing::info!("shutting down");
                break;
            }
            _ = tokio::time::sleep(Duration::from_millis(cfg.poll_interval_ms)) => {}
            _ = wake.notified() => tracing::debug!("woken by a price-feed change"),
        }
    }
    if let Some(s) = subscriber {
        s.abort();
    }
    let _ = stop_tx.send(true);
    let _ = server.await;
    Ok(())
}
