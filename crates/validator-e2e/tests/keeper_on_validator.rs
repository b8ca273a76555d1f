//! The production keeper end to end against a real validator.
//!
//! An in-process `solana-test-validator` serves the sBPF builds over JSON-RPC and
//! websocket. The test creates the collateral mint, a Pyth pull feed (through the test-only
//! stand-in at the receiver's address) and a perp-venue market, then drives the production
//! binary as an operator would:
//! 1. `hedge-keeper init-vault` from `migrations/vault.example.toml` (with this chain's
//!    addresses), `--apply` refused before the timelock, then `migrations/deploy.sh`,
//!    which finishes the deployment once the timelock has passed;
//! 2. a deposit;
//! 3. `hedge-keeper run`: it must hedge the deposit, then, after a 25 % rise, cut the hedge
//!    and top up the venue margin, while `/health` and `/metrics` report it.
//!
//! Outcomes are checked from raw accounts (token balances and the venue's margin account),
//! not from what the vault believes: the vault's true delta is
//! `collateral held + collateral at the venue + venue position` (tokens; dollars have none).
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anchor_lang::prelude::Pubkey;
use hedge_client::{Holder, OracleAccounts, VaultClient};
use hedge_localnet::bins::{free_port, keeper_bin, ChildGuard};
use hedge_localnet::venue::market_args;
use hedge_validator_e2e::{Feed, Local};
use hedge_vault::state::Vault;
use perp_venue::state::MarginAccount;
use solana_keypair::Keypair;
use solana_signer::Signer;

const UNIT: u64 = 1_000_000_000; // 9 decimals
const FEED_ID: [u8; 32] = [0x5a; 32];

fn write_keypair(dir: &Path, name: &str, kp: &Keypair) -> std::path::PathBuf {
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string(&kp.to_bytes().to_vec()).unwrap()).unwrap();
    path
}

fn http_get(addr: &str, path: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(addr).expect("metrics server");
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out.split("\r\n\r\n").nth(1).unwrap_or_default().to_string();
    (status, body)
}

/// The vault's true exposure from raw accounts: (delta in tokens, collateral in tokens,
/// margin account).
async fn true_exposure(local: &Local, vault: &Vault, margin: &Pubkey) -> (f64, f64, MarginAccount) {
    let held = local.balance(&vault.collateral_vault).await.unwrap();
    let m: MarginAccount = local.anchor(margin).await.unwrap();
    let collateral = (held + m.collateral) as f64 / UNIT as f64;
    let delta = collateral + m.position as f64 / UNIT as f64;
    (delta, collateral, m)
}

fn vault_definition(example: &str, mint: &Pubkey, market: &Pubkey, keeper_reward: u64) -> String {
    let mut v: toml::Table = example.parse().expect("the example definition parses");
    let hex: String = FEED_ID.iter().map(|b| format!("{b:02x}")).collect();
    v.insert("collateral_mint".into(), mint.to_string().into());
    v.insert("timelock_secs".into(), 60.into());
    let oracle = v["oracle"].as_table_mut().unwrap();
    oracle.insert("feed_id".into(), hex.into());
    oracle.remove("collateral_feed_id"); // the collateral is the underlying here
    let risk = v["risk"].as_table_mut().unwrap();
    risk.insert("rebalance_cooldown_secs".into(), 10.into());
    risk.insert(
        "keeper_reward".into(),
        i64::try_from(keeper_reward).unwrap().into(),
    );
    v["limits"]
        .as_table_mut()
        .unwrap()
        .insert("withdrawal_delay_secs".into(), 60.into());
    v["venues"].as_array_mut().unwrap()[0]
        .as_table_mut()
        .unwrap()
        .insert("market".into(), market.to_string().into());
    toml::to_string(&v).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn keeper_hedges_a_vault_on_a_real_validator() {
    let t0 = Instant::now();
    let step = |what: &str| eprintln!("[{:>5.1}s] {what}", t0.elapsed().as_secs_f64());
    let rpc_port = loop {
        // The websocket listens on the next port: both must be free.
        let p = free_port();
        if p < u16::MAX && std::net::TcpListener::bind(("127.0.0.1", p + 1)).is_ok() {
            break p;
        }
    };
    let local = Local::start(rpc_port).await.unwrap_or_else(|e| panic!("{e:#}"));
    let url = local.validator.rpc_url();
    step(&format!(
        "validator up at {url} (ws {})",
        local.validator.rpc_pubsub_url()
    ));

    // Collateral, price feed, venue market with an LP.
    let mint = local.create_mint(9).await.unwrap();
    let feed = Arc::new(Feed::create(&local, FEED_ID, 150.0).await.unwrap());
    let publisher = feed.publish_forever(
        url.clone(),
        local.payer.insecure_clone(),
        Duration::from_millis(800),
    );
    let admin = &local.payer;
    let init = hedge_client::venue::init_market(
        admin.pubkey(),
        mint,
        anchor_spl::token::ID,
        market_args(0, FEED_ID),
    );
    local.send(&[init], &[]).await.unwrap();
    let market = hedge_client::venue::market(&FEED_ID, 0);
    let keys = hedge_client::venue::MarketKeys {
        market,
        collateral_mint: mint,
        token_program: anchor_spl::token::ID,
        oracle: feed.address(),
        collateral_oracle: None,
    };
    let lp_src = local
        .token_account(&mint, &admin.pubkey(), 1_000_000 * UNIT)
        .await
        .unwrap();
    let lp = hedge_client::venue::lp_deposit(&keys, admin.pubkey(), lp_src, 1_000_000 * UNIT);
    local.send(&[lp], &[]).await.unwrap();
    step("mint, feed and venue market ready");

    // init-vault, as an operator runs it.
    let dir = tempfile::tempdir().unwrap();
    let authority = local.funded(100).await.unwrap();
    let authority_file = write_keypair(dir.path(), "authority", &authority);
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../migrations/vault.example.toml"
    ))
    .unwrap();
    let definition = dir.path().join("vault.toml");
    std::fs::write(
        &definition,
        vault_definition(&example, &mint, &market, UNIT / 1000),
    )
    .unwrap();
    let keeper_exe = keeper_bin();
    let init_vault = |extra: &[&str]| {
        let out = Command::new(&keeper_exe)
            .arg("init-vault")
            .arg("--config")
            .arg(&definition)
            .arg("--keypair")
            .arg(&authority_file)
            .args(["--rpc-url", &url])
            .args(extra)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let (ok, out) = init_vault(&[]);
    assert!(ok, "init-vault failed:\n{out}");
    assert!(
        out.contains("initialize_vault: done") && out.contains("queue_params: done"),
        "{out}"
    );
    assert!(out.contains("create_margin_account: done"), "{out}");
    let pdas = hedge_client::VaultPdas::derive(&mint, &authority.pubkey(), 1);
    // Run again: every step is found done, nothing is sent twice.
    let (ok, again) = init_vault(&[]);
    assert!(ok, "{again}");
    assert!(
        again.contains("initialize_vault: already done") && !again.contains(": done\n"),
        "{again}"
    );
    let oracle_arg = feed.address().to_string();
    let (ok, early) = init_vault(&["--apply", "--oracle-account", &oracle_arg]);
    assert!(
        !ok && early.contains("the timelock has"),
        "apply before the timelock must be refused:\n{early}"
    );
    step("vault created, venues queued; apply refused before the timelock");

    // A depositor, while the timelock runs.
    let user = local.funded(1).await.unwrap();
    let vault: Vault = local.anchor(&pdas.vault).await.unwrap();
    let oracles = OracleAccounts {
        underlying: feed.address(),
        collateral: None,
    };
    let deposit_amount = 1_000 * UNIT;
    let holder = Holder {
        owner: user.pubkey(),
        collateral: local
            .token_account(&mint, &user.pubkey(), deposit_amount)
            .await
            .unwrap(),
        shares: local
            .token_account(&vault.share_mint, &user.pubkey(), 0)
            .await
            .unwrap(),
    };
    let client = VaultClient::of(pdas.vault, &vault, oracles);
    local
        // A deposit is priced at a NAV marked in the same slot.
        .send(
            &[client.refresh_nav(), client.deposit(&holder, deposit_amount, 1)],
            &[&user],
        )
        .await
        .unwrap();
    assert!(local.balance(&holder.shares).await.unwrap() > 0);

    // The rest of the deployment as an operator runs it: migrations/deploy.sh re-runs
    // init-vault (every step found done) and applies once the timelock has passed.
    let deploy = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/deploy.sh"))
        .arg(&definition)
        .arg(&authority_file)
        .arg(&oracle_arg)
        .env("HEDGE_RPC_URL", &url)
        .env("HEDGE_KEEPER_BIN", &keeper_exe)
        .env("HEDGE_APPLY_POLL_SECS", "2")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&deploy.stdout).to_string() + &String::from_utf8_lossy(&deploy.stderr);
    assert!(
        deploy.status.success() && out.contains("apply_params: done"),
        "{out}"
    );
    assert!(out.contains("initialize_vault: already done"), "{out}");
    let vault: Vault = local.anchor(&pdas.vault).await.unwrap();
    let venue = vault.params.live_venues()[0];
    assert_eq!(venue.market, market);
    step("deposit landed, venues applied after the timelock");

    // The keeper.
    let keeper = local.funded(10).await.unwrap();
    let keeper_file = write_keypair(dir.path(), "keeper", &keeper);
    let rewards = local.token_account(&mint, &keeper.pubkey(), 0).await.unwrap();
    let metrics_addr = format!("127.0.0.1:{}", free_port());
    let log_path = dir.path().join("keeper.log");
    let _keeper = ChildGuard(
        Command::new(&keeper_exe)
            .arg("run")
            .args(["--rpc-url", &url])
            .args(["--ws-url", &local.validator.rpc_pubsub_url()])
            .arg("--keypair")
            .arg(&keeper_file)
            .args(["--reward-account", &rewards.to_string()])
            .args(["--vault", &format!("{}:{}", pdas.vault, feed.address())])
            .args(["--poll-interval-ms", "1000", "--metrics-addr", &metrics_addr])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log_path).unwrap())
            .spawn()
            .unwrap(),
    );
    let log = || std::fs::read_to_string(&log_path).unwrap_or_default();
    let band = f64::from(vault.params.risk.delta_band_bps) / 10_000.0;

    // 1. It hedges the deposit: the venue position offsets the collateral within the band.
    let deadline = Instant::now() + Duration::from_secs(120);
    let (delta, collateral, first) = loop {
        let (delta, collateral, m) = true_exposure(&local, &vault, &venue.margin_account).await;
        if m.position != 0 && delta.abs() <= band * collateral {
            break (delta, collateral, m);
        }
        assert!(
            Instant::now() < deadline,
            "the keeper did not hedge the deposit (delta {delta}):\n{}",
            log()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert!(first.position < 0, "a long collateral is hedged short");
    step(&format!(
        "hedged: position {} tokens, true delta {delta:+.3} of {collateral:.3}",
        first.position as f64 / UNIT as f64
    ));

    // /health and /metrics, from the outside.
    let (status, body) = http_get(&metrics_addr, "/health");
    assert_eq!(status, 200, "{body}");
    let slot: u64 = body.trim().trim_start_matches("ok slot=").parse().unwrap_or(0);
    assert!(slot > 0, "{body}");
    let rebalances = |metrics: &str| -> u64 {
        metrics
            .lines()
            .find(|l| l.starts_with("hedge_keeper_rebalances_total{") && l.contains(&pdas.vault.to_string()))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    // The chain can show the trade before the keeper has its confirmation and counts it.
    let metrics_reach = |at_least: u64| {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (status, metrics) = http_get(&metrics_addr, "/metrics");
            assert_eq!(status, 200);
            if rebalances(&metrics) >= at_least {
                return metrics;
            }
            assert!(
                Instant::now() < deadline,
                "/metrics never counted {at_least} rebalance(s):\n{metrics}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    };
    let metrics = metrics_reach(1);
    assert!(metrics.contains("hedge_keeper_net_delta_tokens"), "{metrics}");
    let keeper_reward = local.balance(&rewards).await.unwrap();
    assert!(keeper_reward > 0, "the keeper was paid for the rebalance");

    // 2. A 25 % rise: the short loses, so the vault holds fewer tokens of equity; the
    //    keeper must cut the hedge back into the band and keep the venue margin funded.
    let held_before = local.balance(&vault.collateral_vault).await.unwrap();
    feed.set_usd(187.5);
    let deadline = Instant::now() + Duration::from_secs(120);
    let after = loop {
        let (delta, collateral, m) = true_exposure(&local, &vault, &venue.margin_account).await;
        let v: Vault = local.anchor(&pdas.vault).await.unwrap();
        let cut = m.position > first.position;
        if cut && delta.abs() <= band * collateral && v.hedge_position == m.position {
            break m;
        }
        assert!(
            Instant::now() < deadline,
            "the keeper did not follow the move (delta {delta}, position {}):\n{}",
            m.position,
            log()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    // The short's loss was settled out of the venue margin, and the keeper topped the
    // margin up from the vault's own collateral.
    let held_after = local.balance(&vault.collateral_vault).await.unwrap();
    assert!(
        held_after < held_before,
        "no margin top-up from the vault ({held_before} -> {held_after}):\n{}",
        log()
    );
    assert!(log().contains("op=\"rebalance_margin\""), "{}", log());
    // Margin health from the raw account: equity over notional at the new price.
    let s = 187.5;
    let equity = after.collateral as f64 / UNIT as f64 * s
        + after.quote_balance_fx as f64 / 2f64.powi(48)
        + after.position as f64 / UNIT as f64 * s;
    let notional = (after.position as f64 / UNIT as f64 * s).abs();
    let min = vault.params.margin.min_bps as f64 / 10_000.0;
    assert!(
        equity / notional >= min,
        "margin {:.3} below the vault's minimum {min}:\n{}",
        equity / notional,
        log()
    );
    step(&format!(
        "after +25 %: position {} tokens, margin {:.1} % of notional",
        after.position as f64 / UNIT as f64,
        100.0 * equity / notional
    ));
    metrics_reach(2);
    assert!(
        log().contains("websocket"),
        "the keeper did not subscribe over the websocket:\n{}",
        log()
    );

    publisher.abort();
    step("done");
}
