//! `hedge-research backtest` end to end: tables, JSON, charts, and clear errors.
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hedge-research"))
}

#[test]
fn generated_paths_with_monte_carlo_stress_json_and_charts() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("bt.json");
    let png = dir.path().join("bt.png");
    let out = bin()
        .args([
            "backtest",
            "--generator",
            "merton",
            "--steps",
            "200",
            "--paths",
            "20",
            "--book",
            "protective-put",
        ])
        .args(["--stress", "--vol-scores", "--report-json"])
        .arg(&json)
        .arg("--plot")
        .arg(&png)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("monte carlo over 20 paths"), "{stdout}");
    assert!(stdout.contains("gap -30% in one step"));
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(r["single_path"].as_array().unwrap().len(), 5);
    assert_eq!(r["monte_carlo"].as_array().unwrap().len(), 5);
    assert!(!r["stress"].as_array().unwrap().is_empty());
    // The dollar view of every single-path policy.
    assert!(stdout.contains("hedge eff."), "{stdout}");
    for row in r["single_path"].as_array().unwrap() {
        let res = row;
        for field in [
            "hedge_effectiveness",
            "tracking_error",
            "tracking_error_ratio",
            "max_drawdown",
            "steps_outside_band",
        ] {
            assert!(res.get(field).is_some(), "missing {field} in {row}");
        }
    }
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"), "not a PNG");
    let svg = dir.path().join("bt.svg");
    let out = bin()
        .args(["backtest", "--steps", "50", "--plot"])
        .arg(&svg)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
}

#[test]
fn bad_inputs_are_clear_errors() {
    let out = bin().args(["backtest", "--policies", "band:x"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("policy 'band:x'"));
    let out = bin().args(["backtest", "--generator", "nope"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown generator 'nope'"));
    let out = bin()
        .args(["backtest", "--steps", "20", "--plot", "x.jpg"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains(".png or .svg"));
}

#[test]
fn a_dollar_neutral_book_keeps_its_dollar_value_on_real_history() {
    // SOL-USD, neutral book: the hedge keeps the value flat in dollars (the engine's
    // decisions are the program's, crates/research/tests/engine_equals_program.rs).
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("bt.json");
    let out = bin()
        .args(["backtest", "--prices"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/sol-usd-daily.csv"
        ))
        .args(["--book", "neutral", "--report-json"])
        .arg(&json)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    for row in r["single_path"].as_array().unwrap() {
        let he = row["hedge_effectiveness"].as_f64().unwrap();
        assert!(he >= 0.95, "{}: hedge effectiveness {he}", row["policy"]);
    }
}
