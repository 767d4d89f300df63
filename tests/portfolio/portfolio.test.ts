import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import fc from "fast-check";
import { applyFill, flatPosition, totalPnl, unrealizedPnl, type PositionFill } from "@/lib/portfolio";

const d = (v: string | number) => new Decimal(v);
const fill = (side: "buy" | "sell", price: string, size: string, fee = "0"): PositionFill => ({ side, price: d(price), size: d(size), fee: d(fee) });

describe("applyFill (average cost)", () => {
  const rows: Array<{ name: string; fills: PositionFill[]; qty: string; avg: string; realized: string; fees: string; peak: string }> = [
    { name: "one buy", fills: [fill("buy", "2000", "0.1", "0.02")], qty: "0.1", avg: "2000", realized: "0", fees: "0.02", peak: "0.1" },
    { name: "story's falling market: five buys", fills: ["2000", "1990", "1980", "1970", "1960"].map((p) => fill("buy", p, "0.1")), qty: "0.5", avg: "1980", realized: "0", fees: "0", peak: "0.5" },
    { name: "buy then sell higher", fills: [fill("buy", "100", "2"), fill("sell", "110", "1")], qty: "1", avg: "100", realized: "10", fees: "0", peak: "2" },
    { name: "round trip to flat", fills: [fill("buy", "100", "2"), fill("sell", "95", "2")], qty: "0", avg: "0", realized: "-10", fees: "0", peak: "2" },
    { name: "flip long to short", fills: [fill("buy", "100", "1"), fill("sell", "120", "3")], qty: "-2", avg: "120", realized: "20", fees: "0", peak: "2" },
    { name: "short then cover lower", fills: [fill("sell", "0.55", "10"), fill("buy", "0.50", "4")], qty: "-6", avg: "0.55", realized: "0.2", fees: "0", peak: "10" },
    { name: "maker rebate is a negative fee", fills: [fill("buy", "10", "1", "-0.001")], qty: "1", avg: "10", realized: "0", fees: "-0.001", peak: "1" },
  ];
  for (const r of rows) {
    test(r.name, () => {
      const p = r.fills.reduce(applyFill, flatPosition);
      assert.equal(p.qty.toString(), d(r.qty).toString());
      assert.equal(p.avgPrice.toString(), d(r.avg).toString());
      assert.equal(p.realized.toString(), d(r.realized).toString());
      assert.equal(p.fees.toString(), d(r.fees).toString());
      assert.equal(p.peak.toString(), d(r.peak).toString());
    });
  }

  test("unrealized and total PnL", () => {
    const p = [fill("buy", "100", "2", "0.5")].reduce(applyFill, flatPosition);
    assert.equal(unrealizedPnl(p, d("90")).toString(), "-20");
    assert.equal(unrealizedPnl(p, null).toString(), "0");
    assert.equal(totalPnl(p, d("105")).toString(), "9.5");
  });

  test("property: realized + unrealized − fees equals cash flow + marked position", () => {
    const fillArb = fc.record({
      side: fc.constantFrom<"buy" | "sell">("buy", "sell"),
      price: fc.integer({ min: 1, max: 9999 }).map((n) => d(n).div(100)),
      size: fc.integer({ min: 1, max: 500 }).map((n) => d(n).div(10)),
      fee: fc.integer({ min: -5, max: 20 }).map((n) => d(n).div(1000)),
    });
    fc.assert(
      fc.property(fc.array(fillArb, { maxLength: 40 }), fc.integer({ min: 1, max: 9999 }), (fills, markCents) => {
        const mark = d(markCents).div(100);
        const p = fills.reduce(applyFill, flatPosition);
        let cash = d(0);
        let qty = d(0);
        for (const f of fills) {
          const notional = f.price.mul(f.size);
          cash = f.side === "buy" ? cash.sub(notional) : cash.add(notional);
          cash = cash.sub(f.fee);
          qty = f.side === "buy" ? qty.add(f.size) : qty.sub(f.size);
        }
        assert.equal(p.qty.toString(), qty.toString());
        assert.ok(totalPnl(p, mark).sub(cash.add(qty.mul(mark))).abs().lt("1e-12"));
      }),
    );
  });
});
