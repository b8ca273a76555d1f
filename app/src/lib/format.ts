// Display formatting. Every function here is presentation only: amounts stay integers
// (bigint base units) everywhere else, and nothing formatted is ever parsed back into a
// transaction except through `parseUnits`, which is exact.

/** Fractional bits of the program's I80F48 fixed-point values (`*_fx` fields). */
export const FX_FRAC_BITS = 48n;

/** `amount` base units with `decimals` places, exact, at most `maxFraction` shown (truncated, never rounded up). */
export function formatUnits(amount: bigint, decimals: number, maxFraction = decimals): string {
  const neg = amount < 0n;
  const abs = neg ? -amount : amount;
  const base = 10n ** BigInt(decimals);
  const int = abs / base;
  let frac = (abs % base).toString().padStart(decimals, "0").slice(0, Math.max(0, maxFraction));
  frac = frac.replace(/0+$/, "");
  const intStr = int.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${neg ? "−" : ""}${intStr}${frac ? "." + frac : ""}`;
}

/** Error from {@link parseUnits}. */
export class AmountError extends Error {}

/**
 * Parses a user-typed decimal amount into base units, exactly. Refuses (never rounds)
 * more fractional digits than the token has, negatives, exponents and garbage.
 */
export function parseUnits(text: string, decimals: number): bigint {
  const s = text.trim().replace(/,/g, "");
  if (s === "") throw new AmountError("Enter an amount");
  if (!/^\d*(\.\d*)?$/.test(s) || s === ".") throw new AmountError("Not a number");
  const [int, frac = ""] = s.split(".");
  if (frac.length > decimals) throw new AmountError(`At most ${decimals} decimal places`);
  const v = BigInt(int || "0") * 10n ** BigInt(decimals) + BigInt((frac + "0".repeat(decimals)).slice(0, decimals) || "0");
  if (v > 18446744073709551615n) throw new AmountError("Amount too large");
  return v;
}

/** An I80F48 bit pattern (i128, as bigint or decimal string) as a float, for display. */
export function fx(bits: bigint | string | { toString(): string }): number {
  const b = typeof bits === "bigint" ? bits : BigInt(bits.toString());
  const int = b >> FX_FRAC_BITS;
  const frac = b - (int << FX_FRAC_BITS);
  return Number(int) + Number(frac) / 2 ** 48;
}

/** A number with a fixed number of significant fraction digits and a unit. */
export function num(v: number, digits = 2, unit = ""): string {
  if (!Number.isFinite(v)) return "—";
  const s = v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return unit ? `${s} ${unit}` : s;
}

/** US dollars. */
export function usd(v: number, digits = 2): string {
  if (!Number.isFinite(v)) return "—";
  const s = Math.abs(v).toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${v < 0 ? "−" : ""}$${s}`;
}

/** Basis points as a percentage. */
export function bps(v: number | bigint): string {
  const n = Number(v);
  return `${(n / 100).toLocaleString("en-US", { maximumFractionDigits: 2 })} %`;
}

/** A duration in seconds, e.g. "1 d 2 h", "3 h 05 min", "42 s". Negative is "now". */
export function duration(secs: number): string {
  if (!Number.isFinite(secs) || secs <= 0) return "now";
  const s = Math.floor(secs);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${String(m).padStart(2, "0")} min`;
  if (m > 0) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${s} s`;
}

/** A unix time (seconds) as an ISO-like UTC string. */
export function utc(unix: number): string {
  if (!unix) return "—";
  return new Date(unix * 1000).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

/** A base-58 address shortened for display. */
export function short(key: string | { toBase58(): string }): string {
  const s = typeof key === "string" ? key : key.toBase58();
  return s.length > 12 ? `${s.slice(0, 4)}…${s.slice(-4)}` : s;
}
