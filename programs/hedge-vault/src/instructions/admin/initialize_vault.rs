use anchor_lang::prelude::*;
use anchor_lang::solana_program::program_pack::Pack;
use anchor_spl::token_2022::spl_token_2022;
use anchor_spl::token_2022::spl_token_2022::extension::{
    BaseStateWithExtensions, ExtensionType, StateWithExtensions,
};
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::constants::*;
use crate::error::VaultError;
use crate::events::VaultInitialized;
use crate::state::{CoreParams, OracleConfig, Vault, VaultParams};

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
    /// Accept a collateral mint with a freeze authority (e.g. a regulated stablecoin):
    /// the vault then trusts its issuer not to freeze the vault's token account. False
    /// refuses such mints (`MintHasFreezeAuthority`).
    pub trust_freeze_authority: bool,
}

#[derive(Accounts)]
#[instruction(args: InitializeVaultArgs)]
pub struct InitializeVault<'info> {
    /// Pays for the accounts, becomes the governance authority and, as the creator, is
    /// part of the vault's address (nobody else can take it by front-running).
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(
        init,
        payer = authority,
        space = Vault::SPACE,
        seeds = [
            VAULT_SEED,
            collateral_mint.key().as_ref(),
            authority.key().as_ref(),
            &args.vault_id.to_le_bytes(),
        ],
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

/// Token-2022 mint extensions the vault supports: none of them can move, freeze, tax or
/// block the vault's tokens (metadata, groups, display-only amounts, closing an empty
/// mint). Anything else (transfer fee, transfer hook, permanent delegate, default account
/// state, non-transferable, confidential transfers, pausable, …) is refused.
const SUPPORTED_MINT_EXTENSIONS: &[ExtensionType] = &[
    ExtensionType::Uninitialized,
    ExtensionType::MintCloseAuthority,
    ExtensionType::MetadataPointer,
    ExtensionType::TokenMetadata,
    ExtensionType::GroupPointer,
    ExtensionType::TokenGroup,
    ExtensionType::GroupMemberPointer,
    ExtensionType::TokenGroupMember,
    ExtensionType::InterestBearingConfig,
    ExtensionType::ScaledUiAmount,
];

/// Refuses collateral the vault cannot hold safely: a freeze authority (unless trusted
/// explicitly) and any Token-2022 extension outside [`SUPPORTED_MINT_EXTENSIONS`].
#[inline(never)]
pub fn vet_collateral_mint(mint: &AccountInfo, trust_freeze_authority: bool) -> Result<()> {
    let data = mint.try_borrow_data()?;
    if *mint.owner == spl_token_2022::ID {
        let state = StateWithExtensions::<spl_token_2022::state::Mint>::unpack(&data)
            .map_err(|_| error!(VaultError::UnsupportedMintExtension))?;
        require!(
            trust_freeze_authority || state.base.freeze_authority.is_none(),
            VaultError::MintHasFreezeAuthority
        );
        let types = state
            .get_extension_types()
            .map_err(|_| error!(VaultError::UnsupportedMintExtension))?;
        for t in types {
            if !SUPPORTED_MINT_EXTENSIONS.contains(&t) {
                msg!("unsupported collateral mint extension: {:?}", t);
                return err!(VaultError::UnsupportedMintExtension);
            }
        }
    } else {
        let state = anchor_spl::token::spl_token::state::Mint::unpack(&data)
            .map_err(|_| error!(VaultError::UnsupportedMintExtension))?;
        require!(
            trust_freeze_authority || state.freeze_authority.is_none(),
            VaultError::MintHasFreezeAuthority
        );
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
        args.oracle.validate()?;
        require!(
            (params.vol.min_sigma_bps..=params.vol.max_sigma_bps).contains(&args.initial_sigma_bps),
            VaultError::SigmaOutOfBounds
        );
        let a = &ctx.accounts;
        vet_collateral_mint(&a.collateral_mint.to_account_info(), args.trust_freeze_authority)?;
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
        vault.creator = a.authority.key();
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
