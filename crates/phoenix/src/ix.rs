//! Phoenix instructions the vault sends, as Phoenix's published encoders build them:
//! the same discriminant, Borsh payload and account list, in the same order, with the same
//! signer and writable flags (conformance/ compares each with `phoenix-rise-ix`).
use crate::{discriminant, Address, GLOBAL_CONFIGURATION, LOG_AUTHORITY, PROGRAM_ID, TOKEN_PROGRAM_ID};

/// One account of an instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    pub key: Address,
    pub signer: bool,
    pub writable: bool,
}

impl Meta {
    fn readonly(key: Address) -> Self {
        Meta {
            key,
            signer: false,
            writable: false,
        }
    }
    fn writable(key: Address) -> Self {
        Meta {
            key,
            signer: false,
            writable: true,
        }
    }
    fn signer(key: Address) -> Self {
        Meta {
            key,
            signer: true,
            writable: false,
        }
    }
}

/// An instruction to Phoenix's program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    pub program_id: Address,
    pub accounts: Vec<Meta>,
    pub data: Vec<u8>,
}

/// Why an instruction could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildError {
    /// Phoenix needs at least one global trader index account (header + arenas).
    EmptyGlobalTraderIndex,
    /// Phoenix needs at least one active trader buffer account (header + arenas).
    EmptyActiveTraderBuffer,
    /// A withdrawal of nothing (Phoenix refuses it).
    ZeroAmount,
    /// A withdrawal into the custody account it comes from.
    DestinationIsCustody,
}

impl core::fmt::Display for BuildError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            BuildError::EmptyGlobalTraderIndex => "Phoenix needs the global trader index accounts",
            BuildError::EmptyActiveTraderBuffer => "Phoenix needs the active trader buffer accounts",
            BuildError::ZeroAmount => "a Phoenix withdrawal must move at least one unit",
            BuildError::DestinationIsCustody => {
                "a Phoenix withdrawal cannot go to the custody account it comes from"
            }
        })
    }
}

/// The trader and the exchange-wide accounts every trader instruction carries: the
/// trader's authority (the vault PDA, which signs), its trader account, the perp asset
/// map, and Phoenix's global trader index and active trader buffer (each a header plus its
/// arenas, in Phoenix's order).
#[derive(Debug, Clone, Copy)]
pub struct Trader<'a> {
    pub authority: Address,
    pub trader_account: Address,
    pub perp_asset_map: Address,
    pub global_trader_index: &'a [Address],
    pub active_trader_buffer: &'a [Address],
}

impl Trader<'_> {
    fn check(&self) -> Result<(), BuildError> {
        if self.global_trader_index.is_empty() {
            return Err(BuildError::EmptyGlobalTraderIndex);
        }
        if self.active_trader_buffer.is_empty() {
            return Err(BuildError::EmptyActiveTraderBuffer);
        }
        Ok(())
    }

    fn push_index(&self, accounts: &mut Vec<Meta>) {
        accounts.extend(self.global_trader_index.iter().copied().map(Meta::writable));
        accounts.extend(self.active_trader_buffer.iter().copied().map(Meta::writable));
    }

    /// The accounts of Phoenix's market-action group: log accounts, the global
    /// configuration, the signing trader, its account, the asset map, the index accounts,
    /// then the market's orderbook and spline collection.
    fn market_action(&self, book: &Book) -> Vec<Meta> {
        let mut accounts = log_accounts();
        accounts.push(Meta::writable(GLOBAL_CONFIGURATION));
        accounts.push(Meta::signer(self.authority));
        accounts.push(Meta::writable(self.trader_account));
        accounts.push(Meta::writable(self.perp_asset_map));
        self.push_index(&mut accounts);
        accounts.push(Meta::writable(book.orderbook));
        accounts.push(Meta::writable(book.spline_collection));
        accounts
    }
}

/// A market's trading accounts.
#[derive(Debug, Clone, Copy)]
pub struct Book {
    /// The market's orderbook account.
    pub orderbook: Address,
    /// Its spline collection (PDA `["spline", orderbook]` of Phoenix's program).
    pub spline_collection: Address,
}

fn log_accounts() -> Vec<Meta> {
    vec![Meta::readonly(PROGRAM_ID), Meta::readonly(LOG_AUTHORITY)]
}

/// Order side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Buys base.
    Bid,
    /// Sells base.
    Ask,
}

/// An immediate-or-cancel order against the book: it fills now, up to `price_in_ticks`,
/// or is cancelled; with `min_base_lots_to_fill = num_base_lots` it fills in full or
/// fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketOrder {
    pub side: Side,
    /// Worst price (ticks); `None` takes any price (the vault always sets one).
    pub price_in_ticks: Option<u64>,
    /// Size (base lots).
    pub num_base_lots: u64,
    /// Fails unless at least this much fills (base lots).
    pub min_base_lots_to_fill: u64,
    /// Caller's tag, echoed in Phoenix's events.
    pub client_order_id: u128,
    /// Only shrinks the position.
    pub reduce_only: bool,
}

/// `place_market_order`: Phoenix's `ImmediateOrCancel` order packet (Borsh), with the
/// self-trade behaviour `Abort`, no match limit, no quote-lot budget or minimum, no expiry
/// and no cancellation of resting orders.
pub fn place_market_order(
    trader: &Trader,
    book: &Book,
    order: &MarketOrder,
) -> Result<Instruction, BuildError> {
    trader.check()?;
    let mut data = discriminant::PLACE_MARKET_ORDER.to_vec();
    // OrderPacketKind::ImmediateOrCancel (the third variant).
    data.push(2);
    data.push(match order.side {
        Side::Bid => 0,
        Side::Ask => 1,
    });
    option_u64(&mut data, order.price_in_ticks);
    data.extend_from_slice(&order.num_base_lots.to_le_bytes());
    option_u64(&mut data, None); // num_quote_lots
    data.extend_from_slice(&order.min_base_lots_to_fill.to_le_bytes());
    data.extend_from_slice(&0u64.to_le_bytes()); // min_quote_lots_to_fill
    data.push(0); // SelfTradeBehavior::Abort
    option_u64(&mut data, None); // match_limit
    data.extend_from_slice(&order.client_order_id.to_le_bytes());
    option_u64(&mut data, None); // last_valid_slot
    data.push(if order.reduce_only { 128 } else { 0 }); // OrderFlags
    data.push(0); // cancel_existing = false
    Ok(Instruction {
        program_id: PROGRAM_ID,
        accounts: trader.market_action(book),
        data,
    })
}

/// `cancel_all`: cancels every resting order of the trader on `book`.
pub fn cancel_all(trader: &Trader, book: &Book) -> Result<Instruction, BuildError> {
    trader.check()?;
    Ok(Instruction {
        program_id: PROGRAM_ID,
        accounts: trader.market_action(book),
        data: discriminant::CANCEL_ALL.to_vec(),
    })
}

/// The custody of one spot collateral: its mint, the trader's wallet PDA
/// ([`crate::WALLET_SEED`]) and the wallet's associated token account for the mint.
#[derive(Debug, Clone, Copy)]
pub struct Custody {
    pub mint: Address,
    pub wallet: Address,
    pub wallet_token_account: Address,
}

/// `sync_spot` (permissionless): credits what sits in the custody account beyond the
/// accounted balance as collateral, within Phoenix's caps. A deposit is an SPL transfer
/// into `custody.wallet_token_account` followed by this.
pub fn sync_spot(trader: &Trader, custody: &Custody) -> Result<Instruction, BuildError> {
    trader.check()?;
    let mut accounts = log_accounts();
    accounts.push(Meta::readonly(GLOBAL_CONFIGURATION));
    accounts.push(Meta::writable(trader.perp_asset_map));
    accounts.push(Meta::readonly(custody.mint));
    accounts.push(Meta::writable(trader.trader_account));
    accounts.push(Meta::readonly(custody.wallet_token_account));
    trader.push_index(&mut accounts);
    Ok(Instruction {
        program_id: PROGRAM_ID,
        accounts,
        data: discriminant::SYNC_SPOT.to_vec(),
    })
}

/// What a spot withdrawal takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithdrawAction {
    /// Every unaccounted unit in the custody account (a donation), no collateral.
    AllExcess,
    /// `amount`, unaccounted units first, then collateral.
    WithExcess { amount: u64 },
    /// `amount` of accounted collateral, leaving any excess where it is.
    WithoutExcess { amount: u64 },
}

/// `withdraw_spot`: moves spot collateral from the custody account to `destination` (a
/// token account of the mint), subject to Phoenix's margin check.
pub fn withdraw_spot(
    trader: &Trader,
    custody: &Custody,
    destination: Address,
    withdraw_queue: Address,
    action: WithdrawAction,
) -> Result<Instruction, BuildError> {
    trader.check()?;
    if destination == custody.wallet_token_account {
        return Err(BuildError::DestinationIsCustody);
    }
    let mut data = discriminant::WITHDRAW_SPOT.to_vec();
    match action {
        WithdrawAction::AllExcess => data.push(0),
        WithdrawAction::WithExcess { amount } | WithdrawAction::WithoutExcess { amount } => {
            if amount == 0 {
                return Err(BuildError::ZeroAmount);
            }
            data.push(if matches!(action, WithdrawAction::WithExcess { .. }) {
                1
            } else {
                2
            });
            data.extend_from_slice(&amount.to_le_bytes());
        }
    }
    let mut accounts = log_accounts();
    accounts.push(Meta::writable(GLOBAL_CONFIGURATION));
    accounts.push(Meta::signer(trader.authority));
    accounts.push(Meta::writable(trader.trader_account));
    accounts.push(Meta::writable(trader.perp_asset_map));
    accounts.push(Meta::readonly(custody.mint));
    accounts.push(Meta::readonly(custody.wallet));
    accounts.push(Meta::writable(custody.wallet_token_account));
    accounts.push(Meta::writable(destination));
    accounts.push(Meta::readonly(TOKEN_PROGRAM_ID));
    // The withdraw queue comes before the index accounts here.
    accounts.push(Meta::writable(withdraw_queue));
    trader.push_index(&mut accounts);
    Ok(Instruction {
        program_id: PROGRAM_ID,
        accounts,
        data,
    })
}

fn option_u64(out: &mut Vec<u8>, v: Option<u64>) {
    match v {
        None => out.push(0),
        Some(v) => {
            out.push(1);
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> Address {
        [n; 32]
    }

    const GTI: [Address; 2] = [[40; 32], [41; 32]];
    const ATB: [Address; 1] = [[50; 32]];

    fn trader() -> Trader<'static> {
        Trader {
            authority: key(1),
            trader_account: key(2),
            perp_asset_map: key(3),
            global_trader_index: &GTI,
            active_trader_buffer: &ATB,
        }
    }

    #[test]
    fn market_order_payload_field_by_field() {
        let book = Book {
            orderbook: key(4),
            spline_collection: key(5),
        };
        let order = MarketOrder {
            side: Side::Ask,
            price_in_ticks: Some(0x0102_0304),
            num_base_lots: 7,
            min_base_lots_to_fill: 7,
            client_order_id: 9,
            reduce_only: true,
        };
        let ix = place_market_order(&trader(), &book, &order).unwrap();
        let d = &ix.data;
        // Independent arithmetic on the Borsh layout: 8 + 1 + 1 + 9 + 8 + 1 + 8 + 8 + 1 + 1
        // + 16 + 1 + 1 + 1 = 65 bytes.
        assert_eq!(d.len(), 65);
        assert_eq!(&d[..8], &discriminant::PLACE_MARKET_ORDER);
        assert_eq!((d[8], d[9], d[10]), (2, 1, 1));
        assert_eq!(u64::from_le_bytes(d[11..19].try_into().unwrap()), 0x0102_0304);
        assert_eq!(u64::from_le_bytes(d[19..27].try_into().unwrap()), 7);
        assert_eq!(d[27], 0, "no quote-lot budget");
        assert_eq!(u64::from_le_bytes(d[28..36].try_into().unwrap()), 7);
        assert_eq!(u64::from_le_bytes(d[36..44].try_into().unwrap()), 0);
        assert_eq!((d[44], d[45]), (0, 0), "Abort, no match limit");
        assert_eq!(u128::from_le_bytes(d[46..62].try_into().unwrap()), 9);
        assert_eq!((d[62], d[63], d[64]), (0, 128, 0));
        // Log accounts, config, signer, trader, map, 3 index accounts, book, splines.
        assert_eq!(ix.accounts.len(), 11);
        assert_eq!(
            ix.accounts[3],
            Meta {
                key: key(1),
                signer: true,
                writable: false
            }
        );
        assert!(ix.accounts[4..].iter().all(|m| m.writable && !m.signer));
    }

    #[test]
    fn builders_refuse_what_phoenix_refuses() {
        let book = Book {
            orderbook: key(4),
            spline_collection: key(5),
        };
        let mut t = trader();
        t.global_trader_index = &[];
        assert_eq!(cancel_all(&t, &book), Err(BuildError::EmptyGlobalTraderIndex));
        let mut t = trader();
        t.active_trader_buffer = &[];
        assert_eq!(cancel_all(&t, &book), Err(BuildError::EmptyActiveTraderBuffer));
        let custody = Custody {
            mint: key(6),
            wallet: key(7),
            wallet_token_account: key(8),
        };
        let w = |dest, action| withdraw_spot(&trader(), &custody, dest, key(9), action);
        assert_eq!(
            w(key(10), WithdrawAction::WithoutExcess { amount: 0 }),
            Err(BuildError::ZeroAmount)
        );
        assert_eq!(
            w(key(8), WithdrawAction::AllExcess),
            Err(BuildError::DestinationIsCustody)
        );
        let ok = w(key(10), WithdrawAction::WithoutExcess { amount: 5 }).unwrap();
        assert_eq!(ok.data[8], 2);
        assert_eq!(u64::from_le_bytes(ok.data[9..17].try_into().unwrap()), 5);
    }
}
