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

test("SKEWDESK_VENUE=ccxt:binance opens a disarmed live desk on the ccxt adapter with the watchdog dead-man armed", async () => {
  const fake = await startFakeBinance();
  const lines: string[] = [];
  try {
    const live = liveConfigFromEnv({ SKEWDESK_VENUE: "ccxt:binance", SKEWDESK_VENUE_NETWORK: "mainnet", SKEWDESK_VENUE_URL: fake.url, SKEWDESK_VENUE_WS_URL: fake.wsUrl, SKEWDESK_VENUE_SYMBOL: "ETH/USDT", SKEWDESK_CCXT_API_KEY: TEST_API_KEY, SKEWDESK_CCXT_SECRET: TEST_API_SECRET, SKEWDESK_DEADMAN_MS: "3000" });
    const s = await openLiveSession({ live, db: { dataDir: "memory://" }, journalDir: mkdtempSync(join(tmpdir(), "skewdesk-cex-session-")), log: (l) => lines.push(l) });
    try {
      assert.ok(s.venue instanceof CcxtVenue);
      const v = s.venue;
      assert.equal(v.market.symbol, "ETH/USDT");
      assert.equal(v.market.tickSize.toString(), "0.01");
      assert.equal(v.market.lotSize.toString(), "0.0001");
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
