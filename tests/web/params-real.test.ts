// Issue 9, items 1, 3, 10 and 11 against the REAL runner (worker thread, embedded database, story market): runaway
// parameter values are refused with the field's message before they reach the strategy, a change is a patch on
// the current version, and a reset to the market's preset is its own explicit action with a preview.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRunnerHost } from "@/server/host/worker-host";
import { createWebServer, type WebServer } from "@/server/web/create-web-server";
import { defaultWebConfig } from "@/server/config/web-config";

const password = "params-real-operator";

describe("parameter changes against the real runner (story market)", () => {
  let dir: string;
  let host: Awaited<ReturnType<typeof createRunnerHost>>;
  let server: WebServer;
  let cookie: string;
  let origin: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "skewdesk-params-real-"));
    const config = defaultWebConfig({ port: 0, pages: false, dataDir: dir, auth: { operatorPassword: password, bcryptRounds: 4 } });
    host = await createRunnerHost(config, { SKEWDESK_TICK_MS: "100", SKEWDESK_MAX_ORDER_SIZE: "0.5" });
    server = await createWebServer({ host, config, dev: false, log: () => undefined });
    origin = `http://127.0.0.1:${server.port}`;
    const r = await fetch(`${origin}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json", origin }, body: JSON.stringify({ username: "operator", password }) });
    cookie = r.headers.get("set-cookie")!.split(";")[0]!;
  });

  after(async () => {
    await server.close();
    await host.stop("test done");
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${origin}${path}`, { method: "POST", headers: { "content-type": "application/json", origin, cookie }, body: JSON.stringify(body) });
    type Answer = { error?: string; fields?: Record<string, string>; params?: Record<string, unknown>; reason?: string };
    return { status: r.status, json: (await r.json()) as Answer };
  };

  /** A preview needs a book: wait for the first tick's market data. */
  const previewReady = async () => {
    for (let i = 0; i < 200; i++) {
      const r = await post("/api/params/preview", { params: {} });
      if (r.status !== 409) return r;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error("no market data after 200 tries");
  };

  test("item 3: a billion-digit maxInventory is a 400 naming the field, and the runner still answers", async () => {
    await previewReady();
    for (const v of ["1e1000000000", "1e3000000", 1e300]) {
      const r = await post("/api/params/preview", { params: { maxInventory: v } });
      assert.equal(r.status, 400, JSON.stringify(r.json));
      assert.match(r.json.fields?.["params.maxInventory"] ?? "", /is too large: at most 20 digits before the decimal point/);
    }
    assert.equal((await host.status()).running, true);
  });

  test("item 1: a target beyond ±maxInventory is refused with the field's message; nothing is versioned", async () => {
    const before = await host.params();
    let r = await post("/api/params", { params: { targetInventory: "-1e30" }, reason: "runaway" });
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.match(r.json.fields?.["params.targetInventory"] ?? "", /is too large/);
    r = await post("/api/params", { params: { targetInventory: "-2" }, reason: "beyond" });
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.match(r.json.fields?.targetInventory ?? "", /must be no further from zero than the max inventory \(between -1 and 1\)/);
    assert.equal((await host.params()).versions.length, before.versions.length);
  });

  test("item 1: sizes are bounded by the market and the desk's limit", async () => {
    let r = await post("/api/params/preview", { params: { orderSize: "0.0001" } });
    assert.equal(r.status, 400);
    assert.match(r.json.fields?.orderSize ?? "", /at least 0.001, the smallest order ETH-USD accepts/);
    r = await post("/api/params/preview", { params: { maxInventory: "5", orderSize: "0.8" } });
    assert.equal(r.status, 400);
    assert.match(r.json.fields?.orderSize ?? "", /must not exceed the desk's limit of 0.5/);
    r = await post("/api/params/preview", { params: { orderSize: "1e19" } });
    assert.equal(r.status, 400);
  });

  test("item 10: {} changes nothing, and a change keeps every field it does not name", async () => {
    const before = await host.params();
    const r = await post("/api/params", { params: { skewFactor: "0.3" }, reason: "patch" });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const expected = { ...before.current.params, skewFactor: "0.3" };
    assert.deepEqual(r.json.params, expected);
    assert.equal((r.json.params as Record<string, unknown>).spread, "2", "the story's spread, not the generic 0.01");
    const empty = await post("/api/params", { params: {}, reason: "nothing" });
    assert.equal(empty.status, 200, JSON.stringify(empty.json));
    assert.deepEqual(empty.json.params, expected);
  });

  test("item 10: a reset to the market's preset is explicit and previewed first", async () => {
    await post("/api/params", { params: { skewFactor: "0.2", spread: "3" }, reason: "drift" });
    const preview = await post("/api/params/preview", { params: {}, base: "preset" });
    assert.equal(preview.status, 200, JSON.stringify(preview.json));
    assert.equal(preview.json.params!.spread, "2");
    assert.equal(preview.json.params!.skewFactor, "0.5");
    assert.equal((await host.params()).current.params.spread, "3", "a preview changes nothing");
    const reset = await post("/api/params", { params: {}, base: "preset", reason: "" });
    assert.equal(reset.status, 200, JSON.stringify(reset.json));
    assert.deepEqual(reset.json.params, preview.json.params);
    assert.equal(reset.json.reason, "reset to the market's preset");
  });

  test("item 10: a NUL in a reason or an alert id is a 400, not a 500", async () => {
    const r = await post("/api/params", { params: { skewFactor: "0.4" }, reason: "a\u0000b" });
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.match(r.json.fields?.reason ?? "", /control characters/);
    const ack = await post("/api/alerts/ack", { id: "a\u0000b" });
    assert.equal(ack.status, 400, JSON.stringify(ack.json));
  });

  test("item 11: history reads go straight to the database thread, never through the runner's thread", async () => {
    let rows = await host.snapshots({ from: 0, limit: 5000 });
    for (let i = 0; i < 100 && rows.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      rows = await host.snapshots({ from: 0, limit: 5000 });
    }
    assert.ok(rows.length > 0, "snapshots are stored");
    assert.match(rows[0]!.mid ?? "", /^\d/);
    const before = host.stats();
    for (let i = 0; i < 20; i++) await host.snapshots({ from: 0, limit: 5000 });
    const after = host.stats();
    assert.equal(after.directReads - before.directReads, 20);
    assert.equal(after.runnerCalls.snapshots ?? 0, 0, "the runner's thread served none");
  });
});
