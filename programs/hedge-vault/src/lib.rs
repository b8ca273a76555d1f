use anchor_lang::prelude::*;
declare_id!("HVau1t1111111111111111111111111111111111111");
#[program]
pub mod hedge_vault {}
