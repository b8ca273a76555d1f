//! One consistent read of a vault: its account, the oracle, the venues, and the same
//! `compute_delta_report` the program runs on-chain.
use anchor_lang::prelude::{AccountInfo, Pubkey};
use anchor_lang::AccountDeserialize;
use anyhow::{anyhow, Context};
use hedge_client::OracleAccounts;
use hedge_math::Fix;
use hedge_vault::oracle::{load_market, FeedAccounts, MarketSnapshot};
use hedge_vault::pricing::{compute_delta_report, DeltaReport};
use hedge_vault::state::{Vault, VenueConfig};
use hedge_vault::venues::{self, VenueView};
use solana_account::Account;

use crate::chain::Chain;

/// A vault as the keeper sees it at one slot.
#[derive(Debug, Clone)]
pub struct VaultSnapshot {
    pub address: Pubkey,
    pub vault: Vault,
    pub oracles: OracleAccounts,
    pub slot: u64,
    pub now: i64,
    pub market: MarketSnapshot,
    pub report: DeltaReport,
    /// What the vault holds, read from its account and the venues.
    pub holdings: hedge_vault::pricing::Holdings,
    /// Per configured venue, its view marked at the oracle.
    pub venues: Vec<(VenueConfig, VenueView)>,
}

impl VaultSnapshot {
    /// Collateral price in quote units.
    pub fn collateral_price(&self) -> Fix {
        self.market
            .underlying
            .price
            .saturating_mul(self.market.collateral_rate)
    }

    /// Base units per whole token.
    pub fn unit(&self) -> i128 {
        10i128.pow(u32::from(self.vault.decimals))
    }
}

/// Runs `f` with an `AccountInfo` over an owned account.
pub fn with_info<R>(key: &Pubkey, account: &Account, f: impl FnOnce(&AccountInfo) -> R) -> R {
    let mut lamports = account.lamports;
    let mut data = account.data.clone();
    let owner = account.owner;
    let info = AccountInfo::new(
        key,
        false,
        false,
        &mut lamports,
        &mut data,
        &owner,
        account.executable,
    );
    f(&info)
}

fn program_err(e: anchor_lang::error::Error) -> anyhow::Error {
    anyhow!("{e}")
}

/// Reads and prices a vault.
pub async fn load<C: Chain>(
    chain: &mut C,
    address: Pubkey,
    oracles: OracleAccounts,
) -> anyhow::Result<VaultSnapshot> {
    let (slot, now) = chain.clock().await?;
    let acc = chain
        .account(&address)
        .await?
        .with_context(|| format!("vault {address} not found"))?;
    let mut vault =
        Vault::try_deserialize(&mut &acc.data[..]).map_err(|e| anyhow!("{address} is not a vault: {e}"))?;
    let underlying = chain
        .account(&oracles.underlying)
        .await?
        .with_context(|| format!("oracle {} not found", oracles.underlying))?;
    let collateral = match oracles.collateral {
        Some(k) => Some((
            k,
            chain
                .account(&k)
                .await?
                .with_context(|| format!("oracle {k} not found"))?,
        )),
        None => None,
    };
    let market = with_info(&oracles.underlying, &underlying, |u| match &collateral {
        Some((ck, ca)) => with_info(ck, ca, |c| {
            let accounts = FeedAccounts {
                underlying: u,
                collateral: Some(c),
            };
            load_market(&vault.oracle, &vault.params.oracle, &accounts, now)
        }),
        None => {
            let accounts = FeedAccounts {
                underlying: u,
                collateral: None,
            };
            load_market(&vault.oracle, &vault.params.oracle, &accounts, now)
        }
    })
    .map_err(program_err)?;
    // The program's own mark (fails where the program would).
    let mark = venues::Mark::of(&market, now).map_err(program_err)?;
    let mut views = Vec::new();
    for (i, cfg) in vault.params.live_venues().iter().enumerate() {
        // A written-off venue is not read (as on chain): it counts for nothing.
        if venues::written_off(&vault, i) {
            views.push((*cfg, venues::written_off_view()));
            continue;
        }
        // The keeper reads the reference venue's two accounts; a Drift venue also needs its
        // State, spot markets and oracles, which this snapshot does not gather yet.
        anyhow::ensure!(
            cfg.kind == hedge_vault::state::VenueKind::LocalPerp,
            "venue {i} is a {:?} venue: the keeper runs the reference venue only so far (docs/venues.md)",
            cfg.kind
        );
        let m = chain
            .account(&cfg.market)
            .await?
            .with_context(|| format!("market {} not found", cfg.market))?;
        let g = chain
            .account(&cfg.margin_account)
            .await?
            .with_context(|| format!("margin account {} not found", cfg.margin_account))?;
        let view = with_info(&cfg.market, &m, |mi| {
            with_info(&cfg.margin_account, &g, |gi| {
                venues::view(cfg, &(mi, gi), &mark, &venues::Holder::of(&vault, &[]))
            })
        })
        .map_err(program_err)?
        // The vault's own word on the venue (frozen, haircut), as `read_all` adds it.
        .under(&vault, i);
        views.push((*cfg, view));
    }
    // What the vault holds, from the venues' own accounts, and the program's pricing of it.
    let only_views: Vec<VenueView> = views.iter().map(|(_, v)| *v).collect();
    let holdings = hedge_vault::pricing::holdings(&vault, &only_views, &mark).map_err(program_err)?;
    // Legs past expiry with a roll rule are rolled by the first `refresh_nav` or
    // `rebalance`, before it prices anything: decide on the book the program will see.
    let nav_underlying = Fix::from_num(holdings.nav)
        .checked_mul(market.collateral_rate)
        .context("NAV in underlying units overflows")?;
    vault
        .roll_legs(now, market.underlying.price, nav_underlying)
        .map_err(program_err)?;
    let report = compute_delta_report(&vault, &holdings, &market, now).map_err(program_err)?;
    Ok(VaultSnapshot {
        holdings,
        address,
        vault,
        oracles,
        slot,
        now,
        market,
        report,
        venues: views,
    })
}
