//! The Phoenix Rise (Phoenix perpetuals) venue adapter's encodings, written from Phoenix's
//! published interface: the `phoenix-rise-ix` 0.9.0 instruction encoders and the
//! `phoenix-rise-accounts` 0.9.0 account layouts on crates.io ([`INTERFACE_VERSION`]).
//! Nothing here is copied from them: `conformance/` builds every instruction with both
//! and compares the bytes and account lists, and decodes accounts written here with
//! Phoenix's own readers (docs/venues.md, "Phoenix Rise").
//!
//! Why not depend on `phoenix-rise-ix` directly: its `phoenix-rise-math` pins
//! `fixed = "=1.29.0"`, and the vault's I80F48 engine pins `fixed` 1.31.0; Cargo allows
//! one `fixed` 1.x per lockfile. This crate has no dependencies at all, so the program,
//! the keeper and the conformance workspace compile the same code.
//!
//! What the vault needs from Phoenix, and nothing more:
//! - orders: [`ix::place_market_order`] (an immediate-or-cancel order against the book
//!   with a worst price: fills now or not at all) and [`ix::cancel_all`];
//! - margin in the vault's own collateral, as Phoenix's SPL spot collateral: tokens go to
//!   the custody account of the trader's wallet PDA (an SPL transfer), then
//!   [`ix::sync_spot`] (permissionless) credits them; [`ix::withdraw_spot`] takes them out;
//! - reading the trader account ([`trader::TraderView`]: quote collateral, perp positions,
//!   spot collateral, capability flags) and a market's entry in the perp asset map
//!   ([`market::AssetView`]: tick size, base lot decimals, finalized mark price, open
//!   interest).
//!
//! Units: Phoenix counts base in base lots (one lot = 10^-`base_lot_decimals` of a whole
//! token), quote in quote lots (1 quote lot = 1 micro-USDC), prices in ticks (one tick =
//! `tick_size` quote lots per base lot).

pub mod ix;
pub mod market;
pub mod trader;

/// The published crates these encodings are checked against (conformance/Cargo.toml pins
/// them).
pub const INTERFACE_VERSION: &str = "phoenix-rise-ix 0.9.0, phoenix-rise-accounts 0.9.0";

/// A Solana address as bytes.
pub type Address = [u8; 32];

/// Phoenix's mainnet program (`EtrnLzgbS7nMMy5fbD42kXiUzGg8XQzJ972Xtk1cjWih`).
pub const PROGRAM_ID: Address = [
    206, 112, 214, 251, 86, 142, 67, 235, 252, 150, 74, 144, 21, 108, 59, 233, 86, 59, 8, 23, 6, 124, 171,
    105, 78, 188, 131, 239, 221, 179, 126, 134,
];
/// Phoenix's log authority (`GdxfTLSsdSY37G6fZoYtdGDSfgFnbT2EmRpuePZxWShS`): the first two
/// accounts of every instruction are the program and this.
pub const LOG_AUTHORITY: Address = [
    232, 87, 38, 192, 178, 181, 188, 250, 246, 102, 139, 124, 27, 131, 105, 251, 1, 201, 152, 95, 204, 22,
    127, 11, 66, 153, 191, 29, 125, 30, 194, 165,
];
/// Phoenix's global configuration account (`2zskx2iyCvb6Stg7RBZkt1f6MrF4dpYtMG3yMvKwqtUZ`).
pub const GLOBAL_CONFIGURATION: Address = [
    29, 175, 47, 92, 51, 210, 108, 155, 85, 255, 152, 249, 55, 122, 220, 47, 198, 18, 2, 159, 201, 35, 13,
    89, 37, 168, 225, 164, 90, 78, 71, 202,
];
/// The SPL token program (`TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA`).
pub const TOKEN_PROGRAM_ID: Address = [
    6, 221, 246, 225, 215, 101, 161, 147, 217, 203, 225, 70, 206, 235, 121, 172, 28, 180, 133, 237, 95, 91,
    55, 145, 58, 140, 245, 133, 126, 255, 0, 169,
];

/// The associated token account program (`ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL`):
/// a custody account is the wallet PDA's associated token account, seeds
/// `[wallet, TOKEN_PROGRAM_ID, mint]` under this program.
pub const ASSOCIATED_TOKEN_PROGRAM_ID: Address = [
    140, 151, 37, 143, 78, 36, 137, 241, 187, 61, 16, 41, 20, 142, 13, 131, 11, 90, 19, 153, 218, 255, 16,
    132, 4, 142, 123, 216, 219, 233, 248, 89,
];
/// Seeds of a market's spline collection: `["spline", orderbook]` (Phoenix's program).
pub const SPLINE_SEED: &[u8] = b"spline";

/// Seeds of the trader's wallet PDA (`["wallet", trader_account]`, Phoenix's program): the
/// owner of the custody token accounts of its spot collateral. Derive with the caller's
/// `find_program_address`; the custody account is the wallet's associated token account
/// for the mint.
pub const WALLET_SEED: &[u8] = b"wallet";

/// Seeds of a trader account (`["trader", wallet, [pda_index, subaccount_index]]`,
/// Phoenix's program): the vault's is the vault PDA's, index 0, sub-account 0 (cross
/// margin), as Phoenix's onboarding (Flight's `onboard_trader`) opens it.
pub const TRADER_SEED: &[u8] = b"trader";
/// The vault's trader account indexes: PDA index 0, sub-account 0 (cross margin).
pub const TRADER_INDEXES: [u8; 2] = [0, 0];

/// Phoenix's 8-byte instruction discriminants: the first 8 bytes of
/// sha256("global:<snake_case name>") (checked in tests and in conformance/).
pub mod discriminant {
    /// `place_market_order`.
    pub const PLACE_MARKET_ORDER: [u8; 8] = [90, 118, 192, 252, 192, 99, 39, 145];
    /// `cancel_all`.
    pub const CANCEL_ALL: [u8; 8] = [98, 191, 75, 220, 115, 40, 71, 237];
    /// `sync_spot`.
    pub const SYNC_SPOT: [u8; 8] = [248, 53, 128, 214, 54, 165, 13, 2];
    /// `withdraw_spot`.
    pub const WITHDRAW_SPOT: [u8; 8] = [228, 41, 126, 4, 112, 18, 221, 112];
    /// The `Trader` account: the first 8 bytes of sha256("account:trader").
    pub const TRADER_ACCOUNT: [u8; 8] = [41, 97, 73, 105, 110, 214, 112, 9];
    /// The `PerpAssetMap` account: sha256("account:perp_asset_map").
    pub const PERP_ASSET_MAP_ACCOUNT: [u8; 8] = [142, 54, 115, 223, 124, 239, 108, 38];
    /// A market's orderbook account: sha256("account:orderbook").
    pub const ORDERBOOK_ACCOUNT: [u8; 8] = [65, 1, 40, 241, 166, 14, 86, 188];
    /// The global trader index header and its arenas, the active trader buffer header and
    /// its arenas: sha256("account:global_trader_index"), "…_arena", and so on.
    pub const GLOBAL_TRADER_INDEX_ACCOUNT: [u8; 8] = [145, 92, 169, 6, 5, 144, 1, 205];
    pub const GLOBAL_TRADER_INDEX_ARENA_ACCOUNT: [u8; 8] = [98, 110, 179, 71, 203, 120, 200, 235];
    pub const ACTIVE_TRADER_BUFFER_ACCOUNT: [u8; 8] = [192, 255, 205, 165, 80, 154, 131, 5];
    pub const ACTIVE_TRADER_BUFFER_ARENA_ACCOUNT: [u8; 8] = [6, 249, 57, 137, 82, 121, 191, 107];
    /// The global configuration: sha256("account:global_configuration").
    pub const GLOBAL_CONFIGURATION_ACCOUNT: [u8; 8] = [37, 146, 212, 210, 47, 136, 111, 20];
}

/// Why an account could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadError {
    /// Shorter than its layout.
    TooShort,
    /// Not the expected account type (its 8-byte discriminant).
    WrongDiscriminant,
    /// A count or index in the account points outside it.
    Corrupt,
}

impl core::fmt::Display for ReadError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            ReadError::TooShort => "the account is shorter than its Phoenix layout",
            ReadError::WrongDiscriminant => "the account is not of the expected Phoenix type",
            ReadError::Corrupt => "a count or index in the account points outside it",
        })
    }
}

pub(crate) fn read<const N: usize>(data: &[u8], at: usize) -> Result<[u8; N], ReadError> {
    let end = at.checked_add(N).ok_or(ReadError::Corrupt)?;
    let bytes = data.get(at..end).ok_or(ReadError::TooShort)?;
    let mut out = [0u8; N];
    out.copy_from_slice(bytes);
    Ok(out)
}

pub(crate) fn u64_at(data: &[u8], at: usize) -> Result<u64, ReadError> {
    read::<8>(data, at).map(u64::from_le_bytes)
}

pub(crate) fn i64_at(data: &[u8], at: usize) -> Result<i64, ReadError> {
    read::<8>(data, at).map(i64::from_le_bytes)
}

pub(crate) fn check_discriminant(data: &[u8], expected: [u8; 8]) -> Result<(), ReadError> {
    if read::<8>(data, 0)? != expected {
        return Err(ReadError::WrongDiscriminant);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn sha8(s: &str) -> [u8; 8] {
        let h = Sha256::digest(s.as_bytes());
        let mut d = [0u8; 8];
        d.copy_from_slice(&h[..8]);
        d
    }

    #[test]
    fn discriminants_are_sha256_of_their_names() {
        use discriminant::*;
        assert_eq!(PLACE_MARKET_ORDER, sha8("global:place_market_order"));
        assert_eq!(CANCEL_ALL, sha8("global:cancel_all"));
        assert_eq!(SYNC_SPOT, sha8("global:sync_spot"));
        assert_eq!(WITHDRAW_SPOT, sha8("global:withdraw_spot"));
        assert_eq!(TRADER_ACCOUNT, sha8("account:trader"));
        assert_eq!(PERP_ASSET_MAP_ACCOUNT, sha8("account:perp_asset_map"));
        assert_eq!(ORDERBOOK_ACCOUNT, sha8("account:orderbook"));
        assert_eq!(GLOBAL_TRADER_INDEX_ACCOUNT, sha8("account:global_trader_index"));
        assert_eq!(
            GLOBAL_TRADER_INDEX_ARENA_ACCOUNT,
            sha8("account:global_trader_index_arena")
        );
        assert_eq!(ACTIVE_TRADER_BUFFER_ACCOUNT, sha8("account:active_trader_buffer"));
        assert_eq!(
            ACTIVE_TRADER_BUFFER_ARENA_ACCOUNT,
            sha8("account:active_trader_buffer_arena")
        );
        assert_eq!(GLOBAL_CONFIGURATION_ACCOUNT, sha8("account:global_configuration"));
    }

    #[test]
    fn addresses_are_the_published_base58_strings() {
        for (bytes, text) in [
            (PROGRAM_ID, "EtrnLzgbS7nMMy5fbD42kXiUzGg8XQzJ972Xtk1cjWih"),
            (LOG_AUTHORITY, "GdxfTLSsdSY37G6fZoYtdGDSfgFnbT2EmRpuePZxWShS"),
            (
                GLOBAL_CONFIGURATION,
                "2zskx2iyCvb6Stg7RBZkt1f6MrF4dpYtMG3yMvKwqtUZ",
            ),
            (TOKEN_PROGRAM_ID, "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"),
            (
                ASSOCIATED_TOKEN_PROGRAM_ID,
                "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL",
            ),
        ] {
            assert_eq!(bs58::encode(bytes).into_string(), text);
        }
    }

    #[test]
    fn reads_refuse_short_and_foreign_accounts() {
        assert_eq!(u64_at(&[0u8; 7], 0), Err(ReadError::TooShort));
        assert_eq!(u64_at(&[0u8; 16], usize::MAX), Err(ReadError::Corrupt));
        assert_eq!(
            check_discriminant(&[0u8; 8], discriminant::TRADER_ACCOUNT),
            Err(ReadError::WrongDiscriminant)
        );
        assert_eq!(
            check_discriminant(&discriminant::TRADER_ACCOUNT, discriminant::TRADER_ACCOUNT),
            Ok(())
        );
    }
}
