//! Volatility estimation from observed prices: EWMA and GARCH(1,1) fitted by maximum
//! likelihood. Off-chain statistics in f64 (the on-chain engine only consumes σ).

/// Log returns of a price series.
pub fn log_returns(prices: &[f64]) -> Vec<f64> {
    prices
        .windows(2)
        .filter(|w| w[0] > 0.0 && w[1] > 0.0)
        .map(|w| (w[1] / w[0]).ln())
        .collect()
}

/// EWMA variance per period (RiskMetrics), seeded with the sample variance of the first
/// returns. Returns the variance after the last return.
pub fn ewma_variance(returns: &[f64], lambda: f64) -> Option<f64> {
    let seed_n = returns.len().min(20);
    if seed_n < 2 {
        return None;
    }
    let mut var = returns[..seed_n].iter().map(|r| r * r).sum::<f64>() / seed_n as f64;
    for r in returns {
        var = lambda * var + (1.0 - lambda) * r * r;
    }
    Some(var)
}

/// GARCH(1,1) parameters: σ²ₜ = ω + α·r²ₜ₋₁ + β·σ²ₜ₋₁.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Garch {
    pub omega: f64,
    pub alpha: f64,
    pub beta: f64,
}

impl Garch {
    fn valid(&self) -> bool {
        self.omega > 0.0 && self.alpha >= 0.0 && self.beta >= 0.0 && self.alpha + self.beta < 0.999
    }

    /// Gaussian negative log-likelihood (up to constants) and the final variance.
    pub fn nll(&self, returns: &[f64]) -> (f64, f64) {
        let n = returns.len() as f64;
        let mut var = returns.iter().map(|r| r * r).sum::<f64>() / n.max(1.0);
        let mut nll = 0.0;
        for r in returns {
            nll += var.ln() + r * r / var;
            var = self.omega + self.alpha * r * r + self.beta * var;
        }
        (0.5 * nll, var)
    }

    /// Fits by maximum likelihood with variance targeting: ω = σ̄²(1 − α − β), where σ̄²
    /// is the sample variance, and Nelder–Mead over (persistence α+β, share α/(α+β)),
    /// from several starts.
    pub fn fit(returns: &[f64]) -> Option<Garch> {
        if returns.len() < 30 {
            return None;
        }
        let sample = returns.iter().map(|r| r * r).sum::<f64>() / returns.len() as f64;
        if sample.is_nan() || sample <= 0.0 {
            return None;
        }
        let sigmoid = |x: f64| 1.0 / (1.0 + (-x).exp());
        let decode = |x: &[f64; 2]| -> Garch {
            let persistence = 0.998 * sigmoid(x[0]);
            let alpha = persistence * sigmoid(x[1]);
            Garch {
                omega: sample * (1.0 - persistence),
                alpha,
                beta: persistence - alpha,
            }
        };
        let f = |x: &[f64; 2]| {
            let g = decode(x);
            if g.valid() {
                g.nll(returns).0
            } else {
                f64::INFINITY
            }
        };
        let logit = |p: f64| (p / (1.0 - p)).ln();
        let best = [(0.90, 0.10), (0.97, 0.08), (0.80, 0.25), (0.50, 0.30)]
            .into_iter()
            .map(|(pers, share)| nelder_mead(f, [logit(pers / 0.998), logit(share)], 300))
            .min_by(|a, b| f(a).total_cmp(&f(b)))?;
        let g = decode(&best);
        g.valid().then_some(g)
    }

    /// Variance after the last return.
    pub fn last_variance(&self, returns: &[f64]) -> f64 {
        self.nll(returns).1
    }
}

/// Minimal Nelder–Mead.
fn nelder_mead<const N: usize>(f: impl Fn(&[f64; N]) -> f64, start: [f64; N], iters: usize) -> [f64; N] {
    let mut pts: Vec<([f64; N], f64)> = (0..=N)
        .map(|i| {
            let mut p = start;
            if i > 0 {
                p[i - 1] += 0.5;
            }
            (p, f(&p))
        })
        .collect();
    for _ in 0..iters {
        pts.sort_by(|a, b| a.1.total_cmp(&b.1));
        let centroid: [f64; N] =
            std::array::from_fn(|k| pts[..N].iter().map(|p| p.0[k]).sum::<f64>() / N as f64);
        let worst = pts[N];
        let at =
            |t: f64| -> [f64; N] { std::array::from_fn(|k| centroid[k] + t * (worst.0[k] - centroid[k])) };
        let r = at(-1.0);
        let fr = f(&r);
        if fr < pts[0].1 {
            let e = at(-2.0);
            let fe = f(&e);
            pts[N] = if fe < fr { (e, fe) } else { (r, fr) };
        } else if fr < pts[N - 1].1 {
            pts[N] = (r, fr);
        } else {
            let c = at(0.5);
            let fc = f(&c);
            if fc < worst.1 {
                pts[N] = (c, fc);
            } else {
                let best = pts[0].0;
                for p in pts.iter_mut().skip(1) {
                    p.0 = std::array::from_fn(|k| best[k] + 0.5 * (p.0[k] - best[k]));
                    p.1 = f(&p.0);
                }
            }
        }
    }
    pts.sort_by(|a, b| a.1.total_cmp(&b.1));
    pts[0].0
}

/// Annualised σ forecast from prices sampled every `period_secs`: GARCH(1,1) when it
/// fits, else EWMA(λ = 0.94).
pub fn forecast_sigma(prices: &[f64], period_secs: f64) -> Option<f64> {
    let r = log_returns(prices);
    let periods_per_year = 31_536_000.0 / period_secs;
    let var = match Garch::fit(&r) {
        Some(g) => g.last_variance(&r),
        None => ewma_variance(&r, 0.94)?,
    };
    Some((var * periods_per_year).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal};

    fn gbm(sigma: f64, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let dt: f64 = 1.0 / 365.0;
        let z = Normal::new(0.0, 1.0).unwrap();
        let mut p = vec![100.0];
        for _ in 0..n {
            let last = *p.last().unwrap();
            p.push(last * (sigma * dt.sqrt() * z.sample(&mut rng) - 0.5 * sigma * sigma * dt).exp());
        }
        p
    }

    #[test]
    fn ewma_and_garch_recover_a_constant_vol() {
        let p = gbm(0.8, 2_000, 7);
        let r = log_returns(&p);
        let ewma = (ewma_variance(&r, 0.94).unwrap() * 365.0).sqrt();
        assert!((ewma - 0.8).abs() < 0.25, "ewma {ewma}");
        let sigma = forecast_sigma(&p, 86_400.0).unwrap();
        assert!((sigma - 0.8).abs() < 0.15, "garch {sigma}");
    }

    #[test]
    fn garch_fit_beats_its_start_on_clustered_vol() {
        // Simulate a GARCH(1,1) with known parameters.
        let truth = Garch {
            omega: 2e-6,
            alpha: 0.1,
            beta: 0.85,
        };
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let z = Normal::new(0.0, 1.0).unwrap();
        let mut var = truth.omega / (1.0 - truth.alpha - truth.beta);
        let mut r = Vec::new();
        for _ in 0..3_000 {
            let x = var.sqrt() * z.sample(&mut rng);
            r.push(x);
            var = truth.omega + truth.alpha * x * x + truth.beta * var;
        }
        let fit = Garch::fit(&r).unwrap();
        assert!(fit.nll(&r).0 <= truth.nll(&r).0 + 5.0, "fit {fit:?}");
        assert!((fit.alpha + fit.beta - 0.95).abs() < 0.05, "persistence {fit:?}");
    }

    #[test]
    fn too_little_data_is_none() {
        assert_eq!(forecast_sigma(&[100.0], 60.0), None);
        assert!(Garch::fit(&[0.01; 10]).is_none());
    }
}
