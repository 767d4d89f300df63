// The product in live mode, in a browser, on a fake binary market: `server/main.ts` as `npm start` runs it
// (the real runner worker, the embedded database) against the fake Polymarket CLOB and a fake Polygon
// JSON-RPC endpoint over the same accounts. The operator arms the desk and both tokens are quoted; other
// traders sell into our YES and NO bids; the dashboard proposes a merge with its amount and the collateral
// it frees; the operator types MERGE and confirms; the chain receives ConditionalTokens.mergePositions, and
// the dashboard shows both inventories down and the collateral up. Every wait is on a state the system
// reports, with a generous bounded deadline.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Decimal from "decimal.js";
import type { Browser, Page } from "playwright-core";
import type { AuditPageDTO, EmergencyPreviewDTO, StatusDTO } from "@/lib/events";
import { CONDITION_ID, NO_TOKEN, TEST_PRIVATE_KEY, YES_TOKEN, startFakePolymarket, type FakePolymarket } from "../fakes/polymarket/server";
import { startFakeChain, type FakeChain } from "../fakes/polymarket/chain";
import { apiGet, artifactPath, eventually, launchBrowser, login, newPage, startServer, type RunningServer } from "./support";

const WAIT = 90_000;

describe("live mode on a fake Polymarket binary market: the YES/NO pair and a merge, in the browser", () => {
  let fake: FakePolymarket;
  let chain: FakeChain;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const apiKey = () => [...fake.creds.keys()][0]!;
  const ours = (token: string) => [...fake.engine.orders.values()].filter((o) => o.owner === apiKey() && o.status === "LIVE" && o.tokenId === token);
  const shares = (token: string) => new Decimal((fake.engine.accounts.get(apiKey())?.tokens.get(token) ?? 0n).toString()).div(1_000_000);
  const pusd = () => new Decimal((fake.engine.accounts.get(apiKey())?.collateral ?? 0n).toString()).div(1_000_000);
  const status = async (): Promise<StatusDTO> => {
    const r = await apiGet(page, `${server.url}/api/status`);
    assert.equal(r.status(), 200, await r.text());
    return (await r.json()) as StatusDTO;
  };
  /** Another trader sells into our bid on `token` (one that rests), until the desk books the shares. */
  const sellInto = (token: string, leg: "yes" | "no") =>
    eventually(
      `a fill on ${leg.toUpperCase()} booked`,
      async () => {
        const bid = ours(token).find((o) => o.side === "BUY");
        if (bid && shares(token).isZero()) fake.engine.externalTrade(token, "SELL", bid.size.minus(bid.matched).toString());
        return (await status()).pair!;
      },
      (p) => new Decimal(p[leg].inventory).gt(0) && new Decimal(p[leg].inventory).eq(shares(token)),
      WAIT,
    );

  before(async () => {
    fake = await startFakePolymarket({ startShares: 0 });
    chain = await startFakeChain(fake.engine);
    const dir = mkdtempSync(join(tmpdir(), "skewdesk-e2e-pair-"));
    const keyFile = join(dir, "pm.key");
    writeFileSync(keyFile, `${TEST_PRIVATE_KEY}\n`, { mode: 0o600 });
    chmodSync(keyFile, 0o600);
    server = await startServer({
      kind: "real",
      env: {
        SKEWDESK_MODE: "live",
        SKEWDESK_AUTH_SECRET: "c0ffee51e7a9b3d8e2f4a6c1b5d9e7f3a0b2c4d6e8f1",
        SKEWDESK_VENUE: "polymarket",
        SKEWDESK_VENUE_NETWORK: "mainnet",
        SKEWDESK_VENUE_URL: fake.url,
        SKEWDESK_VENUE_SYMBOL: "FAKE/YES",
        SKEWDESK_POLYMARKET_TOKEN_ID: YES_TOKEN,
        SKEWDESK_POLYMARKET_NO_TOKEN_ID: NO_TOKEN,
        SKEWDESK_POLYMARKET_CONDITION_ID: CONDITION_ID,
        SKEWDESK_POLYMARKET_RPC_URL: chain.url,
        SKEWDESK_POLYMARKET_KEY_FILE: keyFile,
        SKEWDESK_TICK_MS: "200",
      },
      readyTimeoutMs: 240_000,
    });
    browser = await launchBrowser();
    ({ page } = await newPage(browser, 1440, 1200));
    await login(page, server);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await chain?.close();
    await fake?.close();
  });

  test("arming quotes both tokens of the market", async () => {
    await page.waitForSelector('[data-testid="pair-panel"]', { timeout: WAIT });
    await page.waitForSelector('[data-testid="arm-live"]', { timeout: WAIT });
    await eventually("the pair ticking, disarmed", status, (s) => s.armed === false && s.lastTickAt !== null && s.pair?.no.symbol === "FAKE/NO", WAIT);
    assert.equal(ours(YES_TOKEN).length + ours(NO_TOKEN).length, 0, "disarmed: nothing quoted on either token");
    await page.click('[data-testid="control-arm"]');
    await eventually("the desk armed", status, (s) => s.armed === true, WAIT);
    const alerts = async () => ((await (await apiGet(page, `${server.url}/api/alerts`)).json()) as { message: string }[]).map((a) => a.message);
    await eventually(
      "bids on YES and on NO",
      async () => ({ yes: ours(YES_TOKEN).length, no: ours(NO_TOKEN).length, status: await status(), alerts: await alerts() }),
      () => ours(YES_TOKEN).some((o) => o.side === "BUY") && ours(NO_TOKEN).some((o) => o.side === "BUY"),
      WAIT,
    );
    await eventually("the dashboard showing both bids", async () => [await page.textContent('[data-testid="pair-yes-bid"]'), await page.textContent('[data-testid="pair-no-bid"]')], (b) => b.every((x) => x !== null && x.trim() !== "—"), WAIT);
    await page.screenshot({ path: artifactPath("e2e-pair-quoting.png") });
  });

  test("both positions reach the threshold, the merge is proposed, the operator merges, inventory and collateral change", async () => {
    await sellInto(YES_TOKEN, "yes");
    const p = await sellInto(NO_TOKEN, "no");
    const q = Decimal.min(p.yes.inventory, p.no.inventory);
    await page.waitForSelector('[data-testid="merge-proposal"]', { timeout: WAIT });
    await eventually("the proposal's amount on the page", async () => page.getAttribute('[data-testid="merge-amount"]', "data-value"), (v) => v === q.toString(), WAIT);
    assert.equal(await page.getAttribute('[data-testid="merge-collateral"]', "data-value"), q.toString(), "q YES + q NO free q pUSD");
    // The desk reads the pUSD balance every few seconds: wait for its reading of the fake's balance after the buys.
    const before = await eventually("the collateral read after the buys", status, (s) => s.pair!.collateral === pusd().toString(), WAIT);
    const cash0 = new Decimal(before.pair!.collateral!);
    const [yes0, no0] = [new Decimal(before.pair!.yes.inventory), new Decimal(before.pair!.no.inventory)];
    await page.screenshot({ path: artifactPath("e2e-pair-proposed.png") });

    await page.click('[data-testid="merge-open"]');
    await page.waitForSelector('[data-testid="merge-dialog"]', { timeout: WAIT });
    assert.equal(await page.isDisabled('[data-testid="merge-confirm"]'), true, "nothing is sent before MERGE is typed");
    await page.fill('[data-testid="merge-confirm-input"]', "merge");
    await page.click('[data-testid="merge-confirm"]');
    // The outcome (or the server's refusal) is shown in the dialog; a refusal fails with its message.
    try {
      await page.waitForSelector('[data-testid="merge-result"], [data-testid="merge-dialog"] [role="alert"]', { timeout: WAIT });
    } catch (err) {
      await page.screenshot({ path: artifactPath("e2e-pair-merge-dialog.png") });
      throw new Error(`${(err as Error).message}\nstatus: ${JSON.stringify((await status()).pair?.merge)}\nchain: ${JSON.stringify({ merges: chain.merges.length, refused: chain.refused, reads: chain.balanceReads })}\nserver: ${server.output().slice(-4000)}`);
    }
    await page.screenshot({ path: artifactPath("e2e-pair-merge-dialog.png") });
    const shown = await page.textContent('[data-testid="merge-dialog"]');
    assert.equal(await page.getAttribute('[data-testid="merge-result"]', "data-done", { timeout: 1_000 }).catch(() => null), "true", shown ?? "");
    await page.click('[data-testid="merge-close"]');

    assert.equal(chain.merges.length, 1);
    assert.equal(chain.merges[0]!.amount, BigInt(q.mul(1_000_000).toFixed(0)));
    assert.equal(chain.merges[0]!.mined, true);
    assert.deepEqual(chain.refused, []);
    const after = await eventually("the merge booked and the collateral read", status, (s) => s.pair!.merge.mergedTotal === q.toString() && s.pair!.collateral === cash0.add(q).toString(), WAIT);
    assert.equal(after.pair!.yes.inventory, yes0.sub(q).toString());
    assert.equal(after.pair!.no.inventory, no0.sub(q).toString());
    await eventually("the page showing inventories down and collateral up", async () => [await page.getAttribute('[data-testid="pair-yes-inventory"]', "data-value"), await page.getAttribute('[data-testid="pair-no-inventory"]', "data-value"), await page.getAttribute('[data-testid="pair-collateral"]', "data-value")], ([y, n, c]) => y === yes0.sub(q).toString() && n === no0.sub(q).toString() && c === cash0.add(q).toString(), WAIT);
    await page.waitForSelector('[data-testid="merge-outcome"][data-done="true"]', { timeout: WAIT });
    await page.screenshot({ path: artifactPath("e2e-pair-merged.png") });
    // The operator's merge is in the audit trail, under their name.
    const r = await apiGet(page, `${server.url}/api/audit?kind=pair`);
    const audit = (await r.json()) as AuditPageDTO;
    assert.ok(audit.rows.some((a) => a.action === "pair.merge" && a.actor === server.username), JSON.stringify(audit.rows));
    assert.notEqual(after.reconciliation?.state, "mismatch", "the venue's balance agrees with the desk's books after the merge");
  });

  test("the emergency close previews both legs it would flatten, each named, before anything is sent", async () => {
    // One more YES fill: YES is then long and NO flat, so the two legs differ.
    const p = await sellInto(YES_TOKEN, "yes");
    const r = await apiGet(page, `${server.url}/api/emergency-close/preview`);
    assert.equal(r.status(), 200, await r.text());
    const preview = (await r.json()) as EmergencyPreviewDTO;
    assert.equal(preview.symbol, "FAKE/YES");
    assert.deepEqual(preview.otherLegs?.map((l) => l.symbol), ["FAKE/NO"]);
    assert.equal(preview.inventory, p.yes.inventory);

    await page.click('[data-testid="emergency-open"]');
    await page.waitForSelector('[data-testid="emergency-leg"][data-symbol="FAKE/NO"]', { timeout: WAIT });
    const legs = await page.$$eval('[data-testid="emergency-leg"]', (els) => els.map((e) => [e.getAttribute("data-symbol"), e.getAttribute("data-side"), e.getAttribute("data-amount")]));
    const yes = new Decimal(p.yes.inventory);
    const no = new Decimal(p.no.inventory);
    assert.deepEqual(legs, [
      ["FAKE/YES", yes.isZero() ? "" : "sell", yes.toString()],
      ["FAKE/NO", no.isZero() ? "" : "sell", no.toString()],
    ]);
    await page.screenshot({ path: artifactPath("e2e-pair-emergency-preview.png") });
    await page.keyboard.press("Escape");
    await page.waitForSelector('[data-testid="emergency-dialog"]', { state: "detached", timeout: WAIT });
    assert.ok(ours(YES_TOKEN).length + ours(NO_TOKEN).length > 0, "closing the dialog sent nothing: the desk still quotes");
  });
});
