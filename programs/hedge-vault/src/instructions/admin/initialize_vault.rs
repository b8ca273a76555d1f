use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::constants::*;
use crate::error::VaultError;
use crate::events::VaultInitialized;
use crate::state::{CoreParams, OracleConfig, OracleSource, PriceFeedConfig, Vault, VaultParams};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct InitializeVaultArgs {
    /// Creator-chosen id (PDA seed), so one collateral mint can back several vaults.
    pub vault_id: u64,
    /// Price feeds.
    pub oracle: OracleConfig,
    /// Initial parameters (validated against the hard bounds). Venues and legs start empty
    /// and are added through `queue_params` (so the transaction fits the packet limit).
    pub params: CoreParams,
    /// Initial σ (bps), within `params.vol`.
    pub initial_sigma_bps: u32,
}

#[derive(Accounts)]
#[instruction(args: InitializeVaultArgs)]
pub struct InitializeVault<'info> {
    /// Pays for the accounts and becomes the governance authority.
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(
        init,
        payer = authority,
        space = Vault::SPACE,
        seeds = [VAULT_SEED, collateral_mint.key().as_ref(), &args.vault_id.to_le_bytes()],
        bump,
    )]
    pub vault: AccountLoader<'info, Vault>,
    #[account(mint::token_program = token_program)]
    pub collateral_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init,
        payer = authority,
        seeds = [SHARE_MINT_SEED, vault.key().as_ref()],
        bump,
        mint::decimals = collateral_mint.decimals,
        mint::authority = vault,
        mint::token_program = token_program,
    )]
    pub share_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init,
        payer = authority,
        seeds = [COLLATERAL_SEED, vault.key().as_ref()],
        bump,
        token::mint = collateral_mint,
        token::authority = vault,
        token::token_program = token_program,
    )]
    pub collateral_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        init,
        payer = authority,
        seeds = [ESCROW_SEED, vault.key().as_ref()],
        bump,
        token::mint = share_mint,
        token::authority = vault,
        token::token_program = token_program,
    )]
    pub share_escrow: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

fn validate_feed(feed: &PriceFeedConfig) -> Result<()> {
    match feed.source {
        OracleSource::PythPull => require!(feed.feed_id != [0u8; 32], VaultError::OracleWrongFeed),
        OracleSource::PythLegacy => {
            require!(feed.account != Pubkey::default(), VaultError::OracleWrongAccount)
        }
    }
    Ok(())
}

impl InitializeVault<'_> {
    // Own sBPF stack frame: inlined into the dispatcher, every handler would share one.
    #[inline(never)]
    pub fn handler(ctx: Context<Self>, args: InitializeVaultArgs) -> Result<()> {
        let now = crate::constraints::now()?;
        let params = VaultParams::from_core(args.params);
        params.validate(now, &ctx.accounts.vault.key())?;
        validate_feed(&args.oracle.underlying)?;
        if let Some(c) = args.oracle.collateral() {
            validate_feed(c)?;
        }
        require!(
            (params.vol.min_sigma_bps..=params.vol.max_sigma_bps).contains(&args.initial_sigma_bps),
            VaultError::SigmaOutOfBounds
        );
        let a = &ctx.accounts;
        // The account is zeroed: only the non-zero fields are written.
        let mut vault = a.vault.load_init()?;
        vault.version = VAULT_VERSION;
        vault.bump = ctx.bumps.vault;
        vault.share_mint_bump = ctx.bumps.share_mint;
        vault.collateral_bump = ctx.bumps.collateral_vault;
        vault.escrow_bump = ctx.bumps.share_escrow;
        vault.decimals = a.collateral_mint.decimals;
        vault.vault_id = args.vault_id;
        vault.authority = a.authority.key();
        vault.collateral_mint = a.collateral_mint.key();
        vault.token_program = a.token_program.key();
        vault.share_mint = a.share_mint.key();
        vault.collateral_vault = a.collateral_vault.key();
        vault.share_escrow = a.share_escrow.key();
        vault.oracle = args.oracle;
        vault.params = params;
        vault.sigma_bps = args.initial_sigma_bps;
        vault.sigma_updated_at = now;
        vault.fees_accrued_at = now;
        // Set at the first fee accrual with a price (see `Vault::accrue_fees`).
        vault.set_high_water_mark(hedge_math::Fix::ZERO);
        vault.invariant(0, 0, 0)?;
        crate::events::emit(&VaultInitialized {
            vault: a.vault.key(),
            authority: vault.authority,
            collateral_mint: vault.collateral_mint,
            share_mint: vault.share_mint,
            vault_id: vault.vault_id,
        });
        Ok(())
    }
}
