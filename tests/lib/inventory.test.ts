// The story's InventoryManager (000_b67ac77dd6c635ce.txt): its three unit tests as written, its scenario table,
// the skew formulas of all three modes, thresholds, target inventory, fills, stats and config validation.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import {
  INVENTORY_DEFAULTS,
  InvalidConfigError,
  InventoryManager,
  calculateSkew,
  createInventoryConfig,
  getRebalanceAction,
  getStats,
  initialInventoryState,
  inventoryRatio,
  needsEmergencyClose,
  needsRebalance,
  skewFromRatio,
  updateInventory,
  type SkewMode,
} from "@/lib/strategy";
import { D } from "./helpers";

const approx = (actual: number, expected: number, tol: number, msg?: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${msg ?? ""} expected ${expected} ± ${tol}, got ${actual}`);

describe("seed unit tests, as written in the story", () => {
  test("InventoryManager skew calculation", () => {
    const inv = InventoryManager.init({ maxInventory: 1.0, skewFactor: 0.5, skewMode: "linear" });
    // 无库存
    inv.currentInventory = new Decimal(0);
    assert.equal(inv.calculateSkew(), 0.0);
    // 50% 正库存
    inv.currentInventory = new Decimal(0.5);
    approx(inv.calculateSkew(), 0.25, 0.01);
    // 满仓
    inv.currentInventory = new Decimal(1.0);
    approx(inv.calculateSkew(), 0.5, 0.01);
  });

  test("InventoryManager quote adjustment", () => {
    const inv = InventoryManager.init({ maxInventory: 1.0, skewFactor: 0.5 });
    const mid = new Decimal(2000);
    const bid = new Decimal(1999);
    const ask = new Decimal(2001);
    // 正库存 → 报价下移
    inv.currentInventory = new Decimal(0.5);
    const adjusted = inv.adjustQuotes(bid, ask, mid);
    assert.ok(adjusted.bid.toNumber() < bid.toNumber());
    assert.ok(adjusted.ask.toNumber() < ask.toNumber());
  });

  test("InventoryManager rebalance trigger", () => {
    const inv = InventoryManager.init({ maxInventory: 1.0, rebalanceThreshold: 0.8 });
    // 低于阈值
    inv.currentInventory = new Decimal(0.7);
    assert.ok(!inv.needsRebalance());
    // 高于阈值
    inv.currentInventory = new Decimal(0.85);
    assert.ok(inv.needsRebalance());
  });
});

describe("scenario table (story defaults, max inventory 1.0, quotes 1999 / 2001 around 2000)", () => {
  const config = createInventoryConfig({ maxInventory: "1.0" });
  const base = { bid: D(1999), ask: D(2001), mid: D(2000) };
  const shiftOf = (inventory: string) => {
    const q = new InventoryManager(config);
    q.currentInventory = D(inventory);
    const a = q.adjustQuotes(base.bid, base.ask, base.mid);
    return { bid: base.bid.minus(a.bid), ask: base.ask.minus(a.ask), adjusted: a, q };
  };

  test("正常做市: inventory 0 → no skew, quotes unchanged", () => {
    const s = shiftOf("0");
    assert.equal(s.q.calculateSkew(), 0);
    assert.ok(s.adjusted.bid.eq(1999) && s.adjusted.ask.eq(2001));
    assert.equal(s.q.needsRebalance(), false);
    assert.equal(s.q.getRebalanceAction(), null);
  });

  test("轻度正库存: inventory 0.3 → quotes moved down slightly, no rebalance", () => {
    const s = shiftOf("0.3");
    approx(s.q.calculateSkew(), 0.15, 1e-12);
    assert.ok(s.bid.gt(0) && s.ask.gt(0), "both quotes lower");
    // slight: less than half the base spread, the ask stays above mid
    assert.ok(s.bid.lt(1) && s.adjusted.ask.gt(base.mid));
    assert.equal(s.q.needsRebalance(), false);
  });

  test("重度正库存: inventory 0.8 → moved down strongly, rebalance triggered", () => {
    const light = shiftOf("0.3");
    const s = shiftOf("0.8");
    assert.ok(s.bid.gt(light.bid) && s.ask.gt(light.ask), "shift grows with inventory");
    assert.equal(s.q.needsRebalance(), true, "0.8 triggers rebalance (inclusive threshold)");
    assert.equal(s.q.needsEmergencyClose(), false);
    const action = s.q.getRebalanceAction();
    assert.deepEqual(
      action && { ...action, amount: action.amount.toString() },
      { direction: "sell", amount: "0.8", urgency: "normal" },
    );
  });

  test("满仓: inventory 1.0 → emergency close", () => {
    const s = shiftOf("1.0");
    assert.equal(s.q.needsEmergencyClose(), true);
    const action = s.q.getRebalanceAction();
    assert.equal(action?.urgency, "emergency");
    assert.equal(action?.direction, "sell");
    assert.ok(action?.amount.eq(1));
  });
});

describe("calculateSkew: all three modes as the Zig computes them (skewFactor 0.5)", () => {
  // [ratio, linear, exponential, tiered]
  const table: Array<[number, number, number, number]> = [
    [0, 0, 0, 0],
    [0.1, 0.05, 0.005, 0.05],
    [0.3, 0.15, 0.045, 0.15],
    [0.4, 0.2, 0.08, 0.2], // not > 0.4: tier 1.0
    [0.41, 0.205, 0.08405, 0.3075], // tier 1.5
    [0.5, 0.25, 0.125, 0.375],
    [0.7, 0.35, 0.245, 0.525], // not > 0.7: tier 1.5
    [0.71, 0.355, 0.25205, 0.71], // tier 2.0
    [0.8, 0.4, 0.32, 0.8],
    [0.95, 0.475, 0.45125, 0.95],
    [1.0, 0.5, 0.5, 1.0],
    [-0.3, -0.15, -0.045, -0.15],
    [-0.5, -0.25, -0.125, -0.375],
    [-0.8, -0.4, -0.32, -0.8],
    [-1.0, -0.5, -0.5, -1.0],
  ];
  const modes: SkewMode[] = ["linear", "exponential", "tiered"];
  for (const [ratio, ...expected] of table) {
    for (const [i, mode] of modes.entries()) {
      test(`${mode} at ratio ${ratio} → ${expected[i]}`, () => {
        const config = createInventoryConfig({ maxInventory: "1", skewMode: mode, skewFactor: 0.5 });
        approx(skewFromRatio(config, ratio), expected[i]!, 1e-12, mode);
        // and through the inventory (max 1: inventory = ratio)
        approx(calculateSkew(config, D(ratio)), expected[i]!, 1e-12, mode);
      });
    }
  }

  test("skewFactor scales every mode linearly", () => {
    for (const mode of modes) {
      const a = createInventoryConfig({ maxInventory: "2", skewMode: mode, skewFactor: 0.2 });
      const b = createInventoryConfig({ maxInventory: "2", skewMode: mode, skewFactor: 0.8 });
      approx(calculateSkew(b, D("1.2")), 4 * calculateSkew(a, D("1.2")), 1e-12, mode);
    }
  });
});

describe("thresholds are inclusive and exact", () => {
  const config = createInventoryConfig({ maxInventory: "1" });
  const table: Array<[string, boolean, boolean]> = [
    ["0.79999999", false, false],
    ["0.8", true, false],
    ["0.9", true, false],
    ["0.94999", true, false],
    ["0.95", true, true],
    ["1.0", true, true],
    ["1.5", true, true],
    ["-0.8", true, false],
    ["-0.95", true, true],
    ["-0.5", false, false],
  ];
  for (const [inventory, rebalance, emergency] of table)
    test(`inventory ${inventory}: rebalance ${rebalance}, emergency ${emergency}`, () => {
      assert.equal(needsRebalance(config, D(inventory)), rebalance);
      assert.equal(needsEmergencyClose(config, D(inventory)), emergency);
    });

  test("no float rounding at the boundary: (0.3 − 0.1) / 0.25 is exactly 0.8", () => {
    // as doubles (0.3 - 0.1) / 0.25 = 0.7999999999999999, which a float comparison would miss
    assert.ok((0.3 - 0.1) / 0.25 < 0.8);
    const c = createInventoryConfig({ maxInventory: "0.25", targetInventory: "0.1" });
    assert.equal(needsRebalance(c, D("0.3")), true);
  });
});

describe("non-zero target inventory: ratio, skew and rebalance amount all use current − target", () => {
  const config = createInventoryConfig({ maxInventory: "1", targetInventory: "0.5" });
  test("at target: ratio 0, skew 0, nothing to do", () => {
    assert.equal(inventoryRatio(config, D("0.5")), 0);
    assert.equal(calculateSkew(config, D("0.5")), 0);
    assert.equal(getRebalanceAction(config, D("0.5")), null);
  });
  test("flat (0) is SHORT of a 0.5 target: negative ratio and skew", () => {
    approx(inventoryRatio(config, D("0")), -0.5, 1e-15);
    approx(calculateSkew(config, D("0")), -0.25, 1e-15);
  });
  test("1.3 is 0.8 above target: rebalance sells 0.8 (not 1.3)", () => {
    approx(inventoryRatio(config, D("1.3")), 0.8, 1e-15);
    const a = getRebalanceAction(config, D("1.3"));
    assert.equal(a?.direction, "sell");
    assert.equal(a?.urgency, "normal");
    assert.ok(a?.amount.eq("0.8"));
  });
  test("−0.45 is 0.95 below target: emergency buy of 0.95", () => {
    const a = getRebalanceAction(config, D("-0.45"));
    assert.deepEqual(a && [a.direction, a.urgency, a.amount.toString()], ["buy", "emergency", "0.95"]);
  });
  test("the Zig's current/max ratio would call 1.0 a full position; here it is half", () => {
    approx(inventoryRatio(config, D("1.0")), 0.5, 1e-15);
    assert.equal(needsRebalance(config, D("1.0")), false);
  });
});

describe("updateInventory: fills, peak and rebalance count", () => {
  const config = createInventoryConfig({ maxInventory: "1" });
  test("a sequence of fills", () => {
    const steps: Array<["buy" | "sell", string, string, string, number]> = [
      // side, quantity → current, peak, rebalanceCount
      ["buy", "0.3", "0.3", "0.3", 0],
      ["buy", "0.6", "0.9", "0.9", 1], // entered the zone
      ["sell", "0.2", "0.7", "0.9", 1],
      ["buy", "0.2", "0.9", "0.9", 2], // entered again
      ["buy", "0.05", "0.95", "0.95", 2], // still inside: not a new entry
      ["sell", "1.55", "-0.6", "0.95", 2],
      ["sell", "0.4", "-1", "1", 3], // the short side counts too
    ];
    let s = initialInventoryState();
    for (const [side, qty, current, peak, count] of steps) {
      s = updateInventory(config, s, { side, quantity: D(qty) });
      assert.ok(s.current.eq(current), `current ${s.current} != ${current}`);
      assert.ok(s.peak.eq(peak), `peak ${s.peak} != ${peak}`);
      assert.equal(s.rebalanceCount, count);
    }
  });
  test("exact decimal sums (0.1 + 0.2 is 0.3)", () => {
    let s = initialInventoryState();
    s = updateInventory(config, s, { side: "buy", quantity: D("0.1") });
    s = updateInventory(config, s, { side: "buy", quantity: D("0.2") });
    assert.equal(s.current.toString(), "0.3");
  });
  test("a negative or non-finite quantity is rejected", () => {
    assert.throws(() => updateInventory(config, initialInventoryState(), { side: "buy", quantity: D(-1) }), RangeError);
    assert.throws(() => updateInventory(config, initialInventoryState(), { side: "buy", quantity: D(NaN) }), RangeError);
  });
  test("the state is immutable: the old state is unchanged", () => {
    const s0 = initialInventoryState();
    updateInventory(config, s0, { side: "buy", quantity: D(1) });
    assert.ok(s0.current.eq(0));
  });
});

describe("getStats and the InventoryManager wrapper", () => {
  test("stats after fills", () => {
    const m = new InventoryManager({ maxInventory: "2", skewMode: "tiered" });
    m.updateInventory({ side: "buy", quantity: D("1.7") });
    m.updateInventory({ side: "sell", quantity: D("0.3") });
    const s = m.getStats();
    assert.ok(s.current.eq("1.4") && s.peak.eq("1.7"));
    approx(s.ratio, 0.7, 1e-15);
    approx(s.skew, 0.7 * 0.5 * 1.5, 1e-12); // 0.7 is not > 0.7: tier 1.5
    assert.equal(s.rebalanceCount, 1); // 1.7 / 2 = 0.85 entered the zone
    assert.deepEqual(getStats(m.config, m.snapshot()), s);
  });
  test("compiled parameters can drive the manager", async () => {
    const { compileStrategyParams } = await import("@/lib/strategy");
    const m = new InventoryManager(compileStrategyParams({ maxInventory: "4", skewFactor: "1" }));
    m.currentInventory = D(1);
    approx(m.calculateSkew(), 0.25, 1e-15);
  });
});

describe("InventoryConfig: story defaults and validation", () => {
  test("defaults", () => {
    const c = createInventoryConfig({ maxInventory: 3 });
    assert.ok(c.targetInventory.eq(0));
    assert.ok(c.maxInventory.eq(3));
    assert.equal(c.skewFactor, 0.5);
    assert.equal(c.rebalanceThreshold, 0.8);
    assert.equal(c.skewMode, "linear");
    assert.equal(c.emergencyThreshold, 0.95);
    assert.deepEqual(INVENTORY_DEFAULTS, {
      targetInventory: "0",
      skewFactor: 0.5,
      rebalanceThreshold: 0.8,
      skewMode: "linear",
      emergencyThreshold: 0.95,
    });
  });
  test("accepts Decimal, string and number quantities", () => {
    for (const v of [D("1.5"), "1.5", 1.5]) assert.ok(createInventoryConfig({ maxInventory: v }).maxInventory.eq("1.5"));
  });
  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ["max inventory required", {}, /maxInventory/],
    ["max inventory 0", { maxInventory: 0 }, /maxInventory: must be greater than 0/],
    ["max inventory negative", { maxInventory: "-1" }, /maxInventory/],
    ["max inventory not a number", { maxInventory: "abc" }, /maxInventory: must be a decimal number/],
    ["skew factor above 1", { maxInventory: 1, skewFactor: 1.5 }, /skewFactor: must be between 0 and 1/],
    ["skew factor negative", { maxInventory: 1, skewFactor: -0.1 }, /skewFactor/],
    ["rebalance 0", { maxInventory: 1, rebalanceThreshold: 0 }, /rebalanceThreshold: must be greater than 0/],
    ["rebalance = emergency", { maxInventory: 1, rebalanceThreshold: 0.95 }, /rebalanceThreshold: must be below the emergency threshold/],
    ["rebalance > emergency", { maxInventory: 1, rebalanceThreshold: 0.9, emergencyThreshold: 0.85 }, /must be below the emergency threshold/],
    ["emergency above 1", { maxInventory: 1, emergencyThreshold: 1.01 }, /emergencyThreshold: must be at most 1/],
    ["unknown mode", { maxInventory: 1, skewMode: "cubic" }, /skewMode/],
    ["unknown key", { maxInventory: 1, skew_factor: 0.5 }, /skew_factor/],
  ];
  for (const [name, input, message] of bad)
    test(`rejects: ${name}`, () => {
      assert.throws(
        () => createInventoryConfig(input as never),
        (e: unknown) => e instanceof InvalidConfigError && message.test(e.message),
      );
    });
  test("boundaries that are valid: skewFactor 0 and 1, emergency exactly 1", () => {
    assert.doesNotThrow(() => createInventoryConfig({ maxInventory: 1, skewFactor: 0 }));
    assert.doesNotThrow(() => createInventoryConfig({ maxInventory: 1, skewFactor: 1, emergencyThreshold: 1 }));
  });
});
