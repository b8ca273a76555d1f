//! The Drift v2 venue adapter's encodings, written from Drift's published interface: the
//! IDL in the npm package `@drift-labs/sdk` ([`IDL_VERSION`]) and the behaviour verified
//! against a real Drift binary (docs/venues.md, "Drift v2"). Nothing here is copied from
//! Drift's source; `tests/idl.rs` checks every discriminator, account list, argument
//! layout, account offset and status bit against the IDL fetched from the registry
//! (`scripts/drift-idl.sh`).
//!
//! What the vault needs from Drift, and nothing more:
//! - set-up: [`initialize_user_stats`], [`initialize_user`] for the vault PDA (the keeper
//!   or authority pays: Drift wants a system-owned payer);
//! - margin: [`deposit`], [`withdraw`];
//! - orders: [`place_and_take_perp_order`] (fills now, against makers or the AMM; IOC with
//!   the vault's slippage as an oracle offset: [`OrderParams::ioc_at_oracle`]) and
//!   [`place_perp_order`] (fills later: an auction a Drift keeper fills; the vault then
//!   reconciles from the `User` account);
//! - [`settle_pnl`], [`cancel_orders`];
//! - reading the `User` account's perp and spot positions ([`UserView`]) and the venue's
//!   health from `State.exchange_status` and the perp market's status and paused
//!   operations ([`Health`]) before any CPI, so a paused venue is detected, not reverted
//!   into.
//!
//! Remaining accounts go in Drift's order: oracles, then spot markets, then perp markets
//! ([`Remaining`]).
//!
//! Units: base amounts in `BASE_PRECISION` (1e9), quote and prices in `PRICE_PRECISION` /
//! `QUOTE_PRECISION` (1e6), spot token amounts in the mint's own decimals.
use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use solana_sha256_hasher::hashv;

/// Drift v2's program id.
pub const PROGRAM_ID: Pubkey = pubkey!("dRiftyHA39MWEi3m9aunc5MzRF1JYuBsbn6VPcn33UH");
/// The `@drift-labs/sdk` version whose IDL the encodings are checked against.
pub const IDL_VERSION: &str = "2.156.0";
/// The rent sysvar (Drift's `initialize_user*` still take it).
pub const RENT_SYSVAR: Pubkey = pubkey!("SysvarRent111111111111111111111111111111111");
/// Drift's price and quote precision (1e6).
pub const PRICE_PRECISION: i64 = 1_000_000;
/// Drift's base-asset precision (1e9).
pub const BASE_PRECISION: i64 = 1_000_000_000;

/// Anchor's instruction discriminator: the first 8 bytes of sha256("global:<name>"), with
/// the instruction's snake_case name.
pub fn discriminator(name: &str) -> [u8; 8] {
    prefix(&hashv(&[b"global:", name.as_bytes()]).to_bytes())
}

/// Anchor's account discriminator: the first 8 bytes of sha256("account:<Name>").
pub fn account_discriminator(name: &str) -> [u8; 8] {
    prefix(&hashv(&[b"account:", name.as_bytes()]).to_bytes())
}

fn prefix(h: &[u8; 32]) -> [u8; 8] {
    let mut d = [0u8; 8];
    d.copy_from_slice(&h[..8]);
    d
}

/// Drift's program-derived addresses.
pub mod pda {
    use super::*;

    fn find(seeds: &[&[u8]]) -> Pubkey {
        Pubkey::find_program_address(seeds, &PROGRAM_ID).0
    }
    pub fn state() -> Pubkey {
        find(&[b"drift_state"])
    }
    pub fn signer() -> Pubkey {
        find(&[b"drift_signer"])
    }
    pub fn user(authority: &Pubkey, sub_account_id: u16) -> Pubkey {
        find(&[b"user", authority.as_ref(), &sub_account_id.to_le_bytes()])
    }
    pub fn user_stats(authority: &Pubkey) -> Pubkey {
        find(&[b"user_stats", authority.as_ref()])
    }
    pub fn perp_market(market_index: u16) -> Pubkey {
        find(&[b"perp_market", &market_index.to_le_bytes()])
    }
    pub fn spot_market(market_index: u16) -> Pubkey {
        find(&[b"spot_market", &market_index.to_le_bytes()])
    }
    pub fn spot_market_vault(market_index: u16) -> Pubkey {
        find(&[b"spot_market_vault", &market_index.to_le_bytes()])
    }
}

/// `OrderType` (IDL order).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderType {
    Market,
    Limit,
    TriggerMarket,
    TriggerLimit,
    Oracle,
}

/// `MarketType`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarketType {
    Spot,
    Perp,
}

/// `PositionDirection`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PositionDirection {
    Long,
    Short,
}

/// `PostOnlyParam`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostOnlyParam {
    None,
    MustPostOnly,
    TryPostOnly,
    Slide,
}

/// `OrderTriggerCondition`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderTriggerCondition {
    Above,
    Below,
    TriggeredAbove,
    TriggeredBelow,
}

/// `OrderParams.bit_flags`: immediate-or-cancel.
pub const ORDER_FLAG_IOC: u8 = 1;

/// `OrderParams`, field for field in the IDL's order (Borsh).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderParams {
    pub order_type: OrderType,
    pub market_type: MarketType,
    pub direction: PositionDirection,
    pub user_order_id: u8,
    /// BASE_PRECISION.
    pub base_asset_amount: u64,
    /// PRICE_PRECISION; 0 with an `oracle_price_offset` = priced off the oracle.
    pub price: u64,
    pub market_index: u16,
    pub reduce_only: bool,
    pub post_only: PostOnlyParam,
    pub bit_flags: u8,
    pub max_ts: Option<i64>,
    pub trigger_price: Option<u64>,
    pub trigger_condition: OrderTriggerCondition,
    /// PRICE_PRECISION, signed offset from the oracle price.
    pub oracle_price_offset: Option<i32>,
    pub auction_duration: Option<u8>,
    pub auction_start_price: Option<i64>,
    pub auction_end_price: Option<i64>,
}

impl OrderParams {
    /// The synchronous hedge order (`place_and_take_perp_order`): a limit IOC priced off
    /// the oracle, its worst price `slippage_bps` away from `oracle_price` (PRICE_PRECISION)
    /// on the wrong side. Signed `size` in BASE_PRECISION: > 0 buys. `None` for a zero
    /// size or an offset that does not fit Drift's i32.
    pub fn ioc_at_oracle(market_index: u16, size: i64, oracle_price: u64, slippage_bps: u16) -> Option<Self> {
        if size == 0 {
            return None;
        }
        let offset = u128::from(oracle_price).checked_mul(u128::from(slippage_bps))? / 10_000;
        let offset = i32::try_from(offset).ok()?;
        let (direction, offset) = if size > 0 {
            (PositionDirection::Long, offset)
        } else {
            (PositionDirection::Short, offset.checked_neg()?)
        };
        Some(OrderParams {
            order_type: OrderType::Limit,
            market_type: MarketType::Perp,
            direction,
            user_order_id: 0,
            base_asset_amount: size.unsigned_abs(),
            price: 0,
            market_index,
            reduce_only: false,
            post_only: PostOnlyParam::None,
            bit_flags: ORDER_FLAG_IOC,
            max_ts: None,
            trigger_price: None,
            trigger_condition: OrderTriggerCondition::Above,
            oracle_price_offset: Some(offset),
            auction_duration: None,
            auction_start_price: None,
            auction_end_price: None,
        })
    }

    /// The synchronous hedge order at a fixed worst price: a limit IOC of signed `size`
    /// (BASE_PRECISION; > 0 buys) at `limit` (PRICE_PRECISION), which the caller has
    /// already rounded to the market's tick on the safe side. `None` for a zero size.
    pub fn ioc_limit(market_index: u16, size: i64, limit: u64) -> Option<Self> {
        let mut o = Self::ioc_at_oracle(market_index, size, 0, 0)?;
        o.price = limit;
        o.oracle_price_offset = None;
        Some(o)
    }

    /// The asynchronous hedge order (`place_perp_order`): a market order whose auction runs
    /// from the oracle price to `slippage_bps` away over `auction_slots`, then expires at
    /// `max_ts` (unix seconds). Filled later by Drift's keepers; the vault learns the fill
    /// from the `User` account.
    pub fn auction_at_oracle(
        market_index: u16,
        size: i64,
        oracle_price: u64,
        slippage_bps: u16,
        auction_slots: u8,
        max_ts: i64,
    ) -> Option<Self> {
        let ioc = Self::ioc_at_oracle(market_index, size, oracle_price, slippage_bps)?;
        let start = i64::try_from(oracle_price).ok()?;
        let end = start.checked_add(i64::from(ioc.oracle_price_offset?))?;
        Some(OrderParams {
            order_type: OrderType::Market,
            bit_flags: 0,
            price: u64::try_from(end).ok()?,
            oracle_price_offset: None,
            max_ts: Some(max_ts),
            auction_duration: Some(auction_slots),
            auction_start_price: Some(start),
            auction_end_price: Some(end),
            ..ioc
        })
    }
}

/// The instruction discriminators the builders use, as constants (no sha256 per CPI
/// on-chain); `tests/idl.rs` checks each built instruction's against sha256 of its IDL
/// name, and a unit test each constant against its name.
pub mod ix_discriminator {
    pub const INITIALIZE_USER_STATS: [u8; 8] = [254, 243, 72, 98, 251, 130, 168, 213];
    pub const INITIALIZE_USER: [u8; 8] = [111, 17, 185, 250, 60, 122, 38, 254];
    pub const DEPOSIT: [u8; 8] = [242, 35, 198, 137, 82, 225, 242, 182];
    pub const WITHDRAW: [u8; 8] = [183, 18, 70, 156, 148, 109, 161, 34];
    pub const PLACE_AND_TAKE_PERP_ORDER: [u8; 8] = [213, 51, 1, 187, 108, 220, 230, 224];
    pub const PLACE_PERP_ORDER: [u8; 8] = [69, 161, 93, 202, 120, 126, 76, 185];
    pub const SETTLE_PNL: [u8; 8] = [43, 61, 234, 45, 15, 95, 152, 153];
    pub const CANCEL_ORDERS: [u8; 8] = [238, 225, 95, 158, 227, 103, 8, 194];
    pub const FILL_PERP_ORDER: [u8; 8] = [13, 188, 248, 103, 134, 217, 106, 240];
}

fn data(discriminator: [u8; 8], args: &impl AnchorSerialize) -> Vec<u8> {
    let mut d = discriminator.to_vec();
    // Serialising into a Vec cannot fail.
    args.serialize(&mut d).expect("borsh into a Vec");
    d
}

/// Drift's remaining accounts, in its order: oracles, then spot markets, then perp
/// markets. Pass every market the user holds (collateral markets included), writable
/// where Drift writes: the traded perp market for orders, spot 0 and the perp market for
/// `settle_pnl`, the spot market deposited to or withdrawn from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Remaining {
    pub oracles: Vec<Pubkey>,
    /// (market, writable).
    pub spot_markets: Vec<(Pubkey, bool)>,
    /// (market, writable).
    pub perp_markets: Vec<(Pubkey, bool)>,
}

impl Remaining {
    pub fn metas(&self) -> Vec<AccountMeta> {
        let meta = |(k, w): &(Pubkey, bool)| {
            if *w {
                AccountMeta::new(*k, false)
            } else {
                AccountMeta::new_readonly(*k, false)
            }
        };
        self.oracles
            .iter()
            .map(|o| AccountMeta::new_readonly(*o, false))
            .chain(self.spot_markets.iter().map(meta))
            .chain(self.perp_markets.iter().map(meta))
            .collect()
    }
}

fn ix(
    discriminator: [u8; 8],
    accounts: Vec<AccountMeta>,
    args: &impl AnchorSerialize,
    remaining: &Remaining,
) -> Instruction {
    let mut accounts = accounts;
    accounts.extend(remaining.metas());
    Instruction {
        program_id: PROGRAM_ID,
        accounts,
        data: data(discriminator, args),
    }
}

/// The accounts most user instructions start with: the State, the user's sub-account
/// (writable) and its authority (signer).
fn trader(authority: Pubkey, sub_account_id: u16) -> Vec<AccountMeta> {
    vec![
        AccountMeta::new_readonly(pda::state(), false),
        AccountMeta::new(pda::user(&authority, sub_account_id), false),
        AccountMeta::new_readonly(authority, true),
    ]
}

/// `initialize_user_stats` for `authority` (the vault PDA), paid by `payer`.
pub fn initialize_user_stats(authority: Pubkey, payer: Pubkey) -> Instruction {
    let accounts = vec![
        AccountMeta::new(pda::user_stats(&authority), false),
        AccountMeta::new(pda::state(), false),
        AccountMeta::new_readonly(authority, false),
        AccountMeta::new(payer, true),
        AccountMeta::new_readonly(RENT_SYSVAR, false),
        AccountMeta::new_readonly(anchor_lang::system_program::ID, false),
    ];
    ix(
        ix_discriminator::INITIALIZE_USER_STATS,
        accounts,
        &(),
        &Remaining::default(),
    )
}

/// `initialize_user` (sub-account `sub_account_id`, a 32-byte name) for `authority`.
pub fn initialize_user(authority: Pubkey, payer: Pubkey, sub_account_id: u16, name: [u8; 32]) -> Instruction {
    let accounts = vec![
        AccountMeta::new(pda::user(&authority, sub_account_id), false),
        AccountMeta::new(pda::user_stats(&authority), false),
        AccountMeta::new(pda::state(), false),
        AccountMeta::new_readonly(authority, false),
        AccountMeta::new(payer, true),
        AccountMeta::new_readonly(RENT_SYSVAR, false),
        AccountMeta::new_readonly(anchor_lang::system_program::ID, false),
    ];
    ix(
        ix_discriminator::INITIALIZE_USER,
        accounts,
        &(sub_account_id, name),
        &Remaining::default(),
    )
}

/// Where margin moves: the user's sub-account, the spot market, the authority's token
/// account and the token program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarginAccounts {
    pub authority: Pubkey,
    pub sub_account_id: u16,
    pub market_index: u16,
    pub token_account: Pubkey,
    pub token_program: Pubkey,
}

/// `deposit` of `amount` (the mint's base units) into spot market `market_index`.
pub fn deposit(m: &MarginAccounts, amount: u64, remaining: &Remaining) -> Instruction {
    let accounts = vec![
        AccountMeta::new_readonly(pda::state(), false),
        AccountMeta::new(pda::user(&m.authority, m.sub_account_id), false),
        AccountMeta::new(pda::user_stats(&m.authority), false),
        AccountMeta::new_readonly(m.authority, true),
        AccountMeta::new(pda::spot_market_vault(m.market_index), false),
        AccountMeta::new(m.token_account, false),
        AccountMeta::new_readonly(m.token_program, false),
    ];
    ix(
        ix_discriminator::DEPOSIT,
        accounts,
        &(m.market_index, amount, false),
        remaining,
    )
}

/// `withdraw` of `amount` from spot market `market_index` (reduce-only: never borrows).
pub fn withdraw(m: &MarginAccounts, amount: u64, remaining: &Remaining) -> Instruction {
    let accounts = vec![
        AccountMeta::new_readonly(pda::state(), false),
        AccountMeta::new(pda::user(&m.authority, m.sub_account_id), false),
        AccountMeta::new(pda::user_stats(&m.authority), false),
        AccountMeta::new_readonly(m.authority, true),
        AccountMeta::new(pda::spot_market_vault(m.market_index), false),
        AccountMeta::new_readonly(pda::signer(), false),
        AccountMeta::new(m.token_account, false),
        AccountMeta::new_readonly(m.token_program, false),
    ];
    ix(
        ix_discriminator::WITHDRAW,
        accounts,
        &(m.market_index, amount, true),
        remaining,
    )
}

/// `place_and_take_perp_order`: fills now or not at all (IOC; Drift cancels silently when
/// it cannot fill, e.g. on a stale oracle, so re-read the `User` afterwards).
pub fn place_and_take_perp_order(
    authority: Pubkey,
    sub_account_id: u16,
    params: &OrderParams,
    remaining: &Remaining,
) -> Instruction {
    let accounts = vec![
        AccountMeta::new_readonly(pda::state(), false),
        AccountMeta::new(pda::user(&authority, sub_account_id), false),
        AccountMeta::new(pda::user_stats(&authority), false),
        AccountMeta::new_readonly(authority, true),
    ];
    ix(
        ix_discriminator::PLACE_AND_TAKE_PERP_ORDER,
        accounts,
        &(*params, Option::<u32>::None),
        remaining,
    )
}

/// `place_perp_order`: rests (an auction) until Drift's keepers fill it.
pub fn place_perp_order(
    authority: Pubkey,
    sub_account_id: u16,
    params: &OrderParams,
    remaining: &Remaining,
) -> Instruction {
    let accounts = trader(authority, sub_account_id);
    ix(ix_discriminator::PLACE_PERP_ORDER, accounts, params, remaining)
}

/// `settle_pnl` of perp market `market_index` (a profit may fail when the market's P&L
/// pool is short: `NoUnsettledPnl`; tolerate it).
pub fn settle_pnl(
    authority: Pubkey,
    sub_account_id: u16,
    market_index: u16,
    remaining: &Remaining,
) -> Instruction {
    let mut accounts = trader(authority, sub_account_id);
    accounts.push(AccountMeta::new_readonly(pda::spot_market_vault(0), false));
    ix(ix_discriminator::SETTLE_PNL, accounts, &market_index, remaining)
}

/// `fill_perp_order`: a filler (`filler_authority`'s sub-account `filler_sub_account`)
/// fills order `order_id` of `user_authority`'s sub-account 0 against Drift's AMM (or the
/// makers in `remaining`). What Drift's keepers do with an auction order; the vault's
/// tests use it to deliver a deferred fill.
pub fn fill_perp_order(
    filler_authority: Pubkey,
    filler_sub_account: u16,
    user_authority: Pubkey,
    order_id: Option<u32>,
    remaining: &Remaining,
) -> Instruction {
    let accounts = vec![
        AccountMeta::new_readonly(pda::state(), false),
        AccountMeta::new_readonly(filler_authority, true),
        AccountMeta::new(pda::user(&filler_authority, filler_sub_account), false),
        AccountMeta::new(pda::user_stats(&filler_authority), false),
        AccountMeta::new(pda::user(&user_authority, 0), false),
        AccountMeta::new(pda::user_stats(&user_authority), false),
    ];
    ix(
        ix_discriminator::FILL_PERP_ORDER,
        accounts,
        &(order_id, Option::<u32>::None),
        remaining,
    )
}

/// `cancel_orders` on perp market `market_index` (all directions).
pub fn cancel_orders(
    authority: Pubkey,
    sub_account_id: u16,
    market_index: u16,
    remaining: &Remaining,
) -> Instruction {
    let accounts = trader(authority, sub_account_id);
    let args = (
        Some(MarketType::Perp),
        Some(market_index),
        Option::<PositionDirection>::None,
    );
    ix(ix_discriminator::CANCEL_ORDERS, accounts, &args, remaining)
}

/// Byte offsets in Drift's zero-copy accounts (discriminator included), checked against
/// the IDL's layout in `tests/idl.rs`.
pub mod layout {
    pub const USER_LEN: usize = 4_376;
    pub const USER_SPOT_POSITIONS: usize = 104;
    pub const USER_PERP_POSITIONS: usize = 424;
    pub const POSITIONS: usize = 8;
    pub const SPOT_POSITION_LEN: usize = 40;
    pub const SPOT_SCALED_BALANCE: usize = 0;
    pub const SPOT_MARKET_INDEX: usize = 32;
    pub const SPOT_BALANCE_TYPE: usize = 34;
    pub const SPOT_OPEN_ORDERS: usize = 35;
    pub const PERP_POSITION_LEN: usize = 96;
    pub const PERP_LAST_CUMULATIVE_FUNDING_RATE: usize = 0;
    pub const PERP_BASE_ASSET_AMOUNT: usize = 8;
    pub const PERP_QUOTE_ASSET_AMOUNT: usize = 16;
    pub const PERP_OPEN_BIDS: usize = 40;
    pub const PERP_OPEN_ASKS: usize = 48;
    pub const PERP_LP_SHARES: usize = 64;
    pub const PERP_MARKET_INDEX: usize = 92;
    pub const PERP_OPEN_ORDERS: usize = 94;
    pub const USER_AUTHORITY: usize = 8;
    pub const USER_STATS_LEN: usize = 240;
    pub const USER_STATS_AUTHORITY: usize = 8;
    pub const STATE_LEN: usize = 992;
    pub const STATE_SIGNER: usize = 104;
    /// `perp_fee_structure.fee_tiers[0].fee_numerator` (u32), then its denominator.
    pub const STATE_PERP_FEE_TIER0: usize = 168;
    pub const STATE_EXCHANGE_STATUS: usize = 974;
    pub const STATE_NUMBER_OF_SPOT_MARKETS: usize = 968;
    pub const PERP_MARKET_ORACLE: usize = 40;
    pub const PERP_MARKET_BASE_ASSET_RESERVE: usize = 176;
    pub const PERP_MARKET_LAST_FUNDING_RATE: usize = 480;
    pub const PERP_MARKET_CUMULATIVE_FUNDING_LONG: usize = 608;
    pub const PERP_MARKET_CUMULATIVE_FUNDING_SHORT: usize = 624;
    pub const PERP_MARKET_ORDER_STEP_SIZE: usize = 808;
    pub const PERP_MARKET_ORDER_TICK_SIZE: usize = 816;
    pub const PERP_MARKET_MIN_ORDER_SIZE: usize = 824;
    pub const PERP_MARKET_BASE_SPREAD: usize = 896;
    pub const PERP_MARKET_MARGIN_RATIO_INITIAL: usize = 1_136;
    pub const PERP_MARKET_MARGIN_RATIO_MAINTENANCE: usize = 1_140;
    pub const SPOT_MARKET_LEN: usize = 776;
    pub const SPOT_MARKET_ORACLE: usize = 40;
    pub const SPOT_MARKET_MINT: usize = 72;
    pub const SPOT_MARKET_VAULT: usize = 104;
    pub const SPOT_MARKET_CUMULATIVE_DEPOSIT_INTEREST: usize = 464;
    pub const SPOT_MARKET_CUMULATIVE_BORROW_INTEREST: usize = 480;
    pub const SPOT_MARKET_INITIAL_ASSET_WEIGHT: usize = 640;
    pub const SPOT_MARKET_DECIMALS: usize = 680;
    pub const SPOT_MARKET_MARKET_INDEX: usize = 684;
    pub const PERP_MARKET_LEN: usize = 1_216;
    pub const PERP_MARKET_MARKET_INDEX: usize = 1_160;
    pub const PERP_MARKET_STATUS: usize = 1_162;
    pub const PERP_MARKET_PAUSED_OPERATIONS: usize = 1_165;
}

/// Why an account could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadError {
    /// Not owned by Drift.
    WrongOwner,
    /// Not this account type (discriminator).
    WrongType,
    /// Shorter than the type's layout.
    TooShort,
}

fn read<const N: usize>(d: &[u8], at: usize) -> [u8; N] {
    let mut b = [0u8; N];
    b.copy_from_slice(&d[at..at + N]);
    b
}

/// The account discriminators the readers check, as constants: sha256 once, at compile
/// time of this table, not on every read on-chain (a test recomputes each).
pub mod discriminator_of {
    pub const USER: [u8; 8] = [159, 117, 95, 227, 239, 151, 58, 236];
    pub const PERP_MARKET: [u8; 8] = [10, 223, 12, 44, 107, 245, 55, 247];
    pub const SPOT_MARKET: [u8; 8] = [100, 177, 8, 107, 168, 65, 65, 39];
    pub const STATE: [u8; 8] = [216, 146, 107, 94, 104, 75, 182, 177];
    pub const USER_STATS: [u8; 8] = [176, 223, 136, 27, 122, 79, 32, 227];
}

fn check(
    owner: &Pubkey,
    data: &[u8],
    discriminator: [u8; 8],
    len: usize,
) -> std::result::Result<(), ReadError> {
    if *owner != PROGRAM_ID {
        return Err(ReadError::WrongOwner);
    }
    if data.len() < len {
        return Err(ReadError::TooShort);
    }
    if data[..8] != discriminator {
        return Err(ReadError::WrongType);
    }
    Ok(())
}

/// One perp position of a `User`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PerpPosition {
    pub market_index: u16,
    /// BASE_PRECISION, signed (short < 0).
    pub base_asset_amount: i64,
    /// QUOTE_PRECISION: entry value − fees ± funding, the P&L's other side.
    pub quote_asset_amount: i64,
    /// FUNDING_RATE_PRECISION: the market's cumulative rate at the last settlement.
    pub last_cumulative_funding_rate: i64,
    pub open_bids: i64,
    pub open_asks: i64,
    pub lp_shares: u64,
    pub open_orders: u8,
}

impl PerpPosition {
    /// An empty slot reads as market 0: a slot counts only when it holds something.
    pub fn is_empty(&self) -> bool {
        self.base_asset_amount == 0
            && self.quote_asset_amount == 0
            && self.open_orders == 0
            && self.lp_shares == 0
            && self.open_bids == 0
            && self.open_asks == 0
    }
}

/// One spot position of a `User`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SpotPosition {
    pub market_index: u16,
    /// SPOT_BALANCE_PRECISION (1e9): × the market's cumulative interest = tokens.
    pub scaled_balance: u64,
    /// A borrow rather than a deposit.
    pub borrow: bool,
    pub open_orders: u8,
}

impl SpotPosition {
    pub fn is_empty(&self) -> bool {
        self.scaled_balance == 0 && self.open_orders == 0
    }
}

/// What the vault reads from its `User` account: the non-empty positions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserView {
    /// Who controls the account (the vault PDA).
    pub authority: Pubkey,
    pub perp: Vec<PerpPosition>,
    pub spot: Vec<SpotPosition>,
}

impl UserView {
    pub fn read(owner: &Pubkey, data: &[u8]) -> std::result::Result<Self, ReadError> {
        use layout::*;
        check(owner, data, discriminator_of::USER, USER_LEN)?;
        let i64_at = |at: usize| i64::from_le_bytes(read(data, at));
        let perp = (0..POSITIONS)
            .map(|k| {
                let at = USER_PERP_POSITIONS + k * PERP_POSITION_LEN;
                PerpPosition {
                    market_index: u16::from_le_bytes(read(data, at + PERP_MARKET_INDEX)),
                    base_asset_amount: i64_at(at + PERP_BASE_ASSET_AMOUNT),
                    quote_asset_amount: i64_at(at + PERP_QUOTE_ASSET_AMOUNT),
                    last_cumulative_funding_rate: i64_at(at + PERP_LAST_CUMULATIVE_FUNDING_RATE),
                    open_bids: i64_at(at + PERP_OPEN_BIDS),
                    open_asks: i64_at(at + PERP_OPEN_ASKS),
                    lp_shares: u64::from_le_bytes(read(data, at + PERP_LP_SHARES)),
                    open_orders: data[at + PERP_OPEN_ORDERS],
                }
            })
            .filter(|p| !p.is_empty())
            .collect();
        let spot = (0..POSITIONS)
            .map(|k| {
                let at = USER_SPOT_POSITIONS + k * SPOT_POSITION_LEN;
                SpotPosition {
                    market_index: u16::from_le_bytes(read(data, at + SPOT_MARKET_INDEX)),
                    scaled_balance: u64::from_le_bytes(read(data, at + SPOT_SCALED_BALANCE)),
                    borrow: data[at + SPOT_BALANCE_TYPE] == 1,
                    open_orders: data[at + SPOT_OPEN_ORDERS],
                }
            })
            .filter(|p| !p.is_empty())
            .collect();
        Ok(UserView {
            authority: Pubkey::new_from_array(read(data, USER_AUTHORITY)),
            perp,
            spot,
        })
    }

    /// The perp position in `market_index` (BASE_PRECISION), 0 when there is none.
    pub fn perp_base(&self, market_index: u16) -> i64 {
        self.perp
            .iter()
            .find(|p| p.market_index == market_index)
            .map_or(0, |p| p.base_asset_amount)
    }
}

/// Drift's spot balance precision (a scaled balance of 1e9 is one token at the initial
/// interest index).
pub const SPOT_BALANCE_PRECISION: u128 = 1_000_000_000;
/// Precision of a spot market's cumulative interest index (1e10 at creation).
pub const SPOT_CUMULATIVE_INTEREST_PRECISION: u128 = 10_000_000_000;
/// Precision of perp funding rates: PRICE_PRECISION × a 1 000 buffer (1e9).
pub const FUNDING_RATE_PRECISION: i128 = 1_000_000_000;
/// Drift's margin ratios are in 1e4 = 100 %, that is basis points.
pub const MARGIN_PRECISION: u32 = 10_000;

/// The `State` fields the vault reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateView {
    pub exchange_status: u8,
    /// Drift's signer PDA (the owner of the spot market vaults).
    pub signer: Pubkey,
    /// Taker fee of the first (highest-fee) perp tier: numerator / denominator.
    pub taker_fee_numerator: u32,
    pub taker_fee_denominator: u32,
    /// Spot markets 0 .. this exist.
    pub number_of_spot_markets: u16,
}

impl StateView {
    pub fn read(owner: &Pubkey, data: &[u8]) -> std::result::Result<Self, ReadError> {
        use layout::*;
        check(owner, data, discriminator_of::STATE, STATE_LEN)?;
        Ok(StateView {
            exchange_status: data[STATE_EXCHANGE_STATUS],
            signer: Pubkey::new_from_array(read(data, STATE_SIGNER)),
            taker_fee_numerator: u32::from_le_bytes(read(data, STATE_PERP_FEE_TIER0)),
            taker_fee_denominator: u32::from_le_bytes(read(data, STATE_PERP_FEE_TIER0 + 4)),
            number_of_spot_markets: u16::from_le_bytes(read(data, STATE_NUMBER_OF_SPOT_MARKETS)),
        })
    }

    /// The top tier's taker fee in basis points, rounded up (0 for a zero denominator).
    pub fn taker_fee_bps(&self) -> u64 {
        let num = u64::from(self.taker_fee_numerator).saturating_mul(10_000);
        let den = u64::from(self.taker_fee_denominator);
        if den == 0 {
            0
        } else {
            num.div_ceil(den)
        }
    }
}

/// The `PerpMarket` fields the vault reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerpMarketView {
    pub market_index: u16,
    /// The oracle Drift prices this market with (a remaining account of every order).
    pub oracle: Pubkey,
    pub status: u8,
    pub paused_operations: u8,
    /// AMM base reserve (BASE_PRECISION): a trade of q moves the AMM's average fill by
    /// about q / reserve.
    pub base_asset_reserve: u128,
    /// The last hourly funding rate (FUNDING_RATE_PRECISION, quote per base; longs pay
    /// when positive).
    pub last_funding_rate: i64,
    pub cumulative_funding_rate_long: i128,
    pub cumulative_funding_rate_short: i128,
    /// Orders are multiples of this (BASE_PRECISION).
    pub order_step_size: u64,
    /// Limit prices are multiples of this (PRICE_PRECISION).
    pub order_tick_size: u64,
    pub min_order_size: u64,
    /// The AMM's base spread (1e6 = 100 %).
    pub base_spread: u32,
    /// Margin ratios (1e4 = 100 %, that is bps).
    pub margin_ratio_initial: u32,
    pub margin_ratio_maintenance: u32,
}

impl PerpMarketView {
    pub fn read(owner: &Pubkey, data: &[u8]) -> std::result::Result<Self, ReadError> {
        use layout::*;
        check(owner, data, discriminator_of::PERP_MARKET, PERP_MARKET_LEN)?;
        let u32_at = |at| u32::from_le_bytes(read(data, at));
        let u64_at = |at| u64::from_le_bytes(read(data, at));
        Ok(PerpMarketView {
            market_index: u16::from_le_bytes(read(data, PERP_MARKET_MARKET_INDEX)),
            oracle: Pubkey::new_from_array(read(data, PERP_MARKET_ORACLE)),
            status: data[PERP_MARKET_STATUS],
            paused_operations: data[PERP_MARKET_PAUSED_OPERATIONS],
            base_asset_reserve: u128::from_le_bytes(read(data, PERP_MARKET_BASE_ASSET_RESERVE)),
            last_funding_rate: i64::from_le_bytes(read(data, PERP_MARKET_LAST_FUNDING_RATE)),
            cumulative_funding_rate_long: i128::from_le_bytes(read(
                data,
                PERP_MARKET_CUMULATIVE_FUNDING_LONG,
            )),
            cumulative_funding_rate_short: i128::from_le_bytes(read(
                data,
                PERP_MARKET_CUMULATIVE_FUNDING_SHORT,
            )),
            order_step_size: u64_at(PERP_MARKET_ORDER_STEP_SIZE),
            order_tick_size: u64_at(PERP_MARKET_ORDER_TICK_SIZE),
            min_order_size: u64_at(PERP_MARKET_MIN_ORDER_SIZE),
            base_spread: u32_at(PERP_MARKET_BASE_SPREAD),
            margin_ratio_initial: u32_at(PERP_MARKET_MARGIN_RATIO_INITIAL),
            margin_ratio_maintenance: u32_at(PERP_MARKET_MARGIN_RATIO_MAINTENANCE),
        })
    }

    /// Funding a position owes since its last settlement (QUOTE_PRECISION; > 0 = it pays):
    /// (cumulative rate of its side − the rate it last settled at) × base, as Drift books
    /// it (rate in FUNDING_RATE_PRECISION per whole base, base in BASE_PRECISION). `None`
    /// on overflow.
    pub fn unsettled_funding(&self, p: &PerpPosition) -> Option<i128> {
        let cumulative = if p.base_asset_amount >= 0 {
            self.cumulative_funding_rate_long
        } else {
            self.cumulative_funding_rate_short
        };
        let delta = cumulative.checked_sub(i128::from(p.last_cumulative_funding_rate))?;
        // rate (1e9 per whole base) × base (1e9) → quote (1e6): / 1e12.
        let owed = delta.checked_mul(i128::from(p.base_asset_amount))?;
        // Rounded against the position: what it owes rounds up.
        Some(owed.div_euclid(1_000_000_000_000) + i128::from(owed.rem_euclid(1_000_000_000_000) != 0))
    }
}

/// The `SpotMarket` fields the vault reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpotMarketView {
    pub market_index: u16,
    pub mint: Pubkey,
    /// The oracle (the default key for the quote market).
    pub oracle: Pubkey,
    /// The token account holding the market's deposits.
    pub vault: Pubkey,
    pub decimals: u32,
    /// Interest indexes (SPOT_CUMULATIVE_INTEREST_PRECISION).
    pub cumulative_deposit_interest: u128,
    pub cumulative_borrow_interest: u128,
    /// What a deposit counts for initial margin (1e4 = 100 %, that is bps).
    pub initial_asset_weight: u32,
}

impl SpotMarketView {
    pub fn read(owner: &Pubkey, data: &[u8]) -> std::result::Result<Self, ReadError> {
        use layout::*;
        check(owner, data, discriminator_of::SPOT_MARKET, SPOT_MARKET_LEN)?;
        Ok(SpotMarketView {
            market_index: u16::from_le_bytes(read(data, SPOT_MARKET_MARKET_INDEX)),
            mint: Pubkey::new_from_array(read(data, SPOT_MARKET_MINT)),
            oracle: Pubkey::new_from_array(read(data, SPOT_MARKET_ORACLE)),
            vault: Pubkey::new_from_array(read(data, SPOT_MARKET_VAULT)),
            decimals: u32::from_le_bytes(read(data, SPOT_MARKET_DECIMALS)),
            cumulative_deposit_interest: u128::from_le_bytes(read(
                data,
                SPOT_MARKET_CUMULATIVE_DEPOSIT_INTEREST,
            )),
            cumulative_borrow_interest: u128::from_le_bytes(read(
                data,
                SPOT_MARKET_CUMULATIVE_BORROW_INTEREST,
            )),
            initial_asset_weight: u32::from_le_bytes(read(data, SPOT_MARKET_INITIAL_ASSET_WEIGHT)),
        })
    }

    /// Tokens (the mint's base units) behind a position of this market: scaled balance ×
    /// the interest index of its side, at the mint's decimals. A deposit rounds down and a
    /// borrow rounds up (both against the holder), as Drift does. Negative for a borrow.
    /// `None` on overflow or a decimals value past 1e38.
    pub fn tokens(&self, p: &SpotPosition) -> Option<i128> {
        let interest = if p.borrow {
            self.cumulative_borrow_interest
        } else {
            self.cumulative_deposit_interest
        };
        let scale = 10u128.checked_pow(self.decimals)?;
        let num = u128::from(p.scaled_balance)
            .checked_mul(interest)?
            .checked_mul(scale)?;
        let den = SPOT_BALANCE_PRECISION.checked_mul(SPOT_CUMULATIVE_INTEREST_PRECISION)?;
        let tokens = if p.borrow { num.div_ceil(den) } else { num / den };
        let tokens = i128::try_from(tokens).ok()?;
        Some(if p.borrow { -tokens } else { tokens })
    }
}

/// The `UserStats` of `authority`: owned by Drift, the right type, that authority's.
pub fn check_user_stats(
    owner: &Pubkey,
    data: &[u8],
    authority: &Pubkey,
) -> std::result::Result<(), ReadError> {
    use layout::*;
    check(owner, data, discriminator_of::USER_STATS, USER_STATS_LEN)?;
    if data[USER_STATS_AUTHORITY..USER_STATS_AUTHORITY + 32] != authority.to_bytes() {
        return Err(ReadError::WrongType);
    }
    Ok(())
}

/// `State.exchange_status` bits (`ExchangeStatus`, IDL order).
pub mod exchange {
    pub const DEPOSIT_PAUSED: u8 = 1 << 0;
    pub const WITHDRAW_PAUSED: u8 = 1 << 1;
    pub const AMM_PAUSED: u8 = 1 << 2;
    pub const FILL_PAUSED: u8 = 1 << 3;
    pub const LIQ_PAUSED: u8 = 1 << 4;
    pub const FUNDING_PAUSED: u8 = 1 << 5;
    pub const SETTLE_PNL_PAUSED: u8 = 1 << 6;
    pub const AMM_IMMEDIATE_FILL_PAUSED: u8 = 1 << 7;
}

/// `PerpMarket.paused_operations` bits (`PerpOperation`, IDL order).
pub mod perp_op {
    pub const UPDATE_FUNDING: u8 = 1 << 0;
    pub const AMM_FILL: u8 = 1 << 1;
    pub const FILL: u8 = 1 << 2;
    pub const SETTLE_PNL: u8 = 1 << 3;
    pub const SETTLE_PNL_WITH_POSITION: u8 = 1 << 4;
    pub const LIQUIDATION: u8 = 1 << 5;
    pub const AMM_IMMEDIATE_FILL: u8 = 1 << 6;
    pub const SETTLE_REV_POOL: u8 = 1 << 7;
}

/// `PerpMarket.status` (`MarketStatus`, IDL order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarketStatus {
    Initialized,
    Active,
    FundingPaused,
    AmmPaused,
    FillPaused,
    WithdrawPaused,
    ReduceOnly,
    Settlement,
    Delisted,
}

impl MarketStatus {
    pub const ALL: [MarketStatus; 9] = [
        MarketStatus::Initialized,
        MarketStatus::Active,
        MarketStatus::FundingPaused,
        MarketStatus::AmmPaused,
        MarketStatus::FillPaused,
        MarketStatus::WithdrawPaused,
        MarketStatus::ReduceOnly,
        MarketStatus::Settlement,
        MarketStatus::Delisted,
    ];
}

/// What the vault may send to a Drift perp market now, from the exchange's and the
/// market's own bits. Read before any CPI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Health {
    /// An immediate (AMM) fill can happen: no fill, AMM or immediate-fill pause anywhere,
    /// and the market trades.
    pub fills: bool,
    /// Only orders that shrink the position are accepted.
    pub reduce_only: bool,
    pub deposits: bool,
    pub withdrawals: bool,
    pub settle_pnl: bool,
}

/// The vault's view of a venue: `Active`, `ReduceOnly` or `Paused` (hedge-vault's
/// `VenueStatus`), from [`Health`], conservatively: anything paused that a hedge may need
/// (fills, margin, settlement) pauses the venue for the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VenueStatus {
    Active,
    ReduceOnly,
    Paused,
}

impl Health {
    pub fn read(
        state_owner: &Pubkey,
        state: &[u8],
        market_owner: &Pubkey,
        market: &[u8],
        market_index: u16,
    ) -> std::result::Result<Self, ReadError> {
        use layout::*;
        check(state_owner, state, discriminator_of::STATE, STATE_LEN)?;
        check(
            market_owner,
            market,
            discriminator_of::PERP_MARKET,
            PERP_MARKET_LEN,
        )?;
        if u16::from_le_bytes(read(market, PERP_MARKET_MARKET_INDEX)) != market_index {
            return Err(ReadError::WrongType);
        }
        Ok(Self::of(
            state[STATE_EXCHANGE_STATUS],
            market[PERP_MARKET_STATUS],
            market[PERP_MARKET_PAUSED_OPERATIONS],
        ))
    }

    /// From the raw bits. An unknown market status counts as not trading.
    pub fn of(exchange_status: u8, market_status: u8, paused_operations: u8) -> Self {
        use exchange::*;
        let status = MarketStatus::ALL.get(usize::from(market_status)).copied();
        let trading = matches!(
            status,
            Some(
                MarketStatus::Active
                    | MarketStatus::FundingPaused
                    | MarketStatus::WithdrawPaused
                    | MarketStatus::ReduceOnly
            )
        );
        let ex = |bit: u8| exchange_status & bit == 0;
        let op = |bit: u8| paused_operations & bit == 0;
        Health {
            fills: trading
                && ex(FILL_PAUSED)
                && ex(AMM_PAUSED)
                && ex(AMM_IMMEDIATE_FILL_PAUSED)
                && op(perp_op::FILL)
                && op(perp_op::AMM_FILL)
                && op(perp_op::AMM_IMMEDIATE_FILL),
            reduce_only: status == Some(MarketStatus::ReduceOnly),
            deposits: ex(DEPOSIT_PAUSED),
            withdrawals: ex(WITHDRAW_PAUSED) && status != Some(MarketStatus::WithdrawPaused),
            settle_pnl: ex(SETTLE_PNL_PAUSED)
                && op(perp_op::SETTLE_PNL)
                && op(perp_op::SETTLE_PNL_WITH_POSITION),
        }
    }

    pub fn status(&self) -> VenueStatus {
        if !(self.fills && self.deposits && self.withdrawals && self.settle_pnl) {
            VenueStatus::Paused
        } else if self.reduce_only {
            VenueStatus::ReduceOnly
        } else {
            VenueStatus::Active
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(name: &str, len: usize) -> Vec<u8> {
        let mut d = vec![0u8; len];
        d[..8].copy_from_slice(&account_discriminator(name));
        d
    }

    #[test]
    fn instruction_discriminator_constants_are_sha256_of_the_names() {
        use ix_discriminator::*;
        for (name, constant) in [
            ("initialize_user_stats", INITIALIZE_USER_STATS),
            ("initialize_user", INITIALIZE_USER),
            ("deposit", DEPOSIT),
            ("withdraw", WITHDRAW),
            ("place_and_take_perp_order", PLACE_AND_TAKE_PERP_ORDER),
            ("place_perp_order", PLACE_PERP_ORDER),
            ("settle_pnl", SETTLE_PNL),
            ("cancel_orders", CANCEL_ORDERS),
            ("fill_perp_order", FILL_PERP_ORDER),
        ] {
            assert_eq!(constant, discriminator(name), "{name}");
        }
    }

    #[test]
    fn discriminator_constants_are_sha256_of_the_account_names() {
        use sha2::{Digest, Sha256};
        for (name, constant) in [
            ("User", discriminator_of::USER),
            ("PerpMarket", discriminator_of::PERP_MARKET),
            ("SpotMarket", discriminator_of::SPOT_MARKET),
            ("State", discriminator_of::STATE),
            ("UserStats", discriminator_of::USER_STATS),
        ] {
            let h = Sha256::digest(format!("account:{name}").as_bytes());
            assert_eq!(constant[..], h[..8], "{name}");
            assert_eq!(constant, account_discriminator(name), "{name}");
        }
    }

    #[test]
    fn a_user_reads_its_non_empty_positions_only() {
        use layout::*;
        let mut d = account("User", USER_LEN);
        // Slot 0 empty (reads as market 0); slot 3: short 2.5 in perp market 1.
        let at = USER_PERP_POSITIONS + 3 * PERP_POSITION_LEN;
        d[at + PERP_MARKET_INDEX..][..2].copy_from_slice(&1u16.to_le_bytes());
        d[at + PERP_BASE_ASSET_AMOUNT..][..8].copy_from_slice(&(-2_500_000_000i64).to_le_bytes());
        d[at + PERP_QUOTE_ASSET_AMOUNT..][..8].copy_from_slice(&375_000_000i64.to_le_bytes());
        // Spot slot 1: a USDC deposit (market 0, scaled 1e9).
        let at = USER_SPOT_POSITIONS + SPOT_POSITION_LEN;
        d[at + SPOT_SCALED_BALANCE..][..8].copy_from_slice(&1_000_000_000u64.to_le_bytes());
        let u = UserView::read(&PROGRAM_ID, &d).unwrap();
        assert_eq!(u.perp.len(), 1);
        assert_eq!(u.perp_base(1), -2_500_000_000);
        assert_eq!(u.perp_base(0), 0, "an empty slot is no position in market 0");
        assert_eq!(u.perp[0].quote_asset_amount, 375_000_000);
        assert_eq!(
            u.spot,
            vec![SpotPosition {
                market_index: 0,
                scaled_balance: 1_000_000_000,
                borrow: false,
                open_orders: 0
            }]
        );
        // Not Drift's, not a User, too short.
        assert_eq!(
            UserView::read(&Pubkey::new_unique(), &d),
            Err(ReadError::WrongOwner)
        );
        let state = account("State", USER_LEN);
        assert_eq!(UserView::read(&PROGRAM_ID, &state), Err(ReadError::WrongType));
        assert_eq!(UserView::read(&PROGRAM_ID, &d[..100]), Err(ReadError::TooShort));
    }

    #[test]
    fn health_refuses_what_any_pause_blocks() {
        use exchange::*;
        let active = MarketStatus::Active as u8;
        assert_eq!(Health::of(0, active, 0).status(), VenueStatus::Active);
        assert_eq!(
            Health::of(0, MarketStatus::ReduceOnly as u8, 0).status(),
            VenueStatus::ReduceOnly
        );
        for (ex, status, op) in [
            (FILL_PAUSED, active, 0),
            (AMM_PAUSED, active, 0),
            (AMM_IMMEDIATE_FILL_PAUSED, active, 0),
            (DEPOSIT_PAUSED, active, 0),
            (WITHDRAW_PAUSED, active, 0),
            (SETTLE_PNL_PAUSED, active, 0),
            (0, MarketStatus::FillPaused as u8, 0),
            (0, MarketStatus::Settlement as u8, 0),
            (0, MarketStatus::Delisted as u8, 0),
            (0, MarketStatus::Initialized as u8, 0),
            (0, MarketStatus::WithdrawPaused as u8, 0),
            (0, 200, 0),
            (0, active, perp_op::FILL),
            (0, active, perp_op::AMM_FILL),
            (0, active, perp_op::SETTLE_PNL),
        ] {
            assert_eq!(
                Health::of(ex, status, op).status(),
                VenueStatus::Paused,
                "{ex} {status} {op}"
            );
        }
        // Funding or liquidations paused do not stop a hedge.
        assert_eq!(
            Health::of(
                FUNDING_PAUSED | LIQ_PAUSED,
                active,
                perp_op::UPDATE_FUNDING | perp_op::LIQUIDATION
            )
            .status(),
            VenueStatus::Active
        );
    }

    #[test]
    fn the_hedge_order_is_an_ioc_limit_bounded_by_the_slippage_off_the_oracle() {
        let sell =
            OrderParams::ioc_at_oracle(1, -2 * BASE_PRECISION, 150 * PRICE_PRECISION as u64, 50).unwrap();
        assert_eq!(
            (sell.direction, sell.base_asset_amount, sell.price),
            (PositionDirection::Short, 2_000_000_000, 0)
        );
        assert_eq!(
            sell.oracle_price_offset,
            Some(-750_000),
            "150 × 0.5 % below the oracle"
        );
        assert_eq!(
            (sell.order_type, sell.bit_flags),
            (OrderType::Limit, ORDER_FLAG_IOC)
        );
        let buy = OrderParams::ioc_at_oracle(1, 1, 150 * PRICE_PRECISION as u64, 50).unwrap();
        assert_eq!(
            (buy.direction, buy.oracle_price_offset),
            (PositionDirection::Long, Some(750_000))
        );
        assert!(OrderParams::ioc_at_oracle(1, 0, 1, 50).is_none());
        assert!(
            OrderParams::ioc_at_oracle(1, 1, u64::MAX, 10_000).is_none(),
            "offset beyond i32"
        );
        let a = OrderParams::auction_at_oracle(1, -1, 150_000_000, 100, 10, 1_700_000_000).unwrap();
        assert_eq!(
            (a.order_type, a.auction_start_price, a.auction_end_price),
            (OrderType::Market, Some(150_000_000), Some(148_500_000))
        );
        assert_eq!(
            (a.bit_flags, a.oracle_price_offset, a.max_ts),
            (0, None, Some(1_700_000_000))
        );
    }

    #[test]
    fn spot_tokens_funding_and_fees_round_against_the_holder() {
        let market = SpotMarketView {
            market_index: 1,
            mint: Pubkey::new_unique(),
            oracle: Pubkey::new_unique(),
            vault: Pubkey::new_unique(),
            decimals: 9,
            // Deposits have earned 5 %, borrows cost 12 %.
            cumulative_deposit_interest: 10_500_000_000,
            cumulative_borrow_interest: 11_200_000_000,
            initial_asset_weight: 8_000,
        };
        let mut p = SpotPosition {
            market_index: 1,
            scaled_balance: 2_000_000_001,
            borrow: false,
            open_orders: 0,
        };
        // 2.000000001 × 1.05 = 2.10000000105 tokens: 2 100 000 001 base units, rounded down.
        assert_eq!(market.tokens(&p), Some(2_100_000_001));
        p.borrow = true;
        // × 1.12 = 2.24000000112: owed, rounded up.
        assert_eq!(market.tokens(&p), Some(-2_240_000_002));
        let usdc = SpotMarketView {
            decimals: 6,
            ..market
        };
        p.borrow = false;
        p.scaled_balance = 10_000_000_000_000; // 10 000 USDC at 1.05
        assert_eq!(usdc.tokens(&p), Some(10_500_000_000));

        let mut perp = PerpMarketView {
            market_index: 0,
            oracle: Pubkey::new_unique(),
            status: MarketStatus::Active as u8,
            paused_operations: 0,
            base_asset_reserve: 0,
            last_funding_rate: 0,
            // Longs have paid 0.30 USD per SOL since the position's last settlement,
            // shorts received 0.25 (FUNDING_RATE_PRECISION 1e9).
            cumulative_funding_rate_long: 300_000_000,
            cumulative_funding_rate_short: 250_000_000,
            order_step_size: 1,
            order_tick_size: 1,
            min_order_size: 1,
            base_spread: 0,
            margin_ratio_initial: 1_000,
            margin_ratio_maintenance: 500,
        };
        let long = PerpPosition {
            base_asset_amount: 2 * BASE_PRECISION,
            ..Default::default()
        };
        assert_eq!(perp.unsettled_funding(&long), Some(600_000), "2 SOL × 0.30 owed");
        let short = PerpPosition {
            base_asset_amount: -2 * BASE_PRECISION,
            ..Default::default()
        };
        assert_eq!(
            perp.unsettled_funding(&short),
            Some(-500_000),
            "2 SOL × 0.25 earned"
        );
        perp.cumulative_funding_rate_long = 1;
        let tiny = PerpPosition {
            base_asset_amount: 1,
            ..Default::default()
        };
        assert_eq!(perp.unsettled_funding(&tiny), Some(1), "a dust debt rounds up");

        let fee = |n, d| {
            StateView {
                exchange_status: 0,
                signer: Pubkey::default(),
                taker_fee_numerator: n,
                taker_fee_denominator: d,
                number_of_spot_markets: 0,
            }
            .taker_fee_bps()
        };
        assert_eq!(fee(1, 1_000), 10, "0.1 %");
        assert_eq!(fee(35, 100_000), 4, "3.5 bps rounds up");
        assert_eq!(fee(1, 0), 0);
    }

    #[test]
    fn remaining_accounts_go_oracles_then_spot_then_perp() {
        let (o, s, p) = (Pubkey::new_unique(), Pubkey::new_unique(), Pubkey::new_unique());
        let r = Remaining {
            oracles: vec![o],
            spot_markets: vec![(s, false)],
            perp_markets: vec![(p, true)],
        };
        let m = r.metas();
        assert_eq!(
            m.iter()
                .map(|a| (a.pubkey, a.is_writable, a.is_signer))
                .collect::<Vec<_>>(),
            vec![(o, false, false), (s, false, false), (p, true, false)]
        );
        let ix = settle_pnl(Pubkey::new_unique(), 0, 1, &r);
        assert_eq!(ix.accounts[4..], m[..]);
        assert_eq!(ix.data[..8], discriminator("settle_pnl"));
    }
}
