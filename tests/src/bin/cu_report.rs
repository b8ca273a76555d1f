//! `cu-report`: runs the compute-unit scenario on the native build and on the sBPF build,
//! checks that both compute exactly the same thing, and reports compute units.
//!
//! ```text
//! scripts/build-sbf.sh                                   # target/deploy/*.so
//! cargo run -p hedge-localnet --bin cu-report -- --write docs/compute-units.md
//! cargo run -p hedge-localnet --bin cu-report -- --baseline docs/compute-units.md   # CI
//! ```
//!
//! Exit status 1 when:
//! * any step differs between native and sBPF: outcome, events / return data, or the bytes
//!   of any watched account;
//! * with `--baseline`, a step costs more than 2 % over the committed figure, or a step
//!   that was within its budget is no longer.
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use hedge_localnet::cu::{scenario, Run};
use hedge_localnet::Programs;

/// Budgets of issue #7 (CU per instruction), matched on step labels.
const BUDGETS: &[(&str, u64, &str)] = &[
    ("quote_option", 5_000, "all Greeks of one leg"),
    (
        "rebalance (16 legs)",
        120_000,
        "rebalance, 16 legs, oracle and venue CPI",
    ),
    ("deposit", 30_000, "deposit"),
];
/// Every instruction must fit the default per-instruction limit.
const INSTRUCTION_LIMIT: u64 = 200_000;
/// Allowed growth over the baseline before CI calls it a regression.
const REGRESSION_PCT: u64 = 2;

struct Args {
    sbf_dir: PathBuf,
    write: Option<PathBuf>,
    baseline: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut a = Args {
        sbf_dir: root.join("target/deploy"),
        write: None,
        baseline: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--sbf-dir" => a.sbf_dir = PathBuf::from(value()?),
            "--write" => a.write = Some(PathBuf::from(value()?)),
            "--baseline" => a.baseline = Some(PathBuf::from(value()?)),
            "-h" | "--help" => {
                return Err("usage: cu-report [--sbf-dir DIR] [--write FILE.md] [--baseline FILE.md]".into())
            }
            other => return Err(format!("unknown argument {other} (see --help)")),
        }
    }
    Ok(a)
}

fn run_on(programs: Programs) -> Run {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(scenario(programs))
}

/// Differences between the native and the sBPF run, one line each.
fn compare(native: &Run, sbf: &Run) -> Vec<String> {
    let mut out = Vec::new();
    if native.steps.len() != sbf.steps.len() {
        out.push(format!(
            "step count differs: native {} vs sBPF {}",
            native.steps.len(),
            sbf.steps.len()
        ));
    }
    for (n, s) in native.steps.iter().zip(&sbf.steps) {
        if n.label != s.label {
            out.push(format!("step order differs: {} vs {}", n.label, s.label));
            break;
        }
        if n.outcome != s.outcome {
            out.push(format!("{}: outcome {:?} vs {:?}", n.label, n.outcome, s.outcome));
        }
        if n.events != s.events {
            out.push(format!("{}: events differ", n.label));
        }
        if n.return_data != s.return_data {
            out.push(format!("{}: return data differs", n.label));
        }
        for (k, bytes) in &n.state {
            match s.state.get(k) {
                Some(b) if b == bytes => {}
                Some(_) => out.push(format!("{}: account {k} differs", n.label)),
                None => out.push(format!("{}: account {k} missing on sBPF", n.label)),
            }
        }
    }
    out
}

fn budget_of(label: &str) -> Option<(u64, &'static str)> {
    BUDGETS
        .iter()
        .find(|(prefix, _, _)| label.starts_with(prefix))
        .map(|&(_, b, what)| (b, what))
}

/// `label -> CU` from a report written by this tool.
fn read_baseline(path: &PathBuf) -> Result<BTreeMap<String, u64>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse_baseline(&text).ok_or_else(|| format!("{}: no CU table found", path.display()))
}

/// `label -> CU` from the per-instruction table of a report; `None` without one.
fn parse_baseline(text: &str) -> Option<BTreeMap<String, u64>> {
    let mut m = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | `label` | program | CU | ...
        if cells.len() > 4 && cells[1].starts_with('`') {
            if let Ok(cu) = cells[3].replace(',', "").parse::<u64>() {
                m.insert(cells[1].trim_matches('`').to_string(), cu);
            }
        }
    }
    (!m.is_empty()).then_some(m)
}

/// What the sBPF run lost against the committed baseline, one line each.
fn regressions(sbf: &Run, base: &BTreeMap<String, u64>, path: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for s in &sbf.steps {
        let Some(&was) = base.get(&s.label) else {
            out.push(format!(
                "{}: not in the baseline (regenerate {})",
                s.label,
                path.display()
            ));
            continue;
        };
        if s.units.saturating_mul(100) > was.saturating_mul(100 + REGRESSION_PCT) {
            out.push(format!(
                "{}: {} CU, baseline {} (+{REGRESSION_PCT} % allowed)",
                s.label, s.units, was
            ));
        }
        if let Some((budget, _)) = budget_of(&s.label) {
            if was <= budget && s.units > budget {
                out.push(format!(
                    "{}: {} CU now exceeds its {budget} budget",
                    s.label, s.units
                ));
            }
        }
        if was < INSTRUCTION_LIMIT && s.units >= INSTRUCTION_LIMIT {
            out.push(format!("{}: {} CU now exceeds 200 k", s.label, s.units));
        }
    }
    out
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn program_name(id: &anchor_lang::prelude::Pubkey) -> &'static str {
    if *id == hedge_vault::ID {
        "hedge_vault"
    } else if *id == perp_venue::ID {
        "perp_venue"
    } else {
        "other"
    }
}

fn report(sbf: &Run, sizes: &[(String, u64)]) -> String {
    let mut md = String::new();
    md.push_str("# Compute units\n\n");
    md.push_str(
        "Generated by `cu-report` from the sBPF build (`scripts/build-sbf.sh`) running in \
         solana-program-test's SVM; do not edit. Reproduce:\n\n\
         ```sh\nscripts/cu-suite.sh --write\n```\n\n\
         How the `.so` files are built and what the suite compares: [sbf.md](sbf.md).\n\n\
         Every step below also ran on the native build; outcomes, events, return data and \
         the bytes of every watched account were identical. CU is the instruction's own \
         consumption (CPIs included) from the `Program … consumed` log line; transactions \
         that need more than 200 k ask for the 1.4 M maximum with a compute-budget \
         instruction.\n\n",
    );
    md.push_str("## Binary size\n\n| program | bytes |\n|---|---|\n");
    for (name, bytes) in sizes {
        md.push_str(&format!("| {name}.so | {} |\n", thousands(*bytes)));
    }
    md.push_str("\n## Budgets\n\n| what | step | budget | measured | status |\n|---|---|---|---|---|\n");
    for &(prefix, budget, what) in BUDGETS {
        for s in sbf.steps.iter().filter(|s| s.label.starts_with(prefix)) {
            let ok = s.units <= budget;
            md.push_str(&format!(
                "| {what} | `{}` | {} | {} | {} |\n",
                s.label,
                thousands(budget),
                thousands(s.units),
                if ok { "within" } else { "**over**" }
            ));
        }
    }
    md.push_str(
        "\n## Per instruction\n\n| step | program | CU | outcome | under 200 k |\n|---|---|---|---|---|\n",
    );
    for s in &sbf.steps {
        md.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            s.label,
            program_name(&s.program),
            thousands(s.units),
            match s.outcome {
                Ok(()) => "ok".to_string(),
                Err(Some(c)) => format!("error {c}"),
                Err(None) => "error".to_string(),
            },
            if s.units < INSTRUCTION_LIMIT {
                "yes"
            } else {
                "**no**"
            }
        ));
    }
    md
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut sizes = Vec::new();
    for name in ["hedge_vault", "perp_venue"] {
        let path = args.sbf_dir.join(format!("{name}.so"));
        match std::fs::metadata(&path) {
            Ok(m) => sizes.push((name.to_string(), m.len())),
            Err(e) => {
                eprintln!("{}: {e}; build it with scripts/build-sbf.sh", path.display());
                return ExitCode::from(2);
            }
        }
    }
    eprintln!("cu-report: native run…");
    let native = run_on(Programs::Native);
    eprintln!("cu-report: sBPF run ({})…", args.sbf_dir.display());
    let sbf = run_on(Programs::Sbf(args.sbf_dir.clone()));
    let mut failures = compare(&native, &sbf);
    eprintln!(
        "cu-report: {} steps, native and sBPF {}",
        sbf.steps.len(),
        if failures.is_empty() {
            "identical"
        } else {
            "DIFFER"
        }
    );

    if let Some(path) = &args.baseline {
        match read_baseline(path) {
            Ok(base) => failures.extend(regressions(&sbf, &base, path)),
            Err(e) => failures.push(e),
        }
    }

    let md = report(&sbf, &sizes);
    match &args.write {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &md) {
                eprintln!("{}: {e}", path.display());
                return ExitCode::from(2);
            }
            eprintln!("cu-report: wrote {}", path.display());
        }
        None => print!("{md}"),
    }
    for (prefix, budget, what) in BUDGETS {
        for s in sbf.steps.iter().filter(|s| s.label.starts_with(prefix)) {
            eprintln!(
                "cu-report: budget {what}: `{}` {} / {} CU{}",
                s.label,
                s.units,
                budget,
                if s.units > *budget { "  OVER" } else { "" }
            );
        }
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        for f in &failures {
            eprintln!("cu-report: FAIL {f}");
        }
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hedge_localnet::cu::Step;

    fn step(label: &str, units: u64) -> Step {
        Step {
            label: label.to_string(),
            program: hedge_vault::ID,
            units,
            outcome: Ok(()),
            events: vec!["AAEC".into()],
            return_data: None,
            state: BTreeMap::from([(hedge_vault::ID, vec![1, 2, 3])]),
        }
    }

    #[test]
    fn compare_reports_every_kind_of_difference() {
        let native = Run {
            steps: vec![step("deposit", 0), step("rebalance (1 leg)", 0)],
        };
        assert!(compare(
            &native,
            &Run {
                steps: native.steps.clone()
            }
        )
        .is_empty());
        let mut sbf = Run {
            steps: native.steps.clone(),
        };
        sbf.steps[0].outcome = Err(Some(6000));
        sbf.steps[0].events.push("BBB".into());
        sbf.steps[1].return_data = Some(vec![9]);
        sbf.steps[1].state.insert(hedge_vault::ID, vec![1, 2, 4]);
        let d = compare(&native, &sbf).join("\n");
        for want in [
            "deposit: outcome",
            "deposit: events differ",
            "return data differs",
            "account",
        ] {
            assert!(d.contains(want), "missing {want:?} in {d}");
        }
        sbf.steps.pop();
        assert!(compare(&native, &sbf).iter().any(|l| l.contains("step count")));
    }

    #[test]
    fn baseline_gate_flags_regressions_budgets_and_the_200k_limit() {
        let md = report(
            &Run {
                steps: vec![
                    step("deposit", 29_000),
                    step("apply_params (16 legs)", 150_000),
                    step("x", 1_000),
                ],
            },
            &[],
        );
        let base = parse_baseline(&md).expect("table");
        assert_eq!(base.get("deposit"), Some(&29_000));
        let p = std::path::Path::new("docs/compute-units.md");
        // Within 2 %: fine.
        let ok = Run {
            steps: vec![
                step("deposit", 29_500),
                step("apply_params (16 legs)", 150_000),
                step("x", 1_020),
            ],
        };
        assert!(regressions(&ok, &base, p).is_empty());
        let bad = Run {
            steps: vec![
                step("deposit", 30_500),
                step("apply_params (16 legs)", 210_000),
                step("new", 1),
            ],
        };
        let r = regressions(&bad, &base, p).join("\n");
        assert!(
            r.contains("deposit: 30500 CU now exceeds its 30000 budget"),
            "{r}"
        );
        assert!(r.contains("exceeds 200 k"), "{r}");
        assert!(r.contains("new: not in the baseline"), "{r}");
        assert!(parse_baseline("no table here").is_none());
    }
}
