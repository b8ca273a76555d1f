//! hedge-localnet: an in-process chain (solana-program-test, native `processor!` mode)
//! with the hedge vault and the perp venue loaded, for the tests and the simulator.
//!
//! Everything here builds instructions from the program's own Anchor types
//! (`hedge_vault::accounts::*`, `hedge_vault::instruction::*`): no hand-written
//! discriminators or layouts.
pub mod bins;
pub mod bridge;
pub mod cu;
pub mod drift;
pub mod events;
pub mod fixture;
pub mod pyth;
pub mod venue;

use std::result::Result;

use anchor_lang::prelude::{AccountInfo, Pubkey};
use anchor_lang::solana_program::entrypoint::ProgramResult;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::AccountDeserialize;
use anchor_spl::token::spl_token;
use anchor_spl::token_2022::spl_token_2022;
use solana_account::{Account, AccountSharedData};
use solana_clock::Clock;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_program_option::COption;
use solana_program_pack::Pack;
use solana_program_test::{processor, BanksClientError, ProgramTest, ProgramTestContext};
use solana_signer::Signer;
use solana_transaction::Transaction;

pub use solana_transaction::TransactionError;

/// Anchor's entry uses one lifetime for all arguments; `processor!` wants them free.
fn vault_entry(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    // SAFETY: the references only live for this call; the transmutes unify lifetimes
    // (the layouts are identical) so that Anchor's single-lifetime `entry` accepts them.
    unsafe {
        let program_id: &'static Pubkey = std::mem::transmute(program_id);
        let accounts: &'static [AccountInfo<'static>] = std::mem::transmute(accounts);
        let data: &'static [u8] = std::mem::transmute(data);
        hedge_vault::entry(program_id, accounts, data)
    }
}

/// As [`vault_entry`], for the perp venue.
fn venue_entry(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    // SAFETY: as in `vault_entry`.
    unsafe {
        let program_id: &'static Pubkey = std::mem::transmute(program_id);
        let accounts: &'static [AccountInfo<'static>] = std::mem::transmute(accounts);
        let data: &'static [u8] = std::mem::transmute(data);
        perp_venue::entry(program_id, accounts, data)
    }
}

/// Program-test logs every instruction at debug level; keep test output readable unless
/// the caller asked for logs with RUST_LOG.
fn quiet_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("RUST_LOG").is_none() {
            // SAFETY: called once, before the chain (and its threads) start reading env.
            unsafe { std::env::set_var("RUST_LOG", "error") };
        }
    });
}

/// How the programs run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Programs {
    /// Compiled into this process (`processor!`): fast, debuggable, no compute units.
    Native,
    /// The sBPF `.so` files in this directory (`hedge_vault.so`, `perp_venue.so`, as built
    /// by `scripts/build-sbf.sh`) run in the SVM, with real compute units.
    Sbf(std::path::PathBuf),
}

/// The sBPF builds `scripts/build-sbf.sh` leaves in `target/deploy` (with
/// `hedge_vault.so`), or `None` after saying plainly, past the test harness's capture,
/// that the test did not run.
pub fn sbf_build() -> Option<std::path::PathBuf> {
    let deploy = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/deploy");
    if deploy.join("hedge_vault.so").exists() {
        return Some(deploy);
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "NOT RUN: no sBPF build in {} (scripts/build-sbf.sh)",
        deploy.display()
    );
    None
}

/// A running in-process chain with the vault program loaded.
pub struct Env {
    pub ctx: ProgramTestContext,
    /// The unix time the Clock shows (re-applied on every new slot).
    unix_time: i64,
    /// Counter behind [`Env::next_keypair`]: the same sequence of calls gives the same keys,
    /// so a scenario replayed natively and on sBPF touches the same addresses.
    key_counter: u64,
    /// Compute units of the last processed transaction (0 natively: builtins).
    pub last_units: u64,
    /// Logs of the last processed transaction, failed ones included.
    pub last_logs: Vec<String>,
    /// Return data of the last processed transaction: (program, data).
    pub last_return: Option<(Pubkey, Vec<u8>)>,
    /// Every transaction that reached the bank since [`Env::start_journal`], failed ones
    /// included (`None`: not recording).
    journal: Option<Vec<Processed>>,
    /// Every address this chain has written directly or seen in a processed transaction
    /// (program-test cannot list accounts by owner; an RPC front end scans these).
    known: std::collections::BTreeSet<Pubkey>,
}

/// Outcome of [`Env::simulate_detailed`].
#[derive(Debug, Clone)]
pub struct Simulated {
    pub result: Result<(), TransactionError>,
    pub logs: Vec<String>,
    /// Compute units consumed (builtin units natively).
    pub units: u64,
    /// Return data: (program, data).
    pub return_data: Option<(Pubkey, Vec<u8>)>,
}

/// A transaction that reached the bank, as recorded by the journal.
#[derive(Debug, Clone)]
pub struct Processed {
    pub tx: Transaction,
    /// Slot it was processed in.
    pub slot: u64,
    /// The Clock's unix time when it was processed (seconds).
    pub unix_time: i64,
    /// Its outcome (a failed transaction still lands and pays its fee).
    pub result: Result<(), TransactionError>,
    pub logs: Vec<String>,
    /// Compute units consumed (builtin units natively).
    pub units: u64,
    /// Return data: (program, data).
    pub return_data: Option<(Pubkey, Vec<u8>)>,
}

/// Outcome of a transaction: its logs, or the error.
pub type TxResult = Result<Vec<String>, TransactionError>;

impl Env {
    /// Starts a chain with the vault program and SPL Token / Token-2022.
    pub async fn new() -> Self {
        Self::with_programs(Programs::Native).await
    }

    /// Starts a chain with the programs built natively or loaded from sBPF files.
    pub async fn with_programs(programs: Programs) -> Self {
        Self::start(Self::program_test(&programs)).await
    }

    /// Starts a chain with the vault and the venue built natively, plus a real Drift v2
    /// program binary (`drift_so`, an sBPF v0 `.so`, never committed) loaded as an
    /// upgradeable program at Drift's address, as program-test's genesis allows.
    pub async fn with_drift(drift_so: &std::path::Path) -> Self {
        Self::with_drift_on(drift_so, Programs::Native).await
    }

    /// As [`Env::with_drift`], with the vault and the venue built natively or loaded from
    /// their sBPF files (real compute units for instructions that CPI into Drift).
    pub async fn with_drift_on(drift_so: &std::path::Path, programs: Programs) -> Self {
        // program-test looks for `<name>.so` in SBF_OUT_DIR: one folder of our own, made
        // and named once per process (tests run in parallel and share the env).
        static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
        let dir = DIR
            .get_or_init(|| {
                let dir = std::env::temp_dir().join(format!("hedge-drift-{}", std::process::id()));
                std::fs::create_dir_all(&dir).expect("temp dir");
                std::fs::copy(drift_so, dir.join("drift.so"))
                    .unwrap_or_else(|e| panic!("{}: {e}", drift_so.display()));
                // SAFETY: set once, before any chain (and its threads) start.
                unsafe { std::env::set_var("SBF_OUT_DIR", &dir) };
                dir
            })
            .clone();
        let programs = match programs {
            Programs::Sbf(from) => {
                for name in ["hedge_vault.so", "perp_venue.so"] {
                    std::fs::copy(from.join(name), dir.join(name)).unwrap_or_else(|e| {
                        panic!("{}: {e} (run scripts/build-sbf.sh)", from.join(name).display())
                    });
                }
                Programs::Sbf(dir)
            }
            native => native,
        };
        let mut pt = Self::program_test(&programs);
        pt.add_upgradeable_program_to_genesis("drift", &hedge_drift::PROGRAM_ID);
        Self::start(pt).await
    }

    fn program_test(programs: &Programs) -> ProgramTest {
        quiet_logs();
        let mut pt = ProgramTest::default();
        match &programs {
            Programs::Native => {
                pt.prefer_bpf(false);
                pt.add_program("hedge_vault", hedge_vault::ID, processor!(vault_entry));
                pt.add_program("perp_venue", perp_venue::ID, processor!(venue_entry));
            }
            Programs::Sbf(dir) => {
                for name in ["hedge_vault", "perp_venue"] {
                    let so = dir.join(format!("{name}.so"));
                    assert!(
                        so.exists(),
                        "{} not found: run scripts/build-sbf.sh",
                        so.display()
                    );
                }
                // program-test looks for `<name>.so` in SBF_OUT_DIR.
                // SAFETY: set before the chain (and its threads) start.
                unsafe { std::env::set_var("SBF_OUT_DIR", dir) };
                pt.prefer_bpf(true);
                pt.add_program("hedge_vault", hedge_vault::ID, None);
                pt.add_program("perp_venue", perp_venue::ID, None);
            }
        }
        pt
    }

    async fn start(pt: ProgramTest) -> Self {
        let ctx = pt.start_with_context().await;
        bridge::install();
        let mut env = Env {
            ctx,
            unix_time: 1_750_000_000,
            key_counter: 0,
            last_units: 0,
            last_logs: Vec::new(),
            last_return: None,
            journal: None,
            known: Default::default(),
        };
        env.next_slot().await;
        env
    }

    pub fn payer(&self) -> &Keypair {
        &self.ctx.payer
    }

    /// Current unix time of the bank's Clock.
    pub async fn now(&mut self) -> i64 {
        self.ctx
            .banks_client
            .get_sysvar::<Clock>()
            .await
            .unwrap()
            .unix_timestamp
    }

    /// Current slot.
    pub async fn slot(&mut self) -> u64 {
        self.ctx.banks_client.get_sysvar::<Clock>().await.unwrap().slot
    }

    /// Moves to a new slot (and so a new blockhash, so identical transactions can be
    /// resent) and re-applies the harness's unix time to the Clock.
    pub async fn next_slot(&mut self) {
        let slot = self.slot().await;
        self.ctx.warp_to_slot(slot + 1).expect("warp");
        let mut clock: Clock = self.ctx.banks_client.get_sysvar().await.unwrap();
        clock.unix_timestamp = self.unix_time;
        self.ctx.set_sysvar(&clock);
    }

    /// Sets the Clock's unix time (in a new slot).
    pub async fn set_time(&mut self, unix: i64) {
        self.unix_time = unix;
        self.next_slot().await;
    }

    /// Moves the clock forward.
    pub async fn advance(&mut self, secs: i64) {
        let now = self.now().await;
        self.set_time(now + secs).await;
    }

    /// Writes an account directly.
    pub fn set_account(&mut self, address: &Pubkey, owner: &Pubkey, data: Vec<u8>) {
        let lamports = 1_000_000_000u64.max(data.len() as u64 * 10_000);
        let acc = Account {
            lamports,
            data,
            owner: *owner,
            executable: false,
            rent_epoch: 0,
        };
        self.ctx.set_account(address, &AccountSharedData::from(acc));
        self.known.insert(*address);
    }

    /// Overwrites an account as is (lamports included).
    pub fn put_account(&mut self, address: &Pubkey, account: Account) {
        self.ctx.set_account(address, &AccountSharedData::from(account));
        self.known.insert(*address);
    }

    /// Starts recording every processed transaction (see [`Env::take_journal`]).
    pub fn start_journal(&mut self) {
        self.journal.get_or_insert_with(Vec::new);
    }

    /// The transactions recorded since the last call (recording continues).
    pub fn take_journal(&mut self) -> Vec<Processed> {
        self.journal.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Addresses written directly or referenced by a processed transaction.
    pub fn known_addresses(&self) -> impl Iterator<Item = &Pubkey> {
        self.known.iter()
    }

    /// The next key of this chain's deterministic sequence.
    pub fn next_keypair(&mut self) -> Keypair {
        self.key_counter += 1;
        let mut seed = [0x5au8; 32];
        seed[..8].copy_from_slice(&self.key_counter.to_le_bytes());
        Keypair::new_from_array(seed)
    }

    /// An address from the deterministic sequence (for mints, token accounts, feeds).
    pub fn next_pubkey(&mut self) -> Pubkey {
        self.next_keypair().pubkey()
    }

    /// A funded keypair.
    pub async fn funded_keypair(&mut self) -> Keypair {
        let kp = self.next_keypair();
        self.set_account(&kp.pubkey(), &anchor_lang::system_program::ID, vec![]);
        kp
    }

    /// Creates a mint owned by `token_program` with `authority` as mint authority.
    pub fn create_mint(&mut self, decimals: u8, authority: &Pubkey, token_program: &Pubkey) -> Pubkey {
        let mint = self.next_pubkey();
        let state = spl_token::state::Mint {
            mint_authority: COption::Some(*authority),
            supply: 0,
            decimals,
            is_initialized: true,
            freeze_authority: COption::None,
        };
        let mut data = vec![0u8; spl_token::state::Mint::LEN];
        state.pack_into_slice(&mut data);
        self.set_account(&mint, token_program, data);
        mint
    }

    /// Creates a token account holding `amount` (the mint's supply is not adjusted; use
    /// [`Env::mint_to`] when supply matters).
    pub fn create_token_account(
        &mut self,
        mint: &Pubkey,
        owner: &Pubkey,
        amount: u64,
        token_program: &Pubkey,
    ) -> Pubkey {
        let address = self.next_pubkey();
        self.create_token_account_at(&address, mint, owner, amount, token_program);
        address
    }

    /// As [`Env::create_token_account`], at a given address (e.g. an associated token
    /// account's).
    pub fn create_token_account_at(
        &mut self,
        address: &Pubkey,
        mint: &Pubkey,
        owner: &Pubkey,
        amount: u64,
        token_program: &Pubkey,
    ) {
        let state = spl_token::state::Account {
            mint: *mint,
            owner: *owner,
            amount,
            delegate: COption::None,
            state: spl_token::state::AccountState::Initialized,
            is_native: COption::None,
            delegated_amount: 0,
            close_authority: COption::None,
        };
        let mut data = vec![0u8; spl_token::state::Account::LEN];
        state.pack_into_slice(&mut data);
        self.set_account(address, token_program, data);
    }

    /// Mints tokens through the token program (keeps supply consistent).
    pub async fn mint_to(
        &mut self,
        mint: &Pubkey,
        to: &Pubkey,
        authority: &Keypair,
        amount: u64,
        token_program: &Pubkey,
    ) {
        let ix = if *token_program == spl_token_2022::ID {
            spl_token_2022::instruction::mint_to(token_program, mint, to, &authority.pubkey(), &[], amount)
                .unwrap()
        } else {
            spl_token::instruction::mint_to(token_program, mint, to, &authority.pubkey(), &[], amount)
                .unwrap()
        };
        self.send(&[ix], &[authority]).await.expect("mint_to");
    }

    /// Token balance of a token account (0 if it does not exist).
    pub async fn balance(&mut self, token_account: &Pubkey) -> u64 {
        match self.ctx.banks_client.get_account(*token_account).await.unwrap() {
            Some(acc) => {
                spl_token::state::Account::unpack_from_slice(&acc.data[..165])
                    .unwrap()
                    .amount
            }
            None => 0,
        }
    }

    /// Supply of a mint.
    pub async fn supply(&mut self, mint: &Pubkey) -> u64 {
        let acc = self.ctx.banks_client.get_account(*mint).await.unwrap().unwrap();
        spl_token::state::Mint::unpack_from_slice(&acc.data[..82])
            .unwrap()
            .supply
    }

    /// Raw account, if it exists.
    pub async fn account(&mut self, address: &Pubkey) -> Option<Account> {
        self.ctx.banks_client.get_account(*address).await.unwrap()
    }

    /// Deserializes an Anchor account.
    pub async fn anchor_account<T: AccountDeserialize>(&mut self, address: &Pubkey) -> T {
        let acc = self
            .account(address)
            .await
            .unwrap_or_else(|| panic!("account {address} missing"));
        T::try_deserialize(&mut &acc.data[..]).expect("deserialize")
    }

    /// Signs (payer + `signers`) and processes a transaction; returns its logs.
    pub async fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> TxResult {
        let payer = self.ctx.payer.insecure_clone();
        let mut all: Vec<&Keypair> = vec![&payer];
        all.extend_from_slice(signers);
        let blockhash = self.blockhash().await;
        let tx = Transaction::new_signed_with_payer(ixs, Some(&payer.pubkey()), &all, blockhash);
        self.process(tx).await
    }

    /// The blockhash to sign with: the working bank's newest. (program-test's background
    /// ticker keeps registering blockhashes while the chain idles, so the one recorded at
    /// the last warp expires after about a minute of wall time.)
    pub async fn blockhash(&mut self) -> solana_transaction::Hash {
        match self.ctx.banks_client.get_latest_blockhash().await {
            Ok(h) => {
                self.ctx.last_blockhash = h;
                h
            }
            Err(_) => self.ctx.last_blockhash,
        }
    }

    /// Simulates a signed transaction: (error, compute units, logs). Natively built
    /// programs report builtin compute units, not sBPF ones.
    pub async fn simulate(&mut self, tx: Transaction) -> (Option<TransactionError>, u64, Vec<String>) {
        let s = self.simulate_detailed(tx).await;
        (s.result.err(), s.units, s.logs)
    }

    /// Simulates a transaction (signatures are not checked) with everything a JSON-RPC
    /// `simulateTransaction` reports.
    pub async fn simulate_detailed(&mut self, tx: Transaction) -> Simulated {
        let sim = self
            .ctx
            .banks_client
            .simulate_transaction(tx)
            .await
            .expect("banks client");
        let d =
            sim.simulation_details
                .unwrap_or_else(|| solana_banks_interface::TransactionSimulationDetails {
                    logs: vec![],
                    units_consumed: 0,
                    loaded_accounts_data_size: 0,
                    return_data: None,
                    inner_instructions: None,
                });
        Simulated {
            result: sim.result.unwrap_or(Ok(())),
            logs: d.logs,
            units: d.units_consumed,
            return_data: d
                .return_data
                .map(|r| (Pubkey::new_from_array(r.program_id.to_bytes()), r.data)),
        }
    }

    /// Processes a signed transaction, then moves to a new slot.
    pub async fn process(&mut self, tx: Transaction) -> TxResult {
        let recorded = self.journal.is_some().then(|| tx.clone());
        self.known.extend(tx.message.account_keys.iter().copied());
        let res = self.ctx.banks_client.process_transaction_with_metadata(tx).await;
        (self.last_units, self.last_logs, self.last_return) = match &res {
            Ok(r) => r
                .metadata
                .as_ref()
                .map(|m| {
                    (
                        m.compute_units_consumed,
                        m.log_messages.clone(),
                        m.return_data
                            .as_ref()
                            .map(|d| (Pubkey::new_from_array(d.program_id.to_bytes()), d.data.clone())),
                    )
                })
                .unwrap_or_default(),
            Err(_) => Default::default(),
        };
        if let (Some(tx), Ok(r)) = (recorded, &res) {
            let slot = self.slot().await;
            let entry = Processed {
                tx,
                slot,
                unix_time: self.unix_time,
                result: r.result.clone(),
                logs: self.last_logs.clone(),
                units: self.last_units,
                return_data: self.last_return.clone(),
            };
            if let Some(j) = self.journal.as_mut() {
                j.push(entry);
            }
        }
        // A new slot, so that a byte-identical retry is a new transaction.
        self.next_slot().await;
        match res {
            Ok(r) => {
                let logs = r.metadata.map(|m| m.log_messages).unwrap_or_default();
                match r.result {
                    Ok(()) => Ok(logs),
                    Err(e) => Err(e),
                }
            }
            Err(BanksClientError::TransactionError(e)) => Err(e),
            Err(BanksClientError::SimulationError { err, .. }) => Err(err),
            Err(e) => panic!("banks client: {e}"),
        }
    }
}

/// Builds an instruction of the vault program from its Anchor accounts and data types.
pub use hedge_client::vault::ix as vault_ix;

/// The custom error code carried by a failed transaction, if any.
pub fn custom_code(res: &TxResult) -> Option<u32> {
    match res {
        Err(TransactionError::InstructionError(_, InstructionError::Custom(c))) => Some(*c),
        _ => None,
    }
}

/// Asserts that `res` failed with the vault error `e`.
#[track_caller]
pub fn assert_vault_err(res: &TxResult, e: hedge_vault::error::VaultError) {
    let want: u32 = e.into();
    assert_eq!(
        custom_code(res),
        Some(want),
        "expected {e:?} ({want}), got {res:?}"
    );
}

/// Asserts that `res` failed with the Anchor framework error `e`.
#[track_caller]
pub fn assert_anchor_err(res: &TxResult, e: anchor_lang::error::ErrorCode) {
    let want: u32 = e.into();
    assert_eq!(
        custom_code(res),
        Some(want),
        "expected {e:?} ({want}), got {res:?}"
    );
}
