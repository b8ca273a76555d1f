//! The simulation kept alive after `hedge-sim simulate`'s run, behind the JSON-RPC
//! endpoint of `--serve` ([`crate::serve`]).
//!
//! Non-standard methods (all under `hedgeSim_`, positional parameters):
//!
//! | method | params | does |
//! |---|---|---|
//! | `hedgeSim_info` | – | addresses of the simulated deployment (vault, mints, oracle, venue markets, authority, guardian) and the current price and time |
//! | `hedgeSim_advanceTime` | `[seconds]` | moves the Clock forward and republishes the current price, so the oracle stays fresh |
//! | `hedgeSim_setPrice` | `[usd]` | publishes a new oracle price at the current time |
//! | `hedgeSim_step` | `[n]` | runs `n` automatic steps now (price, time, `check_delta`, built-in keeper) |
//! | `hedgeSim_faucet` | `[owner, amount]` | mints `amount` collateral base units to the owner's associated token account (created if missing) and tops up 1 SOL for fees |
//! | `hedgeSim_proposeAuthority` | `[new_authority]` | the simulated governance proposes `new_authority`, which then accepts with `accept_authority` (the two-step transfer) |
//! | `hedgeSim_gammaMap` | `[range, levels]` (optional, default 0.3 and 25) | the gamma-exposure map of the vault now (`hedge-research gamma-map`'s computation): at each price across ± `range`, the trade the keeper would make there and the book's dollar gamma |
use std::str::FromStr;

use anchor_lang::prelude::Pubkey;
use hedge_localnet::pyth::Quote;
use hedge_localnet::Env;
use rand::Rng;
use serde_json::{json, Value};
use solana_signer::Signer;

use crate::cmd::simulate::Sim;
use crate::serve::methods::{param, RpcError};
use crate::serve::Simulation;
use hedge_keeper::chain::local::LocalChain;
use hedge_keeper::config::WatchedVault;
use hedge_keeper::keeper::Keeper;

/// The associated token account program (bundled with solana-program-test).
pub const ASSOCIATED_TOKEN_PROGRAM: Pubkey =
    Pubkey::from_str_const("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
/// Largest faucet amount per call, in whole collateral tokens.
const FAUCET_MAX_TOKENS: u64 = 1_000_000;
/// Lamports the faucet tops a wallet up to, for transaction fees and rent.
const FAUCET_LAMPORTS: u64 = 1_000_000_000;
/// Longest single time jump (10 years).
const MAX_ADVANCE_SECS: i64 = 10 * 31_536_000;
/// Most automatic steps per `hedgeSim_step` call.
const MAX_STEPS_PER_CALL: u64 = 1_000;

/// The price feed account of Pyth's push oracle for `feed_id` on `shard`: the
/// `PriceUpdateV2` account Pyth keeps updated for sponsored feeds.
pub fn pyth_feed_account(shard: u16, feed_id: &[u8; 32]) -> Pubkey {
    Pubkey::find_program_address(
        &[&shard.to_le_bytes(), feed_id.as_ref()],
        &pyth_solana_receiver_sdk::PYTH_PUSH_ORACLE_ID,
    )
    .0
}

/// The associated token account of `owner` for `mint` under `token_program`.
pub fn associated_token_address(owner: &Pubkey, mint: &Pubkey, token_program: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(
        &[owner.as_ref(), token_program.as_ref(), mint.as_ref()],
        &ASSOCIATED_TOKEN_PROGRAM,
    )
    .0
}

/// The live simulation: chain, deployment, keeper and the price process.
pub struct Live {
    pub(crate) sim: Sim,
    pub(crate) keeper: Keeper,
    pub(crate) watched: WatchedVault,
    /// Current oracle price (USD per underlying token).
    pub(crate) price: f64,
    /// Annualised diffusion volatility of the automatic steps.
    pub(crate) sigma: f64,
    /// Simulated seconds per automatic step.
    pub(crate) step_secs: i64,
    /// Whether the built-in keeper cranks on each automatic step.
    pub(crate) internal_keeper: bool,
    pub(crate) rng: rand::rngs::StdRng,
    /// Whether the programs' own log lines may reach stdout (`--program-logs`).
    pub(crate) program_logs: bool,
}

fn pubkey_param(params: &Value, i: usize) -> Result<Pubkey, RpcError> {
    let s: String = param(params, i, "base-58 address")?;
    Pubkey::from_str(&s)
        .map_err(|_| RpcError::invalid_params(format!("Invalid param: {s} is not a valid address")))
}

impl Live {
    /// The vault address.
    pub fn vault(&self) -> Pubkey {
        self.sim.fx.pdas.vault
    }

    async fn publish(&mut self, price: f64) {
        let now = self.sim.fx.env.now().await;
        let mut q = Quote::usd(price, now);
        q.ema_price = q.price;
        self.sim.fx.set_quote(q);
        self.sim.fx.price_usd = price;
        self.price = price;
    }

    async fn info(&mut self) -> Value {
        let fx = &self.sim.fx;
        let (vault, collateral_mint, share_mint, oracle) =
            (fx.pdas.vault, fx.collateral_mint, fx.pdas.share_mint, fx.oracle);
        let (authority, guardian, token_program) =
            (fx.authority.pubkey(), fx.guardian.pubkey(), fx.token_program);
        let markets: Vec<String> = self.sim.markets.iter().map(|m| m.market.to_string()).collect();
        let now = self.sim.fx.env.now().await;
        let slot = self.sim.fx.env.slot().await;
        json!({
            "vaultProgram": hedge_vault::ID.to_string(),
            "venueProgram": perp_venue::ID.to_string(),
            "vault": vault.to_string(),
            "collateralMint": collateral_mint.to_string(),
            "shareMint": share_mint.to_string(),
            "tokenProgram": token_program.to_string(),
            "oracle": oracle.to_string(),
            "markets": markets,
            "authority": authority.to_string(),
            "guardian": guardian.to_string(),
            "priceUsd": self.price,
            "unixTime": now,
            "slot": slot,
            "stepSecs": self.step_secs,
            "internalKeeper": self.internal_keeper,
        })
    }

    /// The vault's gamma-exposure map now, by the research crate's one implementation
    /// (the program's `plan` on its own pricing, venues re-marked at each level).
    async fn gamma_map(&mut self, range: f64, levels: usize) -> Result<Value, RpcError> {
        let (address, oracles) = (self.watched.address, self.sim.fx.oracles());
        let mut chain = LocalChain {
            env: &mut self.sim.fx.env,
        };
        let fail = |e: anyhow::Error| RpcError::internal(format!("gamma map: {e:#}"));
        let s = hedge_keeper::snapshot::load(&mut chain, address, oracles)
            .await
            .map_err(fail)?;
        let accounts = hedge_research::gamma_map::venue_accounts(&mut chain, &s)
            .await
            .map_err(fail)?;
        let map =
            hedge_research::gamma_map::map(&s, &accounts, &hedge_research::gamma_map::moves(range, levels))
                .map_err(fail)?;
        serde_json::to_value(map).map_err(|e| RpcError::internal(format!("gamma map: {e}")))
    }

    async fn advance(&mut self, secs: i64) {
        self.sim.fx.env.advance(secs).await;
        let p = self.price;
        self.publish(p).await;
    }

    async fn faucet(&mut self, owner: Pubkey, amount: u64) -> Result<Value, RpcError> {
        let max = FAUCET_MAX_TOKENS.saturating_mul(10u64.saturating_pow(u32::from(self.sim.fx.decimals)));
        if amount == 0 || amount > max {
            return Err(RpcError::invalid_params(format!(
                "faucet amount must be between 1 and {max} base units"
            )));
        }
        let fx = &mut self.sim.fx;
        let (mint, tp) = (fx.collateral_mint, fx.token_program);
        let ata = associated_token_address(&owner, &mint, &tp);
        if fx.env.account(&ata).await.is_none() {
            fx.env.create_token_account_at(&ata, &mint, &owner, 0, &tp);
        }
        let authority = fx.mint_authority.insecure_clone();
        fx.env.mint_to(&mint, &ata, &authority, amount, &tp).await;
        let lamports = fx.env.account(&owner).await.map_or(0, |a| a.lamports);
        if lamports < FAUCET_LAMPORTS {
            let payer = fx.env.payer().pubkey();
            let ix = anchor_lang::solana_program::system_instruction::transfer(
                &payer,
                &owner,
                FAUCET_LAMPORTS.saturating_sub(lamports),
            );
            fx.env
                .send(&[ix], &[])
                .await
                .map_err(|e| RpcError::internal(format!("faucet transfer failed: {e}")))?;
        }
        Ok(json!({"tokenAccount": ata.to_string(), "amount": amount}))
    }

    async fn propose_authority(&mut self, new_authority: Pubkey) -> Result<Value, RpcError> {
        let fx = &mut self.sim.fx;
        let authority = fx.authority.insecure_clone();
        let ix = fx.propose_authority_ix(&authority.pubkey(), new_authority);
        fx.send(&[ix], &[&authority])
            .await
            .map_err(|e| RpcError::invalid_params(format!("propose_authority failed: {e}")))?;
        Ok(json!({"proposed": new_authority.to_string()}))
    }

    /// One automatic step: a new price on the jump-diffusion, time moving on, a
    /// `check_delta` (so the history shows where the book stood), the keeper's tick.
    pub async fn step(&mut self) -> anyhow::Result<()> {
        let dt = self.step_secs as f64 / 31_536_000.0;
        let seed: u64 = self.rng.gen();
        let next = hedge_research::backtest::generators::Generator::Merton {
            mu: 0.0,
            sigma: self.sigma,
            lambda: 4.0,
            jump_mu: -0.05,
            jump_sigma: 0.1,
        }
        .path(self.price, dt, 1, seed)[1];
        self.sim.fx.env.advance(self.step_secs).await;
        self.publish(next).await;
        let venues = self.sim.fx.venues.clone();
        let ix = hedge_client::check_delta(self.vault(), &venues, self.sim.fx.oracles());
        if let Err(e) = self.sim.fx.send(&[ix], &[]).await {
            tracing::warn!("check_delta failed: {e}");
        }
        if self.internal_keeper {
            let watched = [self.watched];
            let res = self
                .keeper
                .tick(
                    &mut LocalChain {
                        env: &mut self.sim.fx.env,
                    },
                    &watched,
                )
                .await;
            for (vault, r) in res {
                if let Err(e) = r {
                    tracing::warn!(%vault, "keeper: {e:#}");
                }
            }
        }
        Ok(())
    }
}

impl Simulation for Live {
    fn env(&mut self) -> &mut Env {
        &mut self.sim.fx.env
    }

    async fn extension(&mut self, method: &str, params: &Value) -> Option<Result<Value, RpcError>> {
        let res = match method {
            "hedgeSim_info" => Ok(self.info().await),
            "hedgeSim_advanceTime" => match param::<i64>(params, 0, "seconds") {
                Ok(secs) if (1..=MAX_ADVANCE_SECS).contains(&secs) => {
                    self.advance(secs).await;
                    Ok(self.info().await)
                }
                Ok(_) => Err(RpcError::invalid_params(format!(
                    "seconds must be between 1 and {MAX_ADVANCE_SECS}"
                ))),
                Err(e) => Err(e),
            },
            "hedgeSim_setPrice" => match param::<f64>(params, 0, "price in USD") {
                Ok(p) if p.is_finite() && p > 0.0 && p < 1e12 => {
                    self.publish(p).await;
                    Ok(self.info().await)
                }
                Ok(_) => Err(RpcError::invalid_params(
                    "price must be a positive finite number below 1e12",
                )),
                Err(e) => Err(e),
            },
            "hedgeSim_step" => match param::<u64>(params, 0, "number of steps") {
                Ok(n) if (1..=MAX_STEPS_PER_CALL).contains(&n) => {
                    let mut res = Ok(());
                    for _ in 0..n {
                        res = self.step().await;
                        if res.is_err() {
                            break;
                        }
                    }
                    match res {
                        Ok(()) => Ok(self.info().await),
                        Err(e) => Err(RpcError::internal(format!("step failed: {e:#}"))),
                    }
                }
                Ok(_) => Err(RpcError::invalid_params(format!(
                    "steps must be between 1 and {MAX_STEPS_PER_CALL}"
                ))),
                Err(e) => Err(e),
            },
            "hedgeSim_faucet" => match (
                pubkey_param(params, 0),
                param::<u64>(params, 1, "amount in base units"),
            ) {
                (Ok(owner), Ok(amount)) => self.faucet(owner, amount).await,
                (Err(e), _) | (_, Err(e)) => Err(e),
            },
            "hedgeSim_proposeAuthority" => match pubkey_param(params, 0) {
                Ok(k) => self.propose_authority(k).await,
                Err(e) => Err(e),
            },
            "hedgeSim_gammaMap" => {
                let range = if params.get(0).is_some() {
                    param::<f64>(params, 0, "range (fraction of the price)")
                } else {
                    Ok(0.3)
                };
                let levels = if params.get(1).is_some() {
                    param::<usize>(params, 1, "number of levels")
                } else {
                    Ok(25)
                };
                match (range, levels) {
                    (Ok(r), Ok(n)) if r.is_finite() && r > 0.0 && r < 0.95 && (2..=201).contains(&n) => {
                        self.gamma_map(r, n).await
                    }
                    (Ok(_), Ok(_)) => Err(RpcError::invalid_params(
                        "range must be in (0, 0.95) and levels in [2, 201]",
                    )),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                }
            }
            _ => return None,
        };
        Some(res)
    }

    async fn tick(&mut self) -> anyhow::Result<()> {
        self.step().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pyth_feed_account_matches_mainnet_sol_usd() {
        // SOL/USD's sponsored feed account on mainnet.
        let feed = pyth_solana_receiver_sdk::price_update::get_feed_id_from_hex(
            "0xef0d8b6fda2ceba41da15d4095d1da392a0d2f8ed0c6c7bc0f4cfac8c280b56d",
        )
        .unwrap();
        assert_eq!(
            pyth_feed_account(0, &feed),
            Pubkey::from_str("7UVimffxr9ow1uXYxsr4LHAcV58mLzhmwaeKvJ1pjLiE").unwrap()
        );
    }
}
