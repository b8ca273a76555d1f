//! Decoding Anchor events from transaction logs, using the program's own event types.
use anchor_lang::{AnchorDeserialize, Discriminator};
use base64::Engine;

/// All events of type `T` in `logs`, in order. Accepts both the validator form
/// (`Program data: <b64>`) and the native-test form (`Program log: data: <b64>`).
pub fn decode<T: AnchorDeserialize + Discriminator>(logs: &[String]) -> Vec<T> {
    let b64 = base64::engine::general_purpose::STANDARD;
    logs.iter()
        .filter_map(|l| {
            l.strip_prefix("Program data: ")
                .or_else(|| l.strip_prefix("Program log: data: "))
        })
        .filter_map(|d| b64.decode(d.split(' ').next()?).ok())
        .filter(|bytes| bytes.starts_with(T::DISCRIMINATOR))
        .map(|bytes| T::try_from_slice(&bytes[T::DISCRIMINATOR.len()..]).expect("event layout"))
        .collect()
}

/// The single event of type `T` in `logs`.
#[track_caller]
pub fn one<T: AnchorDeserialize + Discriminator>(logs: &[String]) -> T {
    let mut v = decode::<T>(logs);
    assert_eq!(v.len(), 1, "expected exactly one event");
    v.remove(0)
}
