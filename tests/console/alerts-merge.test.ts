// Issue 14, defect 6 in the browser's list: repeats of a kind show as one alert with a count, also when
// the runner announces a repeat under an id of its own before the store's grouped record is read back.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { AlertDTO } from "@/lib/events";
import { mergeAlerts, mergeAlertsRead } from "@/components/live/lists";

const alert = (id: string, kind: AlertDTO["kind"], at: number, over: Partial<AlertDTO> = {}): AlertDTO => ({
  id,
  kind,
  severity: "warning",
  message: `${kind} at ${at}`,
  createdAt: at,
  acknowledgedBy: null,
  acknowledgedAt: null,
  ...over,
});

test("a pushed repeat of an open kind folds into it: count, last time, latest message, worse severity", () => {
  const held = [alert("G", "rebalance", 1, { count: 2, lastSeenAt: 5 }), alert("S", "stale_data", 2)];
  const out = mergeAlerts(held, [alert("R", "rebalance", 9, { severity: "critical" })]);
  assert.deepEqual(out.map((a) => [a.id, a.count ?? 1]), [["S", 1], ["G", 3]]);
  const g = out.find((a) => a.id === "G")!;
  assert.equal(g.lastSeenAt, 9);
  assert.equal(g.message, "rebalance at 9");
  assert.equal(g.severity, "critical");
  // Once acknowledged, a new occurrence is a new alert.
  const acked = mergeAlerts([{ ...g, acknowledgedAt: 10, acknowledgedBy: "op" }], [alert("N", "rebalance", 11)]);
  assert.deepEqual(acked.map((a) => a.id), ["N", "G"]);
});

test("the stored rows win on a read; a held copy the store grouped away is dropped; an acknowledgement is never undone", () => {
  const held = [alert("R", "rebalance", 9), alert("P", "error", 3)];
  const read = [alert("G", "rebalance", 1, { count: 4, lastSeenAt: 9 })];
  assert.deepEqual(mergeAlertsRead(held, read).map((a) => [a.id, a.count ?? 1]), [["P", 1], ["G", 4]]);
  const ackedHeld = [alert("G", "rebalance", 1, { acknowledgedAt: 5, acknowledgedBy: "op" })];
  assert.equal(mergeAlerts(ackedHeld, [alert("G", "rebalance", 1)])[0]!.acknowledgedBy, "op");
});
