//! Perp-venue setup for vault tests, and builders for the venue-facing vault
//! instructions.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use hedge_client::venue as v;
use hedge_client::{OracleAccounts, VaultKeys};
use hedge_vault::state::{MarginParams, VaultParams, VenueConfig, VenueKind};
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::fixture::Fixture;
use crate::TxResult;

/// One market on the local perp venue.
#[derive(Debug, Clone, Copy)]
pub struct VenueMarket {
    pub market: Pubkey,
    pub pool: Pubkey,
    /// The vault's margin account on it.
    pub margin: Pubkey,
}

impl VenueMarket {
    /// This market as a vault venue with cap `cap`.
    pub fn config(&self, cap: u64) -> VenueConfig {
        VenueConfig::new(
            VenueKind::LocalPerp,
            perp_venue::ID,
            self.market,
            self.margin,
            cap,
        )
    }
}

/// The fixture's oracle accounts (a free function: usable where `self` is borrowed).
pub fn oracles_of(fx: &Fixture) -> OracleAccounts {
    OracleAccounts {
        underlying: fx.oracle,
        collateral: None,
    }
}

/// Market parameters used by the tests: 5 bps fee, depth 100 000 tokens, 10 % / 5 %
/// margins, 1 % liquidation fee, no funding.
pub fn market_args(index: u16, feed_id: [u8; 32]) -> perp_venue::InitMarketArgs {
    perp_venue::InitMarketArgs {
        market_index: index,
        feed_id,
        collateral_feed_id: None,
        max_oracle_age_secs: 60,
        max_conf_bps: 200,
        taker_fee_bps: 5,
        impact_depth: 100_000 * 1_000_000_000,
        initial_margin_bps: 1_000,
        maintenance_margin_bps: 500,
        liquidation_fee_bps: 100,
        funding_rate_bps: 0,
    }
}

pub use hedge_client::venue::ix as venue_ix;

impl Fixture {
    pub fn market_pda(&self, index: u16) -> Pubkey {
        v::market(&self.feed_id, index)
    }

    pub fn margin_pda(market: &Pubkey, authority: &Pubkey) -> Pubkey {
        v::margin(market, authority)
    }

    /// Creates a market (admin = the collateral mint authority), funds its LP pool with
    /// `lp` collateral, and creates the vault's margin account.
    pub async fn create_market(&mut self, index: u16, lp: u64) -> VenueMarket {
        let args = market_args(index, self.feed_id);
        self.create_market_with(args, lp).await
    }

    /// [`Fixture::create_market`] with explicit market parameters.
    pub async fn create_market_with(&mut self, args: perp_venue::InitMarketArgs, lp: u64) -> VenueMarket {
        let index = args.market_index;
        let admin = self.mint_authority.insecure_clone();
        let market = self.market_pda(index);
        let pool = v::pool(&market);
        let init = v::init_market(admin.pubkey(), self.collateral_mint, self.token_program, args);
        self.send(&[init], &[&admin]).await.expect("init_market");
        let tp = self.token_program;
        let src = self
            .env
            .create_token_account(&self.collateral_mint, &admin.pubkey(), 0, &tp);
        let mint = self.collateral_mint;
        self.env.mint_to(&mint, &src, &admin, lp, &tp).await;
        let lp_ix = v::lp_deposit(&self.market_keys(market), admin.pubkey(), src, lp);
        self.send(&[lp_ix], &[&admin]).await.expect("lp_deposit");
        let create = v::create_margin_account(market, self.env.payer().pubkey(), self.pdas.vault);
        self.send(&[create], &[]).await.expect("create_margin_account");
        VenueMarket {
            market,
            pool,
            margin: v::margin(&market, &self.pdas.vault),
        }
    }

    /// The client's view of market `market` with the fixture's mint and oracle.
    pub fn market_keys(&self, market: Pubkey) -> v::MarketKeys {
        v::MarketKeys {
            market,
            collateral_mint: self.collateral_mint,
            token_program: self.token_program,
            oracle: self.oracle,
            collateral_oracle: None,
        }
    }

    /// Independently of the program: the vault's margin account on `m`, re-marked after a
    /// move of `stress` (fraction) either way from `price`, compared with the venue's
    /// maintenance requirement. Returns the smaller headroom (USD); ≥ 0 means the move
    /// cannot get the hedge liquidated. Collateral is the underlying (rate 1).
    pub async fn stressed_headroom_usd(&mut self, m: &VenueMarket, price: f64, stress: f64) -> f64 {
        let acc: perp_venue::state::MarginAccount = self.env.anchor_account(&m.margin).await;
        let mk: perp_venue::state::Market = self.env.anchor_account(&m.market).await;
        let unit = 10f64.powi(i32::from(mk.decimals));
        let (c, p) = (acc.collateral as f64 / unit, acc.position as f64 / unit);
        let q: f64 = acc.quote_balance().to_num();
        let mm = f64::from(mk.maintenance_margin_bps) / 1e4;
        [price * (1.0 - stress), price * (1.0 + stress)]
            .into_iter()
            .map(|s| c * s + q + p * s - mm * p.abs() * s)
            .fold(f64::INFINITY, f64::min)
    }

    /// The venue admin's `set_funding_rate` on `m` (signed by the mint authority, the
    /// tests' market admin).
    pub fn set_funding_rate_ix(&self, m: &VenueMarket, funding_rate_bps: i32) -> Instruction {
        v::set_funding_rate(
            &self.market_keys(m.market),
            self.mint_authority.pubkey(),
            funding_rate_bps,
        )
    }

    /// The venue admin's `set_market_status` on `m` (signed by the mint authority).
    pub fn set_market_status_ix(
        &self,
        m: &VenueMarket,
        status: perp_venue::state::MarketStatus,
    ) -> Instruction {
        v::set_market_status(m.market, self.mint_authority.pubkey(), status)
    }

    /// A liquidator on market `m`: a funded keypair with its own margin account (which
    /// receives the liquidation penalty).
    pub async fn liquidator(&mut self, m: &VenueMarket) -> (Keypair, Pubkey) {
        let kp = self.env.funded_keypair().await;
        let create = v::create_margin_account(m.market, self.env.payer().pubkey(), kp.pubkey());
        self.send(&[create], &[]).await.expect("create_margin_account");
        let margin = v::margin(&m.market, &kp.pubkey());
        (kp, margin)
    }

    /// The venue's permissionless `liquidate` of the vault's margin account on `m`.
    pub fn liquidate_vault_ix(
        &self,
        m: &VenueMarket,
        liquidator: &Pubkey,
        liquidator_margin: Pubkey,
    ) -> Instruction {
        let mut ix = v::liquidate(&self.market_keys(m.market), *liquidator, m.margin);
        // The liquidator's account as given (tests pass others on purpose).
        ix.accounts[3].pubkey = liquidator_margin;
        ix
    }

    /// Parameters with `markets` as venues (each capped at `cap` base units).
    pub fn params_with_venues(&self, markets: &[VenueMarket], cap: u64) -> VaultParams {
        let mut p = self.default_params();
        p.margin = MarginParams {
            min_bps: 1_500,
            target_bps: 2_500,
            max_bps: 5_000,
            stress_move_bps: 3_000,
        };
        p.venue_count = markets.len() as u8;
        for (i, m) in markets.iter().enumerate() {
            p.venues[i] = m.config(cap);
        }
        p
    }

    pub fn oracles(&self) -> OracleAccounts {
        OracleAccounts {
            underlying: self.oracle,
            collateral: None,
        }
    }

    pub fn keys(&self) -> VaultKeys {
        VaultKeys {
            collateral_mint: self.collateral_mint,
            collateral_vault: self.pdas.collateral_vault,
            token_program: self.token_program,
        }
    }

    /// `refresh_nav` for the given venue set (which may differ from the vault's, to test
    /// missing accounts).
    pub fn refresh_nav_ix(&self, markets: &[VenueMarket]) -> Instruction {
        let venues: Vec<VenueConfig> = markets.iter().map(|m| m.config(0)).collect();
        hedge_client::refresh_nav(self.pdas.vault, &venues, self.oracles())
    }

    pub fn rebalance_ix(
        &self,
        keeper: &Pubkey,
        keeper_collateral: Pubkey,
        m: &VenueMarket,
        expected_sequence: u64,
        venue_index: u8,
    ) -> Instruction {
        hedge_client::rebalance(
            self.pdas.vault,
            self.keys(),
            &m.config(0),
            &self.venues,
            self.oracles(),
            *keeper,
            keeper_collateral,
            venue_index,
            expected_sequence,
        )
    }

    pub fn rebalance_margin_ix(&self, m: &VenueMarket, venue_index: u8) -> Instruction {
        hedge_client::rebalance_margin(
            self.pdas.vault,
            self.keys(),
            &m.config(0),
            &self.venues,
            self.oracles(),
            venue_index,
        )
    }

    /// `complete_withdraw` for a hedged vault: oracle plus [program, market, margin, pool] per
    /// venue, so the program can reduce the hedge pro rata.
    pub fn complete_ix_hedged(&self, u: &crate::fixture::User, markets: &[VenueMarket]) -> Instruction {
        let mut c = self.client();
        c.venues = markets.iter().map(|m| m.config(0)).collect();
        c.complete_withdraw(&u.holder())
    }

    /// A keeper keypair with an empty collateral account for rewards.
    pub async fn keeper(&mut self) -> (Keypair, Pubkey) {
        let k = self.env.funded_keypair().await;
        let tp = self.token_program;
        let acc = self
            .env
            .create_token_account(&self.collateral_mint, &k.pubkey(), 0, &tp);
        (k, acc)
    }

    pub async fn rebalance(
        &mut self,
        keeper: &Keypair,
        reward_to: Pubkey,
        m: &VenueMarket,
        venue_index: u8,
    ) -> TxResult {
        let seq = self.vault().await.sequence;
        let ix = self.rebalance_ix(&keeper.pubkey(), reward_to, m, seq, venue_index);
        self.send(&[ix], &[keeper]).await
    }
}
