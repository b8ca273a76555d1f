//! Criterion benchmark of the backtest engine: hedging steps per second on one core for a
//! band policy, on paths of two lengths (the per-step cost must not depend on length).
//!
//!     cargo bench --locked -p hedge-research --bench backtest
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use hedge_research::backtest::generators::Generator;
use hedge_research::backtest::{run_path, Book, BookSpec, Costs, Policy, Scenario};

fn bench(c: &mut Criterion) {
    let dt = 1.0 / 365.0;
    let g = Generator::Gbm { mu: 0.0, sigma: 0.8 };
    let costs = Costs {
        fee_bps: 5.0,
        impact_depth: 1_000.0,
        funding: vec![0.1],
    };
    let policy = Policy::FixedBand { half_width: 0.05 };
    let mut group = c.benchmark_group("backtest");
    for steps in [10_000usize, 1_000_000] {
        let path = g.path(100.0, dt, steps, 1);
        // Delta-neutral book: per step the band decision, hedge P&L, funding and
        // tracking-error accounting, no option Greeks.
        let book = Book::resolve(BookSpec::Neutral, 100.0, 0.8, 0.0, 0.0);
        group.throughput(Throughput::Elements(steps as u64));
        group.bench_function(format!("band_policy_{steps}_steps"), |b| {
            b.iter(|| {
                run_path(
                    black_box(&path),
                    dt,
                    &book,
                    &policy,
                    &costs,
                    &Scenario::default(),
                    false,
                )
            })
        });
    }
    // An option book: the target's Greeks come from hedge-math's fixed-point engine at
    // every step, which dominates the cost.
    let path = g.path(100.0, dt, 10_000, 1);
    let put = Book::resolve(
        BookSpec::ProtectivePut {
            strike_mult: 1.0,
            tenor_years: 30.0,
        },
        100.0,
        0.8,
        0.0,
        0.0,
    );
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("band_policy_protective_put_10000_steps", |b| {
        b.iter(|| {
            run_path(
                black_box(&path),
                dt,
                &put,
                &policy,
                &costs,
                &Scenario::default(),
                false,
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
