// Client order ids ↔ Hyperliquid cloids (server/venue/hyperliquid/cloid.ts), with the table of recent
// lookups that spares the order path its regular expressions: the same answers before and after that table
// is emptied, both ways, for the desk's ids and for hashed foreign ones.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { CloidMap } from "@/server/venue/hyperliquid/cloid";

test("cloids: desk ids map both ways without a table, foreign ids by hash; answers unchanged past the recent-lookup bound", () => {
  const ids = new CloidMap("sd-");
  const desk = `sd-${randomUUID()}`;
  const foreign = "someone-else-7";
  const first = { desk: ids.cloid(desk), foreign: ids.cloid(foreign) };
  assert.match(first.desk, /^0x[0-9a-f]{32}$/);
  assert.equal(first.desk, `0x${desk.slice(3).replaceAll("-", "")}`);
  assert.match(first.foreign, /^0x[0-9a-f]{12}0[0-9a-f]{19}$/, "a hash never reads back as a desk id");
  // More ids than the recent-lookup table holds: it is emptied at least once on the way.
  for (let i = 0; i < 10_000; i++) ids.cloid(i % 2 ? `sd-${randomUUID()}` : `other-${i}`);
  assert.deepEqual({ desk: ids.cloid(desk), foreign: ids.cloid(foreign) }, first);
  assert.equal(ids.clientOrderId(first.desk, 1), desk);
  assert.equal(ids.clientOrderId(first.foreign, 2), foreign);
  assert.equal(ids.clientOrderId(ids.cloid("other-4"), 3), "other-4", "a foreign id mapped before the table was emptied still reads back");
  assert.equal(new CloidMap("sd-").clientOrderId(first.desk, 4), desk, "another process reads the desk's id back");
});
