// The Store contract on the database-in-its-own-thread store (PGlite in a worker, calls by message):
// the same answers, decimals exact, errors by name.
import { test } from "node:test";
import assert from "node:assert/strict";
import Decimal from "decimal.js";
import { decodeValue, encodeValue, openRemoteStore } from "@/server/store/remote-store";
import { storeContract, type StoreHarness } from "./contract";

storeContract("remote (PGlite in a database thread)", async (): Promise<StoreHarness> => {
  const store = await openRemoteStore({ dataDir: "memory://" });
  return { store, close: () => store.close() };
});

test("message encoding keeps decimals exact and dates as dates", () => {
  const v = { a: new Decimal("123456789.123456789123456789"), b: [new Decimal("-0.000000000000000001"), null], c: new Date(5), d: { e: "x" } };
  const back = decodeValue(structuredClone(encodeValue(v))) as typeof v;
  assert.ok(Decimal.isDecimal(back.a) && back.a.eq(v.a));
  assert.equal((back.b[0] as Decimal).toString(), "-1e-18");
  assert.ok(back.c instanceof Date && back.c.getTime() === 5);
  assert.deepEqual(back.d, { e: "x" });
});
