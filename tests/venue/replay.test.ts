import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Decimal from "decimal.js";
import { ManualClock } from "@/server/venue/clock";
import { STORY_MARKET } from "@/server/venue/paper";
import { ReplayFileError, ReplayVenue, parseReplayCsv, parseReplayJsonl, type ReplayRecord } from "@/server/venue/replay";
import type { VenueFill } from "@/server/venue/types";
import { venueContract } from "./contract";

const SAMPLE = new URL("../../server/venue/replay/sample.jsonl", import.meta.url).pathname;
const d = (v: Decimal.Value) => new Decimal(v);

function harness(make: () => Promise<ReplayVenue>) {
  return async () => {
    const venue = await make();
    return {
      venue,
      makerFillWithinMs: 10_000,
      advance: async (ms: number) => venue.advanceTo(venue.time + ms),
    };
  };
}

/** The sample as CSV, to run the same contract over the CSV reader. */
async function sampleAsCsv(): Promise<string> {
  const rows = ["ts,type,side,price,size"];
  for (const line of (await readFile(SAMPLE, "utf8")).split("\n").filter(Boolean)) {
    const e = JSON.parse(line);
    if (e.type === "trade") rows.push(`${e.ts},trade,${e.side},${e.price},${e.size}`);
    else {
      for (const [p, s] of e.bids) rows.push(`${e.ts},book,bid,${p},${s}`);
      for (const [p, s] of e.asks) rows.push(`${e.ts},book,ask,${p},${s}`);
    }
  }
  return rows.join("\n") + "\n";
}

venueContract("replay (sample.jsonl)", harness(() => ReplayVenue.fromFile(SAMPLE, { market: STORY_MARKET })));
venueContract("replay (the sample as CSV)", harness(async () => {
  const dir = await mkdtemp(join(tmpdir(), "skewdesk-replay-"));
  const path = join(dir, "sample.csv");
  await writeFile(path, await sampleAsCsv());
  return ReplayVenue.fromFile(path, { market: STORY_MARKET });
}));

describe("replay files", () => {
  test("JSONL and CSV of the same data parse to the same events", async () => {
    const a = parseReplayJsonl(await readFile(SAMPLE, "utf8"), "sample.jsonl");
    const b = parseReplayCsv(await sampleAsCsv(), "sample.csv");
    const strip = (evs: ReplayRecord[]) => JSON.stringify(evs.map(({ line: _line, ...e }) => e));
    assert.equal(a.length, b.length);
    assert.equal(strip(a), strip(b));
    assert.ok(a.some((e) => e.type === "book") && a.some((e) => e.type === "trade"));
  });

  const bad: Array<[string, string, RegExp]> = [
    ["invalid JSON", `{"type":"trade","ts":1,"side":"buy","price":"1","size":"1"}\n{oops`, /^f\.jsonl:2: invalid JSON/],
    ["unknown type", `\n# comment\n{"type":"quote","ts":1}`, /^f\.jsonl:3: type: "type" must be "book" or "trade"/],
    ["bad size", `{"type":"trade","ts":1,"side":"buy","price":"1","size":"x"}`, /^f\.jsonl:1: size: expected a decimal number, got "x"/],
    ["bad side", `{"type":"trade","ts":1,"side":"long","price":"1","size":"1"}`, /^f\.jsonl:1: side: expected buy or sell, got "long"/],
    ["bad level", `{"type":"book","ts":1,"bids":[["1"]],"asks":[]}`, /^f\.jsonl:1: bids\.0: expected \[price, size\] or \{price, size\}/],
    ["crossed", `{"type":"book","ts":1,"bids":[["2","1"]],"asks":[["1.5","1"]]}`, /^f\.jsonl:1: bids\.0: crossed book: best bid 2 >= best ask 1\.5/],
    ["time goes back", `{"type":"trade","ts":5,"side":"buy","price":"1","size":"1"}\n{"type":"trade","ts":4,"side":"buy","price":"1","size":"1"}`, /^f\.jsonl:2: ts 4 goes back in time \(line 1 has 5\)/],
  ];
  for (const [name, text, re] of bad) {
    test(`a bad JSONL line fails with its line number: ${name}`, () => {
      assert.throws(() => parseReplayJsonl(text, "f.jsonl"), (e) => e instanceof ReplayFileError && re.test(e.message));
    });
  }

  const badCsv: Array<[string, string, RegExp]> = [
    ["missing column", "ts,type,side,price\n1,trade,buy,1", /^f\.csv:1: header must name the columns ts,type,side,price,size; missing "size"/],
    ["book side", "ts,type,side,price,size\n1,book,buy,1,1", /^f\.csv:2: a book row's side must be bid or ask, got "buy"/],
    ["column count", "ts,type,side,price,size\n1,trade,buy,1", /^f\.csv:2: expected 5 columns, got 4/],
    ["bad trade", "ts,type,side,price,size\n1,trade,buy,-1,1", /^f\.csv:2: price: must be > 0/],
    ["bad book", "ts,type,side,price,size\n1,book,bid,1,1\n1,book,ask,0.5,1", /^f\.csv:2: book snapshot starting here: bids\.0: crossed book/],
    ["type", "ts,type,side,price,size\n1,quote,buy,1,1", /^f\.csv:2: type must be book or trade, got "quote"/],
  ];
  for (const [name, text, re] of badCsv) {
    test(`a bad CSV row fails with its line number: ${name}`, () => {
      assert.throws(() => parseReplayCsv(text, "f.csv"), (e) => e instanceof ReplayFileError && re.test(e.message));
    });
  }

  test("prices off the market's tick grid fail with the line number", () => {
    const evs = parseReplayJsonl(`{"type":"book","ts":1,"bids":[["1999.5","1"]],"asks":[["2000.005","1"]]}`, "g.jsonl");
    assert.throws(() => new ReplayVenue({ market: STORY_MARKET, events: evs, source: "g.jsonl" }), /^ReplayFileError: g\.jsonl:1: ask price 2000\.005 is not on the tick grid 0\.01/);
  });
});

/** A hand-made market for exact fill-model checks: book 99.00/101.00 with 1.000 displayed at each. */
function crafted(lines: object[], opts: { latencyMs?: number; queuePosition?: boolean } = {}) {
  const text = lines.map((l) => JSON.stringify(l)).join("\n");
  const venue = new ReplayVenue({ market: STORY_MARKET, events: parseReplayJsonl(text, "crafted"), latencyMs: opts.latencyMs ?? 0, queuePosition: opts.queuePosition });
  const fills: VenueFill[] = [];
  venue.watchFills((f) => fills.push(f));
  return { venue, fills };
}
const book = (ts: number, bid = "99", ask = "101", size = "1") => ({ type: "book", ts, bids: [[bid, size], ["98", "5"]], asks: [[ask, size], ["102", "5"]] });
const trade = (ts: number, side: "buy" | "sell", price: string, size: string) => ({ type: "trade", ts, side, price, size });

describe("replay venue: the fill model on crafted data", () => {
  test("queue position: prints at our price fill us only beyond the size displayed ahead", async () => {
    const { venue, fills } = crafted([book(0), trade(10, "sell", "99", "0.6"), trade(20, "sell", "99", "0.6"), trade(30, "sell", "99", "0.6")]);
    await venue.createOrder({ clientOrderId: "q", side: "buy", type: "limit", price: d("99"), size: d("0.5"), postOnly: true });
    venue.advanceTo(10);
    assert.equal(fills.length, 0, "0.6 printed, 1.0 ahead of us");
    venue.advanceTo(20);
    assert.deepEqual(fills.map((f) => f.size.toString()), ["0.2"], "0.4 of the second print finished the queue, 0.2 reached us");
    venue.advanceTo(30);
    assert.deepEqual(fills.map((f) => f.size.toString()), ["0.2", "0.3"]);
    assert.ok(fills.every((f) => f.price.eq(99) && f.liquidity === "maker"));
    assert.deepEqual(await venue.fetchOpenOrders(), []);
  });

  test("without queue position we are first at our level", async () => {
    const { venue, fills } = crafted([book(0), trade(10, "sell", "99", "0.3")], { queuePosition: false });
    await venue.createOrder({ clientOrderId: "q", side: "buy", type: "limit", price: d("99"), size: d("0.5"), postOnly: true });
    venue.advanceTo(10);
    assert.deepEqual(fills.map((f) => f.size.toString()), ["0.3"]);
    assert.equal((await venue.fetchOpenOrders())[0]?.status, "partially_filled");
  });

  test("a print through our price fills us regardless of the queue", async () => {
    const { venue, fills } = crafted([book(0), trade(10, "sell", "98", "0.4")]);
    await venue.createOrder({ clientOrderId: "t", side: "buy", type: "limit", price: d("99"), size: d("0.5"), postOnly: true });
    venue.advanceTo(10);
    assert.deepEqual(fills.map((f) => `${f.size}@${f.price}`), ["0.4@99"], "filled at our price, not the print's");
  });

  test("a print that does not reach our price leaves us alone; a quote inside the spread is hit first", async () => {
    const { venue, fills } = crafted([book(0), trade(10, "sell", "99", "2"), trade(20, "buy", "101", "0.7")]);
    await venue.createOrder({ clientOrderId: "deep", side: "buy", type: "limit", price: d("98.5"), size: d("1"), postOnly: true });
    await venue.createOrder({ clientOrderId: "in", side: "sell", type: "limit", price: d("100.5"), size: d("1"), postOnly: true });
    venue.advanceTo(20);
    assert.deepEqual(fills.map((f) => `${f.clientOrderId} ${f.size}@${f.price}`), ["in 0.7@100.5"]);
  });

  test("a snapshot moving through our resting price fills us at our price", async () => {
    const { venue, fills } = crafted([book(0), book(100, "97", "98.5", "0.3")]);
    await venue.createOrder({ clientOrderId: "x", side: "buy", type: "limit", price: d("99"), size: d("1"), postOnly: true });
    venue.advanceTo(100);
    // Asks at 98.5 (0.3) and 102 do not all cross: only 0.3 is at or below 99.
    assert.deepEqual(fills.map((f) => `${f.size}@${f.price} ${f.liquidity}`), ["0.3@99 maker"]);
  });

  test("the queue ahead shrinks to what a later snapshot displays", async () => {
    const { venue, fills } = crafted([book(0), book(50, "99", "101", "0.1"), trade(60, "sell", "99", "0.3")]);
    await venue.createOrder({ clientOrderId: "s", side: "buy", type: "limit", price: d("99"), size: d("1"), postOnly: true });
    venue.advanceTo(60);
    assert.deepEqual(fills.map((f) => f.size.toString()), ["0.2"]);
  });

  test("inside the latency window a cancelled order can still fill: the cancel reports the final state", async () => {
    const { venue, fills } = crafted([book(0), trade(80, "sell", "98", "5")], { latencyMs: 50 });
    const placed = await venue.createOrder({ clientOrderId: "race", side: "buy", type: "limit", price: d("99"), size: d("1"), postOnly: true });
    assert.equal(placed.ts, 50, "live after the latency");
    const final = await venue.cancelOrder("race"); // sent at 50, lands at 100: the trade at 80 gets there first
    assert.equal(final.status, "filled");
    assert.equal(fills.length, 1);
  });

  test("market orders sweep the latest snapshot and deplete it until the next one", async () => {
    const { venue, fills } = crafted([book(0), book(1000)]);
    await venue.createOrder({ clientOrderId: "m1", side: "buy", type: "market", size: d("0.7") });
    await venue.createOrder({ clientOrderId: "m2", side: "buy", type: "market", size: d("0.7") });
    assert.deepEqual(fills.map((f) => `${f.clientOrderId} ${f.size}@${f.price}`), ["m1 0.7@101", "m2 0.3@101", "m2 0.4@102"]);
    const b = await venue.fetchOrderBook();
    assert.equal(`${b.asks[0]!.size}@${b.asks[0]!.price}`, "4.6@102");
    venue.advanceTo(1000);
    assert.equal((await venue.fetchOrderBook()).asks[0]!.price.toString(), "101", "the next snapshot restores the book");
  });

  test("startAt shifts the recording onto our timeline; ended says when it is over", async () => {
    const clock = new ManualClock(5_000);
    const evs = parseReplayJsonl(await readFile(SAMPLE, "utf8"));
    const venue = new ReplayVenue({ market: STORY_MARKET, events: evs, startAt: 5_000, clock });
    assert.equal(venue.startTs, 5_000);
    assert.equal(venue.endTs, 5_000 + (evs.at(-1)!.ts - evs[0]!.ts));
    assert.equal((await venue.fetchOrderBook()).ts, 5_000);
    assert.equal(venue.ended, false);
    clock.advanceTo(venue.endTs);
    await venue.fetchOrderBook();
    assert.equal(venue.ended, true);
    assert.equal(venue.stats.events, evs.length);
  });
});
