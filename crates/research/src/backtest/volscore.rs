//! Out-of-sample volatility forecast evaluation: EWMA, GARCH(1,1) (maximum likelihood) and
//! a two-regime Markov-switching model (EM) on rolling windows, scored against realised
//! variance with QLIKE and MSE.
use serde::Serialize;

use hedge_keeper::vol::{ewma_variance, log_returns, Garch, Regimes};

/// Scores of one model (lower is better for both).
#[derive(Debug, Clone, Serialize)]
pub struct VolScore {
    pub model: String,
    pub forecasts: usize,
    /// mean(RV/F − ln(RV/F) − 1)
    pub qlike: f64,
    /// mean((RV − F)²), variances annualised.
    pub mse: f64,
}

/// Rolling evaluation: fit on `window` returns, forecast the mean variance of the next
/// `horizon` returns, step by `stride`. Returns (EWMA, GARCH, regime) scores.
pub fn evaluate(
    prices: &[f64],
    periods_per_year: f64,
    window: usize,
    horizon: usize,
    stride: usize,
) -> Vec<VolScore> {
    let r = log_returns(prices);
    let mut ew = (0.0, 0.0, 0usize);
    let mut ga = (0.0, 0.0, 0usize);
    let mut ms = (0.0, 0.0, 0usize);
    let mut t = window;
    while t + horizon <= r.len() {
        let train = &r[t - window..t];
        let rv = r[t..t + horizon].iter().map(|x| x * x).sum::<f64>() / horizon as f64;
        if rv > 0.0 {
            let score = |f: f64, acc: &mut (f64, f64, usize)| {
                let ratio = rv / f;
                acc.0 += ratio - ratio.ln() - 1.0;
                acc.1 += ((rv - f) * periods_per_year).powi(2);
                acc.2 += 1;
            };
            if let Some(f) = ewma_variance(train, 0.94) {
                score(f, &mut ew);
            }
            if let Some(g) = Garch::fit(train) {
                // Mean of the h-step forecasts, which revert to ω / (1 − α − β).
                let mut v = g.last_variance(train);
                let uncond = g.omega / (1.0 - g.alpha - g.beta);
                let mut sum = 0.0;
                for _ in 0..horizon {
                    sum += v;
                    v = uncond + (g.alpha + g.beta) * (v - uncond);
                }
                score(sum / horizon as f64, &mut ga);
            }
            // Where the window shows one regime only, the model is EWMA (so all three are
            // scored on the same windows).
            match Regimes::fit(train) {
                Some(m) => score(m.forecast(horizon), &mut ms),
                None => {
                    if let Some(f) = ewma_variance(train, 0.94) {
                        score(f, &mut ms);
                    }
                }
            }
        }
        t += stride.max(1);
    }
    let mk = |name: &str, acc: (f64, f64, usize)| VolScore {
        model: name.into(),
        forecasts: acc.2,
        qlike: acc.0 / acc.2.max(1) as f64,
        mse: acc.1 / acc.2.max(1) as f64,
    };
    vec![
        mk("EWMA(0.94)", ew),
        mk("GARCH(1,1) MLE", ga),
        mk("Markov-switching, 2 regimes (EM; EWMA where one regime)", ms),
    ]
}
