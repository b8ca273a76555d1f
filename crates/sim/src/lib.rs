//! `hedge-sim`: the hedge vault end to end on an in-process chain (solana-program-test
//! with both programs loaded): the README's main job (`simulate`), its JSON-RPC endpoint
//! for the web app (`simulate --serve`, [`serve`]) and the acceptance suite
//! (`acceptance`). The crank it runs is the production `hedge_keeper::keeper::Keeper`,
//! over `hedge_keeper::chain::local::LocalChain`. `main.rs` only parses the command line.
pub mod cli;
pub mod cmd;
pub mod serve;
