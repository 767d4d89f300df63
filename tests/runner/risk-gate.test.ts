import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { OrderRateLimiter, RiskGate, type GateContext } from "@/server/runner/risk-gate";
import type { OrderIntent } from "@/server/runner/intents";

const d = (v: string) => new Decimal(v);
const quote = (side: "buy" | "sell", size = "0.1"): OrderIntent => ({ side, type: "limit", price: d("100"), size: d(size), postOnly: true, reduceOnly: false, reason: "quote" });
const ctx = (over: Partial<GateContext> = {}): GateContext => ({ riskState: "ACTIVE", inventory: d("0"), targetInventory: d("0"), maxInventory: d("1"), lotSize: d("0.01"), now: 0, ...over });
const gate = (perSecond = 1000) => new RiskGate(new OrderRateLimiter(perSecond));

describe("RiskGate", () => {
  const rows: Array<{ name: string; c: Partial<GateContext>; intents: OrderIntent[]; accepted: Array<[string, string, boolean]>; rejected: number }> = [
    { name: "ACTIVE passes both quotes", c: {}, intents: [quote("buy"), quote("sell")], accepted: [["buy", "0.1", false], ["sell", "0.1", false]], rejected: 0 },
    { name: "HALTED passes nothing", c: { riskState: "HALTED" }, intents: [quote("buy"), quote("sell")], accepted: [], rejected: 2 },
    { name: "REDUCING long: only the sell, made reduce-only", c: { riskState: "REDUCING", inventory: d("0.9") }, intents: [quote("buy"), quote("sell")], accepted: [["sell", "0.1", true]], rejected: 1 },
    { name: "REDUCING: sell trimmed to the excess", c: { riskState: "REDUCING", inventory: d("0.05") }, intents: [quote("sell")], accepted: [["sell", "0.05", true]], rejected: 0 },
    { name: "REDUCING at target: nothing reduces", c: { riskState: "REDUCING" }, intents: [quote("buy"), quote("sell")], accepted: [], rejected: 2 },
    { name: "REDUCING honours a non-zero target", c: { riskState: "REDUCING", inventory: d("0.2"), targetInventory: d("0.5") }, intents: [quote("buy"), quote("sell")], accepted: [["buy", "0.1", true]], rejected: 1 },
    { name: "position limit trims the growing side", c: { inventory: d("0.95") }, intents: [quote("buy")], accepted: [["buy", "0.05", false]], rejected: 0 },
    { name: "position limit at max rejects the growing side", c: { inventory: d("-1") }, intents: [quote("sell"), quote("buy")], accepted: [["buy", "0.1", false]], rejected: 1 },
    { name: "size under one lot is rejected", c: {}, intents: [quote("buy", "0.004")], accepted: [], rejected: 1 },
    // Outcome shares and spot: what is sold must be held (MarketSpec.minPosition). Before, the ask went out and
    // the venue refused it ("not enough balance"): an error alert and a backoff at every arm with no shares.
    { name: "no short selling: nothing held, no ask; the bid passes", c: { minPosition: d("0"), minSize: d("0.05") }, intents: [quote("buy"), quote("sell")], accepted: [["buy", "0.1", false]], rejected: 1 },
    { name: "no short selling: the ask is cut to what is held", c: { minPosition: d("0"), minSize: d("0.05"), inventory: d("0.06") }, intents: [quote("sell")], accepted: [["sell", "0.06", false]], rejected: 0 },
    { name: "no short selling: held below the venue's minimum order, no ask", c: { minPosition: d("0"), minSize: d("0.05"), inventory: d("0.04") }, intents: [quote("sell")], accepted: [], rejected: 1 },
    { name: "spot with a reserve: the floor is −reserve", c: { minPosition: d("-0.5"), inventory: d("-0.45") }, intents: [quote("sell")], accepted: [["sell", "0.05", false]], rejected: 0 },
  ];
  for (const r of rows) {
    test(r.name, () => {
      const res = gate().check(r.intents, ctx(r.c));
      assert.deepEqual(res.accepted.map((i) => [i.side, i.size.toString(), i.reduceOnly]), r.accepted);
      assert.equal(res.rejected.length, r.rejected);
      for (const x of res.rejected) assert.ok(x.reason.length > 0);
    });
  }

  test("order-rate cap: 100/s lets 100 through in a burst, then refills with time", () => {
    const g = gate(100);
    let passed = 0;
    for (let i = 0; i < 300; i++) passed += g.check([quote("buy")], ctx({ now: 1000 })).accepted.length;
    assert.equal(passed, 100);
    assert.equal(g.check([quote("buy")], ctx({ now: 1000 })).rejected[0]?.reason, "order-rate cap of 100/s reached");
    let later = 0;
    for (let i = 0; i < 300; i++) later += g.check([quote("buy")], ctx({ now: 1500 })).accepted.length;
    assert.equal(later, 50);
  });

  test("limiter refuses a non-positive rate", () => {
    assert.throws(() => new OrderRateLimiter(0), /must be > 0/);
  });
});
