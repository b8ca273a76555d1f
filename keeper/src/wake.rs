//! Reactive wake-ups over the node's websocket: the keeper re-evaluates a vault as soon as
//! one of its price feeds changes, instead of waiting for the next poll, and `/health`
//! follows slots as they are produced.
//!
//! The websocket only makes the keeper faster. Polling stays on as the fallback: when the
//! websocket is down, every vault is still checked each `poll_interval_ms`, and the task
//! reconnects with backoff.
use std::sync::Arc;
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use futures_util::stream::{select_all, StreamExt};
use solana_pubsub_client::nonblocking::pubsub_client::PubsubClient;
use tokio::sync::Notify;

use crate::metrics::Metrics;

/// The websocket URL a JSON-RPC URL implies: `http(s)` becomes `ws(s)` and an explicit port
/// becomes the next one (the validator's default layout: RPC on 8899, websocket on 8900).
pub fn ws_url_for(rpc_url: &str) -> Option<String> {
    let (scheme, rest) = rpc_url.split_once("://")?;
    let ws_scheme = match scheme {
        "http" => "ws",
        "https" => "wss",
        _ => return None,
    };
    let (host_port, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host_port = match host_port.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || host_port.ends_with(']') => match port.parse::<u16>() {
            Ok(p) => format!("{host}:{}", p.checked_add(1)?),
            Err(_) => host_port.to_string(),
        },
        _ => host_port.to_string(),
    };
    Some(format!("{ws_scheme}://{host_port}{path}"))
}

/// Spawns the subscriber: slot notifications feed `metrics`, and a change of any account
/// in `accounts` (the watched oracles) wakes `notify`. Runs until the runtime stops.
pub fn spawn(
    url: String,
    accounts: Vec<Pubkey>,
    metrics: Arc<Metrics>,
    notify: Arc<Notify>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut backoff = Duration::from_millis(500);
        loop {
            match subscribe(&url, &accounts, &metrics, &notify).await {
                Ok(()) => tracing::warn!(%url, "websocket closed by the node; reconnecting"),
                Err(e) => {
                    tracing::warn!(%url, error = %e, "websocket failed; polling only until it reconnects")
                }
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(30));
        }
    })
}

async fn subscribe(url: &str, accounts: &[Pubkey], metrics: &Metrics, notify: &Notify) -> anyhow::Result<()> {
    let client = PubsubClient::new(url).await?;
    let (mut slots, _slot_unsub) = client.slot_subscribe().await?;
    let mut streams = Vec::with_capacity(accounts.len());
    for a in accounts {
        let (s, _unsub) = client.account_subscribe(a, None).await?;
        streams.push(s);
    }
    let mut changes = select_all(streams);
    tracing::info!(%url, accounts = accounts.len(), "websocket subscribed: slots and price feeds");
    loop {
        tokio::select! {
            slot = slots.next() => match slot {
                Some(info) => metrics.observe_slot(info.slot),
                None => return Ok(()),
            },
            change = changes.next(), if !accounts.is_empty() => match change {
                Some(_) => notify.notify_one(),
                None => return Ok(()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ws_url_for;

    #[test]
    fn websocket_url_follows_the_validator_layout() {
        assert_eq!(
            ws_url_for("http://127.0.0.1:8899").as_deref(),
            Some("ws://127.0.0.1:8900")
        );
        assert_eq!(
            ws_url_for("https://rpc.example.com/key/abc").as_deref(),
            Some("wss://rpc.example.com/key/abc")
        );
        assert_eq!(ws_url_for("https://h:443/x").as_deref(), Some("wss://h:444/x"));
        assert_eq!(ws_url_for("ftp://h"), None);
        assert_eq!(ws_url_for("http://h:65535"), None);
    }
}
