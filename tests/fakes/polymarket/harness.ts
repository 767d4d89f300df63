// An adapter connected to a fresh fake Polymarket, for the contract and live-behaviour suites. Time on a
// live venue is the wall clock, so `settled` waits on what the system reports (every fill the fake made
// for us delivered to the adapter's listeners), never on a fixed sleep alone.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Decimal from "decimal.js";
import { parseStrategyParams } from "@/lib/strategy";
import { wallTime } from "@/server/runner/clock";
import { FillJournal } from "@/server/runner/fill-journal";
import { liveParamsPreset } from "@/server/runner/open-live-session";
import { Runner, defaultRunnerConfig, type RunnerConfig } from "@/server/runner/runner";
import { createMemoryStore, type JsonObject } from "@/server/store";
import { PolymarketVenue, type PolymarketConfig } from "@/server/venue/polymarket";
import { CONDITION_ID, TEST_PRIVATE_KEY, YES_TOKEN, startFakePolymarket, type FakeOptions, type FakePolymarket } from "./server";

export async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000, state?: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}${state ? ` (${state()})` : ""}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface Connected {
  fake: FakePolymarket;
  venue: PolymarketVenue;
  apiKey: string;
  delivered: Set<string>;
  /** Every fill the fake made for us has reached the adapter's listeners. */
  settled(): Promise<void>;
  /** Closes the adapter and the fake; fails if any request was refused for its authentication or signature. */
  close(): Promise<void>;
}

export async function connect(opts: { fake?: FakeOptions; venue?: Partial<PolymarketConfig>; fakeInstance?: FakePolymarket } = {}): Promise<Connected> {
  const fake = opts.fakeInstance ?? (await startFakePolymarket(opts.fake));
  const venue = await PolymarketVenue.open({ privateKey: TEST_PRIVATE_KEY, chainId: 137, restUrl: fake.url, tokenId: YES_TOKEN, conditionId: CONDITION_ID, symbol: "WILL-IT/YES", deadlineMs: 5_000, heartbeatMs: null, ...opts.venue });
  const apiKey = venue.http.creds!.key;
  const delivered = new Set<string>();
  venue.watchFills((f) => delivered.add(f.tradeId));
  const settled = async () => {
    const want = () => (fake.engine.tradesOf(apiKey).length ? venue.fetchMyTrades() : Promise.resolve([]));
    await until("our fills to be delivered", async () => (await want()).every((f) => delivered.has(f.tradeId)));
  };
  let closed = false;
  return {
    fake,
    venue,
    apiKey,
    delivered,
    settled,
    async close() {
      if (closed) return;
      closed = true;
      await venue.close();
      if (!opts.fakeInstance) await fake.close();
      assert.deepEqual(fake.authFailures, [], "no request may fail the venue's authentication or signature checks");
    },
  };
}

/** A runner on the adapter, in memory, with the probability market's parameters and a far periodic reconciliation. */
export async function runnerOn(c: Connected, name: string, config: Partial<RunnerConfig> = {}): Promise<Runner> {
  const store = createMemoryStore();
  const m = c.venue.market;
  const strategy = await store.ensureStrategy({ name, market: m.symbol, symbol: m.symbol, venue: "polymarket", mode: "live", initialParams: parseStrategyParams(liveParamsPreset(m)) as unknown as JsonObject });
  const journal = new FillJournal(join(mkdtempSync(join(tmpdir(), "skewdesk-pm-")), "fills.journal"), false);
  const runner = new Runner({ venue: c.venue, store, strategy, market: m, time: wallTime, journal, config: { ...defaultRunnerConfig(200), reconcileEveryMs: 3_600_000, reconcileTolerance: new Decimal("0.0001"), ...config } });
  await runner.open();
  return runner;
}
