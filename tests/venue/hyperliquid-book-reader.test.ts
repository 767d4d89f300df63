// The stream's fast l2Book reader (server/venue/hyperliquid/book-reader.ts) must accept exactly what the
// zod schema accepts, with the same values, and refuse the rest with the schema's own message; and it
// reuses the Decimal of a level text it has seen, within a bounded table.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { BookReader } from "@/server/venue/hyperliquid/book-reader";
import { l2BookSchema } from "@/server/venue/hyperliquid/wire";
import { parseVenueData } from "@/server/venue/schemas";

const outcome = (f: () => { coin: string; time: number; levels: { price: { toString(): string }; size: { toString(): string } }[][] }) => {
  try {
    const b = f();
    return { ok: true, coin: b.coin, time: b.time, levels: b.levels.map((side) => side.map((l) => [l.price.toString(), l.size.toString()])) };
  } catch (e) {
    return { ok: false, error: `${(e as Error).constructor.name}: ${(e as Error).message}` };
  }
};

test("book reader: the schema's verdict and values on generated books (plain, signed, exponent, numeric, huge, malformed levels)", () => {
  const text = fc.oneof(
    fc.constantFrom("1999.9", "0", "0.0", "1", "0.5", "-1", "+2", "1e3", "1E-3", ".5", "5.", " 1", "1 ", "abc", "", "1".repeat(20), "1".repeat(21), `0.${"1".repeat(18)}`, `0.${"1".repeat(19)}`, "9".repeat(65)),
    fc.stringMatching(/^\d{1,22}(\.\d{0,20})?$/),
    fc.double({ noNaN: true }),
    fc.constantFrom(null, undefined, true, {}, []),
  );
  const level = fc.oneof({ weight: 8, arbitrary: fc.record({ px: text, sz: text }) }, fc.constantFrom("1", null, [1, 2], { px: "1" }));
  const book = fc.record({
    coin: fc.oneof({ weight: 9, arbitrary: fc.constant("ETH") }, fc.constant(7)),
    time: fc.oneof({ weight: 9, arbitrary: fc.nat() }, fc.constant("1")),
    levels: fc.oneof({ weight: 9, arbitrary: fc.tuple(fc.array(level, { maxLength: 4 }), fc.array(level, { maxLength: 4 })) }, fc.array(fc.array(level, { maxLength: 2 }), { maxLength: 3 })),
  });
  const reader = new BookReader(16);
  fc.assert(
    fc.property(book, (b) => {
      assert.deepEqual(
        outcome(() => reader.read(b)),
        outcome(() => parseVenueData(l2BookSchema, b, "l2Book", "hyperliquid")),
      );
    }),
    { seed: 10, numRuns: 5000 },
  );
});

test("book reader: a level text seen before gives the same Decimal; the table stays within its bound", () => {
  const reader = new BookReader(8);
  const msg = (px: string) => ({ coin: "ETH", time: 1, levels: [[{ px, sz: "1.5", n: 1 }], [{ px: "2000.1", sz: "1.5", n: 2 }]] });
  const a = reader.read(msg("1999.9"));
  const b = reader.read(msg("1999.9"));
  assert.equal(b.levels[0][0]!.price, a.levels[0][0]!.price, "the same instance, not parsed again");
  assert.equal(b.levels[1][0]!.size, a.levels[0][0]!.size);
  for (let i = 0; i < 50; i++) reader.read(msg(`19${i}.5`));
  assert.ok(reader.size <= 8, `at most 8 texts remembered, got ${reader.size}`);
  assert.equal(reader.read(msg("1999.9")).levels[0][0]!.price.toString(), "1999.9");
});
