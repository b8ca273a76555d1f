//! End-to-end tests of `hedge-keeper greeks` through the real binary.
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hedge-keeper"))
}

fn write_csv(body: &str) -> tempfile::NamedTempFile {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), body).unwrap();
    f
}

#[test]
fn csv_rows_get_greeks_appended() {
    let f = write_csv(
        "id,kind,spot,strike,vol,t_years,r,q\na,call,42,40,0.2,0.5,0.1,0\nb,put,42,40,0.2,0.5,0.1,0\n",
    );
    let out = bin().args(["greeks", "--csv"]).arg(f.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,kind,spot,strike,vol,t_years,r,q,price,delta,gamma,vega,theta_per_year"
    );
    let call: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&call[..8], &["a", "call", "42", "40", "0.2", "0.5", "0.1", "0"]);
    // Hull example 15.6: call 4.7594, put 0.8086.
    let price: f64 = call[8].parse().unwrap();
    assert!((price - 4.759_422_392_871_535).abs() < 1e-9, "{price}");
    // At least 15 significant digits.
    assert!(
        call[8].trim_start_matches(['0', '.', '-']).replace('.', "").len() >= 15,
        "{}",
        call[8]
    );
    let put: Vec<&str> = lines.next().unwrap().split(',').collect();
    let p: f64 = put[8].parse().unwrap();
    assert!((p - 0.808_599_372_900_092).abs() < 1e-9, "{p}");
    assert!(lines.next().is_none());
}

#[test]
fn bad_rows_are_reported_by_line_and_nothing_is_printed() {
    let f = write_csv("kind,spot,strike,vol,t_years,r,q\ncall,42,40,0.2,0.5,0.1,0\nput,-1,40,0.2,0.5,0,0\nswap,1,1,1,1,0,0\ncall,1,abc,0.2,1,0,0\n");
    let out = bin().args(["greeks", "--csv"]).arg(f.path()).output().unwrap();
    assert!(!out.status.success());
    assert!(
        out.stdout.is_empty(),
        "partial output: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("line 3: spot must be > 0"), "{err}");
    assert!(err.contains("line 4: kind: 'swap'"), "{err}");
    assert!(err.contains("line 5: strike: 'abc' is not a number"), "{err}");
    assert!(err.contains("3 bad row(s)"), "{err}");
}

#[test]
fn missing_column_is_named() {
    let f = write_csv("kind,spot,strike,vol,t_years,r\ncall,1,1,1,1,0\n");
    let out = bin().args(["greeks", "--csv"]).arg(f.path()).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no 'q' column"));
}

#[test]
fn single_evaluation_from_flags() {
    let out = bin()
        .args([
            "greeks",
            "--kind",
            "call",
            "--spot",
            "42",
            "--strike",
            "40",
            "--vol",
            "0.2",
            "--t-years",
            "0.5",
            "--r",
            "0.1",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let price: f64 = text
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert!((price - 4.759_422_392_871_535).abs() < 1e-9);
    assert!(text.contains("theta_per_year"));
}

#[test]
fn single_evaluation_rejects_bad_input() {
    let out = bin()
        .args([
            "greeks",
            "--kind",
            "put",
            "--spot",
            "1",
            "--strike",
            "1",
            "--vol",
            "-0.2",
            "--t-years",
            "1",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("volatility must be >= 0"));
}
