// The strategy sees the book less our own resting orders. A simulated venue's levels know their ticks and
// lots, and the walk on them must give exactly the book the Decimal walk gives on the same values.
import { test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import type { BookLevel, OrderBook } from "@/lib/market";
import { PAPER_MARKETS } from "@/server/runner/paper-market";
import { excludeOwnOrders, type OwnRestingOrder } from "@/server/runner/own-orders";
import { LazyLevel, MarketGrid } from "@/server/venue/grid";
import { seededInts } from "@/tests/support/seeded";

const grid = new MarketGrid(PAPER_MARKETS.story.market);

const values = (levels: readonly BookLevel[]) => levels.map((l) => `${l.price.toFixed()}@${l.size.toFixed()}`);

test("on a simulated venue's levels, our orders come off exactly as the Decimal walk takes them off", () => {
  const r = seededInts(7);
  for (let c = 0; c < 300; c++) {
    const mid = 40_000 + r(2_000);
    const bidTicks = Array.from({ length: 1 + r(12) }, (_, i) => mid - 1 - i * (1 + r(2)));
    const askTicks = Array.from({ length: 1 + r(12) }, (_, i) => mid + 1 + i * (1 + r(2)));
    const side = (ticks: number[]) => ticks.map((t) => [t, 1 + r(40)] as const);
    const bids = side(bidTicks);
    const asks = side(askTicks);
    const lazy: OrderBook = { bids: bids.map(([t, l]) => new LazyLevel(grid, t, l)), asks: asks.map(([t, l]) => new LazyLevel(grid, t, l)), ts: 1 };
    const plain: OrderBook = { bids: bids.map(([t, l]) => ({ price: grid.price(t), size: grid.size(l) })), asks: asks.map(([t, l]) => ({ price: grid.price(t), size: grid.size(l) })), ts: 1 };
    const own: OwnRestingOrder[] = [];
    for (let k = r(4); k > 0; k--) {
      const buy = r(2) === 0;
      const levels = buy ? bids : asks;
      // At a level (all of it, or part), or between levels, or a price no level has.
      const at = levels[r(levels.length)]!;
      const tick = r(4) === 0 ? at[0] + (buy ? 1 : -1) * (1 + r(3)) : at[0];
      const lots = r(3) === 0 ? at[1] : 1 + r(at[1]);
      const filled = r(3) === 0 ? r(lots) : 0;
      own.push({ side: buy ? "buy" : "sell", price: grid.price(tick), size: grid.size(lots), filled: grid.size(filled) });
    }
    own.push({ side: "sell", price: null, size: new Decimal(1), filled: new Decimal(0) });
    const a = excludeOwnOrders(lazy, own);
    const b = excludeOwnOrders(plain, own);
    assert.deepEqual(values(a.bids), values(b.bids), `case ${c} bids`);
    assert.deepEqual(values(a.asks), values(b.asks), `case ${c} asks`);
  }
});

test("our whole size at a level removes it; part of it leaves the rest; elsewhere the book is untouched", () => {
  const book: OrderBook = { bids: [new LazyLevel(grid, 100, 5), new LazyLevel(grid, 99, 3)], asks: [new LazyLevel(grid, 101, 4)], ts: 1 };
  const out = excludeOwnOrders(book, [
    { side: "buy", price: grid.price(100), size: grid.size(5), filled: grid.size(0) },
    { side: "sell", price: grid.price(101), size: grid.size(3), filled: grid.size(1) },
  ]);
  assert.deepEqual(values(out.bids), values([{ price: grid.price(99), size: grid.size(3) }]));
  assert.deepEqual(values(out.asks), values([{ price: grid.price(101), size: grid.size(2) }]));
  assert.equal(excludeOwnOrders(book, [{ side: "buy", price: grid.price(98), size: grid.size(1), filled: grid.size(0) }]), book);
});
