// "Apply to strategy" at the API, against the REAL runner (worker thread, embedded database, story market): a lab
// run's result set goes through the normal flow, a preview that changes nothing and then a new parameter version
// whose parameters are the set laid over the current ones and whose reason names the run.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ParamVersionDTO, QuotePreviewDTO } from "@/lib/events";
import type { LabRunDTO, LabRunSummaryDTO } from "@/lib/lab/types";
import { labApplyRequest } from "@/lib/lab/apply";
import { createRunnerHost } from "@/server/host/worker-host";
import { createWebServer, type WebServer } from "@/server/web/create-web-server";
import { defaultWebConfig } from "@/server/config/web-config";

const password = "lab-apply-operator";

describe("lab: apply a result set to the strategy (real runner)", () => {
  let dir: string;
  let host: Awaited<ReturnType<typeof createRunnerHost>>;
  let server: WebServer;
  let cookie: string;
  let origin: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "skewdesk-lab-apply-"));
    const config = defaultWebConfig({ port: 0, pages: false, dataDir: dir, auth: { operatorPassword: password, bcryptRounds: 4 } });
    host = await createRunnerHost(config, { SKEWDESK_TICK_MS: "100" });
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

  const call = async <T>(method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; json: T }> => {
    const r = await fetch(`${origin}${path}`, { method, headers: { "content-type": "application/json", origin, cookie }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, json: (await r.json()) as T };
  };

  test("a set is previewed (nothing changes), then applied as a new version with the run named in its reason", async () => {
    const started = await call<LabRunSummaryDTO>("POST", "/api/lab/runs", {
      name: "apply test",
      market: { kind: "simulated", regime: "falling", seeds: 1, durationMs: 30_000 },
      grid: ["skewMode=tiered,exponential", "skewFactor=0.3"],
    });
    assert.equal(started.status, 200, JSON.stringify(started.json));
    let run: LabRunDTO;
    for (;;) {
      run = (await call<LabRunDTO>("GET", `/api/lab/run?id=${started.json.id}`)).json;
      if (run.status !== "running") break;
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.equal(run.status, "done");
    const set = run.results.find((r) => r.params.skewMode === "exponential")!;
    const req = labApplyRequest(run, set);
    assert.deepEqual(req.params, { skewMode: "exponential", skewFactor: "0.3" });

    const before = await host.params();
    // A preview needs the runner's first book.
    let preview = await call<QuotePreviewDTO & { params: Record<string, unknown> }>("POST", "/api/params/preview", { params: req.params });
    for (let i = 0; preview.status === 409 && i < 200; i++) {
      await new Promise((res) => setTimeout(res, 50));
      preview = await call("POST", "/api/params/preview", { params: req.params });
    }
    assert.equal(preview.status, 200, JSON.stringify(preview.json));
    assert.equal(preview.json.params.skewMode, "exponential");
    assert.equal(String(preview.json.params.skewFactor), "0.3");
    assert.ok(preview.json.mid, "quoted against the live book");
    assert.equal((await host.params()).versions.length, before.versions.length, "a preview changes nothing");

    const applied = await call<ParamVersionDTO>("POST", "/api/params", req);
    assert.equal(applied.status, 200, JSON.stringify(applied.json));
    assert.equal(applied.json.version, before.current.version + 1);
    assert.match(applied.json.reason, new RegExp(`^lab: apply test \\(run ${run.id.slice(0, 8)}\\), set ${set.index + 1}: skewMode=exponential skewFactor=0.3; mean PnL `));
    const now = await host.params();
    assert.equal(now.current.version, applied.json.version);
    assert.equal(now.current.params.skewMode, "exponential");
    assert.equal(String(now.current.params.skewFactor), "0.3");
    // Only the swept parameters changed.
    for (const [k, v] of Object.entries(before.current.params)) if (k !== "skewMode" && k !== "skewFactor") assert.deepEqual(now.current.params[k], v, k);
  });
});
