// Malformed parameter changes against the REAL runner (worker thread, embedded database), not the fake:
// the strategy's own schema must refuse each with a 4xx and a message, and nothing may change.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { strategyParamsSchema } from "@/lib/strategy";
import { createRunnerHost } from "@/server/host/worker-host";
import type { RunnerHost } from "@/server/host/runner-host";
import { createWebServer, type WebServer } from "@/server/web/create-web-server";
import { defaultWebConfig } from "@/server/config/web-config";

const password = "fuzz-real-operator";

describe("fuzz against the real runner", () => {
  let dir: string;
  let host: RunnerHost;
  let server: WebServer;
  let cookie: string;
  let origin: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "skewdesk-fuzz-real-"));
    const config = defaultWebConfig({ port: 0, pages: false, dataDir: dir, auth: { operatorPassword: password, bcryptRounds: 4 } });
    host = await createRunnerHost(config, { SKEWDESK_TICK_MS: "200" });
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
    return { status: r.status, json: (await r.json()) as { error?: string; fields?: Record<string, string> } };
  };

  const badValue = fc.oneof(
    fc.constantFrom(-1, "-0.5", "abc", "", "NaN", "Infinity", "1e400", "0x10", "1,5", true, null, [], {}, "0.0000000000000000000001", 1e308),
    fc.string({ maxLength: 20 }),
    fc.double(),
  );

  test("1000 malformed parameter sets for apply and preview: all 4xx with a message, nothing changes", async () => {
    const before = await host.params();
    const status0 = await host.status();
    const valid = before.current.params;
    const keys = Object.keys(valid);
    const mutation = fc
      .oneof(
        fc.tuple(fc.constantFrom(...keys), badValue).map(([k, v]) => ({ ...valid, [k]: v })),
        fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), badValue).map(([k, v]) => ({ ...valid, [k]: v })),
        fc.constant({ ...valid, rebalanceThreshold: "0.96", emergencyThreshold: "0.95" }),
        fc.constant({ ...valid, minSpread: "5", maxSpread: "1" }),
        fc.constant({ ...valid, skewMode: "quadratic" }),
      )
      // What the server receives is the JSON (Infinity and NaN become null, which may be valid): judge that.
      .map((p) => JSON.parse(JSON.stringify(p)) as Record<string, unknown>)
      .filter((p) => !strategyParamsSchema.safeParse(p).success);
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(mutation, fc.constantFrom("/api/params", "/api/params/preview"), async (params, path) => {
        const r = await post(path, path === "/api/params" ? { params, reason: "fuzz" } : { params });
        sent++;
        assert.ok(r.status >= 400 && r.status < 500, `${path} answered ${r.status} to ${JSON.stringify(params).slice(0, 200)}`);
        assert.ok(r.json.error && r.json.error.length > 0, "no message");
      }),
      { numRuns: 1000, seed: 20261130 },
    );
    assert.equal(sent, 1000);
    const after = await host.params();
    assert.equal(after.versions.length, before.versions.length, "a parameter version was written");
    assert.deepEqual(after.current.params, valid);
    const status1 = await host.status();
    assert.equal(status1.paramVersion, status0.paramVersion);
    assert.equal(status1.riskState, status0.riskState);
  });

  test("commands the runner refuses change nothing: unknown rollback version, re-arm when ACTIVE, unknown alert", async () => {
    const before = await host.params();
    const rb = await post("/api/params/rollback", { version: 999, reason: "x" });
    assert.equal(rb.status, 404);
    const rearm = await post("/api/control", { action: "rearm" });
    assert.equal(rearm.status, 409);
    assert.match(rearm.json.error ?? "", /already ACTIVE/);
    const ack = await post("/api/alerts/ack", { id: "no-such-alert" });
    assert.ok(ack.status === 404 || ack.status === 400, String(ack.status));
    assert.equal((await host.params()).versions.length, before.versions.length);
  });

  test("a valid change is applied, versioned, and visible in the next status", async () => {
    const before = await host.params();
    const r = await post("/api/params", { params: { ...before.current.params, skewFactor: "0.6" }, reason: "fuzz control" });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const after = await host.params();
    assert.equal(after.versions.length, before.versions.length + 1);
    assert.equal(after.current.params.skewFactor, "0.6");
    assert.equal((await host.status()).paramVersion, after.current.version);
  });
});
