import { Connection } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { HEDGE_VAULT_PROGRAM_ID } from "../src/generated/hedge_vault";
import { parseEvents, vaultProgram } from "../src/features/vault/data-access/vault-client";

const program = vaultProgram(new Connection("http://127.0.0.1:1"));

/** A `PauseChanged` event encoded by the program's own coder (no hand-made bytes). */
async function pauseChangedLine(): Promise<string> {
  const idlEvent = program.idl.events!.find((e) => e.name === "pauseChanged")!;
  const fields = { vault: program.programId, paused: 3, withdrawOnly: true };
  const layout = (program.coder.types as unknown as { encode(n: string, v: unknown): Buffer }).encode("pauseChanged", fields);
  const data = Buffer.concat([Buffer.from(idlEvent.discriminator), layout]);
  return `Program data: ${data.toString("base64")}`;
}

describe("events from logs", () => {
  it("decodes an event in validator-shaped logs", async () => {
    const logs = [`Program ${HEDGE_VAULT_PROGRAM_ID} invoke [1]`, await pauseChangedLine(), `Program ${HEDGE_VAULT_PROGRAM_ID} success`];
    const ev = parseEvents(program, logs);
    expect(ev.map((e) => e.name)).toEqual(["pauseChanged"]);
    expect(ev[0].data.paused).toBe(3);
  });

  it("attributes events to the program that emitted them, CPIs included", async () => {
    const other = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
    const line = await pauseChangedLine();
    // The vault called from another program: its event counts.
    const inner = [`Program ${other} invoke [1]`, `Program ${HEDGE_VAULT_PROGRAM_ID} invoke [2]`, line, `Program ${HEDGE_VAULT_PROGRAM_ID} success`, `Program ${other} success`];
    expect(parseEvents(program, inner).map((e) => e.name)).toEqual(["pauseChanged"]);
    // The same bytes logged by another program are not the vault's event.
    const foreign = [`Program ${other} invoke [1]`, line, `Program ${other} success`];
    expect(parseEvents(program, foreign)).toEqual([]);
  });
});
