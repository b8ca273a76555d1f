//! Learned no-trade band: Whalley–Wilmott width × a learned correction.
//!
//! A small MLP (candle, CPU, f64) maps (time to expiry, moneyness, σ, the book's Γ·S, λ)
//! to a correction c = exp(ln 4 · tanh(o)) ∈ [¼, 4] of the Whalley–Wilmott half-width.
//! Time and moneyness enter as the centre of their cell of the on-chain table, and Γ·S as
//! the book's gamma at that centre, so the network is constant within a cell and the
//! exported table reproduces it exactly at the reference σ and λ. With its
//! output layer at zero (the initial state) c = 1 exactly, so the prior is WW. Training
//! is deep-hedging style: the hedge of a protective-put book is simulated on generated
//! paths with a differentiable band (new = Δ + H·tanh((net − Δ)/H)), and the mean-variance
//! risk of the hedging error net of costs is minimised with AdamW. Everything is seeded.
//! The network is then distilled into a 4 × 5 table over (τ, ln S/K) — the form
//! governance can put on-chain — and judged out of sample with the hard-band backtest
//! engine.
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use hedge_math::{bs_greeks, correction_cell, BsInputs, Fix, OptionKind, CORRECTION_CELLS};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use serde::Serialize;

use crate::backtest::generators::Generator;
use crate::backtest::{Book, BookSpec, Policy};

const LN4: f64 = std::f64::consts::LN_2 * 2.0;
const HIDDEN: usize = 16;
const FEATURES: usize = 5;

/// Training settings.
#[derive(Debug, Clone, Serialize)]
pub struct LearnConfig {
    pub seed: u64,
    /// Paths per training batch.
    pub paths: usize,
    /// Daily steps per path (the option's tenor).
    pub steps: usize,
    pub iters: usize,
    pub lr: f64,
    /// Weight of the variance in the mean-variance objective.
    pub risk_weight: f64,
    /// Implied vol of the book.
    pub sigma_book: f64,
    /// Whalley–Wilmott risk aversion γ.
    pub risk_aversion: f64,
    /// Floor of every band (fraction of collateral).
    pub min_band: f64,
}

impl Default for LearnConfig {
    fn default() -> Self {
        LearnConfig {
            seed: 7,
            paths: 384,
            steps: 60,
            iters: 120,
            lr: 0.02,
            risk_weight: 0.5,
            sigma_book: 0.8,
            risk_aversion: 1.0,
            min_band: 0.005,
        }
    }
}

/// The training generators (seen) and the validation generators (not seen in training).
pub fn train_generators(dt: f64) -> Vec<(String, Generator)> {
    vec![
        ("GBM σ=0.6".into(), Generator::Gbm { mu: 0.0, sigma: 0.6 }),
        ("GBM σ=0.9".into(), Generator::Gbm { mu: 0.0, sigma: 0.9 }),
        (
            "Merton".into(),
            Generator::named("merton", 0.8, dt).expect("merton"),
        ),
        (
            "Heston".into(),
            Generator::named("heston", 0.8, dt).expect("heston"),
        ),
    ]
}

pub fn test_generators(dt: f64) -> Vec<(String, Generator)> {
    vec![
        (
            "GBM σ=1.2 (unseen)".into(),
            Generator::Gbm { mu: 0.1, sigma: 1.2 },
        ),
        (
            "Merton, big jumps (unseen)".into(),
            Generator::Merton {
                mu: 0.0,
                sigma: 0.5,
                lambda: 12.0,
                jump_mu: -0.08,
                jump_sigma: 0.15,
            },
        ),
        (
            "GARCH (unseen)".into(),
            Generator::named("garch", 0.9, dt).expect("garch"),
        ),
    ]
}

/// The MLP, as plain variables (seeded initialisation, output layer at zero).
pub struct Model {
    w1: Var,
    b1: Var,
    w2: Var,
    b2: Var,
    w3: Var,
    b3: Var,
}

fn var(rng: &mut StdRng, rows: usize, cols: usize, scale: f64) -> candle_core::Result<Var> {
    let n = Normal::new(0.0, scale).expect("normal");
    let v: Vec<f64> = (0..rows * cols).map(|_| n.sample(rng)).collect();
    Var::from_tensor(&Tensor::from_vec(v, (rows, cols), &Device::Cpu)?)
}

impl Model {
    /// A fresh model: hidden layers random (seeded), output layer zero (c ≡ 1).
    pub fn new(seed: u64) -> candle_core::Result<Self> {
        let mut rng = StdRng::seed_from_u64(seed);
        let s1 = (1.0 / FEATURES as f64).sqrt();
        let s2 = (1.0 / HIDDEN as f64).sqrt();
        Ok(Model {
            w1: var(&mut rng, FEATURES, HIDDEN, s1)?,
            b1: var(&mut rng, 1, HIDDEN, 0.0)?,
            w2: var(&mut rng, HIDDEN, HIDDEN, s2)?,
            b2: var(&mut rng, 1, HIDDEN, 0.0)?,
            w3: var(&mut rng, HIDDEN, 1, 0.0)?,
            b3: var(&mut rng, 1, 1, 0.0)?,
        })
    }

    fn vars(&self) -> Vec<Var> {
        vec![
            self.w1.clone(),
            self.b1.clone(),
            self.w2.clone(),
            self.b2.clone(),
            self.w3.clone(),
            self.b3.clone(),
        ]
    }

    /// Corrections for feature rows `[n, 5]` → `[n]`.
    pub fn correction(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let h = x
            .matmul(self.w1.as_tensor())?
            .broadcast_add(self.b1.as_tensor())?
            .tanh()?;
        let h = h
            .matmul(self.w2.as_tensor())?
            .broadcast_add(self.b2.as_tensor())?
            .tanh()?;
        let o = h
            .matmul(self.w3.as_tensor())?
            .broadcast_add(self.b3.as_tensor())?;
        (o.tanh()? * LN4)?.exp()?.flatten_all()
    }

    /// Correction at one point.
    pub fn correction_at(&self, f: [f64; FEATURES]) -> candle_core::Result<f64> {
        let x = Tensor::from_vec(f.to_vec(), (1, FEATURES), &Device::Cpu)?;
        self.correction(&x)?.to_vec1::<f64>().map(|v| v[0])
    }
}

/// Centre of each τ row (days) and moneyness column of the correction table.
const TAU_CENTRES_DAYS: [f64; 4] = [3.5, 18.5, 60.0, 135.0];
const MONEYNESS_CENTRES: [f64; 5] = [-0.3, -0.125, 0.0, 0.125, 0.3];

/// Normalised features: the table cell's centre in (τ, ln S/K), σ, the book's Γ·S at
/// that centre, and λ.
pub fn features(tau_years: f64, log_moneyness: f64, sigma: f64, lambda: f64) -> [f64; FEATURES] {
    let cell = correction_cell((tau_years * 31_536_000.0) as i64, Fix::from_num(log_moneyness));
    let (row, col) = (cell / 5, cell % 5);
    let (tau_c, m_c) = (TAU_CENTRES_DAYS[row] / 365.0, MONEYNESS_CENTRES[col]);
    let (_, _, gamma) = put_greeks(1.0, (-m_c).exp(), sigma, tau_c);
    [
        TAU_CENTRES_DAYS[row] / 30.0,
        m_c / 0.2,
        sigma,
        gamma / 2.0,
        lambda / 0.001,
    ]
}

/// Per-step inputs of one batch, precomputed with hedge-math (the target's Greeks do not
/// depend on the band, so they stay outside the graph).
pub struct Batch {
    /// [steps + 1, B] prices.
    s: Tensor,
    /// [steps, B] target deltas, [steps + 1, B] target values, [steps, B] WW widths.
    delta: Tensor,
    value: Tensor,
    ww: Tensor,
    /// [steps · B, 5] features.
    feats: Tensor,
    /// [B] cost λ per path.
    lambda: Tensor,
    steps: usize,
    paths: usize,
}

fn put_greeks(s: f64, k: f64, sigma: f64, tau: f64) -> (f64, f64, f64) {
    let g = bs_greeks(
        OptionKind::Put,
        &BsInputs {
            spot: Fix::from_num(s),
            strike: Fix::from_num(k),
            vol: Fix::from_num(sigma),
            t_years: Fix::from_num(tau.max(0.0)),
            r: Fix::ZERO,
            q: Fix::ZERO,
        },
    )
    .unwrap_or_default();
    (g.price.to_num(), g.delta.to_num(), g.gamma.to_num())
}

/// WW half-width (hedge-math), floored.
pub fn ww_width(lambda: f64, s: f64, gamma: f64, risk_aversion: f64, min_band: f64) -> f64 {
    hedge_math::whalley_wilmott_half_width(
        Fix::from_num(lambda),
        Fix::from_num(s),
        Fix::from_num(gamma),
        Fix::from_num(risk_aversion),
        Fix::ZERO,
        Fix::ZERO,
    )
    .map(|h| h.to_num::<f64>())
    .unwrap_or(0.0)
    .max(min_band)
}

/// Builds a batch of protective-put hedges (ATM, tenor = `steps` days + 1) on `paths`.
pub fn batch(cfg: &LearnConfig, paths: &[Vec<f64>], lambdas: &[f64]) -> candle_core::Result<Batch> {
    let dt = 1.0 / 365.0;
    let n = cfg.steps;
    let b = paths.len();
    let tenor = (n as f64 + 1.0) * dt;
    let (mut s, mut delta, mut value, mut ww, mut feats) = (vec![], vec![], vec![], vec![], vec![]);
    for t in 0..=n {
        for (j, p) in paths.iter().enumerate() {
            let st = p[t];
            let tau = tenor - t as f64 * dt;
            let (price, d, g) = put_greeks(st, p[0], cfg.sigma_book, tau);
            s.push(st);
            value.push(st + price);
            if t < n {
                delta.push(1.0 + d);
                ww.push(ww_width(lambdas[j], st, g, cfg.risk_aversion, cfg.min_band));
                feats.extend(features(tau, (st / p[0]).ln(), cfg.sigma_book, lambdas[j]));
            }
        }
    }
    let dev = &Device::Cpu;
    Ok(Batch {
        s: Tensor::from_vec(s, (n + 1, b), dev)?,
        delta: Tensor::from_vec(delta, (n, b), dev)?,
        value: Tensor::from_vec(value, (n + 1, b), dev)?,
        ww: Tensor::from_vec(ww, (n, b), dev)?,
        feats: Tensor::from_vec(feats, (n * b, FEATURES), dev)?,
        lambda: Tensor::from_vec(lambdas.to_vec(), b, dev)?,
        steps: n,
        paths: b,
    })
}

/// The soft-band hedge: the mean-variance objective and the final errors.
pub fn soft_objective(model: &Model, b: &Batch, risk_weight: f64) -> candle_core::Result<(Tensor, Tensor)> {
    let c = model.correction(&b.feats)?.reshape((b.steps, b.paths))?;
    let h = ((&b.ww * c)? + 1e-6)?;
    let mut net = b.delta.get(0)?;
    let mut err = Tensor::zeros(b.paths, DType::F64, &Device::Cpu)?;
    for t in 0..b.steps {
        let (d, ht, st) = (b.delta.get(t)?, h.get(t)?, b.s.get(t)?);
        let dev = (&net - &d)?;
        let new = (&d + (&ht * (dev / &ht)?.tanh()?)?)?;
        let trade = (&new - &net)?;
        let cost = ((trade.sqr()? + 1e-12)?.sqrt()? * &st)?.mul(&b.lambda)?;
        let ds = (b.s.get(t + 1)? - &st)?;
        let dv = (b.value.get(t + 1)? - b.value.get(t)?)?;
        err = ((err + (&new * ds)?)? - dv)?.sub(&cost)?;
        net = new;
    }
    let mean = err.mean_all()?;
    let var = (err.sqr()?.mean_all()? - mean.sqr()?)?;
    let obj = ((var * risk_weight)? - &mean)?;
    Ok((obj, err))
}

/// Training report.
#[derive(Debug, Clone, Serialize)]
pub struct Trained {
    pub objective_start: f64,
    pub objective_end: f64,
    /// Distilled table (bps, 10 000 = ×1), rows τ < 7 d, < 30 d, < 90 d, ≥ 90 d; columns
    /// ln(S/K) < −0.2, < −0.05, < 0.05, < 0.2, ≥ 0.2.
    pub table_bps: [u16; CORRECTION_CELLS],
    /// Largest relative difference between the table and the network on the
    /// distillation grid.
    pub distill_max_rel_error: f64,
}

fn train_paths(cfg: &LearnConfig, seed: u64) -> (Vec<Vec<f64>>, Vec<f64>) {
    let dt = 1.0 / 365.0;
    let gens = train_generators(dt);
    let mut rng = StdRng::seed_from_u64(seed);
    let lambdas = [0.0005, 0.001, 0.002];
    (0..cfg.paths)
        .map(|i| {
            let g = &gens[i % gens.len()].1;
            (
                g.path(100.0, dt, cfg.steps, rng.gen()),
                lambdas[rng.gen_range(0..lambdas.len())],
            )
        })
        .unzip()
}

/// Trains a model (deterministic for a seed).
pub fn train(cfg: &LearnConfig, progress: bool) -> candle_core::Result<(Model, Trained)> {
    let model = Model::new(cfg.seed)?;
    let (paths, lambdas) = train_paths(cfg, cfg.seed);
    let b = batch(cfg, &paths, &lambdas)?;
    let mut opt = AdamW::new(
        model.vars(),
        ParamsAdamW {
            lr: cfg.lr,
            weight_decay: 0.0,
            ..Default::default()
        },
    )?;
    let start = soft_objective(&model, &b, cfg.risk_weight)?
        .0
        .to_scalar::<f64>()?;
    let mut last = start;
    for it in 0..cfg.iters {
        let (obj, _) = soft_objective(&model, &b, cfg.risk_weight)?;
        last = obj.to_scalar::<f64>()?;
        opt.backward_step(&obj)?;
        if progress && (it % 20 == 0 || it + 1 == cfg.iters) {
            eprintln!("  iter {it:>4}/{}  objective {last:.5}", cfg.iters);
        }
    }
    let (table_bps, distill_max_rel_error) = distill(&model, cfg, 24)?;
    Ok((
        model,
        Trained {
            objective_start: start,
            objective_end: last,
            table_bps,
            distill_max_rel_error,
        },
    ))
}

/// Representative (τ years, ln S/K) grid points inside each table cell.
pub fn cell_grid(per_axis: usize) -> Vec<(usize, f64, f64)> {
    let tau_edges = [0.5, 7.0, 30.0, 90.0, 180.0];
    let m_edges = [-0.4, -0.2, -0.05, 0.05, 0.2, 0.4];
    let mut out = Vec::new();
    for r in 0..4 {
        for c in 0..5 {
            for i in 0..per_axis {
                for j in 0..per_axis {
                    let fi = (i as f64 + 0.5) / per_axis as f64;
                    let fj = (j as f64 + 0.5) / per_axis as f64;
                    let tau_days = tau_edges[r] + fi * (tau_edges[r + 1] - tau_edges[r]);
                    let m = m_edges[c] + fj * (m_edges[c + 1] - m_edges[c]);
                    out.push((r * 5 + c, tau_days / 365.0, m));
                }
            }
        }
    }
    out
}

/// The network's correction at (τ, m) with the book's σ and λ = 10 bps.
pub fn net_correction(model: &Model, cfg: &LearnConfig, tau: f64, m: f64) -> candle_core::Result<f64> {
    model.correction_at(features(tau, m, cfg.sigma_book, 0.001))
}

/// Distils the network into the table: the mean correction of each cell on a grid.
pub fn distill(
    model: &Model,
    cfg: &LearnConfig,
    per_axis: usize,
) -> candle_core::Result<([u16; CORRECTION_CELLS], f64)> {
    let grid = cell_grid(per_axis);
    let mut sum = [0.0f64; CORRECTION_CELLS];
    let mut cnt = [0usize; CORRECTION_CELLS];
    let mut vals = Vec::with_capacity(grid.len());
    for &(cell, tau, m) in &grid {
        let c = net_correction(model, cfg, tau, m)?;
        sum[cell] += c;
        cnt[cell] += 1;
        vals.push((cell, c));
    }
    let mut table = [10_000u16; CORRECTION_CELLS];
    for i in 0..CORRECTION_CELLS {
        let c = sum[i] / cnt[i].max(1) as f64;
        table[i] = (c * 10_000.0).round().clamp(2_500.0, 40_000.0) as u16;
    }
    let max_rel = vals
        .iter()
        .map(|(cell, c)| ((f64::from(table[*cell]) / 10_000.0) - c).abs() / c)
        .fold(0.0f64, f64::max);
    Ok((table, max_rel))
}

/// The hard-band policy with the distilled table.
pub fn learned_policy(cfg: &LearnConfig, table_bps: [u16; CORRECTION_CELLS]) -> Policy {
    Policy::LearnedWw {
        lambda: 0.001,
        risk_aversion: cfg.risk_aversion,
        min_band: cfg.min_band,
        table_bps,
    }
}

pub use crate::backtest::engine::cell_of;

/// A protective-put book for a window starting at `s0` with `steps` daily steps.
pub fn window_book(cfg: &LearnConfig, s0: f64, steps: usize) -> Book {
    Book::resolve(
        BookSpec::ProtectivePut {
            strike_mult: 1.0,
            tenor_years: (steps as f64 + 1.0) / 365.0,
        },
        s0,
        cfg.sigma_book,
        0.0,
        0.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backtest::{run_path, Costs, Scenario};

    fn small() -> LearnConfig {
        LearnConfig {
            paths: 32,
            steps: 20,
            iters: 5,
            ..LearnConfig::default()
        }
    }

    #[test]
    fn an_untrained_model_is_exactly_whalley_wilmott() {
        let cfg = small();
        let m = Model::new(3).unwrap();
        for f in [[0.1, 0.0, 0.8, 1.0, 1.0], [3.0, -2.0, 1.5, 0.1, 0.5]] {
            assert_eq!(m.correction_at(f).unwrap(), 1.0);
        }
        let (table, err) = distill(&m, &cfg, 4).unwrap();
        assert_eq!(table, [10_000; CORRECTION_CELLS]);
        assert_eq!(err, 0.0);
        // The hard-band policy with that table is Whalley–Wilmott, decision for decision.
        let g = Generator::Gbm { mu: 0.0, sigma: 0.8 };
        let p = g.path(100.0, 1.0 / 365.0, 60, 11);
        let book = window_book(&cfg, p[0], 60);
        let costs = Costs {
            fee_bps: 10.0,
            impact_depth: 1e9,
            funding: vec![0.0],
        };
        let ww = Policy::WhalleyWilmott {
            lambda: 0.001,
            risk_aversion: cfg.risk_aversion,
            min_band: cfg.min_band,
        };
        let a = run_path(&p, 1.0 / 365.0, &book, &ww, &costs, &Scenario::default(), false);
        let b = run_path(
            &p,
            1.0 / 365.0,
            &book,
            &learned_policy(&cfg, table),
            &costs,
            &Scenario::default(),
            false,
        );
        assert!(a.rebalances > 0);
        assert_eq!(
            (a.rebalances, a.final_error, a.fees),
            (b.rebalances, b.final_error, b.fees)
        );
    }

    #[test]
    fn training_is_deterministic_for_a_seed_and_improves_its_objective() {
        let cfg = small();
        let (_, a) = train(&cfg, false).unwrap();
        let (_, b) = train(&cfg, false).unwrap();
        assert_eq!(a.table_bps, b.table_bps);
        assert_eq!(a.objective_end, b.objective_end);
        let other = LearnConfig { seed: 8, ..small() };
        let (_, c) = train(&other, false).unwrap();
        assert_ne!(a.objective_start, c.objective_start, "the seed matters");
        assert!(a.objective_end <= a.objective_start);
    }

    #[test]
    fn the_exported_table_reproduces_the_network_within_the_stated_error() {
        let cfg = LearnConfig { iters: 30, ..small() };
        let (model, t) = train(&cfg, false).unwrap();
        // Constant within each cell: only the table's 1-bps rounding (and its [¼, 4] clamp,
        // which the network's own range already respects) remains.
        assert!(
            t.distill_max_rel_error < 1e-3,
            "stated error {}",
            t.distill_max_rel_error
        );
        // On a different (finer) grid the table stays within the stated error, with a
        // small allowance for points the distillation grid did not sample.
        let worst = cell_grid(31)
            .into_iter()
            .map(|(cell, tau, m)| {
                let c = net_correction(&model, &cfg, tau, m).unwrap();
                ((f64::from(t.table_bps[cell]) / 10_000.0) - c).abs() / c
            })
            .fold(0.0f64, f64::max);
        assert!(
            worst <= t.distill_max_rel_error * 1.1 + 1e-3,
            "{worst} vs stated {}",
            t.distill_max_rel_error
        );
    }
}
