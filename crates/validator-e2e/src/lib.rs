//! A real Solana validator in process (`solana-test-validator`, the Agave line of the
//! workspace) serving the sBPF builds of the programs over JSON-RPC and websocket, with the
//! chain-side helpers the end-to-end test needs.
//!
//! Genesis holds three programs, all built by `scripts/build-sbf.sh` into `target/deploy/`:
//! `hedge_vault`, `perp_venue`, and `pyth_stand_in` at the Pyth receiver's address
//! (`programs/pyth-stand-in`: the only stand-in, because signed Pyth price messages cannot
//! be had offline; the vault and venue read its accounts with their production checks).
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::solana_program::program_pack::Pack;
use anchor_lang::solana_program::{bpf_loader_upgradeable, system_instruction};
use anchor_spl::token::spl_token;
use anyhow::{bail, Context};
use hedge_localnet::pyth::{price_update_data, Quote};
use pyth_solana_receiver_sdk::price_update::PriceUpdateV2;
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_signer::Signer;
use solana_test_validator::{TestValidator, TestValidatorGenesis, UpgradeableProgramInfo};
use solana_transaction::Transaction;

/// The programs in genesis: (file name in the deploy folder, program id).
pub fn programs() -> [(&'static str, Pubkey); 3] {
    [
        ("hedge_vault.so", hedge_vault::ID),
        ("perp_venue.so", perp_venue::ID),
        ("pyth_stand_in.so", pyth_solana_receiver_sdk::ID),
    ]
}

/// Where the `.so` files are: `HEDGE_SBF_DEPLOY_DIR`, else the workspace's `target/deploy`.
pub fn deploy_dir() -> PathBuf {
    std::env::var_os("HEDGE_SBF_DEPLOY_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/deploy"))
}

/// A running validator and a funded payer.
pub struct Local {
    pub validator: TestValidator,
    pub rpc: RpcClient,
    pub payer: Keypair,
}

impl Local {
    /// Starts a validator with the three programs in genesis and the RPC server on
    /// `rpc_port` (websocket on `rpc_port + 1`). Fails with the command to run when the
    /// sBPF builds are missing.
    pub async fn start(rpc_port: u16) -> anyhow::Result<Self> {
        let dir = deploy_dir();
        let mut infos = Vec::new();
        for (file, program_id) in programs() {
            let program_path = dir.join(file);
            if !program_path.exists() {
                bail!(
                    "{} is missing: build the sBPF programs first with scripts/build-sbf.sh \
                     (or point HEDGE_SBF_DEPLOY_DIR at a folder that has them)",
                    program_path.display()
                );
            }
            infos.push(UpgradeableProgramInfo {
                program_id,
                loader: bpf_loader_upgradeable::ID,
                upgrade_authority: Pubkey::default(),
                program_path,
            });
        }
        let mut genesis = TestValidatorGenesis::default();
        genesis
            .add_upgradeable_programs_with_path(&infos)
            .rpc_port(rpc_port);
        let (validator, payer) = genesis.start_async().await;
        let rpc = RpcClient::new_with_commitment(validator.rpc_url(), CommitmentConfig::confirmed());
        Ok(Local {
            validator,
            rpc,
            payer,
        })
    }

    /// Signs with the payer and `signers`, sends and confirms.
    pub async fn send(&self, ixs: &[Instruction], signers: &[&Keypair]) -> anyhow::Result<()> {
        send(&self.rpc, &self.payer, ixs, signers).await
    }

    /// The cluster's (slot, unix time).
    pub async fn clock(&self) -> anyhow::Result<(u64, i64)> {
        clock(&self.rpc).await
    }

    /// A new keypair holding `sol` SOL.
    pub async fn funded(&self, sol: u64) -> anyhow::Result<Keypair> {
        let kp = Keypair::new();
        let ix = system_instruction::transfer(&self.payer.pubkey(), &kp.pubkey(), sol * 1_000_000_000);
        self.send(&[ix], &[]).await?;
        Ok(kp)
    }

    /// A new SPL Token mint (`decimals`, no freeze authority) with the payer as authority.
    pub async fn create_mint(&self, decimals: u8) -> anyhow::Result<Pubkey> {
        let mint = Keypair::new();
        let len = spl_token::state::Mint::LEN;
        let rent = self.rpc.get_minimum_balance_for_rent_exemption(len).await?;
        let ixs = [
            system_instruction::create_account(
                &self.payer.pubkey(),
                &mint.pubkey(),
                rent,
                u64::try_from(len)?,
                &spl_token::ID,
            ),
            spl_token::instruction::initialize_mint2(
                &spl_token::ID,
                &mint.pubkey(),
                &self.payer.pubkey(),
                None,
                decimals,
            )?,
        ];
        self.send(&ixs, &[&mint]).await?;
        Ok(mint.pubkey())
    }

    /// A new token account of `mint` owned by `owner`, holding `amount` freshly minted
    /// (the payer is the mint authority; 0 for a mint it does not control).
    pub async fn token_account(&self, mint: &Pubkey, owner: &Pubkey, amount: u64) -> anyhow::Result<Pubkey> {
        let account = Keypair::new();
        let len = spl_token::state::Account::LEN;
        let rent = self.rpc.get_minimum_balance_for_rent_exemption(len).await?;
        let mut ixs = vec![
            system_instruction::create_account(
                &self.payer.pubkey(),
                &account.pubkey(),
                rent,
                u64::try_from(len)?,
                &spl_token::ID,
            ),
            spl_token::instruction::initialize_account3(&spl_token::ID, &account.pubkey(), mint, owner)?,
        ];
        if amount > 0 {
            ixs.push(spl_token::instruction::mint_to(
                &spl_token::ID,
                mint,
                &account.pubkey(),
                &self.payer.pubkey(),
                &[],
                amount,
            )?);
        }
        self.send(&ixs, &[&account]).await?;
        Ok(account.pubkey())
    }

    /// A token account's balance (base units).
    pub async fn balance(&self, account: &Pubkey) -> anyhow::Result<u64> {
        let acc = self.rpc.get_account(account).await?;
        Ok(spl_token::state::Account::unpack(&acc.data)?.amount)
    }

    /// An Anchor account, decoded.
    pub async fn anchor<T: anchor_lang::AccountDeserialize>(&self, key: &Pubkey) -> anyhow::Result<T> {
        let acc = self.rpc.get_account(key).await?;
        T::try_deserialize(&mut &acc.data[..]).with_context(|| format!("{key} does not decode"))
    }
}

/// Signs with `payer` and `signers`, sends and confirms.
pub async fn send(
    rpc: &RpcClient,
    payer: &Keypair,
    ixs: &[Instruction],
    signers: &[&Keypair],
) -> anyhow::Result<()> {
    let hash = rpc.get_latest_blockhash().await?;
    let mut all: Vec<&Keypair> = vec![payer];
    all.extend_from_slice(signers);
    let tx = Transaction::new_signed_with_payer(ixs, Some(&payer.pubkey()), &all, hash);
    rpc.send_and_confirm_transaction(&tx)
        .await
        .map(|_| ())
        .context("transaction failed")
}

/// The cluster's (slot, unix time), from the Clock sysvar.
pub async fn clock(rpc: &RpcClient) -> anyhow::Result<(u64, i64)> {
    let acc = rpc.get_account(&solana_sysvar::clock::ID).await?;
    let clock: anchor_lang::solana_program::clock::Clock = bincode_clock(&acc.data)?;
    Ok((clock.slot, clock.unix_timestamp))
}

fn bincode_clock(data: &[u8]) -> anyhow::Result<anchor_lang::solana_program::clock::Clock> {
    let word = |i: usize| -> anyhow::Result<[u8; 8]> {
        Ok(data
            .get(i * 8..i * 8 + 8)
            .context("short Clock sysvar")?
            .try_into()?)
    };
    Ok(anchor_lang::solana_program::clock::Clock {
        slot: u64::from_le_bytes(word(0)?),
        epoch_start_timestamp: i64::from_le_bytes(word(1)?),
        epoch: u64::from_le_bytes(word(2)?),
        leader_schedule_epoch: u64::from_le_bytes(word(3)?),
        unix_timestamp: i64::from_le_bytes(word(4)?),
    })
}

/// A Pyth pull feed published through the stand-in program: a `PriceUpdateV2` account
/// whose keypair signs each update.
pub struct Feed {
    pub account: Keypair,
    pub feed_id: [u8; 32],
    /// The price to publish, in cents.
    pub cents: Arc<AtomicI64>,
}

impl Feed {
    /// Creates the account (owned by the receiver's address, i.e. the stand-in) and
    /// publishes `usd` at the cluster's current time.
    pub async fn create(local: &Local, feed_id: [u8; 32], usd: f64) -> anyhow::Result<Self> {
        let account = Keypair::new();
        let len = PriceUpdateV2::LEN;
        let rent = local.rpc.get_minimum_balance_for_rent_exemption(len).await?;
        let create = system_instruction::create_account(
            &local.payer.pubkey(),
            &account.pubkey(),
            rent,
            u64::try_from(len)?,
            &pyth_solana_receiver_sdk::ID,
        );
        local.send(&[create], &[&account]).await?;
        let feed = Feed {
            account,
            feed_id,
            cents: Arc::new(AtomicI64::new((usd * 100.0).round() as i64)),
        };
        feed.publish(&local.rpc, &local.payer).await?;
        Ok(feed)
    }

    /// The account's address.
    pub fn address(&self) -> Pubkey {
        self.account.pubkey()
    }

    /// Sets the price the next publication carries.
    pub fn set_usd(&self, usd: f64) {
        self.cents.store((usd * 100.0).round() as i64, Ordering::SeqCst);
    }

    /// Publishes the current price, stamped with the cluster's current time.
    pub async fn publish(&self, rpc: &RpcClient, payer: &Keypair) -> anyhow::Result<()> {
        let (_, now) = clock(rpc).await?;
        let usd = self.cents.load(Ordering::SeqCst) as f64 / 100.0;
        let data = price_update_data(self.feed_id, Quote::usd(usd, now));
        let ix = Instruction::new_with_bytes(
            pyth_solana_receiver_sdk::ID,
            &data,
            vec![AccountMeta::new(self.account.pubkey(), true)],
        );
        send(rpc, payer, &[ix], &[&self.account]).await
    }

    /// Publishes every `every` until the returned handle is aborted, as Pyth's posters
    /// would (errors are retried at the next tick).
    pub fn publish_forever(
        self: &Arc<Self>,
        url: String,
        payer: Keypair,
        every: Duration,
    ) -> tokio::task::JoinHandle<()> {
        let feed = self.clone();
        tokio::spawn(async move {
            let rpc = RpcClient::new_with_commitment(url, CommitmentConfig::confirmed());
            loop {
                let _ = feed.publish(&rpc, &payer).await;
                tokio::time::sleep(every).await;
            }
        })
    }
}
