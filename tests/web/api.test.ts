import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CommandRejected } from "@/server/runner/commands";
import type {
  AlertDTO,
  ApiErrorDTO,
  EmergencyOutcomeDTO,
  EmergencyPreviewDTO,
  FillDTO,
  ParamVersionDTO,
  QuotePreviewDTO,
  SnapshotDTO,
  StatusDTO,
} from "@/lib/events";
import Decimal from "decimal.js";
import { WebHarness } from "@/tests/support/web-harness";

describe("JSON API happy paths", () => {
  let h: WebHarness;
  before(async () => {
    h = await WebHarness.start();
    for (let i = 0; i < 30; i++) h.fake.tick(() => 0.3, 1_000_000 + i * 200);
  });
  after(() => h.close());

  test("GET /api/health needs no session and says only ok", async () => {
    const r = await h.send("/api/health");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { ok: true });
  });

  test("GET /api/status returns the host's status", async () => {
    const r = await h.get("/api/status");
    assert.equal(r.status, 200);
    const s = r.json as StatusDTO;
    assert.equal(s.mode, "paper");
    assert.equal(s.market, "FAKE-YES");
    assert.equal(r.headers["cache-control"], "no-store");
  });

  test("GET /api/status works for a viewer", async () => {
    assert.equal((await h.get("/api/status", h.viewerCookie)).status, 200);
  });

  test("GET /api/snapshots passes from/to/limit to the host, coerced to numbers", async () => {
    const r = await h.get("/api/snapshots?from=1001000&to=1002000&limit=3");
    assert.equal(r.status, 200);
    const rows = r.json as SnapshotDTO[];
    assert.deepEqual(rows.map((s) => s.ts), [1_001_000, 1_001_200, 1_001_400]);
    assert.deepEqual(h.fake.calls.findLast((c) => c.method === "snapshots")!.args[0], { from: 1_001_000, to: 1_002_000, limit: 3 });
  });

  test("GET /api/snapshots defaults limit to 5000 and refuses from > to", async () => {
    await h.get("/api/snapshots");
    assert.deepEqual(h.fake.calls.findLast((c) => c.method === "snapshots")!.args[0], { limit: 5000 });
    const r = await h.get("/api/snapshots?from=10&to=5");
    assert.equal(r.status, 400);
    assert.match((r.json as ApiErrorDTO).error, /from/);
  });

  test("GET lists with limit: fills, orders, alerts", async () => {
    const fill = h.fake.applyFill("buy", new Decimal("0.5"), new Decimal("3"));
    h.fake.raiseAlert("rebalance", "warning", "test alert");
    for (const path of ["/api/fills", "/api/orders", "/api/alerts"]) {
      const r = await h.get(`${path}?limit=2`);
      assert.equal(r.status, 200, path);
      assert.ok(Array.isArray(r.json) && r.json.length <= 2, path);
    }
    const fills = (await h.get("/api/fills?limit=1")).json as FillDTO[];
    assert.equal(fills[0]!.tradeId, fill.tradeId);
    assert.deepEqual(h.fake.calls.findLast((c) => c.method === "fills")!.args, [1]);
  });

  test("list limits are validated (1..1000, integers)", async () => {
    for (const q of ["limit=0", "limit=1001", "limit=abc", "limit=1.5", "limit=1&limit=2", "other=1"]) {
      const r = await h.get(`/api/fills?${q}`);
      assert.equal(r.status, 400, q);
      assert.ok((r.json as ApiErrorDTO).error.length > 0);
    }
  });

  test("POST /api/alerts/ack acknowledges as the signed-in user and is audited", async () => {
    const alert = h.fake.raiseAlert("stale_data", "warning", "stale");
    const r = await h.post("/api/alerts/ack", { id: alert.id });
    assert.equal(r.status, 200);
    assert.equal((r.json as AlertDTO).acknowledgedBy, "operator");
    const a = h.fake.audits.findLast((x) => x.action === "alert.ack")!;
    assert.equal(a.actor, "operator");
    assert.equal(a.target, alert.id);
    assert.ok(a.ip);
  });

  test("ack of an unknown alert maps the host's CommandRejected(404)", async () => {
    const r = await h.post("/api/alerts/ack", { id: "nope" });
    assert.equal(r.status, 404);
    assert.match((r.json as ApiErrorDTO).error, /nope/);
  });

  test("GET /api/params returns current and versions", async () => {
    const r = await h.get("/api/params");
    const body = r.json as { current: ParamVersionDTO; versions: ParamVersionDTO[] };
    assert.equal(r.status, 200);
    assert.ok(body.current.version >= 1);
    assert.ok(body.versions.length >= 1);
  });

  test("POST /api/params/preview returns quotes and changes nothing", async () => {
    const versions = h.fake.versions.length;
    const r = await h.post("/api/params/preview", { params: { skewFactor: 1.5 } });
    assert.equal(r.status, 200);
    const p = r.json as QuotePreviewDTO;
    assert.ok(p.mid);
    assert.equal(h.fake.versions.length, versions);
  });

  test("preview with bad params: 400 with field errors from the host", async () => {
    const r = await h.post("/api/params/preview", { params: { skewFactor: -1 } });
    assert.equal(r.status, 400);
    const e = r.json as ApiErrorDTO;
    assert.ok(e.fields?.skewFactor);
  });

  test("POST /api/params applies a version by the user, with reason, audited with before and after", async () => {
    const beforeVersion = h.fake.current.version;
    const r = await h.post("/api/params", { params: { skewFactor: 1.2 }, reason: "  wider skew " });
    assert.equal(r.status, 200);
    const v = r.json as ParamVersionDTO;
    assert.equal(v.version, beforeVersion + 1);
    assert.equal(v.changedBy, "operator");
    assert.equal(v.reason, "wider skew");
    const a = h.fake.audits.findLast((x) => x.action === "params.apply")!;
    assert.equal((a.before as ParamVersionDTO).version, beforeVersion);
    assert.equal((a.after as ParamVersionDTO).version, beforeVersion + 1);
  });

  test("a rejected apply answers 400 with the host's field errors and writes nothing", async () => {
    const n = h.fake.mutations.length;
    const audits = h.fake.audits.length;
    const r = await h.post("/api/params", { params: { spreadBps: "wide" } });
    assert.equal(r.status, 400);
    assert.ok((r.json as ApiErrorDTO).fields?.spreadBps);
    assert.equal(h.fake.mutations.length, n);
    assert.equal(h.fake.audits.length, audits);
  });

  test("POST /api/params/rollback creates a version rolled back from the target", async () => {
    const r = await h.post("/api/params/rollback", { version: 1, reason: "back" });
    assert.equal(r.status, 200);
    const v = r.json as ParamVersionDTO;
    assert.equal(v.rolledBackFrom, 1);
    assert.deepEqual(v.params, h.fake.versions[0]!.params);
    assert.equal(h.fake.audits.findLast((x) => x.action === "params.rollback")!.target, "params@1");
  });

  test("rollback to an unknown version is 404", async () => {
    assert.equal((await h.post("/api/params/rollback", { version: 999 })).status, 404);
  });

  test("POST /api/control pause then resume; a refused action keeps its 409", async () => {
    let r = await h.post("/api/control", { action: "pause" });
    assert.equal(r.status, 200);
    assert.equal((r.json as StatusDTO).paused, true);
    r = await h.post("/api/control", { action: "pause" });
    assert.equal(r.status, 409);
    assert.match((r.json as ApiErrorDTO).error, /paused/i);
    r = await h.post("/api/control", { action: "resume" });
    assert.equal((r.json as StatusDTO).paused, false);
    const a = h.fake.audits.findLast((x) => x.action === "control.resume")!;
    assert.deepEqual([(a.before as StatusDTO).paused, (a.after as StatusDTO).paused], [true, false]);
  });

  test("emergency close: preview then confirm flattens and pauses", async () => {
    h.fake.applyFill("buy", new Decimal("0.5"), new Decimal("40"));
    const p = (await h.get("/api/emergency-close/preview")).json as EmergencyPreviewDTO;
    assert.equal(p.side, "sell");
    const r = await h.post("/api/emergency-close", { confirm: true });
    assert.equal(r.status, 200);
    const o = r.json as EmergencyOutcomeDTO;
    assert.equal(o.paused, true);
    assert.equal(o.inventoryAfter, "0.00");
    assert.equal(h.fake.audits.findLast((x) => x.action === "emergency.close")!.actor, "operator");
    await h.post("/api/control", { action: "resume" });
  });

  test("emergency close without confirm:true is 400 and calls nothing", async () => {
    const n = h.fake.calls.length;
    const r = await h.post("/api/emergency-close", { confirm: false });
    assert.equal(r.status, 400);
    assert.equal(h.fake.calls.length, n);
  });

  test("a reconciliation mismatch: shown on the status, resolved by an operator with a reason, audited", async () => {
    h.fake.mismatch = { desk: h.fake.inventory.toFixed(2), venue: "0.75" };
    const st = (await h.get("/api/status")).json as StatusDTO;
    assert.equal(st.reconciliation?.state, "mismatch");
    assert.equal(st.reconciliation?.venuePosition, "0.75");
    const calls = h.fake.calls.length;
    const noReason = await h.post("/api/reconciliation/resolve", { action: "adopt", reason: "" });
    assert.equal(noReason.status, 400);
    assert.match((noReason.json as ApiErrorDTO).error, /say why/);
    const viewer = await h.post("/api/reconciliation/resolve", { action: "adopt", reason: "missed fills" }, h.viewerCookie);
    assert.equal(viewer.status, 403);
    assert.equal(h.fake.calls.length, calls, "a refused request reached the runner");
    const ok = await h.post("/api/reconciliation/resolve", { action: "adopt", reason: "missed fills during the outage" });
    assert.equal(ok.status, 200);
    assert.equal((ok.json as StatusDTO).inventory, "0.75");
    const a = h.fake.audits.findLast((x) => x.action === "reconciliation.adopt")!;
    assert.equal(a.actor, "operator");
    assert.match(JSON.stringify(a.before), /missed fills during the outage/);
    const again = await h.post("/api/reconciliation/resolve", { action: "adopt", reason: "again" });
    assert.equal(again.status, 409);
  });

  test("GET /api/auth/me names the user and role", async () => {
    assert.deepEqual((await h.get("/api/auth/me")).json, { username: "operator", role: "operator" });
    assert.deepEqual((await h.get("/api/auth/me", h.viewerCookie)).json, { username: "viewer", role: "viewer" });
  });

  test("GET /api/auth/setup-needed is false when accounts exist", async () => {
    assert.deepEqual((await h.send("/api/auth/setup-needed")).json, { setupNeeded: false });
  });
});

describe("API errors", () => {
  let h: WebHarness;
  before(async () => {
    h = await WebHarness.start();
  });
  after(() => h.close());

  test("unknown endpoint → 404 JSON; wrong method → 405 with Allow", async () => {
    const r = await h.get("/api/nope");
    assert.equal(r.status, 404);
    assert.match((r.json as ApiErrorDTO).error, /nope/);
    const m = await h.send("/api/status", { method: "DELETE", cookie: h.operatorCookie });
    assert.equal(m.status, 405);
    assert.equal(m.headers.allow, "GET");
  });

  test("POST without application/json → 415; malformed JSON → 400; too large → 413", async () => {
    let r = await h.send("/api/control", { raw: '{"action":"pause"}', contentType: "text/plain", cookie: h.operatorCookie });
    assert.equal(r.status, 415);
    r = await h.send("/api/control", { raw: '{"action":"pause"}', contentType: "application/json; charset=latin1", cookie: h.operatorCookie });
    assert.equal(r.status, 415);
    r = await h.send("/api/control", { raw: '{"action":', cookie: h.operatorCookie });
    assert.equal(r.status, 400);
    assert.match((r.json as ApiErrorDTO).error, /Malformed JSON/);
    r = await h.send("/api/control", { raw: "", cookie: h.operatorCookie, contentType: "application/json" });
    assert.equal(r.status, 400);
    assert.match((r.json as ApiErrorDTO).error, /empty/);
    r = await h.send("/api/params", { body: { params: { x: "y".repeat(70_000) } }, cookie: h.operatorCookie });
    assert.equal(r.status, 413);
    assert.equal(h.fake.mutations.length, 0);
  });

  test("a __proto__ key is refused", async () => {
    const r = await h.send("/api/params", { raw: '{"params":{"__proto__":{"polluted":true}},"reason":""}', cookie: h.operatorCookie });
    assert.equal(r.status, 400);
    assert.match((r.json as ApiErrorDTO).error, /__proto__/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test("a host CommandRejected keeps its status and fields; any other error is a generic 500", async () => {
    const original = h.fake.status.bind(h.fake);
    h.fake.status = async () => {
      throw new CommandRejected("Runner is restarting", { runner: "busy" }, 503);
    };
    let r = await h.get("/api/status");
    assert.equal(r.status, 503);
    assert.deepEqual(r.json, { error: "Runner is restarting", fields: { runner: "busy" } });
    h.fake.status = async () => {
      throw new Error("connection string postgres://user:SECRET@db failed");
    };
    r = await h.get("/api/status");
    assert.equal(r.status, 500);
    assert.doesNotMatch(r.text, /SECRET|postgres/);
    assert.ok((r.json as ApiErrorDTO).error.length > 0);
    h.fake.status = original;
  });

  test("a CommandRejected that crossed a worker boundary as a plain object is still mapped", async () => {
    const original = h.fake.emergencyPreview.bind(h.fake);
    h.fake.emergencyPreview = async () => {
      throw Object.assign(new Error("No book yet"), { name: "CommandRejected", status: 409 });
    };
    const r = await h.get("/api/emergency-close/preview");
    assert.equal(r.status, 409);
    assert.equal((r.json as ApiErrorDTO).error, "No book yet");
    h.fake.emergencyPreview = original;
  });

  test("security headers on API responses", async () => {
    const r = await h.send("/api/health");
    assert.equal(r.headers["x-content-type-options"], "nosniff");
    assert.equal(r.headers["x-frame-options"], "DENY");
  });
});
