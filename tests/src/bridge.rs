//! Bridges the two `solana-sysvar` syscall-stub registries in native tests.
//!
//! Anchor (solana-v3) calls the 3.x stubs; solana-program-test installs its stubs (CPI,
//! sysvars, logging) into 4.x only. After the first `ProgramTest::start*`, [`install`]
//! takes program-test's stub object out of 4.x and installs a forwarder into both, so
//! `Clock::get()`, CPIs and `sol_log_data` (events) behave as on a validator. Events are
//! logged as `Program log: data: <base64>`; [`crate::events`] parses both that and the
//! validator's `Program data: <base64>`.
use std::sync::{Arc, Once};

use anchor_lang::solana_program::account_info::AccountInfo;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::solana_program::program_error::ProgramError;
use anchor_lang::solana_program::pubkey::Pubkey;
use base64::Engine;
use solana_sysvar_v3::program_stubs as v3;
use solana_sysvar_v4::program_stubs as v4;

type Inner = Arc<Box<dyn v4::SyscallStubs>>;

struct Forward(Inner);

struct Placeholder;
impl v4::SyscallStubs for Placeholder {}

static INSTALL: Once = Once::new();

/// Installs the bridge once per process. Call after the first `start_with_context`.
pub fn install() {
    INSTALL.call_once(|| {
        let program_test_stubs = v4::set_syscall_stubs(Box::new(Placeholder));
        let inner: Inner = Arc::new(program_test_stubs);
        v4::set_syscall_stubs(Box::new(Forward(inner.clone())));
        v3::set_syscall_stubs(Box::new(Forward(inner)));
    });
}

fn log_data(inner: &Inner, fields: &[&[u8]]) {
    let b64 = base64::engine::general_purpose::STANDARD;
    let joined = fields.iter().map(|f| b64.encode(f)).collect::<Vec<_>>().join(" ");
    inner.sol_log(&format!("data: {joined}"));
}

macro_rules! forward_all {
    ($tr:path) => {
        impl $tr for Forward {
            fn sol_log(&self, message: &str) {
                self.0.sol_log(message)
            }
            fn sol_log_compute_units(&self) {
                self.0.sol_log_compute_units()
            }
            fn sol_remaining_compute_units(&self) -> u64 {
                self.0.sol_remaining_compute_units()
            }
            fn sol_invoke_signed(
                &self,
                instruction: &Instruction,
                account_infos: &[AccountInfo],
                signers_seeds: &[&[&[u8]]],
            ) -> Result<(), ProgramError> {
                self.0
                    .sol_invoke_signed(instruction, account_infos, signers_seeds)
            }
            fn sol_get_sysvar(&self, id: *const u8, var: *mut u8, offset: u64, length: u64) -> u64 {
                self.0.sol_get_sysvar(id, var, offset, length)
            }
            fn sol_get_clock_sysvar(&self, var: *mut u8) -> u64 {
                self.0.sol_get_clock_sysvar(var)
            }
            fn sol_get_epoch_schedule_sysvar(&self, var: *mut u8) -> u64 {
                self.0.sol_get_epoch_schedule_sysvar(var)
            }
            fn sol_get_fees_sysvar(&self, var: *mut u8) -> u64 {
                self.0.sol_get_fees_sysvar(var)
            }
            fn sol_get_rent_sysvar(&self, var: *mut u8) -> u64 {
                self.0.sol_get_rent_sysvar(var)
            }
            fn sol_get_epoch_rewards_sysvar(&self, var: *mut u8) -> u64 {
                self.0.sol_get_epoch_rewards_sysvar(var)
            }
            fn sol_get_last_restart_slot(&self, var: *mut u8) -> u64 {
                self.0.sol_get_last_restart_slot(var)
            }
            fn sol_get_epoch_stake(&self, vote: *const u8) -> u64 {
                self.0.sol_get_epoch_stake(vote)
            }
            unsafe fn sol_memcpy(&self, dst: *mut u8, src: *const u8, n: usize) {
                self.0.sol_memcpy(dst, src, n)
            }
            unsafe fn sol_memmove(&self, dst: *mut u8, src: *const u8, n: usize) {
                self.0.sol_memmove(dst, src, n)
            }
            unsafe fn sol_memcmp(&self, s1: *const u8, s2: *const u8, n: usize, result: *mut i32) {
                self.0.sol_memcmp(s1, s2, n, result)
            }
            unsafe fn sol_memset(&self, s: *mut u8, c: u8, n: usize) {
                self.0.sol_memset(s, c, n)
            }
            fn sol_get_return_data(&self) -> Option<(Pubkey, Vec<u8>)> {
                self.0.sol_get_return_data()
            }
            fn sol_set_return_data(&self, data: &[u8]) {
                self.0.sol_set_return_data(data)
            }
            fn sol_log_data(&self, fields: &[&[u8]]) {
                log_data(&self.0, fields)
            }
            fn sol_get_processed_sibling_instruction(&self, index: usize) -> Option<Instruction> {
                self.0.sol_get_processed_sibling_instruction(index)
            }
            fn sol_get_stack_height(&self) -> u64 {
                self.0.sol_get_stack_height()
            }
        }
    };
}

forward_all!(v4::SyscallStubs);
forward_all!(v3::SyscallStubs);
