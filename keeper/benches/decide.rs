//! Criterion benchmark of the keeper's decision step with 1 000 vaults in memory:
//! per vault, the on-chain `compute_delta_report` plus the rebalance and margin
//! `should_run` decisions.
//!
//!     cargo bench --locked -p hedge-keeper --bench decide
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use hedge_keeper::chain::local::LocalChain;
use hedge_keeper::{ops, snapshot};
use hedge_localnet::fixture::Fixture;
use hedge_math::Fix;
use hedge_vault::pricing::compute_delta_report;
use hedge_vault::state::{LegKind, OptionLeg};

const SOL: u64 = 1_000_000_000;

fn snapshots(n: usize) -> Vec<snapshot::VaultSnapshot> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut fx = Fixture::new().await;
        let m = fx.create_market(0, 100_000 * SOL).await;
        let mut p = fx.params_with_venues(&[m], 10_000 * SOL);
        // A realistic book: 16 option legs.
        let now = fx.env.now().await;
        p.leg_count = 16;
        for (i, leg) in p.legs.iter_mut().enumerate() {
            *leg = OptionLeg {
                kind: if i % 2 == 0 { LegKind::Put } else { LegKind::Call },
                strike_e6: (120 + 5 * i as u64) * 1_000_000,
                expiry: now + 86_400 * (7 + 3 * i as i64),
                quantity: if i % 3 == 0 { -10 } else { 10 } * SOL as i64,
                vol_bps: 0,
                roll_tenor_days: 0,
                roll_moneyness_pct: 0,
                cover_bps: 0,
                padding: [0; 6],
            };
        }
        fx.govern(p).await;
        let u = fx.user(100 * SOL).await;
        let ixs = [fx.refresh_nav_ix(&[m]), fx.deposit_ix(&u, 100 * SOL, 0)];
        fx.send(&ixs, &[&u.kp]).await.unwrap();
        let oracles = fx.oracles();
        let s = snapshot::load(&mut LocalChain { env: &mut fx.env }, fx.pdas.vault, oracles)
            .await
            .unwrap();
        (0..n)
            .map(|i| {
                let mut c = s.clone();
                c.market.underlying.price = Fix::from_num(100 + (i % 100));
                c
            })
            .collect()
    })
}

fn bench(c: &mut Criterion) {
    let vaults = snapshots(1_000);
    let mut g = c.benchmark_group("keeper");
    g.throughput(Throughput::Elements(vaults.len() as u64));
    g.sample_size(20);
    g.bench_function("decide_1000_vaults_16_legs", |b| {
        b.iter_batched(
            || vaults.clone(),
            |mut vs| {
                let mut due = 0usize;
                for s in vs.iter_mut() {
                    s.report = compute_delta_report(&s.vault, &s.holdings, &s.market, s.now).unwrap();
                    if ops::rebalance::should_run(s).is_some() || ops::margin::should_run(s).is_some() {
                        due += 1;
                    }
                }
                due
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
