//! The served chain's transaction history: what a validator's ledger and RPC indexes keep
//! (signature statuses, transactions by signature, signatures by address, priority fees).
use std::collections::HashMap;

use anchor_lang::prelude::Pubkey;
use hedge_localnet::Processed;
use solana_signature::Signature;

/// The compute-budget program (`SetComputeUnitPrice` carries the priority fee).
const COMPUTE_BUDGET: Pubkey = solana_compute_budget_interface::ID;
/// `ComputeBudgetInstruction::SetComputeUnitPrice` tag.
const SET_CU_PRICE_TAG: u8 = 3;

/// Logs in the shape a validator writes them, from the in-process chain's native run.
///
/// Natively built programs differ in two ways, both fixed here so that clients (Anchor's
/// `EventParser`, which tracks the invoke stack) read the served logs unchanged:
/// - events are logged as `Program log: data: <b64>` (through the syscall-stub bridge);
///   a validator logs `Program data: <b64>`;
/// - each native entry and CPI is announced twice (by the runtime and by the stub
///   bridge), with depths that do not nest, and closed as many times.
///
/// The invoke stack is rebuilt: a repeated `invoke` of the program just entered is
/// dropped, depths are renumbered from the stack, and a `success` / `failed` line that
/// does not close the program on top is dropped.
pub fn validator_logs(logs: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(logs.len());
    let mut stack: Vec<&str> = Vec::new();
    let mut last_invoked: Option<&str> = None;
    for l in logs {
        if let Some(rest) = l.strip_prefix("Program log: data: ") {
            out.push(format!("Program data: {rest}"));
            last_invoked = None;
            continue;
        }
        let Some(body) = l.strip_prefix("Program ") else {
            out.push(l.clone());
            last_invoked = None;
            continue;
        };
        let (program, tail) = body.split_once(' ').unwrap_or((body, ""));
        if tail.starts_with("invoke [") {
            if last_invoked == Some(program) {
                continue; // the second announcement of the same entry
            }
            stack.push(program);
            last_invoked = Some(program);
            out.push(format!("Program {program} invoke [{}]", stack.len()));
            continue;
        }
        last_invoked = None;
        let closes = tail == "success" || tail.starts_with("failed");
        if closes {
            if stack.last() != Some(&program) {
                continue; // a repeated close
            }
            stack.pop();
        }
        out.push(l.clone());
    }
    out
}

/// One landed transaction.
#[derive(Debug, Clone)]
pub struct Entry {
    pub signature: Signature,
    pub processed: Processed,
    /// Logs in the validator's form (see [`validator_logs`]).
    pub logs: Vec<String>,
    /// Priority fee paid (micro-lamports per compute unit; 0 without `SetComputeUnitPrice`).
    pub cu_price: u64,
}

/// All landed transactions, indexed.
#[derive(Debug, Default)]
pub struct Ledger {
    entries: Vec<Entry>,
    by_signature: HashMap<Signature, usize>,
    by_address: HashMap<Pubkey, Vec<usize>>,
}

impl Ledger {
    /// Records processed transactions (in processing order).
    pub fn record(&mut self, processed: impl IntoIterator<Item = Processed>) {
        for p in processed {
            let Some(signature) = p.tx.signatures.first().copied() else {
                continue;
            };
            let idx = self.entries.len();
            for key in &p.tx.message.account_keys {
                self.by_address.entry(*key).or_default().push(idx);
            }
            self.by_signature.insert(signature, idx);
            let cu_price = cu_price(&p.tx);
            let logs = validator_logs(&p.logs);
            self.entries.push(Entry {
                signature,
                processed: p,
                logs,
                cu_price,
            });
        }
    }

    /// Number of recorded transactions.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing has been recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The transaction with this signature.
    pub fn get(&self, signature: &Signature) -> Option<&Entry> {
        self.by_signature.get(signature).map(|&i| &self.entries[i])
    }

    /// Transactions that reference `address`, newest first, strictly older than `before`
    /// and newer than `until` (both exclusive, as in `getSignaturesForAddress`).
    pub fn for_address(
        &self,
        address: &Pubkey,
        before: Option<&Signature>,
        until: Option<&Signature>,
        limit: usize,
    ) -> Vec<&Entry> {
        let Some(indices) = self.by_address.get(address) else {
            return vec![];
        };
        let before = before.and_then(|s| self.by_signature.get(s)).copied();
        let until = until.and_then(|s| self.by_signature.get(s)).copied();
        indices
            .iter()
            .rev()
            .filter(|&&i| before.is_none_or(|b| i < b))
            .take_while(|&&i| until.is_none_or(|u| i > u))
            .take(limit)
            .map(|&i| &self.entries[i])
            .collect()
    }

    /// (slot, priority fee) of recent transactions that wrote any of `accounts` (all
    /// transactions when `accounts` is empty), at most one per slot (the lowest fee, as a
    /// validator reports the minimum fee that landed), for slots after `min_slot`.
    pub fn priority_fees(&self, accounts: &[Pubkey], min_slot: u64) -> Vec<(u64, u64)> {
        let mut per_slot: std::collections::BTreeMap<u64, u64> = Default::default();
        for e in self.entries.iter().rev() {
            let slot = e.processed.slot;
            if slot <= min_slot {
                break;
            }
            let msg = &e.processed.tx.message;
            let writes = accounts.is_empty()
                || msg.account_keys.iter().enumerate().any(|(i, k)| {
                    msg.is_maybe_writable_with_reserved_addresses(
                        i,
                        None::<&std::collections::HashSet<Pubkey>>,
                    ) && accounts.contains(k)
                });
            if writes {
                let fee = per_slot.entry(slot).or_insert(u64::MAX);
                *fee = (*fee).min(e.cu_price);
            }
        }
        per_slot.into_iter().collect()
    }
}

/// The compute-unit price a transaction sets (0 if none).
fn cu_price(tx: &solana_transaction::Transaction) -> u64 {
    let keys = &tx.message.account_keys;
    tx.message
        .instructions
        .iter()
        .filter(|ix| keys.get(usize::from(ix.program_id_index)) == Some(&COMPUTE_BUDGET))
        .filter_map(|ix| match ix.data.split_first() {
            Some((&SET_CU_PRICE_TAG, rest)) => rest.get(..8)?.try_into().ok().map(u64::from_le_bytes),
            _ => None,
        })
        .next_back()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {

    #[test]
    fn native_logs_become_validator_shaped() {
        let v = "HVau1tZk8ZXjVrjwS7t6Ws3ixGNHykzRwkqfS7pMcsLa";
        let p = "PerpVenue1111111111111111111111111111111111";
        let t = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
        let native: Vec<String> = [
            format!("Program {v} invoke [1]"),
            format!("Program {v} invoke [1]"),
            format!("Program {p} invoke [1]"),
            format!("Program {p} invoke [2]"),
            format!("Program {p} invoke [2]"),
            "Program log: data: AAAA".to_string(),
            format!("Program {p} success"),
            format!("Program {p} success"),
            format!("Program {p} success"),
            format!("Program {t} invoke [1]"),
            format!("Program {t} invoke [2]"),
            format!("Program {t} consumed 105 of 49277 compute units"),
            format!("Program {t} success"),
            format!("Program {t} success"),
            "Program log: data: BBBB".to_string(),
            format!("Program {v} success"),
            format!("Program {v} success"),
        ]
        .to_vec();
        let expected: Vec<String> = [
            format!("Program {v} invoke [1]"),
            format!("Program {p} invoke [2]"),
            "Program data: AAAA".to_string(),
            format!("Program {p} success"),
            format!("Program {t} invoke [2]"),
            format!("Program {t} consumed 105 of 49277 compute units"),
            format!("Program {t} success"),
            "Program data: BBBB".to_string(),
            format!("Program {v} success"),
        ]
        .to_vec();
        assert_eq!(validator_logs(&native), expected);
        // Already validator-shaped logs pass through unchanged.
        assert_eq!(validator_logs(&expected), expected);
    }

    use super::*;

    #[test]
    fn event_logs_take_the_validator_form() {
        let logs = vec![
            "Program X invoke [1]".to_string(),
            "Program log: data: AAEC".to_string(),
            "Program log: hello".to_string(),
        ];
        assert_eq!(
            validator_logs(&logs),
            vec!["Program X invoke [1]", "Program data: AAEC", "Program log: hello"]
        );
    }

    /// A signed transaction touching `key`, unique per `n`, landed in slot `n`.
    fn landed(payer: &solana_keypair::Keypair, key: Pubkey, n: u64, price: u64) -> Processed {
        use solana_compute_budget_interface::ComputeBudgetInstruction;
        let mut ix = ComputeBudgetInstruction::set_compute_unit_price(price);
        ix.accounts
            .push(anchor_lang::solana_program::instruction::AccountMeta::new(
                key, false,
            ));
        let hash = solana_transaction::Hash::new_from_array([u8::try_from(n).unwrap(); 32]);
        let tx = solana_transaction::Transaction::new_signed_with_payer(
            &[ix],
            Some(&solana_signer::Signer::pubkey(payer)),
            &[payer],
            hash,
        );
        Processed {
            tx,
            slot: n,
            unix_time: 1_000 + i64::try_from(n).unwrap(),
            result: Ok(()),
            logs: vec![],
            units: 0,
            return_data: None,
        }
    }

    #[test]
    fn history_by_address_is_newest_first_with_exclusive_bounds() {
        let payer = solana_keypair::Keypair::new();
        let (a, b) = (Pubkey::new_unique(), Pubkey::new_unique());
        let mut ledger = Ledger::default();
        ledger.record((1..=5).map(|n| landed(&payer, if n == 3 { b } else { a }, n, n * 10)));
        assert_eq!(ledger.len(), 5);
        let slots = |v: Vec<&Entry>| v.iter().map(|e| e.processed.slot).collect::<Vec<_>>();
        assert_eq!(slots(ledger.for_address(&a, None, None, 10)), vec![5, 4, 2, 1]);
        assert_eq!(slots(ledger.for_address(&a, None, None, 2)), vec![5, 4]);
        let sig = |slot: u64| ledger.entries[usize::try_from(slot - 1).unwrap()].signature;
        let (s4, s1) = (sig(4), sig(1));
        assert_eq!(slots(ledger.for_address(&a, Some(&s4), None, 10)), vec![2, 1]);
        assert_eq!(slots(ledger.for_address(&a, None, Some(&s1), 10)), vec![5, 4, 2]);
        assert_eq!(slots(ledger.for_address(&b, None, None, 10)), vec![3]);
        assert!(ledger
            .for_address(&Pubkey::new_unique(), None, None, 10)
            .is_empty());
        assert_eq!(ledger.get(&s4).map(|e| e.processed.slot), Some(4));
    }

    #[test]
    fn priority_fees_are_the_lowest_per_slot_for_writers_of_the_accounts() {
        let payer = solana_keypair::Keypair::new();
        let (a, b) = (Pubkey::new_unique(), Pubkey::new_unique());
        let mut ledger = Ledger::default();
        ledger.record([
            landed(&payer, a, 1, 50),
            landed(&payer, b, 2, 70),
            landed(&payer, a, 3, 90),
        ]);
        assert_eq!(ledger.priority_fees(&[a], 0), vec![(1, 50), (3, 90)]);
        assert_eq!(ledger.priority_fees(&[], 0), vec![(1, 50), (2, 70), (3, 90)]);
        assert_eq!(
            ledger.priority_fees(&[a], 1),
            vec![(3, 90)],
            "only slots after min_slot"
        );
    }

    #[test]
    fn compute_unit_price_is_read_from_the_compute_budget_instruction() {
        use solana_compute_budget_interface::ComputeBudgetInstruction;
        let payer = solana_keypair::Keypair::new();
        let ixs = [
            ComputeBudgetInstruction::set_compute_unit_limit(200_000),
            ComputeBudgetInstruction::set_compute_unit_price(1_234),
        ];
        let tx = solana_transaction::Transaction::new_with_payer(
            &ixs,
            Some(&solana_signer::Signer::pubkey(&payer)),
        );
        assert_eq!(cu_price(&tx), 1_234);
        let bare = solana_transaction::Transaction::new_with_payer(
            &ixs[..1],
            Some(&solana_signer::Signer::pubkey(&payer)),
        );
        assert_eq!(cu_price(&bare), 0);
    }
}
