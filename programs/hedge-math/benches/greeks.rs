//! Criterion benchmark of one full Black–Scholes–Merton evaluation (price + 4 Greeks).
//!
//!     cargo bench --locked -p hedge-math --bench greeks
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use hedge_math::{bs_greeks, primitives, whalley_wilmott_half_width, BsInputs, Fix, OptionKind};

fn inputs() -> BsInputs {
    BsInputs {
        spot: Fix::from_num(152.37),
        strike: Fix::from_num(140),
        vol: Fix::from_num(0.72),
        t_years: Fix::from_num(0.0833),
        r: Fix::from_num(0.045),
        q: Fix::from_num(0.07),
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("bsm");
    g.throughput(Throughput::Elements(1));
    let p = inputs();
    g.bench_function("greeks_call", |b| {
        b.iter(|| bs_greeks(OptionKind::Call, black_box(&p)))
    });
    g.bench_function("greeks_put", |b| {
        b.iter(|| bs_greeks(OptionKind::Put, black_box(&p)))
    });
    g.finish();

    let mut g = c.benchmark_group("primitives");
    let x = Fix::from_num(1.2345);
    g.bench_function("exp", |b| b.iter(|| primitives::exp(black_box(x))));
    g.bench_function("ln", |b| b.iter(|| primitives::ln(black_box(x))));
    g.bench_function("sqrt", |b| b.iter(|| primitives::sqrt(black_box(x))));
    g.bench_function("norm_cdf", |b| b.iter(|| primitives::norm_cdf(black_box(x))));
    g.bench_function("whalley_wilmott", |b| {
        b.iter(|| {
            whalley_wilmott_half_width(
                black_box(Fix::from_num(0.001)),
                black_box(p.spot),
                black_box(Fix::from_num(0.013)),
                black_box(Fix::ONE),
                black_box(p.r),
                black_box(p.t_years),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
