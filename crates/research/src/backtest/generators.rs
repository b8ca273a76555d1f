//! Seeded price-path generators: GBM, Merton jump-diffusion, Heston stochastic
//! volatility, and GARCH(1,1) returns. `dt` is in years.
use rand::rngs::StdRng;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal, Poisson};
use serde::Serialize;

/// A generator and its parameters (annualised unless noted).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "model")]
pub enum Generator {
    Gbm {
        mu: f64,
        sigma: f64,
    },
    /// Jumps: `lambda` per year, log-jump sizes N(`jump_mu`, `jump_sigma`).
    Merton {
        mu: f64,
        sigma: f64,
        lambda: f64,
        jump_mu: f64,
        jump_sigma: f64,
    },
    /// dv = κ(θ − v)dt + ξ√v dW₂, corr(W₁, W₂) = ρ; full-truncation Euler.
    Heston {
        mu: f64,
        v0: f64,
        kappa: f64,
        theta: f64,
        xi: f64,
        rho: f64,
    },
    /// Per-step returns with σ²ₜ = ω + α r²ₜ₋₁ + β σ²ₜ₋₁ (per-step units).
    Garch {
        omega: f64,
        alpha: f64,
        beta: f64,
    },
}

impl Generator {
    /// Parses `gbm`, `merton`, `heston`, `garch` with default parameters around `sigma`.
    pub fn named(name: &str, sigma: f64, dt: f64) -> Option<Self> {
        Some(match name {
            "gbm" => Generator::Gbm { mu: 0.0, sigma },
            "merton" => Generator::Merton {
                mu: 0.0,
                sigma: sigma * 0.8,
                lambda: 4.0,
                jump_mu: -0.05,
                jump_sigma: 0.1,
            },
            "heston" => Generator::Heston {
                mu: 0.0,
                v0: sigma * sigma,
                kappa: 3.0,
                theta: sigma * sigma,
                xi: 0.8,
                rho: -0.5,
            },
            "garch" => {
                let var = sigma * sigma * dt;
                Generator::Garch {
                    omega: var * 0.05,
                    alpha: 0.1,
                    beta: 0.85,
                }
            }
            _ => return None,
        })
    }

    /// A path of `steps + 1` prices from `s0`.
    pub fn path(&self, s0: f64, dt: f64, steps: usize, seed: u64) -> Vec<f64> {
        let mut rng = StdRng::seed_from_u64(seed);
        let z = Normal::new(0.0, 1.0).expect("unit normal");
        let mut p = Vec::with_capacity(steps + 1);
        p.push(s0);
        let sq = dt.sqrt();
        match *self {
            Generator::Gbm { mu, sigma } => {
                for _ in 0..steps {
                    let last = p[p.len() - 1];
                    p.push(last * ((mu - 0.5 * sigma * sigma) * dt + sigma * sq * z.sample(&mut rng)).exp());
                }
            }
            Generator::Merton {
                mu,
                sigma,
                lambda,
                jump_mu,
                jump_sigma,
            } => {
                let jumps = Poisson::new((lambda * dt).max(1e-12)).expect("poisson");
                let k = (jump_mu + 0.5 * jump_sigma * jump_sigma).exp() - 1.0;
                for _ in 0..steps {
                    let last = p[p.len() - 1];
                    let nj = jumps.sample(&mut rng) as u64;
                    let mut j = 0.0;
                    for _ in 0..nj {
                        j += jump_mu + jump_sigma * z.sample(&mut rng);
                    }
                    let drift = (mu - lambda * k - 0.5 * sigma * sigma) * dt;
                    p.push(last * (drift + sigma * sq * z.sample(&mut rng) + j).exp());
                }
            }
            Generator::Heston {
                mu,
                v0,
                kappa,
                theta,
                xi,
                rho,
            } => {
                let mut v = v0;
                for _ in 0..steps {
                    let last = p[p.len() - 1];
                    let (z1, z2) = (z.sample(&mut rng), z.sample(&mut rng));
                    let w2 = rho * z1 + (1.0 - rho * rho).sqrt() * z2;
                    let vp = v.max(0.0);
                    p.push(last * ((mu - 0.5 * vp) * dt + vp.sqrt() * sq * z1).exp());
                    v += kappa * (theta - vp) * dt + xi * vp.sqrt() * sq * w2;
                }
            }
            Generator::Garch { omega, alpha, beta } => {
                let mut var = omega / (1.0 - alpha - beta).max(1e-6);
                for _ in 0..steps {
                    let last = p[p.len() - 1];
                    let r = var.sqrt() * z.sample(&mut rng);
                    p.push(last * (r - 0.5 * var).exp());
                    var = omega + alpha * r * r + beta * var;
                }
            }
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn realised_vol(p: &[f64], dt: f64) -> f64 {
        let r: Vec<f64> = p.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
        let m = r.iter().sum::<f64>() / r.len() as f64;
        (r.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (r.len() - 1) as f64 / dt).sqrt()
    }

    #[test]
    fn generators_are_seeded_and_roughly_calibrated() {
        let dt = 1.0 / 365.0;
        for name in ["gbm", "merton", "heston", "garch"] {
            let g = Generator::named(name, 0.6, dt).unwrap();
            let a = g.path(100.0, dt, 5_000, 9);
            assert_eq!(a, g.path(100.0, dt, 5_000, 9), "{name} not deterministic");
            assert_ne!(a, g.path(100.0, dt, 5_000, 10));
            assert!(a.iter().all(|x| x.is_finite() && *x > 0.0));
            let v = realised_vol(&a, dt);
            assert!((0.35..1.0).contains(&v), "{name}: realised vol {v}");
        }
        assert!(Generator::named("nope", 0.5, dt).is_none());
    }
}
