// The live surface of the venue contract (server/venue/types.ts): the market's rules, batches with a result
// per leg, order updates and books pushed, the dead-man switch. Run by venueContract for every venue:
// the paper and replay venues (on simulated time) and each live adapter (against its wire-level fake).
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import type { OrderBook } from "@/lib/market";
import type { CreateOrderRequest, Venue, VenueOrder } from "@/server/venue/types";
import { InvalidOrder, OrderNotFound, PostOnlyWouldCross } from "@/server/venue/errors";
import { assertWellFormedBook, type VenueUnderTest } from "./contract";

let ids = 0;
const cid = (tag: string) => `cl-${tag}-${++ids}-${Date.now().toString(36)}`;

function passive(venue: Venue, book: OrderBook, side: "buy" | "sell", n: number, id = cid(`p-${side}`)): CreateOrderRequest {
  const m = venue.market;
  const p = side === "buy" ? book.bids[0]!.price.minus(m.tickSize.mul(n)) : book.asks[0]!.price.plus(m.tickSize.mul(n));
  return { clientOrderId: id, side, type: "limit", price: Decimal.min(m.maxPrice, Decimal.max(m.minPrice, p)), size: m.minSize, postOnly: true };
}

/** Lets venue time pass (at most `tries` steps) until `cond` holds. */
async function waitFor(h: VenueUnderTest, what: string, cond: () => boolean, tries = 100): Promise<void> {
  for (let i = 0; i < tries && !cond(); i++) {
    await h.advance(20);
    // A live venue's pushes arrive on the event loop's later turns (a simulated one has delivered already).
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.ok(cond(), `${what} within ${tries} steps of venue time`);
}

export function liveSurfaceContract(withVenue: (fn: (h: VenueUnderTest, t: TestContext) => Promise<void>) => (t: TestContext) => Promise<void>): void {
  test("loadMarkets states the market's rules: the grid quoted on and a notional minimum the minimum size meets", withVenue(async ({ venue }) => {
    const r = await venue.loadMarkets();
    const m = venue.market;
    for (const k of ["tickSize", "lotSize", "minSize", "minPrice", "maxPrice"] as const) assert.ok(r[k].eq(m[k]), `${k}: ${r[k]} = ${m[k]}`);
    assert.equal(r.symbol, m.symbol);
    assert.ok(Decimal.isDecimal(r.minNotional) && r.minNotional.gte(0));
    assert.ok(r.minSize.mul(r.minPrice).gte(r.minNotional), `the minimum size is worth the minimum notional anywhere in the band (${r.minSize} × ${r.minPrice} ≥ ${r.minNotional})`);
  }));

  test("createOrders: a result per leg; a crossing post-only leg and an invalid leg fail on their own, the others rest", withVenue(async ({ venue }) => {
    const book = await venue.fetchOrderBook();
    const m = venue.market;
    const good = [passive(venue, book, "buy", 40), passive(venue, book, "sell", 40)];
    const crossing: CreateOrderRequest = { clientOrderId: cid("cross"), side: "buy", type: "limit", price: Decimal.min(m.maxPrice, book.asks[0]!.price.plus(m.tickSize)), size: m.minSize, postOnly: true };
    const offTick: CreateOrderRequest = { ...passive(venue, book, "buy", 50), clientOrderId: cid("tick") };
    const res = await venue.createOrders([good[0]!, crossing, { ...offTick, price: offTick.price!.minus(m.tickSize.div(2)) }, good[1]!]);
    assert.equal(res.length, 4);
    assert.equal((res[0] as VenueOrder).status, "open");
    assert.ok(res[1] instanceof PostOnlyWouldCross, `leg 2: ${String(res[1])}`);
    assert.ok(res[2] instanceof InvalidOrder, `leg 3: ${String(res[2])}`);
    assert.equal((res[3] as VenueOrder).status, "open");
    assert.deepEqual((await venue.fetchOpenOrders()).map((o) => o.clientOrderId).sort(), good.map((g) => g.clientOrderId).sort());
    await venue.cancelAllOrders();
  }));

  test("cancelOrders: a result per leg; resting orders confirmed cancelled, an unknown id its OrderNotFound", withVenue(async ({ venue }) => {
    const book = await venue.fetchOrderBook();
    const a = passive(venue, book, "buy", 40);
    const b = passive(venue, book, "sell", 40);
    await venue.createOrders([a, b]);
    const res = await venue.cancelOrders([a.clientOrderId, cid("nobody"), b.clientOrderId]);
    assert.equal(res.length, 3);
    assert.equal((res[0] as VenueOrder).status, "cancelled");
    assert.equal((res[0] as VenueOrder).clientOrderId, a.clientOrderId);
    assert.ok(res[1] instanceof OrderNotFound, `leg 2: ${String(res[1])}`);
    assert.equal((res[2] as VenueOrder).status, "cancelled");
    assert.deepEqual(await venue.fetchOpenOrders(), []);
    assert.deepEqual(await venue.cancelOrders([]), []);
  }));

  test("watchOrders pushes our orders' changes: placed, then cancelled; an unsubscribed listener gets nothing", withVenue(async (h) => {
    const { venue } = h;
    const seen: VenueOrder[] = [];
    const off = venue.watchOrders((o) => seen.push(o));
    const book = await venue.fetchOrderBook();
    const req = passive(venue, book, "buy", 40);
    await venue.createOrder(req);
    await waitFor(h, "the order pushed as open", () => seen.some((o) => o.clientOrderId === req.clientOrderId && o.status === "open"));
    await venue.cancelOrder(req.clientOrderId);
    await waitFor(h, "the order pushed as cancelled", () => seen.some((o) => o.clientOrderId === req.clientOrderId && o.status === "cancelled"));
    const mine = seen.filter((o) => o.clientOrderId === req.clientOrderId);
    assert.ok(mine.every((o) => o.side === "buy" && o.price?.eq(req.price!) && o.size.eq(req.size)), "the pushed orders are ours as sent");
    off();
    const n = seen.length;
    await venue.createOrder(passive(venue, book, "sell", 40));
    await h.advance(20);
    assert.equal(seen.length, n);
    await venue.cancelAllOrders();
  }));

  test("watchOrderBook pushes well-formed books as the market moves", withVenue(async (h) => {
    const books: OrderBook[] = [];
    const off = h.venue.watchOrderBook((b) => books.push(b));
    await waitFor(h, "a book pushed", () => books.length > 0);
    off();
    for (const b of books) assertWellFormedBook(b, h.venue);
  }));

  test("dead-man: armed, refreshed, disarmed (nothing cancelled); armed and left to expire, every resting order of ours is cancelled", withVenue(async (h, t) => {
    if (h.deadmanSkip) return t.skip(h.deadmanSkip);
    const { venue } = h;
    const dm = h.deadman ?? { ms: 100, expire: () => h.advance(101) };
    const book = await venue.fetchOrderBook();
    // Far from the touch: the market does not reach them while the dead-man's time passes.
    const a = passive(venue, book, "buy", 200);
    const b = passive(venue, book, "sell", 200);
    await venue.createOrders([a, b]);
    const status = async () => Promise.all([a, b].map(async (r) => (await venue.fetchOrder(r.clientOrderId)).status));
    await venue.armDeadman(dm.ms);
    await venue.armDeadman(dm.ms); // the refresh
    await venue.disarmDeadman();
    await dm.expire();
    assert.deepEqual(await status(), ["open", "open"], "disarmed: nothing cancelled");
    await venue.armDeadman(dm.ms);
    await dm.expire();
    assert.deepEqual(await status(), ["cancelled", "cancelled"], "expired: our orders are cancelled");
    assert.deepEqual(await venue.fetchOpenOrders(), []);
  }));
}
