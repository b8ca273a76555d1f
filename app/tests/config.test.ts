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

import { PublicKey } from "@solana/web3.js";
import { feedAccount } from "../src/features/vault/data-access/vault-client";

describe("oracle accounts", () => {
  it("derives a pull feed's account as Pyth's push oracle does (mainnet SOL/USD)", () => {
    const feedId = Array.from(Buffer.from("ef0d8b6fda2ceba41da15d4095d1da392a0d2f8ed0c6c7bc0f4cfac8c280b56d", "hex"));
    const got = feedAccount({ source: { pythPull: {} }, feedId, account: PublicKey.default } as never);
    expect(got.toBase58()).toBe("7UVimffxr9ow1uXYxsr4LHAcV58mLzhmwaeKvJ1pjLiE");
  });
});
