//! One consistent read of a vault: its account, the oracle, the venues, and the same
//! `compute_delta_report` the program runs on-chain.
use anchor_lang::prelude::{AccountInfo, Pubkey};
use anchor_lang::solana_program::instruction::AccountMeta;
use anchor_lang::AccountDeserialize;
use anyhow::{anyhow, bail, Context};
use hedge_client::{DriftSupport, OracleAccounts};
use hedge_math::Fix;
use hedge_vault::oracle::{load_market, FeedAccounts, MarketSnapshot};
use hedge_vault::pricing::{compute_delta_report, DeltaReport};
use hedge_vault::state::{Vault, VenueConfig, VenueKind};
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
    /// Per configured venue, what its adapter needs beyond the market and the margin
    /// account (a Drift venue: [`DriftSupport`]; `None` for the reference venue).
    pub support: Vec<Option<DriftSupport>>,
    /// Per configured venue, whether the vault's margin account there exists (a Drift
    /// `User` is opened by `open_venue_account`).
    pub opened: Vec<bool>,
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

    /// Every venue's support accounts, once each, for an instruction that reads the venues
    /// (`trading`: that may also trade, move margin or settle at them: writable where the
    /// venue writes).
    pub fn support_metas(&self, trading: bool) -> Vec<AccountMeta> {
        let mut out: Vec<AccountMeta> = Vec::new();
        for s in self.support.iter().flatten() {
            for m in s.metas(&self.address, trading) {
                match out.iter_mut().find(|o| o.pubkey == m.pubkey) {
                    Some(o) => o.is_writable |= m.is_writable,
                    None => out.push(m),
                }
            }
        }
        out
    }

    /// The token account margin moves through at venue `i`.
    pub fn pool(&self, i: usize) -> Option<Pubkey> {
        let (cfg, _) = self.venues.get(i)?;
        Some(match self.support.get(i)? {
            Some(s) => s.pool(),
            None => hedge_client::local_perp_pool(&cfg.market),
        })
    }
}

/// Runs `f` with `AccountInfo`s over owned accounts.
pub fn with_infos<R>(accounts: &[(Pubkey, Account)], f: impl FnOnce(&[AccountInfo]) -> R) -> R {
    let mut lamports: Vec<u64> = accounts.iter().map(|(_, a)| a.lamports).collect();
    let mut data: Vec<Vec<u8>> = accounts.iter().map(|(_, a)| a.data.clone()).collect();
    let infos: Vec<AccountInfo> = accounts
        .iter()
        .zip(lamports.iter_mut())
        .zip(data.iter_mut())
        .map(|(((k, a), l), d)| AccountInfo::new(k, false, false, l, d, &a.owner, a.executable))
        .collect();
    f(&infos)
}

/// A Drift venue: its view (as the program computes it, from the same accounts) and the
/// support accounts the vault's instructions need there. The collateral's spot market is
/// found by mint among Drift's spot markets.
async fn drift_venue<C: Chain>(
    chain: &mut C,
    vault: &Vault,
    cfg: &VenueConfig,
    market: &Account,
    mark: &venues::Mark,
) -> anyhow::Result<(VenueView, DriftSupport, bool)> {
    use hedge_drift as d;
    let perp = d::PerpMarketView::read(&market.owner, &market.data)
        .map_err(|e| anyhow!("{} is not a Drift perp market: {e:?}", cfg.market))?;
    let state_key = d::pda::state();
    let state = chain
        .account(&state_key)
        .await?
        .context("Drift's State not found")?;
    let n = d::StateView::read(&state.owner, &state.data)
        .map_err(|e| anyhow!("Drift's State unreadable: {e:?}"))?
        .number_of_spot_markets;
    let user = chain.account(&cfg.margin_account).await?;
    let held: Vec<u16> = match &user {
        Some(u) => d::UserView::read(&u.owner, &u.data)
            .map_err(|e| anyhow!("{} is not a Drift User: {e:?}", cfg.margin_account))?
            .spot
            .iter()
            .map(|p| p.market_index)
            .collect(),
        None => Vec::new(),
    };
    let mut accounts = vec![(state_key, state)];
    let mut spots: Vec<(u16, Pubkey)> = Vec::new();
    let mut collateral_spot = None;
    // Every spot market in one request (getMultipleAccounts over RPC).
    let keys: Vec<Pubkey> = (0..n).map(d::pda::spot_market).collect();
    let fetched = chain.accounts(&keys).await?;
    for ((i, key), acc) in (0..n).zip(keys).zip(fetched) {
        let Some(acc) = acc else {
            continue;
        };
        let Ok(m) = d::SpotMarketView::read(&acc.owner, &acc.data) else {
            continue;
        };
        let collateral = m.mint == vault.collateral_mint && collateral_spot.is_none();
        if collateral {
            collateral_spot = Some(i);
        }
        if i == 0 || collateral || held.contains(&i) {
            spots.push((i, m.oracle));
            accounts.push((key, acc));
        }
    }
    let collateral_spot = collateral_spot.with_context(|| {
        format!(
            "Drift has no spot market for the collateral mint {}",
            vault.collateral_mint
        )
    })?;
    let opened = user.is_some();
    // Not opened yet: an empty system account, which the program reads as holding nothing.
    let margin = user.unwrap_or_else(|| Account {
        owner: anchor_lang::system_program::ID,
        ..Account::default()
    });
    let view = with_infos(&accounts, |infos| {
        with_info(&cfg.market, market, |mi| {
            with_info(&cfg.margin_account, &margin, |gi| {
                venues::view(cfg, &(mi, gi), mark, &venues::Holder::of(vault, infos))
            })
        })
    })
    .map_err(program_err)?;
    let support = DriftSupport {
        perp_oracle: perp.oracle,
        spot_markets: spots,
        collateral_spot,
    };
    Ok((view, support, opened))
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
    let (mut support, mut opened) = (Vec::new(), Vec::new());
    for (i, cfg) in vault.params.live_venues().iter().enumerate() {
        // A written-off venue is not read (as on chain): it counts for nothing.
        if venues::written_off(&vault, i) {
            views.push((*cfg, venues::written_off_view()));
            support.push(None);
            opened.push(true);
            continue;
        }
        let m = chain
            .account(&cfg.market)
            .await?
            .with_context(|| format!("market {} not found", cfg.market))?;
        if cfg.kind == VenueKind::PhoenixRise {
            bail!(
                "venue {i} is Phoenix Rise ({}): this keeper does not run Phoenix venues yet \
                 (it needs Phoenix's index arena addresses; docs/venues.md#phoenix-rise)",
                cfg.market
            );
        }
        if cfg.kind == VenueKind::DriftV2 {
            let (view, s, open) = drift_venue(chain, &vault, cfg, &m, &mark).await?;
            views.push((
                *cfg,
                view.capped(&vault, i, &mark)
                    .map_err(program_err)?
                    .under(&vault, i),
            ));
            support.push(Some(s));
            opened.push(open);
            continue;
        }
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
        // The vault's own word on the venue (what it put there, frozen, haircut), as
        // `read_all` adds it.
        .capped(&vault, i, &mark)
        .map_err(program_err)?
        .under(&vault, i);
        views.push((*cfg, view));
        support.push(None);
        opened.push(true);
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
        support,
        opened,
    })
}
