//! SVG charts (plotters): price with rebalance marks, target vs actual delta with the
//! band, cumulative cost per policy.
use std::path::Path;

use plotters::prelude::*;

use super::engine::Series;

/// Draws the three panels for `runs` (label, series) into an SVG file.
pub fn draw(path: &Path, runs: &[(String, &Series)]) -> anyhow::Result<()> {
    if path.extension().and_then(|e| e.to_str()) != Some("svg") {
        anyhow::bail!("--plot: only .svg output is supported ({} given)", path.display());
    }
    let Some((_, first)) = runs.first() else {
        anyhow::bail!("nothing to plot");
    };
    let n = first.price.len();
    let root = SVGBackend::new(path, (1100, 1000)).into_drawing_area();
    root.fill(&WHITE)?;
    let panels = root.split_evenly((3, 1));
    let colors = [BLUE, RED, GREEN, MAGENTA, CYAN, BLACK];
    let err = |e: String| anyhow::anyhow!("plot: {e}");

    // Price with the first policy's rebalances.
    let (lo, hi) = first
        .price
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
    let mut c = ChartBuilder::on(&panels[0])
        .caption(format!("price, rebalances of {}", runs[0].0), ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(25)
        .y_label_area_size(60)
        .build_cartesian_2d(0..n, lo * 0.98..hi * 1.02)
        .map_err(|e| err(e.to_string()))?;
    c.configure_mesh().draw().map_err(|e| err(e.to_string()))?;
    c.draw_series(LineSeries::new(
        first.price.iter().enumerate().map(|(i, p)| (i, *p)),
        &BLACK,
    ))
    .map_err(|e| err(e.to_string()))?;
    c.draw_series(
        first
            .rebalanced
            .iter()
            .enumerate()
            .filter(|(_, r)| **r)
            .map(|(i, _)| Circle::new((i, first.price[i]), 2, RED.filled())),
    )
    .map_err(|e| err(e.to_string()))?;

    // Target vs actual delta with the band (first policy).
    let vals = first.target.iter().chain(&first.actual);
    let (dlo, dhi) = vals.fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
    let pad = first.band.iter().fold(0.0f64, |m, x| m.max(*x)).min(1.0) + 0.05;
    let mut c = ChartBuilder::on(&panels[1])
        .caption(
            "target (black), band (grey), actual delta (blue)",
            ("sans-serif", 18),
        )
        .margin(10)
        .x_label_area_size(25)
        .y_label_area_size(60)
        .build_cartesian_2d(0..n, dlo - pad..dhi + pad)
        .map_err(|e| err(e.to_string()))?;
    c.configure_mesh().draw().map_err(|e| err(e.to_string()))?;
    let t = &first.target;
    let b = &first.band;
    c.draw_series(LineSeries::new(
        (0..n).map(|i| (i, t[i] + b[i].min(1.0))),
        &RGBColor(160, 160, 160),
    ))
    .map_err(|e| err(e.to_string()))?;
    c.draw_series(LineSeries::new(
        (0..n).map(|i| (i, t[i] - b[i].min(1.0))),
        &RGBColor(160, 160, 160),
    ))
    .map_err(|e| err(e.to_string()))?;
    c.draw_series(LineSeries::new((0..n).map(|i| (i, t[i])), &BLACK))
        .map_err(|e| err(e.to_string()))?;
    c.draw_series(LineSeries::new(
        first.actual.iter().enumerate().map(|(i, x)| (i, *x)),
        &BLUE,
    ))
    .map_err(|e| err(e.to_string()))?;

    // Cumulative cost per policy.
    let cmax = runs
        .iter()
        .flat_map(|(_, s)| s.cum_cost.iter())
        .fold(0.0f64, |m, x| m.max(x.abs()))
        .max(1e-9);
    let mut c = ChartBuilder::on(&panels[2])
        .caption("cumulative cost per policy (quote per unit)", ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(25)
        .y_label_area_size(60)
        .build_cartesian_2d(0..n, -cmax * 1.05..cmax * 1.05)
        .map_err(|e| err(e.to_string()))?;
    c.configure_mesh().draw().map_err(|e| err(e.to_string()))?;
    for (k, (label, s)) in runs.iter().enumerate() {
        let color = colors[k % colors.len()];
        c.draw_series(LineSeries::new(
            s.cum_cost.iter().enumerate().map(|(i, x)| (i, *x)),
            color,
        ))
        .map_err(|e| err(e.to_string()))?
        .label(label.clone())
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 15, y)], color));
    }
    c.configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| err(e.to_string()))?;
    root.present()?;
    Ok(())
}
