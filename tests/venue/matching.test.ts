import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  RestingOrders,
  displayedAt,
  fillCrossed,
  matchPrint,
  sweepWithResting,
  takeLiquidity,
  topTick,
  type LevelSource,
  type SimOrder,
} from "@/server/venue/matching";

function side(dir: 1 | -1, levels: Array<[number, number]>): LevelSource {
  return { dir, depleted: 0, levelCount: () => levels.length, levelTick: (i) => levels[i]![0], levelLots: (i) => levels[i]![1] };
}
// Bids 100, 99, 98 with 10, 20, 30 lots; asks 102, 103, 104.
const bids = () => side(-1, [[100, 10], [99, 20], [98, 30]]);
const asks = () => side(1, [[102, 10], [103, 20], [104, 30]]);

let seq = 0;
function order(side: "buy" | "sell", priceTick: number, sizeLots: number, queueAheadLots = 0): SimOrder {
  const n = ++seq;
  return { seq: n, clientOrderId: `o${n}`, venueOrderId: `v${n}`, side, type: "limit", priceTick, sizeLots, filledLots: 0, status: "open", queueAheadLots, postOnly: true, reduceOnly: false, acceptedAt: 0, updatedAt: 0 };
}

type Got = Array<[string, number, number, string]>;
function collect(): { got: Got; sink: (o: SimOrder, lots: number, tick: number, liq: "maker" | "taker") => void } {
  const got: Got = [];
  return { got, sink: (o, lots, tick, liq) => got.push([o.clientOrderId, lots, tick, liq]) };
}

describe("matching: the displayed book", () => {
  test("topTick and displayedAt follow depletion from the top", () => {
    const b = bids();
    assert.equal(topTick(b), 100);
    b.depleted = 10;
    assert.equal(topTick(b), 99);
    assert.equal(displayedAt(b, 99), 20);
    b.depleted = 15;
    assert.equal(displayedAt(b, 99), 15);
    assert.equal(displayedAt(b, 100), 0);
    assert.equal(displayedAt(b, 98.5), 0, "no level there");
    b.depleted = 60;
    assert.ok(Number.isNaN(topTick(b)), "exhausted side has no top");
  });

  test("takeLiquidity sweeps best first up to a limit, one callback per level", () => {
    const a = asks();
    const seen: Array<[number, number]> = [];
    const took = takeLiquidity(a, 103, 50, (t, l) => seen.push([t, l]));
    assert.equal(took, 30);
    assert.deepEqual(seen, [[102, 10], [103, 20]]);
    assert.equal(a.depleted, 30);
    const rest = takeLiquidity(a, NaN, 100, () => undefined);
    assert.equal(rest, 30, "only what is left");
  });
});

describe("matching: paper sweeps through our resting orders", () => {
  test("no orders of ours: the trade just depletes the book", () => {
    const r = new RestingOrders();
    const b = bids();
    const { got, sink } = collect();
    sweepWithResting(r, "sell", b, 25, true, 0, sink);
    assert.deepEqual(got, []);
    assert.equal(b.depleted, 25);
  });

  const cases: Array<{ name: string; orders: Array<[number, number, number]>; lots: number; queue: boolean; fills: Array<[number, number]>; depleted: number; queueAfter?: number[] }> = [
    { name: "a bid inside the spread is hit first", orders: [[101, 5, 0]], lots: 3, queue: true, fills: [[3, 101]], depleted: 0 },
    { name: "inside the spread, a bigger trade fills us and moves on", orders: [[101, 5, 0]], lots: 12, queue: true, fills: [[5, 101]], depleted: 7 },
    { name: "at the touch behind 10 displayed: a 6-lot sell does not reach us", orders: [[100, 5, 10]], lots: 6, queue: true, fills: [], depleted: 6, queueAfter: [4] },
    { name: "at the touch behind 10: a 13-lot sell fills 3", orders: [[100, 5, 10]], lots: 13, queue: true, fills: [[3, 100]], depleted: 10, queueAfter: [0] },
    { name: "at the touch, no queue model: first in line", orders: [[100, 5, 10]], lots: 3, queue: false, fills: [[3, 100]], depleted: 0 },
    { name: "one level deep: level 100 trades first", orders: [[99, 5, 20]], lots: 35, queue: true, fills: [[5, 99]], depleted: 30 },
    { name: "two orders: best first, each gets what is left", orders: [[101, 4, 0], [100, 10, 10]], lots: 20, queue: true, fills: [[4, 101], [6, 100]], depleted: 10 },
    { name: "queue ahead is capped at what is displayed", orders: [[100, 5, 50]], lots: 12, queue: true, fills: [[2, 100]], depleted: 10 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = new RestingOrders();
      const os = c.orders.map(([p, size, q]) => order("buy", p, size, q));
      os.forEach((o) => r.add(o));
      const b = bids();
      const { got, sink } = collect();
      sweepWithResting(r, "sell", b, c.lots, c.queue, 0, sink);
      assert.deepEqual(got.map(([, l, t]) => [l, t]), c.fills);
      assert.equal(b.depleted, c.depleted);
      assert.ok(got.every(([, , , liq]) => liq === "maker"));
      if (c.queueAfter) assert.deepEqual(os.map((o) => o.queueAheadLots), c.queueAfter);
      for (const o of os) assert.equal(r.bids.includes(o), o.filledLots < o.sizeLots, "filled orders leave the book");
    });
  }

  test("conservation: our fills plus the book's depletion equal the trade (book deep enough)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 96, max: 101 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 40 })), { maxLength: 4 }),
        fc.integer({ min: 1, max: 60 }),
        fc.boolean(),
        (spec, lots, queue) => {
          const r = new RestingOrders();
          spec.forEach(([p, s, q]) => r.add(order("buy", p, s, q)));
          const b = side(-1, [[100, 10], [99, 20], [98, 30], [97, 40], [96, 50]]);
          let filled = 0;
          sweepWithResting(r, "sell", b, lots, queue, 0, (_o, l) => (filled += l));
          assert.equal(filled + b.depleted, lots);
          for (const o of [...r.bids]) assert.ok(o.filledLots < o.sizeLots && o.filledLots >= 0);
        },
      ),
    );
  });
});

describe("matching: recorded prints", () => {
  test("table: at our price the queue goes first, through our price it does not", () => {
    const rows: Array<[string, number, number, number, Array<number>]> = [
      // [aggressor, print tick, lots, queue ahead, expected fill lots]
      ["sell", 100, 4, 0, [4]],
      ["sell", 100, 4, 3, [1]],
      ["sell", 100, 2, 3, []],
      ["sell", 99, 4, 30, [4]],
      ["sell", 101, 4, 0, []],
      ["sell", 100, 50, 3, [10]],
    ];
    for (const [agg, tick, lots, q, want] of rows) {
      const r = new RestingOrders();
      r.add(order("buy", 100, 10, q));
      const { got, sink } = collect();
      const left = matchPrint(r, agg as "sell", tick, lots, true, 0, sink);
      assert.deepEqual(got.map(([, l]) => l), want, `${agg} ${lots}@${tick} queue ${q}`);
      assert.ok(left >= 0);
      assert.ok(got.every(([, , t]) => t === 100), "fills at our price");
    }
  });

  test("a buy print fills our asks, not our bids", () => {
    const r = new RestingOrders();
    r.add(order("buy", 100, 10));
    r.add(order("sell", 102, 10));
    const { got, sink } = collect();
    matchPrint(r, "buy", 103, 4, true, 0, sink);
    assert.deepEqual(got.map(([, l, t]) => [l, t]), [[4, 102]]);
  });
});

describe("matching: a book that moves through our quote", () => {
  test("asks falling to our bid fill it at our price, up to the crossing size", () => {
    const r = new RestingOrders();
    const o = order("buy", 102, 25, 7);
    r.add(o);
    const a = asks(); // 102:10, 103:20
    const { got, sink } = collect();
    fillCrossed(r, "buy", a, 0, sink);
    assert.deepEqual(got.map(([, l, t, liq]) => [l, t, liq]), [[10, 102, "maker"]]);
    assert.equal(o.queueAheadLots, 0);
    assert.equal(a.depleted, 10);
  });

  test("bids rising to our ask", () => {
    const r = new RestingOrders();
    r.add(order("sell", 99, 50));
    const b = bids(); // 100:10, 99:20
    const { got, sink } = collect();
    fillCrossed(r, "sell", b, 0, sink);
    assert.deepEqual(got.map(([, l, t]) => [l, t]), [[30, 99]]);
  });

  test("no cross, no fill", () => {
    const r = new RestingOrders();
    r.add(order("buy", 101, 5));
    const { got, sink } = collect();
    fillCrossed(r, "buy", asks(), 0, sink);
    assert.deepEqual(got, []);
  });
});
