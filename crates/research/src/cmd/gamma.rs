//! `hedge-research gamma-map`: the hedging pressure of a live vault across price levels.
use std::path::PathBuf;
use std::str::FromStr;

use anchor_lang::prelude::Pubkey;
use anyhow::{bail, Context};
use clap::Args;
use hedge_keeper::chain::rpc::RpcChain;
use hedge_keeper::snapshot;

use crate::backtest::plot;
use crate::gamma_map::{map, moves, table, venue_accounts};

/// Flags of `hedge-research gamma-map`.
#[derive(Debug, Args)]
pub struct GammaMapArgs {
    /// Solana JSON-RPC URL (a validator, or `hedge-sim simulate --serve`).
    #[arg(long, env = "HEDGE_RPC_URL", default_value = "http://127.0.0.1:8899")]
    pub rpc_url: String,
    /// The vault's address.
    #[arg(long)]
    pub vault: String,
    /// The underlying's price account (PriceUpdateV2).
    #[arg(long)]
    pub oracle: String,
    /// The collateral's price account, for a vault with a collateral feed.
    #[arg(long)]
    pub collateral_oracle: Option<String>,
    /// Largest move either way (fraction of the oracle price).
    #[arg(long, default_value_t = 0.3)]
    pub range: f64,
    /// Price levels (odd: the oracle price is one of them).
    #[arg(long, default_value_t = 13)]
    pub levels: usize,
    /// Chart (.png or .svg).
    #[arg(long, value_name = "PATH.png|svg")]
    pub plot: Option<PathBuf>,
    #[arg(long, value_name = "PATH")]
    pub report_json: Option<PathBuf>,
}

fn key(flag: &str, s: &str) -> anyhow::Result<Pubkey> {
    Pubkey::from_str(s.trim()).map_err(|_| anyhow::anyhow!("{flag}: '{s}' is not a base58 public key"))
}

pub async fn run(a: GammaMapArgs) -> anyhow::Result<()> {
    if !(a.range.is_finite() && a.range > 0.0 && a.range < 1.0) {
        bail!("--range must lie in (0, 1)");
    }
    if !(2..=201).contains(&a.levels) {
        bail!("--levels must lie in [2, 201]");
    }
    let oracles = hedge_client::OracleAccounts {
        underlying: key("--oracle", &a.oracle)?,
        collateral: a
            .collateral_oracle
            .as_deref()
            .map(|c| key("--collateral-oracle", c))
            .transpose()?,
    };
    let vault = key("--vault", &a.vault)?;
    let mut chain = RpcChain::new(&a.rpc_url, std::time::Duration::from_secs(30));
    let s = snapshot::load(&mut chain, vault, oracles)
        .await
        .with_context(|| format!("reading vault {vault} from {}", a.rpc_url))?;
    let accounts = venue_accounts(&mut chain, &s).await?;
    let levels = map(&s, &accounts, &moves(a.range, a.levels))?;
    println!(
        "gamma-exposure map of vault {vault} at slot {} (oracle price {:.4}): the trade the keeper would send at each price, from the program's own pricing and band\n",
        s.slot,
        s.market.underlying.price.to_num::<f64>()
    );
    print!("{}", table(&levels));
    if let Some(p) = &a.plot {
        plot::draw_gamma_map(p, &format!("hedging pressure of {vault}"), &levels)?;
        eprintln!("gamma-map: chart written to {}", p.display());
    }
    if let Some(p) = &a.report_json {
        std::fs::write(p, serde_json::to_string_pretty(&levels)?)
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(())
}
