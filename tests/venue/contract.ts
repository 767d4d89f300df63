// The contract every Venue implementation must pass: paper, replay, and the live venues to come.
// A venue under test comes with a way to let its time pass (simulated venues: move the clock; live
// venues: sleep), and says whether a quote improving the touch can be expected to fill.
import { describe, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import type { OrderBook } from "@/lib/market";
import type { Venue, VenueFill, VenueOrder } from "@/server/venue/types";
import {
  ExchangeError,
  InvalidOrder,
  OrderNotFound,
  PostOnlyWouldCross,
  VenueError,
  isRetryable,
} from "@/server/venue/errors";
import { liveSurfaceContract } from "./contract-live";

export interface VenueUnderTest {
  venue: Venue;
  /** Lets `ms` of venue time pass and delivers what happened in it. */
  advance(ms: number): Promise<void>;
  /** A post-only buy one tick better than the best bid is expected to get a maker fill within this much
   * venue time. Omit for venues where that cannot be arranged (the maker-fill test then says why it skips). */
  makerFillWithinMs?: number;
  /** The dead-man's time passing at the venue, for venues where `advance` does not move time (a live fake):
   * `expire` makes an armed dead-man fire. Default: arm for 1 s of venue time and advance past it. */
  deadman?: { ms: number; expire(): Promise<void> };
  /** Why this venue's dead-man cannot be run through arm → disarm → expire (the dead-man test is skipped with it). */
  deadmanSkip?: string;
}

// Sums of many notionals and fees: decimal.js's default 20 significant digits could round them.
const Exact = Decimal.clone({ precision: 100 });

let ids = 0;
const cid = (tag: string) => `ct-${tag}-${++ids}-${Date.now().toString(36)}`;

function assertOnGrid(v: Decimal, step: Decimal, what: string): void {
  assert.ok(v.div(step).isInteger(), `${what} ${v} is not a multiple of ${step}`);
}

export function assertWellFormedBook(book: OrderBook, venue: Venue): void {
  const m = venue.market;
  assert.ok(Number.isFinite(book.ts), "book ts is a finite number");
  assert.ok(book.bids.length > 0 && book.asks.length > 0, "both sides have levels");
  for (const [side, levels] of [["bids", book.bids], ["asks", book.asks]] as const) {
    levels.forEach((l, i) => {
      assert.ok(Decimal.isDecimal(l.price) && Decimal.isDecimal(l.size), `${side}[${i}] holds Decimals`);
      assert.ok(l.size.gt(0), `${side}[${i}] size ${l.size} > 0`);
      assertOnGrid(l.price, m.tickSize, `${side}[${i}] price`);
      assertOnGrid(l.size, m.lotSize, `${side}[${i}] size`);
      assert.ok(l.price.gte(m.minPrice) && l.price.lte(m.maxPrice), `${side}[${i}] price ${l.price} inside the band`);
      if (i > 0) {
        const prev = levels[i - 1]!.price;
        assert.ok(side === "bids" ? l.price.lt(prev) : l.price.gt(prev), `${side} strictly sorted best first at ${i}: ${prev} then ${l.price}`);
      }
    });
  }
  assert.ok(book.bids[0]!.price.lt(book.asks[0]!.price), `best bid ${book.bids[0]!.price} < best ask ${book.asks[0]!.price}`);
}

function assertExchangeError(err: unknown, cls: new (...a: never[]) => VenueError): true {
  assert.ok(err instanceof cls, `expected ${cls.name}, got ${(err as Error)?.name}: ${(err as Error)?.message}`);
  assert.ok(err instanceof ExchangeError && err instanceof VenueError && err instanceof Error);
  assert.equal(isRetryable(err), false, `${cls.name} is not retryable`);
  return true;
}

/** A limit price `n` ticks away from the touch on the passive side, kept inside the band. */
function passivePrice(venue: Venue, book: OrderBook, side: "buy" | "sell", n: number): Decimal {
  const m = venue.market;
  const p = side === "buy" ? book.bids[0]!.price.minus(m.tickSize.mul(n)) : book.asks[0]!.price.plus(m.tickSize.mul(n));
  return Decimal.min(m.maxPrice, Decimal.max(m.minPrice, p));
}

export function venueContract(name: string, makeVenue: () => Promise<VenueUnderTest> | VenueUnderTest): void {
  const withVenue = (fn: (h: VenueUnderTest, t: TestContext) => Promise<void>) => async (t: TestContext) => {
    const h = await makeVenue();
    try {
      await fn(h, t);
    } finally {
      await h.venue.close();
    }
  };

  describe(`Venue contract: ${name}`, () => {
    liveSurfaceContract(withVenue);

    test("identifies itself and its market", withVenue(async ({ venue }) => {
      assert.ok(venue.id.length > 0);
      const m = venue.market;
      for (const k of ["tickSize", "lotSize", "minSize", "minPrice", "maxPrice", "makerFeeRate", "takerFeeRate"] as const) {
        assert.ok(Decimal.isDecimal(m[k]), `market.${k} is a Decimal`);
      }
      assert.ok(m.tickSize.gt(0) && m.lotSize.gt(0) && m.minPrice.lt(m.maxPrice));
    }));

    test("the book is well-formed, sorted best first, on the grid, and stays so as time passes", withVenue(async (h) => {
      for (let i = 0; i < 5; i++) {
        assertWellFormedBook(await h.venue.fetchOrderBook(), h.venue);
        await h.advance(700);
      }
    }));

    test("limit order lifecycle: create, listed open, confirmed cancel, gone", withVenue(async ({ venue }) => {
      const book = await venue.fetchOrderBook();
      const price = passivePrice(venue, book, "buy", 40);
      const size = venue.market.minSize;
      const id = cid("life");
      const o = await venue.createOrder({ clientOrderId: id, side: "buy", type: "limit", price, size, postOnly: true });
      assert.equal(o.clientOrderId, id);
      assert.ok(o.venueOrderId.length > 0);
      assert.equal(o.side, "buy");
      assert.equal(o.type, "limit");
      assert.ok(o.price?.eq(price), `price ${o.price} = ${price}`);
      assert.ok(o.size.eq(size));
      assert.ok(o.filledSize.eq(0));
      assert.equal(o.status, "open");
      const open = await venue.fetchOpenOrders();
      const listed = open.find((x) => x.clientOrderId === id);
      assert.ok(listed, "listed in fetchOpenOrders");
      assert.equal(listed.venueOrderId, o.venueOrderId);
      const c = await venue.cancelOrder(id);
      assert.equal(c.clientOrderId, id);
      assert.equal(c.status, "cancelled");
      assert.ok(!(await venue.fetchOpenOrders()).some((x) => x.clientOrderId === id), "gone once the cancel is confirmed");
      const again = await venue.cancelOrder(id);
      assert.equal(again.status, "cancelled", "cancelling a finished order reports its final state");
    }));

    test("cancelling an unknown order throws OrderNotFound", withVenue(async ({ venue }) => {
      await assert.rejects(venue.cancelOrder(cid("nobody")), (e) => assertExchangeError(e, OrderNotFound));
    }));

    test("invalid orders throw InvalidOrder and leave nothing open", withVenue(async ({ venue }) => {
      const m = venue.market;
      const book = await venue.fetchOrderBook();
      const price = passivePrice(venue, book, "buy", 40);
      const base = { side: "buy" as const, type: "limit" as const, price, size: m.minSize, postOnly: true };
      await assert.rejects(venue.createOrder({ ...base, clientOrderId: cid("tick"), price: price.minus(m.tickSize.div(2)) }), (e) => assertExchangeError(e, InvalidOrder));
      await assert.rejects(venue.createOrder({ ...base, clientOrderId: cid("lot"), size: m.minSize.plus(m.lotSize.div(2)) }), (e) => assertExchangeError(e, InvalidOrder));
      await assert.rejects(venue.createOrder({ ...base, clientOrderId: cid("band"), price: m.maxPrice.plus(m.tickSize) }), (e) => assertExchangeError(e, InvalidOrder));
      await assert.rejects(venue.createOrder({ ...base, clientOrderId: cid("zero"), size: new Decimal(0) }), (e) => assertExchangeError(e, InvalidOrder));
      await assert.rejects(venue.createOrder({ ...base, type: "limit", price: undefined, clientOrderId: cid("noprice") }), (e) => assertExchangeError(e, InvalidOrder));
      const id = cid("dup");
      await venue.createOrder({ ...base, clientOrderId: id });
      await assert.rejects(venue.createOrder({ ...base, clientOrderId: id }), (e) => assertExchangeError(e, InvalidOrder));
      const open = await venue.fetchOpenOrders();
      assert.deepEqual(open.map((o) => o.clientOrderId), [id], "only the one valid order rests");
      await venue.cancelOrder(id);
    }));

    test("a post-only order that would cross is rejected with PostOnlyWouldCross", withVenue(async ({ venue }) => {
      const book = await venue.fetchOrderBook();
      const m = venue.market;
      const buyId = cid("po-buy");
      const buyAt = Decimal.min(m.maxPrice, book.asks[0]!.price.plus(m.tickSize.mul(2)));
      await assert.rejects(venue.createOrder({ clientOrderId: buyId, side: "buy", type: "limit", price: buyAt, size: m.minSize, postOnly: true }), (e) => assertExchangeError(e, PostOnlyWouldCross));
      const sellId = cid("po-sell");
      const sellAt = Decimal.max(m.minPrice, book.bids[0]!.price.minus(m.tickSize.mul(2)));
      await assert.rejects(venue.createOrder({ clientOrderId: sellId, side: "sell", type: "limit", price: sellAt, size: m.minSize, postOnly: true }), (e) => assertExchangeError(e, PostOnlyWouldCross));
      const open = await venue.fetchOpenOrders();
      assert.ok(!open.some((o) => o.clientOrderId === buyId || o.clientOrderId === sellId));
    }));

    test("market orders fill at once as taker, with the taker fee exact in Decimal", withVenue(async (h) => {
      const { venue } = h;
      const fills: VenueFill[] = [];
      const off = venue.watchFills((f) => fills.push(f));
      const size = venue.market.minSize.mul(3);
      for (const side of ["buy", "sell"] as const) {
        const id = cid(`mkt-${side}`);
        const before = await venue.fetchOrderBook();
        const o = await venue.createOrder({ clientOrderId: id, side, type: "market", size });
        assert.equal(o.status, "filled");
        assert.ok(o.filledSize.eq(size));
        assert.equal(o.price, undefined);
        await h.advance(1);
        const mine = fills.filter((f) => f.clientOrderId === id);
        assert.ok(mine.length > 0, "fills delivered");
        const total = mine.reduce((a, f) => a.plus(f.size), new Decimal(0));
        assert.ok(total.eq(size), `fills add up to the order: ${total} vs ${size}`);
        for (const f of mine) {
          assert.equal(f.liquidity, "taker");
          assert.equal(f.side, side);
          assert.equal(f.venueOrderId, o.venueOrderId);
          assert.ok(f.fee.eq(f.price.mul(f.size).mul(venue.market.takerFeeRate)), `fee ${f.fee} = ${f.price} x ${f.size} x ${venue.market.takerFeeRate}`);
          assertOnGrid(f.price, venue.market.tickSize, "fill price");
          // A buy sweeps the asks: it cannot get a price better than the best ask it saw (nor a sell better than the bid),
          // unless the market moved in between; allow a few ticks for that.
          const slack = venue.market.tickSize.mul(200);
          if (side === "buy") assert.ok(f.price.gte(before.asks[0]!.price.minus(slack)));
          else assert.ok(f.price.lte(before.bids[0]!.price.plus(slack)));
        }
      }
      off();
    }));

    test("fills are delivered once with unique trade ids, and fetchMyTrades matches them", withVenue(async (h) => {
      const { venue } = h;
      const watched: VenueFill[] = [];
      const off = venue.watchFills((f) => watched.push(f));
      const m = venue.market;
      await venue.createOrder({ clientOrderId: cid("once-b"), side: "buy", type: "market", size: m.minSize.mul(5) });
      await h.advance(500);
      await venue.createOrder({ clientOrderId: cid("once-s"), side: "sell", type: "market", size: m.minSize.mul(2) });
      await h.advance(500);
      off();
      assert.ok(watched.length >= 2);
      const ids = watched.map((f) => f.tradeId);
      assert.equal(new Set(ids).size, ids.length, "no trade id delivered twice");
      const listed = await venue.fetchMyTrades();
      const byId = new Map(listed.map((f) => [f.tradeId, f]));
      assert.equal(byId.size, listed.length, "fetchMyTrades lists each trade once");
      for (const f of watched) {
        const g = byId.get(f.tradeId);
        assert.ok(g, `watched fill ${f.tradeId} is in fetchMyTrades`);
        assert.equal(g.clientOrderId, f.clientOrderId);
        assert.equal(g.side, f.side);
        assert.equal(g.liquidity, f.liquidity);
        assert.equal(g.ts, f.ts);
        assert.ok(g.price.eq(f.price) && g.size.eq(f.size) && g.fee.eq(f.fee));
      }
      assert.equal(listed.length, watched.length, "nothing in fetchMyTrades that was not delivered");
      const last = watched[watched.length - 1]!;
      const since = await venue.fetchMyTrades({ since: last.ts });
      assert.ok(since.some((f) => f.tradeId === last.tradeId));
      assert.ok(since.every((f) => f.ts >= last.ts));
    }));

    test("an unsubscribed listener gets nothing more", withVenue(async (h) => {
      const a: VenueFill[] = [];
      const b: VenueFill[] = [];
      const offA = h.venue.watchFills((f) => a.push(f));
      const offB = h.venue.watchFills((f) => b.push(f));
      offA();
      await h.venue.createOrder({ clientOrderId: cid("unsub"), side: "buy", type: "market", size: h.venue.market.minSize });
      await h.advance(10);
      offB();
      assert.equal(a.length, 0);
      assert.ok(b.length > 0);
    }));

    test("cancelAllOrders cancels every resting order and confirms each", withVenue(async ({ venue }) => {
      const book = await venue.fetchOrderBook();
      const m = venue.market;
      const bid = cid("all-b");
      const ask = cid("all-a");
      await venue.createOrder({ clientOrderId: bid, side: "buy", type: "limit", price: passivePrice(venue, book, "buy", 40), size: m.minSize, postOnly: true });
      await venue.createOrder({ clientOrderId: ask, side: "sell", type: "limit", price: passivePrice(venue, book, "sell", 40), size: m.minSize, postOnly: true });
      assert.equal((await venue.fetchOpenOrders()).length, 2);
      const cancelled = await venue.cancelAllOrders();
      assert.deepEqual(cancelled.map((o) => o.clientOrderId).sort(), [ask, bid].sort());
      assert.ok(cancelled.every((o) => o.status === "cancelled"));
      assert.deepEqual(await venue.fetchOpenOrders(), []);
      assert.deepEqual(await venue.cancelAllOrders(), [], "nothing left to cancel");
    }));

    test("fetchOrder by client id returns open and finished orders; an unknown id throws OrderNotFound", withVenue(async (h) => {
      const { venue } = h;
      const m = venue.market;
      const book = await venue.fetchOrderBook();
      const restingId = cid("fo-rest");
      const placed = await venue.createOrder({ clientOrderId: restingId, side: "buy", type: "limit", price: passivePrice(venue, book, "buy", 40), size: m.minSize, postOnly: true });
      const open = await venue.fetchOrder(restingId);
      assert.equal(open.clientOrderId, restingId);
      assert.equal(open.venueOrderId, placed.venueOrderId);
      assert.equal(open.status, "open");
      assert.ok(open.price?.eq(placed.price!) && open.size.eq(m.minSize) && open.filledSize.eq(0));
      const cancelled = await venue.cancelOrder(restingId);
      const after = await venue.fetchOrder(restingId);
      assert.equal(after.status, "cancelled", "a cancelled order is still known");
      assert.equal(after.venueOrderId, placed.venueOrderId);
      assert.equal(after.ts, cancelled.ts);
      const mktId = cid("fo-mkt");
      const filled = await venue.createOrder({ clientOrderId: mktId, side: "buy", type: "market", size: m.minSize.mul(2) });
      await h.advance(1);
      const got = await venue.fetchOrder(mktId);
      assert.equal(got.status, "filled");
      assert.ok(got.filledSize.eq(filled.filledSize) && got.filledSize.eq(m.minSize.mul(2)));
      await assert.rejects(venue.fetchOrder(cid("fo-nobody")), (e) => assertExchangeError(e, OrderNotFound));
    }));

    test("position is the signed sum of our fills, cash is -buy notional + sell notional - fees", withVenue(async (h) => {
      const { venue } = h;
      const m = venue.market;
      // A live account does not start empty: compare what our fills changed.
      const startPosition = await venue.fetchPosition();
      const startBalance = await venue.fetchBalance();
      await venue.createOrder({ clientOrderId: cid("pb-b"), side: "buy", type: "market", size: m.minSize.mul(7) });
      await h.advance(300);
      await venue.createOrder({ clientOrderId: cid("pb-s"), side: "sell", type: "market", size: m.minSize.mul(3) });
      await h.advance(300);
      const fills = await venue.fetchMyTrades();
      assert.ok(fills.length >= 2, "the market orders filled");
      let qty = new Exact(0);
      let cash = new Exact(0);
      for (const f of fills) {
        const notional = new Exact(f.price).mul(f.size);
        qty = f.side === "buy" ? qty.add(f.size) : qty.sub(f.size);
        cash = (f.side === "buy" ? cash.sub(notional) : cash.add(notional)).sub(f.fee);
      }
      const position = await venue.fetchPosition();
      assert.ok(Decimal.isDecimal(position.qty) && Number.isFinite(position.ts));
      assert.equal(new Exact(position.qty).sub(startPosition.qty).toString(), qty.toString(), "position = signed sum of fills");
      assert.ok(qty.gte(m.minSize.mul(4)), `bought 7, sold 3 lots of minSize: ${qty}`);
      const balance = await venue.fetchBalance();
      assert.equal(new Exact(balance.quote).sub(startBalance.quote).toString(), cash.toString(), "cash = -buys + sells - fees");
      assert.equal(balance.base.toString(), position.qty.toString(), "base balance = position");
      assert.ok(Number.isFinite(balance.ts));
    }));

    test("a quote improving the touch gets maker fills at its price with the maker fee", async (t) => {
      const h = await makeVenue();
      try {
        if (h.makerFillWithinMs === undefined) {
          t.skip(`${name}: no maker fill can be arranged on this venue`);
          return;
        }
        const { venue } = h;
        const m = venue.market;
        const book = await venue.fetchOrderBook();
        const spreadTicks = book.asks[0]!.price.minus(book.bids[0]!.price).div(m.tickSize).toNumber();
        const price = spreadTicks > 1 ? book.bids[0]!.price.plus(m.tickSize) : book.bids[0]!.price;
        const size = m.minSize.mul(1000);
        const id = cid("maker");
        const fills: VenueFill[] = [];
        const off = venue.watchFills((f) => f.clientOrderId === id && fills.push(f));
        await venue.createOrder({ clientOrderId: id, side: "buy", type: "limit", price, size, postOnly: true });
        for (let waited = 0; waited < h.makerFillWithinMs && !fills.length; waited += 100) await h.advance(100);
        assert.ok(fills.length > 0, `a fill within ${h.makerFillWithinMs} ms`);
        let last: VenueOrder | undefined = (await venue.fetchOpenOrders()).find((o) => o.clientOrderId === id);
        last = await venue.cancelOrder(id);
        off();
        assert.ok(last.status === "cancelled" || last.status === "filled");
        const total = fills.reduce((a, f) => a.plus(f.size), new Decimal(0));
        assert.ok(total.eq(last.filledSize), `fills ${total} = filledSize ${last.filledSize}`);
        assert.ok(total.lte(size));
        for (const f of fills) {
          assert.equal(f.liquidity, "maker");
          assert.ok(f.price.eq(price), `maker fill at our price ${price}, got ${f.price}`);
          assert.ok(f.fee.eq(f.price.mul(f.size).mul(m.makerFeeRate)), `fee ${f.fee} exact`);
        }
      } finally {
        await h.venue.close();
      }
    });
  });
}
