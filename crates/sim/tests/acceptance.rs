//! The acceptance suite (`hedge-sim acceptance --suite ci`, see `cmd::acceptance` for the
//! criteria and their justification): real SOL-USD and BTC-USD history (daily and an
//! hourly replay) and generated stress paths (stochastic volatility, jumps, a crash below
//! 1), for the neutral, protective-put and covered-call books, through the real program
//! with the production keeper, judged on dollar outcomes computed from raw balances. Split
//! in four tests so that the two cores share the work; `hedge-sim acceptance` runs the
//! whole histories.
use hedge_sim::cmd::acceptance::{cases, header, row, run_case, verdict, Suite};

async fn part(k: usize) {
    let data = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data"));
    let all = cases(Suite::Ci, &data).unwrap();
    let mut failures = Vec::new();
    eprintln!("{}", header());
    for (i, c) in all.iter().enumerate().filter(|(i, _)| i % 4 == k) {
        let r = run_case(c).await.unwrap_or_else(|e| panic!("case {i}: {e:#}"));
        let fail = verdict(c, &r);
        eprintln!("{}", row(c, &r, &fail));
        if !fail.is_empty() {
            failures.push(format!("{} / {}: {}", c.name, c.book, fail.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test(flavor = "current_thread")]
async fn acceptance_part_1() {
    part(0).await;
}

#[tokio::test(flavor = "current_thread")]
async fn acceptance_part_2() {
    part(1).await;
}

#[tokio::test(flavor = "current_thread")]
async fn acceptance_part_3() {
    part(2).await;
}

#[tokio::test(flavor = "current_thread")]
async fn acceptance_part_4() {
    part(3).await;
}
