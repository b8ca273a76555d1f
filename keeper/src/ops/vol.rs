//! Push σ forecasts on-chain within the governance bounds.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use hedge_vault::state::pause;

use crate::snapshot::VaultSnapshot;

/// The σ (bps) to submit now, if any: the forecast clamped to [min, max] and to one
/// step from the current value, when it differs by at least `threshold_bps` and the
/// minimum interval has passed.
pub fn should_run(s: &VaultSnapshot, forecast_sigma: f64, threshold_bps: u32) -> Option<u32> {
    let v = &s.vault;
    if v.paused & pause::UPDATE_VOL != 0 || !forecast_sigma.is_finite() {
        return None;
    }
    let p = &v.params.vol;
    if s.now.saturating_sub(v.sigma_updated_at) < i64::from(p.min_interval_secs) {
        return None;
    }
    let want = (forecast_sigma * 10_000.0)
        .round()
        .clamp(f64::from(p.min_sigma_bps), f64::from(p.max_sigma_bps)) as u32;
    let lo = v.sigma_bps.saturating_sub(p.max_step_bps).max(p.min_sigma_bps);
    let hi = v.sigma_bps.saturating_add(p.max_step_bps).min(p.max_sigma_bps);
    let next = want.clamp(lo, hi);
    (next.abs_diff(v.sigma_bps) >= threshold_bps.max(1)).then_some(next)
}

pub fn build(s: &VaultSnapshot, vol_updater: Pubkey, sigma_bps: u32) -> Vec<Instruction> {
    vec![hedge_client::update_vol(s.address, vol_updater, sigma_bps)]
}
