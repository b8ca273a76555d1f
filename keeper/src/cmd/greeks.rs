//! `hedge-keeper greeks`: Black–Scholes–Merton prices and Greeks from the command line
//! or a CSV file, computed by the same fixed-point code the program runs on-chain.
use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use hedge_math::{bs_greeks, BsInputs, Fix, Greeks, OptionKind};

use crate::fmt::significant;

/// Significant digits printed for every output.
const SIG_DIGITS: usize = 16;
/// How many bad rows are reported before giving up.
const MAX_REPORTED_ERRORS: usize = 20;
/// Columns a CSV must have.
const REQUIRED: [&str; 7] = ["kind", "spot", "strike", "vol", "t_years", "r", "q"];
/// Columns appended to each row.
const OUTPUTS: [&str; 5] = ["price", "delta", "gamma", "vega", "theta_per_year"];

/// Arguments of `hedge-keeper greeks`.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["csv", "kind"])))]
pub struct GreeksArgs {
    /// CSV with a header containing at least kind,spot,strike,vol,t_years,r,q (other
    /// columns are passed through). Prints each row followed by
    /// price,delta,gamma,vega,theta_per_year.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["kind", "spot", "strike", "vol", "t_years", "r", "q"])]
    pub csv: Option<PathBuf>,
    /// Option kind for a single evaluation.
    #[arg(long, value_enum, requires_all = ["spot", "strike", "vol", "t_years"])]
    pub kind: Option<Kind>,
    /// Spot price (quote units), > 0.
    #[arg(long)]
    pub spot: Option<String>,
    /// Strike (quote units), > 0.
    #[arg(long)]
    pub strike: Option<String>,
    /// Volatility, annualised fraction (0.8 = 80 %), >= 0.
    #[arg(long)]
    pub vol: Option<String>,
    /// Time to expiry in years, >= 0.
    #[arg(long = "t-years")]
    pub t_years: Option<String>,
    /// Continuously compounded risk-free rate per year.
    #[arg(long, default_value = "0")]
    pub r: String,
    /// Continuously compounded yield / carry per year.
    #[arg(long, default_value = "0")]
    pub q: String,
}

/// Option kind as written on the command line and in CSV files.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    /// Call option.
    Call,
    /// Put option.
    Put,
}

impl From<Kind> for OptionKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Call => OptionKind::Call,
            Kind::Put => OptionKind::Put,
        }
    }
}

/// Parses a decimal (exactly, to the nearest I80F48) or, failing that, a float in
/// scientific notation.
pub fn parse_fix(field: &str, text: &str) -> anyhow::Result<Fix> {
    let t = text.trim();
    if let Ok(v) = Fix::from_str(t) {
        return Ok(v);
    }
    let x: f64 = t
        .parse()
        .map_err(|_| anyhow::anyhow!("{field}: '{text}' is not a number"))?;
    if !x.is_finite() {
        bail!("{field}: '{text}' is not finite");
    }
    Fix::checked_from_num(x).with_context(|| format!("{field}: '{text}' is out of range"))
}

fn parse_kind(text: &str) -> anyhow::Result<OptionKind> {
    match text.trim().to_ascii_lowercase().as_str() {
        "call" | "c" => Ok(OptionKind::Call),
        "put" | "p" => Ok(OptionKind::Put),
        other => bail!("kind: '{other}' is neither 'call' nor 'put'"),
    }
}

fn evaluate(kind: OptionKind, fields: [&str; 6]) -> anyhow::Result<Greeks> {
    let names = ["spot", "strike", "vol", "t_years", "r", "q"];
    let mut v = [Fix::ZERO; 6];
    for i in 0..6 {
        v[i] = parse_fix(names[i], fields[i])?;
    }
    let inputs = BsInputs {
        spot: v[0],
        strike: v[1],
        vol: v[2],
        t_years: v[3],
        r: v[4],
        q: v[5],
    };
    bs_greeks(kind, &inputs).map_err(|e| anyhow::anyhow!("{e}"))
}

fn output_fields(g: &Greeks) -> [String; 5] {
    [g.price, g.delta, g.gamma, g.vega, g.theta].map(|v| significant(v, SIG_DIGITS))
}

/// Runs the command, writing results to `out`.
pub fn run(args: GreeksArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    match args.csv {
        Some(path) => run_csv(&path, out),
        None => {
            let kind = args.kind.context("--kind is required without --csv")?;
            let need = |o: Option<String>, n: &str| o.with_context(|| format!("--{n} is required"));
            let spot = need(args.spot, "spot")?;
            let strike = need(args.strike, "strike")?;
            let vol = need(args.vol, "vol")?;
            let t = need(args.t_years, "t-years")?;
            let g = evaluate(kind.into(), [&spot, &strike, &vol, &t, &args.r, &args.q])?;
            for (name, value) in OUTPUTS.iter().zip(output_fields(&g)) {
                writeln!(out, "{name:<15} {value}")?;
            }
            Ok(())
        }
    }
}

/// Evaluates every row of a CSV. Nothing is written unless every row is valid; all bad
/// rows (up to 20) are reported with their line numbers.
fn run_csv(path: &PathBuf, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let headers = rdr
        .headers()
        .with_context(|| format!("{}: cannot read the header", path.display()))?
        .clone();
    let mut idx = [0usize; 7];
    for (i, name) in REQUIRED.iter().enumerate() {
        idx[i] = headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .with_context(|| {
                format!(
                    "{}: header has no '{name}' column (required: {})",
                    path.display(),
                    REQUIRED.join(",")
                )
            })?;
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        let f = |i: usize| rec.get(idx[i]).unwrap_or("");
        let result = parse_kind(f(0)).and_then(|k| evaluate(k, [f(1), f(2), f(3), f(4), f(5), f(6)]));
        match result {
            Ok(g) => rows.push((rec, g)),
            Err(e) => errors.push(format!("line {line}: {e:#}")),
        }
        if errors.len() >= MAX_REPORTED_ERRORS {
            errors.push("... (stopped after 20 errors)".into());
            break;
        }
    }
    if !errors.is_empty() {
        bail!(
            "{}: {} bad row(s), no output written\n  {}",
            path.display(),
            errors.len(),
            errors.join("\n  ")
        );
    }
    let mut w = csv::Writer::from_writer(out);
    w.write_record(headers.iter().chain(OUTPUTS))?;
    for (rec, g) in rows {
        let outs = output_fields(&g);
        w.write_record(rec.iter().chain(outs.iter().map(String::as_str)))?;
    }
    w.flush()?;
    Ok(())
}
