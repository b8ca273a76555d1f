import { describe, expect, it } from "vitest";
import { HEDGE_VAULT_ERRORS, HEDGE_VAULT_PROGRAM_ID } from "../src/generated/hedge_vault";
import { PERP_VENUE_PROGRAM_ID } from "../src/generated/perp_venue";
import { explain, explainCode, explainTransactionError } from "../src/lib/errors";
import { AmountError } from "../src/lib/format";

describe("error messages", () => {
  it("maps the vault's codes to the IDL's messages", () => {
    expect(explainCode(6000).name).toBe("NotAuthority");
    const e = explainTransactionError({ InstructionError: [1, { Custom: 6000 }] }, [
      `Program ${HEDGE_VAULT_PROGRAM_ID} invoke [1]`,
      `Program ${HEDGE_VAULT_PROGRAM_ID} failed: custom program error: 0x1770`,
    ]);
    expect(e.message).toBe("Signer is not the vault authority");
  });

  it("attributes a code to the program that failed", () => {
    // The venue's errors start at 7000 (the vault's at 6000).
    const logs = [`Program ${PERP_VENUE_PROGRAM_ID} failed: custom program error: 0x1b58`];
    expect(explainTransactionError({ InstructionError: [0, { Custom: 7000 }] }, logs).message).toBe(
      "Perp venue: Signer is not the market admin",
    );
  });

  it("reads preflight failures as web3.js reports them", () => {
    const err = Object.assign(new Error("Simulation failed. Message: custom program error: 0x1780."), {
      logs: [`Program ${HEDGE_VAULT_PROGRAM_ID} failed: custom program error: 0x1780`],
    });
    const e = explain(err);
    expect(e.code).toBe(0x1780);
    expect(e.message).not.toMatch(/0x/);
  });

  it("reads web3.js SendTransactionError's { message, logs }", () => {
    const err = Object.assign(new Error("Simulation failed."), {
      name: "SendTransactionError",
      transactionError: {
        message: "Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1790",
        logs: [`Program ${HEDGE_VAULT_PROGRAM_ID} failed: custom program error: 0x1790`],
      },
    });
    const e = explain(err);
    expect(e.name).toBe("TimelockNotElapsed");
    expect(e.message).toBe("The timelock has not elapsed");
  });

  it("explains Anchor framework errors, wallet refusals, network failures, bad amounts", () => {
    expect(explainCode(2006).message).toMatch(/seeds/i);
    expect(explain(Object.assign(new Error("User rejected the request."), { name: "WalletSignTransactionError" })).message).toBe(
      "You declined the request in your wallet.",
    );
    expect(explain(new TypeError("Failed to fetch")).message).toMatch(/Cannot reach/);
    expect(explain(new AmountError("Not a number")).message).toBe("Not a number");
    expect(explainTransactionError("BlockhashNotFound").message).toMatch(/expired/);
  });

  it("reads Anchor's error logs with Anchor's own parser, program included", () => {
    const code = Number(Object.entries(HEDGE_VAULT_ERRORS).find(([, e]) => e.name === "TimelockNotElapsed")![0]);
    const logs = [
      `Program ${HEDGE_VAULT_PROGRAM_ID} invoke [1]`,
      `Program log: AnchorError thrown in programs/hedge-vault/src/instructions/admin/apply_params.rs:53. Error Code: TimelockNotElapsed. Error Number: ${code}. Error Message: The timelock has not elapsed.`,
      `Program ${HEDGE_VAULT_PROGRAM_ID} consumed 5000 of 200000 compute units`,
      `Program ${HEDGE_VAULT_PROGRAM_ID} failed: custom program error: 0x${code.toString(16)}`,
    ];
    const e = explain(Object.assign(new Error("Simulation failed."), { logs }));
    expect(e.name).toBe("TimelockNotElapsed");
    expect(e.code).toBe(code);
  });
});
