//! Sending: simulate first, size the compute-unit limit from the simulation, pay a
//! priority fee from recent fees (capped), confirm, and retry transport failures with
//! backoff and a fresh blockhash. Every retry re-simulates, so a transaction that landed
//! while its confirmation was lost is never sent twice: the program's own guards
//! (sequence, band, cooldown) make the second simulation fail benignly.
use std::time::Duration;

use anchor_lang::solana_program::instruction::Instruction;
use hedge_vault::error::VaultError;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::{Transaction, TransactionError};

use crate::chain::{Chain, ChainError};

/// How to send.
#[derive(Debug, Clone)]
pub struct SendPolicy {
    /// Extra compute units over the simulated amount (percent).
    pub cu_margin_pct: u32,
    /// Smallest compute-unit limit requested.
    pub cu_floor: u32,
    /// Percentile of recent prioritization fees to pay (0–100).
    pub fee_percentile: u8,
    /// Cap on the priority fee (micro-lamports per CU).
    pub max_priority_fee: u64,
    /// Attempts before giving up on transport errors.
    pub max_attempts: u32,
    /// First backoff; doubles each attempt.
    pub backoff: Duration,
}

impl Default for SendPolicy {
    fn default() -> Self {
        SendPolicy {
            cu_margin_pct: 20,
            cu_floor: 50_000,
            fee_percentile: 75,
            max_priority_fee: 100_000,
            max_attempts: 5,
            backoff: Duration::from_millis(250),
        }
    }
}

/// What happened.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Landed and succeeded.
    Landed {
        logs: Vec<String>,
        attempts: u32,
        priority_fee: u64,
        cu_limit: u32,
    },
    /// Not needed (any more): another keeper got there first, or the program says there
    /// is nothing to do. Not a failure.
    Benign(VaultError),
    /// A real failure.
    Failed(String),
}

/// Vault errors that mean "nothing to do" rather than "something is wrong".
pub fn benign(err: &TransactionError) -> Option<VaultError> {
    let TransactionError::InstructionError(_, InstructionError::Custom(code)) = err else {
        return None;
    };
    [
        VaultError::StaleSequence,
        VaultError::NoBreach,
        VaultError::CooldownActive,
        VaultError::MarginWithinBounds,
        VaultError::SigmaUpdateTooSoon,
        // Orders already on their way cover the trade; or another keeper cancelled them
        // first; or the chain's clock is a little behind the keeper's.
        VaultError::VenueOrdersPending,
        VaultError::NoOpenOrders,
        VaultError::OrdersNotExpired,
    ]
    .into_iter()
    .find(|e| u32::from(*e) == *code)
}

/// The fee to pay: `percentile` of `fees`, capped.
pub fn priority_fee(mut fees: Vec<u64>, percentile: u8, cap: u64) -> u64 {
    if fees.is_empty() {
        return 0;
    }
    fees.sort_unstable();
    let idx = (fees.len() - 1) * usize::from(percentile.min(100)) / 100;
    fees[idx].min(cap)
}

fn build(
    ixs: &[Instruction],
    cu_limit: u32,
    fee: u64,
    payer: &Keypair,
    signers: &[&Keypair],
    bh: solana_transaction::Hash,
) -> Transaction {
    let mut all = vec![
        ComputeBudgetInstruction::set_compute_unit_limit(cu_limit),
        ComputeBudgetInstruction::set_compute_unit_price(fee),
    ];
    all.extend_from_slice(ixs);
    let mut keys: Vec<&Keypair> = vec![payer];
    keys.extend(signers.iter().copied().filter(|k| k.pubkey() != payer.pubkey()));
    Transaction::new_signed_with_payer(&all, Some(&payer.pubkey()), &keys, bh)
}

/// Simulates, then sends `ixs` under `policy`.
pub async fn send<C: Chain>(
    chain: &mut C,
    payer: &Keypair,
    signers: &[&Keypair],
    ixs: &[Instruction],
    policy: &SendPolicy,
) -> Outcome {
    let writable: Vec<_> = ixs
        .iter()
        .flat_map(|i| i.accounts.iter().filter(|m| m.is_writable).map(|m| m.pubkey))
        .collect();
    let mut last_err = String::new();
    for attempt in 1..=policy.max_attempts.max(1) {
        if attempt > 1 {
            let shift = (attempt - 2).min(6);
            tokio::time::sleep(policy.backoff * (1u32 << shift)).await;
        }
        let result: Result<Outcome, ChainError> = async {
            let bh = chain.latest_blockhash().await?;
            let fees = chain.recent_priority_fees(&writable).await.unwrap_or_default();
            let fee = priority_fee(fees, policy.fee_percentile, policy.max_priority_fee);
            let sim = chain
                .simulate(&build(ixs, 1_400_000, fee, payer, signers, bh))
                .await?;
            if let Some(err) = sim.err {
                return Ok(match benign(&err) {
                    Some(b) => Outcome::Benign(b),
                    None => Outcome::Failed(format!("simulation: {err}")),
                });
            }
            let units = u32::try_from(sim.units).unwrap_or(u32::MAX);
            let cu_limit = units
                .saturating_mul(100 + policy.cu_margin_pct)
                .saturating_div(100)
                .clamp(policy.cu_floor, 1_400_000);
            let landed = chain
                .send_and_confirm(&build(ixs, cu_limit, fee, payer, signers, bh))
                .await?;
            Ok(match landed.err {
                None => Outcome::Landed {
                    logs: landed.logs,
                    attempts: attempt,
                    priority_fee: fee,
                    cu_limit,
                },
                Some(err) => match benign(&err) {
                    Some(b) => Outcome::Benign(b),
                    None => Outcome::Failed(format!("on-chain: {err}")),
                },
            })
        }
        .await;
        match result {
            Ok(o) => return o,
            Err(e) => {
                tracing::warn!(attempt, error = %e, "transport error, retrying");
                last_err = e.to_string();
            }
        }
    }
    Outcome::Failed(format!(
        "gave up after {} attempts: {last_err}",
        policy.max_attempts
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fee_percentile_is_capped() {
        assert_eq!(priority_fee(vec![], 75, 10), 0);
        assert_eq!(priority_fee(vec![5, 1, 9, 3], 50, 100), 3);
        assert_eq!(priority_fee(vec![5, 1, 9, 3], 100, 100), 9);
        assert_eq!(priority_fee(vec![500, 1_000], 100, 600), 600);
    }

    #[test]
    fn benign_errors_are_recognised() {
        let e = |v: VaultError| TransactionError::InstructionError(0, InstructionError::Custom(v.into()));
        assert!(matches!(
            benign(&e(VaultError::StaleSequence)),
            Some(VaultError::StaleSequence)
        ));
        assert!(matches!(
            benign(&e(VaultError::NoBreach)),
            Some(VaultError::NoBreach)
        ));
        assert!(benign(&e(VaultError::OracleStale)).is_none());
        assert!(benign(&TransactionError::AccountNotFound).is_none());
    }
}
