//! Charts (plotters), PNG or SVG: price with rebalance marks, target vs actual delta with
//! the band, cumulative cost per policy.
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::engine::Series;

/// Fonts tried for chart text, after `$HEDGE_PLOT_FONT`.
const FONT_CANDIDATES: [&str; 5] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
];

/// Registers a TrueType font as "sans-serif" once per process.
pub(crate) fn ensure_font() -> anyhow::Result<()> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        let mut paths: Vec<PathBuf> = std::env::var_os("HEDGE_PLOT_FONT").map(PathBuf::from).into_iter().collect();
        paths.extend(FONT_CANDIDATES.iter().map(PathBuf::from));
        for p in &paths {
            if let Ok(bytes) = std::fs::read(p) {
                let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
                if plotters::style::register_font("sans-serif", FontStyle::Normal, bytes).is_ok() {
                    return Ok(());
                }
            }
        }
        Err("no TrueType font found for chart text: install one (e.g. Debian fonts-dejavu-core) or set HEDGE_PLOT_FONT=/path/to/font.ttf".into())
    })
    .clone()
    .map_err(anyhow::Error::msg)
}

/// Renders `$chart(root, args…)` into a `.png` or `.svg` file, by the file's extension.
macro_rules! render {
    ($path:expr, $size:expr, $chart:ident($($arg:expr),*)) => {{
        let path: &Path = $path;
        match path.extension().and_then(|e| e.to_str()) {
            Some("svg") => {
                ensure_font()?;
                $chart(SVGBackend::new(path, $size).into_drawing_area(), $($arg),*)
            }
            Some("png") => {
                ensure_font()?;
                $chart(BitMapBackend::new(path, $size).into_drawing_area(), $($arg),*)
            }
            _ => anyhow::bail!("--plot: use a .png or .svg file name ({} given)", path.display()),
        }
    }};
}

/// Draws the three panels for `runs` (label, series) into a `.png` or `.svg` file.
pub fn draw(path: &Path, runs: &[(String, &Series)]) -> anyhow::Result<()> {
    render!(path, (1100, 1000), panels(runs))
}

fn panels<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, runs: &[(String, &Series)]) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let Some((_, first)) = runs.first() else {
        anyhow::bail!("nothing to plot");
    };
    let n = first.price.len();
    root.fill(&WHITE).map_err(|e| anyhow::anyhow!("plot: {e}"))?;
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
    root.present().map_err(|e| anyhow::anyhow!("plot: {e}"))?;
    Ok(())
}

/// The cost–risk frontier chart (`hedge-research frontier`): every setting of every family
/// as a point with 95 % bars on both axes, each family's frontier as a line. Mean cost
/// (fees + impact) against the standard deviation of the final hedging error.
pub fn draw_frontier(path: &Path, title: &str, points: &[crate::frontier::Point]) -> anyhow::Result<()> {
    render!(path, (1000, 700), frontier_chart(title, points))
}

fn frontier_chart<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    title: &str,
    points: &[crate::frontier::Point],
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    use crate::frontier::{frontier, Family};
    let err = |e: String| anyhow::anyhow!("plot: {e}");
    if points.is_empty() {
        anyhow::bail!("nothing to plot");
    }
    root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
    let xmax = points
        .iter()
        .map(|p| p.error_sd + p.error_sd_ci95)
        .fold(0.0f64, f64::max)
        * 1.05;
    let ymax = points
        .iter()
        .map(|p| p.cost.mean + p.cost.ci95)
        .fold(0.0f64, f64::max)
        * 1.05;
    let mut c = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..xmax.max(1e-9), 0.0..ymax.max(1e-9))
        .map_err(|e| err(e.to_string()))?;
    c.configure_mesh()
        .x_desc("standard deviation of the final hedging error (quote per unit)")
        .y_desc("mean hedging cost: fees + impact (quote per unit)")
        .draw()
        .map_err(|e| err(e.to_string()))?;
    let colors = [RGBColor(120, 120, 120), GREEN, BLUE, RED, MAGENTA];
    for (family, color) in Family::ALL.into_iter().zip(colors) {
        let mine: Vec<_> = points.iter().filter(|p| p.family == family).copied().collect();
        if mine.is_empty() {
            continue;
        }
        let style = ShapeStyle::from(&color).stroke_width(1);
        c.draw_series(mine.iter().flat_map(|p| {
            [
                PathElement::new(
                    vec![
                        (p.error_sd, p.cost.mean - p.cost.ci95),
                        (p.error_sd, p.cost.mean + p.cost.ci95),
                    ],
                    style,
                ),
                PathElement::new(
                    vec![
                        (p.error_sd - p.error_sd_ci95, p.cost.mean),
                        (p.error_sd + p.error_sd_ci95, p.cost.mean),
                    ],
                    style,
                ),
            ]
        }))
        .map_err(|e| err(e.to_string()))?;
        c.draw_series(
            mine.iter()
                .map(|p| Circle::new((p.error_sd, p.cost.mean), 3, color.filled())),
        )
        .map_err(|e| err(e.to_string()))?;
        c.draw_series(LineSeries::new(
            frontier(&mine).into_iter().map(|p| (p.error_sd, p.cost.mean)),
            ShapeStyle::from(&color).stroke_width(2),
        ))
        .map_err(|e| err(e.to_string()))?
        .label(family.name())
        .legend(move |(x, y)| {
            PathElement::new(
                vec![(x, y), (x + 20, y)],
                ShapeStyle::from(&color).stroke_width(2),
            )
        });
    }
    c.configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| err(e.to_string()))?;
    root.present().map_err(|e| err(e.to_string()))?;
    Ok(())
}

/// The gamma-exposure map chart (`hedge-research gamma-map`): the keeper's trade (quote)
/// at each price level as bars, and the book's dollar gamma as a line.
pub fn draw_gamma_map(path: &Path, title: &str, levels: &[crate::gamma_map::Level]) -> anyhow::Result<()> {
    render!(path, (1000, 600), gamma_chart(title, levels))
}

fn gamma_chart<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    title: &str,
    levels: &[crate::gamma_map::Level],
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let err = |e: String| anyhow::anyhow!("plot: {e}");
    let (Some(first), Some(last)) = (levels.first(), levels.last()) else {
        anyhow::bail!("nothing to plot");
    };
    root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
    let span = levels
        .iter()
        .flat_map(|l| [l.trade_quote.abs(), l.gamma_exposure.abs()])
        .fold(0.0f64, f64::max)
        .max(1e-9)
        * 1.1;
    let width = (last.price - first.price).abs() / levels.len().max(2) as f64 * 0.35;
    let mut c = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(80)
        .build_cartesian_2d(first.price - 2.0 * width..last.price + 2.0 * width, -span..span)
        .map_err(|e| err(e.to_string()))?;
    c.configure_mesh()
        .x_desc("underlying price (quote)")
        .y_desc("quote")
        .draw()
        .map_err(|e| err(e.to_string()))?;
    c.draw_series(levels.iter().map(|l| {
        let color = if l.trade_quote >= 0.0 { GREEN } else { RED };
        Rectangle::new(
            [(l.price - width, 0.0), (l.price + width, l.trade_quote)],
            color.mix(0.6).filled(),
        )
    }))
    .map_err(|e| err(e.to_string()))?
    .label("keeper trade at this price (quote; green buys, red sells)")
    .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 15, y + 5)], RED.mix(0.6).filled()));
    c.draw_series(LineSeries::new(
        levels.iter().map(|l| (l.price, l.gamma_exposure)),
        ShapeStyle::from(&BLUE).stroke_width(2),
    ))
    .map_err(|e| err(e.to_string()))?
    .label("book dollar gamma (quote per 1 % move)")
    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], ShapeStyle::from(&BLUE).stroke_width(2)));
    c.configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| err(e.to_string()))?;
    root.present().map_err(|e| err(e.to_string()))?;
    Ok(())
}
