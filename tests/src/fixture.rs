//! A ready vault with roles, a collateral mint and a pull-oracle feed; its instructions
//! come from `hedge-client` with the fixture's keys ([`Fixture::client`]).
use ::hedge_vault::constants::*;
use ::hedge_vault::state::*;
use ::hedge_vault::{accounts as acc, InitializeVaultArgs};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_spl::token::spl_token;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::pyth::{set_pull_price, Quote};
use crate::{Env, TxResult};

/// Derived addresses of one vault.
pub use hedge_client::VaultPdas;

/// A depositor with a collateral account and a share account.
pub struct User {
    pub kp: Keypair,
    pub collateral: Pubkey,
    pub shares: Pubkey,
}

impl User {
    /// The user's accounts as the client takes them.
    pub fn holder(&self) -> hedge_client::Holder {
        hedge_client::Holder {
            owner: self.kp.pubkey(),
            collateral: self.collateral,
            shares: self.shares,
        }
    }
}

/// A vault on a running chain.
pub struct Fixture {
    pub env: Env,
    pub authority: Keypair,
    pub guardian: Keypair,
    pub vol_updater: Keypair,
    pub fee_recipient: Keypair,
    pub mint_authority: Keypair,
    pub token_program: Pubkey,
    pub collateral_mint: Pubkey,
    pub decimals: u8,
    pub vault_id: u64,
    pub pdas: VaultPdas,
    pub oracle: Pubkey,
    pub feed_id: [u8; 32],
    pub price_usd: f64,
    /// The vault's venues as last applied through this fixture (`apply`), appended to the
    /// instructions that read the venues.
    pub venues: Vec<hedge_vault::state::VenueConfig>,
}

/// Feed id used by the fixture's underlying.
pub const FEED_ID: [u8; 32] = [7u8; 32];

impl Fixture {
    /// A chain and an *uninitialised* vault (keys, mint and oracle ready).
    pub async fn bare(token_program: Pubkey) -> Self {
        Self::bare_on(Env::new().await, token_program).await
    }

    /// As [`Fixture::bare`] on a given chain (native or sBPF programs).
    pub async fn bare_on(mut env: Env, token_program: Pubkey) -> Self {
        let authority = env.funded_keypair().await;
        let mint_authority = env.funded_keypair().await;
        let decimals = 9;
        let collateral_mint = env.create_mint(decimals, &mint_authority.pubkey(), &token_program);
        let vault_id = 1;
        let oracle = env.next_pubkey();
        let (guardian, vol_updater, fee_recipient) =
            (env.next_keypair(), env.next_keypair(), env.next_keypair());
        let mut fx = Fixture {
            pdas: VaultPdas::derive(&collateral_mint, &authority.pubkey(), vault_id),
            env,
            authority,
            guardian,
            vol_updater,
            fee_recipient,
            mint_authority,
            token_program,
            collateral_mint,
            decimals,
            vault_id,
            oracle,
            feed_id: FEED_ID,
            price_usd: 150.0,
            venues: Vec::new(),
        };
        fx.set_price(150.0).await;
        fx
    }

    /// A chain with an initialised SPL-Token vault at 150 USD.
    pub async fn new() -> Self {
        Self::with_token_program(spl_token::ID).await
    }

    /// As [`Fixture::new`] with the given token program (Token or Token-2022).
    pub async fn with_token_program(token_program: Pubkey) -> Self {
        Self::on(Env::new().await, token_program).await
    }

    /// An initialised vault on a given chain (native or sBPF programs).
    pub async fn on(env: Env, token_program: Pubkey) -> Self {
        let mut fx = Self::bare_on(env, token_program).await;
        let args = fx.init_args();
        let res = fx
            .send(&[fx.init_ix(args)], &[&fx.authority.insecure_clone()])
            .await;
        res.expect("initialize_vault");
        fx
    }

    /// Default parameters: delta-neutral, 5 % band, no fees, 1 h timelock and delay.
    pub fn default_params(&self) -> VaultParams {
        VaultParams {
            risk: RiskParams {
                delta_target_bps: 0,
                delta_band_bps: 500,
                max_gamma_exposure_e6: u64::MAX,
                max_vega_e6: u64::MAX,
                max_theta_per_day_e6: u64::MAX,
                rebalance_cooldown_secs: 60,
                max_rebalance_units: 1_000_000_000_000,
                max_slippage_bps: 100,
                keeper_reward: 0,
                rate_bps: 0,
                carry_bps: 0,
                cost_aware_band: false,
                min_band_bps: 0,
                ww_cost_bps: 0,
                ww_risk_aversion_e6: 0,
                funding_cut_threshold_bps: 0,
                funding_cut_after_secs: 0,
                funding_cut_bps: 0,
                band_correction_enabled: false,
                band_correction_bps: [10_000; hedge_math::CORRECTION_CELLS],
            },
            fees: FeeParams::default(),
            limits: DepositLimits::new(1_000_000_000_000_000, 1, 3_600),
            vol: VolParams {
                min_sigma_bps: 1_000,
                max_sigma_bps: 30_000,
                max_step_bps: 2_000,
                min_interval_secs: 60,
            },
            oracle: OracleLimits {
                max_age_secs: 60,
                max_conf_bps: 200,
                max_ema_divergence_bps: 1_000,
            },
            guardian: self.guardian.pubkey(),
            vol_updater: self.vol_updater.pubkey(),
            fee_recipient: self.fee_recipient.pubkey(),
            timelock_secs: 3_600,
            margin: MarginParams::default(),
            venue_count: 0,
            venues: [VenueConfig::default(); MAX_VENUES],
            leg_count: 0,
            legs: [OptionLeg::default(); MAX_LEGS],
            padding: [0; 6],
        }
    }

    pub fn oracle_config(&self) -> OracleConfig {
        OracleConfig::new(
            PriceFeedConfig {
                source: OracleSource::PythPull,
                feed_id: self.feed_id,
                account: Pubkey::default(),
            },
            None,
            Pubkey::default(),
        )
    }

    pub fn init_args(&self) -> InitializeVaultArgs {
        InitializeVaultArgs {
            vault_id: self.vault_id,
            oracle: self.oracle_config(),
            params: self.default_params().core(),
            initial_sigma_bps: 8_000,
            trust_freeze_authority: false,
        }
    }

    /// The vault's instruction builders (hedge-client) with the fixture's keys, oracle and
    /// venues.
    pub fn client(&self) -> hedge_client::VaultClient {
        hedge_client::VaultClient {
            pdas: self.pdas,
            collateral_mint: self.collateral_mint,
            token_program: self.token_program,
            oracles: hedge_client::OracleAccounts {
                underlying: self.oracle,
                collateral: None,
            },
            venues: self.venues.clone(),
        }
    }

    pub fn init_accounts(&self) -> acc::InitializeVault {
        self.client().initialize_vault_accounts(self.authority.pubkey())
    }

    pub fn init_ix(&self, args: InitializeVaultArgs) -> Instruction {
        self.client().initialize_vault(self.authority.pubkey(), args)
    }

    /// Sends with the fixture's env.
    pub async fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> TxResult {
        self.env.send(ixs, signers).await
    }

    /// Publishes a fresh, fully verified price at the current time.
    pub async fn set_price(&mut self, usd: f64) {
        let now = self.env.now().await;
        self.price_usd = usd;
        let (oracle, feed) = (self.oracle, self.feed_id);
        set_pull_price(&mut self.env, &oracle, feed, Quote::usd(usd, now));
    }

    /// Publishes an arbitrary quote.
    pub fn set_quote(&mut self, q: Quote) {
        let (oracle, feed) = (self.oracle, self.feed_id);
        set_pull_price(&mut self.env, &oracle, feed, q);
    }

    /// Moves time and republishes the current price so the oracle stays fresh.
    pub async fn advance(&mut self, secs: i64) {
        self.env.advance(secs).await;
        let p = self.price_usd;
        self.set_price(p).await;
    }

    pub async fn vault(&mut self) -> Vault {
        let v = self.pdas.vault;
        self.env.anchor_account(&v).await
    }

    /// A depositor holding `collateral` base units (minted, so supply is consistent).
    pub async fn user(&mut self, collateral: u64) -> User {
        let kp = self.env.funded_keypair().await;
        let tp = self.token_program;
        let c = self
            .env
            .create_token_account(&self.collateral_mint, &kp.pubkey(), 0, &tp);
        let s = self
            .env
            .create_token_account(&self.pdas.share_mint, &kp.pubkey(), 0, &tp);
        if collateral > 0 {
            let (mint, auth) = (self.collateral_mint, self.mint_authority.insecure_clone());
            self.env.mint_to(&mint, &c, &auth, collateral, &tp).await;
        }
        User {
            kp,
            collateral: c,
            shares: s,
        }
    }

    pub fn deposit_accounts(&self, u: &User) -> acc::Deposit {
        self.client().deposit_accounts(&u.holder())
    }

    pub fn deposit_ix(&self, u: &User, amount: u64, min_shares_out: u64) -> Instruction {
        self.client().deposit(&u.holder(), amount, min_shares_out)
    }

    /// `emergency_withdraw` of `shares` (the in-kind exit once the oracle is dead).
    /// `emergency_withdraw` of `shares` (the in-kind exit once the oracle is dead).
    pub fn emergency_withdraw_ix(&self, u: &User, shares: u64, min_assets_out: u64) -> Instruction {
        self.client()
            .emergency_withdraw(&u.holder(), shares, min_assets_out)
    }

    pub async fn deposit(&mut self, u: &User, amount: u64) -> TxResult {
        let ix = self.deposit_ix(u, amount, 0);
        self.send(&[ix], &[&u.kp]).await
    }

    pub fn request_pda(&self, owner: &Pubkey) -> Pubkey {
        hedge_client::request_pda(&self.pdas.vault, owner)
    }

    pub fn request_accounts(&self, u: &User) -> acc::RequestWithdraw {
        self.client().request_withdraw_accounts(&u.holder())
    }

    pub fn request_ix(&self, u: &User, shares: u64) -> Instruction {
        self.client().request_withdraw(&u.holder(), shares)
    }

    pub async fn request(&mut self, u: &User, shares: u64) -> TxResult {
        let ix = self.request_ix(u, shares);
        self.send(&[ix], &[&u.kp]).await
    }

    pub fn complete_accounts(&self, u: &User) -> acc::CompleteWithdraw {
        self.client().complete_withdraw_accounts(&u.holder(), None)
    }

    /// `complete_withdraw` without venue accounts (what a vault without venues takes).
    pub fn complete_ix(&self, u: &User) -> Instruction {
        let mut c = self.client();
        c.venues.clear();
        c.complete_withdraw(&u.holder())
    }

    pub async fn complete(&mut self, u: &User) -> TxResult {
        let ix = self.complete_ix(u);
        self.send(&[ix], &[&u.kp]).await
    }

    pub fn cancel_accounts(&self, u: &User) -> acc::CancelWithdraw {
        self.client().cancel_withdraw_accounts(&u.holder())
    }

    pub async fn cancel(&mut self, u: &User) -> TxResult {
        let ix = self.client().cancel_withdraw(&u.holder());
        self.send(&[ix], &[&u.kp]).await
    }

    pub fn pending_pda(&self) -> Pubkey {
        hedge_client::pending_pda(&self.pdas.vault)
    }

    /// `queue_params` with the core part of `params`.
    pub fn queue_ix(&self, signer: &Pubkey, params: VaultParams) -> Instruction {
        self.queue_change_ix(signer, ParamsChange::Core(params.core()))
    }

    pub fn queue_change_ix(&self, signer: &Pubkey, change: ParamsChange) -> Instruction {
        self.client().queue_params(*signer, change)
    }

    pub fn amend_change_ix(&self, signer: &Pubkey, change: ParamsChange) -> Instruction {
        self.client().amend_params(*signer, change)
    }

    /// The changes that turn the vault's current parameters into `p` (a count above
    /// capacity is sent as is, so the program's bound checks see it).
    pub async fn changes_to(&mut self, p: VaultParams) -> Vec<ParamsChange> {
        let cur = self.vault().await.params;
        let mut out = Vec::new();
        if p.core() != cur.core() {
            out.push(ParamsChange::Core(p.core()));
        }
        let venues: Vec<_> = (0..usize::from(p.venue_count))
            .map(|i| p.venues[i % MAX_VENUES])
            .collect();
        if p.venue_count != cur.venue_count || venues.as_slice() != cur.live_venues() {
            out.push(ParamsChange::Venues(venues));
        }
        let legs: Vec<_> = (0..usize::from(p.leg_count))
            .map(|i| p.legs[i % MAX_LEGS])
            .collect();
        if p.leg_count != cur.leg_count || legs.as_slice() != cur.live_legs() {
            out.push(ParamsChange::Legs(legs));
        }
        if out.is_empty() {
            out.push(ParamsChange::Core(p.core()));
        }
        out
    }

    /// Queues `params`: the first change opens the pending set, the others amend it, each
    /// in its own transaction (as a real deployment must, for the packet limit). Returns
    /// the first failure.
    pub async fn queue(&mut self, params: VaultParams) -> TxResult {
        let a = self.authority.insecure_clone();
        let mut logs = Vec::new();
        for (i, change) in self.changes_to(params).await.into_iter().enumerate() {
            let ix = if i == 0 {
                self.queue_change_ix(&a.pubkey(), change)
            } else {
                self.amend_change_ix(&a.pubkey(), change)
            };
            logs = self.send(&[ix], &[&a]).await?;
        }
        Ok(logs)
    }

    pub fn apply_ix(&self, signer: &Pubkey) -> Instruction {
        self.client().apply_params(*signer)
    }

    pub async fn apply(&mut self) -> TxResult {
        let ix = self.apply_ix(&self.authority.pubkey());
        let a = self.authority.insecure_clone();
        // `apply_params` marks NAV itself: no `refresh_nav` needed.
        let r = self.send(&[ix], &[&a]).await;
        if r.is_ok() {
            self.sync_venues().await;
        }
        r
    }

    /// Reads the vault's venue list into [`Fixture::venues`].
    pub async fn sync_venues(&mut self) {
        self.venues = self.vault().await.params.live_venues().to_vec();
    }

    pub fn cancel_params_ix(&self, signer: &Pubkey) -> Instruction {
        self.client().cancel_params(*signer)
    }

    pub fn extend_timelock_ix(&self, signer: &Pubkey, secs: u32) -> Instruction {
        self.client().extend_timelock(*signer, secs)
    }

    pub fn propose_authority_ix(&self, signer: &Pubkey, new_authority: Pubkey) -> Instruction {
        self.client().propose_authority(*signer, new_authority)
    }

    pub fn accept_authority_ix(&self, signer: &Pubkey) -> Instruction {
        self.client().accept_authority(*signer)
    }

    pub fn set_pause_ix(&self, signer: &Pubkey, paused: u16, withdraw_only: bool) -> Instruction {
        self.client().set_pause(*signer, paused, withdraw_only)
    }

    pub fn freeze_venue_ix(&self, signer: &Pubkey, venue_index: u8) -> Instruction {
        self.client().freeze_venue(*signer, venue_index)
    }

    pub fn check_delta_ix(&self) -> Instruction {
        self.check_delta_ix_with(self.oracle, None)
    }

    pub fn check_delta_ix_with(&self, underlying: Pubkey, collateral: Option<Pubkey>) -> Instruction {
        self.client().check_delta(hedge_client::OracleAccounts {
            underlying,
            collateral,
        })
    }

    pub fn update_vol_ix(&self, signer: &Pubkey, sigma_bps: u32) -> Instruction {
        self.client().update_vol(*signer, sigma_bps)
    }

    pub fn claim_fees_ix(&self, recipient_shares: Pubkey) -> Instruction {
        self.client().claim_fees(recipient_shares)
    }

    /// Queues `params`, waits out the timelock and applies them.
    /// Queues one change, waits out the timelock and applies it.
    pub async fn govern_change(&mut self, change: ParamsChange) {
        let a = self.authority.insecure_clone();
        let ix = self.queue_change_ix(&a.pubkey(), change);
        self.send(&[ix], &[&a]).await.expect("queue_params");
        let t = i64::from(self.vault().await.params.timelock_secs);
        self.advance(t).await;
        self.apply().await.expect("apply_params");
    }

    pub async fn govern(&mut self, params: VaultParams) {
        self.queue(params).await.expect("queue_params");
        let t = i64::from(self.vault().await.params.timelock_secs);
        self.advance(t).await;
        self.apply().await.expect("apply_params");
    }
}
