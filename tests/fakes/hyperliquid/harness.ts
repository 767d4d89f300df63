// An adapter connected to a fresh fake Hyperliquid, for the contract and live-behaviour suites. Time on
// a live venue is the wall clock, so `advance` waits on what the system reports (every fill the fake
// made for us delivered to the adapter's listeners), never on a fixed sleep alone.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Decimal from "decimal.js";
import { parseStrategyParams } from "@/lib/strategy";
import { wallTime } from "@/server/runner/clock";
import { FillJournal } from "@/server/runner/fill-journal";
import { PAPER_MARKETS } from "@/server/runner/paper-market";
import type { Emit } from "@/server/runner/publisher";
import { Runner, defaultRunnerConfig, type RunnerConfig } from "@/server/runner/runner";
import { createMemoryStore, type JsonObject } from "@/server/store";
import { HyperliquidVenue, type HyperliquidConfig } from "@/server/venue/hyperliquid";
import { TEST_PRIVATE_KEY, startFakeHyperliquid, type FakeHyperliquid, type FakeOptions } from "./server";

export const SYMBOL = "ETH/USDC:USDC";

export async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface Connected {
  fake: FakeHyperliquid;
  venue: HyperliquidVenue;
  user: string;
  delivered: Set<string>;
  /** Every fill the fake made for us has reached the adapter's listeners. */
  settled(): Promise<void>;
  /** Closes the adapter and the fake; fails if a fee, referrer or approval action ever arrived. */
  close(): Promise<void>;
}

export async function connect(opts: { fake?: FakeOptions; venue?: Partial<HyperliquidConfig>; fakeInstance?: FakeHyperliquid } = {}): Promise<Connected> {
  const fake = opts.fakeInstance ?? (await startFakeHyperliquid(opts.fake));
  const user = fake.users[0]!;
  const venue = await HyperliquidVenue.open({
    walletAddress: user,
    privateKey: TEST_PRIVATE_KEY,
    network: "mainnet",
    restUrl: fake.url,
    symbol: SYMBOL,
    deadlineMs: 5_000,
    deadmanMs: null,
    // The fake has no request budget: keep ccxt's spacing short so suites do not crawl.
    rateLimitMs: 2,
    ...opts.venue,
  });
  const delivered = new Set<string>();
  venue.watchFills((f) => delivered.add(f.tradeId));
  const settled = () => until("our fills to be delivered", () => fake.engine.fills(user).every((f) => delivered.has(String(f.tid))));
  let closed = false;
  return {
    fake,
    venue,
    user,
    delivered,
    settled,
    async close() {
      if (closed) return;
      closed = true;
      await venue.close();
      if (!opts.fakeInstance) await fake.close();
      assert.deepEqual(fake.exchange.forbidden.map((a) => a.body.action.type), [], "no builder fee, referrer or approval action may ever reach the venue");
    },
  };
}

/** A runner on the adapter, in memory, with a far periodic reconciliation (only events trigger one). */
export async function runnerOn(c: Connected, name: string, config: Partial<RunnerConfig> = {}, opts: { emit?: Emit } = {}): Promise<Runner> {
  const store = createMemoryStore();
  const strategy = await store.ensureStrategy({ name, market: c.venue.market.symbol, symbol: c.venue.market.symbol, venue: "hyperliquid", mode: "live", initialParams: parseStrategyParams({ ...PAPER_MARKETS.story.params, orderSize: c.venue.market.minSize.mul(2).toString(), maxPosition: c.venue.market.minSize.mul(2).toString(), maxInventory: c.venue.market.minSize.mul(10).toString() }) as unknown as JsonObject });
  const journal = new FillJournal(join(mkdtempSync(join(tmpdir(), "skewdesk-hl-")), "fills.journal"), false);
  const runner = new Runner({ venue: c.venue, store, strategy, market: c.venue.market, time: wallTime, journal, emit: opts.emit, config: { ...defaultRunnerConfig(200), reconcileEveryMs: 3_600_000, reconcileTolerance: new Decimal("0.0001"), ...config } });
  await runner.open();
  return runner;
}
