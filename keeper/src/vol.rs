//! Volatility estimation from observed prices: EWMA, GARCH(1,1) fitted by maximum
//! likelihood, and a two-regime Markov-switching variance model fitted by EM. Off-chain
//! statistics in f64 (the on-chain engine only consumes σ).

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

/// Two volatility regimes with Markov switching: rₜ ~ N(0, σ²ₛₜ), sₜ ∈ {calm, turbulent}
/// with transition probabilities `stay[i]` = P(sₜ₊₁ = i | sₜ = i). Fitted by EM (the
/// Baum–Welch recursions for a Gaussian hidden Markov model with zero means).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Regimes {
    /// Per-period variance of each regime (calm first).
    pub variance: [f64; 2],
    /// Probability of staying in each regime.
    pub stay: [f64; 2],
    /// P(regime | returns so far) after the last return.
    pub last: [f64; 2],
}

impl Regimes {
    /// Fits on `returns` (at least 30), starting from the calm and turbulent halves of the
    /// sample variance. `None` when the data do not support two regimes.
    pub fn fit(returns: &[f64]) -> Option<Regimes> {
        let n = returns.len();
        if n < 30 {
            return None;
        }
        let sample = returns.iter().map(|r| r * r).sum::<f64>() / n as f64;
        if !(sample.is_finite() && sample > 0.0) {
            return None;
        }
        let floor = sample * 1e-4;
        let mut var = [sample * 0.5, sample * 2.0];
        let mut stay = [0.95, 0.90];
        let density = |r: f64, v: f64| (-(r * r) / (2.0 * v)).exp() / (2.0 * std::f64::consts::PI * v).sqrt();
        let mut alpha = vec![[0.0f64; 2]; n];
        let mut beta = vec![[1.0f64; 2]; n];
        for _ in 0..200 {
            let trans = [[stay[0], 1.0 - stay[0]], [1.0 - stay[1], stay[1]]];
            // Forward (scaled).
            let mut prev = [0.5, 0.5];
            for (t, r) in returns.iter().enumerate() {
                let mut a = [0.0; 2];
                for (j, aj) in a.iter_mut().enumerate() {
                    let pred = if t == 0 {
                        prev[j]
                    } else {
                        prev[0] * trans[0][j] + prev[1] * trans[1][j]
                    };
                    *aj = pred * density(*r, var[j]).max(1e-300);
                }
                let c = a[0] + a[1];
                if !(c.is_finite() && c > 0.0) {
                    return None;
                }
                a = [a[0] / c, a[1] / c];
                alpha[t] = a;
                prev = a;
            }
            // Backward (scaled).
            beta[n - 1] = [1.0, 1.0];
            for t in (0..n - 1).rev() {
                let e = [density(returns[t + 1], var[0]), density(returns[t + 1], var[1])];
                let mut b = [0.0; 2];
                for (i, bi) in b.iter_mut().enumerate() {
                    *bi = trans[i][0] * e[0] * beta[t + 1][0] + trans[i][1] * e[1] * beta[t + 1][1];
                }
                let c = b[0] + b[1];
                if !(c.is_finite() && c > 0.0) {
                    return None;
                }
                beta[t] = [b[0] / c, b[1] / c];
            }
            // M step.
            let mut num = [0.0; 2];
            let mut den = [0.0; 2];
            let mut stay_num = [0.0; 2];
            let mut from = [0.0; 2];
            for t in 0..n {
                let g = [alpha[t][0] * beta[t][0], alpha[t][1] * beta[t][1]];
                let z = g[0] + g[1];
                for j in 0..2 {
                    let gj = g[j] / z;
                    num[j] += gj * returns[t] * returns[t];
                    den[j] += gj;
                }
                if t + 1 < n {
                    let e = [density(returns[t + 1], var[0]), density(returns[t + 1], var[1])];
                    let mut xi = [[0.0; 2]; 2];
                    let mut total = 0.0;
                    for i in 0..2 {
                        for j in 0..2 {
                            xi[i][j] = alpha[t][i] * trans[i][j] * e[j] * beta[t + 1][j];
                            total += xi[i][j];
                        }
                    }
                    for i in 0..2 {
                        stay_num[i] += xi[i][i] / total;
                        from[i] += (xi[i][0] + xi[i][1]) / total;
                    }
                }
            }
            let new_var = [
                (num[0] / den[0].max(1e-12)).max(floor),
                (num[1] / den[1].max(1e-12)).max(floor),
            ];
            let new_stay = [
                (stay_num[0] / from[0].max(1e-12)).clamp(0.5, 0.999),
                (stay_num[1] / from[1].max(1e-12)).clamp(0.5, 0.999),
            ];
            let moved = (new_var[0] - var[0]).abs() + (new_var[1] - var[1]).abs();
            var = new_var;
            stay = new_stay;
            if moved < sample * 1e-9 {
                break;
            }
        }
        // Calm first.
        let (variance, stay, last) = if var[0] <= var[1] {
            (var, stay, alpha[n - 1])
        } else {
            (
                [var[1], var[0]],
                [stay[1], stay[0]],
                [alpha[n - 1][1], alpha[n - 1][0]],
            )
        };
        (variance.iter().all(|v| v.is_finite() && *v > 0.0) && variance[1] > variance[0] * 1.05)
            .then_some(Regimes { variance, stay, last })
    }

    /// Mean per-period variance over the next `horizon` periods, from the regime
    /// probabilities after the last return, propagated through the transition matrix.
    pub fn forecast(&self, horizon: usize) -> f64 {
        let mut p = self.last;
        let mut sum = 0.0;
        for _ in 0..horizon.max(1) {
            p = [
                p[0] * self.stay[0] + p[1] * (1.0 - self.stay[1]),
                p[0] * (1.0 - self.stay[0]) + p[1] * self.stay[1],
            ];
            sum += p[0] * self.variance[0] + p[1] * self.variance[1];
        }
        sum / horizon.max(1) as f64
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
    fn regimes_recover_a_calm_and_a_turbulent_period() {
        // 300 calm days at 30 %, 300 turbulent at 120 %, back and forth.
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        let dt: f64 = 1.0 / 365.0;
        let mut r = Vec::new();
        for block in 0..4 {
            let sigma: f64 = if block % 2 == 0 { 0.3 } else { 1.2 };
            let z = Normal::new(0.0, sigma * dt.sqrt()).unwrap();
            r.extend((0..300).map(|_| z.sample(&mut rng)));
        }
        let m = Regimes::fit(&r).expect("two regimes");
        let ann = |v: f64| (v / dt).sqrt();
        assert!((ann(m.variance[0]) - 0.3).abs() < 0.05, "{m:?}");
        assert!((ann(m.variance[1]) - 1.2).abs() < 0.15, "{m:?}");
        assert!(m.stay[0] > 0.98 && m.stay[1] > 0.98, "{m:?}");
        // The sample ends turbulent: the forecast starts there and reverts slowly.
        assert!(m.last[1] > 0.9, "{m:?}");
        assert!(m.forecast(1) > m.forecast(200) && m.forecast(200) > m.variance[0]);
        // One regime only: no second regime is invented.
        let calm: Vec<f64> = r[..300].to_vec();
        if let Some(c) = Regimes::fit(&calm) {
            assert!(ann(c.variance[1]) / ann(c.variance[0]) < 1.6, "{c:?}");
        }
    }

    #[test]
    fn too_little_data_is_none() {
        assert_eq!(forecast_sigma(&[100.0], 60.0), None);
        assert!(Garch::fit(&[0.01; 10]).is_none());
    }
}
