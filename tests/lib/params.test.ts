// The operator's parameter schema: defaults, normalisation, per-field and cross-field messages, compilation, and
// that the strategy core stays free of Node APIs (the same schema validates in the browser).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import {
  InvalidConfigError,
  compileStrategyParams,
  defaultStrategyParams,
  mergeStrategyParams,
  needsRebalance,
  paramBoundsIssues,
  parseStrategyParams,
  strategyParamsPatchSchema,
  strategyParamsSchema,
} from "@/lib/strategy";
import { PROBABILITY_MARKET, STORY_MARKET } from "@/server/venue/paper";
import { D } from "./helpers";

describe("strategyParamsSchema", () => {
  test("defaults: the story's inventory defaults and the document's TradingConfig", () => {
    assert.deepEqual(defaultStrategyParams, {
      targetInventory: "0",
      maxInventory: "5",
      skewFactor: "0.5",
      skewMode: "linear",
      rebalanceThreshold: "0.8",
      emergencyThreshold: "0.95",
      skewUnit: "0.01",
      imbalanceUnit: "0.005",
      minSpread: "0.002",
      maxSpread: "0.02",
      spread: "0.01",
      depthLookback: 5,
      minLevelSize: null,
      minPrice: null,
      maxPrice: null,
      safeRangeLow: "0.01",
      safeRangeHigh: "0.99",
      orderSize: "1",
      maxPosition: "5",
      maxTotalPosition: "30",
      mergeThreshold: "0.1",
      skipSideThreshold: "0.7",
    });
    assert.deepEqual(strategyParamsSchema.parse({}), defaultStrategyParams);
  });

  test("numbers are accepted and normalised to decimal strings", () => {
    const p = parseStrategyParams({ skewFactor: 0.25, maxInventory: "10.50", minSpread: 1e-3, depthLookback: "7", skewUnit: "1e-2" });
    assert.equal(p.skewFactor, "0.25");
    assert.equal(p.maxInventory, "10.5");
    assert.equal(p.minSpread, "0.001");
    assert.equal(p.skewUnit, "0.01");
    assert.equal(p.depthLookback, 7);
  });

  test("a validated object validates again unchanged (server re-checks what the form sent)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 1000 }), (f, m) => {
        const p = parseStrategyParams({ skewFactor: f / 100, maxInventory: m / 10 });
        assert.deepEqual(parseStrategyParams(JSON.parse(JSON.stringify(p))), p);
      }),
    );
  });

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ["skewFactor above 1", { skewFactor: "1.2" }, /skewFactor: must be at most 1/],
    ["maxInventory 0", { maxInventory: 0 }, /maxInventory: must be greater than 0/],
    ["not a number", { orderSize: "lots" }, /orderSize: must be a decimal number/],
    ["NaN", { orderSize: Number.NaN }, /orderSize: must be a decimal number/],
    ["too many decimals", { skewUnit: "0.0000000000000000001" }, /skewUnit: must have at most 18 decimal places/],
    ["rebalance >= emergency", { rebalanceThreshold: "0.95" }, /rebalanceThreshold: must be below the emergency threshold/],
    ["emergency above 1", { emergencyThreshold: "1.5" }, /emergencyThreshold: must be at most 1/],
    ["minSpread > maxSpread", { minSpread: "0.05" }, /minSpread: must not exceed the max spread/],
    ["minSpread 0", { minSpread: "0" }, /minSpread: must be greater than 0/],
    ["band inverted", { minPrice: "0.9", maxPrice: "0.1" }, /minPrice: must be below the max price/],
    ["safe range inverted", { safeRangeLow: "0.9", safeRangeHigh: "0.5" }, /safeRangeLow: must be below the safe range high/],
    ["lookback 1", { depthLookback: 1 }, /depthLookback: must be at least 2/],
    ["lookback fractional", { depthLookback: 2.5 }, /depthLookback: must be a whole number/],
    ["unknown mode", { skewMode: "quadratic" }, /skewMode/],
    ["unknown key", { skew_factor: "0.5" }, /skew_factor/],
    // issue 9, item 3: bounded in digits and exponent before anything formats the value
    ["a billion-digit maxInventory", { maxInventory: "1e1000000000" }, /maxInventory: is too large: at most 20 digits/],
    ["1e3000000", { maxInventory: "1e3000000" }, /maxInventory: is too large/],
    ["beyond numeric(38,18)", { orderSize: "1e20" }, /orderSize: is too large/],
    ["a huge JSON number", { spread: 1e300 }, /spread: is too large/],
    ["a tiny exponent", { skewUnit: "1e-1000000000" }, /skewUnit: must have at most 18 decimal places/],
    ["a very long text", { skewUnit: `0.${"0".repeat(80)}1` }, /skewUnit: is too long/],
    // issue 9, item 1: a target outside ±maxInventory sold at market "toward target" without end
    ["target -1e30", { maxInventory: "1", targetInventory: "-1e30" }, /targetInventory: is too large/],
    ["target beyond -maxInventory", { maxInventory: "1", targetInventory: "-1.5" }, /targetInventory: must be no further from zero than the max inventory/],
    ["target beyond +maxInventory", { maxInventory: "2", targetInventory: "2.01" }, /targetInventory: must be no further from zero than the max inventory/],
  ];
  for (const [name, input, message] of bad)
    test(`rejects ${name} with a per-field message`, () => {
      const r = strategyParamsSchema.safeParse(input);
      assert.equal(r.success, false);
      assert.throws(() => parseStrategyParams(input), (e: unknown) => e instanceof InvalidConfigError && message.test(e.message));
    });

  test("issues carry the field path (for the form)", () => {
    const r = strategyParamsSchema.safeParse({ skewFactor: "2", minSpread: "0.5" });
    assert.ok(!r.success);
    const paths = r.error.issues.map((i) => i.path.join("."));
    assert.ok(paths.includes("skewFactor") && paths.includes("minSpread"), paths.join(","));
  });

  test("null turns the safe-range warning and the market overrides off/on", () => {
    const p = parseStrategyParams({ safeRangeLow: null, safeRangeHigh: null, minPrice: "0.05", maxPrice: 0.95 });
    assert.equal(p.safeRangeLow, null);
    assert.equal(p.maxPrice, "0.95");
  });
});

describe("strategyParamsPatchSchema and mergeStrategyParams", () => {
  test("an omitted field keeps its current value; {} changes nothing", () => {
    const current = parseStrategyParams({ maxInventory: "1", spread: "2", minSpread: "1", maxSpread: "6", safeRangeLow: null, safeRangeHigh: null });
    assert.deepEqual(mergeStrategyParams(current, strategyParamsPatchSchema.parse({})), current);
    const m = mergeStrategyParams(current, strategyParamsPatchSchema.parse({ skewFactor: 0.25 }));
    assert.equal(m.skewFactor, "0.25");
    assert.equal(m.spread, "2");
    assert.equal(m.safeRangeLow, null);
  });
  test("each field is checked on its own, the rules across fields on the merged set", () => {
    assert.equal(strategyParamsPatchSchema.safeParse({ maxInventory: "1e1000000000" }).success, false);
    assert.equal(strategyParamsPatchSchema.safeParse({ nope: 1 }).success, false);
    const current = parseStrategyParams({ maxInventory: "1" });
    assert.throws(() => mergeStrategyParams(current, strategyParamsPatchSchema.parse({ targetInventory: "-3" })), /targetInventory: must be no further from zero than the max inventory/);
  });
});

describe("paramBoundsIssues (the market's and the desk's bounds)", () => {
  const story = parseStrategyParams({ maxInventory: "1", orderSize: "0.1", maxPosition: "0.1", minSpread: "1", maxSpread: "6", spread: "2", skewUnit: "4", safeRangeLow: null, safeRangeHigh: null });
  const paths = (p: Record<string, unknown>, limits = {}) => paramBoundsIssues(parseStrategyParams({ ...story, ...p }), STORY_MARKET, limits).map((i) => `${i.path}: ${i.message}`);
  test("the story preset fits its market", () => assert.deepEqual(paths({}), []));
  test("sizes: the venue's minimum and lot, then the inventory budget and the desk's limit", () => {
    assert.match(paths({ orderSize: "0.0001" })[0]!, /orderSize: must be at least 0.001, the smallest order ETH-USD accepts/);
    assert.match(paths({ orderSize: "0.1005" })[0]!, /orderSize: must be a multiple of the lot size 0.001/);
    assert.match(paths({ orderSize: "2" })[0]!, /orderSize: must not exceed maxInventory/);
    assert.match(paths({ maxPosition: "0.5" }, { maxOrderSize: D("0.2") })[0]!, /maxPosition: must not exceed the desk's limit of 0.2/);
    assert.match(paths({ maxInventory: "3" }, { maxInventory: D("2") })[0]!, /maxInventory: must not exceed the desk's limit of 2/);
  });
  test("every value stays within what the database stores", () => {
    assert.match(paths({ maxInventory: "1e13" })[0]!, /maxInventory: is too large for ETH-USD/);
    assert.match(paths({ maxTotalPosition: "1e19" })[0]!, /maxTotalPosition: must be below/);
  });
  test("prices inside the band; price distances no wider than it", () => {
    const p = paramBoundsIssues(parseStrategyParams({ maxInventory: "200", orderSize: "20", maxPosition: "20", maxPrice: "5", skewUnit: "1" }), PROBABILITY_MARKET);
    assert.deepEqual(
      p.map((i) => i.path),
      ["maxPrice", "skewUnit"],
    );
    assert.match(p[0]!.message, /within YES's price band 0.01–0.99/);
  });
});

describe("compileStrategyParams", () => {
  test("converts once to Decimals and numbers; is itself an InventoryConfig", () => {
    const c = compileStrategyParams({ maxInventory: "2", targetInventory: "-0.5", skewMode: "tiered" });
    assert.ok(c.maxInventory.eq(2) && c.targetInventory.eq("-0.5") && c.skewUnit.eq("0.01"));
    assert.equal(c.skewFactor, 0.5);
    assert.equal(c.skewMode, "tiered");
    assert.equal(c.depthLookback, 5);
    assert.equal(needsRebalance(c, D("1.1")), true); // excess 1.6 = 0.8 × 2
    assert.ok(Object.isFrozen(c));
  });
  test("validates what it is given", () => {
    assert.throws(() => compileStrategyParams({ skewFactor: "3" }), InvalidConfigError);
  });
  test("uses the exact decimal, not the rounded number (18-digit factor)", () => {
    const c = compileStrategyParams({ maxInventory: "1", rebalanceThreshold: "0.800000000000000001" });
    assert.equal(c.rebalanceThreshold, 0.8); // the double cannot tell them apart
    assert.equal(needsRebalance(c, D("0.8")), false); // the exact threshold can
  });
});

describe("browser safety", () => {
  test("no file of lib/strategy imports a Node API", () => {
    const dir = join(process.cwd(), "lib/strategy");
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".ts"))) {
      const src = readFileSync(join(dir, f), "utf8");
      assert.doesNotMatch(src, /from\s+["'](node:|fs|path|os|crypto|child_process|server-only)/, f);
      assert.doesNotMatch(src, /\bprocess\.|\bBuffer\b|Date\.now|Math\.random/, `${f}: no I/O, clock or randomness`);
    }
  });
});
