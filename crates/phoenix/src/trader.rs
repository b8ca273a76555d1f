//! Phoenix's `Trader` account, read from its bytes: a 224-byte header, a 16-byte position
//! map header (`len`, `capacity`), then `capacity` 40-byte entries of which the first
//! `len` are live. An entry is a perp position, a spot collateral balance or the locked
//! deposit, told apart by the band of its asset index.
use crate::{check_discriminant, discriminant, i64_at, read, u64_at, Address, ReadError};

/// Byte offsets in the trader account (conformance/ checks each against
/// `phoenix-rise-accounts`).
pub mod offset {
    pub const KEY: usize = 24;
    pub const AUTHORITY: usize = 56;
    /// `TraderState.quote_lot_collateral` (i64, quote lots).
    pub const QUOTE_LOT_COLLATERAL: usize = 88;
    /// `TraderState.flags` (u32, capability bits).
    pub const FLAGS: usize = 96;
    pub const MAX_POSITIONS: usize = 112;
    pub const POSITION_AUTHORITY: usize = 120;
    pub const SUBACCOUNT_INDEX: usize = 155;
    pub const HEADER_LEN: usize = 224;
    pub const MAP_LEN: usize = 224;
    pub const MAP_CAPACITY: usize = 232;
    pub const ENTRIES: usize = 240;
    pub const ENTRY_LEN: usize = 40;
    /// Within an entry: the asset index (low 32 bits of a u64).
    pub const ENTRY_ASSET: usize = 0;
    /// Perp entry: base lots (i64), virtual quote lots (i64), cumulative funding snapshot
    /// (i64, quote lots per base lot), sequence number (u8), accumulated funding (i56).
    pub const ENTRY_BASE_LOTS: usize = 8;
    pub const ENTRY_VIRTUAL_QUOTE_LOTS: usize = 16;
    pub const ENTRY_FUNDING_SNAPSHOT: usize = 24;
    pub const ENTRY_ACCUMULATED_FUNDING: usize = 33;
    /// Spot entry: accounted balance (u64, the asset's native units).
    pub const ENTRY_SPOT_BALANCE: usize = 8;
}

/// Capability bits of `TraderState.flags`.
pub mod capability {
    pub const HOT: u32 = 1 << 0;
    pub const CAN_PLACE_LIMIT: u32 = 1 << 1;
    pub const CAN_PLACE_MARKET: u32 = 1 << 2;
    pub const CAN_RISK_INCREASE: u32 = 1 << 3;
    pub const CAN_DEPOSIT: u32 = 1 << 4;
    pub const CAN_WITHDRAW: u32 = 1 << 5;
}

/// Asset indexes at or above this are not perp positions.
pub const POSITION_ASSET_INDEX_BOUND: u32 = 0xFF00_0000;
/// Native SOL's spot collateral index.
pub const NATIVE_SOL_ASSET_INDEX: u32 = 0xFFFF_0000;
/// The band (upper 16 bits) of SPL spot collateral indexes.
pub const SPOT_ASSET_INDEX_PREFIX: u32 = 0xFFFE_0000;

/// A perp position (Phoenix's units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// Base lots (> 0 long).
    pub base_lots: i64,
    /// Quote lots the position is booked at: unrealised P&L is
    /// `base_lots · mark − (−virtual_quote_lots)` in quote lots.
    pub virtual_quote_lots: i64,
    /// The market's cumulative funding (quote lots per base lot) when last settled.
    pub funding_snapshot: i64,
    /// Funding accrued on this position and not yet settled (quote lots).
    pub accumulated_funding: i64,
}

/// What the vault reads of a trader account.
#[derive(Debug, Clone, Copy)]
pub struct TraderView<'a> {
    data: &'a [u8],
    len: usize,
}

impl<'a> TraderView<'a> {
    /// Reads a trader account's bytes; refuses another account type or a position map
    /// that points outside the account.
    pub fn read(data: &'a [u8]) -> Result<Self, ReadError> {
        check_discriminant(data, discriminant::TRADER_ACCOUNT)?;
        let len = usize::try_from(u64_at(data, offset::MAP_LEN)?).map_err(|_| ReadError::Corrupt)?;
        let capacity =
            usize::try_from(u64_at(data, offset::MAP_CAPACITY)?).map_err(|_| ReadError::Corrupt)?;
        if len > capacity {
            return Err(ReadError::Corrupt);
        }
        let end = capacity
            .checked_mul(offset::ENTRY_LEN)
            .and_then(|n| n.checked_add(offset::ENTRIES))
            .ok_or(ReadError::Corrupt)?;
        if data.len() < end {
            return Err(ReadError::TooShort);
        }
        Ok(TraderView { data, len })
    }

    /// The trader account's own address as it records it.
    pub fn key(&self) -> Address {
        read(self.data, offset::KEY).unwrap_or_default()
    }

    /// The wallet that owns it (the vault PDA for the vault's account).
    pub fn authority(&self) -> Address {
        read(self.data, offset::AUTHORITY).unwrap_or_default()
    }

    /// Quote collateral (quote lots: micro-USDC), settled P&L and fees included. Negative
    /// when losses exceed it.
    pub fn quote_lot_collateral(&self) -> i64 {
        i64_at(self.data, offset::QUOTE_LOT_COLLATERAL).unwrap_or_default()
    }

    /// Capability bits ([`capability`]).
    pub fn flags(&self) -> u32 {
        read::<4>(self.data, offset::FLAGS)
            .map(u32::from_le_bytes)
            .unwrap_or_default()
    }

    /// Sub-account index (0 = cross margin).
    pub fn subaccount_index(&self) -> u8 {
        self.data
            .get(offset::SUBACCOUNT_INDEX)
            .copied()
            .unwrap_or_default()
    }

    fn entries(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let data = self.data;
        (0..self.len).filter_map(move |i| {
            let at = offset::ENTRIES.checked_add(i.checked_mul(offset::ENTRY_LEN)?)?;
            data.get(at..at.checked_add(offset::ENTRY_LEN)?)
        })
    }

    /// The perp position in asset `asset_id`, if any.
    pub fn position(&self, asset_id: u32) -> Option<Position> {
        if asset_id >= POSITION_ASSET_INDEX_BOUND {
            return None;
        }
        self.entries().find(|e| asset_of(e) == asset_id).map(|e| {
            let mut funding = [0u8; 8];
            funding[..7].copy_from_slice(&e[offset::ENTRY_ACCUMULATED_FUNDING..offset::ENTRY_LEN]);
            // Sign-extend the 56-bit integer.
            if funding[6] & 0x80 != 0 {
                funding[7] = 0xFF;
            }
            Position {
                base_lots: i64_at(e, offset::ENTRY_BASE_LOTS).unwrap_or_default(),
                virtual_quote_lots: i64_at(e, offset::ENTRY_VIRTUAL_QUOTE_LOTS).unwrap_or_default(),
                funding_snapshot: i64_at(e, offset::ENTRY_FUNDING_SNAPSHOT).unwrap_or_default(),
                accumulated_funding: i64::from_le_bytes(funding),
            }
        })
    }

    /// Perp positions other than `asset_id` (a vault account holds one market only).
    pub fn other_positions(&self, asset_id: u32) -> usize {
        self.entries()
            .filter(|e| {
                let a = asset_of(e);
                a < POSITION_ASSET_INDEX_BOUND && a != asset_id
            })
            .count()
    }

    /// Live entries that hold something other than the perp `asset_id` and the spot
    /// collateral `spot_index`: a position (or booked quote) in another market, a balance
    /// of another asset. The locked deposit is not a holding.
    pub fn other_holdings(&self, asset_id: u32, spot_index: u32) -> usize {
        self.entries()
            .filter(|e| {
                let a = asset_of(e);
                if a < POSITION_ASSET_INDEX_BOUND {
                    a != asset_id
                        && (i64_at(e, offset::ENTRY_BASE_LOTS).unwrap_or(1) != 0
                            || i64_at(e, offset::ENTRY_VIRTUAL_QUOTE_LOTS).unwrap_or(1) != 0)
                } else if a == NATIVE_SOL_ASSET_INDEX || a & 0xFFFF_0000 == SPOT_ASSET_INDEX_PREFIX {
                    a != spot_index && u64_at(e, offset::ENTRY_SPOT_BALANCE).unwrap_or(1) != 0
                } else {
                    false
                }
            })
            .count()
    }

    /// The accounted balance of spot collateral `asset_index` (its native units; 0 when
    /// none). Tokens in the custody account beyond it are not collateral.
    pub fn spot_balance(&self, asset_index: u32) -> u64 {
        if asset_index != NATIVE_SOL_ASSET_INDEX && asset_index & 0xFFFF_0000 != SPOT_ASSET_INDEX_PREFIX {
            return 0;
        }
        self.entries()
            .find(|e| asset_of(e) == asset_index)
            .and_then(|e| u64_at(e, offset::ENTRY_SPOT_BALANCE).ok())
            .unwrap_or_default()
    }
}

fn asset_of(entry: &[u8]) -> u32 {
    // The low 32 bits of the entry's u64 key.
    read::<4>(entry, offset::ENTRY_ASSET)
        .map(u32::from_le_bytes)
        .unwrap_or(u32::MAX)
}

/// Bytes of a trader account with the given fields, laid out as Phoenix lays them out:
/// for tests and fixtures (conformance/ decodes it with Phoenix's own reader).
pub mod fixture {
    use super::*;

    /// A trader account's fields.
    #[derive(Debug, Clone, Default)]
    pub struct TraderFixture {
        pub key: Address,
        pub authority: Address,
        pub quote_lot_collateral: i64,
        pub flags: u32,
        pub subaccount_index: u8,
        /// `(asset id, position)`.
        pub positions: Vec<(u32, Position)>,
        /// `(spot asset index, balance)`.
        pub spot: Vec<(u32, u64)>,
        /// Allocated entries beyond the live ones.
        pub spare: usize,
    }

    impl TraderFixture {
        pub fn bytes(&self) -> Vec<u8> {
            let live = self.positions.len() + self.spot.len();
            let capacity = live + self.spare;
            let mut d = vec![0u8; offset::ENTRIES + capacity * offset::ENTRY_LEN];
            d[..8].copy_from_slice(&discriminant::TRADER_ACCOUNT);
            d[offset::KEY..offset::KEY + 32].copy_from_slice(&self.key);
            d[offset::AUTHORITY..offset::AUTHORITY + 32].copy_from_slice(&self.authority);
            d[offset::QUOTE_LOT_COLLATERAL..offset::QUOTE_LOT_COLLATERAL + 8]
                .copy_from_slice(&self.quote_lot_collateral.to_le_bytes());
            d[offset::FLAGS..offset::FLAGS + 4].copy_from_slice(&self.flags.to_le_bytes());
            d[offset::MAX_POSITIONS..offset::MAX_POSITIONS + 4]
                .copy_from_slice(&(capacity as u32).to_le_bytes());
            d[offset::SUBACCOUNT_INDEX] = self.subaccount_index;
            d[offset::MAP_LEN..offset::MAP_LEN + 8].copy_from_slice(&(live as u64).to_le_bytes());
            d[offset::MAP_CAPACITY..offset::MAP_CAPACITY + 8]
                .copy_from_slice(&(capacity as u64).to_le_bytes());
            let mut at = offset::ENTRIES;
            for (asset, p) in &self.positions {
                let e = &mut d[at..at + offset::ENTRY_LEN];
                e[..8].copy_from_slice(&u64::from(*asset).to_le_bytes());
                e[8..16].copy_from_slice(&p.base_lots.to_le_bytes());
                e[16..24].copy_from_slice(&p.virtual_quote_lots.to_le_bytes());
                e[24..32].copy_from_slice(&p.funding_snapshot.to_le_bytes());
                e[33..40].copy_from_slice(&p.accumulated_funding.to_le_bytes()[..7]);
                at += offset::ENTRY_LEN;
            }
            for (asset, balance) in &self.spot {
                let e = &mut d[at..at + offset::ENTRY_LEN];
                e[..8].copy_from_slice(&u64::from(*asset).to_le_bytes());
                e[8..16].copy_from_slice(&balance.to_le_bytes());
                at += offset::ENTRY_LEN;
            }
            d
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::TraderFixture;
    use super::*;

    fn sample() -> TraderFixture {
        TraderFixture {
            key: [7; 32],
            authority: [8; 32],
            quote_lot_collateral: -12_345,
            flags: capability::CAN_PLACE_MARKET | capability::CAN_DEPOSIT,
            subaccount_index: 0,
            positions: vec![
                (
                    3,
                    Position {
                        base_lots: -250,
                        virtual_quote_lots: 1_000_000,
                        funding_snapshot: -4,
                        accumulated_funding: -(1 << 40),
                    },
                ),
                (
                    9,
                    Position {
                        base_lots: 1,
                        ..Position::default()
                    },
                ),
            ],
            spot: vec![(0xFFFE_0002, 777), (NATIVE_SOL_ASSET_INDEX, 5)],
            spare: 2,
        }
    }

    #[test]
    fn reads_back_what_was_laid_out() {
        let bytes = sample().bytes();
        let t = TraderView::read(&bytes).unwrap();
        assert_eq!(t.authority(), [8; 32]);
        assert_eq!(t.key(), [7; 32]);
        assert_eq!(t.quote_lot_collateral(), -12_345);
        assert_eq!(t.flags(), capability::CAN_PLACE_MARKET | capability::CAN_DEPOSIT);
        let p = t.position(3).unwrap();
        assert_eq!((p.base_lots, p.virtual_quote_lots), (-250, 1_000_000));
        assert_eq!(
            p.accumulated_funding,
            -(1 << 40),
            "the 56-bit funding sign-extends"
        );
        assert_eq!(t.position(4), None);
        assert_eq!(t.other_positions(3), 1);
        assert_eq!(t.spot_balance(0xFFFE_0002), 777);
        assert_eq!(t.spot_balance(NATIVE_SOL_ASSET_INDEX), 5);
        assert_eq!(t.spot_balance(3), 0, "a perp index is not spot collateral");
        // Holding perp 3 and spot 0xFFFE_0002: perp 9 (1 lot) and native SOL (5) are
        // other holdings.
        assert_eq!(t.other_holdings(3, 0xFFFE_0002), 2);
        assert_eq!(t.other_holdings(9, NATIVE_SOL_ASSET_INDEX), 2);
    }

    #[test]
    fn refuses_foreign_short_and_inconsistent_accounts() {
        let good = sample().bytes();
        let mut foreign = good.clone();
        foreign[0] ^= 1;
        assert_eq!(
            TraderView::read(&foreign).err(),
            Some(ReadError::WrongDiscriminant)
        );
        assert_eq!(
            TraderView::read(&good[..good.len() - 1]).err(),
            Some(ReadError::TooShort)
        );
        let mut overfull = good.clone();
        overfull[offset::MAP_LEN..offset::MAP_LEN + 8].copy_from_slice(&99u64.to_le_bytes());
        assert_eq!(TraderView::read(&overfull).err(), Some(ReadError::Corrupt));
        let mut huge = good;
        huge[offset::MAP_CAPACITY..offset::MAP_CAPACITY + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        huge[offset::MAP_LEN..offset::MAP_LEN + 8].copy_from_slice(&0u64.to_le_bytes());
        assert!(TraderView::read(&huge).is_err());
    }

    #[test]
    fn empty_entries_and_the_locked_deposit_are_not_holdings() {
        let f = TraderFixture {
            positions: vec![(3, Position::default()), (4, Position::default())],
            spot: vec![(0xFFFE_0002, 0), (0xFFFF_0001, 500)],
            ..sample()
        };
        let bytes = f.bytes();
        assert_eq!(
            TraderView::read(&bytes).unwrap().other_holdings(3, 0xFFFE_0009),
            0
        );
    }

    #[test]
    fn entries_past_len_are_not_read() {
        let mut f = sample();
        f.spare = 1;
        let mut bytes = f.bytes();
        // A stale entry in the spare slot: asset 11, 5 lots.
        let at = offset::ENTRIES + 4 * offset::ENTRY_LEN;
        bytes[at..at + 8].copy_from_slice(&11u64.to_le_bytes());
        bytes[at + 8..at + 16].copy_from_slice(&5i64.to_le_bytes());
        let t = TraderView::read(&bytes).unwrap();
        assert_eq!(t.position(11), None);
    }
}
