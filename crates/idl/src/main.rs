//! `hedge-idl`: writes (or, with `--check`, verifies) `idl/<program>.json` for both programs
//! with Anchor's own IDL builder ([`anchor_lang_idl::build::IdlBuilder`]): it compiles each
//! program's `idl-build` tests, assembles their output, checks for discriminator
//! collisions between accounts, events and instructions, and verifies the result.
//!
//! ```sh
//! cargo run --locked -p hedge-idl            # regenerate idl/*.json
//! cargo run --locked -p hedge-idl -- --check # fail if the committed IDL is stale (CI)
//! ```
//!
//! The builder compiles with its own `RUSTFLAGS`, so it uses its own target directory
//! (`target/idl`) and never invalidates the main build's cache.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anchor_lang_idl::build::IdlBuilder;
use anyhow::Context;

/// (package directory under `programs/`, IDL file name).
const PROGRAMS: [(&str, &str); 2] = [("hedge-vault", "hedge_vault"), ("perp-venue", "perp_venue")];

fn root() -> PathBuf {
    // crates/idl → the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn build(root: &Path, package: &str) -> anyhow::Result<String> {
    let target = root.join("target/idl");
    let idl = IdlBuilder::new()
        .program_path(root.join("programs").join(package))
        .resolution(true)
        .skip_lint(true)
        .no_docs(false)
        .cargo_args(vec![
            "--locked".into(),
            "--lib".into(),
            "--target-dir".into(),
            target.display().to_string(),
        ])
        .build()
        .with_context(|| format!("building the IDL of {package}"))?;
    Ok(serde_json::to_string_pretty(&idl)? + "\n")
}

fn run(check: bool) -> anyhow::Result<Vec<PathBuf>> {
    let root = root().canonicalize().context("workspace root")?;
    // anchor-lang-idl 0.1.4 passes `RUSTUP_TOOLCHAIN` to cargo as a literal `+{toolchain}`
    // argument; the toolchain in force is the one rust-toolchain / rustup selects anyway.
    std::env::remove_var("RUSTUP_TOOLCHAIN");
    let mut stale = Vec::new();
    for (package, name) in PROGRAMS {
        eprintln!("hedge-idl: building the IDL of {package} …");
        let text = build(&root, package)?;
        let path = root.join("idl").join(format!("{name}.json"));
        let old = std::fs::read_to_string(&path).ok();
        if check {
            if old.as_deref() != Some(text.as_str()) {
                stale.push(path);
            }
        } else {
            std::fs::create_dir_all(path.parent().context("idl/")?)?;
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("hedge-idl: wrote idl/{name}.json");
        }
    }
    Ok(stale)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = match args.as_slice() {
        [] => false,
        [a] if a == "--check" => true,
        _ => {
            eprintln!("usage: hedge-idl [--check]");
            return ExitCode::from(2);
        }
    };
    match run(check) {
        Ok(stale) if stale.is_empty() => ExitCode::SUCCESS,
        Ok(stale) => {
            for p in stale {
                eprintln!(
                    "stale: {} (run `cargo run --locked -p hedge-idl` and commit)",
                    p.display()
                );
            }
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
