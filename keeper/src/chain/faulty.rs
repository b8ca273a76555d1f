//! Fault injection for tests: timeouts, RPC errors and dropped transactions, on a
//! deterministic schedule.
use std::collections::VecDeque;

use anchor_lang::prelude::Pubkey;
use solana_account::Account;
use solana_transaction::{Hash, Transaction};

use super::{Chain, ChainError, Landed, Simulation};

/// A fault to inject on the next call of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The call times out without reaching the chain.
    Timeout,
    /// The node answers with an error.
    Error,
    /// (send only) The transaction lands, but confirmation never arrives.
    LandedButUnconfirmed,
    /// (send only) The transaction is dropped: not processed, reported unconfirmed.
    Dropped,
}

/// Wraps a chain and fails calls according to queued faults.
pub struct FaultyChain<C> {
    pub inner: C,
    /// Faults for the next `send_and_confirm` calls (front first).
    pub send_faults: VecDeque<Fault>,
    /// Faults for the next `account` calls.
    pub read_faults: VecDeque<Fault>,
    /// Transactions that actually reached the inner chain.
    pub landed: usize,
}

impl<C> FaultyChain<C> {
    pub fn new(inner: C) -> Self {
        FaultyChain {
            inner,
            send_faults: VecDeque::new(),
            read_faults: VecDeque::new(),
            landed: 0,
        }
    }
}

fn as_error(f: Fault) -> ChainError {
    match f {
        Fault::Timeout => ChainError::Timeout("injected".into()),
        Fault::Error => ChainError::Rpc("injected".into()),
        Fault::LandedButUnconfirmed | Fault::Dropped => ChainError::NotConfirmed("injected".into()),
    }
}

impl<C: Chain> Chain for FaultyChain<C> {
    async fn account(&mut self, key: &Pubkey) -> Result<Option<Account>, ChainError> {
        if let Some(f) = self.read_faults.pop_front() {
            return Err(as_error(f));
        }
        self.inner.account(key).await
    }

    async fn clock(&mut self) -> Result<(u64, i64), ChainError> {
        self.inner.clock().await
    }

    async fn latest_blockhash(&mut self) -> Result<Hash, ChainError> {
        self.inner.latest_blockhash().await
    }

    async fn simulate(&mut self, tx: &Transaction) -> Result<Simulation, ChainError> {
        self.inner.simulate(tx).await
    }

    async fn send_and_confirm(&mut self, tx: &Transaction) -> Result<Landed, ChainError> {
        match self.send_faults.pop_front() {
            None => {
                self.landed += 1;
                self.inner.send_and_confirm(tx).await
            }
            Some(Fault::LandedButUnconfirmed) => {
                self.landed += 1;
                let landed = self.inner.send_and_confirm(tx).await?;
                tracing::debug!(err = ?landed.err, "injected: landed but unconfirmed");
                Err(as_error(Fault::LandedButUnconfirmed))
            }
            Some(f) => Err(as_error(f)),
        }
    }

    async fn recent_priority_fees(&mut self, accounts: &[Pubkey]) -> Result<Vec<u64>, ChainError> {
        self.inner.recent_priority_fees(accounts).await
    }
}
