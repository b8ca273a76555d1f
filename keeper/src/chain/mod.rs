//! Chain access behind one trait, with two implementations: the Solana JSON-RPC client
//! ([`rpc::RpcChain`]) and the in-process chain (`local::LocalChain`, feature `local-chain`:
//! tests and the simulator only). Tests wrap
//! either in [`faulty::FaultyChain`] to inject RPC faults.
use anchor_lang::prelude::Pubkey;
use solana_account::Account;
use solana_transaction::{Hash, Transaction, TransactionError};

pub mod faulty;
#[cfg(feature = "local-chain")]
pub mod local;
pub mod rpc;

/// Result of simulating a transaction.
#[derive(Debug, Clone, Default)]
pub struct Simulation {
    /// The transaction's error, if it would fail.
    pub err: Option<TransactionError>,
    /// Compute units consumed.
    pub units: u64,
    /// Program logs.
    pub logs: Vec<String>,
}

/// Result of a transaction that reached the chain.
#[derive(Debug, Clone)]
pub struct Landed {
    /// Program logs (events are decoded from these).
    pub logs: Vec<String>,
    /// The transaction's error, if it failed on-chain.
    pub err: Option<TransactionError>,
}

/// Transport errors (as opposed to transaction errors): timeouts, dropped transactions,
/// unreachable nodes. The sender retries these.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error("RPC timeout: {0}")]
    Timeout(String),
    #[error("transaction not confirmed (dropped or expired): {0}")]
    NotConfirmed(String),
    #[error("RPC error: {0}")]
    Rpc(String),
}

/// Everything the keeper needs from a chain.
#[allow(async_fn_in_trait)]
pub trait Chain {
    /// An account, or `None` if it does not exist.
    async fn account(&mut self, key: &Pubkey) -> Result<Option<Account>, ChainError>;
    /// Several accounts at once, in order.
    async fn accounts(&mut self, keys: &[Pubkey]) -> Result<Vec<Option<Account>>, ChainError> {
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            out.push(self.account(k).await?);
        }
        Ok(out)
    }
    /// (slot, unix time) of the Clock sysvar.
    async fn clock(&mut self) -> Result<(u64, i64), ChainError>;
    /// A recent blockhash to sign with.
    async fn latest_blockhash(&mut self) -> Result<Hash, ChainError>;
    /// Simulates a signed transaction.
    async fn simulate(&mut self, tx: &Transaction) -> Result<Simulation, ChainError>;
    /// Sends a signed transaction and waits for confirmation.
    async fn send_and_confirm(&mut self, tx: &Transaction) -> Result<Landed, ChainError>;
    /// Recent prioritization fees (micro-lamports per CU) paid by transactions that wrote
    /// `accounts`.
    async fn recent_priority_fees(&mut self, accounts: &[Pubkey]) -> Result<Vec<u64>, ChainError>;
}

/// Decodes the Clock sysvar's bincode layout: slot, epoch_start_timestamp, epoch,
/// leader_schedule_epoch, unix_timestamp.
pub fn decode_clock(data: &[u8]) -> Option<(u64, i64)> {
    let word = |i: usize| -> Option<[u8; 8]> { data.get(i * 8..i * 8 + 8)?.try_into().ok() };
    Some((u64::from_le_bytes(word(0)?), i64::from_le_bytes(word(4)?)))
}
