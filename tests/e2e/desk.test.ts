// Issue 12, item 3, in a browser against the real desk: the overview lists the strategy a fresh desk starts
// with; an operator creates a second from the form (a bad seed is named at its field first) and sees both
// trade, live, on the overview; the new strategy's page is its own dashboard; a viewer sees the rows and no
// controls. Screenshots go to test-artifacts/desk-*.png.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { DeskOverviewDTO } from "@/lib/desk";
import type { StatusDTO } from "@/lib/events";
import { apiGet, artifactPath, chromiumPath, eventually, launchBrowser, login, newPage, startServer, type RunningServer } from "./support";

const VIEWER_PASSWORD = "desk-e2e-viewer-pass";

describe("the desk overview in a browser (real desk)", { timeout: 300_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  const get = async <T>(path: string): Promise<T> => {
    const r = await apiGet(page, `${server.url}${path}`);
    assert.equal(r.status(), 200, `GET ${path}: ${await r.text()}`);
    return (await r.json()) as T;
  };

  before(async () => {
    chromiumPath();
    server = await startServer({ kind: "real", env: { SKEWDESK_TICK_MS: "250", SKEWDESK_REGIME: "volatile", SKEWDESK_VIEWER_PASSWORD: VIEWER_PASSWORD } });
    browser = await launchBrowser();
    ({ context, page } = await newPage(browser, 1400, 900));
    await login(page, server);
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  test("an operator creates a second strategy from the overview and sees both trade", async () => {
    await page.goto(`${server.url}/desk`);
    await page.waitForSelector('[data-testid="desk-row"]');
    assert.equal(await page.locator('[data-testid="desk-row"]').count(), 1, "a fresh desk: one paper strategy");

    await page.fill('[data-testid="new-name"]', "second");
    await page.selectOption('[data-testid="new-market"]', "probability");
    await page.fill('[data-testid="new-seed"]', "-3");
    await page.click('[data-testid="new-submit"]');
    await page.waitForSelector('[data-testid="error-settings.seed"]');
    assert.equal(await page.locator('[data-testid="desk-row"]').count(), 1, "a refused form creates nothing");

    await page.fill('[data-testid="new-seed"]', "11");
    await page.selectOption('[data-testid="new-regime"]', "volatile");
    await page.click('[data-testid="new-submit"]');
    await page.waitForSelector('[data-testid="desk-row"][data-name="second"]', { timeout: 60_000 });

    // Both trade: each strategy's fills, as the desk reports them, and its row live on the page.
    const overview = await get<DeskOverviewDTO>("/api/desk");
    assert.equal(overview.strategies.length, 2);
    for (const s of overview.strategies) {
      await eventually(`${s.name} trades`, () => get<unknown[]>(`/api/s/${s.id}/fills?limit=1`), (f) => f.length > 0, 120_000);
    }
    await eventually(
      "both rows show a recent tick",
      () => page.locator('[data-testid="desk-row"] td:nth-child(8)').allInnerTexts(),
      (ages) => ages.length === 2 && ages.every((a) => a.endsWith("ago")),
      30_000,
    );
    // The total adds both strategies' exposures, each in its own quote currency: the unit names both.
    assert.match(await page.locator('[data-testid="desk-exposure"]').innerText(), /^total position [\d.,]+ USD\+USDC at mark \(no cap\)$/);
    const deskNav = await page.locator('nav[aria-label="Pages"] a').allInnerTexts();
    assert.deepEqual(deskNav, ["Overview", "Default strategy", "Activity", "Lab"]);
    await page.waitForTimeout(3_000); // let the sparklines gather a few points for the screenshot
    await page.screenshot({ path: artifactPath("desk-overview-operator.png"), fullPage: true });

    // The new strategy's own page is today's dashboard about it.
    const second = overview.strategies.find((s) => s.name === "second")!;
    await page.click('[data-testid="desk-row"][data-name="second"] a');
    await page.waitForURL(`**/s/${second.id}`);
    const status = await eventually("its status", () => get<StatusDTO>(`/api/s/${second.id}/status`), (s) => s.strategy === "second", 30_000);
    await page.waitForSelector(`text=${status.market}`);
    await page.waitForSelector('[data-testid="connection"][data-state="live"]', { timeout: 30_000 });
    // Its charts draw its own history (the screenshot once caught them still loading).
    await eventually("the strategy's charts have points", () => page.getAttribute('[data-testid="chart-pnl"]', "data-points"), (n) => Number(n) >= 2, 30_000);
    await page.screenshot({ path: artifactPath("desk-strategy-page.png") });
    // Both pages name the same pages the same way (the strategy page once called the default strategy "Desk").
    assert.deepEqual(await page.locator('nav[aria-label="Pages"] a').allInnerTexts(), deskNav);
  });

  test("a viewer sees every strategy and no control", async () => {
    const viewer = await newPage(browser, 1400, 900);
    try {
      await login(viewer.page, { url: server.url, username: "viewer", password: VIEWER_PASSWORD });
      await viewer.page.goto(`${server.url}/desk`);
      await viewer.page.waitForSelector('[data-testid="desk-row"][data-name="second"]');
      assert.equal(await viewer.page.locator('[data-testid="desk-controls"]').count(), 0);
      assert.equal(await viewer.page.locator('[data-testid="create-strategy"]').count(), 0);
      assert.equal(await viewer.page.locator('[data-testid="row-pause"]').count(), 0);
      await viewer.page.screenshot({ path: artifactPath("desk-overview-viewer.png") });
    } finally {
      await viewer.context.close();
    }
  });
});
