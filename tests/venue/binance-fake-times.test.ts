// The fake Binance's own times: a cancel's answer and a later GET of the order give the one instant at which
// the engine cancelled it, as Binance does (transactTime = updateTime). The contract suite's fetchOrder check
// compares them; it failed once in CI when the fake answered with the request's arrival and the engine's
// clock had moved on by a millisecond. Here the engine's clock moves at every reading, so it always does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Engine } from "@/tests/fakes/binance/engine";
import { handleSigned } from "@/tests/fakes/binance/rest";
import { DEFAULT_SYMBOLS } from "@/tests/fakes/binance/server";

test("a cancel is answered with the instant the engine cancelled the order, which a later GET reports as its updateTime", () => {
  let clock = 1_000_000;
  const engine = new Engine({ symbols: DEFAULT_SYMBOLS.map((s) => ({ ...s })), makerFeeRate: "0.00075", takerFeeRate: "0.001", houseLevels: 5, houseSize: "1", houseHalfSpreadTicks: 5, now: () => ++clock });
  engine.deposit("u", "USDT", "100000");
  const arrival = () => clock + 0.5; // a request arrives between two readings of the engine's clock
  const p = (o: Record<string, string>) => new URLSearchParams({ symbol: "ETHUSDT", ...o });
  handleSigned(engine, "u", "POST", "/api/v3/order", p({ side: "BUY", type: "LIMIT", price: "1990.00", quantity: "0.0100", timeInForce: "GTC", newClientOrderId: "c1" }), arrival());
  const cancelled = handleSigned(engine, "u", "DELETE", "/api/v3/order", p({ origClientOrderId: "c1" }), arrival()) as { transactTime: number; status: string };
  const later = handleSigned(engine, "u", "GET", "/api/v3/order", p({ origClientOrderId: "c1" }), arrival()) as { updateTime: number; status: string };
  assert.equal(cancelled.status, "CANCELED");
  assert.equal(later.status, "CANCELED");
  assert.equal(cancelled.transactTime, later.updateTime);
});
