//! `hedge-sim simulate --serve`: Solana JSON-RPC over HTTP on top of the in-process chain.
//!
//! The chain (solana-program-test with both programs built natively) is owned by one task,
//! the *node loop*; HTTP handlers forward each call to it over a channel and wait for the
//! answer, so calls are processed one at a time, in arrival order, like a single-threaded
//! validator. Between calls the node loop advances the simulation on a timer (a new oracle
//! price, time moving on, the built-in keeper's tick).
//!
//! Standard methods are in [`methods`]; the simulation adds a few non-standard ones under
//! the `hedgeSim_` prefix (see [`Simulation`]) for what only a local chain can do: move
//! time, set the oracle price, hand out test collateral.
//!
//! Why not an existing engine: surfpool-core (1.6.1 resolves next to the pinned
//! solana-program-test 4.2.2 set) runs its chain in LiteSVM, which executes sBPF programs
//! and registers builtins only in the runtime's own calling convention. Hosting a natively
//! compiled Anchor entrypoint needs what solana-program-test's `processor!` adapter does
//! (account (de)serialisation around the call, syscall stubs for CPI, sysvars and logs),
//! which neither exposes. It could serve our sBPF `.so` files, but then the simulation,
//! the keeper and the tests would run on a second chain implementation. So the node serves
//! the in-process chain itself; the README (section "Web app") lists the methods and what
//! differs from a validator.
pub mod ledger;
pub mod methods;
pub mod session;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use hedge_localnet::Env;
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};

use ledger::Ledger;
use methods::{Node, RpcError};

/// The simulation behind the endpoint: its chain, its extensions, its clock.
#[allow(async_fn_in_trait)]
pub trait Simulation {
    /// The chain.
    fn env(&mut self) -> &mut Env;
    /// Handles a `hedgeSim_*` method; `None` if `method` is not one.
    async fn extension(&mut self, method: &str, params: &Value) -> Option<Result<Value, RpcError>>;
    /// One automatic step (price, time, keeper), run every tick.
    async fn tick(&mut self) -> anyhow::Result<()>;
}

struct Call {
    method: String,
    params: Value,
    reply: oneshot::Sender<Result<Value, RpcError>>,
}

/// A bound HTTP endpoint whose calls have not started being served yet.
pub struct Endpoint {
    /// The address actually bound (useful with port 0).
    pub addr: SocketAddr,
    calls: mpsc::Receiver<Call>,
    server: tokio::task::JoinHandle<()>,
}

/// Binds `addr` and starts accepting HTTP requests (queued until [`Endpoint::run`]).
pub async fn bind(addr: SocketAddr) -> std::io::Result<Endpoint> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (tx, calls) = mpsc::channel::<Call>(256);
    let app = Router::new()
        .route("/", post(handle).options(preflight).get(health))
        .route("/health", axum::routing::get(health))
        .with_state(tx);
    let server = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!("RPC server stopped: {e}");
        }
    });
    Ok(Endpoint { addr, calls, server })
}

impl Endpoint {
    /// Serves calls against `sim` until `stop` resolves, stepping the simulation every
    /// `tick` (never with `None`). Every transaction the chain processes, whoever sent
    /// it, goes into `ledger`.
    pub async fn run<S: Simulation>(
        mut self,
        sim: &mut S,
        ledger: &mut Ledger,
        tick: Option<Duration>,
        stop: impl Future<Output = ()>,
    ) {
        sim.env().start_journal();
        ledger.record(sim.env().take_journal());
        let mut stop = std::pin::pin!(stop);
        let mut timer = tick.map(|d| {
            let mut t = tokio::time::interval(d);
            t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            t
        });
        loop {
            tokio::select! {
                _ = &mut stop => break,
                call = self.calls.recv() => {
                    let Some(call) = call else { break };
                    let res = dispatch(sim, ledger, &call.method, &call.params).await;
                    let _ = call.reply.send(res);
                }
                _ = async { timer.as_mut().expect("guarded").tick().await }, if timer.is_some() => {
                    if let Err(e) = sim.tick().await {
                        tracing::warn!("simulation step failed: {e:#}");
                    }
                    ledger.record(sim.env().take_journal());
                }
            }
        }
        self.server.abort();
    }
}

async fn dispatch<S: Simulation>(
    sim: &mut S,
    ledger: &mut Ledger,
    method: &str,
    params: &Value,
) -> Result<Value, RpcError> {
    let res = match sim.extension(method, params).await {
        Some(r) => r,
        None => {
            Node {
                env: sim.env(),
                ledger,
            }
            .call(method, params)
            .await
        }
    };
    // Transactions sent by extensions (faucet, governance helpers) land in the history too.
    ledger.record(sim.env().take_journal());
    tracing::debug!(method, ok = res.is_ok(), "rpc");
    res
}

type Tx = mpsc::Sender<Call>;

fn cors(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST, GET, OPTIONS"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("*"),
    );
    h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
    r
}

async fn preflight() -> Response {
    cors(StatusCode::NO_CONTENT.into_response())
}

async fn health() -> Response {
    cors("ok".into_response())
}

fn json_response(v: &Value) -> Response {
    cors(([(header::CONTENT_TYPE, "application/json")], v.to_string()).into_response())
}

fn error_object(id: Value, e: &RpcError) -> Value {
    json!({"jsonrpc": "2.0", "error": e.to_json(), "id": id})
}

async fn handle(axum::extract::State(tx): axum::extract::State<Tx>, body: Bytes) -> Response {
    let parsed: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(_) => {
            let e = RpcError {
                code: -32700,
                message: "Parse error".into(),
                data: None,
            };
            return json_response(&error_object(Value::Null, &e));
        }
    };
    match parsed {
        Value::Array(batch) => {
            if batch.is_empty() {
                let e = RpcError {
                    code: -32600,
                    message: "Invalid request".into(),
                    data: None,
                };
                return json_response(&error_object(Value::Null, &e));
            }
            let mut out = Vec::with_capacity(batch.len());
            for req in batch {
                out.push(one(&tx, req).await);
            }
            json_response(&Value::Array(out))
        }
        req => json_response(&one(&tx, req).await),
    }
}

/// Answers one JSON-RPC request object.
async fn one(tx: &Tx, req: Value) -> Value {
    let id = req.get("id").cloned().unwrap_or(Value::Null);
    let Some(method) = req.get("method").and_then(Value::as_str) else {
        let e = RpcError {
            code: -32600,
            message: "Invalid request".into(),
            data: None,
        };
        return error_object(id, &e);
    };
    let params = req.get("params").cloned().unwrap_or(json!([]));
    let (reply, answer) = oneshot::channel();
    let call = Call {
        method: method.to_string(),
        params,
        reply,
    };
    if tx.send(call).await.is_err() {
        return error_object(id, &RpcError::internal("the simulation has stopped"));
    }
    match answer.await {
        Ok(Ok(result)) => json!({"jsonrpc": "2.0", "result": result, "id": id}),
        Ok(Err(e)) => error_object(id, &e),
        Err(_) => error_object(id, &RpcError::internal("the simulation has stopped")),
    }
}
