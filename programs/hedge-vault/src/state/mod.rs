//! Program accounts: one file per account type, plus the parameter structs they embed.
pub mod params;
pub mod pending_params;
pub mod vault;
pub mod withdraw_request;

pub use params::*;
pub use pending_params::*;
pub use vault::*;
pub use withdraw_request::*;

/// The zero-copy accounts and everything they embed are `repr(C)` without implicit
/// padding: their size equals the sum of their fields (Anchor's `InitSpace`, the Borsh
/// size), so the bytes on chain are exactly what the IDL's Borsh layout decodes.
const _: () = {
    use core::mem::size_of;
    macro_rules! no_padding {
        ($($t:ty),*) => {$(
            assert!(size_of::<$t>() == <$t as anchor_lang::Space>::INIT_SPACE, "implicit padding");
        )*};
    }
    no_padding!(
        Vault,
        PendingParams,
        VaultParams,
        RiskParams,
        DepositLimits,
        VenueConfig,
        OptionLeg,
        VolParams,
        OracleLimits,
        MarginParams,
        FeeParams,
        OracleConfig,
        PriceFeedConfig,
        VenueKind,
        LegKind,
        OracleSource
    );
};

/// A heap copy of a zero-copy account, for instructions that CPI with that account as a
/// signer: the runtime refuses a CPI naming an account whose data the program holds
/// borrowed (as `AccountLoader::load_mut` does), so those instructions work on a copy and
/// write it back with [`Staged::commit`]. Two `memcpy`s, no Borsh. A failed instruction is
/// rolled back by the runtime whether or not it committed.
#[must_use = "a Staged copy reaches the account only through commit()"]
pub struct Staged<'a, 'info, T: anchor_lang::ZeroCopy + anchor_lang::Owner> {
    loader: &'a anchor_lang::prelude::AccountLoader<'info, T>,
    copy: Box<T>,
}

impl<'a, 'info, T: anchor_lang::ZeroCopy + anchor_lang::Owner> Staged<'a, 'info, T> {
    /// Copies the account (owner and discriminator were checked by `AccountLoader`).
    pub fn load(loader: &'a anchor_lang::prelude::AccountLoader<'info, T>) -> anchor_lang::Result<Self> {
        // Allocated zeroed on the heap and filled in place: a 2 KB value must not pass
        // through the 4 KB sBPF stack frame.
        let mut copy: Box<T> = bytemuck::zeroed_box();
        bytemuck::bytes_of_mut(&mut *copy).copy_from_slice(bytemuck::bytes_of(&*loader.load()?));
        Ok(Staged { loader, copy })
    }

    /// Writes the copy back to the account.
    pub fn commit(self) -> anchor_lang::Result<()> {
        bytemuck::bytes_of_mut(&mut *self.loader.load_mut()?)
            .copy_from_slice(bytemuck::bytes_of(&*self.copy));
        Ok(())
    }
}

impl<T: anchor_lang::ZeroCopy + anchor_lang::Owner> core::ops::Deref for Staged<'_, '_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.copy
    }
}

impl<T: anchor_lang::ZeroCopy + anchor_lang::Owner> core::ops::DerefMut for Staged<'_, '_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.copy
    }
}
