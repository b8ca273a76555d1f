// Where the app points: `?rpc=` in the URL, else VITE_RPC_URL at build time, else the
// local simulation (`hedge-sim simulate --serve 127.0.0.1:8899`).
export const DEFAULT_RPC = "http://127.0.0.1:8899";

export interface AppConfig {
  /** JSON-RPC endpoint. */
  rpc: string;
  /** The vault to show (`?vault=`); otherwise the first vault the program has. */
  vault?: string;
  /** True for a loopback endpoint: enables the burner wallet and the simulation tools. */
  local: boolean;
}

/** True when `url` points at this machine. */
export function isLocal(url: string): boolean {
  try {
    const h = new URL(url).hostname;
    return h === "localhost" || h === "127.0.0.1" || h === "[::1]" || h === "::1";
  } catch {
    return false;
  }
}

export function readConfig(search: string, env: { VITE_RPC_URL?: string; VITE_VAULT?: string }): AppConfig {
  const q = new URLSearchParams(search);
  const rpc = q.get("rpc") || env.VITE_RPC_URL || DEFAULT_RPC;
  return { rpc, vault: q.get("vault") || env.VITE_VAULT || undefined, local: isLocal(rpc) };
}
