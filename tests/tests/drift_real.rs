//! The Drift v2 adapter (`hedge-drift`) against a real Drift v2 program binary, loaded
//! into program-test at Drift's address.
//!
//! Runs when `DRIFT_PROGRAM_SO` names a Drift v2 `.so` (never committed; how to obtain one:
//! docs/venues.md, "Against the real program"). Without it, each test prints NOT RUN and
//! passes: it did not run, and says so.
//!
//! The set-up builds Drift's admin instructions here, from the facts of its published IDL
//! (the adapter itself has no admin instructions); every user instruction comes from the
//! adapter. Outcomes are checked against independent arithmetic: what a 1-SOL short
//! must gain or lose over a known price move, and the token balances that come back.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_spl::token::spl_token;
use hedge_client::{with_accounts, DriftSupport};
use hedge_drift::{self as drift, pda, MarginAccounts, OrderParams, UserView};
use hedge_localnet::drift::*;
use hedge_localnet::fixture::Fixture;
use hedge_localnet::{assert_vault_err, Env, Programs};
use hedge_vault::error::VaultError;
use hedge_vault::events::DeferredOrderPlaced;
use solana_signer::Signer;

/// Tokens (mint base units) behind a spot position: scaled balance (1e9) × the
/// market's cumulative deposit interest (1e10, untouched in a fresh market) at the
/// mint's decimals. Independent of the adapter: Drift's documented precisions.
fn tokens(scaled_balance: u64, decimals: u8) -> f64 {
    scaled_balance as f64 / 1e9 * 10f64.powi(i32::from(decimals))
}

/// `authority`'s margin at spot market `market`, moved through `token_account`.
fn margin(authority: Pubkey, market: u16, token_account: Pubkey) -> MarginAccounts {
    MarginAccounts {
        authority,
        sub_account_id: 0,
        market_index: market,
        token_account,
        token_program: spl_token::ID,
    }
}

#[tokio::test]
async fn a_hedge_cycle_runs_against_the_real_drift_program() {
    let Some(so) = binary() else { return };
    let mut env = Env::with_drift(&so).await;
    let mint_admin = env.funded_keypair().await;
    let sol = env.create_mint(SOL_DECIMALS, &mint_admin.pubkey(), &spl_token::ID);
    let mut d = Markets::start(&mut env, sol).await;
    assert_eq!(d.health(&mut env).await.status(), drift::VenueStatus::Active);

    // A trader (the vault's PDA in production; a keypair here) opens its account; a
    // separate payer pays, as the vault's keeper would.
    let trader = env.funded_keypair().await;
    let t = trader.pubkey();
    let payer = env.payer().pubkey();
    // Drift before 2.5x wants the authority's signature here; later versions do not
    // (their IDL marks it read-only). A signature where none is needed is harmless, and
    // the vault's PDA signs its CPIs anyway.
    let mut init = [
        drift::initialize_user_stats(t, payer),
        drift::initialize_user(t, payer, 0, name32("hedge vault")),
    ];
    for ix in &mut init {
        for m in ix.accounts.iter_mut().filter(|m| m.pubkey == t) {
            m.is_signer = true;
        }
    }
    env.send(&init, &[&trader])
        .await
        .expect("initialize_user_stats + initialize_user");

    // Margin: 10 000 USDC and 10 SOL (the collateral's own market).
    let usdc_ata = env.create_token_account(&d.usdc, &t, 10_000_000_000, &spl_token::ID);
    let sol_ata = env.create_token_account(&d.sol, &t, 10_000_000_000, &spl_token::ID);
    for (market, ata, amount) in [
        (0u16, usdc_ata, 10_000_000_000u64),
        (SOL_SPOT, sol_ata, 10_000_000_000),
    ] {
        let ix = drift::deposit(&margin(t, market, ata), amount, &d.remaining(&[market], false));
        d.send(&mut env, &[ix], &[&trader]).await.expect("deposit");
    }
    assert_eq!(env.balance(&usdc_ata).await, 0);
    assert_eq!(env.balance(&sol_ata).await, 0);
    let user = d.user(&mut env, &t).await;
    let spot = |u: &UserView, m: u16| u.spot.iter().find(|p| p.market_index == m).copied().unwrap();
    assert!((tokens(spot(&user, 0).scaled_balance, QUOTE_DECIMALS) - 10_000e6).abs() < 1.0);
    assert!((tokens(spot(&user, SOL_SPOT).scaled_balance, SOL_DECIMALS) - 10e9).abs() < 1.0);
    assert!(user.perp.is_empty());

    // Hedge: short 1 SOL now (IOC, worst price 2 % below the oracle).
    let short =
        OrderParams::ioc_at_oracle(SOL_PERP, -(drift::BASE_PRECISION), d.oracle_price(), 200).unwrap();
    let ix = drift::place_and_take_perp_order(t, 0, &short, &d.remaining(&[], true));
    d.send(&mut env, &[ix], &[&trader])
        .await
        .expect("place_and_take_perp_order");
    let user = d.user(&mut env, &t).await;
    assert_eq!(user.perp_base(SOL_PERP), -drift::BASE_PRECISION, "filled in full");
    let p = user.perp[0];
    // Selling 1 SOL at 150 ± 2 % credits 147..153 USDC, less a fee.
    let proceeds = p.quote_asset_amount as f64 / 1e6;
    assert!((146.0..=153.0).contains(&proceeds), "proceeds {proceeds}");
    assert_eq!(p.open_orders, 0, "IOC leaves nothing resting");

    // +10 %: the short loses 15 USD; settling moves it out of the USDC deposit.
    d.price = 165.0;
    let before = tokens(
        spot(&d.user(&mut env, &t).await, 0).scaled_balance,
        QUOTE_DECIMALS,
    ) / 1e6;
    let ix = drift::settle_pnl(t, 0, SOL_PERP, &d.remaining(&[0], true));
    d.send(&mut env, &[ix], &[&trader]).await.expect("settle_pnl");
    let after = tokens(
        spot(&d.user(&mut env, &t).await, 0).scaled_balance,
        QUOTE_DECIMALS,
    ) / 1e6;
    let loss = before - after;
    let expected = 165.0 - proceeds;
    assert!(
        (loss - expected).abs() < 0.05,
        "settled loss {loss}, expected {expected}"
    );

    // Async: an auction order rests until Drift's keepers fill it; cancel it.
    d.set_auction_duration(&mut env, 10).await;
    let now = env.now().await;
    let resting = OrderParams::auction_at_oracle(
        SOL_PERP,
        drift::BASE_PRECISION / 2,
        d.oracle_price(),
        100,
        10,
        now + 60,
    )
    .unwrap();
    let ix = drift::place_perp_order(t, 0, &resting, &d.remaining(&[], false));
    d.send(&mut env, &[ix], &[&trader])
        .await
        .expect("place_perp_order");
    let p = d.user(&mut env, &t).await.perp[0];
    assert_eq!((p.open_orders, p.open_bids), (1, drift::BASE_PRECISION / 2));
    assert_eq!(p.base_asset_amount, -drift::BASE_PRECISION, "not filled yet");
    let ix = drift::cancel_orders(t, 0, SOL_PERP, &d.remaining(&[], false));
    d.send(&mut env, &[ix], &[&trader]).await.expect("cancel_orders");
    let p = d.user(&mut env, &t).await.perp[0];
    assert_eq!((p.open_orders, p.open_bids), (0, 0));
    d.set_auction_duration(&mut env, 0).await;

    // A paused venue is read from Drift's own bits, and Drift does refuse the order.
    d.set_exchange_status(&mut env, drift::exchange::FILL_PAUSED)
        .await;
    assert_eq!(d.health(&mut env).await.status(), drift::VenueStatus::Paused);
    let close = OrderParams::ioc_at_oracle(SOL_PERP, drift::BASE_PRECISION, d.oracle_price(), 200).unwrap();
    let ix = drift::place_and_take_perp_order(t, 0, &close, &d.remaining(&[], true));
    let refused = d.send(&mut env, &[ix], &[&trader]).await;
    assert!(refused.is_err(), "Drift refuses an order while fills are paused");
    assert_eq!(
        d.user(&mut env, &t).await.perp_base(SOL_PERP),
        -drift::BASE_PRECISION
    );
    d.set_exchange_status(&mut env, 0).await;
    assert_eq!(d.health(&mut env).await.status(), drift::VenueStatus::Active);

    // Unwind: buy back, settle, withdraw everything. The fill is at the venue's price
    // (this fresh AMM is still pegged near 150, so the buy-back is cheap): what the
    // round trip costs is read from the quote amounts Drift books.
    let quote_before = d.user(&mut env, &t).await.perp[0].quote_asset_amount;
    let close = OrderParams::ioc_at_oracle(SOL_PERP, drift::BASE_PRECISION, d.oracle_price(), 200).unwrap();
    let ix = drift::place_and_take_perp_order(t, 0, &close, &d.remaining(&[], true));
    d.send(&mut env, &[ix], &[&trader]).await.expect("close");
    let closed = d.user(&mut env, &t).await;
    assert_eq!(closed.perp_base(SOL_PERP), 0);
    let buy_cost = (quote_before - closed.perp.first().map_or(0, |p| p.quote_asset_amount)) as f64 / 1e6;
    // The IOC's worst price is the oracle + 2 %.
    assert!((140.0..=165.0 * 1.02).contains(&buy_cost), "buy-back {buy_cost}");
    let ix = drift::settle_pnl(t, 0, SOL_PERP, &d.remaining(&[0], true));
    // A profit may be short of the P&L pool; a loss always settles. Either way the
    // deposit below is what comes back.
    let _ = d.send(&mut env, &[ix], &[&trader]).await;
    for (market, ata) in [(SOL_SPOT, sol_ata), (0u16, usdc_ata)] {
        let user = d.user(&mut env, &t).await;
        let Some(p) = user.spot.iter().find(|p| p.market_index == market) else {
            continue;
        };
        let decimals = if market == 0 { QUOTE_DECIMALS } else { SOL_DECIMALS };
        let amount = tokens(p.scaled_balance, decimals).floor() as u64;
        let ix = drift::withdraw(&margin(t, market, ata), amount, &d.remaining(&[market], false));
        d.send(&mut env, &[ix], &[&trader]).await.expect("withdraw");
    }
    let sol_back = env.balance(&sol_ata).await as f64 / 1e9;
    let usdc_back = env.balance(&usdc_ata).await as f64 / 1e6;
    assert!((sol_back - 10.0).abs() < 1e-6, "SOL back {sol_back}");
    // Cash in = cash out: the deposit, plus what the short sold for, minus what buying it
    // back cost (fees inside both), to the micro-dollar rounding of the withdrawal.
    let expected = 10_000.0 + proceeds - buy_cost;
    assert!(
        (usdc_back - expected).abs() < 2e-6,
        "USDC back {usdc_back}, expected {expected} (sold {proceeds}, bought back {buy_cost})"
    );
    eprintln!("Drift round trip: sold 1 SOL for {proceeds:.6}, bought back for {buy_cost:.6}; {usdc_back:.6} USDC back");
}

const SOL: u64 = 1_000_000_000;

/// The users' net position against Drift's AMM (`amm.base_asset_amount_with_amm`,
/// BASE_PRECISION), read from the raw `PerpMarket` at its IDL offset: Drift's own count,
/// independent of the vault's `User` reader.
async fn amm_net_users(env: &mut Env) -> i128 {
    let acc = env.account(&pda::perp_market(SOL_PERP)).await.unwrap();
    i128::from_le_bytes(acc.data[336..352].try_into().unwrap())
}

/// The vault's dollar value, computed here from raw balances: every collateral token it
/// owns (its token account and the Drift spot vault, which only the vault uses here) at
/// `price`, plus the perp position's P&L from Drift's raw quote and base amounts.
async fn dollar_value(env: &mut Env, vault: &Pubkey, collateral_vault: &Pubkey, price: f64) -> f64 {
    let tokens = env.balance(collateral_vault).await + env.balance(&pda::spot_market_vault(SOL_SPOT)).await;
    let user = env.account(&pda::user(vault, 0)).await;
    let market = env.account(&pda::perp_market(SOL_PERP)).await.unwrap().data;
    let perp = user.map_or(0.0, |u| {
        // Perp slot 0 (the vault's only market): last cumulative funding at +0, base at +8,
        // quote at +16; the market's cumulative funding (long, short) at 608 and 624.
        let i64_at = |at: usize| i64::from_le_bytes(u.data[at..at + 8].try_into().unwrap());
        let at = 424;
        let base = i64_at(at + 8) as f64 / 1e9;
        let quote = i64_at(at + 16) as f64 / 1e6;
        let side = if base >= 0.0 { 608 } else { 624 };
        let cumulative = i128::from_le_bytes(market[side..side + 16].try_into().unwrap()) as f64;
        // Funding owed: (market's cumulative − the position's) × base, at 1e9 per SOL.
        let owed = (cumulative - i64_at(at) as f64) / 1e9 * base;
        base * price + quote - owed
    });
    tokens as f64 / 1e9 * price + perp
}

fn budget() -> Instruction {
    // A vault instruction that CPIs into Drift needs more than the default 200 k.
    solana_compute_budget_interface::ComputeBudgetInstruction::set_compute_unit_limit(1_400_000)
}

#[tokio::test]
async fn the_vault_hedges_through_the_real_drift_program() {
    let Some(so) = binary() else { return };
    vault_cycle(&so, Programs::Native).await;
}

/// The same cycle with the vault's sBPF build (`scripts/build-sbf.sh`): the Drift adapter
/// as it runs on chain, and the compute units of each transaction (vault + Drift).
#[tokio::test]
async fn the_sbf_vault_hedges_through_the_real_drift_program() {
    let Some(so) = binary() else { return };
    let Some(deploy) = hedge_localnet::sbf_build() else {
        return;
    };
    let units = vault_cycle(&so, Programs::Sbf(deploy)).await;
    let mut table = String::from("| transaction | compute units (vault + Drift) |\n|---|---|\n");
    for (name, cu) in &units {
        assert!(*cu > 0, "{name}: sBPF reports units");
        table.push_str(&format!("| {name} | {cu} |\n"));
    }
    eprintln!("{table}");
}

/// A vault hedged on Drift's SOL-PERP (cap 1 000 SOL, Drift's SOL spot market taking the
/// vault's collateral, 0.01-SOL lots and 0.0001-USD ticks), its parameters edited by `edit`
/// and governed in, with the support accounts its instructions need there.
async fn drift_vault(
    so: &std::path::Path,
    programs: Programs,
    edit: impl FnOnce(&mut hedge_vault::state::VaultParams),
) -> (Fixture, Markets, hedge_vault::state::VenueConfig, DriftSupport) {
    let mut fx = Fixture::on(Env::with_drift_on(so, programs).await, spl_token::ID).await;
    let d = Markets::start(&mut fx.env, fx.collateral_mint).await;
    d.set_step_and_tick(&mut fx.env, SOL / 100, 100).await;
    let (cfg, mut p) = hedged_on_drift(&fx, 1_000 * SOL);
    edit(&mut p);
    fx.govern(p).await;
    let support = DriftSupport {
        perp_oracle: d.oracle,
        spot_markets: vec![(0, Pubkey::default()), (SOL_SPOT, d.oracle)],
        collateral_spot: SOL_SPOT,
    };
    (fx, d, cfg, support)
}

/// Set-up, margin, hedge, a price move, an exit, the unwind: returns each transaction's
/// compute units.
async fn vault_cycle(so: &std::path::Path, programs: Programs) -> Vec<(&'static str, u64)> {
    let mut cu: Vec<(&'static str, u64)> = Vec::new();
    let (mut fx, mut d, cfg, support) = drift_vault(so, programs, |_| {}).await;
    let vault = fx.pdas.vault;
    let read = support.metas(&vault, false);
    let write = support.metas(&vault, true);

    // The vault opens its Drift account (the keeper pays).
    let payer = fx.env.payer().pubkey();
    let open = with_accounts(
        hedge_client::open_venue_account(vault, &cfg, 0, payer),
        &DriftSupport::open_metas(&vault),
    );
    d.send(&mut fx.env, &[open], &[])
        .await
        .expect("open_venue_account");
    cu.push(("open_venue_account", fx.env.last_units));
    let user = d.user(&mut fx.env, &vault).await;
    assert_eq!(user.authority, vault);

    // A depositor brings 100 SOL: the vault is long 100 SOL of delta.
    let u = fx.user(100 * SOL).await;
    let refresh = with_accounts(hedge_client::refresh_nav(vault, &fx.venues, fx.oracles()), &read);
    let ixs = [budget(), refresh.clone(), fx.deposit_ix(&u, 100 * SOL, 0)];
    d.send(&mut fx.env, &ixs, &[&u.kp])
        .await
        .expect("refresh_nav + deposit");
    cu.push(("refresh_nav + deposit", fx.env.last_units));

    // Without Drift's State and markets the vault cannot value its account: refused.
    let bare = hedge_client::refresh_nav(vault, &fx.venues, fx.oracles());
    assert_vault_err(
        &d.send(&mut fx.env, &[bare], &[]).await,
        VaultError::VenueSupportAccountMissing,
    );

    // Margin first: collateral moves into Drift's SOL spot market.
    let margin = with_accounts(
        hedge_client::rebalance_margin_via(
            vault,
            fx.keys(),
            &cfg,
            &fx.venues,
            fx.oracles(),
            0,
            support.pool(),
        ),
        &write,
    );
    d.send(&mut fx.env, &[budget(), margin.clone()], &[])
        .await
        .expect("rebalance_margin into Drift");
    cu.push(("rebalance_margin (deposit at Drift)", fx.env.last_units));
    let at_drift = fx.env.balance(&pda::spot_market_vault(SOL_SPOT)).await;
    let at_vault = fx.env.balance(&fx.pdas.collateral_vault).await;
    assert!(at_drift > 0, "margin posted");
    assert_eq!(
        at_drift + at_vault,
        100 * SOL,
        "every token is in one place or the other"
    );
    let spot = d.user(&mut fx.env, &vault).await.spot;
    assert_eq!(spot.len(), 1);
    assert!((tokens(spot[0].scaled_balance, SOL_DECIMALS) - at_drift as f64).abs() < 1.0);

    // The hedge: a band breach, and the vault shorts through Drift.
    let (k, kc) = fx.keeper().await;
    let seq = fx.vault().await.sequence;
    let (keys, oracles, venues) = (fx.keys(), fx.oracles(), fx.venues.clone());
    let rebalance = |seq| {
        with_accounts(
            hedge_client::rebalance(vault, keys, &cfg, &venues, oracles, k.pubkey(), kc, 0, seq),
            &write,
        )
    };
    d.send(&mut fx.env, &[budget(), rebalance(seq)], &[&k])
        .await
        .expect("rebalance on Drift");
    cu.push(("rebalance (IOC short at Drift)", fx.env.last_units));
    let v = fx.vault().await;
    let drift_base = d.user(&mut fx.env, &vault).await.perp_base(SOL_PERP);
    assert!(drift_base < 0, "short at Drift");
    assert_eq!(
        v.venue_positions[0], drift_base,
        "the vault's record is Drift's position"
    );
    assert_eq!(
        i128::from(drift_base),
        amm_net_users(&mut fx.env).await,
        "and Drift's own count"
    );
    assert_eq!(drift_base % (SOL as i64 / 100), 0, "in whole 0.01-SOL lots");
    // Independent exposure: every collateral token the vault owns, plus the perp.
    let owned = fx.env.balance(&fx.pdas.collateral_vault).await
        + fx.env.balance(&pda::spot_market_vault(SOL_SPOT)).await;
    let net = owned as i64 + drift_base;
    assert!(
        net.abs() <= (5 * owned / 100) as i64,
        "net delta {net} outside the 5 % band"
    );
    assert!(
        net.abs() < (SOL / 100) as i64,
        "rebalanced to the target, to a lot: {net}"
    );

    // Drift pauses fills: the vault reads it from Drift's own bits and refuses before any
    // CPI, with its own error (the logs show no Drift invocation).
    d.set_exchange_status(&mut fx.env, drift::exchange::FILL_PAUSED)
        .await;
    let r = d.send(&mut fx.env, &[budget(), margin.clone()], &[]).await;
    assert_vault_err(&r, VaultError::VenuePaused);
    let vault_id = hedge_vault::ID.to_string();
    assert!(
        fx.env.last_logs.iter().any(|l| l.contains(&vault_id)),
        "the failed transaction's logs are there"
    );
    assert!(
        !fx.env
            .last_logs
            .iter()
            .any(|l| l.contains("dRiftyHA39MWEi3m9aunc5MzRF1JYuBsbn6VPcn33UH invoke")),
        "nothing was sent to Drift"
    );
    d.set_exchange_status(&mut fx.env, 0).await;

    // +10 %, and Drift's AMM re-pegged to it: dollars stay put.
    let before = dollar_value(&mut fx.env, &vault, &fx.pdas.collateral_vault, 150.0).await;
    fx.set_price(165.0).await;
    d.price = 165.0;
    d.repeg(&mut fx.env).await;
    let after = dollar_value(&mut fx.env, &vault, &fx.pdas.collateral_vault, 165.0).await;
    assert!(
        (after - before).abs() < 0.001 * before,
        "dollar value {before} → {after}"
    );
    // What the program marks matches the raw computation.
    d.send(&mut fx.env, &[budget(), refresh.clone()], &[])
        .await
        .expect("refresh_nav");
    cu.push(("refresh_nav", fx.env.last_units));
    let v = fx.vault().await;
    let program_usd = (v.total_collateral as f64 + v.hedge_equity as f64) / 1e9 * 165.0;
    assert!(
        (program_usd - after).abs() < 0.01,
        "program {program_usd}, raw {after}"
    );

    // A depositor leaves with 60 % of the shares: the exit buys back its share of the
    // short at Drift and brings back the margin the vault's token account lacks.
    let shares = fx.env.balance(&u.shares).await;
    let exit = shares * 6 / 10;
    let ixs = [budget(), refresh.clone(), fx.request_ix(&u, exit)];
    d.send(&mut fx.env, &ixs, &[&u.kp])
        .await
        .expect("request_withdraw");
    let delay = i64::from(fx.vault().await.params.limits.withdrawal_delay_secs);
    fx.advance(delay + 1).await;
    let usd_before_exit = dollar_value(&mut fx.env, &vault, &fx.pdas.collateral_vault, 165.0).await;
    let held = fx.env.balance(&u.collateral).await;
    let complete = with_accounts(
        fx.client().complete_withdraw_via(&u.holder(), &[support.pool()]),
        &write,
    );
    d.send(&mut fx.env, &[budget(), refresh.clone(), complete], &[&u.kp])
        .await
        .expect("complete_withdraw through Drift");
    cu.push((
        "refresh_nav + complete_withdraw (buy-back, margin recall)",
        fx.env.last_units,
    ));
    let paid = fx.env.balance(&u.collateral).await - held;
    let paid_usd = paid as f64 / 1e9 * 165.0;
    let usd_after_exit = dollar_value(&mut fx.env, &vault, &fx.pdas.collateral_vault, 165.0).await;
    // The leaver took 60 % of the dollars (less the exit's own trading cost and the
    // vault's conservative valuation); who stays keeps the rest.
    assert!(
        paid_usd <= 0.6 * usd_before_exit && paid_usd > 0.6 * usd_before_exit * 0.995,
        "paid {paid_usd} of {usd_before_exit}"
    );
    assert!((usd_before_exit - paid_usd - usd_after_exit).abs() < 0.003 * usd_before_exit);
    let drift_base = d.user(&mut fx.env, &vault).await.perp_base(SOL_PERP);
    assert_eq!(fx.vault().await.venue_positions[0], drift_base);
    assert_eq!(i128::from(drift_base), amm_net_users(&mut fx.env).await);
    assert!(
        (drift_base + 40 * SOL as i64).abs() <= SOL as i64 / 100,
        "40 % of the short left: {drift_base}"
    );
    let owned = fx.env.balance(&fx.pdas.collateral_vault).await
        + fx.env.balance(&pda::spot_market_vault(SOL_SPOT)).await;
    assert_eq!(owned + paid, 100 * SOL, "every token accounted for");

    // Unwind: governance winds the venue down (cap 0), the keeper's next rebalance closes
    // the short at Drift, and margin comes back.
    let mut p = fx.vault().await.params;
    p.venues[0].cap_units = 0;
    fx.queue(p).await.expect("queue cap 0");
    let t = i64::from(fx.vault().await.params.timelock_secs);
    fx.advance(t).await;
    let apply = with_accounts(fx.apply_ix(&fx.authority.pubkey()), &read);
    let a = fx.authority.insecure_clone();
    d.send(&mut fx.env, &[budget(), apply], &[&a])
        .await
        .expect("apply cap 0");
    fx.sync_venues().await;
    let seq = fx.vault().await.sequence;
    d.send(&mut fx.env, &[budget(), rebalance(seq)], &[&k])
        .await
        .expect("forced reduction at Drift");
    cu.push(("rebalance (forced reduction at Drift)", fx.env.last_units));
    assert_eq!(d.user(&mut fx.env, &vault).await.perp_base(SOL_PERP), 0);
    assert_eq!(fx.vault().await.venue_positions[0], 0);
    assert_eq!(amm_net_users(&mut fx.env).await, 0);
    // With no position, margin beyond what backs the unsettled P&L comes home.
    let (at_vault, at_drift) = (
        fx.env.balance(&fx.pdas.collateral_vault).await,
        fx.env.balance(&pda::spot_market_vault(SOL_SPOT)).await,
    );
    d.send(&mut fx.env, &[budget(), margin.clone()], &[])
        .await
        .expect("rebalance_margin out of Drift");
    cu.push(("rebalance_margin (withdraw from Drift)", fx.env.last_units));
    let back = fx.env.balance(&fx.pdas.collateral_vault).await - at_vault;
    assert!(back > 0, "margin recalled");
    assert_eq!(
        fx.env.balance(&pda::spot_market_vault(SOL_SPOT)).await,
        at_drift - back
    );
    cu
}

/// Deferred fills through the vault: `rebalance_deferred` places the hedge as a Drift
/// auction (`place_perp_order`). The order rests; the vault counts it as traded, so no
/// second order goes out; nobody may cancel it before it expires. A Drift filler fills it
/// later (`fill_perp_order` against the AMM, once the auction is over) and the vault
/// reconciles the position from its `User`, to the lot. A second auction that nobody
/// fills is cancelled by anyone once expired, and the hedge goes on with an IOC order.
#[tokio::test]
async fn the_vault_places_an_order_that_drift_fills_later() {
    let Some(so) = binary() else { return };
    deferred_cycle(&so, Programs::Native).await;
}

/// The same on the vault's sBPF build, with the compute units of the deferred steps.
#[tokio::test]
async fn the_sbf_vault_places_an_order_that_drift_fills_later() {
    let Some(so) = binary() else { return };
    let Some(deploy) = hedge_localnet::sbf_build() else {
        return;
    };
    let units = deferred_cycle(&so, Programs::Sbf(deploy)).await;
    let mut table = String::from("| transaction | compute units (vault + Drift) |\n|---|---|\n");
    for (name, cu) in &units {
        assert!(*cu > 0, "{name}: sBPF reports units");
        table.push_str(&format!("| {name} | {cu} |\n"));
    }
    eprintln!("{table}");
}

/// The deferred cycle; returns the compute units of its vault instructions.
async fn deferred_cycle(so: &std::path::Path, programs: Programs) -> Vec<(&'static str, u64)> {
    let mut cu: Vec<(&'static str, u64)> = Vec::new();
    // The shortest cooldown (10 s): the order's life is the 30-second minimum, and a second
    // rebalance may follow the first before it expires (and must find nothing to order).
    let (mut fx, d, cfg, support) = drift_vault(so, programs, |p| p.risk.rebalance_cooldown_secs = 10).await;
    let vault = fx.pdas.vault;
    let (read, write) = (support.metas(&vault, false), support.metas(&vault, true));
    let payer = fx.env.payer().pubkey();
    let open = with_accounts(
        hedge_client::open_venue_account(vault, &cfg, 0, payer),
        &DriftSupport::open_metas(&vault),
    );
    d.send(&mut fx.env, &[open], &[])
        .await
        .expect("open_venue_account");
    let u = fx.user(150 * SOL).await;
    let refresh = with_accounts(hedge_client::refresh_nav(vault, &fx.venues, fx.oracles()), &read);
    let dep = fx.deposit_ix(&u, 100 * SOL, 0);
    d.send(&mut fx.env, &[budget(), refresh.clone(), dep], &[&u.kp])
        .await
        .expect("refresh_nav + deposit");
    let margin = with_accounts(
        hedge_client::rebalance_margin_via(
            vault,
            fx.keys(),
            &cfg,
            &fx.venues,
            fx.oracles(),
            0,
            support.pool(),
        ),
        &write,
    );
    d.send(&mut fx.env, &[budget(), margin.clone()], &[])
        .await
        .expect("rebalance_margin into Drift");

    let (k, kc) = fx.keeper().await;
    let (keys, oracles, venues) = (fx.keys(), fx.oracles(), fx.venues.clone());
    let deferred = |seq| {
        with_accounts(
            hedge_client::rebalance_deferred(vault, &cfg, &venues, oracles, k.pubkey(), 0, seq),
            &write,
        )
    };
    let ioc = |seq| {
        with_accounts(
            hedge_client::rebalance(vault, keys, &cfg, &venues, oracles, k.pubkey(), kc, 0, seq),
            &write,
        )
    };
    let cancel = with_accounts(hedge_client::cancel_venue_orders(vault, &cfg, oracles, 0), &write);

    // The deferred hedge: an auction at Drift, nothing filled yet.
    let seq = fx.vault().await.sequence;
    let placed_at = fx.env.now().await;
    let logs = d
        .send(&mut fx.env, &[budget(), deferred(seq)], &[&k])
        .await
        .expect("rebalance_deferred");
    cu.push(("rebalance_deferred (auction at Drift)", fx.env.last_units));
    let ev: DeferredOrderPlaced = hedge_localnet::events::one(&logs);
    let p = d.user(&mut fx.env, &vault).await.perp[0];
    assert_eq!((p.base_asset_amount, p.open_orders), (0, 1), "rests, unfilled");
    let ordered = p.open_asks;
    assert_eq!(
        (ev.size, ev.pending),
        (ordered, ordered),
        "the event says what Drift holds"
    );
    assert_eq!(ev.expires_at, placed_at + 30, "the 30-second minimum life");
    assert!(ordered < 0, "a sell: {ordered}");
    assert_eq!(ordered % (SOL as i64 / 100), 0, "in whole 0.01-SOL lots");
    // Independent sizing: the vault owns 100 SOL of collateral and no perp, so the order
    // sells about 100 SOL (to the lot, within the band it aims inside).
    assert!(
        (95 * SOL as i64..=100 * SOL as i64).contains(&-ordered),
        "ordered {ordered}"
    );
    assert_eq!(fx.vault().await.venue_positions[0], 0, "no position recorded");

    // Counted as traded: a second rebalance (IOC or deferred) after the cooldown, before
    // the order expires, orders nothing more.
    fx.advance(10).await;
    let seq = fx.vault().await.sequence;
    assert_vault_err(
        &d.send(&mut fx.env, &[budget(), ioc(seq)], &[&k]).await,
        VaultError::VenueOrdersPending,
    );
    assert_vault_err(
        &d.send(&mut fx.env, &[budget(), deferred(seq)], &[&k]).await,
        VaultError::VenueOrdersPending,
    );
    // Nobody cancels it before it expires.
    assert_vault_err(
        &d.send(&mut fx.env, &[budget(), cancel.clone()], &[]).await,
        VaultError::OrdersNotExpired,
    );

    // A Drift filler fills it once its auction is over (ten slots), within its life.
    let filler = fx.env.funded_keypair().await;
    let f = filler.pubkey();
    let mut init = [
        drift::initialize_user_stats(f, payer),
        drift::initialize_user(f, payer, 0, name32("filler")),
    ];
    for ix in &mut init {
        for m in ix.accounts.iter_mut().filter(|m| m.pubkey == f) {
            m.is_signer = true;
        }
    }
    fx.env.send(&init, &[&filler]).await.expect("filler account");
    for _ in 0..12 {
        fx.env.next_slot().await;
    }
    let fill = drift::fill_perp_order(f, 0, vault, None, &d.remaining(&[], true));
    d.send(&mut fx.env, &[budget(), fill], &[&filler])
        .await
        .expect("fill_perp_order");
    let p = d.user(&mut fx.env, &vault).await.perp[0];
    assert_eq!(p.open_orders, 0, "filled in full");
    assert_eq!(p.base_asset_amount, ordered, "the whole order filled");

    // The vault learns it from Drift: the next read reconciles the position.
    d.send(&mut fx.env, &[budget(), refresh.clone()], &[])
        .await
        .expect("refresh_nav");
    let v = fx.vault().await;
    assert_eq!((v.venue_positions[0], v.hedge_position), (ordered, ordered));
    // Independent exposure from raw balances: collateral tokens owned plus the perp.
    let owned = fx.env.balance(&fx.pdas.collateral_vault).await
        + fx.env.balance(&pda::spot_market_vault(SOL_SPOT)).await;
    let net = owned as i64 + ordered;
    assert!(
        net.abs() <= (5 * owned / 100) as i64,
        "net delta {net} within the band"
    );
    // Nothing left open: cancelling finds nothing.
    assert_vault_err(
        &d.send(&mut fx.env, &[budget(), cancel.clone()], &[]).await,
        VaultError::NoOpenOrders,
    );

    // Another 50 SOL arrive: a second auction, which nobody fills.
    let dep = fx.deposit_ix(&u, 50 * SOL, 0);
    d.send(&mut fx.env, &[budget(), refresh.clone(), dep], &[&u.kp])
        .await
        .expect("second deposit");
    d.send(&mut fx.env, &[budget(), margin.clone()], &[])
        .await
        .expect("margin for the larger hedge");
    let seq = fx.vault().await.sequence;
    d.send(&mut fx.env, &[budget(), deferred(seq)], &[&k])
        .await
        .expect("second rebalance_deferred");
    let second = d.user(&mut fx.env, &vault).await.perp[0].open_asks;
    assert!(second < 0);
    // Expired: anyone cancels it, and the vault checks nothing is left open.
    fx.advance(31).await;
    d.send(&mut fx.env, &[budget(), cancel.clone()], &[])
        .await
        .expect("cancel_venue_orders once expired");
    cu.push(("cancel_venue_orders (at Drift)", fx.env.last_units));
    let p = d.user(&mut fx.env, &vault).await.perp[0];
    assert_eq!((p.open_orders, p.open_asks), (0, 0));
    assert_eq!(p.base_asset_amount, ordered, "the first fill stays");
    // And the hedge goes on at once, IOC.
    let seq = fx.vault().await.sequence;
    d.send(&mut fx.env, &[budget(), ioc(seq)], &[&k])
        .await
        .expect("IOC rebalance after the cancellation");
    let base = d.user(&mut fx.env, &vault).await.perp_base(SOL_PERP);
    let owned = fx.env.balance(&fx.pdas.collateral_vault).await
        + fx.env.balance(&pda::spot_market_vault(SOL_SPOT)).await;
    assert!(base < ordered, "shorter after the IOC");
    let net = owned as i64 + base;
    assert!(
        net.abs() <= (5 * owned / 100) as i64,
        "net delta {net} within the band"
    );
    assert_eq!(fx.vault().await.venue_positions[0], base);
    cu
}
