// Issue 14, defect 6: an alert storm ("8 NEW" in a minute). Repeats of a kind join the open alert (store
// contract); an operator acknowledges every open alert at once, audited as one action.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { AlertDTO } from "@/lib/events";
import { WebHarness } from "@/tests/support/web-harness";

describe("alerts: acknowledge all", () => {
  let h: WebHarness;
  before(async () => {
    h = await WebHarness.start();
  });
  after(() => h.close());

  test("an operator acknowledges every open alert in one request; one audit line names them", async () => {
    h.fake.raiseAlert("rebalance", "warning", "ratio 0.81");
    h.fake.raiseAlert("rebalance", "warning", "ratio 0.84");
    h.fake.raiseAlert("risk_state", "info", "REDUCING");
    h.fake.raiseAlert("emergency", "critical", "flattened");
    const list = (await h.get("/api/alerts")).json as AlertDTO[];
    assert.deepEqual(list.map((a) => [a.kind, a.count]), [["emergency", 1], ["risk_state", 1], ["rebalance", 2]]);

    const r = await h.post("/api/alerts/ack-all", {});
    assert.equal(r.status, 200, r.text);
    const { acknowledged } = r.json as { acknowledged: AlertDTO[] };
    assert.equal(acknowledged.length, 3);
    assert.ok(((await h.get("/api/alerts")).json as AlertDTO[]).every((a) => a.acknowledgedBy === "operator"));
    const audit = h.fake.audits.findLast((a) => a.action === "alert.ack_all")!;
    assert.deepEqual((audit.after as { ids: string[] }).ids.sort(), acknowledged.map((a) => a.id).sort());
  });

  test("a viewer may not; a body with fields is refused; nothing changes either way", async () => {
    h.fake.raiseAlert("error", "warning", "x");
    const before = h.fake.mutations.length;
    assert.equal((await h.post("/api/alerts/ack-all", {}, h.viewerCookie)).status, 403);
    assert.equal((await h.post("/api/alerts/ack-all", { ids: ["x"] })).status, 400);
    assert.equal(h.fake.mutations.length, before);
  });
});
