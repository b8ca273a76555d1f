//! Series from CSV files (the shipped `data/` series or any other).
use std::path::PathBuf;

use anyhow::{bail, Context};

/// Reads the finite numbers of `column` (any sign: funding rates, returns).
pub fn read_column(path: &PathBuf, column: &str) -> anyhow::Result<Vec<f64>> {
    let mut rdr = csv::Reader::from_path(path).with_context(|| format!("cannot open {}", path.display()))?;
    let idx = rdr
        .headers()?
        .iter()
        .position(|h| h == column)
        .with_context(|| format!("{}: no '{column}' column", path.display()))?;
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let v: f64 = rec?
            .get(idx)
            .unwrap_or("")
            .trim()
            .parse()
            .with_context(|| format!("{}: line {}: bad number", path.display(), i + 2))?;
        if !v.is_finite() {
            bail!("{}: line {}: not a finite number", path.display(), i + 2);
        }
        out.push(v);
    }
    Ok(out)
}

/// Reads a price column: every value > 0, at least two of them.
pub fn read_prices(path: &PathBuf, column: &str) -> anyhow::Result<Vec<f64>> {
    let out = read_column(path, column)?;
    if let Some(i) = out.iter().position(|v| *v <= 0.0) {
        bail!("{}: line {}: price must be > 0", path.display(), i + 2);
    }
    if out.len() < 2 {
        bail!("{}: need at least two prices", path.display());
    }
    Ok(out)
}
