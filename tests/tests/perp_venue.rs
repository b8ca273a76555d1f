//! The perp venue's own instructions, happy paths and failure paths.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use hedge_client::venue as v;
use hedge_localnet::fixture::FEED_ID;
use hedge_localnet::pyth::{set_pull_price, Quote};
use hedge_localnet::venue::{market_args, venue_ix};
use hedge_localnet::{custom_code, events, Env, TxResult};
use hedge_math::Fix;
use perp_venue::error::VenueError;
use perp_venue::events::{Liquidated, OrderFilled, PnlSettled};
use perp_venue::state::{MarginAccount, Market};
use perp_venue::{accounts as acc, instruction as ixd};
use solana_keypair::Keypair;
use solana_signer::Signer;

const SOL: u64 = 1_000_000_000;

#[track_caller]
fn assert_venue_err(res: &TxResult, e: VenueError) {
    let want: u32 = e.into();
    assert_eq!(custom_code(res), Some(want), "expected {e:?}, got {res:?}");
}

struct Venue {
    env: Env,
    admin: Keypair,
    mint: Pubkey,
    market: Pubkey,
    oracle: Pubkey,
}

struct Trader {
    kp: Keypair,
    tokens: Pubkey,
    margin: Pubkey,
}

impl Venue {
    /// The client's view of the market.
    fn keys(&self) -> v::MarketKeys {
        v::MarketKeys {
            market: self.market,
            collateral_mint: self.mint,
            token_program: anchor_spl::token::ID,
            oracle: self.oracle,
            collateral_oracle: None,
        }
    }

    async fn new(funding_bps: i32) -> Self {
        let mut env = Env::new().await;
        let admin = env.funded_keypair().await;
        let mint = env.create_mint(9, &admin.pubkey(), &anchor_spl::token::ID);
        let oracle = Pubkey::new_unique();
        let now = env.now().await;
        set_pull_price(&mut env, &oracle, FEED_ID, Quote::usd(100.0, now));
        let market = v::market(&FEED_ID, 0);
        let mut v = Venue {
            env,
            admin,
            mint,
            market,
            oracle,
        };
        let mut args = market_args(0, FEED_ID);
        args.funding_rate_bps = funding_bps;
        let admin = v.admin.insecure_clone();
        v.env
            .send(&[v.init_ix(args)], &[&admin])
            .await
            .expect("init_market");
        let src = v
            .env
            .create_token_account(&mint, &admin.pubkey(), 0, &anchor_spl::token::ID);
        v.env
            .mint_to(&mint, &src, &admin, 10_000 * SOL, &anchor_spl::token::ID)
            .await;
        let ix = v::lp_deposit(&v.keys(), admin.pubkey(), src, 1_000 * SOL);
        v.env.send(&[ix], &[&admin]).await.expect("lp_deposit");
        v
    }

    fn init_ix(&self, args: perp_venue::InitMarketArgs) -> Instruction {
        v::init_market(self.admin.pubkey(), self.mint, anchor_spl::token::ID, args)
    }

    async fn set_price(&mut self, usd: f64) {
        let now = self.env.now().await;
        let o = self.oracle;
        set_pull_price(&mut self.env, &o, FEED_ID, Quote::usd(usd, now));
    }

    async fn trader(&mut self, collateral: u64) -> Trader {
        let kp = self.env.funded_keypair().await;
        let tokens = self
            .env
            .create_token_account(&self.mint, &kp.pubkey(), 0, &anchor_spl::token::ID);
        let admin = self.admin.insecure_clone();
        let mint = self.mint;
        self.env
            .mint_to(&mint, &tokens, &admin, 1_000 * SOL, &anchor_spl::token::ID)
            .await;
        let margin = v::margin(&self.market, &kp.pubkey());
        let create = v::create_margin_account(self.market, self.env.payer().pubkey(), kp.pubkey());
        self.env
            .send(&[create], &[])
            .await
            .expect("create_margin_account");
        let t = Trader { kp, tokens, margin };
        if collateral > 0 {
            self.deposit(&t, collateral).await.expect("deposit_margin");
        }
        t
    }

    async fn deposit(&mut self, t: &Trader, amount: u64) -> TxResult {
        let ix = v::deposit_margin(&self.keys(), t.kp.pubkey(), t.tokens, amount);
        self.env.send(&[ix], &[&t.kp]).await
    }

    async fn withdraw(&mut self, t: &Trader, amount: u64) -> TxResult {
        let ix = v::withdraw_margin(&self.keys(), t.kp.pubkey(), t.tokens, amount);
        self.env.send(&[ix], &[&t.kp]).await
    }

    fn order_ix(&self, t: &Trader, size: i64, limit: f64) -> Instruction {
        v::place_order(&self.keys(), t.kp.pubkey(), size, Fix::from_num(limit))
    }

    async fn order(&mut self, t: &Trader, size: i64, limit: f64) -> TxResult {
        let ix = self.order_ix(t, size, limit);
        self.env.send(&[ix], &[&t.kp]).await
    }

    async fn margin(&mut self, t: &Trader) -> MarginAccount {
        self.env.anchor_account(&t.margin).await
    }

    async fn market(&mut self) -> Market {
        let m = self.market;
        self.env.anchor_account(&m).await
    }

    fn settle_pnl_ix(&self, t: &Trader) -> Instruction {
        v::settle_pnl(&self.keys(), t.margin)
    }

    fn liquidate_ix(&self, victim: &Trader, liquidator: &Trader) -> Instruction {
        v::liquidate(&self.keys(), liquidator.kp.pubkey(), victim.margin)
    }
}

#[tokio::test]
async fn market_parameters_are_validated() {
    let mut v = Venue::new(0).await;
    let admin = v.admin.insecure_clone();
    for edit in [
        (|a: &mut perp_venue::InitMarketArgs| a.maintenance_margin_bps = 0)
            as fn(&mut perp_venue::InitMarketArgs),
        |a| a.initial_margin_bps = 100,
        |a| a.taker_fee_bps = 1_001,
        |a| a.liquidation_fee_bps = 600,
        |a| a.impact_depth = 0,
        |a| a.max_oracle_age_secs = 0,
    ] {
        let mut args = market_args(1, FEED_ID);
        edit(&mut args);
        assert_venue_err(
            &v.env.send(&[v.init_ix(args)], &[&admin]).await,
            VenueError::InvalidMarketParams,
        );
    }
    let mut args = market_args(1, FEED_ID);
    args.funding_rate_bps = 100_001;
    assert_venue_err(
        &v.env.send(&[v.init_ix(args)], &[&admin]).await,
        VenueError::FundingRateOutOfBounds,
    );
}

#[tokio::test]
async fn orders_fill_at_oracle_plus_fee_and_impact() {
    let mut v = Venue::new(0).await;
    let t = v.trader(100 * SOL).await;
    // 10 tokens on depth 100 000: impact 0.01 %, fee 5 bps → 100 × 1.0006.
    let ev: OrderFilled = events::one(&v.order(&t, 10 * SOL as i64, 101.0).await.unwrap());
    assert!((Fix::from_bits(ev.fill_price_fx).to_num::<f64>() - 100.06).abs() < 1e-9);
    let m = v.margin(&t).await;
    assert_eq!(m.position, 10 * SOL as i64);
    assert!((m.quote_balance().to_num::<f64>() + 1_000.6).abs() < 1e-6);
    assert_eq!(v.market().await.open_interest_long, 10 * SOL);
    // Sell half back: below the oracle.
    let ev: OrderFilled = events::one(&v.order(&t, -5 * SOL as i64, 99.0).await.unwrap());
    assert!(Fix::from_bits(ev.fill_price_fx).to_num::<f64>() < 100.0);
    assert_eq!(v.market().await.open_interest_long, 5 * SOL);
}

#[tokio::test]
async fn order_failures() {
    let mut v = Venue::new(0).await;
    let t = v.trader(10 * SOL).await;
    assert_venue_err(&v.order(&t, 0, 100.0).await, VenueError::ZeroSize);
    assert_venue_err(
        &v.order(&t, SOL as i64, 100.0).await,
        VenueError::SlippageExceeded,
    );
    assert_venue_err(
        &v.order(&t, -(SOL as i64), 100.0).await,
        VenueError::SlippageExceeded,
    );
    // 10 tokens of margin (1 000 USD) at 10 % initial margin supports 100 tokens of notional.
    assert_venue_err(
        &v.order(&t, 150 * SOL as i64, 200.0).await,
        VenueError::InsufficientMargin,
    );
    // Someone else's account.
    let other = v.trader(0).await;
    let mut ix = v.order_ix(&t, SOL as i64, 200.0);
    ix.accounts[0].pubkey = other.kp.pubkey();
    let res = v.env.send(&[ix], &[&other.kp]).await;
    assert!(res.is_err());
    // Stale and foreign oracles.
    let now = v.env.now().await;
    let o = v.oracle;
    set_pull_price(&mut v.env, &o, FEED_ID, Quote::usd(100.0, now - 120));
    assert_venue_err(&v.order(&t, SOL as i64, 200.0).await, VenueError::OracleStale);
    set_pull_price(&mut v.env, &o, [1; 32], Quote::usd(100.0, now));
    assert_venue_err(&v.order(&t, SOL as i64, 200.0).await, VenueError::OracleWrongFeed);
    v.env.set_account(
        &o,
        &Pubkey::new_unique(),
        hedge_localnet::pyth::price_update_data(FEED_ID, Quote::usd(100.0, now)),
    );
    assert_venue_err(
        &v.order(&t, SOL as i64, 200.0).await,
        VenueError::OracleWrongOwner,
    );
}

#[tokio::test]
async fn margin_deposits_and_withdrawals() {
    let mut v = Venue::new(0).await;
    let t = v.trader(0).await;
    assert_venue_err(&v.deposit(&t, 0).await, VenueError::ZeroAmount);
    v.deposit(&t, 20 * SOL).await.unwrap();
    assert_eq!(v.margin(&t).await.collateral, 20 * SOL);
    assert_venue_err(
        &v.withdraw(&t, 21 * SOL).await,
        VenueError::InsufficientCollateral,
    );
    assert_venue_err(&v.withdraw(&t, 0).await, VenueError::ZeroAmount);
    v.order(&t, 100 * SOL as i64, 200.0).await.unwrap();
    // With a 10 000 USD position, 10 % initial margin needs 1 000 USD: most margin is locked.
    assert_venue_err(&v.withdraw(&t, 15 * SOL).await, VenueError::InsufficientMargin);
    v.withdraw(&t, 5 * SOL).await.unwrap();
    assert_eq!(v.env.balance(&t.tokens).await, 985 * SOL);
}

#[tokio::test]
async fn funding_accrues_and_settles() {
    let mut v = Venue::new(3_650).await; // 36.5 % per year: 0.1 % per day
    let long = v.trader(100 * SOL).await;
    let short = v.trader(100 * SOL).await;
    v.order(&long, 10 * SOL as i64, 200.0).await.unwrap();
    v.order(&short, -10 * SOL as i64, 50.0).await.unwrap();
    let ql = v.margin(&long).await.quote_balance();
    let qs = v.margin(&short).await.quote_balance();
    v.env.advance(86_400).await;
    v.set_price(100.0).await;
    for t in [&long, &short] {
        let ix = venue_ix(
            acc::SettleFunding {
                market: v.market,
                margin_account: t.margin,
                oracle: v.oracle,
            },
            ixd::SettleFunding {},
        );
        v.env.send(&[ix], &[]).await.unwrap();
    }
    // 10 tokens × 100 USD × 0.1 % = 1 USD per day.
    let paid = (ql - v.margin(&long).await.quote_balance()).to_num::<f64>();
    let got = (v.margin(&short).await.quote_balance() - qs).to_num::<f64>();
    assert!((paid - 1.0).abs() < 1e-6, "{paid}");
    assert!((got - 1.0).abs() < 1e-6, "{got}");
    // Admin-only rate changes.
    let ix = venue_ix(
        acc::SetFundingRate {
            admin: long.kp.pubkey(),
            market: v.market,
            oracle: v.oracle,
        },
        ixd::SetFundingRate {
            args: perp_venue::SetFundingRateArgs { funding_rate_bps: 0 },
        },
    );
    assert_venue_err(&v.env.send(&[ix], &[&long.kp]).await, VenueError::NotAdmin);
}

#[tokio::test]
async fn pnl_settles_against_the_lp_pool() {
    let mut v = Venue::new(0).await;
    let t = v.trader(50 * SOL).await;
    v.order(&t, 10 * SOL as i64, 200.0).await.unwrap();
    v.set_price(120.0).await;
    let lp_before = v.market().await.lp_collateral;
    let ev: PnlSettled = events::one(&v.env.send(&[v.settle_pnl_ix(&t)], &[]).await.unwrap());
    // ≈ 10 × (120 − 100.06) = 199.4 USD = 1.66 tokens at 120.
    assert!(ev.collateral_delta > 0);
    assert!(
        (ev.collateral_delta as f64 / 1e9 - 199.4 / 120.0).abs() < 1e-3,
        "{}",
        ev.collateral_delta
    );
    assert_eq!(
        v.market().await.lp_collateral,
        lp_before - ev.collateral_delta as u64
    );
    // A loss goes the other way.
    v.set_price(90.0).await;
    let ev: PnlSettled = events::one(&v.env.send(&[v.settle_pnl_ix(&t)], &[]).await.unwrap());
    assert!(ev.collateral_delta < 0);
}

#[tokio::test]
async fn unhealthy_accounts_are_liquidated() {
    let mut v = Venue::new(0).await;
    let victim = v.trader(11 * SOL).await;
    let liq = v.trader(SOL).await;
    v.order(&victim, 100 * SOL as i64, 200.0).await.unwrap();
    assert_venue_err(
        &v.env.send(&[v.liquidate_ix(&victim, &liq)], &[&liq.kp]).await,
        VenueError::NotLiquidatable,
    );
    // Liquidating into the same account: Anchor refuses the duplicate mutable account.
    let res = v
        .env
        .send(&[v.liquidate_ix(&victim, &victim)], &[&victim.kp])
        .await;
    assert_eq!(
        custom_code(&res),
        Some(u32::from(
            anchor_lang::error::ErrorCode::ConstraintDuplicateMutableAccount
        ))
    );
    // Price −7 %: equity ≈ 11·93 − 700 − fees ≈ 317 < 5 % of 9 300 = 465.
    v.set_price(93.0).await;
    let ev: Liquidated = events::one(
        &v.env
            .send(&[v.liquidate_ix(&victim, &liq)], &[&liq.kp])
            .await
            .unwrap(),
    );
    assert_eq!(ev.closed, 100 * SOL as i64);
    assert_eq!(v.margin(&victim).await.position, 0);
    assert!(
        v.margin(&liq).await.quote_balance() > Fix::ZERO,
        "liquidator paid"
    );
    assert_eq!(v.market().await.open_interest_long, 0);
}

/// Audit finding 2 applied to the venue's own oracle reads (tests/tests/audit.rs maps the
/// vault's side): monotonic publish times per market, no future updates, and liquidation
/// only outside the confidence interval.
#[tokio::test]
async fn f2_the_venue_refuses_older_and_future_updates() {
    let mut v = Venue::new(0).await;
    let t = v.trader(100 * SOL).await;
    let now = v.env.now().await;
    let o = v.oracle;
    set_pull_price(&mut v.env, &o, FEED_ID, Quote::usd(100.0, now));
    v.order(&t, SOL as i64, 200.0).await.unwrap();
    set_pull_price(&mut v.env, &o, FEED_ID, Quote::usd(100.0, now - 5));
    assert_venue_err(
        &v.order(&t, SOL as i64, 200.0).await,
        VenueError::OracleOlderThanSeen,
    );
    set_pull_price(&mut v.env, &o, FEED_ID, Quote::usd(100.0, now + 30));
    assert_venue_err(
        &v.order(&t, SOL as i64, 200.0).await,
        VenueError::OraclePublishTimeInFuture,
    );
    set_pull_price(&mut v.env, &o, FEED_ID, Quote::usd(100.0, now));
    v.order(&t, SOL as i64, 200.0).await.unwrap();
    assert_eq!(v.market().await.last_publish_time, now);
}

#[tokio::test]
async fn f2_the_venue_liquidates_only_outside_the_confidence_interval() {
    let mut v = Venue::new(0).await;
    let victim = v.trader(11 * SOL).await;
    let liq = v.trader(SOL).await;
    v.order(&victim, 100 * SOL as i64, 200.0).await.unwrap();
    // 93 is below maintenance (see `unhealthy_accounts_are_liquidated`), but with a 2 %
    // confidence the account may be worth 94.86, above it: not liquidated on the noise.
    let now = v.env.now().await;
    let o = v.oracle;
    let mut q = Quote::usd(93.0, now);
    q.conf = q.price.unsigned_abs() / 50;
    set_pull_price(&mut v.env, &o, FEED_ID, q);
    assert_venue_err(
        &v.env.send(&[v.liquidate_ix(&victim, &liq)], &[&liq.kp]).await,
        VenueError::NotLiquidatable,
    );
    // The same price known precisely: liquidated.
    set_pull_price(&mut v.env, &o, FEED_ID, Quote::usd(93.0, now));
    let ev: Liquidated = events::one(
        &v.env
            .send(&[v.liquidate_ix(&victim, &liq)], &[&liq.kp])
            .await
            .unwrap(),
    );
    assert_eq!(ev.closed, 100 * SOL as i64);
}

/// The admin's circuit breaker: paused refuses every instruction that touches a margin
/// account (orders, margin, settlements, liquidation); reduce-only accepts only orders that
/// shrink a position without crossing zero; only the admin sets it.
#[tokio::test]
async fn market_status_pauses_and_reduces() {
    use perp_venue::state::MarketStatus;
    let mut v = Venue::new(0).await;
    let t = v.trader(100 * SOL).await;
    let other = v.trader(100 * SOL).await;
    v.order(&t, -10 * SOL as i64, 90.0).await.expect("short");
    let set = |v: &Venue, signer: Pubkey, status| v::set_market_status(v.market, signer, status);

    // Only the admin.
    let ix = set(&v, t.kp.pubkey(), MarketStatus::Paused);
    assert_venue_err(&v.env.send(&[ix], &[&t.kp]).await, VenueError::NotAdmin);

    let admin = v.admin.insecure_clone();
    let ix = set(&v, admin.pubkey(), MarketStatus::Paused);
    v.env.send(&[ix], &[&admin]).await.expect("pause");
    assert_eq!(v.market().await.status, MarketStatus::Paused);
    let before = v.margin(&t).await;
    assert_venue_err(&v.order(&t, SOL as i64, 110.0).await, VenueError::MarketPaused);
    assert_venue_err(&v.deposit(&t, SOL).await, VenueError::MarketPaused);
    assert_venue_err(&v.withdraw(&t, SOL).await, VenueError::MarketPaused);
    let ix = v.settle_pnl_ix(&t);
    assert_venue_err(&v.env.send(&[ix], &[]).await, VenueError::MarketPaused);
    let ix = v::settle_funding(&v.keys(), t.margin);
    assert_venue_err(&v.env.send(&[ix], &[]).await, VenueError::MarketPaused);
    let ix = v.liquidate_ix(&t, &other);
    assert_venue_err(&v.env.send(&[ix], &[&other.kp]).await, VenueError::MarketPaused);
    // Nothing moved.
    let after = v.margin(&t).await;
    assert_eq!(
        (after.position, after.collateral),
        (before.position, before.collateral)
    );

    let ix = set(&v, admin.pubkey(), MarketStatus::ReduceOnly);
    v.env.send(&[ix], &[&admin]).await.expect("reduce-only");
    // Growing the short, opening a new position and crossing zero are refused.
    assert_venue_err(
        &v.order(&t, -(SOL as i64), 90.0).await,
        VenueError::MarketReduceOnly,
    );
    assert_venue_err(
        &v.order(&other, SOL as i64, 110.0).await,
        VenueError::MarketReduceOnly,
    );
    assert_venue_err(
        &v.order(&t, 11 * SOL as i64, 110.0).await,
        VenueError::MarketReduceOnly,
    );
    // Shrinking and closing are accepted; margin moves again.
    v.order(&t, 4 * SOL as i64, 110.0).await.expect("reduce");
    v.order(&t, 6 * SOL as i64, 110.0).await.expect("close");
    assert_eq!(v.margin(&t).await.position, 0);
    v.withdraw(&t, SOL).await.expect("withdraw while reduce-only");

    let ix = set(&v, admin.pubkey(), MarketStatus::Active);
    v.env.send(&[ix], &[&admin]).await.expect("re-open");
    v.order(&other, SOL as i64, 110.0).await.expect("open again");
}
