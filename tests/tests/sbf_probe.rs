use hedge_localnet::cu::scenario;
use hedge_localnet::Programs;

#[tokio::test(flavor = "current_thread")]
async fn probe() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/deploy");
    let run = scenario(Programs::Sbf(dir)).await;
    for s in &run.steps {
        println!("{:>8} {:?} {}", s.units, s.outcome, s.label);
    }
}
