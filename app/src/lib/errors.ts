// Turns whatever a failed action throws into one readable sentence: program errors by
// their IDL message, Anchor framework errors by Anchor's message, wallet refusals, RPC
// failures. Raw details stay available for the "details" disclosure.
import { AnchorError, LangErrorMessage } from "@anchor-lang/core";
import { HEDGE_VAULT_ERRORS, HEDGE_VAULT_PROGRAM_ID } from "../generated/hedge_vault";
import { PERP_VENUE_ERRORS, PERP_VENUE_PROGRAM_ID } from "../generated/perp_venue";
import { AmountError } from "./format";

/** SPL Token's error codes that a depositor can run into. */
const TOKEN_ERRORS: Record<number, string> = {
  1: "Insufficient token balance",
  4: "The token account's owner does not match",
  17: "The token account is frozen",
};

export interface Explained {
  /** One sentence for the user. */
  message: string;
  /** The program error's name, when there is one (e.g. `TimelockNotElapsed`). */
  name?: string;
  /** Its numeric code. */
  code?: number;
  /** Program logs, when the chain returned them. */
  logs?: string[];
}

/** The program that failed, from the logs' last `Program X failed` line. */
function failingProgram(logs: string[] | undefined): string | undefined {
  const line = [...(logs ?? [])].reverse().find((l) => / failed: /.test(l));
  return line?.match(/^Program (\w+) failed/)?.[1];
}

/** Anchor's parse of the error in `logs`, if an Anchor program threw one. */
function anchorError(logs: string[] | undefined): AnchorError | null {
  try {
    return AnchorError.parse(logs ?? []);
  } catch {
    return null;
  }
}

/** Explains custom error `code` raised by `program` (when known). */
export function explainCode(code: number, program?: string, logs?: string[]): Explained {
  const fromVault = HEDGE_VAULT_ERRORS[code];
  const fromVenue = PERP_VENUE_ERRORS[code];
  if (program === PERP_VENUE_PROGRAM_ID && fromVenue)
    return { message: `Perp venue: ${fromVenue.msg}`, name: fromVenue.name, code, logs };
  if ((program === undefined || program === HEDGE_VAULT_PROGRAM_ID) && fromVault)
    return { message: fromVault.msg, name: fromVault.name, code, logs };
  const lang = LangErrorMessage.get(code);
  if (lang && code >= 100) return { message: lang, code, logs };
  if (TOKEN_ERRORS[code] && program !== HEDGE_VAULT_PROGRAM_ID) return { message: TOKEN_ERRORS[code], code, logs };
  return { message: `Program error ${code}${program ? ` in ${program}` : ""}`, code, logs };
}

/** Explains a transaction error object as returned by RPC (`{"InstructionError":[i,{"Custom":n}]}`). */
export function explainTransactionError(err: unknown, logs?: string[]): Explained {
  const e = err as { InstructionError?: [number, unknown] } | string | null;
  if (e && typeof e === "object" && e.InstructionError) {
    const [, inner] = e.InstructionError;
    if (inner && typeof inner === "object" && "Custom" in (inner as object)) {
      const thrower = anchorError(logs)?.program.toBase58() ?? failingProgram(logs);
      return explainCode(Number((inner as { Custom: number }).Custom), thrower, logs);
    }
    return { message: `Instruction failed: ${typeof inner === "string" ? inner : JSON.stringify(inner)}`, logs };
  }
  if (e === "BlockhashNotFound") return { message: "The transaction expired before it landed; try again.", logs };
  if (e === "InsufficientFundsForFee" || e === "AccountNotFound")
    return { message: "Your wallet has no SOL to pay the transaction fee.", logs };
  return { message: `Transaction failed: ${typeof e === "string" ? e : JSON.stringify(e)}`, logs };
}

/** Explains anything a wallet, RPC call or transaction threw. */
export function explain(err: unknown): Explained {
  if (err instanceof AmountError) return { message: err.message };
  const any = err as { name?: string; message?: string; logs?: string[]; transactionError?: unknown; cause?: unknown };
  const name = any?.name ?? "";
  let message = String(any?.message ?? err);
  if (/WalletSignTransactionError|WalletNotConnectedError|User rejected/i.test(name + " " + message)) {
    return { message: /rejected/i.test(message) ? "You declined the request in your wallet." : message };
  }
  // web3.js's SendTransactionError (a refused preflight) carries `{ message, logs }`;
  // a transaction that landed and failed carries the RPC's error object.
  const te = any?.transactionError as { message?: unknown; logs?: string[] } | undefined;
  let logs = any?.logs;
  if (te && typeof te === "object" && typeof te.message === "string") {
    message = te.message;
    logs = te.logs ?? logs;
  } else if (te !== undefined) {
    return explainTransactionError(te, logs);
  }
  // Anchor's own parser of its error logs (`AnchorError thrown in … Error Number: N`),
  // which also knows the program that threw.
  const anchor = anchorError(logs);
  if (anchor) return explainCode(anchor.error.errorCode.number, anchor.program.toBase58(), logs);
  const custom = message.match(/custom program error: (0x[0-9a-f]+)/i);
  if (custom) return explainCode(parseInt(custom[1], 16), failingProgram(logs), logs);
  if (/Failed to fetch|NetworkError|ECONNREFUSED|fetch failed/i.test(message))
    return { message: "Cannot reach the RPC endpoint. Is it running?" };
  return { message, logs };
}
