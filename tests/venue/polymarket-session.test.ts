// The live session's own path for Polymarket: SKEWDESK_VENUE=polymarket in the environment opens the
// Polymarket adapter (API key derived with an L1 signature, heartbeats on), loads the token's grid, and
// the desk starts disarmed — against the fake CLOB, with the database in memory (PGlite).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { liveConfigFromEnv } from "@/server/config/live-config";
import { openLiveSession } from "@/server/runner/open-live-session";
import { PolymarketVenue } from "@/server/venue/polymarket";
import { CONDITION_ID, TEST_PRIVATE_KEY, YES_TOKEN, startFakePolymarket } from "../fakes/polymarket/server";
import { scratchDataDirs } from "@/tests/support/databases";

const newDataDir = scratchDataDirs("polymarket-session");

test("SKEWDESK_VENUE=polymarket opens a disarmed live desk on the Polymarket adapter with heartbeats", async () => {
  const fake = await startFakePolymarket({ startShares: 0 });
  const lines: string[] = [];
  try {
    const live = liveConfigFromEnv({ SKEWDESK_VENUE: "polymarket", SKEWDESK_VENUE_NETWORK: "mainnet", SKEWDESK_VENUE_URL: fake.url, SKEWDESK_POLYMARKET_TOKEN_ID: YES_TOKEN, SKEWDESK_POLYMARKET_CONDITION_ID: CONDITION_ID, SKEWDESK_VENUE_SYMBOL: "FAKE/YES", SKEWDESK_POLYMARKET_KEY: TEST_PRIVATE_KEY, SKEWDESK_DEADMAN_MS: "1000" });
    const s = await openLiveSession({ live, db: { dataDir: newDataDir() }, journalDir: mkdtempSync(join(tmpdir(), "skewdesk-pm-session-")), log: (l) => lines.push(l) });
    try {
      assert.ok(s.venue instanceof PolymarketVenue);
      assert.equal(s.venue.market.symbol, "FAKE/YES");
      assert.equal(s.venue.market.tickSize.toString(), "0.01");
      assert.equal(s.venue.market.maxPrice.toString(), "0.99");
      assert.equal(fake.creds.size, 1, "an API key was created with an L1 signature");
      await s.runner.tick(Date.now());
      assert.equal([...fake.engine.orders.values()].filter((o) => o.owner !== "house").length, 0, "disarmed: nothing quoted");
      const beats = (s.venue as PolymarketVenue).heartbeat.beats;
      await new Promise((r) => setTimeout(r, 50));
      const until = Date.now() + 10_000;
      while ((s.venue as PolymarketVenue).heartbeat.beats <= beats && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      assert.ok((s.venue as PolymarketVenue).heartbeat.beats > beats, "heartbeats keep going");
    } finally {
      await s.close("test");
    }
    assert.ok(lines.some((l) => l.startsWith("live: polymarket mainnet")));
    assert.ok(!lines.join("\n").includes(TEST_PRIVATE_KEY.slice(2)), "the key is never logged");
    assert.deepEqual(fake.authFailures, []);
  } finally {
    await fake.close();
  }
});
