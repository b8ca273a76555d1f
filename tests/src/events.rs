//! Decoding Anchor events from transaction logs ([`hedge_client::events`]), with the
//! tests' "exactly one" helper.
use anchor_lang::{AnchorDeserialize, Discriminator};

pub use hedge_client::events::decode;

/// The single event of type `T` in `logs`.
#[track_caller]
pub fn one<T: AnchorDeserialize + Discriminator>(logs: &[String]) -> T {
    let mut v = decode::<T>(logs);
    assert_eq!(v.len(), 1, "expected exactly one event");
    v.remove(0)
}
