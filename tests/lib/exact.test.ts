// The exact fixed-point conversions under the hot path (lib/strategy/exact.ts), against string arithmetic.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import fc from "fast-check";
import { ceilDiv, floorDiv, fromScaled, fromUnits, toFrac, toScaled, toUnits7 } from "@/lib/strategy/exact";
import { D } from "./helpers";

/** value × 10^18 through decimal.js's own string output: the reference for toScaled. */
const viaString = (x: Decimal) => BigInt(x.times("1e18").toFixed(0));

describe("toScaled / toUnits7", () => {
  const table: Array<[string, string]> = [
    ["0", "0"],
    ["-0", "0"],
    ["1", "1000000000000000000"],
    ["0.5", "500000000000000000"],
    ["-2000.25", "-2000250000000000000000"],
    ["0.0000001", "100000000000"],
    ["0.00000001", "10000000000"],
    ["123456789.123456789", "123456789123456789000000000"],
    ["0.000000000000000001", "1"],
    ["1e21", "1000000000000000000000000000000000000000"],
  ];
  for (const [v, scaled] of table) test(`${v} → ${scaled}`, () => assert.equal(toScaled(D(v)), BigInt(scaled)));

  test("units of 1e-7 when they fit, NaN otherwise", () => {
    assert.equal(toUnits7(D("5.25")), 52_500_000);
    assert.equal(toUnits7(D("-0.0000001")), -1);
    assert.ok(Number.isNaN(toUnits7(D("0.00000001")))); // 8 decimals
    assert.ok(Number.isNaN(toUnits7(D("1e9")))); // 1e16 units: past 2^53
    assert.ok(Number.isNaN(toUnits7(D(NaN))));
  });

  test("rejects NaN, infinities and more than 18 decimals", () => {
    assert.throws(() => toScaled(D(NaN)), RangeError);
    assert.throws(() => toScaled(D(Infinity)), RangeError);
    assert.throws(() => toScaled(D("1e-19")), /more than 18 decimal places/);
  });

  test("equals string arithmetic for random decimals of every shape", () => {
    const arbDec = fc
      .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 18 }))
      .map(([n, dp]) => new Decimal(n.toString()).div(new Decimal(10).pow(dp)));
    fc.assert(
      fc.property(arbDec, (x) => {
        assert.equal(toScaled(x), viaString(x));
        const u = toUnits7(x);
        if (!Number.isNaN(u)) assert.equal(BigInt(u) * 10n ** 11n, viaString(x));
        assert.ok(fromScaled(toScaled(x)).eq(x));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("helpers", () => {
  test("floorDiv / ceilDiv round toward −∞ / +∞", () => {
    const table: Array<[bigint, bigint, bigint, bigint]> = [
      [7n, 2n, 3n, 4n],
      [-7n, 2n, -4n, -3n],
      [6n, 2n, 3n, 3n],
      [-6n, 2n, -3n, -3n],
      [0n, 5n, 0n, 0n],
    ];
    for (const [a, b, f, c] of table) {
      assert.equal(floorDiv(a, b), f);
      assert.equal(ceilDiv(a, b), c);
    }
  });
  test("toFrac keeps every digit of a double's shortest spelling", () => {
    const f = toFrac(1.2345678901234567e-5);
    assert.equal(new Decimal(f.n.toString()).div(f.d.toString()).toString(), "0.000012345678901234568"); // String(that double)
  });
  test("fromUnits: small and huge counts", () => {
    assert.equal(fromUnits(498n, D("0.001"), 10n ** 15n).toString(), "0.498");
    assert.equal(fromUnits(10n ** 20n, D("0.01"), 10n ** 16n).toString(), "1000000000000000000");
  });
});
