//! The Solana JSON-RPC methods served over the in-process chain.
//!
//! Every response is built from the validator's own wire types
//! (`solana-rpc-client-api`'s `response`, `filter` and `config`, `solana-account-decoder`'s
//! `UiAccount` and `UiTokenAmount`, `solana-transaction-status-client-types`'
//! `TransactionStatus`), so the shapes are the spec's (<https://solana.com/docs/rpc>) by
//! construction; the tests read every response back with the official Rust client. The chain has one bank and no forks: everything processed
//! is final, so every commitment level answers the same.
use std::str::FromStr;

use anchor_lang::prelude::{Pubkey, Rent};
use anchor_spl::token_2022::spl_token_2022;
use base64::Engine;
use hedge_localnet::Env;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use solana_account::Account;
use solana_account_decoder::parse_account_data::SplTokenAdditionalDataV2;
use solana_account_decoder::parse_token::token_amount_to_ui_amount_v3;
use solana_account_decoder::{encode_ui_account, UiAccount, UiAccountEncoding};
use solana_rpc_client_api::filter::RpcFilterType;
use solana_rpc_client_api::response::{
    RpcApiVersion, RpcBlockhash, RpcConfirmedTransactionStatusWithSignature, RpcKeyedAccount,
    RpcPrioritizationFee, RpcResponseContext, RpcSimulateTransactionResult, RpcVersionInfo,
};
use solana_signature::Signature;
use solana_transaction::Transaction;
use solana_transaction_status_client_types::{
    TransactionConfirmationStatus, TransactionStatus, UiReturnDataEncoding, UiTransactionReturnData,
};

use super::ledger::{validator_logs, Entry, Ledger};

/// The API version reported in every response context.
pub const API_VERSION: &str = "4.2.2";
/// Blocks a blockhash stays valid for (as on a validator).
const BLOCKHASH_VALIDITY: u64 = 150;
/// Largest `limit` of `getSignaturesForAddress`.
const MAX_SIGNATURES: usize = 1_000;
/// Most keys per `getMultipleAccounts` / `getSignatureStatuses` call.
const MAX_KEYS: usize = 256;

/// A JSON-RPC error object.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

impl RpcError {
    pub fn invalid_params(message: impl Into<String>) -> Self {
        RpcError {
            code: -32602,
            message: message.into(),
            data: None,
        }
    }
    pub fn method_not_found(method: &str) -> Self {
        RpcError {
            code: -32601,
            message: format!("Method not found: {method}"),
            data: None,
        }
    }
    pub fn internal(message: impl Into<String>) -> Self {
        RpcError {
            code: -32603,
            message: message.into(),
            data: None,
        }
    }
    pub fn to_json(&self) -> Value {
        match &self.data {
            Some(d) => json!({"code": self.code, "message": self.message, "data": d}),
            None => json!({"code": self.code, "message": self.message}),
        }
    }
}

/// The chain and its history, as the method handlers see them.
pub struct Node<'a> {
    pub env: &'a mut Env,
    pub ledger: &'a mut Ledger,
}

/// Positional parameter `i`, deserialized.
pub fn param<T: DeserializeOwned>(params: &Value, i: usize, what: &str) -> Result<T, RpcError> {
    let v = params
        .get(i)
        .ok_or_else(|| RpcError::invalid_params(format!("missing parameter {i}: {what}")))?;
    serde_json::from_value(v.clone())
        .map_err(|e| RpcError::invalid_params(format!("invalid parameter {i} ({what}): {e}")))
}

/// The optional configuration object at position `i` (`{}` when absent or null).
fn config(params: &Value, i: usize) -> Value {
    match params.get(i) {
        Some(v @ Value::Object(_)) => v.clone(),
        _ => json!({}),
    }
}

fn pubkey(params: &Value, i: usize) -> Result<Pubkey, RpcError> {
    let s: String = param(params, i, "base-58 address")?;
    Pubkey::from_str(&s)
        .map_err(|_| RpcError::invalid_params(format!("Invalid param: {s} is not a valid address")))
}

fn signature(s: &str) -> Result<Signature, RpcError> {
    Signature::from_str(s)
        .map_err(|_| RpcError::invalid_params(format!("Invalid param: {s} is not a valid signature")))
}

impl Node<'_> {
    async fn slot(&mut self) -> u64 {
        self.env.slot().await
    }

    /// `{"context": …, "value": …}` (`solana_rpc_client_api::response::Response`).
    async fn context(&mut self, value: impl Serialize) -> Value {
        let slot = self.slot().await;
        to_wire(&solana_rpc_client_api::response::Response {
            context: RpcResponseContext {
                slot,
                api_version: Some(RpcApiVersion::default()),
            },
            value,
        })
    }

    /// Dispatches one call. Unknown methods are `Method not found` (-32601).
    pub async fn call(&mut self, method: &str, params: &Value) -> Result<Value, RpcError> {
        match method {
            "getHealth" => Ok(json!("ok")),
            "getVersion" => Ok(to_wire(&RpcVersionInfo {
                solana_core: API_VERSION.to_string(),
                feature_set: Some(0),
            })),
            "getGenesisHash" => Ok(json!(self.env.ctx.genesis_config().hash().to_string())),
            "getSlot" | "getBlockHeight" => Ok(json!(self.slot().await)),
            "getEpochInfo" => {
                let slot = self.slot().await;
                let slots_in_epoch = self.env.ctx.genesis_config().epoch_schedule.slots_per_epoch;
                Ok(to_wire(&solana_epoch_info::EpochInfo {
                    epoch: slot / slots_in_epoch.max(1),
                    slot_index: slot % slots_in_epoch.max(1),
                    slots_in_epoch,
                    absolute_slot: slot,
                    block_height: slot,
                    transaction_count: u64::try_from(self.ledger.len()).ok(),
                }))
            }
            "getLatestBlockhash" => {
                let slot = self.slot().await;
                let hash = self.env.blockhash().await;
                Ok(self
                    .context(RpcBlockhash {
                        blockhash: hash.to_string(),
                        last_valid_block_height: slot.saturating_add(BLOCKHASH_VALIDITY),
                    })
                    .await)
            }
            "getMinimumBalanceForRentExemption" => {
                let size: usize = param(params, 0, "account data length")?;
                Ok(json!(Rent::default().minimum_balance(size)))
            }
            "getBalance" => {
                let key = pubkey(params, 0)?;
                let lamports = self.env.account(&key).await.map_or(0, |a| a.lamports);
                Ok(self.context(json!(lamports)).await)
            }
            "getAccountInfo" => {
                let key = pubkey(params, 0)?;
                let enc = encoding(&config(params, 1))?;
                let acc = self.env.account(&key).await;
                let v: Option<UiAccount> = acc.map(|a| ui_account(&key, &a, enc));
                Ok(self.context(v).await)
            }
            "getMultipleAccounts" => {
                let keys: Vec<String> = param(params, 0, "array of base-58 addresses")?;
                if keys.len() > MAX_KEYS {
                    return Err(RpcError::invalid_params(format!(
                        "Too many inputs provided; max {MAX_KEYS}"
                    )));
                }
                let enc = encoding(&config(params, 1))?;
                let mut out: Vec<Option<UiAccount>> = Vec::with_capacity(keys.len());
                for k in &keys {
                    let key = Pubkey::from_str(k).map_err(|_| {
                        RpcError::invalid_params(format!("Invalid param: {k} is not a valid address"))
                    })?;
                    let acc = self.env.account(&key).await;
                    out.push(acc.map(|a| ui_account(&key, &a, enc)));
                }
                Ok(self.context(out).await)
            }
            "getProgramAccounts" => self.program_accounts(params).await,
            "getTokenAccountBalance" => {
                let acc = self.existing(&pubkey(params, 0)?).await?;
                let (mint, amount) = token_account(&acc)
                    .ok_or_else(|| RpcError::invalid_params("Invalid param: not a Token account"))?;
                let decimals = self.mint_decimals(&mint).await?;
                Ok(self.context(token_amount(amount, decimals)).await)
            }
            "getTokenSupply" => {
                let acc = self.existing(&pubkey(params, 0)?).await?;
                let (supply, decimals) =
                    mint(&acc).ok_or_else(|| RpcError::invalid_params("Invalid param: not a Token mint"))?;
                Ok(self.context(token_amount(supply, decimals)).await)
            }
            "simulateTransaction" => self.simulate(params).await,
            "sendTransaction" => self.send(params).await,
            "getSignatureStatuses" => {
                let sigs: Vec<String> = param(params, 0, "array of signatures")?;
                if sigs.len() > MAX_KEYS {
                    return Err(RpcError::invalid_params(format!(
                        "Too many inputs provided; max {MAX_KEYS}"
                    )));
                }
                let mut out: Vec<Option<TransactionStatus>> = Vec::with_capacity(sigs.len());
                for s in &sigs {
                    let sig = signature(s)?;
                    out.push(self.ledger.get(&sig).map(|e| TransactionStatus {
                        slot: e.processed.slot,
                        confirmations: None,
                        status: e.processed.result.clone(),
                        err: e.processed.result.clone().err(),
                        confirmation_status: Some(TransactionConfirmationStatus::Finalized),
                    }));
                }
                Ok(self.context(out).await)
            }
            "getTransaction" => {
                let s: String = param(params, 0, "signature")?;
                let sig = signature(&s)?;
                // The config object, or (legacy form, still sent by clients) the encoding.
                let enc = match params.get(1) {
                    Some(Value::String(e)) => e.clone(),
                    _ => config(params, 1)
                        .get("encoding")
                        .and_then(Value::as_str)
                        .unwrap_or("json")
                        .to_string(),
                };
                let enc = enc.as_str();
                Ok(match self.ledger.get(&sig) {
                    Some(e) => transaction_json(e, enc)?,
                    None => Value::Null,
                })
            }
            "getSignaturesForAddress" => {
                let key = pubkey(params, 0)?;
                let cfg = config(params, 1);
                let limit = cfg
                    .get("limit")
                    .and_then(Value::as_u64)
                    .map_or(MAX_SIGNATURES, |l| usize::try_from(l).unwrap_or(MAX_SIGNATURES));
                if limit == 0 || limit > MAX_SIGNATURES {
                    return Err(RpcError::invalid_params(format!(
                        "Invalid limit; max {MAX_SIGNATURES}"
                    )));
                }
                let before = cfg
                    .get("before")
                    .and_then(Value::as_str)
                    .map(signature)
                    .transpose()?;
                let until = cfg
                    .get("until")
                    .and_then(Value::as_str)
                    .map(signature)
                    .transpose()?;
                let list: Vec<RpcConfirmedTransactionStatusWithSignature> = self
                    .ledger
                    .for_address(&key, before.as_ref(), until.as_ref(), limit)
                    .into_iter()
                    .map(|e| RpcConfirmedTransactionStatusWithSignature {
                        signature: e.signature.to_string(),
                        slot: e.processed.slot,
                        err: e.processed.result.clone().err().map(Into::into),
                        memo: None,
                        block_time: Some(e.processed.unix_time),
                        confirmation_status: Some(TransactionConfirmationStatus::Finalized),
                        transaction_index: None,
                    })
                    .collect();
                Ok(to_wire(&list))
            }
            "getRecentPrioritizationFees" => {
                let keys: Vec<String> = match params.get(0) {
                    Some(Value::Null) | None => vec![],
                    Some(_) => param(params, 0, "array of base-58 addresses")?,
                };
                let keys = keys
                    .iter()
                    .map(|k| {
                        Pubkey::from_str(k).map_err(|_| {
                            RpcError::invalid_params(format!("Invalid param: {k} is not a valid address"))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let slot = self.slot().await;
                let fees: Vec<RpcPrioritizationFee> = self
                    .ledger
                    .priority_fees(&keys, slot.saturating_sub(BLOCKHASH_VALIDITY))
                    .into_iter()
                    .map(|(slot, prioritization_fee)| RpcPrioritizationFee {
                        slot,
                        prioritization_fee,
                    })
                    .collect();
                Ok(to_wire(&fees))
            }
            "requestAirdrop" => {
                let key = pubkey(params, 0)?;
                let lamports: u64 = param(params, 1, "lamports")?;
                self.airdrop(&key, lamports).await
            }
            _ => Err(RpcError::method_not_found(method)),
        }
    }

    /// The account at `key`, or the validator's "could not find account" error.
    async fn existing(&mut self, key: &Pubkey) -> Result<Account, RpcError> {
        self.env
            .account(key)
            .await
            .ok_or_else(|| RpcError::invalid_params("Invalid param: could not find account"))
    }

    async fn mint_decimals(&mut self, mint_key: &Pubkey) -> Result<u8, RpcError> {
        let acc = self
            .env
            .account(mint_key)
            .await
            .ok_or_else(|| RpcError::internal(format!("mint {mint_key} missing")))?;
        mint(&acc)
            .map(|(_, d)| d)
            .ok_or_else(|| RpcError::internal(format!("{mint_key} is not a mint")))
    }

    async fn program_accounts(&mut self, params: &Value) -> Result<Value, RpcError> {
        let program = pubkey(params, 0)?;
        let cfg = config(params, 1);
        let enc = encoding(&cfg)?;
        let filters = filters(&cfg)?;
        let keys: Vec<Pubkey> = self.env.known_addresses().copied().collect();
        let mut out = Vec::new();
        for key in keys {
            let Some(acc) = self.env.account(&key).await else {
                continue;
            };
            if acc.owner == program && filters.iter().all(|f| allows(f, &acc.data)) {
                out.push(RpcKeyedAccount {
                    pubkey: key.to_string(),
                    account: ui_account(&key, &acc, enc),
                });
            }
        }
        if cfg.get("withContext").and_then(Value::as_bool) == Some(true) {
            Ok(self.context(out).await)
        } else {
            Ok(to_wire(&out))
        }
    }

    /// Funds `key` with a system transfer from the chain's faucet (the genesis payer), as a
    /// real transaction: it has a signature, a status and a place in the history.
    async fn airdrop(&mut self, key: &Pubkey, lamports: u64) -> Result<Value, RpcError> {
        if lamports == 0 {
            return Err(RpcError::invalid_params("airdrop amount must be > 0"));
        }
        let faucet = self.env.payer().insecure_clone();
        let ix = anchor_lang::solana_program::system_instruction::transfer(
            &solana_signer::Signer::pubkey(&faucet),
            key,
            lamports,
        );
        let blockhash = self.env.blockhash().await;
        let tx = Transaction::new_signed_with_payer(
            &[ix],
            Some(&solana_signer::Signer::pubkey(&faucet)),
            &[&faucet],
            blockhash,
        );
        let signature = tx.signatures[0];
        self.env.start_journal();
        let outcome = self.env.process(tx).await;
        self.ledger.record(self.env.take_journal());
        outcome.map_err(|e| RpcError::internal(format!("airdrop failed: {e}")))?;
        Ok(json!(signature.to_string()))
    }

    async fn simulate(&mut self, params: &Value) -> Result<Value, RpcError> {
        let wire: String = param(params, 0, "encoded transaction")?;
        let cfg = config(params, 1);
        let mut tx = decode_transaction(&wire, &cfg)?;
        let replace = cfg.get("replaceRecentBlockhash").and_then(Value::as_bool) == Some(true);
        let sig_verify = cfg.get("sigVerify").and_then(Value::as_bool) == Some(true);
        if replace && sig_verify {
            return Err(RpcError::invalid_params(
                "sigVerify may not be used with replaceRecentBlockhash",
            ));
        }
        let slot = self.slot().await;
        let replacement = if replace {
            tx.message.recent_blockhash = self.env.blockhash().await;
            Some(RpcBlockhash {
                blockhash: tx.message.recent_blockhash.to_string(),
                last_valid_block_height: slot.saturating_add(BLOCKHASH_VALIDITY),
            })
        } else {
            None
        };
        if sig_verify && tx.verify().is_err() {
            return Err(signature_failure());
        }
        let sim = self.env.simulate_detailed(tx.clone()).await;
        let mut value = simulation_result(&sim);
        value.replacement_blockhash = replacement;
        if let Some(acc_cfg) = cfg.get("accounts").filter(|v| !v.is_null()) {
            // The accounts' state after the simulation is not exposed by program-test;
            // refuse rather than answer with the pre-state.
            let _ = acc_cfg;
            return Err(RpcError::invalid_params(
                "simulateTransaction: the `accounts` option is not supported by the local simulation",
            ));
        }
        Ok(self.context(value).await)
    }

    async fn send(&mut self, params: &Value) -> Result<Value, RpcError> {
        let wire: String = param(params, 0, "encoded transaction")?;
        let cfg = config(params, 1);
        let tx = decode_transaction(&wire, &cfg)?;
        if tx.verify().is_err() {
            return Err(signature_failure());
        }
        let signature = tx.signatures[0];
        if self.ledger.get(&signature).is_some() {
            return Err(RpcError {
                code: -32002,
                message: "Transaction simulation failed: This transaction has already been processed".into(),
                data: Some(to_wire(&refused_simulation(
                    solana_transaction::TransactionError::AlreadyProcessed,
                ))),
            });
        }
        let skip_preflight = cfg.get("skipPreflight").and_then(Value::as_bool) == Some(true);
        if !skip_preflight {
            let sim = self.env.simulate_detailed(tx.clone()).await;
            if let Err(err) = &sim.result {
                return Err(RpcError {
                    code: -32002,
                    message: format!("Transaction simulation failed: {err}"),
                    data: Some(to_wire(&simulation_result(&sim))),
                });
            }
        }
        self.env.start_journal();
        // The outcome (success or a failed transaction that landed) is in the journal; a
        // transaction the bank refused outright (bad blockhash, unfunded payer) is not.
        let outcome = self.env.process(tx).await;
        let landed = self.env.take_journal();
        if landed.is_empty() {
            let err = outcome
                .err()
                .map_or_else(|| "not processed".to_string(), |e| e.to_string());
            return Err(RpcError {
                code: -32002,
                message: format!("Transaction simulation failed: {err}"),
                data: None,
            });
        }
        self.ledger.record(landed);
        Ok(json!(signature.to_string()))
    }
}

/// Serializes a wire type (they all serialize infallibly to JSON).
fn to_wire(v: &impl Serialize) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// The account data encoding a call asks for (`base64` when absent, as on a validator).
fn encoding(cfg: &Value) -> Result<UiAccountEncoding, RpcError> {
    match cfg.get("encoding") {
        None | Some(Value::Null) => Ok(UiAccountEncoding::Base64),
        Some(e) => serde_json::from_value(e.clone())
            .map_err(|_| RpcError::invalid_params(format!("unsupported encoding: {e}"))),
    }
}

/// `UiAccount` as a validator encodes it (`jsonParsed` parses what
/// `solana-account-decoder` can and falls back to base64 otherwise).
fn ui_account(key: &Pubkey, a: &Account, enc: UiAccountEncoding) -> UiAccount {
    encode_ui_account(key, a, enc, None, None)
}

/// The `filters` of a `getProgramAccounts` config, verified.
fn filters(cfg: &Value) -> Result<Vec<RpcFilterType>, RpcError> {
    let list: Vec<RpcFilterType> = match cfg.get("filters") {
        None | Some(Value::Null) => vec![],
        Some(f) => serde_json::from_value(f.clone())
            .map_err(|e| RpcError::invalid_params(format!("invalid filters: {e}")))?,
    };
    for f in &list {
        f.verify()
            .map_err(|e| RpcError::invalid_params(format!("invalid filter: {e}")))?;
    }
    Ok(list)
}

/// Whether account data passes a filter (`TokenAccountState` is not served: nothing here
/// asks for it, and it passes no account).
fn allows(f: &RpcFilterType, data: &[u8]) -> bool {
    match f {
        RpcFilterType::DataSize(n) => u64::try_from(data.len()) == Ok(*n),
        RpcFilterType::Memcmp(m) => m.bytes_match(data),
        RpcFilterType::TokenAccountState => false,
    }
}

/// Unpacks SPL Token / Token-2022 state (with or without extensions) owned by either
/// token program.
fn token_state<S: spl_token_2022::extension::BaseState + solana_program_pack::Pack>(
    a: &Account,
) -> Option<S> {
    if a.owner != anchor_spl::token::ID && a.owner != anchor_spl::token_2022::ID {
        return None;
    }
    spl_token_2022::extension::StateWithExtensions::<S>::unpack(&a.data)
        .ok()
        .map(|s| s.base)
}

/// (mint, amount) of a token account.
fn token_account(a: &Account) -> Option<(Pubkey, u64)> {
    token_state::<spl_token_2022::state::Account>(a).map(|t| (t.mint, t.amount))
}

/// (supply, decimals) of a mint.
fn mint(a: &Account) -> Option<(u64, u8)> {
    token_state::<spl_token_2022::state::Mint>(a).map(|m| (m.supply, m.decimals))
}

/// `UiTokenAmount`, as solana-account-decoder computes it.
fn token_amount(amount: u64, decimals: u8) -> solana_account_decoder::parse_token::UiTokenAmount {
    token_amount_to_ui_amount_v3(
        amount,
        &SplTokenAdditionalDataV2 {
            decimals,
            interest_bearing_config: None,
            scaled_ui_amount_config: None,
        },
    )
}

fn signature_failure() -> RpcError {
    RpcError {
        code: -32003,
        message: "Transaction signature verification failure".into(),
        data: None,
    }
}

/// Decodes a wire transaction (`encoding`: base58, the spec's default, or base64).
fn decode_transaction(wire: &str, cfg: &Value) -> Result<Transaction, RpcError> {
    let bytes = match cfg.get("encoding").and_then(Value::as_str) {
        None | Some("base58") => bs58::decode(wire)
            .into_vec()
            .map_err(|e| RpcError::invalid_params(format!("invalid base58 encoding: {e}")))?,
        Some("base64") => base64::engine::general_purpose::STANDARD
            .decode(wire)
            .map_err(|e| RpcError::invalid_params(format!("invalid base64 encoding: {e}")))?,
        Some(other) => {
            return Err(RpcError::invalid_params(format!(
                "unsupported encoding: {other}. Supported encodings: base58, base64"
            )))
        }
    };
    if bytes.first().is_some_and(|&n| n > 0)
        && bytes
            .get(1 + 64 * usize::from(bytes[0]))
            .is_some_and(|&b| b & 0x80 != 0)
    {
        return Err(RpcError::invalid_params(
            "versioned (v0) transactions are not supported by the local simulation; send a legacy transaction",
        ));
    }
    bincode::deserialize::<Transaction>(&bytes)
        .map_err(|e| RpcError::invalid_params(format!("failed to deserialize transaction: {e}")))
}

/// A simulation answer with what the local chain reports (error, logs, units, return
/// data); the fields it does not track are absent, as a validator omits them unless asked.
fn simulation_answer(
    err: Option<solana_transaction::TransactionError>,
    logs: Vec<String>,
    units: u64,
    return_data: Option<UiTransactionReturnData>,
) -> RpcSimulateTransactionResult {
    RpcSimulateTransactionResult {
        err: err.map(Into::into),
        logs: Some(logs),
        accounts: None,
        units_consumed: Some(units),
        loaded_accounts_data_size: None,
        return_data,
        inner_instructions: None,
        replacement_blockhash: None,
        fee: None,
        pre_balances: None,
        post_balances: None,
        pre_token_balances: None,
        post_token_balances: None,
        loaded_addresses: None,
    }
}

/// A simulation refused before it ran (a validator's answer carries the same shape).
fn refused_simulation(err: solana_transaction::TransactionError) -> RpcSimulateTransactionResult {
    simulation_answer(Some(err), Vec::new(), 0, None)
}

fn simulation_result(sim: &hedge_localnet::Simulated) -> RpcSimulateTransactionResult {
    simulation_answer(
        sim.result.clone().err(),
        validator_logs(&sim.logs),
        sim.units,
        sim.return_data.as_ref().map(|(p, d)| UiTransactionReturnData {
            program_id: p.to_string(),
            data: (
                base64::engine::general_purpose::STANDARD.encode(d),
                UiReturnDataEncoding::Base64,
            ),
        }),
    )
}

/// `getTransaction` with `json` or `base64` encoding, in the validator's own types
/// (`EncodedConfirmedTransactionWithStatusMeta`, its meta converted from a
/// `TransactionStatusMeta` as the validator converts it).
fn transaction_json(e: &Entry, enc: &str) -> Result<Value, RpcError> {
    use solana_transaction_status_client_types::{
        EncodedConfirmedTransactionWithStatusMeta, EncodedTransaction, EncodedTransactionWithStatusMeta,
        TransactionBinaryEncoding, TransactionStatusMeta, UiCompiledInstruction, UiMessage, UiRawMessage,
        UiTransaction,
    };
    let tx = &e.processed.tx;
    let transaction = match enc {
        "json" | "jsonParsed" => {
            let m = &tx.message;
            EncodedTransaction::Json(UiTransaction {
                signatures: tx.signatures.iter().map(ToString::to_string).collect(),
                message: UiMessage::Raw(UiRawMessage {
                    header: m.header,
                    account_keys: m.account_keys.iter().map(ToString::to_string).collect(),
                    recent_blockhash: m.recent_blockhash.to_string(),
                    instructions: m
                        .instructions
                        .iter()
                        .map(|ix| UiCompiledInstruction::from(ix, None))
                        .collect(),
                    address_table_lookups: None,
                    transaction_config: None,
                }),
            })
        }
        "base64" => {
            let bytes = bincode::serialize(tx).map_err(|e| RpcError::internal(e.to_string()))?;
            EncodedTransaction::Binary(
                base64::engine::general_purpose::STANDARD.encode(bytes),
                TransactionBinaryEncoding::Base64,
            )
        }
        other => return Err(RpcError::invalid_params(format!("unsupported encoding: {other}"))),
    };
    let meta = TransactionStatusMeta {
        status: e.processed.result.clone(),
        fee: 5_000u64.saturating_mul(u64::from(tx.message.header.num_required_signatures)),
        inner_instructions: Some(Vec::new()),
        log_messages: Some(e.logs.clone()),
        pre_token_balances: Some(Vec::new()),
        post_token_balances: Some(Vec::new()),
        rewards: Some(Vec::new()),
        return_data: e.processed.return_data.as_ref().map(|(program_id, data)| {
            solana_transaction_context::transaction::TransactionReturnData {
                program_id: *program_id,
                data: data.clone(),
            }
        }),
        compute_units_consumed: Some(e.processed.units),
        ..TransactionStatusMeta::default()
    };
    let out = EncodedConfirmedTransactionWithStatusMeta {
        slot: e.processed.slot,
        transaction: EncodedTransactionWithStatusMeta {
            transaction,
            meta: Some(meta.into()),
            version: None,
        },
        block_time: Some(e.processed.unix_time),
        transaction_index: None,
    };
    serde_json::to_value(out).map_err(|e| RpcError::internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ui_amounts_are_exact_decimal_strings() {
        let s = |a, d| token_amount(a, d).ui_amount_string;
        assert_eq!(s(0, 9), "0");
        assert_eq!(s(1, 9), "0.000000001");
        assert_eq!(s(1_500_000_000, 9), "1.5");
        assert_eq!(s(u64::MAX, 6), "18446744073709.551615");
        assert_eq!(s(42, 0), "42");
    }

    #[test]
    fn filters_match_data_size_and_bytes() {
        let c = filters(&json!({"filters": [
            {"dataSize": 4},
            {"memcmp": {"offset": 1, "bytes": bs58::encode([2u8, 3]).into_string()}}
        ]}))
        .unwrap();
        assert!(c.iter().all(|f| allows(f, &[1, 2, 3, 4])));
        assert!(!allows(&c[1], &[1, 2, 4, 4]));
        assert!(!allows(&c[0], &[1, 2, 3]));
        assert!(!allows(&c[1], &[1, 2]), "a filter past the end never matches");
        assert!(filters(&json!({"filters": [{"bogus": 1}]})).is_err());
    }

    #[test]
    fn versioned_transactions_are_refused_with_a_clear_message() {
        // One signature, then a message whose first byte has the version bit set.
        let mut bytes = vec![1u8];
        bytes.extend([0u8; 64]);
        bytes.push(0x80);
        let wire = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let err = decode_transaction(&wire, &json!({"encoding": "base64"})).unwrap_err();
        assert_eq!(err.code, -32602);
        assert!(err.message.contains("versioned"), "{}", err.message);
    }
}
