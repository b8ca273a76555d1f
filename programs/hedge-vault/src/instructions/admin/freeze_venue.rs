use anchor_lang::prelude::*;

use crate::error::VaultError;
use crate::events::VenueFrozen;
use crate::state::Vault;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct FreezeVenueArgs {
    /// Index of the configured venue to freeze.
    pub venue_index: u8,
}

#[derive(Accounts)]
pub struct FreezeVenue<'info> {
    /// The guardian or the authority.
    pub signer: Signer<'info>,
    #[account(mut)]
    pub vault: AccountLoader<'info, Vault>,
}

impl FreezeVenue<'_> {
    /// Marks a venue frozen at once (a venue that was drained, halted or is otherwise not to
    /// be trusted): from now on no instruction sends anything to it, its equity and delta
    /// count at the venue's `frozen_haircut_bps`, and the keeper re-hedges on the other
    /// venues. Deposits and withdrawals go on. Freezing a frozen venue changes nothing.
    /// Only governance unfreezes, behind the timelock (`ParamsChange::UnfreezeVenues`).
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<Self>, args: FreezeVenueArgs) -> Result<()> {
        let mut vault = ctx.accounts.vault.load_mut()?;
        let signer = ctx.accounts.signer.key();
        if signer != vault.authority {
            require_keys_eq!(signer, vault.params.guardian, VaultError::NotGuardianOrAuthority);
        }
        let i = usize::from(args.venue_index);
        let cfg = *vault
            .params
            .live_venues()
            .get(i)
            .ok_or(VaultError::VenueIndexOutOfRange)?;
        let bit = 1u8
            .checked_shl(u32::from(args.venue_index))
            .ok_or(VaultError::VenueIndexOutOfRange)?;
        vault.frozen_venues |= bit;
        crate::events::emit(&VenueFrozen {
            vault: ctx.accounts.vault.key(),
            by: signer,
            venue_index: args.venue_index,
            haircut_bps: cfg.frozen_haircut_bps,
        });
        Ok(())
    }
}
