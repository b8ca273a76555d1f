//! The Solana JSON-RPC implementation of [`Chain`].
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use solana_account::Account;
use solana_commitment_config::CommitmentConfig;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::config::RpcSimulateTransactionConfig;
use solana_transaction::{Hash, Transaction};

use super::{decode_clock, Chain, ChainError, Landed, Simulation};

use solana_sysvar::clock::ID as CLOCK;

/// A [`Chain`] over a JSON-RPC endpoint.
pub struct RpcChain {
    client: RpcClient,
}

impl RpcChain {
    /// Connects (lazily) to `url` with `confirmed` commitment and a request timeout.
    pub fn new(url: &str, timeout: Duration) -> Self {
        RpcChain {
            client: RpcClient::new_with_timeout_and_commitment(
                url.to_string(),
                timeout,
                CommitmentConfig::confirmed(),
            ),
        }
    }
}

fn map_err(e: solana_rpc_client_api::client_error::Error) -> ChainError {
    let s = e.to_string();
    if s.contains("timed out") || s.contains("timeout") {
        ChainError::Timeout(s)
    } else {
        ChainError::Rpc(s)
    }
}

impl Chain for RpcChain {
    async fn account(&mut self, key: &Pubkey) -> Result<Option<Account>, ChainError> {
        let r = self
            .client
            .get_account_with_commitment(key, self.client.commitment())
            .await
            .map_err(map_err)?;
        Ok(r.value)
    }

    async fn accounts(&mut self, keys: &[Pubkey]) -> Result<Vec<Option<Account>>, ChainError> {
        // `getMultipleAccounts` takes at most 100 keys per request.
        let mut out = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(100) {
            out.extend(self.client.get_multiple_accounts(chunk).await.map_err(map_err)?);
        }
        Ok(out)
    }

    async fn clock(&mut self) -> Result<(u64, i64), ChainError> {
        let acc = self
            .account(&CLOCK)
            .await?
            .ok_or_else(|| ChainError::Rpc("no Clock sysvar".into()))?;
        decode_clock(&acc.data).ok_or_else(|| ChainError::Rpc("bad Clock sysvar".into()))
    }

    async fn latest_blockhash(&mut self) -> Result<Hash, ChainError> {
        self.client.get_latest_blockhash().await.map_err(map_err)
    }

    async fn simulate(&mut self, tx: &Transaction) -> Result<Simulation, ChainError> {
        let cfg = RpcSimulateTransactionConfig {
            sig_verify: false,
            replace_recent_blockhash: true,
            commitment: Some(self.client.commitment()),
            ..RpcSimulateTransactionConfig::default()
        };
        let r = self
            .client
            .simulate_transaction_with_config(tx, cfg)
            .await
            .map_err(map_err)?;
        Ok(Simulation {
            err: r.value.err.map(Into::into),
            units: r.value.units_consumed.unwrap_or(0),
            logs: r.value.logs.unwrap_or_default(),
        })
    }

    async fn send_and_confirm(&mut self, tx: &Transaction) -> Result<Landed, ChainError> {
        match self.client.send_and_confirm_transaction(tx).await {
            // The keeper re-reads state instead of parsing logs from RPC.
            Ok(_signature) => Ok(Landed {
                logs: vec![],
                err: None,
            }),
            Err(e) => match e.get_transaction_error() {
                Some(err) => Ok(Landed {
                    logs: vec![],
                    err: Some(err),
                }),
                None => {
                    let s = e.to_string();
                    if s.contains("unable to confirm") || s.contains("expired") {
                        Err(ChainError::NotConfirmed(s))
                    } else {
                        Err(map_err(e))
                    }
                }
            },
        }
    }

    async fn recent_priority_fees(&mut self, accounts: &[Pubkey]) -> Result<Vec<u64>, ChainError> {
        let fees = self
            .client
            .get_recent_prioritization_fees(accounts)
            .await
            .map_err(map_err)?;
        Ok(fees.into_iter().map(|f| f.prioritization_fee).collect())
    }
}
