//! The cost–risk frontier of hedging policies.
//!
//! A policy with one setting is one point: (standard deviation of the final hedging error,
//! mean hedging cost). A family swept over its parameter is a curve, and its frontier is
//! the points no other point of the family beats on both axes. One family beats another
//! at a risk level where, among its settings whose error is within that level, its
//! cheapest costs less. Everything here is a pure function of the per-path results, so the
//! command, the tests and `docs/results.md` agree.
use serde::Serialize;

use crate::backtest::mc::Estimate;
use crate::backtest::{PathResult, Policy};

/// The risk aversions γ the Whalley–Wilmott and Zakamouline sweeps use, tightest first.
pub const WW_GAMMAS: [f64; 11] = [300.0, 100.0, 30.0, 10.0, 3.0, 1.0, 0.3, 0.1, 0.03, 0.01, 0.003];

/// A policy family and its swept parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Family {
    /// Rebalance to target every N steps (parameter: N).
    TimeBased,
    /// Rebalance when outside a fixed band (parameter: half-width, fraction of NAV).
    FixedBand,
    /// Whalley–Wilmott band (parameter: risk aversion γ).
    WhalleyWilmott,
    /// Zakamouline band (parameter: risk aversion γ).
    Zakamouline,
    /// Whalley–Wilmott × a correction table trained for a risk aversion `a` of the
    /// mean-variance objective (parameter: `a`; see `learn`). Not sweepable by itself:
    /// each setting is trained first.
    Learned,
}

impl Family {
    pub const ALL: [Family; 5] = [
        Family::TimeBased,
        Family::FixedBand,
        Family::WhalleyWilmott,
        Family::Zakamouline,
        Family::Learned,
    ];

    /// The families [`Family::sweep`] can sweep without training.
    pub const CLASSIC: [Family; 4] = [
        Family::TimeBased,
        Family::FixedBand,
        Family::WhalleyWilmott,
        Family::Zakamouline,
    ];

    /// Name in tables, charts and `--families`.
    pub fn name(self) -> &'static str {
        match self {
            Family::TimeBased => "time",
            Family::FixedBand => "band",
            Family::WhalleyWilmott => "ww",
            Family::Zakamouline => "zak",
            Family::Learned => "learned",
        }
    }

    /// Parses a name of [`Family::name`].
    pub fn parse(s: &str) -> Result<Self, String> {
        Family::ALL
            .into_iter()
            .find(|f| f.name() == s.trim())
            .ok_or_else(|| format!("unknown policy family '{s}' (time, band, ww, zak, learned)"))
    }

    /// What the swept parameter is.
    pub fn parameter(self) -> &'static str {
        match self {
            Family::TimeBased => "every N steps",
            Family::FixedBand => "half-width",
            Family::WhalleyWilmott | Family::Zakamouline => "risk aversion γ",
            Family::Learned => "trained for risk aversion a",
        }
    }

    /// The sweep: (parameter, policy) from the tightest hedge to the loosest. `lambda` is
    /// the proportional cost the cost-aware bands assume; `max_steps` bounds the time grid.
    /// [`Family::Learned`] has no sweep here (its settings are trained:
    /// `learn::train_family`).
    pub fn sweep(self, lambda: f64, max_steps: usize) -> Vec<(f64, Policy)> {
        match self {
            Family::TimeBased => [1usize, 2, 3, 6, 12, 24, 48, 96, 168]
                .into_iter()
                .filter(|&n| n < max_steps.max(2))
                .map(|every| (every as f64, Policy::TimeBased { every }))
                .collect(),
            Family::FixedBand => [0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32]
                .into_iter()
                .map(|half_width| (half_width, Policy::FixedBand { half_width }))
                .collect(),
            Family::WhalleyWilmott => WW_GAMMAS
                .into_iter()
                .map(|risk_aversion| {
                    (
                        risk_aversion,
                        Policy::WhalleyWilmott {
                            lambda,
                            risk_aversion,
                            min_band: 0.0,
                        },
                    )
                })
                .collect(),
            Family::Zakamouline => WW_GAMMAS
                .into_iter()
                .map(|risk_aversion| {
                    (
                        risk_aversion,
                        Policy::Zakamouline {
                            lambda,
                            risk_aversion,
                            min_band: 0.0,
                        },
                    )
                })
                .collect(),
            Family::Learned => Vec::new(),
        }
    }
}

/// One setting of one family, measured over the paths. Money is in quote units per unit
/// of collateral.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Point {
    pub family: Family,
    pub parameter: f64,
    /// Hedging cost per path, fees + impact (funding excluded: it is carry, not cost of
    /// hedging), mean with a 95 % half-width.
    pub cost: Estimate,
    /// Standard deviation of the final hedging error across paths.
    pub error_sd: f64,
    /// Its 95 % half-width (normal approximation: 1.96 · sd / √(2(n − 1))).
    pub error_sd_ci95: f64,
    /// Mean rebalances per path.
    pub rebalances: f64,
    pub paths: usize,
}

impl Point {
    /// Measures one setting from its per-path results.
    pub fn measure(family: Family, parameter: f64, rs: &[PathResult]) -> Self {
        let costs: Vec<f64> = rs.iter().map(|r| r.fees + r.impact).collect();
        let errors: Vec<f64> = rs.iter().map(|r| r.final_error).collect();
        let n = rs.len();
        let error_sd = sample_sd(&errors);
        let dof = (n.max(2) - 1) as f64;
        Point {
            family,
            parameter,
            cost: Estimate::of(&costs),
            error_sd,
            error_sd_ci95: 1.96 * error_sd / (2.0 * dof).sqrt(),
            rebalances: rs.iter().map(|r| r.rebalances as f64).sum::<f64>() / n.max(1) as f64,
            paths: n,
        }
    }

    /// True when `self` is at least as good as `other` on both axes and better on one.
    pub fn dominates(&self, other: &Point) -> bool {
        self.error_sd <= other.error_sd
            && self.cost.mean <= other.cost.mean
            && (self.error_sd < other.error_sd || self.cost.mean < other.cost.mean)
    }
}

/// Sample standard deviation (n − 1).
pub fn sample_sd(xs: &[f64]) -> f64 {
    let n = xs.len();
    if n < 2 {
        return 0.0;
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
}

/// The frontier of `points` (any mix of families is allowed; pass one family's points for
/// that family's curve): the points no other point dominates, by increasing error.
pub fn frontier(points: &[Point]) -> Vec<Point> {
    let mut out: Vec<Point> = points
        .iter()
        .filter(|p| !points.iter().any(|q| q.dominates(p)))
        .copied()
        .collect();
    out.sort_by(|a, b| {
        a.error_sd
            .total_cmp(&b.error_sd)
            .then(a.cost.mean.total_cmp(&b.cost.mean))
    });
    out.dedup_by(|a, b| a.error_sd == b.error_sd && a.cost.mean == b.cost.mean);
    out
}

/// The cheapest of `points` whose error is within `level`, if any.
pub fn cheapest_within(points: &[Point], level: f64) -> Option<Point> {
    points
        .iter()
        .filter(|p| p.error_sd <= level)
        .min_by(|a, b| a.cost.mean.total_cmp(&b.cost.mean))
        .copied()
}

/// The families compared at one risk level.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// Error budget: standard deviation of the final hedging error.
    pub level: f64,
    pub best: Point,
    /// The cheapest setting of every other family that reaches the level, cheapest first.
    pub others: Vec<Point>,
}

impl Verdict {
    /// How much cheaper the best family is than the runner-up (fraction of the
    /// runner-up's cost), if another family reaches the level.
    pub fn advantage(&self) -> Option<f64> {
        let r = self.others.first()?;
        (r.cost.mean > 0.0).then(|| 1.0 - self.best.cost.mean / r.cost.mean)
    }
}

/// At each level, the family whose cheapest setting within the level costs least.
/// Levels that no family reaches are skipped.
pub fn best_by_level(points: &[Point], levels: &[f64]) -> Vec<Verdict> {
    levels
        .iter()
        .filter_map(|&level| {
            let mut per_family: Vec<Point> = Family::ALL
                .into_iter()
                .filter_map(|f| {
                    let mine: Vec<Point> = points.iter().filter(|p| p.family == f).copied().collect();
                    cheapest_within(&mine, level)
                })
                .collect();
            per_family.sort_by(|a, b| a.cost.mean.total_cmp(&b.cost.mean));
            let mut it = per_family.into_iter();
            let best = it.next()?;
            Some(Verdict {
                level,
                best,
                others: it.collect(),
            })
        })
        .collect()
}

/// A family's cost at error `level`, read off its frontier by linear interpolation between
/// the two frontier settings around it (mean and 95 % half-width alike). `None` outside the
/// frontier's range: a curve is never extrapolated.
pub fn cost_at(points: &[Point], family: Family, level: f64) -> Option<Estimate> {
    let mine: Vec<Point> = points.iter().filter(|p| p.family == family).copied().collect();
    let f = frontier(&mine);
    let (first, last) = (f.first()?, f.last()?);
    if !(first.error_sd..=last.error_sd).contains(&level) {
        return None;
    }
    if f.len() == 1 {
        return Some(first.cost);
    }
    f.windows(2).find_map(|w| {
        let (a, b) = (w[0], w[1]);
        (a.error_sd..=b.error_sd).contains(&level).then(|| {
            let t = (level - a.error_sd) / (b.error_sd - a.error_sd);
            Estimate {
                mean: a.cost.mean + t * (b.cost.mean - a.cost.mean),
                ci95: a.cost.ci95 + t * (b.cost.ci95 - a.cost.ci95),
            }
        })
    })
}

/// The learned family against the better of Whalley–Wilmott and Zakamouline at one risk
/// level (issue #19's yardstick: at equal error, whose cost is lower).
#[derive(Debug, Clone, Serialize)]
pub struct LearnedVsClassic {
    /// Standard deviation of the final hedging error.
    pub level: f64,
    /// The learned frontier's cost at that error.
    pub learned: Estimate,
    /// The cheaper of the Whalley–Wilmott and Zakamouline frontiers' costs at that error.
    pub classic: Estimate,
    pub classic_family: Family,
}

impl LearnedVsClassic {
    /// 1 − learned cost / classic cost (positive: the learned family is cheaper).
    pub fn advantage(&self) -> f64 {
        if self.classic.mean > 0.0 {
            1.0 - self.learned.mean / self.classic.mean
        } else if self.learned.mean > 0.0 {
            f64::NEG_INFINITY
        } else {
            0.0
        }
    }
}

/// `n` risk levels, spaced geometrically over the error range where the learned frontier
/// and at least one of Whalley–Wilmott's and Zakamouline's exist, each compared at equal
/// error ([`cost_at`]).
pub fn learned_vs_classic(points: &[Point], n: usize) -> Vec<LearnedVsClassic> {
    let range = |f: Family| {
        let sds = frontier(
            &points
                .iter()
                .filter(|p| p.family == f)
                .copied()
                .collect::<Vec<_>>(),
        )
        .iter()
        .map(|p| p.error_sd)
        .collect::<Vec<_>>();
        Some((*sds.first()?, *sds.last()?))
    };
    let Some((l_lo, l_hi)) = range(Family::Learned) else {
        return Vec::new();
    };
    let classic = [Family::WhalleyWilmott, Family::Zakamouline];
    let ranges: Vec<(f64, f64)> = classic.iter().filter_map(|&f| range(f)).collect();
    let c_lo = ranges.iter().map(|r| r.0).fold(f64::INFINITY, f64::min);
    let c_hi = ranges.iter().map(|r| r.1).fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = (l_lo.max(c_lo), l_hi.min(c_hi));
    if !(lo > 0.0 && hi >= lo) || n == 0 {
        return Vec::new();
    }
    (0..n)
        .map(|i| {
            if n == 1 {
                lo
            } else {
                lo * (hi / lo).powf(i as f64 / (n - 1) as f64)
            }
        })
        .filter_map(|level| {
            let learned = cost_at(points, Family::Learned, level)?;
            let (classic_family, classic) = classic
                .iter()
                .filter_map(|&f| cost_at(points, f, level).map(|c| (f, c)))
                .min_by(|a, b| a.1.mean.total_cmp(&b.1.mean))?;
            Some(LearnedVsClassic {
                level,
                learned,
                classic,
                classic_family,
            })
        })
        .collect()
}

/// Risk levels to compare at: `n` levels spaced geometrically between the tightest error
/// every family reaches and the loosest error any family's frontier has.
pub fn levels(points: &[Point], n: usize) -> Vec<f64> {
    let families: Vec<Family> = Family::ALL
        .into_iter()
        .filter(|f| points.iter().any(|p| p.family == *f))
        .collect();
    let min_of = |f: Family| {
        points
            .iter()
            .filter(|p| p.family == f)
            .map(|p| p.error_sd)
            .fold(f64::INFINITY, f64::min)
    };
    let lo = families.iter().map(|&f| min_of(f)).fold(0.0f64, f64::max);
    let hi = points.iter().map(|p| p.error_sd).fold(0.0f64, f64::max);
    if !(lo > 0.0 && hi > lo) || n < 2 {
        return if lo > 0.0 { vec![lo] } else { vec![] };
    }
    (0..n)
        .map(|i| lo * (hi / lo).powf(i as f64 / (n - 1) as f64))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pt(family: Family, error_sd: f64, cost: f64) -> Point {
        Point {
            family,
            parameter: 0.0,
            cost: Estimate {
                mean: cost,
                ci95: 0.0,
            },
            error_sd,
            error_sd_ci95: 0.0,
            rebalances: 0.0,
            paths: 1,
        }
    }

    #[test]
    fn a_dominated_setting_is_not_on_the_frontier() {
        let ps = [
            pt(Family::TimeBased, 1.0, 5.0),
            pt(Family::TimeBased, 2.0, 6.0), // worse on both axes than the first
            pt(Family::TimeBased, 3.0, 1.0),
        ];
        let f = frontier(&ps);
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].error_sd, f[1].error_sd), (1.0, 3.0));
    }

    #[test]
    fn the_cheapest_family_within_the_budget_wins() {
        let ps = [
            pt(Family::TimeBased, 1.0, 10.0),
            pt(Family::WhalleyWilmott, 0.9, 7.0),
            pt(Family::WhalleyWilmott, 2.0, 1.0),
            pt(Family::FixedBand, 1.5, 2.0),
        ];
        let v = best_by_level(&ps, &[1.0, 1.6, 0.5]);
        assert_eq!(v.len(), 2, "nobody reaches 0.5");
        assert_eq!(v[0].best.family, Family::WhalleyWilmott);
        assert!((v[0].advantage().unwrap() - 0.3).abs() < 1e-12);
        assert_eq!(v[1].best.family, Family::FixedBand);
        assert_eq!(v[1].others.len(), 2);
    }

    #[test]
    fn the_learned_family_is_judged_at_equal_error_against_the_better_classic_band() {
        let ps = [
            pt(Family::TimeBased, 1.0, 0.01), // cheapest, but not a classic band
            pt(Family::WhalleyWilmott, 1.0, 4.0),
            pt(Family::WhalleyWilmott, 3.0, 2.0),
            pt(Family::Zakamouline, 1.0, 5.0),
            pt(Family::Zakamouline, 3.0, 1.0),
            pt(Family::Learned, 1.0, 3.0),
            pt(Family::Learned, 2.0, 2.0),
            pt(Family::Learned, 2.5, 4.0), // dominated: not on the learned frontier
        ];
        // Interpolated on the frontier, never extrapolated.
        assert_eq!(cost_at(&ps, Family::Zakamouline, 2.0).unwrap().mean, 3.0);
        assert!(
            cost_at(&ps, Family::Learned, 2.5).is_none(),
            "beyond the learned frontier"
        );
        assert!(cost_at(&ps, Family::Learned, 0.5).is_none());
        let v = learned_vs_classic(&ps, 3);
        let levels: Vec<f64> = v.iter().map(|c| c.level).collect();
        assert_eq!(levels.len(), 3);
        assert!((levels[0] - 1.0).abs() < 1e-12 && (levels[2] - 2.0).abs() < 1e-12);
        // At 1.0: learned 3 against WW 4 (Zakamouline 5): 25 % cheaper.
        assert_eq!(v[0].classic_family, Family::WhalleyWilmott);
        assert!((v[0].advantage() - 0.25).abs() < 1e-12);
        // At 2.0: learned 2 against min(WW 3, Zak 3) = 3.
        assert!((v[2].advantage() - (1.0 - 2.0 / 3.0)).abs() < 1e-12);
        assert!(learned_vs_classic(&ps[..5], 3).is_empty(), "no learned family");
    }

    #[test]
    fn families_parse_by_name() {
        for f in Family::ALL {
            assert_eq!(Family::parse(f.name()), Ok(f));
        }
        assert!(Family::parse("nope")
            .unwrap_err()
            .contains("time, band, ww, zak, learned"));
        assert!(Family::Learned.sweep(0.001, 100).is_empty(), "trained, not swept");
    }

    proptest! {
        /// Against brute force: every frontier point is undominated, and every point left
        /// out is dominated by a frontier point.
        #[test]
        fn frontier_is_exactly_the_undominated_set(raw in prop::collection::vec((0.0f64..10.0, 0.0f64..10.0), 1..40)) {
            let ps: Vec<Point> = raw.iter().map(|&(e, c)| pt(Family::FixedBand, e, c)).collect();
            let f = frontier(&ps);
            for p in &f {
                prop_assert!(!ps.iter().any(|q| q.dominates(p)));
            }
            for p in &ps {
                let on = f.iter().any(|q| q.error_sd == p.error_sd && q.cost.mean == p.cost.mean);
                prop_assert!(on || f.iter().any(|q| q.dominates(p)));
            }
            // Along the frontier, more error buys strictly lower cost.
            for w in f.windows(2) {
                prop_assert!(w[0].error_sd < w[1].error_sd && w[0].cost.mean > w[1].cost.mean);
            }
        }

        /// The winner at a level is never beaten by any setting within the level.
        #[test]
        fn the_winner_is_the_cheapest_within_the_level(raw in prop::collection::vec((0usize..5, 0.0f64..10.0, 0.0f64..10.0), 1..40), level in 0.0f64..10.0) {
            let ps: Vec<Point> = raw.iter().map(|&(f, e, c)| pt(Family::ALL[f], e, c)).collect();
            match best_by_level(&ps, &[level]).first() {
                Some(v) => {
                    prop_assert!(v.best.error_sd <= level);
                    for p in ps.iter().filter(|p| p.error_sd <= level) {
                        prop_assert!(v.best.cost.mean <= p.cost.mean);
                    }
                }
                None => prop_assert!(ps.iter().all(|p| p.error_sd > level)),
            }
        }
    }
}
