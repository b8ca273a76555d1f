//! `hedge-research frontier` end to end: it runs, writes its chart and report, and its
//! verdicts agree with a brute-force reading of its own measured points.
use std::process::Command;

use serde_json::Value;

#[test]
fn frontier_command_reports_the_cheapest_family_per_risk_level() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("frontier.json");
    let svg = dir.path().join("frontier.svg");
    let out = Command::new(env!("CARGO_BIN_EXE_hedge-research"))
        .args([
            "frontier",
            "--paths",
            "24",
            "--steps",
            "96",
            "--families",
            "time,ww",
            "--levels",
            "5",
        ])
        .arg("--report-json")
        .arg(&json)
        .arg("--plot")
        .arg(&svg)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("cheapest family at each risk level"), "{stdout}");
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));

    let r: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let points = r["points"].as_array().unwrap();
    let families: std::collections::BTreeSet<&str> =
        points.iter().map(|p| p["family"].as_str().unwrap()).collect();
    assert_eq!(
        families.into_iter().collect::<Vec<_>>(),
        ["TimeBased", "WhalleyWilmott"]
    );
    let verdicts = r["verdicts"].as_array().unwrap();
    assert!(!verdicts.is_empty());
    for v in verdicts {
        let level = v["level"].as_f64().unwrap();
        // Brute force over the report's own points: the cheapest setting within the level.
        let cheapest = points
            .iter()
            .filter(|p| p["error_sd"].as_f64().unwrap() <= level)
            .map(|p| p["cost"]["mean"].as_f64().unwrap())
            .fold(f64::INFINITY, f64::min);
        assert_eq!(
            v["best"]["cost"]["mean"].as_f64().unwrap(),
            cheapest,
            "level {level}"
        );
    }
}

#[test]
fn frontier_command_refuses_bad_input_with_a_reason() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_hedge-research"))
            .arg("frontier")
            .args(args)
            .output()
            .unwrap();
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    assert!(run(&["--families", "time,nope"]).contains("unknown policy family 'nope'"));
    assert!(run(&["--steps", "1"]).contains("--steps must be >= 2"));
    assert!(run(&["--generator", "lévy"]).contains("unknown generator"));
}
