//! `hedge-research learn-bands` end to end with a small budget.
use std::process::Command;

#[test]
fn learn_bands_trains_validates_and_exports_a_bounded_proposal() {
    let dir = tempfile::tempdir().unwrap();
    let (json, proposal, png, md) = (
        dir.path().join("learn.json"),
        dir.path().join("proposal.toml"),
        dir.path().join("c.png"),
        dir.path().join("results.md"),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_hedge-research"))
        .args([
            "learn-bands",
            "--train",
            "32",
            "--iters",
            "3",
            "--test-paths",
            "8",
            "--data-dir",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../data"),
        ])
        .arg("--report-json")
        .arg(&json)
        .arg("--proposal")
        .arg(&proposal)
        .arg("--plot")
        .arg(&png)
        .arg("--results-md")
        .arg(&md)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("test: GARCH (unseen)") && stdout.contains("where the learned band loses"),
        "{stdout}"
    );
    // The real series ship in data/ and are always part of the validation.
    assert!(
        stdout.contains("BTC-USD walk-forward") && stdout.contains("SOL-USD walk-forward"),
        "{stdout}"
    );
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(r["overfitting_alarm"].is_boolean());
    assert!(r["trained"]["distill_max_rel_error"].as_f64().unwrap() < 1e-3);
    let p: toml::Value = toml::from_str(&std::fs::read_to_string(&proposal).unwrap()).unwrap();
    let cells = p["risk"]["band_correction_bps"].as_array().unwrap();
    assert_eq!(cells.len(), 20);
    assert!(cells
        .iter()
        .all(|c| (2_500..=40_000).contains(&c.as_integer().unwrap())));
    assert_eq!(p["risk"]["cost_aware_band"].as_bool(), Some(true));
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    assert!(std::fs::read_to_string(&md)
        .unwrap()
        .contains("Learned band correction, out of sample"));
}
