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
