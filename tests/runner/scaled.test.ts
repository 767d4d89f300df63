// The runner's per-order checks on integer doubles must agree with exact BigInt arithmetic on every value
// they accept, and refuse (NaN) every value they cannot hold exactly.
import { test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { ceilDiv, ceilMultiple, floorDiv, floorMultiple, scaledOrNull, units7 } from "@/server/runner/scaled";
import { seededInts } from "@/tests/support/seeded";

test("floor and ceil multiples are exact, negative values and huge quotients included", () => {
  const r = seededInts(3);
  for (let i = 0; i < 20_000; i++) {
    const b = 1 + r(i % 2 ? 1_000 : 100_000_000);
    const a = (r(2) ? -1 : 1) * (r(1 << 30) * 2 ** 20 + r(1 << 20));
    const [A, B] = [BigInt(a), BigInt(b)];
    assert.equal(BigInt(floorMultiple(a, b)), floorDiv(A, B) * B, `floor(${a}/${b})`);
    assert.equal(BigInt(ceilMultiple(a, b)), ceilDiv(A, B) * B, `ceil(${a}/${b})`);
  }
});

test("units7 is the exact value in 10^-7 units, or NaN when it has finer digits or is too large", () => {
  assert.equal(units7(new Decimal("0.01")), 100_000);
  assert.equal(units7(new Decimal("-123.4567891")), -1_234_567_891);
  assert.ok(Number.isNaN(units7(new Decimal("0.00000001"))), "8 decimals");
  assert.ok(Number.isNaN(units7(new Decimal("200000000"))), "past 2^50 units");
  const r = seededInts(5);
  for (let i = 0; i < 5_000; i++) {
    const d = new Decimal(r(1_000_000_000)).div(10 ** r(8)).mul(r(2) ? 1 : -1);
    const u = units7(d);
    const s = scaledOrNull(d);
    if (Number.isNaN(u)) continue;
    assert.equal(BigInt(u) * 10n ** 11n, s, `${d}`);
  }
});
