//! Decoding Anchor events from transaction logs, with the programs' own event types.
use anchor_lang::{AnchorDeserialize, Discriminator};
use base64::Engine;

/// All events of type `T` in `logs`, in order. Accepts both the validator form
/// (`Program data: <b64>`) and the in-process form (`Program log: data: <b64>`); a line
/// that does not decode as `T` is skipped.
pub fn decode<T: AnchorDeserialize + Discriminator>(logs: &[String]) -> Vec<T> {
    let b64 = base64::engine::general_purpose::STANDARD;
    logs.iter()
        .filter_map(|l| {
            l.strip_prefix("Program data: ")
                .or_else(|| l.strip_prefix("Program log: data: "))
        })
        .filter_map(|d| b64.decode(d.split(' ').next()?).ok())
        .filter(|bytes| bytes.starts_with(T::DISCRIMINATOR))
        .filter_map(|bytes| T::try_from_slice(bytes.get(T::DISCRIMINATOR.len()..)?).ok())
        .collect()
}
