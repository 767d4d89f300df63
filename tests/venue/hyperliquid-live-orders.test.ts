// Live behaviours of the Hyperliquid adapter around orders (../shared/notes/live-venues.md, behaviours 1,
// 2, 3, 9, 10 and 11), against the wire-level fake. Each test would fail with plain ccxt behaviour.
import { test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import { AuthenticationError, InvalidOrder, NetworkError, PostOnlyWouldCross, isRetryable } from "@/server/venue/errors";
import { HyperliquidVenue } from "@/server/venue/hyperliquid";
import type { VenueFill, VenueOrder } from "@/server/venue/types";
import type { MarketSpec } from "@/lib/market";
import { SYMBOL, connect, runnerOn, until, type Connected } from "../fakes/hyperliquid/harness";
import { DEFAULT_COINS, TEST_PRIVATE_KEY, startFakeHyperliquid } from "../fakes/hyperliquid/server";

const d = (v: Decimal.Value) => new Decimal(v);
let n = 0;
const id = (tag: string) => `lv-${tag}-${++n}-${Date.now().toString(36)}`;

async function withVenue(fn: (c: Connected) => Promise<void>, opts: Parameters<typeof connect>[0] = {}) {
  const c = await connect(opts);
  try {
    await fn(c);
  } finally {
    await c.close();
  }
}

const exchangeActions = (c: Connected, type: string) => c.fake.exchange.actions.filter((a) => a.body.action.type === type);

test("1. a crossing post-only leg is rejected on its own; the other legs rest and are tracked", () =>
  withVenue(async (c) => {
    const { venue } = c;
    const m = venue.market;
    const book = await venue.fetchOrderBook();
    const [a, b, x] = [id("a"), id("b"), id("x")];
    const res = await venue.createOrders([
      { clientOrderId: a, side: "buy", type: "limit", price: book.bids[0]!.price.sub(m.tickSize.mul(20)), size: m.minSize, postOnly: true },
      { clientOrderId: x, side: "buy", type: "limit", price: book.asks[0]!.price.add(m.tickSize), size: m.minSize, postOnly: true },
      { clientOrderId: b, side: "sell", type: "limit", price: book.asks[0]!.price.add(m.tickSize.mul(20)), size: m.minSize, postOnly: true },
    ]);
    assert.equal(exchangeActions(c, "order").length, 1, "one signed batch");
    assert.equal((res[0] as VenueOrder).status, "open");
    assert.ok(res[1] instanceof PostOnlyWouldCross, `leg 2: ${String(res[1])}`);
    assert.equal((res[2] as VenueOrder).status, "open");
    const open = (await venue.fetchOpenOrders()).map((o) => o.clientOrderId).sort();
    assert.deepEqual(open, [a, b].sort(), "both good legs rest under our client ids");
  }));

test("2. partial fills: remaining size right, each fill delivered once however often the venue re-sends it", () =>
  withVenue(async (c) => {
    const { venue, fake } = c;
    const book = await venue.fetchOrderBook();
    const oid = id("partial");
    const price = book.bids[0]!.price.add(venue.market.tickSize);
    await venue.createOrder({ clientOrderId: oid, side: "buy", type: "limit", price, size: d("0.05"), postOnly: true });
    const got: VenueFill[] = [];
    venue.watchFills((f) => f.clientOrderId === oid && got.push(f));
    const states: string[] = [];
    venue.watchConnection((s) => states.push(s));
    fake.engine.externalTrade("ETH", "A", "0.02");
    await c.settled();
    // The stream drops; on resubscribe the venue re-sends recent fills (isSnapshot).
    fake.dropWebSockets();
    await until("reconnect", () => states.join() === "disconnected,connected");
    fake.engine.externalTrade("ETH", "A", "0.01");
    await c.settled();
    assert.deepEqual(got.map((f) => f.size.toString()), ["0.02", "0.01"], "each fill once, in order");
    assert.ok(got.every((f) => f.liquidity === "maker" && f.price.eq(price)));
    const o = await venue.fetchOrder(oid);
    assert.equal(o.status, "partially_filled");
    assert.equal(o.filledSize.toString(), "0.03");
    assert.equal(o.size.sub(o.filledSize).toString(), "0.02", "remaining");
  }));

test("3. cancel of an already-filled order reports it filled, once, without retrying", () =>
  withVenue(async (c) => {
    const { venue, fake } = c;
    const book = await venue.fetchOrderBook();
    const oid = id("filled");
    await venue.createOrder({ clientOrderId: oid, side: "buy", type: "limit", price: book.bids[0]!.price.add(venue.market.tickSize), size: d("0.01"), postOnly: true });
    fake.engine.externalTrade("ETH", "A", "0.01");
    await c.settled();
    const r = await venue.cancelOrder(oid);
    assert.equal(r.status, "filled");
    assert.equal(r.filledSize.toString(), "0.01");
    assert.equal(exchangeActions(c, "cancelByCloid").length, 1, "one cancel request, no retry");
    const cancelled = id("cancelled");
    await venue.createOrder({ clientOrderId: cancelled, side: "buy", type: "limit", price: book.bids[0]!.price.sub(venue.market.tickSize.mul(30)), size: venue.market.minSize, postOnly: true });
    assert.equal((await venue.cancelOrder(cancelled)).status, "cancelled");
    assert.equal((await venue.cancelOrder(cancelled)).status, "cancelled", "a second cancel reports the final state");
  }));

test("9. a submit whose answer was lost (the venue accepted it) ends with exactly one live order, asked about and never re-sent", () =>
  withVenue(async (c) => {
    const { venue, fake, user } = c;
    const book = await venue.fetchOrderBook();
    const oid = id("lost");
    const req = { clientOrderId: oid, side: "buy" as const, type: "limit" as const, price: book.bids[0]!.price.sub(venue.market.tickSize.mul(10)), size: venue.market.minSize, postOnly: true };
    fake.faults.loseResponse("exchange", 1, (b) => (b.action as { type?: string }).type === "order");
    const err = await venue.createOrder(req).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof NetworkError && isRetryable(err), `a lost answer is an unknown outcome: ${String(err)}`);
    const asked = await venue.fetchOrder(oid);
    assert.equal(asked.status, "open", "the venue knows it by our client id");
    await assert.rejects(venue.createOrder(req), InvalidOrder, "the same client id is never sent twice");
    assert.equal(exchangeActions(c, "order").length, 1);
    assert.equal(fake.engine.openOrders(user).length, 1, "exactly one live order");
  }));

test("10. tick, lot and minimum rules are checked before sending; market orders are priced on the venue's grid", () =>
  withVenue(async (c) => {
    const { venue } = c;
    const m = venue.market;
    assert.equal(m.tickSize.toString(), "0.1");
    assert.equal(m.lotSize.toString(), "0.0001");
    assert.ok(m.minSize.mul(m.minPrice).gte(10), `minSize ${m.minSize} is worth $10 anywhere in [${m.minPrice}, ${m.maxPrice}]`);
    const book = await venue.fetchOrderBook();
    const before = c.fake.requests.length;
    const base = { side: "buy" as const, type: "limit" as const, price: book.bids[0]!.price.sub(m.tickSize.mul(10)), size: m.minSize, postOnly: true };
    await assert.rejects(venue.createOrder({ ...base, clientOrderId: id("t"), price: base.price.add("0.05") }), InvalidOrder);
    await assert.rejects(venue.createOrder({ ...base, clientOrderId: id("l"), size: m.minSize.add("0.00005") }), InvalidOrder);
    await assert.rejects(venue.createOrder({ ...base, clientOrderId: id("m"), size: m.minSize.sub(m.lotSize) }), InvalidOrder);
    assert.equal(c.fake.requests.length, before, "nothing reached the venue");
    await venue.createOrder({ clientOrderId: id("mkt"), side: "buy", type: "market", size: m.minSize });
    const sent = exchangeActions(c, "order").at(-1)!.body.action as { orders: { p: string; t: { limit: { tif: string } } }[] };
    assert.equal(sent.orders[0]!.t.limit.tif, "Ioc");
    assert.ok(d(sent.orders[0]!.p).div(m.tickSize).isInteger() && d(sent.orders[0]!.p).gt(book.asks[0]!.price));
  }));

test("10b. a tick-size change (the market crosses 10 000, where the tick goes 0.1 → 1): the desk re-rounds its quotes to the new tick", () =>
  withVenue(async (c) => {
    const runner = await runnerOn(c, "hl-grid", { quoteOnBookMs: 0 });
    const ours = () => c.fake.engine.openOrders(c.user);
    const tick = () => runner.tick(Date.now());
    await until("quotes resting", async () => (await tick(), ours().length === 2), 20_000);
    assert.equal(c.venue.market.tickSize.toString(), "0.1");
    const before = ours().map((o) => o.oid);
    const grids: MarketSpec[] = [];
    c.venue.watchMarket((m) => grids.push(m));
    // Only the stream tells the desk: no clock tick from here.
    c.fake.engine.setMark("ETH", "10020");
    await until("our quotes replaced on the new tick", () => ours().length === 2 && ours().every((o) => !before.includes(o.oid) && o.px.isInteger() && o.px.gte(10_000)), 20_000);
    assert.deepEqual(grids.map((m) => [m.tickSize.toString(), m.minPrice.gte(10_000)]), [["1", true]], "one new grid, on tick 1");
    assert.equal(runner.market.tickSize.toString(), "1", "the desk quotes on it");
    assert.equal(runner.quoter.market, c.venue.market);
    for (const oid of before) assert.equal(c.fake.engine.orders.get(oid)?.status, "canceled", `the order on the old tick ${oid} was cancelled`);
    const refused = c.fake.exchange.actions.filter((a) => /tick size|80% away/.test(JSON.stringify(a.answer)));
    assert.deepEqual(refused, [], "nothing the venue refused for its grid");
    assert.equal(runner.riskState, "ACTIVE");
    await runner.shutdown("test");
  }, { fake: { coins: DEFAULT_COINS.map((x) => (x.name === "ETH" ? { ...x, mark: "9990" } : x)), houseHalfSpreadTicks: 100, houseSize: "1" } }));

test("10c. a book read before a tick-size change, timed by the venue in the same millisecond and answered after it, does not move the grid back", async () => {
  // The venue's clock held still for the race: the read's book and the stream's book carry the same time.
  let pinned: number | null = null;
  const fake = await startFakeHyperliquid({ coins: DEFAULT_COINS.map((x) => (x.name === "ETH" ? { ...x, mark: "9990" } : x)), houseHalfSpreadTicks: 100, houseSize: "1", now: () => pinned ?? Date.now() });
  const c = await connect({ fakeInstance: fake });
  try {
    const { venue } = c;
    assert.equal(venue.market.tickSize.toString(), "0.1");
    const grids: MarketSpec[] = [];
    venue.watchMarket((m) => grids.push(m));
    // The REST read a desk makes when the stream has no book (between a reconnect and its first book), its
    // answer held back until the stream has moved the grid.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const info = venue.client.info.bind(venue.client);
    venue.client.info = async (body) => {
      const answer = await info(body);
      if (body.type === "l2Book") await held;
      return answer;
    };
    venue.stream.book = null;
    pinned = Date.now();
    const read = venue.fetchOrderBook();
    await until("the read answered (held)", () => fake.requests.some((r) => JSON.stringify(r).includes("l2Book")), 5_000);
    fake.engine.setMark("ETH", "10020");
    await until("the stream moved the grid", () => venue.market.tickSize.toString() === "1", 5_000);
    release();
    const stale = await read;
    assert.ok(stale.bids[0]!.price.lt(10_000), "the read's book is from before the move");
    assert.equal(stale.ts, venue.stream.book!.ts, "in the same millisecond as the book that moved the grid");
    assert.equal(venue.market.tickSize.toString(), "1", "the grid stays where the newer book put it");
    assert.deepEqual(grids.map((m) => m.tickSize.toString()), ["1"], "one new grid, never moved back");
  } finally {
    pinned = null;
    await c.close();
    await fake.close();
  }
});

test("11. authentication failures are reported as such and never retried", async () => {
  const fake = await startFakeHyperliquid();
  try {
    const stranger = generatePrivateKey();
    const open = HyperliquidVenue.open({ walletAddress: fake.users[0]!, privateKey: stranger, network: "mainnet", restUrl: fake.url, symbol: SYMBOL, deadmanMs: null, rateLimitMs: 2 });
    await assert.rejects(open, (e: unknown) => e instanceof AuthenticationError && !isRetryable(e) && /not an agent/.test((e as Error).message));
    // A key revoked while running: the order is refused as an authentication failure, once.
    const c = await connect({ fakeInstance: fake });
    try {
      fake.exchange.agents.delete(privateKeyToAccount(TEST_PRIVATE_KEY).address.toLowerCase());
      const book = await c.venue.fetchOrderBook();
      const before = exchangeActions(c, "order").length;
      const err = await c.venue.createOrder({ clientOrderId: id("auth"), side: "buy", type: "limit", price: book.bids[0]!.price.sub(1), size: c.venue.market.minSize, postOnly: true }).then(() => null, (e: unknown) => e);
      assert.ok(err instanceof AuthenticationError, String(err));
      assert.equal(isRetryable(err), false);
      assert.equal(exchangeActions(c, "order").length, before + 1, "sent once, not retried");
    } finally {
      await c.close();
    }
  } finally {
    await fake.close();
  }
});
