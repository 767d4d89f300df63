// Flattener (server/runner/flattener.ts): the emergency close as a state machine over a real OrderTracker and
// Execution, on a venue the test answers by hand. Quotes down first (or after cancelWaitMs), then market
// orders until |excess| < one lot, five attempts, a dry book or a failed order; reduce-only only when the
// move shrinks the position without crossing zero; the result's price is the fills' VWAP.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import type { MarketSpec } from "@/lib/market";
import { Flattener, type FlattenResult } from "@/server/runner/flattener";
import type { TrackedOrder } from "@/server/runner/order-tracker";
import { InsufficientFunds, RequestTimeout } from "@/server/venue/errors";
import { D, ExecutionRig, MARKET, fillOf, limitOrder, newId, settle } from "@/tests/support/runner-doubles";

const CANCEL_WAIT_MS = 500;

class FlattenRig extends ExecutionRig {
  inventory: Decimal;
  readonly flattener: Flattener;

  constructor(inventory: Decimal.Value, readonly target: Decimal = D(0), market: MarketSpec = MARKET) {
    super();
    this.inventory = D(inventory);
    this.flattener = new Flattener({
      tracker: this.tracker,
      execution: this.execution,
      market,
      now: this.clock.now,
      excess: () => this.inventory.sub(this.target),
      inventory: () => this.inventory,
      newId,
      cancelWaitMs: CANCEL_WAIT_MS,
    });
    // As the runner does: every venue answer moves the flattener on.
    this.onSettled = () => this.flattener.step();
  }

  /** A quote resting at the venue. */
  quote(side: "buy" | "sell", price: Decimal.Value): TrackedOrder {
    const o = this.tracker.track(limitOrder(side, price));
    this.tracker.apply(o.clientOrderId, "accepted");
    return o;
  }

  /** The market orders sent so far, as [side, size, reduceOnly]. */
  get markets(): Array<[string, string, boolean]> {
    return this.venue.creates.filter((c) => c.req.type === "market").map((c) => [c.req.side, c.req.size.toString(), c.req.reduceOnly ?? false]);
  }

  /** The market order in flight. */
  get current(): TrackedOrder {
    const c = this.venue.openCreates.at(-1);
    assert.ok(c && c.req.type === "market", "a market order is in flight");
    return this.tracker.get(c.req.clientOrderId)!;
  }

  /** A fill of `o` booked as the runner books it: position, flattener, tracker. */
  book(o: TrackedOrder, size: Decimal.Value, price: Decimal.Value): void {
    const f = fillOf(o, size, price);
    this.inventory = this.inventory.add(o.side === "buy" ? f.size : f.size.neg());
    this.flattener.onFill(f.clientOrderId, f.price, f.size);
    this.tracker.onFill(f);
  }

  /** The current market order fills `fills` ([size, price]…), then the venue answers; the rest expires. */
  async fillCurrent(...fills: Array<[Decimal.Value, Decimal.Value]>): Promise<void> {
    const o = this.current;
    for (const [size, price] of fills) this.book(o, size, price);
    const total = o.filled;
    this.venue.answerCreate(o.clientOrderId, total.gte(o.size) ? "filled" : "cancelled", total);
    await settle();
  }
}

/** Settles the promise's state without waiting: "pending" or its value. */
async function peek(p: Promise<FlattenResult>): Promise<FlattenResult | "pending"> {
  return Promise.race([p, settle().then(() => "pending" as const)]);
}

/** The flatten's result, which must be there by now. */
async function finished(p: Promise<FlattenResult>): Promise<FlattenResult> {
  const r = await peek(p);
  assert.notEqual(r, "pending", "the flatten has finished");
  return r as FlattenResult;
}

describe("Flattener: quotes first", () => {
  test("cancels every quote, and sends the market order once they are down", async () => {
    const r = new FlattenRig("1");
    const bid = r.quote("buy", "99");
    const ask = r.quote("sell", "101");
    void r.flattener.start("emergency");
    assert.equal(r.venue.cancelsOf(bid.clientOrderId), 1);
    assert.equal(r.venue.cancelsOf(ask.clientOrderId), 1);
    assert.deepEqual(r.markets, [], "no market order while quotes rest");

    r.venue.answerCancel(bid);
    await settle();
    assert.deepEqual(r.markets, [], "one quote is still up");

    r.venue.answerCancel(ask);
    await settle();
    assert.deepEqual(r.markets, [["sell", "1", true]]);
    assert.equal(r.current.reason, "emergency");
  });

  test("quotes whose cancels hang stop holding the market order back after cancelWaitMs", async () => {
    const r = new FlattenRig("-0.5");
    r.quote("buy", "99");
    r.quote("sell", "101");
    void r.flattener.start("emergency");
    r.clock.advance(CANCEL_WAIT_MS - 1);
    r.flattener.step();
    assert.deepEqual(r.markets, []);
    r.clock.advance(1);
    r.flattener.step();
    assert.deepEqual(r.markets, [["buy", "0.5", true]]);
  });

  test("with nothing to flatten it finishes at once, the quotes still cancelled", async () => {
    const r = new FlattenRig("0.009");
    const bid = r.quote("buy", "99");
    const p = r.flattener.start("emergency");
    r.venue.answerCancel(bid);
    const res = await peek(p);
    assert.deepEqual(res, { filled: D(0), averagePrice: null, failure: null });
    assert.equal(r.venue.cancelsOf(bid.clientOrderId), 1);
    assert.deepEqual(r.markets, []);
    assert.equal(r.flattener.active, false);
  });
});

describe("Flattener: market orders", () => {
  test("an excess under the venue's minimum order is left alone", async () => {
    const r = new FlattenRig("0.04", D(0), { ...MARKET, minSize: D("0.05") });
    const res = await finished(r.flattener.start("emergency"));
    assert.equal(res.filled.toString(), "0");
    assert.deepEqual(r.markets, []);
  });


  test("repeats until |excess| is under one lot; the price is the fills' volume-weighted average", async () => {
    const r = new FlattenRig("1.005");
    const p = r.flattener.start("emergency");
    assert.deepEqual(r.markets, [["sell", "1", true]], "the excess rounded down to the lot");
    await r.fillCurrent(["0.1", "100"], ["0.5", "99.5"]);
    assert.deepEqual(r.markets.slice(1), [["sell", "0.4", true]], "the rest, once the first order is done");
    assert.equal(await peek(p), "pending");
    await r.fillCurrent(["0.4", "98.9"]);
    const res = await finished(p);
    // (0.1 × 100 + 0.5 × 99.5 + 0.4 × 98.9) / 1 = 99.31
    assert.equal(res.filled.toString(), "1");
    assert.equal(res.averagePrice?.toString(), "99.31");
    assert.equal(res.failure, null);
    assert.equal(r.markets.length, 2);
    assert.equal(r.inventory.toString(), "0.005");
    assert.equal(r.flattener.active, false);
  });

  test("the average is rounded to the tick and counts only the flatten's own fills", async () => {
    const r = new FlattenRig("0.3");
    const bid = r.quote("buy", "99");
    const p = r.flattener.start("emergency");
    r.venue.answerCancel(bid);
    await settle();
    // A quote's fill racing its cancel is not part of the flatten's price.
    r.flattener.onFill(bid.clientOrderId, D("1"), D("5"));
    await r.fillCurrent(["0.1", "100"], ["0.2", "101"]);
    const res = await finished(p);
    assert.equal(res.filled.toString(), "0.3");
    assert.equal(res.averagePrice?.toString(), "100.67", "30.2 / 0.3 = 100.666…");
  });

  test("stops after five attempts", async () => {
    const r = new FlattenRig("1");
    const p = r.flattener.start("emergency");
    for (let i = 0; i < 5; i++) {
      assert.equal(await peek(p), "pending");
      await r.fillCurrent(["0.01", "100"]);
    }
    const res = await finished(p);
    assert.equal(r.markets.length, 5);
    assert.equal(res.filled.toString(), "0.05");
    assert.equal(r.venue.openCreates.length, 0, "no sixth order");
    assert.match(res.failure ?? "", /after 5 market orders/, "gave up with the excess open, and says so");
  });

  test("stops when an order fills nothing: the book is dry", async () => {
    const r = new FlattenRig("-1");
    const p = r.flattener.start("emergency");
    await r.fillCurrent(["0.3", "100"]);
    await r.fillCurrent();
    const res = await finished(p);
    assert.deepEqual(r.markets, [["buy", "1", true], ["buy", "0.7", true]]);
    assert.equal(res.filled.toString(), "0.3");
    assert.equal(res.averagePrice?.toString(), "100");
    // Gave up with the excess still open: the caller must be able to tell that from "done".
    assert.match(res.failure ?? "", /book ran dry/);
  });

  test("a rejected market order is reported as the failure", async () => {
    const r = new FlattenRig("1");
    const p = r.flattener.start("emergency");
    r.venue.failCreate(r.current.clientOrderId, new InsufficientFunds("not enough margin"));
    const res = await finished(p);
    assert.match(res.failure ?? "", /market sell 1 failed: .*InsufficientFunds: not enough margin/);
    assert.equal(res.filled.toString(), "0");
    assert.equal(res.averagePrice, null);
    assert.equal(r.markets.length, 1);
  });

  test("a market order whose outcome is unknown is never followed by another one", async () => {
    const r = new FlattenRig("1");
    const p = r.flattener.start("emergency");
    r.venue.failCreate(r.current.clientOrderId, new RequestTimeout("no answer"));
    await settle();
    for (let i = 0; i < 5; i++) {
      r.clock.advance(1_000);
      r.flattener.step();
    }
    assert.equal(r.markets.length, 1);
    assert.equal(await peek(p), "pending");
  });

  test(
    "a market order the venue reports partly filled, with its fills still on the way, is not taken for a dry book",
    async () => {
      const r = new FlattenRig("1");
      const p = r.flattener.start("emergency");
      const first = r.current;
      r.venue.answerCreate(first.clientOrderId, "cancelled", "0.6");
      await settle();
      assert.equal(first.venueFilled.toString(), "0.6", "the tracker knows the venue filled 0.6");
      r.book(first, "0.6", "100");
      r.flattener.step();
      assert.equal(await peek(p), "pending", "the flatten goes on with the rest");
      assert.deepEqual(r.markets, [["sell", "1", true], ["sell", "0.4", true]]);
    },
  );
});

describe("Flattener: reduce-only", () => {
  // [inventory, target, side, size, reduceOnly]
  const rows: Array<[string, string, string, string, boolean, string]> = [
    ["1", "0", "sell", "1", true, "long to flat shrinks the position"],
    ["-0.9", "-0.4", "buy", "0.5", true, "short toward a smaller short"],
    ["0.7", "0.2", "sell", "0.5", true, "long toward a smaller long"],
    ["1", "-0.5", "sell", "1.5", false, "crossing zero"],
    ["-0.4", "-0.9", "sell", "0.5", false, "a target further from zero than the position adds"],
    ["0", "0.3", "buy", "0.3", false, "from flat"],
  ];
  for (const [inv, target, side, size, reduceOnly, why] of rows) {
    test(`inventory ${inv}, target ${target}: ${side} ${size}, reduce-only ${reduceOnly} (${why})`, () => {
      const r = new FlattenRig(inv, D(target));
      void r.flattener.start("emergency");
      assert.deepEqual(r.markets, [[side, size, reduceOnly]]);
    });
  }
});

describe("Flattener.start", () => {
  test("a second start joins the flatten under way", async () => {
    const r = new FlattenRig("1");
    const bid = r.quote("buy", "99");
    const p1 = r.flattener.start("emergency threshold");
    const p2 = r.flattener.start("operator");
    assert.equal(p1, p2);
    assert.equal(r.venue.cancelsOf(bid.clientOrderId), 1);
    r.venue.answerCancel(bid);
    await settle();
    assert.equal(r.flattener.start("again"), p1);
    assert.equal(r.markets.length, 1);
    await r.fillCurrent(["1", "100"]);
    const res = await finished(p1);
    assert.equal(res.filled.toString(), "1");
    assert.equal(r.flattener.active, false);

    r.inventory = D("0.5");
    const p3 = r.flattener.start("later");
    assert.notEqual(p3, p1, "once finished, a start begins a new flatten");
    assert.deepEqual(r.markets.slice(1), [["sell", "0.5", true]]);
  });
});
