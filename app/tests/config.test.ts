import { describe, expect, it } from "vitest";
import { DEFAULT_RPC, isLocal, readConfig } from "../src/lib/config";

describe("config", () => {
  it("treats only loopback endpoints as local (burner wallet, simulation tools)", () => {
    expect(isLocal("http://127.0.0.1:8899")).toBe(true);
    expect(isLocal("http://localhost:8899")).toBe(true);
    expect(isLocal("https://api.mainnet-beta.solana.com")).toBe(false);
    expect(isLocal("http://127.0.0.1.evil.com")).toBe(false);
    expect(isLocal("not a url")).toBe(false);
  });
  it("reads the endpoint from the URL, then the build env, then the default", () => {
    expect(readConfig("?rpc=https://rpc.example&vault=V", {})).toEqual({ rpc: "https://rpc.example", vault: "V", local: false });
    expect(readConfig("", { VITE_RPC_URL: "http://localhost:9000" }).local).toBe(true);
    expect(readConfig("", {}).rpc).toBe(DEFAULT_RPC);
  });
});
