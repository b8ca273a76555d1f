//! A ready vault with roles, a collateral mint, a pull-oracle feed, and instruction
//! builders for every vault instruction.
use ::hedge_vault::constants::*;
use ::hedge_vault::state::*;
use ::hedge_vault::{
    accounts as acc, instruction as ixd, AmendParamsArgs, DepositArgs, ExtendTimelockArgs,
    InitializeVaultArgs, ProposeAuthorityArgs, QueueParamsArgs, RequestWithdrawArgs, SetPauseArgs,
    UpdateVolArgs,
};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_spl::token::spl_token;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::pyth::{set_pull_price, Quote};
use crate::{vault_ix, Env, TxResult};

/// Derived addresses of one vault.
pub use hedge_vault::client::VaultPdas;

/// A depositor with a collateral account and a share account.
pub struct User {
    pub kp: Keypair,
    pub collateral: Pubkey,
    pub shares: Pubkey,
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

    pub fn init_accounts(&self) -> acc::InitializeVault {
        acc::InitializeVault {
            authority: self.authority.pubkey(),
            vault: self.pdas.vault,
            collateral_mint: self.collateral_mint,
            share_mint: self.pdas.share_mint,
            collateral_vault: self.pdas.collateral_vault,
            share_escrow: self.pdas.share_escrow,
            token_program: self.token_program,
            system_program: anchor_lang::system_program::ID,
        }
    }

    pub fn init_ix(&self, args: InitializeVaultArgs) -> Instruction {
        vault_ix(self.init_accounts(), ixd::InitializeVault { args })
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
        acc::Deposit {
            user: u.kp.pubkey(),
            vault: self.pdas.vault,
            collateral_mint: self.collateral_mint,
            share_mint: self.pdas.share_mint,
            collateral_vault: self.pdas.collateral_vault,
            share_escrow: self.pdas.share_escrow,
            user_collateral: u.collateral,
            user_shares: u.shares,
            token_program: self.token_program,
        }
    }

    pub fn deposit_ix(&self, u: &User, amount: u64, min_shares_out: u64) -> Instruction {
        vault_ix(
            self.deposit_accounts(u),
            ixd::Deposit {
                args: DepositArgs {
                    amount,
                    min_shares_out,
                },
            },
        )
    }

    /// `emergency_withdraw` of `shares` (the in-kind exit once the oracle is dead).
    pub fn emergency_withdraw_ix(&self, u: &User, shares: u64, min_assets_out: u64) -> Instruction {
        vault_ix(
            acc::EmergencyWithdraw {
                owner: u.kp.pubkey(),
                vault: self.pdas.vault,
                collateral_mint: self.collateral_mint,
                share_mint: self.pdas.share_mint,
                collateral_vault: self.pdas.collateral_vault,
                share_escrow: self.pdas.share_escrow,
                owner_shares: u.shares,
                owner_collateral: u.collateral,
                token_program: self.token_program,
            },
            ixd::EmergencyWithdraw {
                args: hedge_vault::EmergencyWithdrawArgs {
                    shares,
                    min_assets_out,
                },
            },
        )
    }

    pub async fn deposit(&mut self, u: &User, amount: u64) -> TxResult {
        let ix = self.deposit_ix(u, amount, 0);
        self.send(&[ix], &[&u.kp]).await
    }

    pub fn request_pda(&self, owner: &Pubkey) -> Pubkey {
        Pubkey::find_program_address(
            &[WITHDRAW_SEED, self.pdas.vault.as_ref(), owner.as_ref()],
            &::hedge_vault::ID,
        )
        .0
    }

    pub fn request_accounts(&self, u: &User) -> acc::RequestWithdraw {
        acc::RequestWithdraw {
            owner: u.kp.pubkey(),
            vault: self.pdas.vault,
            request: self.request_pda(&u.kp.pubkey()),
            share_mint: self.pdas.share_mint,
            share_escrow: self.pdas.share_escrow,
            collateral_vault: self.pdas.collateral_vault,
            owner_shares: u.shares,
            token_program: self.token_program,
            system_program: anchor_lang::system_program::ID,
        }
    }

    pub fn request_ix(&self, u: &User, shares: u64) -> Instruction {
        vault_ix(
            self.request_accounts(u),
            ixd::RequestWithdraw {
                args: RequestWithdrawArgs { shares },
            },
        )
    }

    pub async fn request(&mut self, u: &User, shares: u64) -> TxResult {
        let ix = self.request_ix(u, shares);
        self.send(&[ix], &[&u.kp]).await
    }

    pub fn complete_accounts(&self, u: &User) -> acc::CompleteWithdraw {
        acc::CompleteWithdraw {
            owner: u.kp.pubkey(),
            vault: self.pdas.vault,
            request: self.request_pda(&u.kp.pubkey()),
            collateral_mint: self.collateral_mint,
            share_mint: self.pdas.share_mint,
            collateral_vault: self.pdas.collateral_vault,
            share_escrow: self.pdas.share_escrow,
            owner_collateral: u.collateral,
            token_program: self.token_program,
            underlying_oracle: None,
            collateral_oracle: None,
        }
    }

    pub fn complete_ix(&self, u: &User) -> Instruction {
        vault_ix(self.complete_accounts(u), ixd::CompleteWithdraw {})
    }

    pub async fn complete(&mut self, u: &User) -> TxResult {
        let ix = self.complete_ix(u);
        self.send(&[ix], &[&u.kp]).await
    }

    pub fn cancel_accounts(&self, u: &User) -> acc::CancelWithdraw {
        acc::CancelWithdraw {
            owner: u.kp.pubkey(),
            vault: self.pdas.vault,
            request: self.request_pda(&u.kp.pubkey()),
            share_mint: self.pdas.share_mint,
            share_escrow: self.pdas.share_escrow,
            collateral_vault: self.pdas.collateral_vault,
            owner_shares: u.shares,
            token_program: self.token_program,
        }
    }

    pub async fn cancel(&mut self, u: &User) -> TxResult {
        let ix = vault_ix(self.cancel_accounts(u), ixd::CancelWithdraw {});
        self.send(&[ix], &[&u.kp]).await
    }

    pub fn pending_pda(&self) -> Pubkey {
        Pubkey::find_program_address(&[PENDING_SEED, self.pdas.vault.as_ref()], &::hedge_vault::ID).0
    }

    /// `queue_params` with the core part of `params`.
    pub fn queue_ix(&self, signer: &Pubkey, params: VaultParams) -> Instruction {
        self.queue_change_ix(signer, ParamsChange::Core(params.core()))
    }

    pub fn queue_change_ix(&self, signer: &Pubkey, change: ParamsChange) -> Instruction {
        vault_ix(
            acc::QueueParams {
                authority: *signer,
                vault: self.pdas.vault,
                pending: self.pending_pda(),
                system_program: anchor_lang::system_program::ID,
            },
            ixd::QueueParams {
                args: QueueParamsArgs { change },
            },
        )
    }

    pub fn amend_change_ix(&self, signer: &Pubkey, change: ParamsChange) -> Instruction {
        vault_ix(
            acc::AmendParams {
                authority: *signer,
                vault: self.pdas.vault,
                pending: self.pending_pda(),
            },
            ixd::AmendParams {
                args: AmendParamsArgs { change },
            },
        )
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
        let ix = vault_ix(
            acc::ApplyParams {
                authority: *signer,
                vault: self.pdas.vault,
                pending: self.pending_pda(),
                share_mint: self.pdas.share_mint,
                underlying_oracle: self.oracle,
                collateral_oracle: None,
            },
            ixd::ApplyParams {},
        );
        hedge_vault::client::with_venues(ix, &self.venues)
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
        vault_ix(
            acc::CancelParams {
                authority: *signer,
                vault: self.pdas.vault,
                pending: self.pending_pda(),
            },
            ixd::CancelParams {},
        )
    }

    pub fn extend_timelock_ix(&self, signer: &Pubkey, secs: u32) -> Instruction {
        vault_ix(
            acc::ExtendTimelock {
                authority: *signer,
                vault: self.pdas.vault,
            },
            ixd::ExtendTimelock {
                args: ExtendTimelockArgs { timelock_secs: secs },
            },
        )
    }

    pub fn propose_authority_ix(&self, signer: &Pubkey, new_authority: Pubkey) -> Instruction {
        vault_ix(
            acc::ProposeAuthority {
                authority: *signer,
                vault: self.pdas.vault,
            },
            ixd::ProposeAuthority {
                args: ProposeAuthorityArgs { new_authority },
            },
        )
    }

    pub fn accept_authority_ix(&self, signer: &Pubkey) -> Instruction {
        vault_ix(
            acc::AcceptAuthority {
                new_authority: *signer,
                vault: self.pdas.vault,
            },
            ixd::AcceptAuthority {},
        )
    }

    pub fn set_pause_ix(&self, signer: &Pubkey, paused: u16, withdraw_only: bool) -> Instruction {
        vault_ix(
            acc::SetPause {
                signer: *signer,
                vault: self.pdas.vault,
            },
            ixd::SetPause {
                args: SetPauseArgs {
                    paused,
                    withdraw_only,
                },
            },
        )
    }

    pub fn check_delta_ix(&self) -> Instruction {
        self.check_delta_ix_with(self.oracle, None)
    }

    pub fn check_delta_ix_with(&self, underlying: Pubkey, collateral: Option<Pubkey>) -> Instruction {
        hedge_vault::client::check_delta(
            self.pdas.vault,
            &self.venues,
            hedge_vault::client::OracleAccounts {
                underlying,
                collateral,
            },
        )
    }

    pub fn update_vol_ix(&self, signer: &Pubkey, sigma_bps: u32) -> Instruction {
        vault_ix(
            acc::UpdateVol {
                vol_updater: *signer,
                vault: self.pdas.vault,
            },
            ixd::UpdateVol {
                args: UpdateVolArgs { sigma_bps },
            },
        )
    }

    pub fn claim_fees_ix(&self, recipient_shares: Pubkey) -> Instruction {
        vault_ix(
            acc::ClaimFees {
                vault: self.pdas.vault,
                share_mint: self.pdas.share_mint,
                collateral_vault: self.pdas.collateral_vault,
                share_escrow: self.pdas.share_escrow,
                recipient_shares,
                token_program: self.token_program,
            },
            ixd::ClaimFees {},
        )
    }

    /// Queues `params`, waits out the timelock and applies them.
    pub async fn govern(&mut self, params: VaultParams) {
        self.queue(params).await.expect("queue_params");
        let t = i64::from(self.vault().await.params.timelock_secs);
        self.advance(t).await;
        self.apply().await.expect("apply_params");
    }
}
