// The live session's own path for a ccxt exchange: SKEWDESK_VENUE=ccxt:binance in the environment opens
// the ccxt adapter, loads the market's grid, arms the watchdog dead-man (Binance spot has none of its
// own) and the desk starts disarmed — against the fake Binance, with the database in memory (PGlite).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { liveConfigFromEnv } from "@/server/config/live-config";
import { openLiveSession } from "@/server/runner/open-live-session";
import { CcxtVenue } from "@/server/venue/ccxt";
import { until } from "../fakes/binance/harness";
import { TEST_API_KEY, TEST_API_SECRET, startFakeBinance } from "../fakes/binance/server";
import { scratchDataDirs } from "@/tests/support/databases";

const newDataDir = scratchDataDirs("binance-session");

test("SKEWDESK_VENUE=ccxt:binance opens a disarmed live desk on the ccxt adapter with the watchdog dead-man armed", async () => {
  const fake = await startFakeBinance();
  const lines: string[] = [];
  try {
    const live = liveConfigFromEnv({ SKEWDESK_VENUE: "ccxt:binance", SKEWDESK_VENUE_NETWORK: "mainnet", SKEWDESK_VENUE_URL: fake.url, SKEWDESK_VENUE_WS_URL: fake.wsUrl, SKEWDESK_VENUE_SYMBOL: "ETH/USDT", SKEWDESK_CCXT_API_KEY: TEST_API_KEY, SKEWDESK_CCXT_SECRET: TEST_API_SECRET, SKEWDESK_DEADMAN_MS: "3000", SKEWDESK_CCXT_BASE_RESERVE: "10" });
    const s = await openLiveSession({ live, db: { dataDir: newDataDir() }, journalDir: mkdtempSync(join(tmpdir(), "skewdesk-cex-session-")), log: (l) => lines.push(l) });
    try {
      assert.ok(s.venue instanceof CcxtVenue);
      const v = s.venue;
      assert.equal(v.market.symbol, "ETH/USDT");
      assert.equal(v.market.tickSize.toString(), "0.01");
      assert.equal(v.market.lotSize.toString(), "0.0001");
      assert.equal((await v.fetchPosition()).qty.toString(), "0", "the 10 ETH reserve is not the desk's inventory");
      await s.runner.tick(Date.now());
      assert.deepEqual(fake.engine.openOrders(fake.user), [], "disarmed: nothing quoted");
      assert.equal(v.deadman.kind, "watchdog");
      const beats = v.deadman.refreshes;
      await until("heartbeats to keep going", () => v.deadman.refreshes > beats, 10_000);
    } finally {
      await s.close("test");
    }
    assert.ok(lines.some((l) => l.startsWith("live: ccxt:binance mainnet")), lines.join("\n"));
    const all = lines.join("\n");
    assert.ok(!all.includes(TEST_API_SECRET) && !all.includes(TEST_API_KEY), "neither key nor secret is ever logged");
  } finally {
    await fake.close();
  }
});

test("a spot account's own holding of the base asset: refused at start with the reserve to set, flat once set, and a reserve larger than the holding refused", async () => {
  const fake = await startFakeBinance({ balances: { USDT: "100000", ETH: "2.5" } });
  const env = { SKEWDESK_VENUE: "ccxt:binance", SKEWDESK_VENUE_NETWORK: "mainnet", SKEWDESK_VENUE_URL: fake.url, SKEWDESK_VENUE_WS_URL: fake.wsUrl, SKEWDESK_VENUE_SYMBOL: "ETH/USDT", SKEWDESK_CCXT_API_KEY: TEST_API_KEY, SKEWDESK_CCXT_SECRET: TEST_API_SECRET, SKEWDESK_DEADMAN_MS: "0" };
  const open = (extra: Record<string, string>) => openLiveSession({ live: liveConfigFromEnv({ ...env, ...extra }), db: { dataDir: newDataDir() }, journalDir: mkdtempSync(join(tmpdir(), "skewdesk-cex-reserve-")) });
  try {
    // Before: the desk took the 2.5 ETH for its own inventory, found a mismatch with its books and halted.
    await assert.rejects(open({}), (e: Error) => {
      assert.match(e.message, /the account holds 2\.5 ETH, and this strategy has never traded: set SKEWDESK_CCXT_BASE_RESERVE=2\.5/);
      return true;
    });
    await assert.rejects(open({ SKEWDESK_CCXT_BASE_RESERVE: "1" }), /holds 2\.5 ETH, 1\.5 beyond SKEWDESK_CCXT_BASE_RESERVE=1/);
    await assert.rejects(open({ SKEWDESK_CCXT_BASE_RESERVE: "3" }), /holds 2\.5 ETH, less than the reserve SKEWDESK_CCXT_BASE_RESERVE=3/);
    const s = await open({ SKEWDESK_CCXT_BASE_RESERVE: "2.5" });
    try {
      assert.equal((await s.venue.fetchPosition()).qty.toString(), "0");
      assert.equal(s.runner.status().riskState, "ACTIVE", "flat and in agreement with the venue: nothing to halt for");
      assert.deepEqual(fake.engine.openOrders(fake.user), []);
    } finally {
      await s.close("test");
    }
  } finally {
    await fake.close();
  }
});
