// The skew lab in the browser, on the real desk (runs stored in its embedded database through the runner
// host): an operator sets up a small sweep from the page, watches it run, and sees the table and the heatmap;
// a bad grid is refused on the page before anything is sent. Screenshots go to test-artifacts/.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { LabRunDTO, LabRunSummaryDTO } from "@/lib/lab/types";
import type { DeskOverviewDTO } from "@/lib/desk";
import type { ParamVersionDTO } from "@/lib/events";
import { apiGet, artifactPath, chromiumPath, eventually, launchBrowser, login, newPage, startServer, type RunningServer } from "./support";

describe("the lab page runs a small sweep (real desk)", { timeout: 300_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    chromiumPath();
    server = await startServer({ kind: "real" });
    browser = await launchBrowser();
    ({ context, page } = await newPage(browser, 1400, 1000));
    await login(page, server);
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  test("from the navigation to the table and heatmap", async () => {
    // The main navigation links the lab; the page is opened directly (the desk page's live charts are heavy
    // on a loaded machine, and clicking through them is not what this test is about).
    assert.equal(await page.getAttribute('[data-testid="nav-lab"]', "href"), "/lab");
    await page.goto(`${server.url}/lab`);
    await page.waitForSelector('[data-testid="lab-form"]');

    // A bad range is explained on the page and Run stays off.
    await page.fill('[data-testid="lab-values-1"]', "0.1:1");
    await page.waitForSelector('[data-testid="lab-grid-error"]');
    assert.match((await page.textContent('[data-testid="lab-grid-error"]')) ?? "", /a range is from:to:step/);
    assert.equal(await page.isDisabled('[data-testid="lab-run"]'), true);

    // Three modes × three factors × two seeds of one simulated minute.
    await page.fill('[data-testid="lab-values-0"]', "linear,exponential,tiered");
    await page.fill('[data-testid="lab-values-1"]', "0.2:1:0.4");
    await page.fill('[data-testid="lab-seeds"]', "2");
    await page.selectOption('[data-testid="lab-regime"]', "volatile");
    await page.selectOption('[data-testid="lab-duration"]', "60000");
    assert.equal(await page.textContent('[data-testid="lab-count"]'), "9 parameter sets × 2 seeds = 18 simulations");
    await page.click('[data-testid="lab-run"]');

    // The run is listed while it works, then done; the page shows its table and heatmap.
    await page.waitForSelector('[data-testid="lab-run-item"]');
    await page.waitForSelector('[data-testid="lab-run-item"][data-status="done"]', { timeout: 180_000 });
    await page.waitForSelector('[data-testid="lab-table"]');
    assert.equal(await page.locator('[data-testid="lab-row"]').count(), 9);
    const firstRow = await page.locator('[data-testid="lab-row"]').first().textContent();
    assert.match(firstRow ?? "", /skewMode linear · skewFactor 0\.2/);
    const heat = page.locator('[data-testid="lab-heatmap"]');
    assert.equal(await heat.getAttribute("data-cells"), "9");
    assert.equal(await page.locator('[data-testid="lab-heat-cell"]').count(), 9);
    // The two best sets by PnL are overlaid to begin with.
    assert.equal(await page.locator('[data-testid="lab-path-pnl"]').getAttribute("data-lines"), "2");
    await page.screenshot({ path: artifactPath("lab-1400x1000-full.png"), fullPage: true });

    // What the page shows is what the desk stored.
    const runs = (await (await apiGet(page, `${server.url}/api/lab/runs`)).json()) as LabRunSummaryDTO[];
    assert.equal(runs.length, 1);
    const run = await eventually(
      "the stored run",
      async () => (await (await apiGet(page, `${server.url}/api/lab/run?id=${runs[0]!.id}`)).json()) as LabRunDTO,
      (r) => r.status === "done",
    );
    assert.equal(run.results.length, 9);
    assert.equal(run.createdBy, "operator");
    const cells = await page.locator('[data-testid="lab-row"]').first().locator("td").allTextContents();
    assert.equal(cells[2], run.results[0]!.pnl);

    // Apply to strategy: the first set (linear, 0.2) through the preview → new version flow, on the desk's
    // strategy; nothing changes before the confirmation.
    const desk = (await (await apiGet(page, `${server.url}/api/desk`)).json()) as DeskOverviewDTO;
    const target = desk.strategies[0]!;
    const paramsOf = async () => (await (await apiGet(page, `${server.url}/api/s/${target.id}/params`)).json()) as { current: ParamVersionDTO };
    const before = (await paramsOf()).current.version;
    await page.locator('[data-testid="lab-row"]').first().locator('[data-testid="lab-apply"]').click();
    await page.waitForSelector('[data-testid="lab-apply-dialog"]');
    assert.equal(await page.textContent('[data-testid="lab-apply-params"]'), "skewMode linear · skewFactor 0.2");
    // The dialog lists the desk's strategies once their read arrives; the preview is priced after it.
    await page.waitForSelector('[data-testid="lab-apply-preview"][data-state="ready"]', { timeout: 15_000 });
    assert.equal(await page.inputValue('[data-testid="lab-apply-target"]'), target.id);
    assert.equal((await paramsOf()).current.version, before, "a preview changes nothing");
    await page.screenshot({ path: artifactPath("lab-apply-preview.png") });
    await page.click('[data-testid="lab-apply-confirm"]');
    await page.waitForSelector('[data-testid="lab-apply-done"]', { timeout: 15_000 });
    const applied = (await paramsOf()).current;
    assert.equal(applied.version, before + 1);
    assert.equal(await page.textContent('[data-testid="lab-apply-version"]'), `v${applied.version}`);
    assert.equal(String(applied.params.skewMode), "linear");
    assert.equal(String(applied.params.skewFactor), "0.2");
    assert.match(applied.reason, /^lab: .+, set 1: skewMode=linear skewFactor=0\.2; mean PnL -?[\d.]+ over 2 runs$/);
    assert.equal(applied.changedBy, "operator");
    await page.click('[data-testid="lab-apply-close"]');

    // Meanwhile the desk recorded the market it trades: the lab offers the recording.
    const files = await eventually(
      "a recording of the desk's market",
      async () => (await (await apiGet(page, `${server.url}/api/lab/files`)).json()) as { source: string; file: string; bytes: number }[],
      (fs) => fs.some((f) => f.source === "recordings" && f.bytes > 0),
    );
    assert.match(files.find((f) => f.source === "recordings")!.file, /^recording-\d{8}T\d{6}\.jsonl$/);
  });
});
