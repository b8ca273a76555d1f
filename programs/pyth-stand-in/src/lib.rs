//! **Test only.** A stand-in for the Pyth receiver program, placed at the receiver's
//! address (`rec5EKMGg6MxZYaMdyBfgwp4d5rB9T1VQH5pJv5LtFJ`) in a *local* validator's
//! genesis by `crates/validator-e2e`.
//!
//! Why it exists: the real receiver only posts `PriceUpdateV2` accounts from price
//! messages signed by Pyth's Wormhole guardians, which a machine without network access
//! cannot obtain. This program is the end-to-end test's only stand-in: the vault and the
//! venue read the accounts it writes with their unchanged production code (owner check
//! against the receiver's address, Anchor discriminator, feed id, verification level,
//! staleness, confidence, EMA divergence).
//!
//! One instruction: its data is the new account data, written over the start of account 0
//! (the rest is zeroed).
//! Account 0 must be owned by this program (created by the caller with
//! `system_program::create_account`, owner = this program) and must sign, so only the
//! holder of the feed account's keypair can publish to it.
#![deny(clippy::arithmetic_side_effects)]

// Float and memory builtins through syscalls on sBPF (scripts/build-sbf.sh).
#[cfg(target_os = "solana")]
use solana_compiler_builtins as _;
use solana_program::account_info::AccountInfo;
use solana_program::entrypoint::ProgramResult;
use solana_program::program_error::ProgramError;
use solana_program::pubkey::Pubkey;

solana_program::declare_id!("rec5EKMGg6MxZYaMdyBfgwp4d5rB9T1VQH5pJv5LtFJ");

#[cfg(not(feature = "no-entrypoint"))]
solana_program::entrypoint!(process_instruction);

/// Writes `data` over the start of account 0's data and zeroes the rest (a `PriceUpdateV2`
/// serializes one byte shorter than its account when fully verified), after the owner and
/// signer checks.
pub fn process_instruction(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    let feed = accounts.first().ok_or(ProgramError::NotEnoughAccountKeys)?;
    if feed.owner != program_id {
        return Err(ProgramError::IncorrectProgramId);
    }
    if !feed.is_signer {
        return Err(ProgramError::MissingRequiredSignature);
    }
    let mut dst = feed.try_borrow_mut_data()?;
    let (head, tail) = dst
        .split_at_mut_checked(data.len())
        .ok_or(ProgramError::InvalidInstructionData)?;
    head.copy_from_slice(data);
    tail.fill(0);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the instruction on one account; returns the result and the account's data.
    fn run(owner: Pubkey, signer: bool, len: usize, data: &[u8]) -> (ProgramResult, Vec<u8>) {
        let key = Pubkey::new_unique();
        let mut lamports = 1_000_000u64;
        let mut buf = vec![0xAAu8; len];
        let info = AccountInfo::new(&key, signer, true, &mut lamports, &mut buf, &owner, false);
        let r = process_instruction(&ID, &[info], data);
        (r, buf)
    }

    #[test]
    fn writes_the_prefix_and_zeroes_the_rest() {
        let (r, buf) = run(ID, true, 6, &[1, 2, 3, 4]);
        assert_eq!(r, Ok(()));
        assert_eq!(buf, [1, 2, 3, 4, 0, 0]);
    }

    #[test]
    fn each_check_refuses_and_writes_nothing() {
        let cases = [
            (Pubkey::new_unique(), true, 4, ProgramError::IncorrectProgramId),
            (ID, false, 4, ProgramError::MissingRequiredSignature),
            (ID, true, 3, ProgramError::InvalidInstructionData),
        ];
        for (owner, signer, len, expected) in cases {
            let (r, buf) = run(owner, signer, len, &[1, 2, 3, 4]);
            assert_eq!(r, Err(expected));
            assert!(buf.iter().all(|&b| b == 0xAA), "nothing written");
        }
        assert_eq!(
            process_instruction(&ID, &[], &[1]),
            Err(ProgramError::NotEnoughAccountKeys)
        );
    }
}
