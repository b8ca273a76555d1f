// End-to-end tests (@playwright/test) in Debian's Chromium against the real local chain:
// `hedge-sim simulate --serve` (programs, keeper and oracle in one process) and the built
// app served by `vite preview`. Playwright's own browser download is not used: the
// browser is Debian's `chromium` (or CHROMIUM=/path), through `executablePath`.
//
//   npm run e2e                                   # builds the app, starts both servers
//   HEDGE_SIM_BIN=path CHROMIUM=path npm run e2e
//   E2E_RPC_PORT / E2E_WEB_PORT                   # ports (default 18899 / 14173)
import { defineConfig } from "@playwright/test";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
// The newest of the release and debug builds (the test suite builds the debug one).
const simBin =
  process.env.HEDGE_SIM_BIN ??
  [join(root, "target/release/hedge-sim"), join(root, "target/debug/hedge-sim")]
    .filter(existsSync)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
if (!simBin || !existsSync(simBin)) {
  throw new Error("hedge-sim binary not found: build it (cargo build --release -p hedge-sim) or set HEDGE_SIM_BIN");
}
const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  throw new Error(`${chromium} not found: install Debian's chromium (sudo apt-get install -y chromium) or set CHROMIUM`);
}
const rpcPort = Number(process.env.E2E_RPC_PORT ?? 18899);
const webPort = Number(process.env.E2E_WEB_PORT ?? 14173);
export const rpcUrl = `http://127.0.0.1:${rpcPort}`;

export default defineConfig({
  testDir: "e2e",
  // One chain, one story: the flows run in order against the same simulation.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 10 * 60_000,
  expect: { timeout: 30_000 },
  reporter: [["list"]],
  outputDir: "e2e/results",
  use: {
    baseURL: `http://127.0.0.1:${webPort}`,
    viewport: { width: 1280, height: 900 },
    actionTimeout: 30_000,
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium,
      // Without the background-networking flags Chromium keeps dialling Google's hosts,
      // which a closed network refuses.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
      ],
    },
  },
  webServer: [
    {
      command: `"${simBin}" simulate --steps 48 --book protective-put --tick-ms 0 --serve 127.0.0.1:${rpcPort}`,
      port: rpcPort,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `npx vite preview --host 127.0.0.1 --port ${webPort} --strictPort`,
      port: webPort,
      timeout: 60_000,
      reuseExistingServer: false,
    },
  ],
});
