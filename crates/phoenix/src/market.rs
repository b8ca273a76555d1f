//! Phoenix's market-side accounts, read from their bytes: a market's orderbook header
//! (status, lot and tick sizes, taker fee), its entry in the perp asset map (finalized
//! mark price, funding, open interest) and the exchange status in the global
//! configuration. Offsets are checked against `phoenix-rise-accounts` in conformance/.
use crate::{check_discriminant, discriminant, i64_at, read, u64_at, Address, ReadError};

/// Byte offsets of the orderbook header (5,504 bytes).
pub mod book_offset {
    pub const MARKET_STATUS: usize = 8;
    pub const BASE_LOT_DECIMALS: usize = 9;
    pub const ASSET_ID: usize = 32;
    pub const SYMBOL: usize = 40;
    /// Quote lots per base lot per tick (u64).
    pub const TICK_SIZE: usize = 56;
    /// Default taker fee (u32, millionths of the notional).
    pub const TAKER_FEE_MICRO: usize = 96;
    pub const HEADER_LEN: usize = 5_504;
}

/// A market's orderbook header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookView {
    /// The market's status byte, as Phoenix stores it. The published crates give no names
    /// for its values; the adapter treats anything but the value it was configured with
    /// as not trading (docs/venues.md).
    pub market_status: u8,
    /// One base lot is 10^-`base_lot_decimals` of a whole token.
    pub base_lot_decimals: i8,
    pub asset_id: u32,
    pub symbol: [u8; 16],
    /// Quote lots per base lot per tick.
    pub tick_size: u64,
    /// Taker fee (millionths of the notional).
    pub taker_fee_micro: u32,
}

impl BookView {
    pub fn read(data: &[u8]) -> Result<Self, ReadError> {
        check_discriminant(data, discriminant::ORDERBOOK_ACCOUNT)?;
        if data.len() < book_offset::HEADER_LEN {
            return Err(ReadError::TooShort);
        }
        Ok(BookView {
            market_status: read::<1>(data, book_offset::MARKET_STATUS)?[0],
            base_lot_decimals: i8::from_le_bytes(read::<1>(data, book_offset::BASE_LOT_DECIMALS)?),
            asset_id: u32::from_le_bytes(read(data, book_offset::ASSET_ID)?),
            symbol: read(data, book_offset::SYMBOL)?,
            tick_size: u64_at(data, book_offset::TICK_SIZE)?,
            taker_fee_micro: u32::from_le_bytes(read(data, book_offset::TAKER_FEE_MICRO)?),
        })
    }
}

/// Byte offsets of the perp asset map: a 48-byte header, then `slots_used` entries of
/// 1,584 bytes (a 16-byte symbol key, then the asset's metadata).
pub mod map_offset {
    pub const SLOTS_USED: usize = 32;
    pub const ENTRIES: usize = 48;
    pub const ENTRY_LEN: usize = 1_584;
    /// Within an entry.
    pub const SYMBOL: usize = 0;
    pub const MARKET_ACCOUNT: usize = 920;
    pub const TICK_SIZE: usize = 952;
    pub const ASSET_ID_LOW: usize = 960;
    pub const BASE_LOT_DECIMALS: usize = 962;
    pub const ASSET_ID_HIGH: usize = 964;
    /// `RiskParams.leverage_tiers[i].max_leverage` (u64) is at `LEVERAGE_TIERS + 24·i + 8`.
    pub const LEVERAGE_TIERS: usize = 1_032;
    pub const LEVERAGE_TIER_LEN: usize = 24;
    /// `RiskParams.risk_factors[0]` (u16, bps of the initial margin): the maintenance
    /// (liquidation) threshold.
    pub const MAINTENANCE_RISK_FACTOR: usize = 1_208;
    /// `FundingAccumulator.cumulative_funding_rate` (i64, quote lots per base lot).
    pub const CUMULATIVE_FUNDING: usize = 1_328;
    pub const OPEN_INTEREST: usize = 1_440;
    pub const OPEN_INTEREST_CAP: usize = 1_448;
    /// Ticks (u64).
    pub const FINALIZED_MARK_PRICE: usize = 1_456;
    pub const IS_TOMBSTONED: usize = 1_466;
    /// The last byte: 0 = perp, 1 = spot collateral collection.
    pub const VARIANT: usize = 1_583;
    /// The whole account: the header and 1,024 slots.
    pub const ACCOUNT_LEN: usize = ENTRIES + 1_024 * ENTRY_LEN;
    /// A spot slot (variant 1) holds up to four spot collateral entries of 344 bytes,
    /// from this offset in the slot.
    pub const SPOT_ENTRIES: usize = 24;
    pub const SPOT_ENTRY_LEN: usize = 344;
    /// Within a spot entry: its asset index (u32, 0 = unused), then the metadata from
    /// `SPOT_METADATA`.
    pub const SPOT_ASSET_INDEX: usize = 16;
    pub const SPOT_METADATA: usize = 24;
    /// Within the spot metadata.
    pub const SPOT_MINT: usize = 0;
    pub const SPOT_DECIMALS: usize = 32;
    pub const SPOT_MAX_PER_TRADER: usize = 40;
    pub const SPOT_MIN_MARGIN_DISCOUNT: usize = 64;
    pub const SPOT_MAX_MARGIN_DISCOUNT: usize = 68;
    pub const SPOT_FLAGS: usize = 104;
}

/// One perp asset's entry in the perp asset map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssetView {
    pub symbol: [u8; 16],
    /// The market's orderbook account.
    pub market_account: Address,
    pub asset_id: u32,
    /// Quote lots per base lot per tick.
    pub tick_size: u64,
    pub base_lot_decimals: i8,
    /// Quote lots per base lot the market's funding has accumulated to.
    pub cumulative_funding: i64,
    /// Base lots.
    pub open_interest: u64,
    /// Base lots.
    pub open_interest_cap: u64,
    /// The mark price Phoenix last finalized (ticks).
    pub finalized_mark_price: u64,
    /// The lowest maximum leverage over the market's leverage tiers (0 when none is set):
    /// the initial margin is the notional over the tier's leverage.
    pub min_max_leverage: u64,
    /// Maintenance margin as a fraction of the initial margin (bps).
    pub maintenance_risk_factor_bps: u16,
}

impl AssetView {
    /// The initial margin as bps of the notional at the most demanding tier, rounded up
    /// (10 000 when no tier is set).
    pub fn initial_margin_bps(&self) -> u64 {
        if self.min_max_leverage == 0 {
            return 10_000;
        }
        10_000u64.div_ceil(self.min_max_leverage)
    }

    /// The maintenance margin as bps of the notional, rounded up.
    pub fn maintenance_margin_bps(&self) -> u64 {
        (self.initial_margin_bps() * u64::from(self.maintenance_risk_factor_bps)).div_ceil(10_000)
    }
}

/// One SPL spot collateral asset of the perp asset map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SpotView {
    /// Its index in the trader's position map (the `0xFFFE_xxxx` band).
    pub asset_index: u32,
    pub mint: Address,
    pub decimals: u32,
    /// Largest accounted balance per trader (the asset's native units).
    pub max_per_trader_balance: u64,
    /// How much less than its value Phoenix counts it for margin (bps): between these two,
    /// depending on size.
    pub min_margin_discount_bps: u32,
    pub max_margin_discount_bps: u32,
    /// Engaged in margin.
    pub active: bool,
}

impl AssetView {
    /// The mark price in quote lots per base lot.
    pub fn mark_quote_lots_per_base_lot(&self) -> Option<u64> {
        self.finalized_mark_price.checked_mul(self.tick_size)
    }
}

/// The entry of perp asset `asset_id` in the perp asset map (tombstoned and spot slots
/// skipped); `Ok(None)` when the map has no such perp.
pub fn find_asset(data: &[u8], asset_id: u32) -> Result<Option<AssetView>, ReadError> {
    use map_offset as o;
    check_discriminant(data, discriminant::PERP_ASSET_MAP_ACCOUNT)?;
    if data.len() < o::ACCOUNT_LEN {
        return Err(ReadError::TooShort);
    }
    let slots =
        usize::try_from(u32::from_le_bytes(read(data, o::SLOTS_USED)?)).map_err(|_| ReadError::Corrupt)?;
    if slots > 1_024 {
        return Err(ReadError::Corrupt);
    }
    for i in 0..slots {
        let at = o::ENTRIES + i * o::ENTRY_LEN;
        let e = &data[at..at + o::ENTRY_LEN];
        if e[o::VARIANT] != 0 || e[o::IS_TOMBSTONED] != 0 {
            continue;
        }
        let id = u32::from(u16::from_le_bytes(read(e, o::ASSET_ID_LOW)?))
            | (u32::from(u16::from_le_bytes(read(e, o::ASSET_ID_HIGH)?)) << 16);
        if id != asset_id {
            continue;
        }
        return Ok(Some(AssetView {
            symbol: read(e, o::SYMBOL)?,
            market_account: read(e, o::MARKET_ACCOUNT)?,
            asset_id: id,
            tick_size: u64_at(e, o::TICK_SIZE)?,
            base_lot_decimals: i8::from_le_bytes(read::<1>(e, o::BASE_LOT_DECIMALS)?),
            cumulative_funding: i64_at(e, o::CUMULATIVE_FUNDING)?,
            open_interest: u64_at(e, o::OPEN_INTEREST)?,
            open_interest_cap: u64_at(e, o::OPEN_INTEREST_CAP)?,
            finalized_mark_price: u64_at(e, o::FINALIZED_MARK_PRICE)?,
            min_max_leverage: (0..4)
                .filter_map(|t| u64_at(e, o::LEVERAGE_TIERS + t * o::LEVERAGE_TIER_LEN + 8).ok())
                .filter(|l| *l > 0)
                .min()
                .unwrap_or(0),
            maintenance_risk_factor_bps: u16::from_le_bytes(read(e, o::MAINTENANCE_RISK_FACTOR)?),
        }));
    }
    Ok(None)
}

fn slots(data: &[u8], expected: [u8; 8]) -> Result<usize, ReadError> {
    check_discriminant(data, expected)?;
    if data.len() < map_offset::ACCOUNT_LEN {
        return Err(ReadError::TooShort);
    }
    let n = usize::try_from(u32::from_le_bytes(read(data, map_offset::SLOTS_USED)?))
        .map_err(|_| ReadError::Corrupt)?;
    if n > 1_024 {
        return Err(ReadError::Corrupt);
    }
    Ok(n)
}

/// The SPL spot collateral asset of `mint` in the perp asset map; `Ok(None)` when Phoenix
/// does not take that mint as collateral.
pub fn find_spot(data: &[u8], mint: &Address) -> Result<Option<SpotView>, ReadError> {
    use map_offset as o;
    let n = slots(data, discriminant::PERP_ASSET_MAP_ACCOUNT)?;
    for i in 0..n {
        let slot = &data[o::ENTRIES + i * o::ENTRY_LEN..o::ENTRIES + (i + 1) * o::ENTRY_LEN];
        if slot[o::VARIANT] != 1 {
            continue;
        }
        for j in 0..4 {
            let e = &slot[o::SPOT_ENTRIES + j * o::SPOT_ENTRY_LEN..][..o::SPOT_ENTRY_LEN];
            let asset_index = u32::from_le_bytes(read(e, o::SPOT_ASSET_INDEX)?);
            let m = &e[o::SPOT_METADATA..];
            if asset_index == 0 || read::<32>(m, o::SPOT_MINT)? != *mint {
                continue;
            }
            return Ok(Some(SpotView {
                asset_index,
                mint: *mint,
                decimals: u32::from_le_bytes(read(m, o::SPOT_DECIMALS)?),
                max_per_trader_balance: u64_at(m, o::SPOT_MAX_PER_TRADER)?,
                min_margin_discount_bps: u32::from_le_bytes(read(m, o::SPOT_MIN_MARGIN_DISCOUNT)?),
                max_margin_discount_bps: u32::from_le_bytes(read(m, o::SPOT_MAX_MARGIN_DISCOUNT)?),
                active: m[o::SPOT_FLAGS] & 1 != 0,
            }));
        }
    }
    Ok(None)
}

/// Offset of `exchange_status` in the global configuration.
pub const EXCHANGE_STATUS: usize = 504;

/// Offsets of the exchange-wide account keys in the global configuration.
pub mod config_offset {
    pub const PERP_ASSET_MAP: usize = 360;
    pub const GLOBAL_TRADER_INDEX_HEADER: usize = 392;
    pub const ACTIVE_TRADER_BUFFER_HEADER: usize = 424;
    pub const WITHDRAW_QUEUE: usize = 472;
    /// The prefix every reader needs.
    pub const PREFIX_LEN: usize = 1_104;
}

/// The exchange-wide accounts the global configuration names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConfigView {
    pub perp_asset_map: Address,
    pub global_trader_index_header: Address,
    pub active_trader_buffer_header: Address,
    pub withdraw_queue: Address,
    pub exchange_status: u8,
}

impl ConfigView {
    pub fn read(data: &[u8]) -> Result<Self, ReadError> {
        use config_offset as o;
        check_discriminant(data, discriminant::GLOBAL_CONFIGURATION_ACCOUNT)?;
        if data.len() < o::PREFIX_LEN {
            return Err(ReadError::TooShort);
        }
        Ok(ConfigView {
            perp_asset_map: read(data, o::PERP_ASSET_MAP)?,
            global_trader_index_header: read(data, o::GLOBAL_TRADER_INDEX_HEADER)?,
            active_trader_buffer_header: read(data, o::ACTIVE_TRADER_BUFFER_HEADER)?,
            withdraw_queue: read(data, o::WITHDRAW_QUEUE)?,
            exchange_status: read::<1>(data, EXCHANGE_STATUS)?[0],
        })
    }

    /// [`exchange_active`] of this status.
    pub fn active(&self) -> bool {
        self.exchange_status & 0b1000_0001 == 0b1000_0001 && self.exchange_status & 0b100 == 0
    }
}

/// Whether Phoenix's persisted exchange status says it is trading: initialized and active
/// (bits 7 and 0) and not in maintenance (bit 2). Phoenix also halts after a cluster
/// restart it has not acknowledged; that needs the restart slot and is not read here.
pub fn exchange_active(global_configuration: &[u8]) -> Result<bool, ReadError> {
    ConfigView::read(global_configuration).map(|c| c.active())
}

/// Bytes of market-side accounts laid out as Phoenix lays them out: for tests and
/// fixtures (conformance/ decodes them with Phoenix's own readers).
pub mod fixture {
    use super::*;

    /// An orderbook account (its header; the book itself empty).
    pub fn book(b: &BookView) -> Vec<u8> {
        use book_offset as o;
        let mut d = vec![0u8; o::HEADER_LEN];
        d[..8].copy_from_slice(&discriminant::ORDERBOOK_ACCOUNT);
        d[o::MARKET_STATUS] = b.market_status;
        d[o::BASE_LOT_DECIMALS] = b.base_lot_decimals.to_le_bytes()[0];
        d[o::ASSET_ID..o::ASSET_ID + 4].copy_from_slice(&b.asset_id.to_le_bytes());
        d[o::SYMBOL..o::SYMBOL + 16].copy_from_slice(&b.symbol);
        d[o::TICK_SIZE..o::TICK_SIZE + 8].copy_from_slice(&b.tick_size.to_le_bytes());
        d[o::TAKER_FEE_MICRO..o::TAKER_FEE_MICRO + 4].copy_from_slice(&b.taker_fee_micro.to_le_bytes());
        d
    }

    /// A perp asset map holding `assets`, in order, then one spot slot holding `spots`
    /// (at most four).
    pub fn asset_map_with_spot(assets: &[AssetView], spots: &[SpotView]) -> Vec<u8> {
        use map_offset as o;
        let mut d = asset_map(assets);
        if spots.is_empty() {
            return d;
        }
        let i = assets.len();
        let n = (i + 1) as u32;
        d[o::SLOTS_USED..o::SLOTS_USED + 4].copy_from_slice(&n.to_le_bytes());
        let slot = &mut d[o::ENTRIES + i * o::ENTRY_LEN..o::ENTRIES + (i + 1) * o::ENTRY_LEN];
        slot[..4].copy_from_slice(b"SPOT");
        slot[o::VARIANT] = 1;
        for (j, sp) in spots.iter().take(4).enumerate() {
            let e = &mut slot[o::SPOT_ENTRIES + j * o::SPOT_ENTRY_LEN..][..o::SPOT_ENTRY_LEN];
            e[..4].copy_from_slice(b"LST\0");
            e[o::SPOT_ASSET_INDEX..o::SPOT_ASSET_INDEX + 4].copy_from_slice(&sp.asset_index.to_le_bytes());
            let m = &mut e[o::SPOT_METADATA..];
            m[o::SPOT_MINT..o::SPOT_MINT + 32].copy_from_slice(&sp.mint);
            m[o::SPOT_DECIMALS..o::SPOT_DECIMALS + 4].copy_from_slice(&sp.decimals.to_le_bytes());
            m[o::SPOT_MAX_PER_TRADER..o::SPOT_MAX_PER_TRADER + 8]
                .copy_from_slice(&sp.max_per_trader_balance.to_le_bytes());
            m[o::SPOT_MIN_MARGIN_DISCOUNT..o::SPOT_MIN_MARGIN_DISCOUNT + 4]
                .copy_from_slice(&sp.min_margin_discount_bps.to_le_bytes());
            m[o::SPOT_MAX_MARGIN_DISCOUNT..o::SPOT_MAX_MARGIN_DISCOUNT + 4]
                .copy_from_slice(&sp.max_margin_discount_bps.to_le_bytes());
            m[o::SPOT_FLAGS] = u8::from(sp.active);
        }
        d
    }

    /// A perp asset map holding `assets`, in order.
    pub fn asset_map(assets: &[AssetView]) -> Vec<u8> {
        use map_offset as o;
        let mut d = vec![0u8; o::ACCOUNT_LEN];
        d[..8].copy_from_slice(&discriminant::PERP_ASSET_MAP_ACCOUNT);
        let n = assets.len() as u32;
        d[24..26].copy_from_slice(&(n as u16).to_le_bytes()); // num_assets
        d[o::SLOTS_USED..o::SLOTS_USED + 4].copy_from_slice(&n.to_le_bytes());
        d[40..48].copy_from_slice(&1_024u64.to_le_bytes()); // capacity
        for (i, a) in assets.iter().enumerate() {
            let at = o::ENTRIES + i * o::ENTRY_LEN;
            let e = &mut d[at..at + o::ENTRY_LEN];
            e[o::SYMBOL..o::SYMBOL + 16].copy_from_slice(&a.symbol);
            e[o::MARKET_ACCOUNT..o::MARKET_ACCOUNT + 32].copy_from_slice(&a.market_account);
            e[o::TICK_SIZE..o::TICK_SIZE + 8].copy_from_slice(&a.tick_size.to_le_bytes());
            e[o::ASSET_ID_LOW..o::ASSET_ID_LOW + 2].copy_from_slice(&(a.asset_id as u16).to_le_bytes());
            e[o::BASE_LOT_DECIMALS] = a.base_lot_decimals.to_le_bytes()[0];
            e[o::ASSET_ID_HIGH..o::ASSET_ID_HIGH + 2]
                .copy_from_slice(&((a.asset_id >> 16) as u16).to_le_bytes());
            e[o::CUMULATIVE_FUNDING..o::CUMULATIVE_FUNDING + 8]
                .copy_from_slice(&a.cumulative_funding.to_le_bytes());
            e[o::OPEN_INTEREST..o::OPEN_INTEREST + 8].copy_from_slice(&a.open_interest.to_le_bytes());
            e[o::OPEN_INTEREST_CAP..o::OPEN_INTEREST_CAP + 8]
                .copy_from_slice(&a.open_interest_cap.to_le_bytes());
            e[o::FINALIZED_MARK_PRICE..o::FINALIZED_MARK_PRICE + 8]
                .copy_from_slice(&a.finalized_mark_price.to_le_bytes());
            e[1_464..1_466].copy_from_slice(&(i as u16).to_le_bytes()); // map index
                                                                        // One tier at the minimum leverage, a looser one below it.
            let t0 = o::LEVERAGE_TIERS;
            e[t0..t0 + 8].copy_from_slice(&1_000u64.to_le_bytes());
            e[t0 + 8..t0 + 16].copy_from_slice(&a.min_max_leverage.saturating_mul(2).to_le_bytes());
            let t1 = o::LEVERAGE_TIERS + o::LEVERAGE_TIER_LEN;
            e[t1..t1 + 8].copy_from_slice(&u64::MAX.to_le_bytes());
            e[t1 + 8..t1 + 16].copy_from_slice(&a.min_max_leverage.to_le_bytes());
            e[o::MAINTENANCE_RISK_FACTOR..o::MAINTENANCE_RISK_FACTOR + 2]
                .copy_from_slice(&a.maintenance_risk_factor_bps.to_le_bytes());
        }
        d
    }

    /// A global configuration account (its prefix) with `exchange_status`.
    pub fn global_configuration(exchange_status: u8) -> Vec<u8> {
        config(&ConfigView {
            exchange_status,
            ..ConfigView::default()
        })
    }

    /// A global configuration account (its prefix) with these fields.
    pub fn config(c: &ConfigView) -> Vec<u8> {
        use config_offset as o;
        let mut d = vec![0u8; o::PREFIX_LEN];
        d[..8].copy_from_slice(&discriminant::GLOBAL_CONFIGURATION_ACCOUNT);
        d[o::PERP_ASSET_MAP..o::PERP_ASSET_MAP + 32].copy_from_slice(&c.perp_asset_map);
        d[o::GLOBAL_TRADER_INDEX_HEADER..o::GLOBAL_TRADER_INDEX_HEADER + 32]
            .copy_from_slice(&c.global_trader_index_header);
        d[o::ACTIVE_TRADER_BUFFER_HEADER..o::ACTIVE_TRADER_BUFFER_HEADER + 32]
            .copy_from_slice(&c.active_trader_buffer_header);
        d[o::WITHDRAW_QUEUE..o::WITHDRAW_QUEUE + 32].copy_from_slice(&c.withdraw_queue);
        d[EXCHANGE_STATUS] = c.exchange_status;
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sol() -> AssetView {
        AssetView {
            symbol: *b"SOL\0\0\0\0\0\0\0\0\0\0\0\0\0",
            market_account: [4; 32],
            asset_id: 0x0001_0002,
            tick_size: 10,
            base_lot_decimals: 2,
            cumulative_funding: -77,
            open_interest: 1_000,
            open_interest_cap: 9_000,
            finalized_mark_price: 15_000,
            min_max_leverage: 20,
            maintenance_risk_factor_bps: 5_000,
        }
    }

    #[test]
    fn margins_from_the_most_demanding_tier() {
        // 20x: 5 % initial; maintenance at half of it: 2.5 %.
        assert_eq!(sol().initial_margin_bps(), 500);
        assert_eq!(sol().maintenance_margin_bps(), 250);
        // 3x rounds up (3,334 bps), and no tier at all is 100 %.
        let three = AssetView {
            min_max_leverage: 3,
            ..sol()
        };
        assert_eq!(three.initial_margin_bps(), 3_334);
        assert_eq!(
            AssetView {
                min_max_leverage: 0,
                ..sol()
            }
            .initial_margin_bps(),
            10_000
        );
    }

    #[test]
    fn finds_spot_collateral_by_mint() {
        let lst = SpotView {
            asset_index: 0xFFFE_0003,
            mint: [77; 32],
            decimals: 9,
            max_per_trader_balance: 1 << 40,
            min_margin_discount_bps: 500,
            max_margin_discount_bps: 1_500,
            active: true,
        };
        let other = SpotView {
            asset_index: 0xFFFE_0001,
            mint: [78; 32],
            ..lst
        };
        let map = fixture::asset_map_with_spot(&[sol()], &[other, lst]);
        assert_eq!(find_spot(&map, &[77; 32]).unwrap(), Some(lst));
        assert_eq!(find_spot(&map, &[79; 32]).unwrap(), None);
        // The spot slot is not a perp.
        assert_eq!(find_asset(&map, sol().asset_id).unwrap(), Some(sol()));
    }

    #[test]
    fn finds_the_asset_by_id_and_skips_the_rest() {
        let mut btc = sol();
        btc.asset_id = 1;
        btc.market_account = [5; 32];
        let map = fixture::asset_map(&[btc, sol()]);
        assert_eq!(find_asset(&map, 0x0001_0002).unwrap(), Some(sol()));
        assert_eq!(find_asset(&map, 3).unwrap(), None);
        // 15,000 ticks of 10 quote lots per base lot: 150,000 micro-USDC per 0.01 token,
        // i.e. 15 USDC per token.
        assert_eq!(sol().mark_quote_lots_per_base_lot(), Some(150_000));
        // A tombstoned or spot slot is skipped.
        let mut gone = map.clone();
        gone[map_offset::ENTRIES + map_offset::ENTRY_LEN + map_offset::IS_TOMBSTONED] = 1;
        assert_eq!(find_asset(&gone, 0x0001_0002).unwrap(), None);
        let mut spot = map;
        spot[map_offset::ENTRIES + map_offset::ENTRY_LEN + map_offset::VARIANT] = 1;
        assert_eq!(find_asset(&spot, 0x0001_0002).unwrap(), None);
    }

    #[test]
    fn asset_map_refuses_short_foreign_and_overfull() {
        let map = fixture::asset_map(&[sol()]);
        assert_eq!(find_asset(&map[..map.len() - 1], 1), Err(ReadError::TooShort));
        let mut foreign = map.clone();
        foreign[0] ^= 1;
        assert_eq!(find_asset(&foreign, 1), Err(ReadError::WrongDiscriminant));
        let mut overfull = map;
        overfull[map_offset::SLOTS_USED..map_offset::SLOTS_USED + 4].copy_from_slice(&1_025u32.to_le_bytes());
        assert_eq!(find_asset(&overfull, 1), Err(ReadError::Corrupt));
    }

    #[test]
    fn book_round_trips_and_exchange_status_bits() {
        let b = BookView {
            market_status: 1,
            base_lot_decimals: -1,
            asset_id: 7,
            symbol: [b'X'; 16],
            tick_size: 25,
            taker_fee_micro: 350,
        };
        assert_eq!(BookView::read(&fixture::book(&b)).unwrap(), b);
        assert_eq!(
            BookView::read(&fixture::book(&b)[..100]),
            Err(ReadError::TooShort)
        );
        assert!(exchange_active(&fixture::global_configuration(0b1000_0001)).unwrap());
        assert!(
            !exchange_active(&fixture::global_configuration(0b1000_0101)).unwrap(),
            "maintenance"
        );
        assert!(
            !exchange_active(&fixture::global_configuration(0b0000_0001)).unwrap(),
            "not initialized"
        );
    }
}
