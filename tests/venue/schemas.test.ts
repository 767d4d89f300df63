import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import {
  BadResponse,
  ExchangeError,
  InsufficientFunds,
  InvalidOrder,
  NetworkError,
  OrderNotFound,
  OrderRejected,
  PostOnlyWouldCross,
  RateLimitExceeded,
  RequestTimeout,
  VenueError,
  VenueUnavailable,
  isRetryable,
} from "@/server/venue/errors";
import { decimalSchema, fillSchema, levelSchema, orderBookSchema, parseVenueData, sideSchema, timestampSchema, tradeSchema } from "@/server/venue/schemas";

describe("venue errors", () => {
  const table: Array<[new (m: string) => VenueError, "network" | "exchange"]> = [
    [RequestTimeout, "network"],
    [VenueUnavailable, "network"],
    [RateLimitExceeded, "network"],
    [InvalidOrder, "exchange"],
    [OrderNotFound, "exchange"],
    [InsufficientFunds, "exchange"],
    [PostOnlyWouldCross, "exchange"],
    [OrderRejected, "exchange"],
    [BadResponse, "exchange"],
  ];
  for (const [cls, kind] of table) {
    test(`${cls.name} is a ${kind} error, ${kind === "network" ? "" : "not "}retryable`, () => {
      const e = new cls("boom");
      assert.ok(e instanceof VenueError && e instanceof Error);
      assert.equal(e instanceof NetworkError, kind === "network");
      assert.equal(e instanceof ExchangeError, kind === "exchange");
      assert.equal(isRetryable(e), kind === "network");
      assert.equal(e.name, cls.name);
      assert.equal(e.message, "boom");
    });
  }
  test("PostOnlyWouldCross is an InvalidOrder; plain errors are not retryable", () => {
    assert.ok(new PostOnlyWouldCross("x") instanceof InvalidOrder);
    assert.equal(isRetryable(new Error("x")), false);
    assert.equal(isRetryable("x"), false);
    assert.equal(new RateLimitExceeded("slow", { retryAfterMs: 250, venue: "v" }).retryAfterMs, 250);
    const cause = new Error("socket hang up");
    assert.equal(new VenueUnavailable("down", { cause }).cause, cause);
  });
});

describe("venue boundary schemas", () => {
  test("decimals from strings and numbers, exactly", () => {
    const rows: Array<[unknown, string]> = [["0.1", "0.1"], [0.1, "0.1"], [" 2000.50 ", "2000.5"], ["1e-8", "1e-8"], [1e19, "10000000000000000000"], ["-3", "-3"], [".5", "0.5"]];
    for (const [input, want] of rows) {
      const d = decimalSchema.parse(input);
      assert.ok(Decimal.isDecimal(d));
      assert.equal(d.toString(), want, `${JSON.stringify(input)}`);
    }
    for (const bad of ["", "abc", "1,5", "0x10", NaN, Infinity, null, true, {}]) assert.equal(decimalSchema.safeParse(bad).success, false, `${String(bad)} rejected`);
    // Beyond what the database stores (numeric(38,18)): refused before anything formats it (issue 9, item 3).
    for (const big of [1e21, "1e1000000000", "1e-1000000000"]) {
      const r = decimalSchema.safeParse(big);
      assert.equal(r.success, false, `${String(big)} rejected`);
      assert.match(r.error!.issues[0]!.message, /too large|decimal places/);
    }
  });

  test("levels as tuples or objects; zero sizes dropped; sorted best first; duplicates and crossing refused", () => {
    assert.equal(levelSchema.parse(["1.5", 2]).price.toString(), "1.5");
    assert.equal(levelSchema.parse({ price: 1, size: "0" }).size.toString(), "0");
    const b = orderBookSchema.parse({ ts: "1700000000000", bids: [["0.48", "10"], ["0.49", "5"], ["0.47", "0"]], asks: [{ price: "0.52", size: "1" }, { price: "0.51", size: "3" }] });
    assert.deepEqual(b.bids.map((l) => l.price.toString()), ["0.49", "0.48"]);
    assert.deepEqual(b.asks.map((l) => l.price.toString()), ["0.51", "0.52"]);
    assert.equal(b.ts, 1_700_000_000_000);
    assert.throws(() => parseVenueData(orderBookSchema, { ts: 1, bids: [["1", "1"], ["1.0", "2"]], asks: [] }, "book"), /book: bids: price 1 appears twice/);
    assert.throws(() => parseVenueData(orderBookSchema, { ts: 1, bids: [["1", "1"]], asks: [["1", "1"]] }, "book"), /crossed book/);
    assert.throws(() => parseVenueData(orderBookSchema, { ts: 1, bids: [["-1", "1"]], asks: [] }, "book"), /bids\.0\.price: must be > 0/);
  });

  test("sides, timestamps and trades in the usual wire shapes", () => {
    assert.equal(sideSchema.parse("BUY"), "buy");
    assert.equal(sideSchema.parse(" Sell "), "sell");
    assert.equal(sideSchema.safeParse("long").success, false);
    assert.equal(timestampSchema.parse("2024-01-01T00:00:00Z"), 1_704_067_200_000);
    assert.equal(timestampSchema.parse(5), 5);
    assert.equal(timestampSchema.safeParse("yesterday").success, false);
    assert.equal(timestampSchema.safeParse(-1).success, false);
    const t = tradeSchema.parse({ ts: 1, side: "SELL", price: "0.5", size: 10, id: 77 });
    assert.equal(t.id, "77");
    assert.equal(t.size.toString(), "10");
  });

  test("fills parse into VenueFill; a bad one names its fields in a BadResponse", () => {
    const f = parseVenueData(fillSchema, { tradeId: 9, clientOrderId: "c1", venueOrderId: 12, side: "buy", price: "2000.01", size: "0.1", fee: "-0.002", liquidity: "MAKER", ts: "1700000000000" }, "fill");
    assert.equal(f.tradeId, "9");
    assert.equal(f.liquidity, "maker");
    assert.equal(f.fee.toString(), "-0.002");
    assert.throws(
      () => parseVenueData(fillSchema, { tradeId: "", clientOrderId: "c", venueOrderId: "v", side: "buy", price: "x", size: "0", fee: "0", liquidity: "both", ts: 1 }, "ws fill", "poly"),
      (e) => e instanceof BadResponse && !isRetryable(e) && e.venue === "poly" && /^ws fill: /.test(e.message) && /price: expected a decimal number, got "x"/.test(e.message) && /size: must be > 0/.test(e.message) && /liquidity: expected maker or taker, got "both"/.test(e.message),
    );
  });
});
