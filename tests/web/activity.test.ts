// Issue 14, item 9: an activity log: every audited action (sign-ins, pause, resume, re-arm, parameter
// changes, emergency closes, acknowledgements) with who, when, before and after, filterable, for viewers
// and operators.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ApiErrorDTO, AuditPageDTO } from "@/lib/events";
import { WebHarness } from "@/tests/support/web-harness";

describe("activity log (GET /api/audit)", () => {
  let h: WebHarness;
  before(async () => {
    h = await WebHarness.start();
    await h.post("/api/control", { action: "pause" });
    await h.post("/api/control", { action: "resume" });
    await h.post("/api/params", { params: { skewFactor: 0.7 }, reason: "lean harder" });
    const alert = h.fake.raiseAlert("error", "warning", "x");
    await h.post("/api/alerts/ack", { id: alert.id });
  });
  after(() => h.close());

  test("newest first, with who, when, before and after; a viewer reads it too", async () => {
    const r = await h.get("/api/audit", h.viewerCookie);
    assert.equal(r.status, 200, r.text);
    const { rows } = r.json as AuditPageDTO;
    const actions = rows.map((e) => e.action);
    for (const a of ["auth.login", "control.pause", "control.resume", "params.apply", "alert.ack"]) assert.ok(actions.includes(a), `${a} in ${actions.join(", ")}`);
    assert.ok(actions.indexOf("control.resume") < actions.indexOf("control.pause"), "newest first");
    const pause = rows.find((e) => e.action === "control.pause")!;
    assert.equal(pause.actor, "operator");
    assert.equal((pause.before as { paused: boolean }).paused, false);
    assert.equal((pause.after as { paused: boolean }).paused, true);
    assert.ok(pause.at > 0);
  });

  test("filtered by kind and by who; paged with the cursor it gives", async () => {
    const params = (await h.get("/api/audit?kind=params")).json as AuditPageDTO;
    assert.deepEqual(params.rows.map((e) => e.action), ["params.apply"]);
    const viewer = (await h.get("/api/audit?actor=viewer")).json as AuditPageDTO;
    assert.ok(viewer.rows.length > 0 && viewer.rows.every((e) => e.actor === "viewer"));
    const ids: string[] = [];
    let next: string | null = null;
    do {
      const page: AuditPageDTO = (await h.get(`/api/audit?limit=2${next ? `&before=${encodeURIComponent(next)}` : ""}`)).json as AuditPageDTO;
      ids.push(...page.rows.map((e) => e.id));
      next = page.next;
    } while (next);
    const all = (await h.get("/api/audit?limit=500")).json as AuditPageDTO;
    assert.deepEqual(ids, all.rows.map((e) => e.id));
  });

  test("an unknown kind is refused with the kinds it takes", async () => {
    const r = await h.get("/api/audit?kind=everything");
    assert.equal(r.status, 400);
    assert.match((r.json as ApiErrorDTO).fields?.kind ?? "", /auth|control/);
  });
});
