//! The gamma-exposure map: the hedging pressure a vault will exert. At each price level
//! across a range around the oracle price, the trade the keeper would make there (the
//! program's own [`hedge_vault::plan`] on the program's own pricing,
//! `compute_delta_report`, with the venues re-marked at that price) and the book's dollar
//! gamma. Deterministic: the same accounts give the same map.
use anchor_lang::prelude::Pubkey;
use anyhow::{anyhow, Context};
use hedge_keeper::snapshot::{with_info, VaultSnapshot};
use hedge_math::Fix;
use hedge_vault::oracle::MarketSnapshot;
use hedge_vault::pricing::compute_delta_report;
use hedge_vault::venues::{self, VenueView};
use serde::Serialize;
use solana_account::Account;

/// One price level of the map. Token amounts are whole underlying tokens.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Level {
    /// Move from the oracle price (fraction: −0.3 … +0.3).
    pub move_frac: f64,
    /// Underlying price (quote per token).
    pub price: f64,
    /// Net delta of collateral and hedge at this price.
    pub net_delta: f64,
    /// Target delta at this price (NAV share plus the legs' delta).
    pub target_delta: f64,
    /// Band half-width at this price.
    pub band: f64,
    /// The trade the keeper would send (> 0 buys), 0 inside the band.
    pub trade: f64,
    /// The trade in quote (trade × price).
    pub trade_quote: f64,
    /// Book dollar gamma: Γ·S²·1 % (quote per 1 % move).
    pub gamma_exposure: f64,
}

fn f(x: Fix) -> f64 {
    x.to_num::<f64>()
}

/// The map at `moves` (fractions of the oracle price) for the vault of `s`, whose venue
/// accounts (market, margin account per configured venue, in order) are `venue_accounts`.
pub fn map(
    s: &VaultSnapshot,
    venue_accounts: &[(Account, Account)],
    moves: &[f64],
) -> anyhow::Result<Vec<Level>> {
    let unit = s.unit() as f64;
    let program = |e: anchor_lang::error::Error| anyhow!("{e}");
    let mut out = Vec::with_capacity(moves.len());
    for &m in moves {
        anyhow::ensure!(
            m.is_finite() && m > -1.0,
            "a move of {m} leaves no positive price"
        );
        let scale = Fix::from_num(1.0 + m);
        let mut market: MarketSnapshot = s.market;
        market.underlying.price = s.market.underlying.price.saturating_mul(scale);
        market.underlying.conf = s.market.underlying.conf.saturating_mul(scale);
        let mark = venues::Mark::of(&market, s.now).map_err(program)?;
        let mut views: Vec<VenueView> = Vec::with_capacity(s.venues.len());
        for (i, ((cfg, _), (mkt, margin))) in s.venues.iter().zip(venue_accounts).enumerate() {
            if venues::written_off(&s.vault, i) {
                views.push(venues::written_off_view());
                continue;
            }
            let v = with_info(&cfg.market, mkt, |mi| {
                with_info(&cfg.margin_account, margin, |gi| {
                    // The keeper's snapshot only takes reference venues (two accounts each).
                    venues::view(cfg, &(mi, gi), &mark, &venues::Holder::of(&s.vault, &[]))
                })
            })
            .map_err(program)?
            // The vault's own word on the venue (frozen, haircut), as the program reads it.
            .under(&s.vault, i);
            views.push(v);
        }
        let holdings = hedge_vault::pricing::holdings(&s.vault, &views, &mark).map_err(program)?;
        let report = compute_delta_report(&s.vault, &holdings, &market, s.now).map_err(program)?;
        let trade = hedge_vault::plan(&s.vault, &report, &views).map_or(0, |p| p.total());
        let price = f(market.underlying.price);
        let trade_tokens = trade as f64 / unit;
        out.push(Level {
            move_frac: m,
            price,
            net_delta: f(report.net_delta) / unit,
            target_delta: f(report.target_delta) / unit,
            band: f(report.band) / unit,
            trade: trade_tokens,
            trade_quote: trade_tokens * price,
            gamma_exposure: f(report.gamma_exposure),
        });
    }
    Ok(out)
}

/// Price levels: `n` evenly spaced moves from −`range` to +`range` (0 included when `n`
/// is odd).
pub fn moves(range: f64, n: usize) -> Vec<f64> {
    if n < 2 {
        return vec![0.0];
    }
    (0..n)
        .map(|i| -range + 2.0 * range * i as f64 / (n - 1) as f64)
        .collect()
}

/// The venue accounts of a snapshot's venues, read through `chain`, in the snapshot's order.
pub async fn venue_accounts<C: hedge_keeper::chain::Chain>(
    chain: &mut C,
    s: &VaultSnapshot,
) -> anyhow::Result<Vec<(Account, Account)>> {
    let keys: Vec<Pubkey> = s
        .venues
        .iter()
        .flat_map(|(cfg, _)| [cfg.market, cfg.margin_account])
        .collect();
    let accounts = chain.accounts(&keys).await?;
    accounts
        .chunks(2)
        .zip(s.venues.iter().enumerate())
        .map(|(pair, (i, (cfg, _)))| {
            // A written-off venue is not read: its accounts may be gone.
            if venues::written_off(&s.vault, i) {
                return Ok((Account::default(), Account::default()));
            }
            let m = pair[0]
                .clone()
                .with_context(|| format!("venue market {} not found", cfg.market))?;
            let g = pair[1]
                .clone()
                .with_context(|| format!("venue margin account {} not found", cfg.margin_account))?;
            Ok((m, g))
        })
        .collect()
}

/// Markdown table of a map.
pub fn table(levels: &[Level]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| move | price | net delta | target | band ± | keeper trade (tokens) | trade (quote) | dollar gamma (quote / 1 %) |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|");
    for l in levels {
        let _ = writeln!(
            s,
            "| {:+.0} % | {:.2} | {:+.3} | {:+.3} | {:.3} | {} | {} | {:+.2} |",
            l.move_frac * 100.0,
            l.price,
            l.net_delta,
            l.target_delta,
            l.band,
            if l.trade == 0.0 {
                "–".to_string()
            } else {
                format!("{:+.3}", l.trade)
            },
            if l.trade == 0.0 {
                "–".to_string()
            } else {
                format!("{:+.2}", l.trade_quote)
            },
            l.gamma_exposure
        );
    }
    s
}
