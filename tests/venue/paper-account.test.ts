// The paper venue as an account that outlives the process: restart from its folder (clean close, and a
// "kill": the object dropped without close), what survives, what continues, and what a damaged folder does.
// Everything runs on ManualClock time; a restart is a new venue on the same folder at a later clock.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Decimal from "decimal.js";
import { ManualClock } from "@/server/venue/clock";
import { VenueUnavailable } from "@/server/venue/errors";
import type { SimOrder } from "@/server/venue/matching";
import { PaperAccountError, openPaperAccount, storyPaperOptions, type PaperAccountOptions, type PaperAccountVenue } from "@/server/venue/paper";
import type { VenueFill, VenueOrder } from "@/server/venue/types";
import { venueContract } from "./contract";

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;
const d = (v: Decimal.Value) => new Decimal(v);

const root = mkdtempSync(join(tmpdir(), "skewdesk-paper-account-"));
after(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const freshDir = () => join(root, `acct-${++folders}`);

function open(dir: string, at: number, opts: Partial<PaperAccountOptions> = {}, clock = new ManualClock(at)) {
  const venue = openPaperAccount({ ...storyPaperOptions(42, "falling"), clock, dir, ...opts });
  return { venue, clock };
}

type Harness = { venue: PaperAccountVenue; clock: ManualClock };

/** Lets venue time pass and the simulation catch up. */
function pass(v: Harness, ms: number): void {
  v.clock.advanceBy(ms);
  v.venue.advanceTo(v.clock.now());
}

/** Awaits a venue call, moving venue time on in 10 ms steps while it waits (for clocks without autoAdvance). */
async function call<T>(v: Harness, p: Promise<T>): Promise<T> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  for (;;) {
    await new Promise((r) => setImmediate(r));
    if (done) return p;
    pass(v, 10);
  }
}

/** Our resting orders as the simulator holds them, queue position included (not visible through the API). */
function queues(venue: PaperAccountVenue): string[] {
  const r = (venue as unknown as { resting: { bids: SimOrder[]; asks: SimOrder[] } }).resting;
  return [...r.bids, ...r.asks].map((o) => `${o.clientOrderId}@${o.priceTick} ${o.filledLots}/${o.sizeLots} ahead ${o.queueAheadLots}`);
}

const fmtOrder = (o: VenueOrder) => `${o.clientOrderId} ${o.venueOrderId} ${o.side} ${o.type} ${o.price} ${o.size} ${o.filledSize} ${o.status} ${o.ts}`;
const fmtFill = (f: VenueFill) => `${f.tradeId} ${f.clientOrderId} ${f.venueOrderId} ${f.side} ${f.price} ${f.size} ${f.fee} ${f.liquidity} ${f.ts}`;
const tradeNo = (f: VenueFill) => Number(f.tradeId.slice(f.tradeId.lastIndexOf("T") + 1));
const orderNo = (o: VenueOrder) => Number(o.venueOrderId.slice(o.venueOrderId.lastIndexOf("-") + 1));

/** Quotes at the touch re-placed every second for `seconds`, then two quotes left resting off the touch. */
async function trade(v: Harness, tag: string, seconds: number): Promise<void> {
  const { venue } = v;
  for (let s = 0; s < seconds; s++) {
    const book = await venue.fetchOrderBook();
    await call(v, venue.cancelAllOrders());
    await call(v, venue.createOrder({ clientOrderId: `${tag}-b${s}`, side: "buy", type: "limit", price: book.bids[0]!.price, size: d("0.2"), postOnly: true })).catch(() => undefined);
    await call(v, venue.createOrder({ clientOrderId: `${tag}-a${s}`, side: "sell", type: "limit", price: book.asks[0]!.price, size: d("0.2"), postOnly: true })).catch(() => undefined);
    pass(v, 1000);
  }
  await call(v, venue.cancelAllOrders());
  const book = await venue.fetchOrderBook();
  await call(v, venue.createOrder({ clientOrderId: `${tag}-rest-b`, side: "buy", type: "limit", price: book.bids[0]!.price.minus("0.30"), size: d("0.5"), postOnly: true }));
  await call(v, venue.createOrder({ clientOrderId: `${tag}-rest-a`, side: "sell", type: "limit", price: book.asks[0]!.price.plus("0.30"), size: d("0.4"), postOnly: true }));
}

async function account(venue: PaperAccountVenue) {
  return {
    open: (await venue.fetchOpenOrders()).map(fmtOrder),
    queues: queues(venue),
    position: (await venue.fetchPosition()).qty.toString(),
    cash: (await venue.fetchBalance()).quote.toString(),
    fills: (await venue.fetchMyTrades()).map(fmtFill),
  };
}

// The same contract every venue passes, on a paper account restored from its folder.
venueContract("paper account (restored from its folder)", async () => {
  const dir = freshDir();
  const first = open(dir, T0);
  await first.venue.close();
  const v = open(dir, T0 + HOUR);
  return { venue: v.venue, makerFillWithinMs: 60_000, advance: async (ms: number) => pass(v, ms) };
});

describe("paper account: restart from its folder", () => {
  test("after a clean close: same resting orders and queues, position, cash and fills; ids continue; the price continues", async () => {
    const dir = freshDir();
    const a = open(dir, T0);
    const seen: VenueFill[] = [];
    a.venue.watchFills((f) => seen.push(f));
    await trade(a, "x", 60);
    assert.equal(a.venue.restored, false);
    const before = await account(a.venue);
    const book = await a.venue.fetchOrderBook();
    assert.ok(seen.length > 10, `the session trades (${seen.length} fills)`);
    assert.equal(before.open.length, 2);
    assert.notEqual(before.position, "0");
    await a.venue.close();

    const b = open(dir, T0 + 60_000 + 2 * HOUR);
    const more: VenueFill[] = [];
    b.venue.watchFills((f) => more.push(f));
    assert.equal(b.venue.restored, true);
    assert.deepEqual(await account(b.venue), before, "the account is the same");
    const book2 = await b.venue.fetchOrderBook();
    assert.equal(book2.bids[0]!.price.toString(), book.bids[0]!.price.toString(), "the book continues where it stopped");
    assert.equal(book2.asks[0]!.price.toString(), book.asks[0]!.price.toString());
    assert.ok(book2.ts > b.clock.now() - 1000 && book2.ts <= b.clock.now(), `the book is fresh at the new time (ts ${book2.ts}, now ${b.clock.now()})`);
    pass(b, 1000);
    const moved = (await b.venue.fetchOrderBook()).bids[0]!.price.minus(book.bids[0]!.price).abs();
    assert.ok(moved.lte("2"), `one second later the price moved ${moved}, not back to 2000`);

    const o = await b.venue.createOrder({ clientOrderId: "y-mkt", side: "sell", type: "market", size: d("0.3") });
    assert.ok(more.length > 0);
    const lastBefore = Math.max(...seen.map(tradeNo));
    assert.equal(tradeNo(more[0]!), lastBefore + 1, "trade ids continue");
    const oldIds = new Set(seen.map((f) => f.tradeId));
    assert.ok(more.every((f) => !oldIds.has(f.tradeId)), "no trade id is reused");
    const oldOrderNos = (await b.venue.fetchMyTrades()).filter((f) => oldIds.has(f.tradeId)).map((f) => Number(f.venueOrderId.split("-").pop()));
    assert.ok(orderNo(o) > Math.max(...oldOrderNos), "venue order ids continue");
    await b.venue.close();
  });

  test("resting orders do not fill while the desk is down, and nothing is simulated across the gap", async () => {
    const dir = freshDir();
    const a = open(dir, T0);
    const book = await a.venue.fetchOrderBook();
    await a.venue.createOrder({ clientOrderId: "touch", side: "buy", type: "limit", price: book.bids[0]!.price, size: d("1"), postOnly: true });
    const events = a.venue.stats.events;
    await a.venue.close();
    // A day later: a day of the falling market would have filled the bid many times over.
    const b = open(dir, T0 + 24 * HOUR);
    const o = await b.venue.fetchOrder("touch");
    assert.equal(o.status, "open");
    assert.ok(o.filledSize.eq(0));
    assert.deepEqual(await b.venue.fetchMyTrades(), []);
    assert.ok(b.venue.stats.events < 10, `events simulated on reopening: ${b.venue.stats.events} (before close: ${events})`);
    await b.venue.close();
  });

  test("a restart with no downtime continues exactly the market an uninterrupted run sees", async () => {
    const run = async (restartAt: number | null) => {
      const dir = freshDir();
      let v = open(dir, T0);
      const fills: string[] = [];
      const books: string[] = [];
      const watch = () => v.venue.watchFills((f) => fills.push(fmtFill(f)));
      watch();
      for (let s = 0; s < 90; s++) {
        if (s === restartAt) {
          await v.venue.close();
          v = open(dir, v.clock.now());
          watch();
        }
        const book = await v.venue.fetchOrderBook();
        books.push(`${book.ts} ${book.bids[0]!.price}:${book.bids[0]!.size} ${book.asks[0]!.price}:${book.asks[0]!.size}`);
        await v.venue.cancelAllOrders();
        await v.venue.createOrder({ clientOrderId: `b${s}`, side: "buy", type: "limit", price: book.bids[0]!.price, size: d("0.3"), postOnly: true }).catch(() => undefined);
        pass(v, 1000);
      }
      await v.venue.close();
      return { fills, books };
    };
    const whole = await run(null);
    const restarted = await run(45);
    assert.ok(whole.fills.length > 5);
    assert.deepEqual(restarted.books, whole.books);
    assert.deepEqual(restarted.fills, whole.fills);
  });

  test("a kill (no close) loses no fill, order, position or cash; an order in flight ends rejected", async () => {
    const dir = freshDir();
    // Small compaction interval: the kill lands after several snapshots, with journal records after the last.
    // Time moves only when the test moves it, so the dropped venue cannot act after its "death".
    const a = open(dir, T0, { compactEvery: 7, marketCheckpointMs: 5000 }, new ManualClock(T0, { autoAdvance: false }));
    const delivered: VenueFill[] = [];
    a.venue.watchFills((f) => delivered.push(f));
    await trade(a, "k", 45);
    await call(a, a.venue.createOrder({ clientOrderId: "k-mkt", side: "buy", type: "market", size: d("0.25") }));
    a.venue.adjustPosition("0.011");
    const before = await account(a.venue);
    const fairBefore = a.venue.fairPrice;
    // An order sent but not yet at the venue when the process dies.
    a.venue.createOrder({ clientOrderId: "k-flight", side: "buy", type: "limit", price: d("1900"), size: d("0.1"), postOnly: true }).catch(() => undefined);
    // The process dies here: no close(), nothing flushed. The folder is all that is left.
    const snap = JSON.parse(readFileSync(join(dir, "snapshot.json"), "utf8")) as { seq: number };
    assert.ok(snap.seq > 0 && readFileSync(join(dir, "journal.jsonl"), "utf8").length > 0, "snapshots were taken and records follow the last one");

    const b = open(dir, a.clock.now() + HOUR);
    const got = await account(b.venue);
    assert.deepEqual(got.fills, before.fills, "every fill");
    assert.deepEqual(new Set(delivered.map((f) => f.tradeId)), new Set(got.fills.map((f) => f.split(" ")[0])), "exactly the fills delivered");
    assert.deepEqual(got.open, before.open, "every resting order");
    assert.equal(got.position, before.position);
    assert.equal(got.cash, before.cash);
    assert.equal((await b.venue.fetchOrder("k-mkt")).status, "filled");
    assert.equal((await b.venue.fetchOrder("k-flight")).status, "rejected", "never reached the venue");
    assert.equal((await b.venue.fetchOpenOrders()).length, 2);
    assert.ok(b.venue.fairPrice.minus(fairBefore).abs().lt(5), `the market comes from its last checkpoint: ${b.venue.fairPrice} vs ${fairBefore}`);
    const next: VenueFill[] = [];
    b.venue.watchFills((f) => next.push(f));
    await b.venue.createOrder({ clientOrderId: "k-after", side: "sell", type: "market", size: d("0.1") });
    assert.equal(tradeNo(next[0]!), Math.max(...delivered.map(tradeNo)) + 1, "trade ids continue after a kill");
    await b.venue.close();
  });

  test("a regime schedule pauses while the desk is down; a changed regime setting starts over from its first regime", async () => {
    const schedule = { schedule: [{ atMs: 0, regime: "calm" as const }, { atMs: 120_000, regime: "volatile" as const }] };
    const dir = freshDir();
    const a = open(dir, T0, { regime: schedule });
    pass(a, 100_000);
    await a.venue.close();
    const b = open(dir, T0 + HOUR, { regime: schedule });
    assert.equal(b.venue.regime.name, "calm", "an hour of downtime did not count toward the schedule");
    pass(b, 19_000);
    assert.equal(b.venue.regime.name, "calm");
    pass(b, 2_000);
    assert.equal(b.venue.regime.name, "volatile", "the switch comes 120 s of running time after the start");
    const fair = b.venue.fairPrice;
    await b.venue.close();
    const c = open(dir, T0 + 2 * HOUR, { regime: "falling" });
    assert.equal(c.venue.regime.name, "falling");
    assert.equal(c.venue.fairPrice.toString(), fair.toString(), "the price continues under the new regime");
    await c.venue.close();
  });

  test("adjustPosition survives a restart; cash and fills do not move", async () => {
    const dir = freshDir();
    const a = open(dir, T0);
    a.venue.adjustPosition("-0.5");
    await a.venue.close();
    const b = open(dir, T0 + HOUR);
    assert.equal((await b.venue.fetchPosition()).qty.toString(), "-0.5");
    assert.equal((await b.venue.fetchBalance()).quote.toString(), "0");
    assert.deepEqual(await b.venue.fetchMyTrades(), []);
    await b.venue.close();
  });
});

describe("paper account: damaged or foreign folders are refused, never started over", () => {
  /** A closed account with some history, and the folder's files as they were. */
  async function saved(opts: Partial<PaperAccountOptions> = {}) {
    const dir = freshDir();
    const a = open(dir, T0, opts);
    await trade(a, "c", 20);
    await a.venue.createOrder({ clientOrderId: "c-mkt", side: "buy", type: "market", size: d("0.2") });
    await a.venue.close();
    const files = () => Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
    return { dir, files };
  }

  const refuses = (dir: string, pattern: RegExp, opts: Partial<PaperAccountOptions> = {}) =>
    assert.throws(() => open(dir, T0 + HOUR, opts), (e) => e instanceof PaperAccountError && pattern.test(e.message) && e.message.includes(dir));

  test("a snapshot that is not JSON: the error names the file and what to do; the files stay as they were", async () => {
    const { dir, files } = await saved();
    writeFileSync(join(dir, "snapshot.json"), "{ not json");
    const kept = files();
    refuses(dir, /snapshot\.json: cannot be read as JSON .*move .* away to start a fresh paper account/);
    assert.deepEqual(files(), kept, "nothing rewritten");
  });

  test("a field of the wrong type names the field", async () => {
    const { dir } = await saved();
    const snap = JSON.parse(readFileSync(join(dir, "snapshot.json"), "utf8"));
    snap.positionLots = "lots";
    writeFileSync(join(dir, "snapshot.json"), JSON.stringify(snap));
    refuses(dir, /snapshot\.json: positionLots: /);
  });

  test("a bad line inside a log names the file and line", async () => {
    const { dir } = await saved();
    const lines = readFileSync(join(dir, "fills.jsonl"), "utf8").split("\n");
    lines[2] = lines[2]!.replace(/"price":"[^"]+"/, '"price":"abc"');
    writeFileSync(join(dir, "fills.jsonl"), lines.join("\n"));
    refuses(dir, /fills\.jsonl:3: price: expected a decimal number/);
  });

  test("a missing fill (a gap in the numbering) is refused", async () => {
    const { dir } = await saved();
    const lines = readFileSync(join(dir, "fills.jsonl"), "utf8").split("\n");
    lines.splice(1, 1);
    writeFileSync(join(dir, "fills.jsonl"), lines.join("\n"));
    refuses(dir, /fills\.jsonl:2: trade 3 where trade 2 was expected/);
  });

  test("a missing journal record is refused", async () => {
    const dir = freshDir();
    const a = open(dir, T0, { compactEvery: 1_000_000 });
    await trade(a, "j", 10);
    // Killed: the journal holds every order change since the opening snapshot.
    const lines = readFileSync(join(dir, "journal.jsonl"), "utf8").split("\n");
    assert.ok(lines.length > 10);
    lines.splice(4, 1);
    writeFileSync(join(dir, "journal.jsonl"), lines.join("\n"));
    refuses(dir, /records are missing/);
  });

  test("a torn last line (killed mid-write) is dropped and the account opens", async () => {
    const { dir } = await saved();
    const fills = readFileSync(join(dir, "fills.jsonl"), "utf8");
    const count = fills.trim().split("\n").length;
    appendFileSync(join(dir, "fills.jsonl"), `{"s":99999,"t":${count + 1},"id":"paper-T`);
    const b = open(dir, T0 + HOUR);
    assert.equal((await b.venue.fetchMyTrades()).length, count);
    await b.venue.createOrder({ clientOrderId: "after-torn", side: "buy", type: "market", size: d("0.01") });
    await b.venue.close();
    const c = open(dir, T0 + 2 * HOUR);
    assert.equal((await c.venue.fetchMyTrades()).length, count + 1, "appends continue on a clean line");
    await c.venue.close();
  });

  test("another seed, another market or a newer format version is refused", async () => {
    const { dir } = await saved();
    refuses(dir, /written for another account \(seed 42, not 7\).*point the desk at the right data folder/, { seed: 7 });
    refuses(dir, /market tickSize 0\.01, not 0\.05/, { market: { ...storyPaperOptions(42).market, tickSize: d("0.05") } });
    const snap = JSON.parse(readFileSync(join(dir, "snapshot.json"), "utf8"));
    writeFileSync(join(dir, "snapshot.json"), JSON.stringify({ ...snap, version: 2 }));
    refuses(dir, /version: written by an incompatible version \(2; this build reads 1\)/);
  });

  test("a snapshot missing next to the account's logs is refused", async () => {
    const { dir } = await saved();
    rmSync(join(dir, "snapshot.json"));
    refuses(dir, /snapshot\.json: is missing, while market\.json and fills\.jsonl hold an account's records/);
  });

  test("a folder in use by another live process is refused", async () => {
    const { dir } = await saved();
    writeFileSync(join(dir, "lock"), `${process.ppid}\n`);
    refuses(dir, /in use by process \d+/);
    rmSync(join(dir, "lock"));
  });

  test("an account that can no longer be written stops the venue: calls fail with VenueUnavailable saying why", async () => {
    const dir = freshDir();
    const a = open(dir, T0, { compactEvery: 1 });
    await a.venue.createOrder({ clientOrderId: "w1", side: "buy", type: "market", size: d("0.01") });
    rmSync(dir, { recursive: true });
    // The next change is written to files no longer in any folder; the compaction after it finds out.
    await a.venue.createOrder({ clientOrderId: "w2", side: "buy", type: "market", size: d("0.01") });
    await assert.rejects(a.venue.fetchOrderBook(), (e) => e instanceof VenueUnavailable && /cannot be written/.test(e.message));
    await a.venue.close();
    assert.equal(existsSync(dir), false, "closing does not recreate a folder it cannot trust");
  });
});
