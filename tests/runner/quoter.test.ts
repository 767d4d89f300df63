// Quoter (server/runner/quoter.ts): decide → risk gate → requote over a real OrderTracker and Execution on a
// venue the test answers by hand. Cancel before re-quote; place only once both sides are clear; keep a quote
// within tolerance; never two live orders on a side; stand down cancels everything; rebalances are chunked.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import type { OrderBook } from "@/lib/market";
import { compileStrategyParams, decideQuotes, type QuoteDecision } from "@/lib/strategy";
import { Quoter, type QuoterConfig, type QuoterStats } from "@/server/runner/quoter";
import { OrderRateLimiter, RiskGate } from "@/server/runner/risk-gate";
import { RequestTimeout } from "@/server/venue/errors";
import { D, ExecutionRig, MARKET, fillOf, newId, orderRecord } from "@/tests/support/runner-doubles";

const PARAMS = compileStrategyParams({
  maxInventory: "1",
  orderSize: "0.1",
  maxPosition: "0.1",
  minSpread: "0.5",
  maxSpread: "5",
  spread: "1",
  skewUnit: "1",
  imbalanceUnit: "0.1",
  safeRangeLow: null,
  safeRangeHigh: null,
});

/** A symmetric three-level book around `mid`, 0.1 apart. */
function bookAt(mid: Decimal.Value): OrderBook {
  const m = D(mid);
  const lvl = (off: string) => ({ price: m.add(off), size: D(1) });
  return { bids: ["-0.1", "-0.2", "-0.3"].map(lvl), asks: ["0.1", "0.2", "0.3"].map(lvl), ts: 0 };
}

const decide = (mid: Decimal.Value = 100, inventory: Decimal.Value = 0): QuoteDecision => decideQuotes({ inventory: D(inventory) }, PARAMS, bookAt(mid), MARKET);

/** The same decision with both quotes moved by `ticks` and, optionally, another size. */
function shifted(d: QuoteDecision, ticks: number, size?: Decimal.Value): QuoteDecision {
  const move = (q: QuoteDecision["bid"]) => (q ? { price: q.price.add(MARKET.tickSize.mul(ticks)), size: size === undefined ? q.size : D(size) } : null);
  return { ...d, bid: move(d.bid), ask: move(d.ask) };
}

class QuoterRig extends ExecutionRig {
  readonly stats: QuoterStats = { ordersPlaced: 0, requotesSkipped: 0, ticksQuoting: 0, quotesClamped: 0 };
  readonly quoter: Quoter;
  /** The newest book the desk has seen (what the runner's decision loop and the venue's stream note). */
  book: OrderBook | null = null;

  constructor(config: Partial<QuoterConfig> = {}) {
    super();
    const gate = new RiskGate(new OrderRateLimiter(1_000));
    this.quoter = new Quoter(this.tracker, this.execution, gate, MARKET, { requoteToleranceTicks: 2, rebalanceChunk: null, maxCrossMarginTicks: 32, crossMarginDecayMs: 5_000, ...config }, this.stats, newId, () => this.book);
    // As the runner does: every venue answer lets the quoter move on.
    this.onSettled = () => this.quoter.step();
  }

  plan(d: QuoteDecision, inventory: Decimal.Value = 0): void {
    this.quoter.plan(d, PARAMS, { riskState: "ACTIVE", inventory: D(inventory), targetInventory: D(0), maxInventory: D(1), lotSize: MARKET.lotSize, now: this.clock.now() });
  }

  /** Every create sent so far, as [side, price, size]. */
  get sent(): Array<[string, string, string]> {
    return this.venue.creates.map((c) => [c.req.side, c.req.price?.toString() ?? "market", c.req.size.toString()]);
  }

  async acceptAll(): Promise<void> {
    for (const c of this.venue.openCreates) this.venue.answerCreate(c.req.clientOrderId, "open");
    await new Promise((r) => setImmediate(r));
  }

  async confirmCancel(side: "buy" | "sell" | "all"): Promise<void> {
    for (const c of this.venue.openCancels) {
      const o = this.tracker.get(c.req)!;
      if (side === "all" || o.side === side) this.venue.answerCancel(o, "cancelled");
    }
    await new Promise((r) => setImmediate(r));
  }

  liveCount(side: "buy" | "sell"): number {
    return this.tracker.liveOn(side).length;
  }
}

/** A rig quoting `decide(100)` on both sides, acknowledged. */
async function quoting(config: Partial<QuoterConfig> = {}): Promise<{ r: QuoterRig; d: QuoteDecision }> {
  const r = new QuoterRig(config);
  const d = decide(100);
  r.plan(d);
  await r.acceptAll();
  assert.deepEqual(r.sent, [["buy", d.bid!.price.toString(), "0.1"], ["sell", d.ask!.price.toString(), "0.1"]]);
  assert.deepEqual(r.tracker.live().map((o) => o.state), ["open", "open"]);
  return { r, d };
}

describe("Quoter: cancel before re-quote", () => {
  test("the first plan places one post-only quote per side", () => {
    const r = new QuoterRig();
    r.plan(decide(100));
    assert.deepEqual(r.sent, [["buy", "99.75", "0.1"], ["sell", "100.25", "0.1"]]);
    for (const c of r.venue.creates) assert.deepEqual([c.req.type, c.req.postOnly, c.req.reduceOnly], ["limit", true, false]);
    assert.deepEqual(r.stats, { ordersPlaced: 2, requotesSkipped: 0, ticksQuoting: 1, quotesClamped: 0 });
  });

  test("a moved decision cancels both quotes first and places both only once both cancels are confirmed", async () => {
    const { r } = await quoting();
    const next = decide(101);
    r.plan(next);
    assert.equal(r.venue.cancels.length, 2, "both sides cancelled");
    assert.equal(r.venue.creates.length, 2, "nothing placed while the cancels are in flight");

    await r.confirmCancel("buy");
    r.plan(next); // another tick meanwhile
    assert.equal(r.venue.creates.length, 2, "the buy side is clear, the sell side is still cancelling: no placement");
    assert.equal(r.venue.cancels.length, 2, "no second cancel of the order already cancelling");

    await r.confirmCancel("sell");
    assert.deepEqual(r.sent.slice(2), [["buy", next.bid!.price.toString(), "0.1"], ["sell", next.ask!.price.toString(), "0.1"]]);
    assert.equal(r.liveCount("buy"), 1);
    assert.equal(r.liveCount("sell"), 1);
  });

  test("quotes not yet acknowledged (pending_new) block: a new plan neither cancels nor places", async () => {
    const r = new QuoterRig();
    r.plan(decide(100));
    r.plan(decide(101));
    r.plan(decide(102));
    assert.equal(r.venue.creates.length, 2);
    assert.equal(r.venue.cancels.length, 0);
    await r.acceptAll();
    assert.equal(r.venue.cancels.length, 2, "once acknowledged, the stale quotes are cancelled");
    assert.equal(r.venue.creates.length, 2);
  });

  test("an unknown order on one side blocks placement on both sides until it is resolved", async () => {
    const r = new QuoterRig();
    r.plan(decide(100));
    const [buy, sell] = r.venue.creates.map((c) => c.req.clientOrderId);
    r.venue.failCreate(buy!, new RequestTimeout("no answer"));
    r.venue.answerCreate(sell!, "open");
    await new Promise((res) => setImmediate(res));
    assert.equal(r.tracker.get(buy!)!.state, "unknown");

    r.plan(decide(101));
    await r.confirmCancel("sell");
    r.plan(decide(101));
    assert.equal(r.venue.creates.length, 2, "the sell side is clear but the buy side is unknown: nothing placed");
    assert.equal(r.venue.createsOf(buy!), 1, "the unknown order is never re-sent");

    assert.equal(r.tracker.onNotFound(buy!, 0, 1), true, "the venue does not know it: final");
    r.quoter.step();
    assert.deepEqual(r.sent.slice(2).map((s) => s[0]), ["buy", "sell"]);
  });

  test("a quote that fills is not replaced until the next plan", async () => {
    const { r, d } = await quoting();
    const buy = r.tracker.liveOn("buy")[0]!;
    r.tracker.onFill(fillOf(buy, "0.1"));
    assert.equal(buy.state, "filled");
    r.quoter.step();
    assert.equal(r.venue.creates.length, 2, "one placement per side per decision");
    r.plan(d);
    assert.deepEqual(r.sent.slice(2), [["buy", d.bid!.price.toString(), "0.1"]]);
  });
});

describe("Quoter: tolerance", () => {
  test("a resting quote within tolerance is kept (requotesSkipped); beyond it, it is cancelled", async () => {
    const { r, d } = await quoting({ requoteToleranceTicks: 2 });
    r.plan(shifted(d, 2));
    assert.equal(r.venue.cancels.length, 0);
    assert.equal(r.stats.requotesSkipped, 2);
    r.plan(shifted(d, -2));
    assert.equal(r.venue.cancels.length, 0);
    assert.equal(r.stats.requotesSkipped, 4);

    r.plan(shifted(d, 3));
    assert.equal(r.venue.cancels.length, 2);
    assert.equal(r.stats.requotesSkipped, 4);
  });

  test("a new tick from the venue: a quote resting off it is replaced on it, however close (issue 10, item 10)", async () => {
    const { r, d } = await quoting({ requoteToleranceTicks: 2 });
    // The venue's tick widens to 0.04: neither resting price is a multiple of it (the same decision on the old
    // grid was kept, above); the desired prices are the nearest ones on the new grid, within tolerance.
    const tick = D("0.04");
    assert.ok(!d.bid!.price.div(tick).isInteger() && !d.ask!.price.div(tick).isInteger());
    r.quoter.market = { ...MARKET, tickSize: tick };
    const onGrid = (q: QuoteDecision["bid"]) => (q ? { price: q.price.div(tick).round().mul(tick), size: q.size } : null);
    const rounded = { ...d, bid: onGrid(d.bid), ask: onGrid(d.ask) };
    r.plan(rounded);
    assert.equal(r.venue.cancels.length, 2, "both off-tick quotes are cancelled");
    assert.equal(r.stats.requotesSkipped, 0);
    await r.confirmCancel("all");
    assert.deepEqual(r.sent.slice(-2).map(([, p]) => p), [rounded.bid!.price.toString(), rounded.ask!.price.toString()], "replaced on the new tick");
    await r.acceptAll();
    r.plan(rounded);
    assert.equal(r.venue.cancels.length, 2, "on the grid now: kept");
  });

  test("a different size is not within tolerance", async () => {
    const { r, d } = await quoting();
    r.plan(shifted(d, 0, "0.05"));
    assert.equal(r.venue.cancels.length, 2);
    assert.equal(r.stats.requotesSkipped, 0);
  });

  test("a side no longer quoted is cancelled", async () => {
    const { r, d } = await quoting();
    r.plan({ ...d, ask: null });
    assert.deepEqual(r.venue.cancels.map((c) => r.tracker.get(c.req)!.side), ["sell"]);
    assert.equal(r.stats.requotesSkipped, 1, "the bid is kept");
  });
});

describe("Quoter: never two live orders on a side", () => {
  test("two restored live orders on one side are both cancelled, then one quote per side is placed", async () => {
    const r = new QuoterRig();
    const d = decide(100);
    const a = r.tracker.restore(orderRecord({ clientOrderId: "old-a", side: "buy", price: d.bid!.price }));
    const b = r.tracker.restore(orderRecord({ clientOrderId: "old-b", side: "buy", price: d.bid!.price.sub(1) }));
    r.plan(d);
    assert.equal(r.venue.cancelsOf(a.clientOrderId), 1);
    assert.equal(r.venue.cancelsOf(b.clientOrderId), 1);
    assert.equal(r.venue.creates.length, 0, "nothing placed, not even on the clear sell side");

    await r.confirmCancel("buy");
    assert.deepEqual(r.sent.map((s) => s[0]), ["buy", "sell"]);
    assert.equal(r.liveCount("buy"), 1);
  });
});

describe("Quoter.standDown", () => {
  test("cancels every live limit order, leaves a market order alone, and places nothing until the next plan", async () => {
    const { r, d } = await quoting();
    const market = r.tracker.track({ clientOrderId: "mkt", side: "sell", type: "market", price: null, size: D("0.2"), reduceOnly: true, postOnly: false, reason: "emergency" });
    r.tracker.apply("mkt", "accepted");

    assert.equal(r.quoter.standDown("paused"), 2);
    assert.equal(r.venue.cancels.length, 2);
    assert.equal(r.venue.cancelsOf(market.clientOrderId), 0);

    await r.confirmCancel("all");
    r.quoter.step();
    assert.equal(r.venue.creates.length, 2, "no quote after standing down");
    assert.equal(r.quoter.standDown("paused"), 0, "nothing left to cancel");

    r.tracker.onFill(fillOf(market, "0.2"));
    r.plan(d);
    assert.deepEqual(r.sent.slice(2), [["buy", d.bid!.price.toString(), "0.1"], ["sell", d.ask!.price.toString(), "0.1"]], "the next plan quotes again");
  });

  test("cancels quotes whose create is still unanswered", () => {
    const r = new QuoterRig();
    r.plan(decide(100));
    assert.equal(r.quoter.standDown("HALTED"), 2);
    assert.deepEqual(r.tracker.live().map((o) => o.state), ["pending_cancel", "pending_cancel"]);
  });
});

describe("Quoter: rebalance", () => {
  const long = decide(100, "0.85");

  test("the decision holds a rebalance action (precondition)", () => {
    assert.equal(long.action?.kind, "rebalance");
    assert.equal(long.action?.side, "sell");
    assert.equal(long.action?.amount.toString(), "0.85");
    assert.equal(long.bid, null);
  });

  test("becomes a reduce-only, non-post-only limit order at the action's price, of at most rebalanceChunk", () => {
    const r = new QuoterRig({ rebalanceChunk: D("0.05") });
    r.plan(long, "0.85");
    assert.equal(r.venue.creates.length, 1);
    const req = r.venue.creates[0]!.req;
    assert.deepEqual(
      [req.side, req.type, req.price?.toString(), req.size.toString(), req.reduceOnly, req.postOnly],
      ["sell", "limit", long.action!.limitPrice!.toString(), "0.05", true, false],
    );
    assert.equal(r.tracker.get(req.clientOrderId)!.reason, "rebalance");
  });

  test("without a chunk, a rebalance order is at most the order size", () => {
    const r = new QuoterRig({ rebalanceChunk: null });
    r.plan(long, "0.85");
    assert.deepEqual(r.sent, [["sell", "99.9", PARAMS.orderSize.toString()]]);
  });

  test("a chunk larger than the excess is capped at the excess", () => {
    const r = new QuoterRig({ rebalanceChunk: D("5") });
    r.plan(decide(100, "0.85"), "0.85");
    assert.deepEqual(r.sent, [["sell", "99.9", "0.85"]]);
  });
});

describe("Quoter: a post-only quote meets the newest book, not the one its decision saw (issue 9, item 9)", () => {
  test("a quote placed once its cancels are confirmed is capped one tick inside the book that moved meanwhile", async () => {
    const { r } = await quoting();
    const next = decide(101); // bid 100.75, ask 101.25, decided on a book around 101
    r.plan(next);
    // While the cancels are in flight the market falls: the best ask is now 100.6, under the planned bid.
    r.book = bookAt("100.5");
    await r.confirmCancel("all");
    const [bid, ask] = r.sent.slice(2);
    assert.deepEqual(bid, ["buy", "100.59", "0.1"], "the bid would have crossed 100.6 and been refused: capped one tick under it");
    assert.deepEqual(ask, ["sell", next.ask!.price.toString(), "0.1"], "the ask is clear of the best bid 100.4: unchanged");
    assert.equal(r.stats.quotesClamped, 1);
  });

  test("at extreme skew a bid one tick off the stale best ask is moved, an ask one tick off the stale best bid too", async () => {
    const r = new QuoterRig();
    // Decided on a book around 100 with quotes pinned one tick inside the opposite best (extreme skew).
    const d: QuoteDecision = { ...decide(100), bid: { price: D("100.09"), size: D("0.1") }, ask: null };
    r.book = bookAt("99.9"); // asks now from 100.0
    r.plan(d);
    assert.deepEqual(r.sent, [["buy", "99.99", "0.1"]]);
    const r2 = new QuoterRig();
    r2.book = bookAt("100.1"); // bids now from 100.0
    r2.plan({ ...decide(100), bid: null, ask: { price: D("99.91"), size: D("0.1") } });
    assert.deepEqual(r2.sent, [["sell", "100.01", "0.1"]]);
  });

  test("a new bid never crosses our own resting ask (the venue refuses a self-cross as well)", async () => {
    const { r, d } = await quoting();
    // A decision made on the book without our orders may put the bid above our own ask, which is kept.
    r.plan({ ...d, bid: { price: d.ask!.price.add("0.05"), size: D("0.1") } });
    assert.equal(r.venue.cancels.length, 1, "only the bid is replaced; the ask is within tolerance");
    await r.confirmCancel("buy");
    assert.deepEqual(r.sent.slice(2), [["buy", d.ask!.price.sub("0.01").toString(), "0.1"]]);
  });

  test("each refusal as crossing keeps the next quote on that side further back (1, 2, 4 extra ticks), halving after a quiet while", () => {
    const r = new QuoterRig({ crossMarginDecayMs: 5_000 });
    r.book = bookAt("99.9"); // best ask 100.0
    const pinned: QuoteDecision = { ...decide(100), bid: { price: D("100.09"), size: D("0.1") }, ask: null };
    const bidAfter = (now: number): string => {
      for (const o of r.tracker.live()) r.tracker.offer(o.clientOrderId, "rejected", "test");
      r.quoter.plan(pinned, PARAMS, { riskState: "ACTIVE", inventory: D(0), targetInventory: D(0), maxInventory: D(1), lotSize: MARKET.lotSize, now });
      return r.venue.creates.at(-1)!.req.price!.toString();
    };
    assert.equal(bidAfter(0), "99.99");
    r.quoter.postOnlyRefused("buy");
    assert.equal(bidAfter(100), "99.98", "one extra tick after a refusal");
    r.quoter.postOnlyRefused("buy");
    r.quoter.postOnlyRefused("buy");
    assert.deepEqual(r.quoter.crossMargin, { buy: 4, sell: 0 }, "doubles per refusal; the other side is untouched");
    assert.equal(bidAfter(200), "99.95");
    assert.equal(bidAfter(5_100), "99.97", "5 s without a refusal: halved to 2");
    assert.equal(bidAfter(10_100), "99.98");
    assert.equal(bidAfter(15_100), "99.99", "back to one tick off the best");
  });

  test("the extra distance has a ceiling", () => {
    const r = new QuoterRig({ maxCrossMarginTicks: 3 });
    for (let i = 0; i < 10; i++) r.quoter.postOnlyRefused("sell");
    assert.equal(r.quoter.crossMargin.sell, 3);
  });

  test("a quote already inside the book is left as decided", () => {
    const r = new QuoterRig();
    r.book = bookAt(100);
    r.plan(decide(100));
    assert.deepEqual(r.sent, [["buy", "99.75", "0.1"], ["sell", "100.25", "0.1"]]);
    assert.equal(r.stats.quotesClamped, 0);
  });
});
