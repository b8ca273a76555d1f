//! Drift v2 on the in-process chain, for tests against a real Drift program binary
//! ([`crate::Env::with_drift`]): the admin set-up Drift's own tests would do, built from
//! the facts of its published IDL (the adapter, `hedge-drift`, has no admin instructions).
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::{pubkey, AnchorSerialize};
use anchor_spl::token::spl_token;
use hedge_drift::{self as drift, pda, Remaining, UserView};
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::pyth::{legacy_price_data_at, Quote};
use crate::{Env, TxResult};

/// Pyth's (push) oracle program: Drift v2 recognises an oracle by this owner.
pub const PYTH_PUSH_PROGRAM: Pubkey = pubkey!("FsJ3A3u2vn5cTVofAjvy6y5kwABJAqYWpe4975bi2epH");
pub const QUOTE_DECIMALS: u8 = 6;
pub const SOL_DECIMALS: u8 = 9;
/// Drift's PERCENTAGE / weight precision (1 = 10 000) and rate precision (1 = 1e6).
pub const WEIGHT_ONE: u32 = 10_000;
pub const RATE_ONE: u32 = 1_000_000;
/// `OracleSource` variants (IDL order).
pub const ORACLE_PYTH: u8 = 0;
pub const ORACLE_QUOTE_ASSET: u8 = 2;
pub const SOL_PERP: u16 = 0;
pub const SOL_SPOT: u16 = 1;

/// The Drift v2 program binary `DRIFT_PROGRAM_SO` names, or `None` after saying plainly,
/// past the test harness's capture, that the test did not run.
pub fn binary() -> Option<std::path::PathBuf> {
    match std::env::var_os("DRIFT_PROGRAM_SO") {
        Some(p) => Some(p.into()),
        None => {
            // Straight to stderr, past the test harness's capture: a skip must be seen.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "NOT RUN: no Drift v2 program binary; set DRIFT_PROGRAM_SO to one (docs/venues.md)"
            );
            None
        }
    }
}

pub fn admin_ix(name: &str, accounts: Vec<AccountMeta>, args: &impl AnchorSerialize) -> Instruction {
    let mut data = drift::discriminator(name).to_vec();
    args.serialize(&mut data).unwrap();
    Instruction {
        program_id: drift::PROGRAM_ID,
        accounts,
        data,
    }
}

pub fn name32(s: &str) -> [u8; 32] {
    let mut n = [b' '; 32];
    n[..s.len()].copy_from_slice(s.as_bytes());
    n
}

/// Drift initialised on a chain: State, USDC spot market 0, a SOL spot market 1 (for a
/// given mint: the vault's collateral in the vault test) and SOL-PERP 0 on a Pyth push
/// oracle, with immediate AMM fills allowed.
pub struct Markets {
    pub admin: Keypair,
    pub usdc: Pubkey,
    pub sol: Pubkey,
    pub oracle: Pubkey,
    /// USD per SOL the oracle shows.
    pub price: f64,
}

impl Markets {
    pub async fn start(env: &mut Env, sol: Pubkey) -> Self {
        let admin = env.funded_keypair().await;
        let usdc = env.create_mint(QUOTE_DECIMALS, &admin.pubkey(), &spl_token::ID);
        let oracle = env.next_pubkey();
        let m = Markets {
            admin,
            usdc,
            sol,
            oracle,
            price: 150.0,
        };
        m.publish(env).await;
        let a = m.admin.pubkey();
        let rent = AccountMeta::new_readonly(drift::RENT_SYSVAR, false);
        let system = AccountMeta::new_readonly(anchor_lang::system_program::ID, false);
        let token = AccountMeta::new_readonly(spl_token::ID, false);
        let init = admin_ix(
            "initialize",
            vec![
                AccountMeta::new(a, true),
                AccountMeta::new(pda::state(), false),
                AccountMeta::new_readonly(usdc, false),
                AccountMeta::new_readonly(pda::signer(), false),
                rent.clone(),
                system.clone(),
                token.clone(),
            ],
            &(),
        );
        m.admin_send(env, init).await.expect("initialize");
        for (index, mint, source, oracle, weights, name) in [
            (
                0u16,
                usdc,
                ORACLE_QUOTE_ASSET,
                Pubkey::default(),
                [WEIGHT_ONE; 4],
                "USDC",
            ),
            (
                SOL_SPOT,
                sol,
                ORACLE_PYTH,
                oracle,
                [8_000, 9_000, 12_000, 11_000],
                "SOL",
            ),
        ] {
            m.publish(env).await;
            let insurance = Pubkey::find_program_address(
                &[b"insurance_fund_vault", &index.to_le_bytes()],
                &drift::PROGRAM_ID,
            )
            .0;
            let ix = admin_ix(
                "initialize_spot_market",
                vec![
                    AccountMeta::new(pda::spot_market(index), false),
                    AccountMeta::new_readonly(mint, false),
                    AccountMeta::new(pda::spot_market_vault(index), false),
                    AccountMeta::new(insurance, false),
                    AccountMeta::new_readonly(pda::signer(), false),
                    AccountMeta::new(pda::state(), false),
                    AccountMeta::new_readonly(oracle, false),
                    AccountMeta::new(a, true),
                    rent.clone(),
                    system.clone(),
                    token.clone(),
                ],
                &(
                    RATE_ONE / 2, // optimal utilisation 50 %
                    RATE_ONE / 5, // optimal borrow rate 20 %
                    RATE_ONE,     // max borrow rate 100 %
                    source,
                    weights[0], // initial asset weight
                    weights[1], // maintenance asset weight
                    weights[2], // initial liability weight
                    weights[3], // maintenance liability weight
                    0u32,       // imf factor
                    0u32,       // liquidator fee
                    true,       // active
                    name32(name),
                ),
            );
            m.admin_send(env, ix).await.expect("initialize_spot_market");
        }
        m.publish(env).await;
        // A 50 000-SOL AMM pegged at the oracle price (PEG_PRECISION 1e6), hourly funding,
        // 20 % initial / 5 % maintenance margin (MARGIN_PRECISION 1e4).
        let reserve: u128 = 50_000 * 1_000_000_000;
        let perp = admin_ix(
            "initialize_perp_market",
            vec![
                AccountMeta::new(a, true),
                AccountMeta::new(pda::state(), false),
                AccountMeta::new(pda::perp_market(SOL_PERP), false),
                AccountMeta::new_readonly(oracle, false),
                rent.clone(),
                system.clone(),
            ],
            &(
                SOL_PERP,
                reserve,
                reserve,
                3_600i64,
                150_000_000u128,
                ORACLE_PYTH,
                2_000u32,
                500u32,
                0u32,
                true,
                name32("SOL-PERP"),
            ),
        );
        m.admin_send(env, perp).await.expect("initialize_perp_market");
        // An immediate AMM fill needs no minimum auction.
        m.set_auction_duration(env, 0).await;
        m
    }

    pub async fn admin_send(&self, env: &mut Env, ix: Instruction) -> TxResult {
        env.send(&[ix], &[&self.admin]).await
    }

    pub async fn set_auction_duration(&self, env: &mut Env, slots: u8) {
        let ix = admin_ix(
            "update_perp_auction_duration",
            vec![
                AccountMeta::new_readonly(self.admin.pubkey(), true),
                AccountMeta::new(pda::state(), false),
            ],
            &slots,
        );
        self.admin_send(env, ix)
            .await
            .expect("update_perp_auction_duration");
    }

    pub async fn set_exchange_status(&self, env: &mut Env, bits: u8) {
        let ix = admin_ix(
            "update_exchange_status",
            vec![
                AccountMeta::new_readonly(self.admin.pubkey(), true),
                AccountMeta::new(pda::state(), false),
            ],
            &bits,
        );
        self.admin_send(env, ix).await.expect("update_exchange_status");
    }

    /// Writes the oracle at the current slot (Drift counts staleness in slots).
    pub async fn publish(&self, env: &mut Env) {
        let slot = env.slot().await;
        let now = env.now().await;
        let data = legacy_price_data_at(Quote::usd(self.price, now), true, slot);
        env.set_account(&self.oracle, &PYTH_PUSH_PROGRAM, data);
    }

    pub fn oracle_price(&self) -> u64 {
        (self.price * drift::PRICE_PRECISION as f64).round() as u64
    }

    /// Every market a user with USDC and SOL deposits and a SOL-PERP position touches;
    /// `writable_spot` and `writable_perp` as the instruction needs.
    pub fn remaining(&self, writable_spot: &[u16], writable_perp: bool) -> Remaining {
        Remaining {
            oracles: vec![self.oracle],
            spot_markets: [0, SOL_SPOT]
                .into_iter()
                .map(|i| (pda::spot_market(i), writable_spot.contains(&i)))
                .collect(),
            perp_markets: vec![(pda::perp_market(SOL_PERP), writable_perp)],
        }
    }

    pub async fn user(&self, env: &mut Env, authority: &Pubkey) -> UserView {
        let acc = env.account(&pda::user(authority, 0)).await.expect("User account");
        UserView::read(&acc.owner, &acc.data).expect("a Drift User")
    }

    pub async fn health(&self, env: &mut Env) -> drift::Health {
        let state = env.account(&pda::state()).await.unwrap();
        let market = env.account(&pda::perp_market(SOL_PERP)).await.unwrap();
        drift::Health::read(&state.owner, &state.data, &market.owner, &market.data, SOL_PERP)
            .expect("Drift's State and PerpMarket")
    }

    /// Sends `ixs` signed by `signers`, after publishing a fresh price.
    pub async fn send(&self, env: &mut Env, ixs: &[Instruction], signers: &[&Keypair]) -> TxResult {
        self.publish(env).await;
        env.send(ixs, signers).await
    }
}

impl Markets {
    /// Drift's admin re-pegs the AMM at the oracle (PEG_PRECISION 1e6), so the next fill
    /// is near the new price.
    pub async fn repeg(&self, env: &mut Env) {
        self.publish(env).await;
        let ix = admin_ix(
            "repeg_amm_curve",
            vec![
                AccountMeta::new_readonly(pda::state(), false),
                AccountMeta::new(pda::perp_market(SOL_PERP), false),
                AccountMeta::new_readonly(self.oracle, false),
                AccountMeta::new_readonly(self.admin.pubkey(), true),
            ],
            &u128::from(self.oracle_price()),
        );
        self.admin_send(env, ix).await.expect("repeg_amm_curve");
    }

    /// Mainnet-like lots: 0.01 SOL orders, 0.0001 USD ticks.
    pub async fn set_step_and_tick(&self, env: &mut Env, step: u64, tick: u64) {
        let ix = admin_ix(
            "update_perp_market_step_size_and_tick_size",
            vec![
                AccountMeta::new_readonly(self.admin.pubkey(), true),
                AccountMeta::new_readonly(pda::state(), false),
                AccountMeta::new(pda::perp_market(SOL_PERP), false),
            ],
            &(step, tick),
        );
        self.admin_send(env, ix)
            .await
            .expect("update_perp_market_step_size_and_tick_size");
    }
}

/// The fixture's parameters with one venue: Drift's SOL-PERP, capped at `cap` (underlying
/// base units), with the margin bounds the venue tests use. Returns the venue and the
/// parameters to govern in.
pub fn hedged_on_drift(
    fx: &crate::fixture::Fixture,
    cap: u64,
) -> (hedge_vault::state::VenueConfig, hedge_vault::state::VaultParams) {
    use hedge_vault::state::{MarginParams, VenueConfig, VenueKind};
    let cfg = VenueConfig::new(
        VenueKind::DriftV2,
        drift::PROGRAM_ID,
        pda::perp_market(SOL_PERP),
        pda::user(&fx.pdas.vault, 0),
        cap,
    );
    let mut p = fx.default_params();
    p.venue_count = 1;
    p.venues[0] = cfg;
    p.risk.max_rebalance_units = cap;
    p.margin = MarginParams {
        min_bps: 1_000,
        target_bps: 2_500,
        max_bps: 5_000,
        stress_move_bps: 3_000,
    };
    (cfg, p)
}
