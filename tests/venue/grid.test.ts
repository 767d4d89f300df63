// Prices and sizes to ticks and lots: exact, whatever path computes them. Integer arithmetic on the digit
// words answers when everything fits a double; the Decimal division answers otherwise. Both must agree with
// the plain definition (an exact multiple of the tick, or null) on every value.
import { test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import type { MarketSpec } from "@/lib/market";
import { MarketGrid } from "@/server/venue/grid";
import { seededInts } from "@/tests/support/seeded";

function spec(tickSize: string, lotSize: string): MarketSpec {
  return { symbol: "T-USD", tickSize: new Decimal(tickSize), lotSize: new Decimal(lotSize), minSize: new Decimal(lotSize), minPrice: new Decimal(tickSize), maxPrice: new Decimal("1000000000") } as MarketSpec;
}

function expected(v: Decimal, unit: Decimal): number | null {
  const q = v.div(unit);
  return q.isInteger() ? q.toNumber() : null;
}

test("ticks and lots are exact multiples or null, on grids coarse and finer than 7 decimals", () => {
  const r = seededInts(11);
  const grids: Array<[string, string]> = [["0.01", "0.001"], ["0.5", "1"], ["0.0001", "0.00001"], ["0.00000001", "0.000000001"], ["25", "0.1"]];
  for (const [tick, lot] of grids) {
    const g = new MarketGrid(spec(tick, lot));
    const t = new Decimal(tick);
    const l = new Decimal(lot);
    for (let i = 0; i < 2_000; i++) {
      const k = r(5_000_000) - (r(10) === 0 ? 2_500_000 : 0);
      // On the grid, a hair off it (one more decimal digit), or a large value.
      const onGrid = t.mul(k);
      const off = onGrid.add(t.div(10).mul(1 + r(9)));
      const big = t.mul(k).mul(1e9);
      for (const p of [onGrid, off, big]) assert.strictEqual(g.ticksExact(p), expected(p, t), `ticks of ${p} on ${tick}`);
      const s = l.mul(k);
      for (const q of [s, s.add(l.div(7)), s.mul(1e10)]) assert.strictEqual(g.lotsExact(q), expected(q, l), `lots of ${q} on ${lot}`);
    }
  }
});

test("a repeated instance and an equal fresh one give the same answer", () => {
  const g = new MarketGrid(spec("0.01", "0.001"));
  const p = new Decimal("123.45");
  assert.equal(g.ticksExact(p), 12345);
  assert.equal(g.ticksExact(p), 12345);
  assert.equal(g.ticksExact(new Decimal("123.45")), 12345);
  assert.equal(g.ticksExact(new Decimal("123.455")), null);
  assert.equal(g.lotsExact(new Decimal("0")), 0);
});

test("prices and sizes from counts are right whatever the cache holds (counts sharing a slot, negative, repeated)", () => {
  const g = new MarketGrid(spec("0.01", "0.001"));
  for (const k of [5, 5 + 4096, 5, -5, 5 - 4096, 0, 2 ** 40 + 5, 5]) {
    assert.equal(g.price(k).toString(), new Decimal("0.01").mul(k).toString(), `price of ${k} ticks`);
    assert.equal(g.size(k).toString(), new Decimal("0.001").mul(k).toString(), `size of ${k} lots`);
  }
  assert.equal(g.price(7), g.price(7), "a repeated count is the same instance");
});
