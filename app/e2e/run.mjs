#!/usr/bin/env node
// End-to-end test of the app in headless Chromium (playwright-core + Debian's chromium)
// against the real local chain: `hedge-sim simulate --serve` with the programs, the
// keeper and the oracle, and the built app served by `vite preview`.
//
//   npm run e2e                          # builds the app, starts both servers, runs the flows
//   HEDGE_SIM_BIN=path CHROMIUM=path npm run e2e
//
// Flows: connect the burner wallet; deposit and see the share balance; request a
// withdrawal, advance simulated time, complete it and see the collateral come back;
// governance: become the authority (two-step transfer), queue a change (client-side
// validation first), apply too early (readable rejection), advance past the timelock,
// apply; pause deposits (the preview is refused with a readable error) and unpause.
// Screenshots go to e2e/screenshots/.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const app = join(here, "..");
const root = join(app, "..");
const shots = join(here, "screenshots");
mkdirSync(shots, { recursive: true });

// The newest of the release and debug builds (the test suite builds the debug one).
const keeperBin =
  process.env.HEDGE_SIM_BIN ??
  [join(root, "target/release/hedge-sim"), join(root, "target/debug/hedge-sim")]
    .filter(existsSync)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
if (!keeperBin) {
  console.error("hedge-sim binary not found: build it (cargo build --release -p hedge-sim) or set HEDGE_SIM_BIN");
  process.exit(2);
}
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
if (!existsSync(chromiumPath)) {
  console.error(`${chromiumPath} not found: install Debian's chromium (apt-get install chromium) or set CHROMIUM`);
  process.exit(2);
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const children = [];
function start(cmd, args, opts = {}) {
  // Own process group, so that stopping it also stops what it started (npx → vite).
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], detached: true, ...opts });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  children.push(child);
  child.log = () => log;
  return child;
}
function stopAll() {
  for (const c of children) {
    try {
      process.kill(-c.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
}
process.on("exit", stopAll);

async function waitFor(url, body, what, child, timeoutMs = 180_000) {
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited early:\n${child.log()}`);
    try {
      const r = await fetch(url, body ? { method: "POST", headers: { "content-type": "application/json" }, body } : undefined);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what} did not come up:\n${child.log()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const step = (s) => console.log(`e2e: ${s}`);

async function main() {
  const rpcPort = await freePort();
  let webPort = await freePort();
  while (webPort === rpcPort) webPort = await freePort();
  const rpc = `http://127.0.0.1:${rpcPort}`;

  step(`building the app`);
  execFileSync("npx", ["vite", "build", "--logLevel", "warn"], { cwd: app, stdio: "inherit" });

  step(`starting ${keeperBin} simulate --serve ${rpc}`);
  const chain = start(keeperBin, ["simulate", "--steps", "48", "--book", "protective-put", "--tick-ms", "0", "--serve", `127.0.0.1:${rpcPort}`]);
  const web = start("npx", ["vite", "preview", "--host", "127.0.0.1", "--port", String(webPort), "--strictPort"], { cwd: app });
  await waitFor(rpc, JSON.stringify({ jsonrpc: "2.0", id: 1, method: "getHealth" }), "the simulation", chain);
  await waitFor(`http://127.0.0.1:${webPort}/`, null, "vite preview", web);

  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
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
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.setDefaultTimeout(30_000);
  const url = `http://127.0.0.1:${webPort}/?rpc=${encodeURIComponent(rpc)}`;
  const byTest = (id) => page.getByTestId(id);
  const text = async (id) => (await byTest(id).innerText()).trim();
  const amount = (s) => Number(s.replace(/[^0-9.−-]/g, "").replace("−", "-"));
  // Clicks an action button and waits for its outcome: its ✓, its error (which fails the
  // test), or the button going away because the page moved on (e.g. a request became
  // pending); the steps after it check the real outcome.
  const ok = async (id) => {
    await byTest(id).click();
    await Promise.race([
      byTest(`${id}-ok`).waitFor(),
      byTest(id).waitFor({ state: "detached" }),
      byTest(`${id}-error`)
        .waitFor()
        .then(async () => {
          throw new Error(`${id} failed: ${await text(`${id}-error`)}`);
        }),
    ]);
  };

  try {
    step("overview loads from the chain");
    await page.goto(url);
    await byTest("nav-per-share").waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="oracle-price"]')?.textContent?.includes("$"));
    await byTest("delta-chart").waitFor();
    // Unsettled funding comes from the venue's own settle_funding, simulated.
    await page.waitForFunction(() => /\$/.test(document.querySelector('[data-testid="venue-0"]')?.textContent ?? ""));
    await page.screenshot({ path: join(shots, "overview.png"), fullPage: true });

    step("connect the burner wallet");
    await byTest("connect-wallet").click();
    await page.getByTestId(/^wallet-Local burner/).click();
    await byTest("wallet-address").waitFor();
    await ok("faucet");

    step("deposit: preview by simulation, then the share balance appears");
    await byTest("tab-deposit").click();
    await page.waitForFunction(() => /100/.test(document.querySelector('[data-testid="wallet-collateral"]')?.textContent ?? ""));
    if (amount(await text("share-balance")) !== 0) throw new Error("a new wallet should hold no shares");
    await byTest("deposit-amount").fill("12.5");
    await page.waitForFunction(() => /You receive/.test(document.querySelector('[data-testid="deposit-preview"]')?.textContent ?? ""));
    const preview = await text("deposit-preview");
    await ok("deposit-submit");
    await page.waitForFunction(() => Number((document.querySelector('[data-testid="share-balance"]')?.textContent ?? "0").replace(/[^0-9.]/g, "")) > 0);
    const shares = amount(await text("share-balance"));
    const previewed = Number(preview.match(/≈ ([0-9.,]+)/)[1].replace(/,/g, ""));
    if (Math.abs(shares - previewed) > previewed * 0.005) throw new Error(`shares ${shares} far from preview ${previewed}`);
    step(`deposited 12.5, received ${shares} shares (preview ${previewed})`);
    await page.screenshot({ path: join(shots, "deposit.png"), fullPage: true });

    step("request a withdrawal, advance time, complete it");
    const collateralBefore = amount(await text("wallet-collateral"));
    await byTest("withdraw-shares").fill("5");
    await ok("withdraw-request");
    await byTest("pending-withdrawal").waitFor();
    if ((await text("withdraw-countdown")) === "ready") throw new Error("a new request should not be ready");
    if (!(await byTest("withdraw-complete").isDisabled())) throw new Error("complete must wait for the countdown");
    await page.screenshot({ path: join(shots, "withdraw-pending.png"), fullPage: true });
    for (let i = 0; i < 8 && (await text("withdraw-countdown")) !== "ready"; i++) {
      await ok("advance-3600");
      await page.waitForTimeout(2800);
    }
    await page.waitForFunction(() => document.querySelector('[data-testid="withdraw-countdown"]')?.textContent === "ready");
    await ok("withdraw-complete");
    await byTest("withdraw-shares").waitFor();
    await page.waitForFunction(
      (before) => Number((document.querySelector('[data-testid="wallet-collateral"]')?.textContent ?? "0").replace(/[^0-9.]/g, "")) > before,
      collateralBefore,
    );
    const collateralAfter = amount(await text("wallet-collateral"));
    step(`collateral ${collateralBefore} -> ${collateralAfter} after redeeming 5 shares`);

    step("governance: two-step authority transfer to this wallet");
    await byTest("tab-governance").click();
    await ok("sim-propose-me");
    await byTest("accept-authority").waitFor();
    await ok("accept-authority");
    await page.waitForFunction(() => document.querySelector('[data-testid="my-role"]')?.textContent === "the authority");

    step("queue a change: the form refuses out-of-bounds values with the program's error");
    await byTest("param-deltaBandBps").fill("0");
    await byTest("param-deltaBandBps-error").waitFor();
    if (!/DeltaBandOutOfBounds/.test(await text("param-deltaBandBps-error"))) throw new Error("expected DeltaBandOutOfBounds");
    if (!(await byTest("queue-change").isDisabled())) throw new Error("queue must be disabled while invalid");
    await byTest("param-deltaBandBps").fill("650");
    await ok("queue-change");
    await byTest("queued-diff").waitFor();
    await page.waitForFunction(() => /650/.test(document.querySelector('[data-testid="queued-diff"]')?.textContent ?? ""));

    step("apply too early: rejected with a readable error");
    await byTest("apply-change").click();
    await byTest("apply-change-error").waitFor();
    const early = await text("apply-change-error");
    if (!/The timelock has not elapsed/.test(early)) throw new Error(`unexpected error text: ${early}`);
    await page.screenshot({ path: join(shots, "governance-early.png"), fullPage: true });

    step("advance past the timelock and apply");
    for (let i = 0; i < 8 && (await text("timelock-left")) !== "elapsed"; i++) {
      await ok("advance-3600");
      await page.waitForTimeout(2800);
    }
    await page.waitForFunction(() => document.querySelector('[data-testid="timelock-left"]')?.textContent === "elapsed");
    await ok("apply-change");
    await page.waitForFunction(() => /Nothing queued/.test(document.querySelector('[data-testid="queued-change"]')?.textContent ?? ""));
    await page.waitForFunction(() => /650 \(6\.5 %\)/.test(document.querySelector('[data-testid="params"]')?.textContent ?? ""));
    await page.screenshot({ path: join(shots, "governance.png"), fullPage: true });

    step("pause deposits: the deposit preview is refused with a readable error; unpause");
    await byTest("pause-DEPOSIT").check();
    await ok("save-pause");
    await byTest("tab-deposit").click();
    await byTest("deposit-amount").fill("1");
    await byTest("deposit-preview-error").waitFor();
    const paused = await text("deposit-preview-error");
    if (!/This instruction is paused/.test(paused)) throw new Error(`unexpected paused text: ${paused}`);
    if (!(await byTest("deposit-submit").isDisabled())) throw new Error("deposit must be disabled while refused");
    await byTest("tab-governance").click();
    await byTest("pause-DEPOSIT").uncheck();
    await ok("save-pause");
    await byTest("tab-deposit").click();
    await byTest("deposit-amount").fill("2");
    await page.waitForFunction(() => /You receive/.test(document.querySelector('[data-testid="deposit-preview"]')?.textContent ?? ""));

    step("phone layout");
    await page.setViewportSize({ width: 390, height: 844 });
    await byTest("tab-overview").click();
    await byTest("nav-per-share").waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 1) throw new Error(`the phone layout scrolls sideways by ${overflow}px`);
    await page.screenshot({ path: join(shots, "phone.png"), fullPage: true });

    if (consoleErrors.length) throw new Error(`uncaught page errors:\n${consoleErrors.join("\n")}`);
    step(`all flows passed; screenshots in ${shots}`);
  } catch (e) {
    await page.screenshot({ path: join(shots, "failure.png"), fullPage: true }).catch(() => undefined);
    console.error(`e2e failed: ${e.stack ?? e}\n--- simulation log (tail) ---\n${chain.log().slice(-3000)}`);
    process.exitCode = 1;
  } finally {
    await browser.close();
    stopAll();
  }
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => {
    stopAll();
    process.exit(process.exitCode ?? 0);
  });
