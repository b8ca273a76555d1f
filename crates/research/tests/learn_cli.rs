//! `hedge-research learn-bands` end to end with a small budget.
use std::process::Command;

fn learn(extra: &[&str]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hedge-research"));
    c.arg("learn-bands");
    if !extra.contains(&"--data-dir") {
        c.args(["--data-dir", concat!(env!("CARGO_MANIFEST_DIR"), "/../../data")]);
    }
    c.args(extra).output().unwrap()
}

#[test]
fn learn_bands_trains_a_family_judges_it_out_of_sample_and_exports_a_bounded_proposal() {
    let dir = tempfile::tempdir().unwrap();
    let (json, proposal, png, md, charts) = (
        dir.path().join("learn.json"),
        dir.path().join("proposal.toml"),
        dir.path().join("c.png"),
        dir.path().join("results.md"),
        dir.path().join("charts"),
    );
    std::fs::write(&md, "# Results\n\n## Learned band correction, out of sample\n\nold\n\n## Throughput against numpy\n\nkept\n").unwrap();
    let arg = |p: &std::path::Path| p.to_str().unwrap().to_string();
    let out = learn(&[
        "--train",
        "48",
        "--passes",
        "1",
        "--test-paths",
        "16",
        "--risk-aversions",
        "0.001,0.1",
        "--export",
        "0.08",
        "--report-json",
        &arg(&json),
        "--proposal",
        &arg(&proposal),
        "--plot",
        &arg(&png),
        "--results-md",
        &arg(&md),
        "--frontier-plot-dir",
        &arg(&charts),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    // Every kind of validation set is there, the real series included (they ship in data/).
    for set in [
        "in sample: Heston",
        "GARCH (unseen)",
        "BTC-USD walk-forward",
        "SOL-USD walk-forward",
    ] {
        assert!(stdout.contains(set), "{set} missing:\n{stdout}");
    }
    assert!(
        stdout.contains("Where the 10 % goal is not met out of sample"),
        "{stdout}"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("member 2/2"), "progress per member: {stderr}");

    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(r["overfitting_alarm"].is_boolean());
    let members = r["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    for m in members {
        assert!(m["objective"].as_f64().unwrap() <= m["objective_ww"].as_f64().unwrap());
    }
    // The exported member is the one nearest the asked risk aversion (0.08 → 0.1).
    assert_eq!(r["exported_risk_aversion"].as_f64(), Some(0.1));
    // The regime research family: one per member, each refining its one-table member.
    let regime = r["regime"]["members"].as_array().unwrap();
    assert_eq!(regime.len(), 2);
    for (g, m) in regime.iter().zip(members) {
        assert_eq!(g["turbulent_bps"].as_array().unwrap().len(), 20);
        assert!(g["objective"].as_f64().unwrap() <= m["objective"].as_f64().unwrap());
    }
    assert!(
        stdout.contains("does a volatility-regime dimension matter?"),
        "{stdout}"
    );
    let sets = r["sets"].as_array().unwrap();
    assert_eq!(sets.len(), 4 + 3 + 2);
    assert!(sets
        .iter()
        .all(|s| s["points"].as_array().unwrap().len() == 11 + 11 + 2));

    let p: toml::Value = toml::from_str(&std::fs::read_to_string(&proposal).unwrap()).unwrap();
    let cells = p["risk"]["band_correction_bps"].as_array().unwrap();
    assert_eq!(cells.len(), 20);
    let table: Vec<i64> = cells.iter().map(|c| c.as_integer().unwrap()).collect();
    assert!(table.iter().all(|c| (2_500..=40_000).contains(c)));
    let exported: Vec<i64> = members[1]["table_bps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_i64().unwrap())
        .collect();
    assert_eq!(table, exported);
    assert_eq!(p["risk"]["cost_aware_band"].as_bool(), Some(true));
    assert!(
        p["risk"]["min_band_bps"].as_integer().unwrap() >= 1,
        "the program's least band"
    );
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    let charts: Vec<_> = std::fs::read_dir(&charts).unwrap().collect();
    assert_eq!(charts.len(), sets.len());

    let md = std::fs::read_to_string(&md).unwrap();
    assert!(md.contains("## Learned band family, out of sample"));
    assert!(
        !md.contains("## Learned band correction, out of sample"),
        "superseded section removed"
    );
    assert!(
        md.contains("## Throughput against numpy\n\nkept"),
        "other sections kept"
    );
}

#[test]
fn without_the_regime_research_there_is_no_regime_family() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("learn.json");
    let proposal = dir.path().join("p.toml");
    let out = learn(&[
        "--train",
        "16",
        "--passes",
        "1",
        "--test-paths",
        "8",
        "--risk-aversions",
        "0.1",
        "--no-regime",
        "--report-json",
        json.to_str().unwrap(),
        "--proposal",
        proposal.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(r["regime"].is_null());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("volatility-regime"));
}

#[test]
fn learn_bands_refuses_bad_settings_by_name() {
    for (args, needle) in [
        (vec!["--risk-aversions", "0.1,x"], "--risk-aversions"),
        (vec!["--risk-aversions", "0.1,-1"], "--risk-aversions"),
        (vec!["--train", "1"], "at least 2 paths"),
        (vec!["--stride", "0"], "--stride"),
        (vec!["--data-dir", "/nonexistent"], "walk-forward needs"),
    ] {
        let out = learn(&args);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}
