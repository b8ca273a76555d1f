//! The in-process chain: solana-program-test with both programs loaded natively.
use anchor_lang::prelude::Pubkey;
use hedge_localnet::Env;
use solana_account::Account;
use solana_transaction::{Hash, Transaction};

use super::{Chain, ChainError, Landed, Simulation};

/// A [`Chain`] over [`hedge_localnet::Env`].
pub struct LocalChain<'a> {
    pub env: &'a mut Env,
}

impl Chain for LocalChain<'_> {
    async fn account(&mut self, key: &Pubkey) -> Result<Option<Account>, ChainError> {
        Ok(self.env.account(key).await)
    }

    async fn clock(&mut self) -> Result<(u64, i64), ChainError> {
        Ok((self.env.slot().await, self.env.now().await))
    }

    async fn latest_blockhash(&mut self) -> Result<Hash, ChainError> {
        Ok(self.env.blockhash().await)
    }

    async fn simulate(&mut self, tx: &Transaction) -> Result<Simulation, ChainError> {
        let (err, units, logs) = self.env.simulate(tx.clone()).await;
        Ok(Simulation { err, units, logs })
    }

    async fn send_and_confirm(&mut self, tx: &Transaction) -> Result<Landed, ChainError> {
        match self.env.process(tx.clone()).await {
            Ok(logs) => Ok(Landed { logs, err: None }),
            Err(e) => Ok(Landed {
                logs: vec![],
                err: Some(e),
            }),
        }
    }

    async fn recent_priority_fees(&mut self, _accounts: &[Pubkey]) -> Result<Vec<u64>, ChainError> {
        Ok(vec![])
    }
}
