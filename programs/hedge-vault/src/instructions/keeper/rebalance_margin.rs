use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use hedge_math::Fix;

use crate::constants::BPS;
use crate::error::VaultError;
use crate::events::MarginRebalanced;
use crate::oracle::{load_market, FeedAccounts};
use crate::pricing::{compute_band_report, read_holdings};
use crate::state::{Staged, Vault};
use crate::venues::{self, MarginTransfer, Mark, VaultAuthority, VenueAccounts, VenueView};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RebalanceMarginArgs {
    /// Venue whose margin to restore.
    pub venue_index: u8,
}

#[derive(Accounts)]
pub struct RebalanceMargin<'info> {
    #[account(mut, has_one = collateral_mint, has_one = collateral_vault, has_one = token_program)]
    pub vault: AccountLoader<'info, Vault>,
    /// CHECK: validated by `oracle::load_price`.
    pub underlying_oracle: UncheckedAccount<'info>,
    /// CHECK: as above; required when the vault values collateral with a second feed.
    pub collateral_oracle: Option<UncheckedAccount<'info>>,
    /// CHECK: must equal the configured venue program.
    pub venue_program: UncheckedAccount<'info>,
    /// CHECK: the configured market.
    #[account(mut)]
    pub venue_market: UncheckedAccount<'info>,
    /// CHECK: the vault's configured margin account.
    #[account(mut)]
    pub venue_margin: UncheckedAccount<'info>,
    /// CHECK: the venue's token pool; the venue program checks it against its market.
    #[account(mut)]
    pub venue_pool: UncheckedAccount<'info>,
    pub collateral_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub collateral_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

/// What venue `idx` is about to trade (underlying base units, signed): the next
/// rebalance's leg there plus the vault's orders still open there. Margin is sized for it
/// so neither finds the account short. Pure: the keeper calls the same function.
pub fn pending_trade(
    vault: &crate::state::Vault,
    report: &crate::pricing::DeltaReport,
    views: &[VenueView],
    idx: usize,
) -> i64 {
    crate::instructions::keeper::rebalance::plan(vault, report, views)
        .map_or(0, |p| p.leg(idx))
        .saturating_add(views.get(idx).map_or(0, |v| v.pending))
}

/// The state [`margin_move`] sizes a transfer from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarginState {
    /// The venue account, read in this instruction.
    pub view: VenueView,
    /// Trade the venue is about to make (underlying base units, signed; 0 = none; see
    /// [`pending_trade`]): margin is sized for the larger of the open position and the one
    /// after it, so the trade finds its margin in place.
    pub pending: i64,
    /// Collateral the vault could deposit (collateral base units).
    pub available: u64,
    /// Underlying price (quote per whole token).
    pub price: Fix,
    /// Underlying units per collateral unit.
    pub collateral_rate: Fix,
    /// Base units per whole token (10^decimals).
    pub unit: i128,
}

/// The two stress scenarios: the price after an adverse move of `stress_bps` down and up
/// (quote per whole token).
fn stress_prices(price: Fix, stress_bps: u32) -> Result<[Fix; 2]> {
    let stress = Fix::from_num(stress_bps)
        .checked_div_int(i128::from(BPS))
        .ok_or(VaultError::MathOverflow)?;
    let down = price
        .checked_mul(Fix::ONE.saturating_sub(stress))
        .ok_or(VaultError::MathOverflow)?;
    let up = price
        .checked_mul(Fix::ONE.saturating_add(stress))
        .ok_or(VaultError::MathOverflow)?;
    Ok([down, up])
}

/// The largest position a venue account can carry on one side (`short`: the most negative
/// position; otherwise the largest long), with every collateral unit the vault could post
/// (`available`) added to its margin, such that a move of `stress_bps` either way leaves it
/// at or above the venue's maintenance requirement (underlying base units, rounded towards
/// zero). A position traded to `P′` at the oracle price leaves the headroom at price `S′`
/// linear in `P′` (see [`headroom_at`]), so each end of the stress move whose slope binds
/// gives one bound (one division each: this runs in `rebalance`). 0 when even a flat
/// account would be under water; `None` when a value overflows (then nothing is forced).
pub fn position_limit(
    view: &VenueView,
    available: u64,
    price: Fix,
    collateral_rate: Fix,
    unit: i128,
    stress_bps: u32,
    short: bool,
) -> Option<i64> {
    // Base units to whole tokens with 64-bit divisions (`ratio`), as `pricing.rs` does.
    let unit = u64::try_from(unit).ok()?;
    let c = hedge_math::ops::ratio_u64(view.collateral.checked_add(available)?, unit)?
        .checked_mul(collateral_rate)?;
    let p = hedge_math::ops::ratio(view.position, unit)?;
    let mm = hedge_math::ops::ratio_u64(u64::from(view.maintenance_margin_bps), BPS)?;
    // The account's value with the position closed at the oracle: quote + P·S.
    let closed = view.quote_balance.checked_add(p.checked_mul(price)?)?;
    let mut limit: Option<Fix> = None;
    for s in stress_prices(price, stress_bps).ok()? {
        // Headroom at S′ of P′: a + P′·(S′ − S) − mm·|P′|·S′, with a = c·S′ + closed.
        let a = c.checked_mul(s)?.checked_add(closed)?;
        if a < Fix::ZERO {
            return Some(0);
        }
        // How fast the headroom falls per unit of |P′| on this side at this end.
        let slope = if short {
            s.checked_mul(Fix::ONE.checked_add(mm)?)?.checked_sub(price)?
        } else {
            price.checked_sub(s.checked_mul(Fix::ONE.checked_sub(mm)?)?)?
        };
        if slope > Fix::ZERO {
            let bound = a.checked_div(slope)?;
            limit = Some(limit.map_or(bound, |l| l.min(bound)));
        }
    }
    let size: i64 = match limit {
        None => i64::MAX,
        Some(l) => l
            .checked_mul_int(i128::from(unit))?
            .round_to_zero()
            .saturating_to_num(),
    };
    Some(if short { size.saturating_neg() } else { size })
}

/// Headroom of a venue account over the venue's maintenance requirement at price `s`
/// (quote units): collateral·rate·s + quote balance + position·s − maintenance·|position|·s.
pub fn headroom_at(
    collateral: u64,
    quote_balance: Fix,
    position: i64,
    maintenance_bps: u16,
    m: &MarginState,
    s: Fix,
) -> Result<Fix> {
    let o = || error!(VaultError::MathOverflow);
    let whole = |x: i128| Fix::from_num(x).checked_div_int(m.unit).ok_or_else(o);
    let c = whole(i128::from(collateral))?
        .checked_mul(m.collateral_rate)
        .ok_or_else(o)?;
    let p = whole(i128::from(position))?;
    let mm = whole(i128::from(position.unsigned_abs()))?
        .checked_mul_int(i128::from(maintenance_bps))
        .and_then(|v| v.checked_div_int(i128::from(BPS)))
        .ok_or_else(o)?;
    // Per unit of price: collateral + position − maintenance; all linear in s.
    c.checked_add(p)
        .and_then(|v| v.checked_sub(mm))
        .and_then(|slope| slope.checked_mul(s))
        .and_then(|v| v.checked_add(quote_balance))
        .ok_or_else(o)
}

/// Collateral to move to (> 0) or from (< 0) a venue so that its *stressed headroom* — the
/// headroom over maintenance ([`headroom_at`]) after an adverse move of `stress_move_bps`
/// either way, the smaller of the two — returns to `target_bps` of the hedge notional, or
/// 0 when it is within [`min_bps`, `max_bps`]. The headroom is linear in the price, so the
/// two ends of the move bound every price between them. The position used is the larger
/// of the open one and the one after the pending trade. Each collateral unit adds
/// `rate · S′` to the headroom at price `S′`: a deposit is sized so that *both* ends
/// reach the target, a withdrawal so that both stay at or above it (both in the vault's
/// favour). Withdrawals never exceed the margin account's collateral, deposits never
/// exceed `available`. A venue without position or pending trade returns all its margin.
pub fn margin_move(m: &MarginState, p: &crate::state::MarginParams) -> Result<i64> {
    let o = || error!(VaultError::MathOverflow);
    let v = &m.view;
    let after = v.position.checked_add(m.pending).ok_or_else(o)?;
    let (position, quote) = if after.unsigned_abs() > v.position.unsigned_abs() {
        // The pending trade at the oracle price: quote −= pending · S.
        let traded = Fix::from_num(m.pending)
            .checked_div_int(m.unit)
            .and_then(|x| x.checked_mul(m.price))
            .ok_or_else(o)?;
        (after, v.quote_balance.checked_sub(traded).ok_or_else(o)?)
    } else {
        (v.position, v.quote_balance)
    };
    let notional = Fix::from_num(position.unsigned_abs())
        .checked_div_int(m.unit)
        .and_then(|x| x.checked_mul(m.price))
        .ok_or_else(o)?;
    let of = |bps: u32| -> Result<Fix> {
        notional
            .checked_mul_int(i128::from(bps))
            .and_then(|v| v.checked_div_int(i128::from(BPS)))
            .ok_or_else(o)
    };
    let (lo, target, hi) = (of(p.min_bps)?, of(p.target_bps)?, of(p.max_bps)?);
    let mut worst: Option<Fix> = None;
    // Collateral units that bring the binding end to the target (> 0: missing, < 0:
    // spare at both ends): the largest over the two ends.
    let mut need: Option<Fix> = None;
    for s in stress_prices(m.price, p.stress_move_bps)? {
        let h = headroom_at(v.collateral, quote, position, v.maintenance_margin_bps, m, s)?;
        worst = Some(worst.map_or(h, |w| w.min(h)));
        let per_unit = s
            .checked_mul(m.collateral_rate)
            .and_then(|x| x.checked_div_int(m.unit))
            .ok_or_else(o)?;
        let units = target
            .checked_sub(h)
            .and_then(|d| d.checked_div(per_unit))
            .ok_or_else(o)?;
        need = Some(need.map_or(units, |n| n.max(units)));
    }
    let (worst, need) = (worst.ok_or_else(o)?, need.ok_or_else(o)?);
    let mv = if worst < lo {
        // Rounded up: the deposit must reach the target at both ends.
        need.ceil()
            .saturating_to_num::<i64>()
            .min(i64::try_from(m.available).unwrap_or(i64::MAX))
    } else if worst > hi {
        // `need` < 0: −need units can go with both ends still at the target.
        let free: i64 = need.saturating_neg().floor().saturating_to_num();
        // Never below the venue's own initial margin at the oracle price, which the venue
        // checks on a withdrawal: with a tiny position the target is ~0, and withdrawing
        // everything would leave fees in the quote balance uncovered. With a position, one
        // unit stays as slack for the venue's rounding and its confidence-bound mark.
        let im_headroom = headroom_at(
            v.collateral,
            v.quote_balance,
            v.position,
            v.initial_margin_bps,
            m,
            m.price,
        )?;
        // Quote per whole collateral token; the headroom is scaled to base units before the
        // division, so no rounding of a per-base-unit price (1e-7 of a dollar) creeps in.
        let per_token = m.price.checked_mul(m.collateral_rate).ok_or_else(o)?;
        let im_free: i64 = if per_token <= Fix::ZERO {
            0
        } else {
            match im_headroom
                .checked_mul_int(m.unit)
                .and_then(|x| x.checked_div(per_token))
            {
                Some(units) => units
                    .floor()
                    .saturating_to_num::<i64>()
                    .saturating_sub(i64::from(v.position != 0)),
                // Too large to scale: any withdrawal leaves the initial margin covered.
                None => i64::MAX,
            }
        };
        free.min(im_free)
            .clamp(0, i64::try_from(v.collateral).unwrap_or(i64::MAX))
            .saturating_neg()
    } else {
        0
    };
    Ok(mv)
}

impl<'info> RebalanceMargin<'info> {
    /// Permissionless: keeps the venue's stressed headroom ([`margin_move`]) between
    /// `margin.min_bps` and `margin.max_bps` of the hedge notional — the larger of the
    /// open position and the one the next rebalance would open — by moving collateral
    /// between the vault and the venue. Remaining accounts: `[market, margin account]` of
    /// every configured venue, in order.
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<'info, RebalanceMargin<'info>>, args: RebalanceMarginArgs) -> Result<()> {
        let a = ctx.accounts;
        let mut vault = Staged::load(&a.vault)?;
        let clock = Clock::get()?;
        let now = clock.unix_timestamp;
        vault.require_not_paused(crate::state::pause::MARGIN)?;
        let idx = usize::from(args.venue_index);
        require!(
            idx < usize::from(vault.params.venue_count),
            VaultError::VenueAccountMismatch
        );
        let cfg = vault.params.venues[idx];
        let collateral_oracle = a.collateral_oracle.as_ref().map(|x| x.as_ref());
        let market = load_market(
            &vault.oracle,
            &vault.params.oracle,
            &FeedAccounts {
                underlying: &a.underlying_oracle,
                collateral: collateral_oracle,
            },
            now,
        )?;
        let va = VenueAccounts {
            program: &a.venue_program,
            market: &a.venue_market,
            margin_account: &a.venue_margin,
            oracle: &a.underlying_oracle,
            collateral_oracle,
            holder: venues::Holder::of(&vault, ctx.remaining_accounts),
        };
        venues::check_accounts(&cfg, &va)?;
        vault.observe_publish_time(market.underlying.publish_time)?;
        let mark = Mark::of(&market, now)?;
        // Every venue, read now: the pending trade is priced from the real holdings.
        let (views, h) = read_holdings(&vault, ctx.remaining_accounts, &mark)?;
        venues::reconcile(a.vault.key(), &mut vault, &views, now)?;
        let view = *views.get(idx).ok_or(VaultError::MissingVenueAccounts)?;
        // Frozen by the guardian or paused at the venue: nothing is sent there.
        view.require_margin()?;
        let report = compute_band_report(&vault, &h, &market, now)?;
        let pending = pending_trade(&vault, &report, &views, idx);
        let amount = margin_move(
            &MarginState {
                view,
                pending,
                available: vault.total_collateral,
                price: market.underlying.price,
                // Collateral as the venue counts it for margin.
                collateral_rate: view
                    .margin_rate(market.collateral_rate)
                    .ok_or(VaultError::MathOverflow)?,
                unit: 10i128.pow(u32::from(vault.decimals)),
            },
            &vault.params.margin,
        )?;
        // Withdraw-only: `plan` refuses trades that grow the hedge, so the pending trade is
        // 0 and margin is sized for the open position only (topped up to keep it alive,
        // never moved out for a hedge that cannot be opened).
        require!(amount != 0, VaultError::MarginWithinBounds);
        let seeds = vault.signer_seeds();
        let vault_info = a.vault.to_account_info();
        let t = MarginTransfer {
            amount,
            venue_pool: &a.venue_pool,
            collateral_mint: &a.collateral_mint.to_account_info(),
            vault_collateral: &a.collateral_vault.to_account_info(),
            token_program: &a.token_program.to_account_info(),
        };
        let auth = VaultAuthority {
            vault: &vault_info,
            seeds: &seeds,
        };
        venues::move_margin(&cfg, &va, &t, &auth)?;

        let v = &mut vault;
        v.track_margin(idx, amount)?;
        v.total_collateral = v
            .total_collateral
            .checked_add_signed(amount.checked_neg().ok_or(VaultError::MathOverflow)?)
            .ok_or(VaultError::InsufficientCollateral)?;
        v.hedge_equity = v
            .hedge_equity
            .checked_add(amount)
            .ok_or(VaultError::MathOverflow)?;
        a.collateral_vault.reload()?;
        require!(
            v.total_collateral <= a.collateral_vault.amount,
            VaultError::InvariantViolated
        );
        v.invariant_params()?;
        crate::events::emit(&MarginRebalanced {
            vault: a.vault.key(),
            venue_index: args.venue_index,
            amount,
            equity_before_fx: view.equity_quote.to_bits(),
            notional_fx: view.notional.to_bits(),
        });
        vault.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::MarginParams;

    const UNIT: i128 = 1_000_000_000;

    fn state(position: i64, quote: f64, collateral: u64) -> MarginState {
        MarginState {
            view: VenueView {
                position,
                quote_balance: Fix::from_num(quote),
                collateral,
                maintenance_margin_bps: 500,
                initial_margin_bps: 1_000,
                ..VenueView::default()
            },
            pending: 0,
            available: 0,
            price: Fix::from_num(150),
            collateral_rate: Fix::ONE,
            unit: UNIT,
        }
    }

    const PARAMS: MarginParams = MarginParams {
        min_bps: 2_000,
        target_bps: 3_000,
        max_bps: 5_000,
        stress_move_bps: 3_000,
    };

    /// Equity and initial margin at the oracle after moving `mv` collateral units, from the
    /// raw balances (quote units).
    fn after(s: &MarginState, mv: i64) -> (f64, f64) {
        let price = 150.0;
        let coll = (s.view.collateral as f64 + mv as f64) / UNIT as f64;
        let pos = s.view.position as f64 / UNIT as f64;
        let equity = coll * price + pos * price + s.view.quote_balance.to_num::<f64>();
        (equity, pos.abs() * price * 0.10)
    }

    #[test]
    fn a_withdrawal_never_leaves_the_venue_below_its_initial_margin() {
        // A one-unit short whose fees left the quote balance a little negative, and a whole
        // token of collateral behind it: the stressed target is ~0, so the stressed rule
        // alone would take every unit back and leave the account under water.
        for (position, quote) in [(-1, 150e-9 - 2e-6), (1, -150e-9 - 2e-6), (-1_000, 150e-6 - 1e-3)] {
            let s = state(position, quote, UNIT as u64);
            let mv = margin_move(&s, &PARAMS).unwrap();
            assert!(mv < 0, "spare collateral is still returned");
            let (equity, im) = after(&s, mv);
            assert!(equity >= im, "equity {equity} < initial margin {im} after {mv}");
            assert!(equity >= 0.0);
        }
        // Without a position and with a non-negative quote balance, everything comes back.
        let s = state(0, 0.0, UNIT as u64);
        assert_eq!(margin_move(&s, &PARAMS).unwrap(), -(UNIT as i64));
        // Without a position but owing fees: what covers them stays.
        let s = state(0, -1.5, UNIT as u64);
        let mv = margin_move(&s, &PARAMS).unwrap();
        assert!(after(&s, mv).0 >= 0.0 && mv < 0);
    }
}
