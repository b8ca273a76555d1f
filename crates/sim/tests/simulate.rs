//! The main job: the simulation runs end to end and tracks its target within the band.
use std::process::Command;

#[test]
fn simulation_report_is_produced_and_tracking_is_within_band() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let out = Command::new(env!("CARGO_BIN_EXE_hedge-sim"))
        .args([
            "simulate",
            "--steps",
            "240",
            "--book",
            "protective-put",
            "--report-json",
        ])
        .arg(&json)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("hedge vault simulation report"), "{stdout}");
    assert!(
        !stdout.contains("Instruction:"),
        "program logs leak into the report"
    );
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    for field in [
        "steps",
        "rebalances",
        "max_abs_delta_error_after_rebalance",
        "mean_abs_delta_error",
        "final_nav_per_share",
        "hedge_costs",
        "funding_pnl",
        "keeper_rewards",
    ] {
        assert!(r.get(field).is_some(), "missing {field}");
    }
    assert_eq!(r["steps"], 240);
    assert!(r["rebalances"].as_u64().unwrap() > 0);
    // Dollar view: a miss of the band never outlasts a day, nothing is liquidated, and
    // the program's exposure equals the one computed from raw balances.
    assert!(r["max_secs_outside_band"].as_i64().unwrap() <= 86_400);
    assert_eq!(r["liquidations"], 0);
    assert!(r["max_program_exposure_gap"].as_f64().unwrap() < 1e-6);
    assert!(r["tracking_error_ratio"].as_f64().unwrap() < 0.5);
    assert_eq!(r["quote_nav_per_share_series"].as_array().unwrap().len(), 241);
    assert!(r["hedge_costs"].as_f64().unwrap() > 0.0);
    assert!(r["final_nav_per_share"].as_f64().unwrap() > 0.0);
}

#[test]
fn bad_price_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    std::fs::write(&csv, "Date,Close\n2024-01-01,100\n2024-01-02,-5\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hedge-sim"))
        .args(["simulate", "--prices"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3") && err.contains("price must be > 0"),
        "{err}"
    );
}

#[test]
fn bad_input_is_named_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "Date,Close\n").unwrap();
    let one = dir.path().join("one.csv");
    std::fs::write(&one, "Date,Close\n2024-01-01,100\n").unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["--prices".into(), empty.display().to_string()],
            "need at least two prices",
        ),
        (
            vec!["--prices".into(), one.display().to_string()],
            "need at least two prices",
        ),
        (vec!["--steps".into(), "0".into()], "--steps must be at least 1"),
        (vec!["--step-secs".into(), "0".into()], "--step-secs must be > 0"),
        (
            vec!["--start-price=-3".into()],
            "--start-price must be a positive number",
        ),
        (vec!["--sigma".into(), "9".into()], "--sigma must be within"),
    ];
    for (args, msg) in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_hedge-sim"))
            .arg("simulate")
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}: {err}");
        assert!(err.contains(msg) && !err.contains("panicked"), "{args:?}: {err}");
    }
}

/// `--venue-failure-drill`: one of two venues freezes with the hedge open. The band holds
/// through the other venue, exits complete, NAV marks the frozen venue at its haircut, and
/// after recovery the venue is unwound; the per-venue figures add up to the totals.
#[test]
fn the_venue_failure_drill_holds_the_band_and_unwinds_after_recovery() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let out = Command::new(env!("CARGO_BIN_EXE_hedge-sim"))
        .args([
            "simulate",
            "--steps",
            "180",
            "--book",
            "neutral",
            "--venue-failure-drill",
            "--report-json",
        ])
        .arg(&json)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("venue-failure drill"), "{stdout}");
    let d: hedge_sim::cmd::simulate::DrillReport = {
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        assert_eq!(v["venues"].as_array().unwrap().len(), 2);
        // Σ per venue = the totals (costs: the venues' include the initial hedge).
        let sum = |k: &str| {
            v["venues"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x[k].as_f64().unwrap())
                .sum::<f64>()
        };
        assert!(sum("cost_usd") >= v["hedge_costs"].as_f64().unwrap() - 1e-9);
        assert!((sum("funding_usd") - v["funding_pnl"].as_f64().unwrap()).abs() < 1e-6);
        assert_eq!(sum("trades") as u64, v["rebalances"].as_u64().unwrap());
        let d = &v["drill"];
        assert!(
            d["frozen_position"].as_f64().unwrap() < 0.0,
            "the venue froze with a hedge open: {d}"
        );
        assert!(d["freeze_mark_usd_per_share"].as_f64().unwrap() < 0.0, "{d}");
        assert!(
            v["venues"][1]["trades"].as_u64().unwrap() > 0,
            "the other venue took the hedge"
        );
        assert_eq!(v["venues"][0]["final_position"].as_f64().unwrap(), 0.0);
        assert_eq!(v["keeper_failures"], 0);
        serde_json::from_value(v["drill"].clone()).unwrap()
    };
    let fail = hedge_sim::cmd::acceptance::drill_verdict(&d);
    assert!(fail.is_empty(), "{fail:?}");
}
