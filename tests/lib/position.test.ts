// Position management and the trading loop's checks from the Rust document, with its TradingConfig defaults.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  SKIP_SIDE_THRESHOLD,
  TRADING_CONFIG_DEFAULTS,
  calculateInventorySkew,
  checkMergeOpportunity,
  defaultTradingConfig,
  fallbackQuote,
  getPositionLimit,
  shouldSkipSide,
  totalPositionLimitReached,
  validatePrice,
} from "@/lib/strategy";
import { D } from "./helpers";

describe("calculateInventorySkew = (UP − DOWN) / (UP + DOWN)", () => {
  const table: Array<[string, string, number]> = [
    ["0", "0", 0], // no position: 0, not NaN
    ["10", "0", 1],
    ["0", "10", -1],
    ["5", "5", 0],
    ["30", "10", 0.5],
    ["10", "30", -0.5],
    ["8.5", "1.5", 0.7],
  ];
  for (const [up, down, skew] of table)
    test(`UP ${up}, DOWN ${down} → ${skew}`, () => assert.equal(calculateInventorySkew(D(up), D(down)), skew));
  test("negative values are rejected", () => assert.throws(() => calculateInventorySkew(D(-1), D(1)), RangeError));
});

describe("shouldSkipSide (70%)", () => {
  const table: Array<["buy" | "sell", number, boolean, string]> = [
    ["buy", 0.71, true, "Inventory too long"],
    ["buy", 0.7, false, ""], // strictly past 0.7, as the document
    ["buy", -0.9, false, ""],
    ["sell", -0.71, true, "Inventory too short"],
    ["sell", -0.7, false, ""],
    ["sell", 0.9, false, ""],
  ];
  for (const [side, skew, skip, reason] of table)
    test(`${side} at ${skew} → ${skip ? "skip" : "keep"}`, () => assert.deepEqual(shouldSkipSide(side, skew), { skip, reason }));
  test("threshold is 0.7 and configurable", () => {
    assert.equal(SKIP_SIDE_THRESHOLD, 0.7);
    assert.equal(shouldSkipSide("buy", 0.6, 0.5).skip, true);
  });
});

describe("getPositionLimit (max 5.0)", () => {
  const table: Array<["buy" | "sell", number, string]> = [
    ["buy", 0, "5"],
    ["buy", 0.3, "5"],
    ["buy", 0.31, "2.5"],
    ["buy", 0.5, "2.5"],
    ["buy", 0.51, "1"],
    ["buy", -0.9, "5"],
    ["sell", -0.31, "2.5"],
    ["sell", -0.51, "1"],
    ["sell", 0.9, "5"],
  ];
  for (const [side, skew, limit] of table)
    test(`${side} at skew ${skew} → ${limit}`, () => assert.equal(getPositionLimit(side, skew, D("5.0")).toString(), limit));
});

describe("checkMergeOpportunity", () => {
  const table: Array<[string, string, string, string | null]> = [
    ["3", "2", "0.1", "2"],
    ["0.05", "2", "0.1", null], // below the threshold
    ["0.1", "2", "0.1", "0.1"], // at it
    ["0", "5", "0", null], // nothing to merge
    ["4.25", "7", "0.1", "4.25"],
  ];
  for (const [up, down, threshold, expected] of table)
    test(`UP ${up}, DOWN ${down}, threshold ${threshold} → ${expected}`, () =>
      assert.equal(checkMergeOpportunity(D(up), D(down), D(threshold))?.toString() ?? null, expected));
});

describe("total-position cap, price validation, safe range, fallback", () => {
  test("trading stops once the total value reaches the cap (>=)", () => {
    assert.equal(totalPositionLimitReached(D("29.99"), D(30)), false);
    assert.equal(totalPositionLimitReached(D(30), D(30)), true);
  });
  test("a price outside [min, max] is invalid; outside the safe range it only warns", () => {
    const band = [D("0.01"), D("0.99")] as const;
    const safe = { low: D("0.05"), high: D("0.95") };
    assert.deepEqual(validatePrice(D("0.5"), ...band, safe), { valid: true, reason: null, warning: null });
    assert.equal(validatePrice(D("0.995"), ...band, safe).valid, false);
    assert.match(validatePrice(D("0.005"), ...band).reason!, /outside \[0.01, 0.99\]/);
    const w = validatePrice(D("0.97"), ...band, safe);
    assert.equal(w.valid, true);
    assert.match(w.warning!, /safe range/);
  });
  test("fallback quote: reference ± spread / 2", () => {
    const q = fallbackQuote(D("0.5"), D("0.01"));
    assert.deepEqual([q.bid.toString(), q.ask.toString()], ["0.495", "0.505"]);
  });
});

describe("TradingConfig defaults (section 4 of the document)", () => {
  test("values", () => {
    assert.deepEqual(TRADING_CONFIG_DEFAULTS, {
      orderSize: "1",
      maxPosition: "5",
      maxTotalPosition: "30",
      safeRangeLow: "0.01",
      safeRangeHigh: "0.99",
      minSpread: "0.002",
      maxSpread: "0.02",
      spread: "0.01",
      depthLookback: 5,
      mergeThreshold: "0.1",
    });
    assert.ok(defaultTradingConfig.orderSize.eq("1.0") && defaultTradingConfig.maxTotalPosition.eq("30.0"));
    assert.equal(defaultTradingConfig.depthLookback, 5);
  });
});
