// Client order ids carry their strategy: a tagged strategy owns only its own ids; an untagged (pre-desk)
// strategy owns sd-<uuid> ids only; every other desk id is another strategy's and is "foreign".
import { test } from "node:test";
import assert from "node:assert/strict";
import { clientIds, isClientTag, newClientTag, tagOfClientId } from "@/server/runner/client-ids";

test("a tagged strategy's ids carry its tag and are told apart from another strategy's and from legacy ids", () => {
  const a = clientIds("aaaaa1");
  const b = clientIds("bbbbb2");
  const legacy = clientIds(null);
  const ida = a.newId();
  const idb = b.newId();
  const idl = legacy.newId();
  assert.match(ida, /^sd-aaaaa1-[0-9a-f-]{36}$/);
  assert.equal(tagOfClientId(ida), "aaaaa1");
  assert.equal(tagOfClientId(idl), null);
  assert.ok(a.owns(ida) && !a.foreign(ida));
  assert.ok(!a.owns(idb) && a.foreign(idb));
  assert.ok(!a.owns(idl) && a.foreign(idl));
  assert.ok(legacy.owns(idl) && !legacy.foreign(idl));
  assert.ok(!legacy.owns(ida) && legacy.foreign(ida));
  // Not a desk id at all: neither ours nor another strategy's (a manual order on the account).
  assert.ok(!a.owns("manual-1") && !a.foreign("manual-1"));
});

test("tags are six lowercase letters or digits; anything else is refused", () => {
  for (let i = 0; i < 50; i++) assert.ok(isClientTag(newClientTag()));
  assert.throws(() => clientIds("ABCDEF"), /six lowercase/);
  assert.throws(() => clientIds("abc"), /six lowercase/);
});

test("numbered ids (a lab simulation's throwaway venue) count up, keep the strategy's tag and epoch, and are owned the same way", () => {
  const a = clientIds("aaaaa1", null, true);
  const legacy = clientIds(null, null, true);
  const fenced = clientIds("ccccc3", 7, true);
  assert.deepEqual([a.newId(), a.newId(), a.newId()], ["sd-aaaaa1-1", "sd-aaaaa1-2", "sd-aaaaa1-3"]);
  assert.equal(fenced.newId(), "sd-ccccc3-e7-1");
  const idl = legacy.newId();
  assert.equal(idl, "sd-1");
  assert.ok(legacy.owns(idl) && !a.owns(idl) && a.foreign(idl));
  assert.equal(tagOfClientId("sd-aaaaa1-2"), "aaaaa1");
  // Another strategy's numbered ids are told apart as random ones are.
  assert.ok(!a.owns(fenced.newId()));
});
