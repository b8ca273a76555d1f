//! `hedge-keeper freeze-venue`: the guardian's emergency freeze of one venue (the
//! authority may too). It takes effect in the transaction that lands: from then on the
//! vault sends nothing to that venue, counts its equity and delta at the venue's
//! `frozen_haircut_bps`, and the keeper re-hedges on the other venues. Only governance
//! unfreezes, behind the timelock (`ParamsChange::UnfreezeVenues`; docs/venues.md).
//!
//! Everything the program would refuse is refused here first, with the reason: a signer
//! that is neither guardian nor authority, an index past the configured venues. A venue
//! already frozen is reported and nothing is sent, so running it twice is harmless.
use std::path::PathBuf;
use std::str::FromStr;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::AccountDeserialize;
use anyhow::{bail, Context};
use clap::Args;
use hedge_vault::state::Vault;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::chain::Chain;
use crate::sender::{self, Outcome, SendPolicy};

/// Flags of `hedge-keeper freeze-venue`.
#[derive(Debug, Args)]
pub struct FreezeVenueArgs {
    /// The vault's address.
    #[arg(long)]
    pub vault: String,
    /// Index of the venue in the vault's venue list (as `run`'s logs and the app show it).
    #[arg(long)]
    pub venue: u8,
    /// Solana JSON-RPC URL.
    #[arg(long, env = "HEDGE_RPC_URL", default_value = "http://127.0.0.1:8899")]
    pub rpc_url: String,
    /// The guardian's (or the authority's) keypair: signs and pays.
    #[arg(long, env = "HEDGE_KEYPAIR")]
    pub keypair: PathBuf,
    /// Check and print what would be sent; send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// What `freeze-venue` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frozen {
    /// The venue was frozen by this run (or would be: `dry_run`); it now counts at
    /// 1 − `haircut_bps`.
    Now { haircut_bps: u16, dry_run: bool },
    /// It already was: nothing sent.
    Already,
}

/// The instruction that freezes venue `venue` of the vault at `address`, or `None` when
/// it is frozen already. Refuses, naming the reason, what the program would refuse.
pub fn decide(
    address: Pubkey,
    vault: &Vault,
    signer: Pubkey,
    venue: u8,
) -> anyhow::Result<Option<Instruction>> {
    if signer != vault.params.guardian && signer != vault.authority {
        bail!(
            "{signer} is neither the vault's guardian ({}) nor its authority ({}): the program would refuse it (NotGuardianOrAuthority)",
            vault.params.guardian,
            vault.authority
        );
    }
    let count = vault.params.live_venues().len();
    if usize::from(venue) >= count {
        bail!("venue {venue}: the vault has {count} venue(s), numbered from 0");
    }
    if hedge_vault::venues::frozen(vault, usize::from(venue)) {
        return Ok(None);
    }
    // `freeze_venue` reads no price: the oracle accounts are not part of it.
    let oracles = hedge_client::OracleAccounts {
        underlying: Pubkey::default(),
        collateral: None,
    };
    let client = hedge_client::VaultClient::of(address, vault, oracles);
    Ok(Some(client.freeze_venue(signer, venue)))
}

/// Reads the vault, decides, and sends (unless `dry_run`), simulating first.
pub async fn freeze<C: Chain>(
    chain: &mut C,
    signer: &Keypair,
    address: Pubkey,
    venue: u8,
    dry_run: bool,
) -> anyhow::Result<Frozen> {
    let acc = chain
        .account(&address)
        .await?
        .with_context(|| format!("no account at {address}"))?;
    let vault = Vault::try_deserialize(&mut &acc.data[..])
        .map_err(|e| anyhow::anyhow!("{address} is not a vault: {e}"))?;
    let Some(ix) = decide(address, &vault, signer.pubkey(), venue)? else {
        return Ok(Frozen::Already);
    };
    let haircut_bps = vault.params.live_venues()[usize::from(venue)].frozen_haircut_bps;
    if dry_run {
        return Ok(Frozen::Now { haircut_bps, dry_run });
    }
    match sender::send(chain, signer, &[], &[ix], &SendPolicy::default()).await {
        Outcome::Landed { .. } => Ok(Frozen::Now { haircut_bps, dry_run }),
        Outcome::Benign(e) => bail!("freeze_venue refused: {e:?}"),
        Outcome::Failed(e) => bail!("freeze_venue failed: {e}"),
    }
}

pub async fn run(args: FreezeVenueArgs) -> anyhow::Result<()> {
    let address = Pubkey::from_str(args.vault.trim())
        .with_context(|| format!("--vault: '{}' is not an address", args.vault))?;
    let signer = crate::cmd::run::read_keypair(&args.keypair)?;
    let mut chain = crate::chain::rpc::RpcChain::new(&args.rpc_url, std::time::Duration::from_secs(30));
    match freeze(&mut chain, &signer, address, args.venue, args.dry_run).await? {
        Frozen::Already => println!("venue {} of {address} is frozen already: nothing sent", args.venue),
        Frozen::Now { haircut_bps, dry_run: true } => println!(
            "dry run: would freeze venue {} of {address} (counted at {} % of its equity until governance unfreezes it)",
            args.venue,
            f64::from(10_000u16.saturating_sub(haircut_bps)) / 100.0
        ),
        Frozen::Now { haircut_bps, .. } => println!(
            "venue {} of {address} frozen: nothing is sent to it any more, and it counts at {} % of its equity; only governance unfreezes it (UnfreezeVenues, behind the timelock)",
            args.venue,
            f64::from(10_000u16.saturating_sub(haircut_bps)) / 100.0
        ),
    }
    Ok(())
}
