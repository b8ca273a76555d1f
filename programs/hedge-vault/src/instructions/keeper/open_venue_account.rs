use anchor_lang::prelude::*;

use crate::error::VaultError;
use crate::state::{Vault, VenueKind};
use crate::venues;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct OpenVenueAccountArgs {
    /// The configured venue whose margin account to open.
    pub venue_index: u8,
}

#[derive(Accounts)]
pub struct OpenVenueAccount<'info> {
    /// Pays the venue's rent (a system account: Drift wants one).
    #[account(mut)]
    pub payer: Signer<'info>,
    /// Signs the venue's CPI as the owner of the margin account; only read here.
    pub vault: AccountLoader<'info, Vault>,
    /// CHECK: must equal the configured venue program.
    pub venue_program: UncheckedAccount<'info>,
    /// CHECK: must equal the configured market.
    pub venue_market: UncheckedAccount<'info>,
    /// CHECK: must equal the configured margin account (created here).
    #[account(mut)]
    pub venue_margin: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

impl<'info> OpenVenueAccount<'info> {
    /// Opens the vault PDA's margin account at a configured venue, so that margin can be
    /// posted and orders placed. Permissionless (the payer pays the rent; the account
    /// belongs to the vault). Remaining accounts: what the venue needs beyond these
    /// (Drift: its `State`, the vault's `UserStats` address, the rent sysvar).
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<'info, OpenVenueAccount<'info>>, args: OpenVenueAccountArgs) -> Result<()> {
        let a = ctx.accounts;
        let vault = a.vault.load()?;
        let cfg = *vault
            .params
            .live_venues()
            .get(usize::from(args.venue_index))
            .ok_or(VaultError::VenueIndexOutOfRange)?;
        require_keys_eq!(
            a.venue_program.key(),
            cfg.program_id,
            VaultError::VenueProgramMismatch
        );
        require_keys_eq!(a.venue_market.key(), cfg.market, VaultError::VenueAccountMismatch);
        require_keys_eq!(
            a.venue_margin.key(),
            cfg.margin_account,
            VaultError::VenueAccountMismatch
        );
        require!(a.venue_margin.data_is_empty(), VaultError::VenueAccountMismatch);
        let seeds = vault.signer_seeds();
        let vault_info = a.vault.to_account_info();
        let auth = venues::VaultAuthority {
            vault: &vault_info,
            seeds: &seeds,
        };
        match cfg.kind {
            VenueKind::LocalPerp => perp_venue::cpi::create_margin_account(
                CpiContext::new(
                    perp_venue::ID,
                    perp_venue::cpi::accounts::CreateMarginAccount {
                        payer: a.payer.to_account_info(),
                        authority: vault_info.clone(),
                        market: a.venue_market.to_account_info(),
                        margin_account: a.venue_margin.to_account_info(),
                        system_program: a.system_program.to_account_info(),
                    },
                )
                .with_remaining_accounts(vec![a.venue_program.to_account_info()]),
            ),
            VenueKind::PhoenixRise => err!(VaultError::VenueAccountGated),
            VenueKind::DriftV2 => venues::drift::open_account(
                &a.venue_program,
                &a.venue_margin,
                &a.payer.to_account_info(),
                &auth,
                &venues::Holder::of(&vault, ctx.remaining_accounts),
            ),
        }
    }
}
