use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TransferChecked};
use hedge_math::Fix;

use crate::constants::{MAX_VENUES, ROUTE_FUNDING_HORIZON_SECS};
use crate::error::VaultError;
use crate::events::Rebalanced;
use crate::oracle::{load_market, FeedAccounts};
use crate::pricing::{compute_band_report, read_holdings, DeltaReport};
use crate::state::{Staged, Vault};
use crate::venues::{self, Mark, VenueAccounts, VenueView};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RebalanceArgs {
    /// The vault `sequence` the keeper saw; a racing keeper that lost fails at once.
    pub expected_sequence: u64,
    /// The venue of the plan's largest leg ([`RebalancePlan::primary`]), whose accounts the
    /// instruction names; the other legs trade through the remaining accounts.
    pub venue_index: u8,
}

#[derive(Accounts)]
pub struct Rebalance<'info> {
    pub keeper: Signer<'info>,
    #[account(mut, has_one = collateral_mint, has_one = collateral_vault, has_one = token_program)]
    pub vault: AccountLoader<'info, Vault>,
    /// CHECK: validated by `oracle::load_price`.
    pub underlying_oracle: UncheckedAccount<'info>,
    /// CHECK: as above; required when the vault values collateral with a second feed.
    pub collateral_oracle: Option<UncheckedAccount<'info>>,
    /// CHECK: must equal the configured venue program (checked by `venues::check_accounts`).
    pub venue_program: UncheckedAccount<'info>,
    /// CHECK: the configured market (checked by `venues::check_accounts`).
    #[account(mut)]
    pub venue_market: UncheckedAccount<'info>,
    /// CHECK: the vault's configured margin account (checked by `venues::check_accounts`).
    #[account(mut)]
    pub venue_margin: UncheckedAccount<'info>,
    pub collateral_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub collateral_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Receives the keeper reward.
    #[account(mut, token::mint = collateral_mint, token::token_program = token_program)]
    pub keeper_collateral: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

/// The rebalance the program makes at this state. Returns (venue index, size), or `None`.
///
/// 1. **Forced reductions first.** A venue whose position is larger than its cap (governance
///    lowered it, e.g. to 0 to unwind a venue that recovered from a freeze), or larger than
///    its margin can carry through a `margin.stress_move_bps` move — even with every
///    collateral unit the vault holds posted
///    ([`position_limit`](super::rebalance_margin::position_limit)) — is reduced to what it
///    may hold, whether or not the band is breached: the vault leaves its band in a
///    controlled way rather than let the venue liquidate the hedge.
/// 2. **Band.** Otherwise, on a breach: `clamp(target − net, ±max_rebalance)`, split across
///    the venues by marginal cost ([`hedge_math::route::split`]: fee, impact at the venue's
///    depth, funding over [`ROUTE_FUNDING_HORIZON_SECS`]), each within its room: its cap,
///    its margin limit, what it fills within the slippage limit
///    ([`venues::max_size_within`]) and whether it accepts the order at all (frozen by the
///    guardian, paused or reduce-only at the venue: [`VenueView::accepts_order`]). This
///    rebalance trades the split's largest leg; the keeper repeats with the split of what
///    is left until the vault is back in its band.
///
/// `views` are the venues read in this instruction. Pure: the keeper calls the same
/// function.
pub fn plan(vault: &Vault, report: &DeltaReport, views: &[VenueView]) -> Option<RebalancePlan> {
    let slippage = vault.params.risk.max_slippage_bps;
    let unit = 10i128.checked_pow(u32::from(vault.decimals))?;
    let configs = vault.params.live_venues();
    // The position a venue can carry on the side of `pos` (no limit when it overflows).
    let limit = |view: &VenueView, pos: i64| {
        let short = pos < 0;
        super::rebalance_margin::position_limit(
            view,
            vault.total_collateral,
            report.price,
            view.margin_rate(report.collateral_rate).unwrap_or(Fix::ZERO),
            unit,
            vault.params.margin.stress_move_bps,
            short,
        )
        .unwrap_or(if short { i64::MIN } else { i64::MAX })
    };
    // Each venue's limit on the side of its open position, computed once (it costs a
    // division on-chain) and reused below when the trade stays on that side.
    // (An array, not a `Vec`: no allocation on-chain.)
    let mut open_limits = [0i64; MAX_VENUES];
    for (l, v) in open_limits.iter_mut().zip(views) {
        if v.position != 0 {
            *l = limit(v, v.position);
        }
    }
    let within = |i: usize, view: &VenueView, pos: i64| -> i64 {
        if pos == 0 {
            return 0;
        }
        let same_side = view.position != 0 && (view.position < 0) == (pos < 0);
        let l = if same_side {
            open_limits.get(i).copied().unwrap_or_else(|| limit(view, pos))
        } else {
            limit(view, pos)
        };
        if pos < 0 {
            pos.max(l)
        } else {
            pos.min(l)
        }
    };
    let cap = |i: usize| {
        configs
            .get(i)
            .map_or(0, |c| i64::try_from(c.cap_units).unwrap_or(i64::MAX))
    };
    // Orders already on their way, tallied in the same pass. A frozen venue's are not
    // counted: nothing can be sent there to cancel them, and the hedge must go on
    // elsewhere.
    let mut on_the_way = 0i64;
    for (i, view) in views.iter().enumerate() {
        // A venue with orders still open takes nothing more until they fill or are
        // cancelled: what it will hold is not known yet.
        if view.pending != 0 {
            if !view.frozen {
                on_the_way = on_the_way.saturating_add(view.pending);
            }
            continue;
        }
        let pos = view.position;
        let allowed = within(i, view, pos).clamp(cap(i).saturating_neg(), cap(i));
        if allowed != pos {
            let depth = i64::try_from(venues::max_size_within(view, slippage)).unwrap_or(i64::MAX);
            let size = lots(
                allowed.saturating_sub(pos).clamp(depth.saturating_neg(), depth),
                view.lot,
            );
            if size != 0 && view.accepts_order(size) {
                return RebalancePlan::single(i, size);
            }
        }
    }
    if !report.breached {
        return None;
    }
    let max = i64::try_from(vault.params.risk.max_rebalance_units).unwrap_or(i64::MAX);
    let gap: i64 = report
        .deviation
        .round_to_zero()
        .saturating_to_num::<i64>()
        .clamp(max.saturating_neg(), max);
    // Orders already on their way count as traded: only what they leave is ordered, and
    // nothing against them (an order that would undo one waits for it to fill or expire).
    let wanted = gap.saturating_sub(on_the_way);
    if wanted == 0 || (on_the_way != 0 && wanted.signum() != gap.signum()) {
        return None;
    }
    // Each venue's room for this trade: cap, margin, depth within the slippage limit, and
    // whether it takes the order.
    let mut route = [hedge_math::route::RouteVenue::default(); MAX_VENUES];
    for (i, view) in views.iter().enumerate().take(MAX_VENUES) {
        let pos = view.position;
        let new = pos.saturating_add(wanted).clamp(cap(i).saturating_neg(), cap(i));
        // Never past what the margin can carry (a position already beyond it was
        // reduced above).
        let room = within(i, view, new).saturating_sub(pos);
        let depth = i64::try_from(venues::max_size_within(view, slippage)).unwrap_or(i64::MAX);
        let size = room.clamp(depth.saturating_neg(), depth);
        let room = if size.signum() == wanted.signum() && view.pending == 0 && view.accepts_order(size) {
            size.unsigned_abs()
        } else {
            0
        };
        route[i] = hedge_math::route::RouteVenue {
            room,
            fee_bps: view.taker_fee_bps,
            // Longs pay a positive rate: a buy adds to what the vault pays, a sell to
            // what it receives.
            funding_bps: i64::from(view.funding_rate_bps).saturating_mul(wanted.signum()),
            depth: view.impact_depth,
        };
    }
    let mut legs = [0u64; MAX_VENUES];
    hedge_math::route::split(
        wanted.unsigned_abs(),
        ROUTE_FUNDING_HORIZON_SECS,
        &route,
        &mut legs,
    )
    .ok()?;
    // The largest leg (the first of equal ones): each rebalance is one order at one venue,
    // and the keeper repeats with the split of what is left.
    // Each leg in whole lots of its venue (towards zero: a remainder below a lot waits).
    let mut plan = RebalancePlan::default();
    for (i, (out, leg)) in plan.legs.iter_mut().zip(legs).enumerate() {
        let lot = views.get(i).map_or(1, |v| v.lot);
        *out = lots(i64::try_from(leg).ok()?.saturating_mul(wanted.signum()), lot);
    }
    plan.primary()?;
    // Withdraw-only: the hedge may shrink, never grow.
    if vault.withdraw_only {
        let before = views.iter().map(|v| v.position).fold(0i64, i64::saturating_add);
        let after = before.saturating_add(plan.total());
        if after.unsigned_abs() > before.unsigned_abs() {
            return None;
        }
    }
    Some(plan)
}

/// Why [`plan`] decided nothing: no breach, withdraw-only, orders still open at a venue,
/// or no venue with room.
pub fn no_plan(vault: &Vault, report: &DeltaReport, views: &[VenueView]) -> VaultError {
    if !report.breached {
        VaultError::NoBreach
    } else if vault.withdraw_only {
        VaultError::WithdrawOnly
    } else if views.iter().any(|v| v.pending != 0 && !v.frozen) {
        VaultError::VenueOrdersPending
    } else {
        VaultError::NoVenueCapacity
    }
}

/// `size` rounded towards zero to a whole number of `lot`s (a lot of 0 counts as 1).
/// Unsigned arithmetic on the magnitude: sBPF has no signed division.
pub fn lots(size: i64, lot: u64) -> i64 {
    let mag = size.unsigned_abs();
    let whole = mag.saturating_sub(mag.checked_rem(lot.max(1)).unwrap_or(0));
    // `whole` ≤ |size|, so it fits back (|i64::MIN| only when the lot is 1).
    let whole = i64::try_from(whole).unwrap_or(i64::MAX);
    if size < 0 {
        whole.saturating_neg()
    } else {
        whole
    }
}

/// What one `rebalance` trades: a signed size per configured venue (underlying base units,
/// 0 = nothing there), all in the same instruction, each verified against its venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RebalancePlan {
    pub legs: [i64; MAX_VENUES],
}

impl RebalancePlan {
    /// One trade at venue `i`.
    fn single(i: usize, size: i64) -> Option<Self> {
        let mut p = RebalancePlan::default();
        *p.legs.get_mut(i)? = size;
        Some(p)
    }

    /// The largest leg (the first of equal ones): the venue whose accounts the instruction
    /// names (`venue_index`). `None` when nothing trades.
    pub fn primary(&self) -> Option<(usize, i64)> {
        self.legs
            .iter()
            .copied()
            .enumerate()
            .fold(None, |best: Option<(usize, i64)>, (i, x)| match best {
                Some((_, b)) if b.unsigned_abs() >= x.unsigned_abs() => best,
                _ if x != 0 => Some((i, x)),
                _ => best,
            })
    }

    /// The trade at venue `i` (0 when none).
    pub fn leg(&self, i: usize) -> i64 {
        self.legs.get(i).copied().unwrap_or(0)
    }

    /// Σ legs: the change of the vault's perp position.
    pub fn total(&self) -> i64 {
        self.legs.iter().fold(0i64, |acc, x| acc.saturating_add(*x))
    }
}

/// What `rebalance` and `rebalance_deferred` decide before they place anything.
pub struct Decision {
    pub market: crate::oracle::MarketSnapshot,
    pub mark: Mark,
    pub report: DeltaReport,
    pub plan: RebalancePlan,
    /// The plan's primary venue (checked against the instruction's `venue_index`).
    pub venue_index: usize,
    pub now: i64,
}

/// The decision both rebalance instructions start with: the racing keeper's check (the
/// `sequence` it saw), the pause and cooldown gate, the oracle, every venue read and
/// reconciled, expired legs rolled, the band report, and [`plan`] — whose primary venue
/// must be the one the instruction names (`expected`: sequence, venue index).
#[inline(never)]
pub fn decide(
    vault: &mut Vault,
    address: &Pubkey,
    feeds: &FeedAccounts,
    remaining: &[AccountInfo],
    expected: (u64, u8),
) -> Result<Decision> {
    // Cheapest checks first: a keeper that lost the race fails here.
    require!(vault.sequence == expected.0, VaultError::StaleSequence);
    let now = Clock::get()?.unix_timestamp;
    vault.rebalance_gate(now)?;
    let market = load_market(&vault.oracle, &vault.params.oracle, feeds, now)?;
    vault.observe_publish_time(market.underlying.publish_time)?;
    let mark = Mark::of(&market, now)?;
    // Every venue, read now: positions changed by anyone else (a liquidation, a
    // deleveraging, a fill that arrived later) are reconciled and priced before anything
    // is decided.
    let (views, h) = read_holdings(vault, remaining, &mark)?;
    venues::reconcile(*address, vault, &views, now)?;
    super::refresh_nav::roll_legs(*address, vault, now, &market, &h)?;
    let report = compute_band_report(vault, &h, &market, now)?;
    let decided = plan(vault, &report, &views).ok_or_else(|| no_plan(vault, &report, &views))?;
    let (venue_index, _) = decided.primary().ok_or(VaultError::NoVenueCapacity)?;
    require!(usize::from(expected.1) == venue_index, VaultError::WrongVenue);
    Ok(Decision {
        market,
        mark,
        report,
        plan: decided,
        venue_index,
        now,
    })
}

impl<'info> Rebalance<'info> {
    /// Reads every venue (remaining accounts: `[market, margin account]` per configured
    /// venue, in order, writable; then any venue program other than `venue_program`),
    /// reconciles the recorded positions, prices the vault, trades what [`plan`] decides (a
    /// forced reduction at one venue, or the band trade split across the venues), verifies
    /// each fill by re-reading its venue, and pays the keeper once.
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<'info, Rebalance<'info>>, args: RebalanceArgs) -> Result<()> {
        let a = ctx.accounts;
        let mut vault = Staged::load(&a.vault)?;
        let collateral_oracle = a.collateral_oracle.as_ref().map(|x| x.as_ref());
        let Decision {
            market,
            mark,
            report,
            plan: decided,
            venue_index,
            now,
        } = decide(
            &mut vault,
            &a.vault.key(),
            &FeedAccounts {
                underlying: &a.underlying_oracle,
                collateral: collateral_oracle,
            },
            ctx.remaining_accounts,
            (args.expected_sequence, args.venue_index),
        )?;

        let price = market.underlying.price;
        let seeds = vault.signer_seeds();
        let vault_info = a.vault.to_account_info();
        let auth = venues::VaultAuthority {
            vault: &vault_info,
            seeds: &seeds,
        };
        // Every leg of the split, in venue order, each verified by re-reading its venue:
        // the named venue through the instruction's own accounts, the others through the
        // remaining accounts (`[market, margin account]` per venue, writable, then any
        // venue program other than `venue_program`).
        let mut fills: [Option<(i64, Fix, Fix)>; MAX_VENUES] = [None; MAX_VENUES];
        let mut positions = vault.venue_positions;
        let mut total_cost = Fix::ZERO;
        for (i, size) in decided.legs.iter().copied().enumerate() {
            if size == 0 {
                continue;
            }
            let cfg = *vault
                .params
                .live_venues()
                .get(i)
                .ok_or(VaultError::MissingVenueAccounts)?;
            let va = if i == venue_index {
                VenueAccounts {
                    program: &a.venue_program,
                    market: &a.venue_market,
                    margin_account: &a.venue_margin,
                    oracle: &a.underlying_oracle,
                    collateral_oracle,
                    holder: venues::Holder::of(&vault, ctx.remaining_accounts),
                }
            } else {
                let base = i.checked_mul(2).ok_or(VaultError::MathOverflow)?;
                let (m, g) = match (
                    ctx.remaining_accounts.get(base),
                    ctx.remaining_accounts.get(base.saturating_add(1)),
                ) {
                    (Some(m), Some(g)) => (m, g),
                    _ => return err!(VaultError::MissingVenueAccounts),
                };
                let program = if a.venue_program.key() == cfg.program_id {
                    a.venue_program.as_ref()
                } else {
                    ctx.remaining_accounts
                        .iter()
                        .find(|x| x.key() == cfg.program_id)
                        .ok_or(VaultError::VenueProgramMismatch)?
                };
                VenueAccounts {
                    program,
                    market: m,
                    margin_account: g,
                    oracle: &a.underlying_oracle,
                    collateral_oracle,
                    holder: venues::Holder::of(&vault, ctx.remaining_accounts),
                }
            };
            let req = venues::TradeRequest::for_vault(&vault, size, &market, now);
            let fill = venues::verified_trade(&cfg, &va, &auth, &req)?;
            *positions.get_mut(i).ok_or(VaultError::MissingVenueAccounts)? = fill.position_after;
            total_cost = total_cost
                .checked_add(fill.cost)
                .ok_or(VaultError::MathOverflow)?;
            if let Some(slot) = fills.get_mut(i) {
                *slot = Some((size, fill.price, fill.cost));
            }
        }

        let v = &mut vault;
        v.set_venue_positions(positions)?;
        v.sequence = v.sequence.checked_add(1).ok_or(VaultError::MathOverflow)?;
        v.last_rebalance_at = now;
        // The trades' cost (fees, impact) left the venues' equity: book it now, rounded
        // up, so NAV is never overstated until the next `refresh_nav`.
        let cost_units = total_cost
            .max(Fix::ZERO)
            .checked_div(mark.collateral_price)
            .and_then(|x| x.checked_mul_int(10i128.pow(u32::from(v.decimals))))
            .ok_or(VaultError::MathOverflow)?
            .ceil()
            .saturating_to_num::<i64>();
        v.hedge_equity = v.hedge_equity.saturating_sub(cost_units);

        // Keeper reward, only now that everything above succeeded.
        let reward = v
            .params
            .risk
            .keeper_reward
            .min(v.total_collateral)
            .min(a.collateral_vault.amount);
        if reward > 0 {
            let seeds = v.signer_seeds();
            token_interface::transfer_checked(
                CpiContext::new_with_signer(
                    a.token_program.key(),
                    TransferChecked {
                        from: a.collateral_vault.to_account_info(),
                        mint: a.collateral_mint.to_account_info(),
                        to: a.keeper_collateral.to_account_info(),
                        authority: a.vault.to_account_info(),
                    },
                    &[&seeds],
                ),
                reward,
                a.collateral_mint.decimals,
            )?;
            v.total_collateral = v
                .total_collateral
                .checked_sub(reward)
                .ok_or(VaultError::MathOverflow)?;
            v.keeper_rewards_paid = v
                .keeper_rewards_paid
                .checked_add(reward)
                .ok_or(VaultError::MathOverflow)?;
        }
        a.collateral_vault.reload()?;
        require!(
            v.total_collateral <= a.collateral_vault.amount,
            VaultError::InvariantViolated
        );
        v.invariant_params()?;
        // One event per leg, the net delta moving leg by leg; the reward is on the first.
        let mut net = report.net_delta;
        let mut reward_left = reward;
        for (i, f) in fills.iter().enumerate() {
            let Some((size, fill, cost)) = *f else {
                continue;
            };
            let net_after = net
                .checked_add(Fix::from_num(size))
                .ok_or(VaultError::MathOverflow)?;
            crate::events::emit(&Rebalanced {
                vault: a.vault.key(),
                keeper: a.keeper.key(),
                venue_index: u8::try_from(i).map_err(|_| VaultError::MathOverflow)?,
                size,
                fill_price_fx: fill.to_bits(),
                oracle_price_fx: price.to_bits(),
                net_delta_before_fx: net.to_bits(),
                net_delta_after_fx: net_after.to_bits(),
                target_delta_fx: report.target_delta.to_bits(),
                band_fx: report.band.to_bits(),
                cost_fx: cost.to_bits(),
                reward: reward_left,
                sequence: v.sequence,
                timestamp: now,
            });
            reward_left = 0;
            net = net_after;
        }
        vault.commit()
    }
}

#[cfg(test)]
// Test fixtures and expectations, written as plain arithmetic on small constants.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::pricing::Pricing;

    const SOL: i64 = 1_000_000_000;

    /// Two venues with room for anything: caps of 1 000 SOL, no margin limit (no
    /// maintenance margin, no stress move), no fee, no impact, lots of one base unit.
    fn vault() -> Vault {
        let mut v: Vault = bytemuck::Zeroable::zeroed();
        v.decimals = 9;
        v.total_collateral = 100 * SOL as u64;
        v.params.venue_count = 2;
        for c in v.params.venues.iter_mut().take(2) {
            c.cap_units = 1_000 * SOL as u64;
        }
        v.params.risk.max_rebalance_units = 1_000 * SOL as u64;
        v.params.risk.max_slippage_bps = 100;
        v
    }

    /// A breach whose closing trade is `gap` (base units).
    fn report(gap: i64) -> DeltaReport {
        let z = Fix::ZERO;
        DeltaReport {
            price: Fix::from_num(150),
            conf: z,
            collateral_rate: Fix::ONE,
            collateral_underlying: z,
            nav_underlying: z,
            perp_position: 0,
            net_delta: z,
            target_delta: z,
            band: z,
            deviation: Fix::from_num(gap),
            breached: true,
            book_gamma: z,
            book_vega: z,
            book_theta: z,
            gamma_exposure: z,
            live_legs: 0,
            funding_cut: false,
            pricing: Pricing::Band,
        }
    }

    fn venue(pending: i64) -> VenueView {
        VenueView {
            impact_depth: u64::MAX,
            lot: 1,
            pending,
            ..VenueView::default()
        }
    }

    #[test]
    fn open_orders_count_as_already_traded() {
        let v = vault();
        // Nothing open: the whole gap is ordered.
        let p = plan(&v, &report(-100 * SOL), &[venue(0), venue(0)]).unwrap();
        assert_eq!(p.total(), -100 * SOL);
        // 60 SOL already on their way at venue 0: only the other 40 are ordered, and not
        // there (a venue with open orders takes nothing more until they fill or expire).
        let p = plan(&v, &report(-100 * SOL), &[venue(-60 * SOL), venue(0)]).unwrap();
        assert_eq!((p.leg(0), p.leg(1)), (0, -40 * SOL));
        // The open orders cover the gap: nothing is ordered, and the reason says so.
        let views = [venue(-100 * SOL), venue(0)];
        assert_eq!(plan(&v, &report(-100 * SOL), &views), None);
        assert_eq!(
            u32::from(no_plan(&v, &report(-100 * SOL), &views)),
            u32::from(VaultError::VenueOrdersPending)
        );
        // More than the gap is open: nothing against it (it waits for the fill or expiry).
        assert_eq!(
            plan(&v, &report(-100 * SOL), &[venue(-150 * SOL), venue(0)]),
            None
        );
        // A buy still open makes the sell larger by as much: when both fill, the gap closes.
        let p = plan(&v, &report(-100 * SOL), &[venue(10 * SOL), venue(0)]).unwrap();
        assert_eq!((p.leg(0), p.leg(1)), (0, -110 * SOL));
    }

    #[test]
    fn a_frozen_venues_open_orders_hold_nothing_back() {
        let v = vault();
        let frozen = VenueView {
            frozen: true,
            ..venue(-100 * SOL)
        };
        // Nothing can be sent there to cancel them: the hedge goes on at the other venue.
        let p = plan(&v, &report(-100 * SOL), &[frozen, venue(0)]).unwrap();
        assert_eq!((p.leg(0), p.leg(1)), (0, -100 * SOL));
        let mut calm = report(0);
        calm.breached = false;
        assert_eq!(
            u32::from(no_plan(&v, &calm, &[frozen, venue(0)])),
            u32::from(VaultError::NoBreach)
        );
    }

    #[test]
    fn no_forced_reduction_while_orders_are_open_there() {
        let mut v = vault();
        v.params.venues[0].cap_units = 10 * SOL as u64;
        let over = VenueView {
            position: -50 * SOL,
            ..venue(0)
        };
        // Over its cap with nothing open: reduced first, whatever the band says.
        let p = plan(&v, &report(0), &[over, venue(0)]).unwrap();
        assert_eq!(p.leg(0), 40 * SOL);
        // With an order open there, what it will hold is not known yet: no forced trade.
        let waiting = VenueView {
            pending: 5 * SOL,
            ..over
        };
        let mut r = report(0);
        r.breached = false;
        assert_eq!(plan(&v, &r, &[waiting, venue(0)]), None);
    }
}
