//! The compute-unit scenario (`hedge_localnet::cu`) on the native build: it must run to
//! the end, and what it records must be what `cu-report` compares against the sBPF build.
use hedge_localnet::cu::{event_payloads, scenario, units_per_instruction};
use hedge_localnet::Programs;
use hedge_math::{bs_greeks, BsInputs, Fix, OptionKind};
use hedge_vault::OptionQuote;

#[tokio::test(flavor = "current_thread")]
async fn scenario_runs_natively_and_records_every_step() {
    let run = scenario(Programs::Native).await;
    for label in [
        "quote_option (ATM call)",
        "initialize_vault",
        "deposit",
        "rebalance (1 leg)",
        "rebalance (4 legs)",
        "rebalance (16 legs)",
        "complete_withdraw (hedged, 2 venues)",
        "venue: place_order (buy)",
        "emergency_withdraw",
    ] {
        let s = run.step(label).unwrap_or_else(|| panic!("missing step {label}"));
        assert_eq!(s.outcome, Ok(()), "{label}");
        // The quote runs first, before any account exists.
        assert!(
            label.starts_with("quote_option") || !s.state.is_empty(),
            "{label}: no watched accounts read"
        );
    }
    // Every rebalance traded (a `Rebalanced` event) and changed the vault.
    for n in ["1 leg", "4 legs", "16 legs"] {
        let s = run.step(&format!("rebalance ({n})")).unwrap();
        assert!(!s.events.is_empty(), "rebalance ({n}) emitted nothing");
    }

    // quote_option returns exactly what the engine computes.
    let s = run.step("quote_option (OTM put, r and q)").unwrap();
    let ret = s.return_data.as_ref().expect("return data");
    let quote: OptionQuote = anchor_lang::AnchorDeserialize::deserialize(&mut &ret[..]).unwrap();
    let f = |x: f64| Fix::from_num(x);
    let g = bs_greeks(
        OptionKind::Put,
        &BsInputs {
            spot: f(150.0),
            strike: f(120.0),
            vol: f(0.65),
            t_years: f(0.5),
            r: f(0.045),
            q: f(0.07),
        },
    )
    .unwrap();
    assert_eq!(quote.price_fx, g.price.to_bits());
    assert_eq!(quote.delta_fx, g.delta.to_bits());
    assert_eq!(quote.gamma_fx, g.gamma.to_bits());
    assert_eq!(quote.vega_fx, g.vega.to_bits());
    assert_eq!(quote.theta_fx, g.theta.to_bits());
}

#[test]
fn log_parsing_attributes_units_to_top_level_instructions() {
    let logs: Vec<String> = [
        "Program ComputeBudget111111111111111111111111111111 invoke [1]",
        "Program ComputeBudget111111111111111111111111111111 success",
        "Program HVau1tZk8ZXjVrjwS7t6Ws3ixGNHykzRwkqfS7pMcsLa invoke [1]",
        "Program PerpVenue1111111111111111111111111111111111 invoke [2]",
        "Program data: AAEC",
        "Program PerpVenue1111111111111111111111111111111111 consumed 900 of 150000 compute units",
        "Program PerpVenue1111111111111111111111111111111111 success",
        "Program log: data: AwQF",
        "Program HVau1tZk8ZXjVrjwS7t6Ws3ixGNHykzRwkqfS7pMcsLa consumed 4200 of 200000 compute units",
        "Program HVau1tZk8ZXjVrjwS7t6Ws3ixGNHykzRwkqfS7pMcsLa success",
    ]
    .map(String::from)
    .to_vec();
    let u = units_per_instruction(&logs);
    assert_eq!(u, vec![(hedge_vault::ID, 4200)]);
    assert_eq!(
        event_payloads(&logs),
        vec!["AAEC".to_string(), "AwQF".to_string()]
    );
}
