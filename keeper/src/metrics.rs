//! Prometheus metrics and the `/metrics` + `/health` HTTP endpoint.
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use prometheus::{
    Encoder, GaugeVec, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};

/// All keeper metrics.
pub struct Metrics {
    pub registry: Registry,
    /// Rebalances landed, by vault.
    pub rebalances: IntCounterVec,
    /// Operations that failed, by vault and operation.
    pub failures: IntCounterVec,
    /// Operations another keeper (or the program) made unnecessary, by vault and operation.
    pub benign: IntCounterVec,
    /// Send latency (seconds), by operation.
    pub latency: HistogramVec,
    /// Per-vault risk gauges: net delta, target, band (whole tokens), gamma exposure (quote per 1 %).
    pub net_delta: GaugeVec,
    pub target_delta: GaugeVec,
    pub band: GaugeVec,
    pub gamma_exposure: GaugeVec,
    /// Per vault and venue: the underlying price at which the venue would liquidate the
    /// vault's account there (quote; 0 = none: no position, or no price liquidates it).
    pub liquidation_price: GaugeVec,
    /// Priority fees paid (micro-lamports per CU, summed over landed transactions).
    pub priority_fees: IntCounterVec,
    /// Last observed slot and when it was observed (unix seconds).
    pub last_slot: AtomicU64,
    pub last_slot_seen_at: AtomicI64,
    /// `/health` fails when no new slot was seen for this long (seconds).
    pub stale_after_secs: i64,
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl Metrics {
    pub fn new(stale_after_secs: i64) -> prometheus::Result<Self> {
        let registry = Registry::new_custom(Some("hedge_keeper".into()), None)?;
        let counter = |name: &str, help: &str, labels: &[&str]| -> prometheus::Result<IntCounterVec> {
            let c = IntCounterVec::new(Opts::new(name, help), labels)?;
            registry.register(Box::new(c.clone()))?;
            Ok(c)
        };
        let gauge = |name: &str, help: &str| -> prometheus::Result<GaugeVec> {
            let g = GaugeVec::new(Opts::new(name, help), &["vault"])?;
            registry.register(Box::new(g.clone()))?;
            Ok(g)
        };
        let latency = HistogramVec::new(
            HistogramOpts::new("send_latency_seconds", "Time from build to confirmation")
                .buckets(vec![0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0]),
            &["op"],
        )?;
        registry.register(Box::new(latency.clone()))?;
        Ok(Metrics {
            rebalances: counter("rebalances_total", "Rebalances landed", &["vault"])?,
            failures: counter("failures_total", "Failed operations", &["vault", "op"])?,
            benign: counter(
                "benign_total",
                "Operations found unnecessary (raced or nothing to do)",
                &["vault", "op"],
            )?,
            latency,
            net_delta: gauge("net_delta_tokens", "Net delta of collateral + hedge (tokens)")?,
            target_delta: gauge("target_delta_tokens", "Target delta (tokens)")?,
            band: gauge("band_tokens", "Band half-width (tokens)")?,
            gamma_exposure: gauge("gamma_exposure_quote", "Book gamma exposure per 1 % move (quote)")?,
            priority_fees: counter("priority_fee_microlamports_total", "Priority fees paid", &["op"])?,
            liquidation_price: {
                let g = GaugeVec::new(
                    Opts::new(
                        "venue_liquidation_price_quote",
                        "Underlying price at which the venue would liquidate the vault's account (0 = none)",
                    ),
                    &["vault", "venue"],
                )?;
                registry.register(Box::new(g.clone()))?;
                g
            },
            registry,
            last_slot: AtomicU64::new(0),
            last_slot_seen_at: AtomicI64::new(unix_now()),
            stale_after_secs,
        })
    }

    /// Records an observed slot; the health check compares against wall time.
    pub fn observe_slot(&self, slot: u64) {
        if self.last_slot.swap(slot, Ordering::Relaxed) != slot {
            self.last_slot_seen_at.store(unix_now(), Ordering::Relaxed);
        }
    }

    /// Healthy while a new slot was seen within `stale_after_secs`.
    pub fn healthy(&self) -> bool {
        unix_now().saturating_sub(self.last_slot_seen_at.load(Ordering::Relaxed)) <= self.stale_after_secs
    }

    /// Text exposition format.
    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buf);
        String::from_utf8(buf).unwrap_or_default()
    }
}

async fn metrics(State(m): State<Arc<Metrics>>) -> String {
    m.render()
}

async fn health(State(m): State<Arc<Metrics>>) -> (StatusCode, String) {
    let slot = m.last_slot.load(Ordering::Relaxed);
    if m.healthy() {
        (StatusCode::OK, format!("ok slot={slot}\n"))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("stale: no new slot since slot {slot}\n"),
        )
    }
}

/// Serves `/metrics` and `/health` until `shutdown` resolves. Returns the bound address.
pub async fn serve(
    m: Arc<Metrics>,
    addr: SocketAddr,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/health", get(health))
        .with_state(m);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let handle = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
            tracing::error!(error = %e, "metrics server stopped");
        }
    });
    Ok((bound, handle))
}
