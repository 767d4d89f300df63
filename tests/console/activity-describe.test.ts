// The activity log's wording (issue 14, item 9): actions in the operator's words and what they changed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { changes, describeAction } from "@/components/activity/describe";

test("actions read as sentences; unknown ones stay readable", () => {
  assert.equal(describeAction("control.rearm"), "re-armed the risk state");
  assert.equal(describeAction("alert.ack_all"), "acknowledged all open alerts");
  assert.equal(describeAction("venue.reconnect"), "venue reconnect");
});

test("a pause shows what moved; a parameter change shows the parameters, not the version's bookkeeping", () => {
  assert.deepEqual(changes({ before: { riskState: "ACTIVE", paused: false, paramVersion: 3 }, after: { riskState: "ACTIVE", paused: true, paramVersion: 3 } }), [
    { path: "paused", before: "false", after: "true" },
  ]);
  const before = { version: 3, params: { skewFactor: "0.5", spread: "2" } };
  const after = { version: 4, params: { skewFactor: "0.7", spread: "2" }, previous: { skewFactor: "0.5" }, changedBy: "op", reason: "lean", createdAt: 1, rolledBackFrom: null };
  assert.deepEqual(changes({ before, after }), [
    { path: "version", before: "3", after: "4" },
    { path: "skewFactor", before: "0.5", after: "0.7" },
  ]);
  assert.deepEqual(changes({ before: null, after: { role: "operator" } }), [{ path: "role", before: "—", after: "operator" }]);
});
