//! Splitting one hedge trade across venues by marginal cost (liquidity aggregation).
//!
//! A venue's cost of a trade of `x` base units, as a fraction of its notional `x · S`, is
//! the venue's execution model plus the funding the trade changes:
//!
//! ```text
//! cost_i(x) / (x · S) = a_i + x / depth_i,   a_i = fee_i + funding_i · T
//! ```
//!
//! with `fee_i` the taker fee, `x / depth_i` the linear price impact (the fill moves by
//! `x / depth` of the price), `funding_i` the rate the trade's side pays per year
//! (negative when it receives) and `T` the expected holding time. The total cost
//! `Σ x_i (a_i + x_i / d_i)` is convex, so the cheapest split of `amount` with
//! `0 ≤ x_i ≤ room_i` equalises marginal costs `a_i + 2 x_i / d_i` at a level λ
//! (water-filling): `x_i = clamp((λ − a_i) · d_i / 2, 0, room_i)`. λ is found exactly:
//! the filled amount is piecewise linear in λ between the breakpoints `a_i` and
//! `a_i + 2 room_i / d_i`.
//!
//! A venue with `depth = u64::MAX` has no measurable impact: its cost is linear, it
//! takes nothing below λ = a_i and everything it has room for above it.
//!
//! Caps are the caller's: `room_i` already holds the venue's position cap, its margin
//! limit, its slippage limit and whether it accepts orders at all. Pure and
//! allocation-free: the program (`rebalance`'s `plan`), the keeper and the simulator call
//! this one function.
use crate::{Fix, MathError, MathResult};

/// One venue as the router sees it, for a trade in one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RouteVenue {
    /// Most this venue may take (underlying base units, ≥ 0): 0 excludes it.
    pub room: u64,
    /// Taker fee (bps of notional).
    pub fee_bps: u16,
    /// Funding the trade's side pays (bps of notional per year; negative = receives).
    pub funding_bps: i64,
    /// Linear impact depth (base units whose trade moves the fill by 100 %);
    /// `u64::MAX` = no measurable impact (linear cost).
    pub depth: u64,
}

/// Seconds per 365-day year.
const YEAR: i64 = crate::time::SECONDS_PER_YEAR;

impl RouteVenue {
    fn linear(&self) -> bool {
        self.depth == u64::MAX
    }

    /// The marginal cost of the first unit: `fee + funding · T` (fraction of notional).
    pub fn intercept(&self, horizon_secs: u32) -> MathResult<Fix> {
        let funding = Fix::from_num(self.funding_bps)
            .checked_mul_int(i128::from(horizon_secs))
            .and_then(|f| f.checked_div_int(i128::from(YEAR)))
            .ok_or(MathError::Overflow)?;
        Fix::from_num(self.fee_bps)
            .checked_add(funding)
            .and_then(|v| v.checked_div_int(10_000))
            .ok_or(MathError::Overflow)
    }

    /// Half the depth (`d / 2`), the slope of the filled amount in λ.
    fn half_depth(&self) -> Fix {
        Fix::from_num(self.depth).strict_shr(1)
    }

    /// The level λ at which this venue's room is full (finite depth only).
    fn full_at(&self, a: Fix) -> MathResult<Fix> {
        Fix::from_num(self.room)
            .checked_div(self.half_depth())
            .and_then(|r| r.checked_add(a))
            .ok_or(MathError::Overflow)
    }

    /// Amount filled at level `lam` (fractional; linear venues: `at_a` decides whether a
    /// venue whose intercept equals `lam` counts as full).
    fn filled(&self, a: Fix, lam: Fix, at_a_full: bool) -> MathResult<Fix> {
        let room = Fix::from_num(self.room);
        if self.room == 0 {
            return Ok(Fix::ZERO);
        }
        if self.linear() {
            return Ok(if lam > a || (lam == a && at_a_full) {
                room
            } else {
                Fix::ZERO
            });
        }
        let x = lam
            .checked_sub(a)
            .and_then(|d| d.checked_mul(self.half_depth()))
            .ok_or(MathError::Overflow)?;
        Ok(x.clamp(Fix::ZERO, room))
    }
}

/// The cost of `x` units at a venue, as a fraction of one unit's price times units:
/// `x · (a + x / depth)` (the objective [`split`] minimises; for tests and reports).
pub fn cost(v: &RouteVenue, x: u64, horizon_secs: u32) -> MathResult<Fix> {
    let a = v.intercept(horizon_secs)?;
    let impact = if v.linear() {
        Fix::ZERO
    } else {
        Fix::from_num(x)
            .checked_div(Fix::from_num(v.depth))
            .ok_or(MathError::Overflow)?
    };
    Fix::from_num(x)
        .checked_mul(a.checked_add(impact).ok_or(MathError::Overflow)?)
        .ok_or(MathError::Overflow)
}

/// Splits `amount` base units across `venues` at the least total [`cost`], each within
/// its room, into `out` (same length as `venues`). When the venues' rooms together hold
/// less than `amount`, every venue is filled to its room. Integer amounts: the fractional
/// optimum is rounded down and the few units left go to the cheapest venues with room.
pub fn split(amount: u64, horizon_secs: u32, venues: &[RouteVenue], out: &mut [u64]) -> MathResult<()> {
    if out.len() != venues.len() {
        return Err(MathError::Overflow);
    }
    out.iter_mut().for_each(|o| *o = 0);
    let total_room = venues
        .iter()
        .try_fold(0u64, |acc, v| acc.checked_add(v.room))
        .ok_or(MathError::Overflow)?;
    if amount == 0 {
        return Ok(());
    }
    if total_room <= amount {
        for (o, v) in out.iter_mut().zip(venues) {
            *o = v.room;
        }
        return Ok(());
    }
    let target = Fix::from_num(amount);
    let filled_at = |lam: Fix, full: bool| -> MathResult<Fix> {
        venues.iter().try_fold(Fix::ZERO, |acc, v| {
            acc.checked_add(v.filled(v.intercept(horizon_secs)?, lam, full)?)
                .ok_or(MathError::Overflow)
        })
    };
    // The smallest breakpoint at which the filled amount (counting linear venues at their
    // intercept as full) reaches the target. It exists: at the largest breakpoint every
    // venue is full, and total room > amount.
    let mut best: Option<Fix> = None;
    for v in venues.iter().filter(|v| v.room > 0) {
        let a = v.intercept(horizon_secs)?;
        let points = [Some(a), (!v.linear()).then(|| v.full_at(a)).transpose()?];
        for p in points.into_iter().flatten() {
            if best.is_some_and(|b| b <= p) {
                continue;
            }
            if filled_at(p, true)? >= target {
                best = Some(p);
            }
        }
    }
    let hi = best.ok_or(MathError::Overflow)?;
    let at_hi_left = filled_at(hi, false)?;
    let lam = if at_hi_left >= target {
        // Strictly inside the segment below `hi`: the filled amount is linear there, with
        // slope Σ d_i / 2 over the finite venues filling but not full.
        let mut slope = Fix::ZERO;
        for v in venues.iter().filter(|v| v.room > 0 && !v.linear()) {
            let a = v.intercept(horizon_secs)?;
            if a < hi && v.full_at(a)? >= hi {
                slope = slope.checked_add(v.half_depth()).ok_or(MathError::Overflow)?;
            }
        }
        if slope == Fix::ZERO {
            hi
        } else {
            let excess = at_hi_left.checked_sub(target).ok_or(MathError::Overflow)?;
            hi.checked_sub(excess.checked_div(slope).ok_or(MathError::Overflow)?)
                .ok_or(MathError::Overflow)?
        }
    } else {
        // A linear venue's jump at `hi` crosses the target: finite venues at λ = hi, the
        // linear ones at hi share the rest (filled below in cost order).
        hi
    };
    let mut used = 0u64;
    for (o, v) in out.iter_mut().zip(venues) {
        let a = v.intercept(horizon_secs)?;
        *o = if v.linear() {
            if lam > a {
                v.room
            } else {
                0
            }
        } else {
            v.filled(a, lam, false)?
                .floor()
                .saturating_to_num::<u64>()
                .min(v.room)
        };
        used = used.checked_add(*o).ok_or(MathError::Overflow)?;
    }
    // Linear venues whose intercept is λ take what the others leave, in order.
    for (o, v) in out.iter_mut().zip(venues) {
        if v.linear() && v.intercept(horizon_secs)? == lam && used < amount {
            *o = v.room.min(amount.checked_sub(used).ok_or(MathError::Overflow)?);
            used = used.checked_add(*o).ok_or(MathError::Overflow)?;
        }
    }
    // Rounding: hand the few units left out one at a time to the cheapest next unit, or
    // take an excess back from the dearest last unit.
    while used != amount {
        let give = used < amount;
        let mut pick: Option<(usize, Fix)> = None;
        for (i, v) in venues.iter().enumerate() {
            let x = *out.get(i).ok_or(MathError::Overflow)?;
            let eligible = if give { x < v.room } else { x > 0 };
            if !eligible {
                continue;
            }
            let marginal = v.intercept(horizon_secs)?.checked_add(if v.linear() {
                Fix::ZERO
            } else {
                Fix::from_num(x)
                    .checked_div(v.half_depth())
                    .ok_or(MathError::Overflow)?
            });
            let m = marginal.ok_or(MathError::Overflow)?;
            let better = pick.is_none_or(|(_, b)| if give { m < b } else { m > b });
            if better {
                pick = Some((i, m));
            }
        }
        let (i, _) = pick.ok_or(MathError::Overflow)?;
        let x = out.get_mut(i).ok_or(MathError::Overflow)?;
        let v = venues.get(i).ok_or(MathError::Overflow)?;
        // A linear venue's next units all cost the same: it takes (or gives back) in one
        // go; a finite venue's marginal cost rises with every unit.
        let step = match (v.linear(), give) {
            (true, true) => (amount.checked_sub(used).ok_or(MathError::Overflow)?)
                .min(v.room.checked_sub(*x).ok_or(MathError::Overflow)?),
            (true, false) => (used.checked_sub(amount).ok_or(MathError::Overflow)?).min(*x),
            (false, _) => 1,
        };
        if give {
            *x = x.checked_add(step).ok_or(MathError::Overflow)?;
            used = used.checked_add(step).ok_or(MathError::Overflow)?;
        } else {
            *x = x.checked_sub(step).ok_or(MathError::Overflow)?;
            used = used.checked_sub(step).ok_or(MathError::Overflow)?;
        }
    }
    Ok(())
}

#[cfg(test)]
// Test arithmetic on small generated values.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cost_f64(v: &RouteVenue, x: u64, horizon: u32) -> f64 {
        // Independent of `cost`: plain floating point from the definition.
        let a = (f64::from(v.fee_bps) + v.funding_bps as f64 * f64::from(horizon) / 31_536_000.0) / 1e4;
        let impact = if v.depth == u64::MAX {
            0.0
        } else {
            x as f64 / v.depth as f64
        };
        x as f64 * (a + impact)
    }

    fn venue() -> impl Strategy<Value = RouteVenue> {
        (
            0u64..2_000_000,
            0u16..60,
            -5_000i64..5_000,
            prop_oneof![Just(u64::MAX), 10_000u64..100_000_000],
        )
            .prop_map(|(room, fee_bps, funding_bps, depth)| RouteVenue {
                room,
                fee_bps,
                funding_bps,
                depth,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// Caps hold, nothing goes against the room, and the split fills exactly
        /// min(amount, Σ room).
        #[test]
        fn caps_hold_and_amount_is_filled(
            vs in proptest::collection::vec(venue(), 1..4),
            amount in 0u64..5_000_000,
            horizon in 0u32..(30 * 86_400),
        ) {
            let mut out = vec![0; vs.len()];
            split(amount, horizon, &vs, &mut out).unwrap();
            for (x, v) in out.iter().zip(&vs) {
                prop_assert!(*x <= v.room);
            }
            let room: u64 = vs.iter().map(|v| v.room).sum();
            prop_assert_eq!(out.iter().sum::<u64>(), amount.min(room));
        }

        /// No split costs more than the best single venue that could take the whole trade
        /// (within a rounding of one unit's marginal cost per venue).
        #[test]
        fn never_worse_than_the_best_single_venue(
            vs in proptest::collection::vec(venue(), 1..4),
            amount in 1u64..5_000_000,
            horizon in 0u32..(30 * 86_400),
        ) {
            let mut out = vec![0; vs.len()];
            split(amount, horizon, &vs, &mut out).unwrap();
            let total: f64 = out.iter().zip(&vs).map(|(x, v)| cost_f64(v, *x, horizon)).sum();
            if let Some(best) = vs
                .iter()
                .filter(|v| v.room >= amount)
                .map(|v| cost_f64(v, amount, horizon))
                .min_by(|a, b| a.total_cmp(b))
            {
                let slack = 1e-9 * (amount as f64) + 3.0 * (1.0 + 2.0 / 10_000.0);
                prop_assert!(total <= best + slack, "split {total} > single {best} ({out:?})");
            }
        }

        /// Two venues: the split is the optimum of a brute-force search over every
        /// feasible split on a grid (to the grid's resolution).
        #[test]
        fn two_venues_match_brute_force(
            a in venue(), b in venue(),
            amount in 1u64..200_000,
            horizon in 0u32..(30 * 86_400),
        ) {
            let vs = [a, b];
            let mut out = [0u64; 2];
            split(amount, horizon, &vs, &mut out).unwrap();
            let got = cost_f64(&a, out[0], horizon) + cost_f64(&b, out[1], horizon);
            let take = amount.min(a.room + b.room);
            let lo = take.saturating_sub(b.room);
            let hi = take.min(a.room);
            let steps = 400u64;
            let mut best = f64::INFINITY;
            for k in 0..=steps {
                let x = lo + (hi - lo) * k / steps;
                best = best.min(cost_f64(&a, x, horizon) + cost_f64(&b, take - x, horizon));
            }
            prop_assert!(got <= best + 1e-9 * take as f64 + 3.0, "split {got} > brute force {best} ({out:?})");
        }
    }

    #[test]
    fn equal_venues_split_evenly_and_fees_steer() {
        let v = RouteVenue {
            room: 1_000_000,
            fee_bps: 5,
            funding_bps: 0,
            depth: 1_000_000,
        };
        let mut out = [0u64; 2];
        split(1_000, 0, &[v, v], &mut out).unwrap();
        assert_eq!(out, [500, 500]);
        // A venue 1 bp dearer takes less: λ equalises 5 bp + 2x/d against 6 bp + 2y/d,
        // x − y = 0.0001 · d / 2 = 50.
        let dear = RouteVenue { fee_bps: 6, ..v };
        split(1_000, 0, &[v, dear], &mut out).unwrap();
        assert_eq!(out, [525, 475]);
        // A linear venue cheaper than the other's first unit takes everything it can.
        let flat = RouteVenue {
            depth: u64::MAX,
            fee_bps: 4,
            room: 300,
            ..v
        };
        split(1_000, 0, &[v, flat], &mut out).unwrap();
        assert_eq!(out, [700, 300]);
        // Funding received over a week makes a venue cheaper for this side.
        let receives = RouteVenue {
            funding_bps: -1_000,
            ..v
        };
        split(1_000, 7 * 86_400, &[v, receives], &mut out).unwrap();
        assert!(out[1] > out[0], "{out:?}");
        // Mismatched output length is an error, not a panic.
        assert!(split(1, 0, &[v], &mut out).is_err());
    }
}
