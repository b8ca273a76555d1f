// The app's flows in a browser against the real local chain (see playwright.config.ts):
// connect the burner wallet; deposit and see the share balance; request a withdrawal,
// advance simulated time, complete it and see the collateral come back; governance:
// become the authority (two-step transfer), queue a change (client-side validation
// first), apply too early (readable rejection), advance past the timelock, apply; pause
// deposits (the preview is refused with a readable error) and unpause; the phone layout.
// Screenshots go to e2e/screenshots/ (the README shows them).
import { expect, test, type Page } from "@playwright/test";
import { join } from "node:path";
import { rpcUrl } from "../playwright.config";

const shots = join(import.meta.dirname, "screenshots");
const amount = (s: string) => Number(s.replace(/[^0-9.−-]/g, "").replace("−", "-"));

/** Clicks an action button and waits for its outcome: its ✓, or the button going away
 *  because the page moved on (e.g. a request became pending). Its error fails the test. */
async function ok(page: Page, id: string) {
  await page.getByTestId(id).click();
  const error = page.getByTestId(`${id}-error`);
  await Promise.race([
    page.getByTestId(`${id}-ok`).waitFor(),
    page.getByTestId(id).waitFor({ state: "detached" }),
    error.waitFor().then(async () => {
      throw new Error(`${id} failed: ${await error.innerText()}`);
    }),
  ]);
}

const text = async (page: Page, id: string) => (await page.getByTestId(id).innerText()).trim();

/** Advances simulated time an hour at a time until `id` reads `until`. */
async function advanceUntil(page: Page, id: string, until: string) {
  for (let i = 0; i < 8 && (await text(page, id)) !== until; i++) {
    await ok(page, "advance-3600");
    await page.waitForTimeout(2800);
  }
  await expect(page.getByTestId(id)).toHaveText(until);
}

test("depositor and governance flows", async ({ page }) => {
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  const by = (id: string) => page.getByTestId(id);

  await test.step("overview loads from the chain", async () => {
    await page.goto(`/?rpc=${encodeURIComponent(rpcUrl)}`);
    await expect(by("nav-per-share")).toBeVisible();
    await expect(by("oracle-price")).toContainText("$");
    await expect(by("delta-chart")).toBeVisible();
    // Unsettled funding comes from the venue's own settle_funding, simulated.
    await expect(by("venue-0")).toContainText("$");
    // The chart's points are events from the served transaction history, read by
    // Anchor's EventParser: rebalances are marked.
    await expect(by("delta-chart").locator("circle.rebalance").first()).toBeVisible();
    // The gamma map, computed by the simulation with the program's own pricing: the
    // keeper's trade at 25 price levels, some outside the band.
    await expect(by("gamma-map")).toBeVisible();
    await expect(by("gamma-map").locator("rect")).toHaveCount(25);
    await expect(by("gamma-map").locator("rect.buy, rect.sell").first()).toBeVisible();
    await expect(by("venue-0-status")).toHaveText("active");
    await page.screenshot({ path: join(shots, "overview.png"), fullPage: true });
  });

  await test.step("connect the burner wallet", async () => {
    await by("connect-wallet").click();
    await page.getByTestId(/^wallet-Local burner/).click();
    await expect(by("wallet-address")).toBeVisible();
    await ok(page, "faucet");
  });

  await test.step("deposit: preview by simulation, then the share balance appears", async () => {
    await by("tab-deposit").click();
    await expect(by("wallet-collateral")).toContainText("100");
    expect(amount(await text(page, "share-balance")), "a new wallet holds no shares").toBe(0);
    await by("deposit-amount").fill("12.5");
    await expect(by("deposit-preview")).toContainText("You receive");
    const preview = await text(page, "deposit-preview");
    await ok(page, "deposit-submit");
    await expect.poll(async () => amount(await text(page, "share-balance"))).toBeGreaterThan(0);
    const shares = amount(await text(page, "share-balance"));
    const previewed = Number(preview.match(/≈ ([0-9.,]+)/)![1].replace(/,/g, ""));
    expect(Math.abs(shares - previewed), `shares ${shares} vs preview ${previewed}`).toBeLessThanOrEqual(previewed * 0.005);
    await page.screenshot({ path: join(shots, "deposit.png"), fullPage: true });
  });

  await test.step("request a withdrawal, advance time, complete it", async () => {
    const before = amount(await text(page, "wallet-collateral"));
    await by("withdraw-shares").fill("5");
    await ok(page, "withdraw-request");
    await expect(by("pending-withdrawal")).toBeVisible();
    expect(await text(page, "withdraw-countdown"), "a new request is not ready").not.toBe("ready");
    await expect(by("withdraw-complete"), "complete waits for the countdown").toBeDisabled();
    await page.screenshot({ path: join(shots, "withdraw-pending.png"), fullPage: true });
    await advanceUntil(page, "withdraw-countdown", "ready");
    await ok(page, "withdraw-complete");
    await expect(by("withdraw-shares")).toBeVisible();
    await expect.poll(async () => amount(await text(page, "wallet-collateral"))).toBeGreaterThan(before);
  });

  await test.step("governance: two-step authority transfer to this wallet", async () => {
    await by("tab-governance").click();
    await ok(page, "sim-propose-me");
    await expect(by("accept-authority")).toBeVisible();
    await ok(page, "accept-authority");
    await expect(by("my-role")).toHaveText("the authority");
  });

  await test.step("queue a change: out-of-bounds values are refused with the program's error", async () => {
    await by("param-deltaBandBps").fill("0");
    await expect(by("param-deltaBandBps-error")).toContainText("DeltaBandOutOfBounds");
    await expect(by("queue-change"), "queue is disabled while invalid").toBeDisabled();
    await by("param-deltaBandBps").fill("650");
    await ok(page, "queue-change");
    await expect(by("queued-diff")).toContainText("650");
  });

  await test.step("apply too early: rejected with a readable error", async () => {
    await by("apply-change").click();
    await expect(by("apply-change-error")).toContainText("The timelock has not elapsed");
    await page.screenshot({ path: join(shots, "governance-early.png"), fullPage: true });
  });

  await test.step("advance past the timelock and apply", async () => {
    await advanceUntil(page, "timelock-left", "elapsed");
    await ok(page, "apply-change");
    await expect(by("queued-change")).toContainText("Nothing queued");
    await expect(by("params")).toContainText("650 (6.5 %)");
    await page.screenshot({ path: join(shots, "governance.png"), fullPage: true });
  });

  await test.step("pause deposits: the preview is refused with a readable error; unpause", async () => {
    await by("pause-DEPOSIT").check();
    await ok(page, "save-pause");
    await by("tab-deposit").click();
    await by("deposit-amount").fill("1");
    await expect(by("deposit-preview-error")).toContainText("This instruction is paused");
    await expect(by("deposit-submit")).toBeDisabled();
    await by("tab-governance").click();
    await by("pause-DEPOSIT").uncheck();
    await ok(page, "save-pause");
    await by("tab-deposit").click();
    await by("deposit-amount").fill("2");
    await expect(by("deposit-preview")).toContainText("You receive");
  });

  await test.step("phone layout", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await by("tab-overview").click();
    await expect(by("nav-per-share")).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, "the phone layout does not scroll sideways").toBeLessThanOrEqual(1);
    await page.screenshot({ path: join(shots, "phone.png"), fullPage: true });
  });

  expect(pageErrors, "uncaught page errors").toEqual([]);
});
