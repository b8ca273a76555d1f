// The local simulation's own JSON-RPC methods (`hedgeSim_*`, served by
// `hedge-sim simulate --serve`). Only used when the endpoint is local.
export interface SimInfo {
  vault: string;
  collateralMint: string;
  shareMint: string;
  oracle: string;
  markets: string[];
  authority: string;
  guardian: string;
  priceUsd: number;
  unixTime: number;
  slot: number;
  stepSecs: number;
  internalKeeper: boolean;
}

let nextId = 1;

export async function simCall<T>(rpc: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(rpc, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
  });
  const body = await res.json();
  if (body.error) throw new Error(body.error.message);
  return body.result as T;
}

export const simInfo = (rpc: string) => simCall<SimInfo>(rpc, "hedgeSim_info");
export const advanceTime = (rpc: string, secs: number) => simCall<SimInfo>(rpc, "hedgeSim_advanceTime", [secs]);
export const faucet = (rpc: string, owner: string, amount: bigint) =>
  simCall<{ tokenAccount: string }>(rpc, "hedgeSim_faucet", [owner, Number(amount)]);
export const proposeToMe = (rpc: string, me: string) => simCall(rpc, "hedgeSim_proposeAuthority", [me]);

/** One price level of the gamma-exposure map (`hedge-research gamma-map`'s `Level`). */
export interface GammaLevel {
  /** Move from the oracle price (fraction). */
  move_frac: number;
  /** Price (USD per token). */
  price: number;
  net_delta: number;
  target_delta: number;
  band: number;
  /** The trade the keeper would send there (tokens; > 0 buys, 0 inside the band). */
  trade: number;
  trade_quote: number;
  /** Book dollar gamma (USD per 1 % move). */
  gamma_exposure: number;
}

/** The vault's gamma-exposure map now, computed by the simulation with the program's own pricing. */
export const gammaMap = (rpc: string, range = 0.3, levels = 25) => simCall<GammaLevel[]>(rpc, "hedgeSim_gammaMap", [range, levels]);
