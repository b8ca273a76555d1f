//! `hedge-sim simulate --serve`: the JSON-RPC endpoint read and written through the
//! official Solana Rust client (whose types are the spec's shapes), and the live keeper
//! (`hedge-keeper run`, a separate process) cranking the served vault through real RPC.
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::{Duration, Instant};

use anchor_lang::prelude::Pubkey;
use anchor_lang::{AccountDeserialize, Discriminator};
use anchor_spl::token::spl_token;
use clap::Parser;
use hedge_localnet::bins::ChildGuard;
use hedge_localnet::vault_ix;
use hedge_sim::cli::{Cli, Command as Sub};
use hedge_sim::serve::{self, ledger::Ledger};
use hedge_vault::events::{Deposited, Rebalanced};
use hedge_vault::state::Vault;
use serde_json::{json, Value};
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::ErrorKind;
use solana_rpc_client_api::config::{RpcProgramAccountsConfig, RpcSimulateTransactionConfig};
use solana_rpc_client_api::filter::{Memcmp, RpcFilterType};
use solana_rpc_client_api::request::{RpcError, RpcRequest};
use solana_signer::Signer;
use solana_transaction::Transaction;

const SOL: u64 = 1_000_000_000;

async fn custom(client: &RpcClient, method: &'static str, params: Value) -> Result<Value, String> {
    client
        .send::<Value>(RpcRequest::Custom { method }, params)
        .await
        .map_err(|e| e.to_string())
}

fn rpc_code(e: &solana_rpc_client_api::client_error::Error) -> Option<i64> {
    match e.kind() {
        ErrorKind::RpcError(RpcError::RpcResponseError { code, .. }) => Some(*code),
        _ => None,
    }
}

async fn vault(client: &RpcClient, address: &Pubkey) -> Vault {
    let acc = client.get_account(address).await.expect("vault account");
    Vault::try_deserialize(&mut &acc.data[..]).expect("vault layout")
}

/// Everything a depositor does, through the client only.
async fn client_checks(url: String) {
    let client = RpcClient::new_with_commitment(url, CommitmentConfig::confirmed());
    let info = custom(&client, "hedgeSim_info", json!([])).await.unwrap();
    let vault_key = Pubkey::from_str(info["vault"].as_str().unwrap()).unwrap();
    let oracle = Pubkey::from_str(info["oracle"].as_str().unwrap()).unwrap();

    // Node-level methods.
    assert_eq!(client.get_health().await.unwrap(), ());
    assert!(!client.get_version().await.unwrap().solana_core.is_empty());
    let slot = client.get_slot().await.unwrap();
    assert!(slot > 0);
    assert_eq!(client.get_epoch_info().await.unwrap().absolute_slot, slot);
    client.get_genesis_hash().await.unwrap();

    // Accounts: the vault deserializes with the program's own type.
    let v = vault(&client, &vault_key).await;
    assert!(v.total_collateral > 0, "the run deposited");
    let many = client
        .get_multiple_accounts(&[vault_key, Pubkey::new_unique()])
        .await
        .unwrap();
    assert!(many[0].is_some() && many[1].is_none());
    let supply = client.get_token_supply(&v.share_mint).await.unwrap();
    assert_eq!(supply.decimals, v.decimals);

    // Discovery by owner and discriminator, as the app does it.
    let found = client
        .get_program_ui_accounts_with_config(
            &hedge_vault::ID,
            RpcProgramAccountsConfig {
                filters: Some(vec![RpcFilterType::Memcmp(Memcmp::new_raw_bytes(
                    0,
                    Vault::DISCRIMINATOR.to_vec(),
                ))]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, vault_key);

    // A new depositor: SOL from the airdrop, collateral from the faucet, a share account
    // created by a real transaction.
    let user = Keypair::new();
    let sig = client.request_airdrop(&user.pubkey(), 2 * SOL).await.unwrap();
    assert!(client.confirm_transaction(&sig).await.unwrap());
    assert_eq!(client.get_balance(&user.pubkey()).await.unwrap(), 2 * SOL);
    let faucet = custom(
        &client,
        "hedgeSim_faucet",
        json!([user.pubkey().to_string(), 50 * SOL]),
    )
    .await
    .unwrap();
    let user_collateral = Pubkey::from_str(faucet["tokenAccount"].as_str().unwrap()).unwrap();
    let bal = client.get_token_account_balance(&user_collateral).await.unwrap();
    assert_eq!(bal.amount, (50 * SOL).to_string());
    assert_eq!(bal.ui_amount_string, "50");
    let shares_kp = Keypair::new();
    let rent = client.get_minimum_balance_for_rent_exemption(165).await.unwrap();
    let create = [
        anchor_lang::solana_program::system_instruction::create_account(
            &user.pubkey(),
            &shares_kp.pubkey(),
            rent,
            165,
            &spl_token::ID,
        ),
        spl_token::instruction::initialize_account3(
            &spl_token::ID,
            &shares_kp.pubkey(),
            &v.share_mint,
            &user.pubkey(),
        )
        .unwrap(),
    ];
    let bh = client.get_latest_blockhash().await.unwrap();
    let tx = Transaction::new_signed_with_payer(&create, Some(&user.pubkey()), &[&user, &shares_kp], bh);
    client.send_and_confirm_transaction(&tx).await.unwrap();

    let deposit_tx = |amount: u64, min_shares_out: u64, bh| {
        let refresh = hedge_client::refresh_nav(
            vault_key,
            v.params.live_venues(),
            hedge_client::OracleAccounts {
                underlying: oracle,
                collateral: None,
            },
        );
        let deposit = vault_ix(
            hedge_vault::accounts::Deposit {
                user: user.pubkey(),
                vault: vault_key,
                collateral_mint: v.collateral_mint,
                share_mint: v.share_mint,
                collateral_vault: v.collateral_vault,
                share_escrow: v.share_escrow,
                user_collateral,
                user_shares: shares_kp.pubkey(),
                token_program: v.token_program,
            },
            hedge_vault::instruction::Deposit {
                args: hedge_vault::instructions::DepositArgs {
                    amount,
                    min_shares_out,
                },
            },
        );
        Transaction::new_signed_with_payer(&[refresh, deposit], Some(&user.pubkey()), &[&user], bh)
    };

    // Preview by simulation: the Deposited event is in the logs in the validator's form.
    let bh = client.get_latest_blockhash().await.unwrap();
    let sim = client
        .simulate_transaction_with_config(
            &deposit_tx(10 * SOL, 0, bh),
            RpcSimulateTransactionConfig {
                replace_recent_blockhash: true,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .value;
    assert!(sim.err.is_none(), "{:?}", sim.logs);
    let logs = sim.logs.unwrap();
    assert!(logs.iter().any(|l| l.starts_with("Program data: ")), "{logs:?}");
    let preview = hedge_localnet::events::one::<Deposited>(&logs);
    assert!(preview.shares > 0);
    assert!(sim.replacement_blockhash.is_some());
    assert!(sim.units_consumed.is_some());

    // Slippage: the preflight refuses with the program's error code.
    let err = client
        .send_and_confirm_transaction(&deposit_tx(10 * SOL, u64::MAX, bh))
        .await
        .unwrap_err();
    let want: u32 = hedge_vault::error::VaultError::SlippageExceeded.into();
    assert_eq!(
        err.get_transaction_error(),
        Some(solana_transaction::TransactionError::InstructionError(
            1,
            solana_instruction_error::InstructionError::Custom(want)
        )),
        "{err}"
    );
    assert_eq!(rpc_code(&err), Some(-32002));

    // A tampered signature is refused before anything runs.
    let mut forged = deposit_tx(10 * SOL, 0, bh);
    forged.message.instructions[1].data[8] ^= 1;
    let err = client.send_transaction(&forged).await.unwrap_err();
    assert_eq!(rpc_code(&err), Some(-32003), "{err}");

    // The deposit lands; the share balance equals the simulated preview.
    let sig = client
        .send_and_confirm_transaction(&deposit_tx(10 * SOL, preview.shares, bh))
        .await
        .unwrap();
    let shares = client
        .get_token_account_balance(&shares_kp.pubkey())
        .await
        .unwrap();
    assert_eq!(shares.amount, preview.shares.to_string());
    assert_eq!(
        client
            .get_token_account_balance(&user_collateral)
            .await
            .unwrap()
            .amount,
        (40 * SOL).to_string()
    );

    // History: status, transaction with logs, signatures by address (newest first).
    let st = client.get_signature_statuses(&[sig]).await.unwrap().value;
    let st = st[0].as_ref().expect("status");
    assert!(st.err.is_none());
    assert!(st.satisfies_commitment(CommitmentConfig::finalized()));
    let tx = client
        .get_transaction(
            &sig,
            solana_transaction_status_client_types::UiTransactionEncoding::Json,
        )
        .await
        .unwrap();
    let meta = tx.transaction.meta.unwrap();
    let logs: Option<Vec<String>> = meta.log_messages.into();
    let event = hedge_localnet::events::one::<Deposited>(&logs.unwrap());
    assert_eq!(event.shares, preview.shares);
    assert_eq!(event.user, user.pubkey());
    let b64 = client
        .get_transaction(
            &sig,
            solana_transaction_status_client_types::UiTransactionEncoding::Base64,
        )
        .await
        .unwrap();
    let decoded = b64.transaction.transaction.decode().expect("base64 transaction");
    assert_eq!(decoded.signatures[0], sig);
    let recent = client.get_signatures_for_address(&vault_key).await.unwrap();
    assert_eq!(recent[0].signature, sig.to_string());
    assert!(recent.len() > 1, "the run's history is served too");
    let fees = client.get_recent_prioritization_fees(&[vault_key]).await.unwrap();
    let now = client.get_slot().await.unwrap();
    assert!(fees.iter().all(|f| f.slot <= now));

    // Time moves only when asked (no automatic steps in this test).
    let before = custom(&client, "hedgeSim_info", json!([])).await.unwrap();
    let after = custom(&client, "hedgeSim_advanceTime", json!([3600]))
        .await
        .unwrap();
    assert_eq!(
        after["unixTime"].as_i64().unwrap() - before["unixTime"].as_i64().unwrap(),
        3600
    );

    // Errors: unknown method, bad parameters.
    let e = client
        .send::<Value>(
            RpcRequest::Custom {
                method: "noSuchMethod",
            },
            json!([]),
        )
        .await
        .unwrap_err();
    assert_eq!(rpc_code(&e), Some(-32601));
    let e = client
        .send::<Value>(RpcRequest::GetAccountInfo, json!(["not-a-key"]))
        .await
        .unwrap_err();
    assert_eq!(rpc_code(&e), Some(-32602));
    let e = custom(&client, "hedgeSim_advanceTime", json!([-5]))
        .await
        .unwrap_err();
    assert!(e.contains("between"), "{e}");
}

#[tokio::test(flavor = "current_thread")]
async fn the_endpoint_answers_the_official_client() {
    let cli =
        Cli::try_parse_from(["hedge-sim", "simulate", "--steps", "4", "--serve", "127.0.0.1:0"]).unwrap();
    let Sub::Simulate(args) = cli.command else {
        unreachable!()
    };
    let (_report, mut live) = hedge_sim::cmd::simulate::run_live(args).await.unwrap();
    let endpoint = serve::bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let url = format!("http://{}", endpoint.addr);
    let mut ledger = Ledger::default();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = endpoint.run(&mut live, &mut ledger, None, async {
        let _ = stopped.await;
    });
    let client = async move {
        client_checks(url).await;
        let _ = stop.send(());
    };
    tokio::join!(server, client);
    assert!(
        ledger.len() >= 4,
        "the deposit, the share account, the faucet, the airdrop"
    );
}

fn call(url: &str, method: &'static str, params: Value) -> Value {
    let client = solana_rpc_client::rpc_client::RpcClient::new(url.to_string());
    client
        .send::<Value>(RpcRequest::Custom { method }, params)
        .unwrap_or_else(|e| panic!("{method}: {e}"))
}

/// The live keeper path end to end: `hedge-sim simulate --serve` in one process,
/// `hedge-keeper run --once` (the production binary) in another, talking JSON-RPC over HTTP.
#[test]
fn hedge_keeper_run_cranks_the_served_vault() {
    let bin = env!("CARGO_BIN_EXE_hedge-sim");
    let keeper_exe = hedge_localnet::bins::keeper_bin();
    let port = hedge_localnet::bins::free_port();
    let url = format!("http://127.0.0.1:{port}");
    let _server = ChildGuard(
        Command::new(bin)
            .args([
                "simulate",
                "--steps",
                "6",
                "--book",
                "protective-put",
                "--tick-ms",
                "0",
                "--external-keeper",
                "--serve",
            ])
            .arg(format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let client = solana_rpc_client::rpc_client::RpcClient::new_with_commitment(
        url.clone(),
        CommitmentConfig::confirmed(),
    );
    let deadline = Instant::now() + Duration::from_secs(120);
    while client.get_health().is_err() {
        assert!(Instant::now() < deadline, "the endpoint did not come up");
        std::thread::sleep(Duration::from_millis(200));
    }
    let info = call(&url, "hedgeSim_info", json!([]));
    let vault_key = Pubkey::from_str(info["vault"].as_str().unwrap()).unwrap();
    let oracle = info["oracle"].as_str().unwrap().to_string();

    // The keeper's own wallet: SOL for fees, a collateral account for rewards.
    let keeper = Keypair::new();
    let dir = tempfile::tempdir().unwrap();
    let keypair_file = dir.path().join("keeper.json");
    std::fs::write(
        &keypair_file,
        serde_json::to_string(&keeper.to_bytes().to_vec()).unwrap(),
    )
    .unwrap();
    let faucet = call(&url, "hedgeSim_faucet", json!([keeper.pubkey().to_string(), 1]));
    let rewards = faucet["tokenAccount"].as_str().unwrap().to_string();

    // A 25 % fall moves the put's delta far outside the band.
    let price = info["priceUsd"].as_f64().unwrap();
    call(&url, "hedgeSim_setPrice", json!([price * 0.75]));
    let acc = client.get_account(&vault_key).unwrap();
    let before = Vault::try_deserialize(&mut &acc.data[..]).unwrap();

    let out = Command::new(&keeper_exe)
        .args([
            "run",
            "--once",
            "--rpc-url",
            &url,
            "--metrics-addr",
            "127.0.0.1:0",
            "--reward-account",
            &rewards,
        ])
        .arg("--keypair")
        .arg(&keypair_file)
        .arg("--vault")
        .arg(format!("{vault_key}:{oracle}"))
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{log}");

    let acc = client.get_account(&vault_key).unwrap();
    let after = Vault::try_deserialize(&mut &acc.data[..]).unwrap();
    assert!(
        after.sequence > before.sequence,
        "no hedge operation landed:\n{log}"
    );
    assert_ne!(after.hedge_position, before.hedge_position, "{log}");

    // The rebalance is in the served history, signed by the keeper, with its event.
    let sigs = client.get_signatures_for_address(&keeper.pubkey()).unwrap();
    let mut rebalanced = None;
    for s in &sigs {
        let sig = solana_signature::Signature::from_str(&s.signature).unwrap();
        let tx = client
            .get_transaction(
                &sig,
                solana_transaction_status_client_types::UiTransactionEncoding::Json,
            )
            .unwrap();
        let logs: Option<Vec<String>> = tx.transaction.meta.unwrap().log_messages.into();
        if let Some(ev) = hedge_localnet::events::decode::<Rebalanced>(&logs.unwrap()).pop() {
            rebalanced = Some(ev);
        }
    }
    let ev = rebalanced.unwrap_or_else(|| panic!("no Rebalanced event in the keeper's transactions:\n{log}"));
    assert_eq!(ev.vault, vault_key);
}
