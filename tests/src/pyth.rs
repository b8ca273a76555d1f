//! Writing Pyth price accounts (pull `PriceUpdateV2` and legacy) with the SDKs' own types.
use anchor_lang::prelude::Pubkey;
use anchor_lang::AccountSerialize;
use pyth_solana_receiver_sdk::price_update::{PriceFeedMessage, PriceUpdateV2, VerificationLevel};

use crate::Env;

/// A price to publish. `price`, `conf` and `ema_price` are mantissas at `expo`.
#[derive(Debug, Clone, Copy)]
pub struct Quote {
    pub price: i64,
    pub conf: u64,
    pub ema_price: i64,
    pub expo: i32,
    pub publish_time: i64,
    pub full_verification: bool,
}

impl Quote {
    /// A clean quote of `usd` (at expo −8) published at `publish_time`.
    pub fn usd(usd: f64, publish_time: i64) -> Self {
        let m = (usd * 1e8).round() as i64;
        Quote {
            price: m,
            conf: (m / 10_000).max(1) as u64,
            ema_price: m,
            expo: -8,
            publish_time,
            full_verification: true,
        }
    }
}

/// Serialized `PriceUpdateV2` account data.
pub fn price_update_data(feed_id: [u8; 32], q: Quote) -> Vec<u8> {
    let update = PriceUpdateV2 {
        write_authority: Pubkey::new_from_array([0x77; 32]),
        verification_level: if q.full_verification {
            VerificationLevel::Full
        } else {
            VerificationLevel::Partial { num_signatures: 5 }
        },
        price_message: PriceFeedMessage {
            feed_id,
            price: q.price,
            conf: q.conf,
            exponent: q.expo,
            publish_time: q.publish_time,
            prev_publish_time: q.publish_time - 1,
            ema_price: q.ema_price,
            ema_conf: q.conf,
        },
        posted_slot: 1,
    };
    let mut data = Vec::with_capacity(PriceUpdateV2::LEN);
    update.try_serialize(&mut data).unwrap();
    data
}

/// Writes a pull-oracle price account owned by the Pyth receiver program.
pub fn set_pull_price(env: &mut Env, account: &Pubkey, feed_id: [u8; 32], q: Quote) {
    env.set_account(
        account,
        &pyth_solana_receiver_sdk::ID,
        price_update_data(feed_id, q),
    );
}

/// Serialized legacy (push-format) price account.
pub fn legacy_price_data(q: Quote, trading: bool) -> Vec<u8> {
    legacy_price_data_at(q, trading, 0)
}

/// As [`legacy_price_data`], published at `slot` (the aggregate's and the account's
/// slots: readers that measure staleness in slots, such as Drift v2, use them).
pub fn legacy_price_data_at(q: Quote, trading: bool, slot: u64) -> Vec<u8> {
    use pyth_sdk_solana::state::{PriceStatus, SolanaPriceAccount};
    let mut acc: SolanaPriceAccount = bytemuck::Zeroable::zeroed();
    acc.magic = pyth_sdk_solana::state::MAGIC;
    acc.ver = pyth_sdk_solana::state::VERSION_2;
    acc.atype = pyth_sdk_solana::state::AccountType::Price as u32;
    acc.expo = q.expo;
    acc.timestamp = q.publish_time;
    acc.ema_price.val = q.ema_price;
    acc.agg.price = q.price;
    acc.agg.conf = q.conf;
    acc.agg.pub_slot = slot;
    acc.valid_slot = slot;
    acc.last_slot = slot;
    acc.prev_slot = slot.saturating_sub(1);
    acc.num_qt = 3;
    acc.agg.status = if trading {
        PriceStatus::Trading
    } else {
        PriceStatus::Halted
    };
    bytemuck::bytes_of(&acc).to_vec()
}
