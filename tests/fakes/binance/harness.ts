// An adapter connected to a fresh fake Binance, for the contract and live-behaviour suites. Time on a live
// venue is the wall clock, so `settled` waits on what the system reports (every fill the fake made for us
// delivered to the adapter's listeners), never on a fixed sleep alone.
import assert from "node:assert/strict";
import { CcxtVenue, type CcxtVenueConfig } from "@/server/venue/ccxt";
import { TEST_API_KEY, TEST_API_SECRET, startFakeBinance, type FakeBinance, type FakeOptions } from "./server";

export const SYMBOL = "ETH/USDT";

export async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface Connected {
  fake: FakeBinance;
  venue: CcxtVenue;
  delivered: Set<string>;
  /** Every fill the fake made for us has reached the adapter's listeners. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function connect(opts: { fake?: FakeOptions; venue?: Partial<CcxtVenueConfig>; fakeInstance?: FakeBinance } = {}): Promise<Connected> {
  const fake = opts.fakeInstance ?? (await startFakeBinance(opts.fake));
  const venue = await CcxtVenue.open({
    exchangeId: "binance",
    apiKey: TEST_API_KEY,
    secret: TEST_API_SECRET,
    symbol: SYMBOL,
    restUrl: fake.url,
    wsUrl: fake.wsUrl,
    deadlineMs: 5_000,
    deadmanMs: null,
    ...opts.venue,
  });
  const delivered = new Set<string>();
  venue.watchFills((f) => delivered.add(f.tradeId));
  const settled = () => until("our fills to be delivered", () => fake.engine.myTrades(fake.user).every((t) => delivered.has(String(t.id))));
  let closed = false;
  return {
    fake,
    venue,
    delivered,
    settled,
    async close() {
      if (closed) return;
      closed = true;
      await venue.close();
      if (!opts.fakeInstance) await fake.close();
    },
  };
}
