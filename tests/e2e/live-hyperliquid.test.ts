// The product in live mode, in a browser, against the fake Hyperliquid: `server/main.ts` as `npm start`
// runs it, the real runner worker and the embedded database. The operator signs in, sees LIVE, arms the
// desk, sees our quotes rest in the fake's book, tunes the spread and sees the fake's book change, and
// presses the emergency close, after which the fake reports a flat position. Every wait is on a state the
// system reports (the desk's status, the fake's book and position), with a generous bounded deadline
// (WAIT): on a loaded machine the desk is slower, never different.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Decimal from "decimal.js";
import type { Browser, Page } from "playwright-core";
import type { StatusDTO } from "@/lib/events";
import { TEST_PRIVATE_KEY, startFakeHyperliquid, type FakeHyperliquid } from "../fakes/hyperliquid/server";
import { apiGet, artifactPath, eventually, launchBrowser, login, newPage, startServer, type RunningServer } from "./support";

const WAIT = 90_000;

describe("live mode on the fake Hyperliquid, in the browser", () => {
  let fake: FakeHyperliquid;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let user: string;
  const ours = () => fake.engine.openOrders(user);
  const status = async (): Promise<StatusDTO> => {
    const r = await apiGet(page, `${server.url}/api/status`);
    assert.equal(r.status(), 200, await r.text());
    return (await r.json()) as StatusDTO;
  };
  /** One quote of ours on each side of the fake's book, and the desk reporting both as resting. */
  const quotingBothSides = (what: string) =>
    eventually(what, async () => ({ venue: new Set(ours().map((o) => o.side)), desk: await status() }), (v) => v.venue.has("B") && v.venue.has("A") && ours().length === 2 && v.desk.ourBid !== null && v.desk.ourAsk !== null, WAIT);

  before(async () => {
    // The house quotes $10 either side of 2000: our quotes (the strategy's spread is at most $6 wide) are
    // the best bid and ask, so another trader's order reaches ours first.
    fake = await startFakeHyperliquid({ houseHalfSpreadTicks: 100, houseSize: "1" });
    user = fake.users[0]!;
    const dir = mkdtempSync(join(tmpdir(), "skewdesk-e2e-live-"));
    const keyFile = join(dir, "hl.key");
    writeFileSync(keyFile, `${TEST_PRIVATE_KEY}\n`, { mode: 0o600 });
    chmodSync(keyFile, 0o600);
    server = await startServer({
      kind: "real",
      env: {
        SKEWDESK_MODE: "live",
        SKEWDESK_AUTH_SECRET: "c0ffee51e7a9b3d8e2f4a6c1b5d9e7f3a0b2c4d6e8f1",
        SKEWDESK_VENUE: "hyperliquid",
        SKEWDESK_VENUE_NETWORK: "mainnet",
        SKEWDESK_VENUE_URL: fake.url,
        SKEWDESK_VENUE_SYMBOL: "ETH/USDC:USDC",
        SKEWDESK_HYPERLIQUID_WALLET: user,
        SKEWDESK_HYPERLIQUID_KEY_FILE: keyFile,
        SKEWDESK_TICK_MS: "200",
      },
      // A loaded machine opens the embedded database and the venue slowly: bounded, but generous.
      readyTimeoutMs: 240_000,
    });
    browser = await launchBrowser();
    ({ page } = await newPage(browser, 1440, 1000));
    await login(page, server);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await fake?.close();
  });

  test("LIVE is shown and nothing is quoted until the operator arms the desk", async () => {
    assert.equal(await page.getAttribute('[data-testid="mode-banner"]', "data-mode"), "live");
    assert.match((await page.textContent('[data-testid="mode-banner"]')) ?? "", /LIVE TRADING/);
    await page.waitForSelector('[data-testid="arm-live"]', { timeout: WAIT });
    await eventually("the desk ticking, disarmed", status, (s) => s.armed === false && s.lastTickAt !== null, WAIT);
    assert.equal(ours().length, 0);
    await page.screenshot({ path: artifactPath("e2e-live-disarmed.png") });
    await page.click('[data-testid="control-arm"]');
    await eventually("the desk armed", status, (s) => s.armed === true, WAIT);
    await quotingBothSides("our quotes on both sides of the fake's book");
    await eventually("the arm panel gone", async () => page.locator('[data-testid="arm-live"]').count(), (n) => n === 0, WAIT);
    await page.screenshot({ path: artifactPath("e2e-live-armed.png") });
  });

  test("tuning the maximum spread moves our quotes in the fake's book", async () => {
    const width = () => {
      const o = ours();
      const bid = o.find((x) => x.side === "B")?.px;
      const ask = o.find((x) => x.side === "A")?.px;
      return bid && ask && o.length === 2 ? ask.sub(bid) : null;
    };
    await quotingBothSides("one quote each side");
    const before = await eventually("one quote each side", async () => width(), (w) => w !== null, WAIT);
    const version = (await status()).paramVersion;
    const maxSpread = new Decimal((await page.inputValue('[data-testid="param-maxSpread"]')).trim());
    await page.fill('[data-testid="param-maxSpread"]', maxSpread.mul(2).toString());
    await page.fill('[data-testid="tuning-reason"]', "e2e live: wider spread");
    await page.click('[data-testid="tuning-apply"]');
    await page.waitForSelector('[data-testid="tuning-applied"]', { timeout: WAIT });
    // The desk says the new version placed the quotes resting now; the fake's book shows them.
    await eventually("the new version quoting", status, (s) => s.paramVersion > version && s.quotesParamVersion === s.paramVersion, WAIT);
    await eventually("the fake's book to show our wider quotes", async () => width(), (w) => w !== null && w.gt(before!), WAIT);
  });

  test("the emergency close flattens the position at the venue", async () => {
    // Another trader sells into our bid: we are long on the fake. (A bid being re-quoted at that moment is
    // not there to hit: the sale waits for one that rests.)
    await eventually(
      "a long position on the fake",
      async () => {
        const bid = ours().find((o) => o.side === "B");
        if (bid && fake.engine.position(user, "ETH").isZero()) fake.engine.externalTrade("ETH", "A", bid.sz.toString());
        return fake.engine.position(user, "ETH");
      },
      (p) => p.gt(0),
      WAIT,
    );
    const long = fake.engine.position(user, "ETH").toString();
    await eventually("the desk to book it", status, (s) => s.inventory === long, WAIT);
    await eventually("the dashboard to show it", async () => page.getAttribute('[data-testid="inventory"]', "data-value"), (v) => v !== null && new Decimal(v).gt(0), WAIT);
    await page.click('[data-testid="emergency-open"]');
    await page.waitForSelector('[data-testid="emergency-side"]', { timeout: WAIT });
    assert.equal((await page.textContent('[data-testid="emergency-side"]'))?.trim(), "SELL");
    await page.fill('[data-testid="emergency-confirm-input"]', "close");
    await page.click('[data-testid="emergency-confirm"]');
    await page.waitForSelector('[data-testid="emergency-outcome"]', { timeout: WAIT });
    await page.screenshot({ path: artifactPath("e2e-live-emergency.png") });
    await eventually("a flat position at the venue", async () => fake.engine.position(user, "ETH").toString(), (p) => p === "0", WAIT);
    await eventually("no order of ours resting", async () => ours().length, (n) => n === 0, WAIT);
    await eventually("the desk flat too", status, (s) => new Decimal(s.inventory).isZero(), WAIT);
    assert.deepEqual(fake.exchange.forbidden, [], "no builder fee, referrer or approval ever sent");
  });
});
