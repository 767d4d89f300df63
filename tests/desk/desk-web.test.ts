// Issue 12, items 1–3 through the product: the real runner worker (embedded database, paper desk) behind the
// web server. An operator creates a second strategy with validated settings and sees both trade; each
// strategy's routes live under /api/s/<id>/; the overview reaches a socket on /desk; lifecycle and desk-wide
// commands are typed, audited and report per strategy; a viewer sees everything and changes nothing.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io as connect } from "socket.io-client";
import type { DeskCommandReportDTO, DeskOverviewDTO, StrategySummaryDTO } from "@/lib/desk";
import type { StatusDTO } from "@/lib/events";
import { createRunnerHost } from "@/server/host/worker-host";
import { createWebServer, type WebServer } from "@/server/web/create-web-server";
import { defaultWebConfig } from "@/server/config/web-config";

const password = "desk-web-operator";
const viewerPassword = "desk-web-viewer";

describe("a desk of many strategies through the web server", () => {
  let dir: string;
  let host: Awaited<ReturnType<typeof createRunnerHost>>;
  let server: WebServer;
  let op: string;
  let viewer: string;
  let origin: string;

  const login = async (username: string, pw: string) => {
    const r = await fetch(`${origin}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json", origin }, body: JSON.stringify({ username, password: pw }) });
    return r.headers.get("set-cookie")!.split(";")[0]!;
  };
  const get = async <T>(path: string, cookie = op) => {
    const r = await fetch(`${origin}${path}`, { headers: { cookie } });
    return { status: r.status, json: (await r.json()) as T & { error?: string; fields?: Record<string, string> } };
  };
  const post = async <T>(path: string, body: unknown, cookie = op) => {
    const r = await fetch(`${origin}${path}`, { method: "POST", headers: { "content-type": "application/json", origin, cookie }, body: JSON.stringify(body) });
    return { status: r.status, json: (await r.json()) as T & { error?: string; fields?: Record<string, string> } };
  };
  const until = async <T>(what: string, fn: () => Promise<T | null | undefined | false>, tries = 400): Promise<T> => {
    for (let i = 0; i < tries; i++) {
      const v = await fn();
      if (v) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "skewdesk-desk-web-"));
    const config = defaultWebConfig({ port: 0, pages: false, dataDir: dir, auth: { operatorPassword: password, viewerPassword, bcryptRounds: 4 } });
    host = await createRunnerHost(config, { SKEWDESK_TICK_MS: "100", SKEWDESK_REGIME: "volatile" });
    server = await createWebServer({ host, config, dev: false, log: () => undefined });
    origin = `http://127.0.0.1:${server.port}`;
    op = await login("operator", password);
    viewer = await login("viewer", viewerPassword);
  });

  after(async () => {
    await server.close();
    await host.stop("test done");
    rmSync(dir, { recursive: true, force: true });
  });

  test("a fresh desk runs the environment's one paper strategy; an operator adds a second and both trade", async () => {
    const first = await get<DeskOverviewDTO>("/api/desk");
    assert.equal(first.status, 200);
    assert.equal(first.json.strategies.length, 1, "npm start on a fresh machine: one paper strategy");
    const defaultId = first.json.strategies[0]!.id;

    const bad = await post("/api/desk/strategies", { name: "b", venue: "paper", settings: { market: "moon", seed: 1 } });
    assert.equal(bad.status, 400);
    assert.ok(bad.json.fields?.["settings.market"], JSON.stringify(bad.json));
    const refused = await post("/api/desk/strategies", { name: "b", venue: "paper", settings: { market: "probability", seed: 3 } }, viewer);
    assert.equal(refused.status, 403, "a viewer changes nothing");

    const created = await post<StrategySummaryDTO>("/api/desk/strategies", { name: "second", venue: "paper", settings: { market: "probability", seed: 3, regime: "volatile", tickMs: 100 }, reason: "test" });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const id = created.json.id;
    // Both trade: each strategy's own status, under its own URL.
    for (const sid of [defaultId, id]) {
      await until(`fills of ${sid}`, async () => {
        const fills = await get<unknown[]>(`/api/s/${sid}/fills?limit=5`);
        return fills.status === 200 && fills.json.length > 0;
      });
    }
    const s2 = await get<StatusDTO>(`/api/s/${id}/status`);
    assert.equal(s2.json.strategy, "second");
    const s1 = await get<StatusDTO>("/api/status");
    assert.notEqual(s1.json.strategy, "second", "the unprefixed routes stay the default strategy's");
    const viewerSees = await get<StatusDTO>(`/api/s/${id}/status`, viewer);
    assert.equal(viewerSees.status, 200);
    const audit = await get<{ rows: Array<{ action: string; target: string }> }>("/api/audit?limit=50");
    assert.ok(audit.json.rows.some((r) => r.action === "strategy.create" && r.target === "strategy:second"), "the creation is audited");
  });

  test("the overview reaches a browser socket on /desk, updating every second", async () => {
    const socket = connect(`${origin}/desk`, { extraHeaders: { cookie: op, origin }, transports: ["websocket"] });
    try {
      const seen: DeskOverviewDTO[] = [];
      socket.on("overview", (o: DeskOverviewDTO) => seen.push(o));
      await until("two overviews", async () => seen.length >= 2);
      const last = seen[seen.length - 1]!;
      assert.ok(last.strategies.length >= 2);
      assert.ok(last.at > seen[0]!.at);
      assert.ok(last.strategies.every((s) => s.lastTickAt !== null));
    } finally {
      socket.close();
    }
  });

  test("lifecycle and desk-wide commands: typed, operator only, reporting per strategy", async () => {
    const overview = (await get<DeskOverviewDTO>("/api/desk")).json;
    const second = overview.strategies.find((s) => s.name === "second")!;
    assert.equal((await post("/api/desk/pause", { confirm: "PAUSE" }, viewer)).status, 403);
    const unconfirmed = await post("/api/desk/pause", { confirm: "yes" });
    assert.equal(unconfirmed.status, 400);
    assert.match(unconfirmed.json.fields?.confirm ?? "", /type PAUSE/);
    const paused = await post<DeskCommandReportDTO>("/api/desk/pause", { confirm: "pause" });
    assert.equal(paused.status, 200);
    assert.equal(paused.json.results.length, overview.strategies.length);
    assert.ok(paused.json.results.every((r) => r.ok));
    await until("every strategy paused", async () => (await get<DeskOverviewDTO>("/api/desk")).json.strategies.every((s) => s.paused));

    const closeAll = await post<DeskCommandReportDTO>("/api/desk/emergency-close", { confirm: "close all" });
    assert.equal(closeAll.status, 200, JSON.stringify(closeAll.json));
    assert.deepEqual(closeAll.json.results.map((r) => r.name).sort(), overview.strategies.map((s) => s.name).sort());

    const stopped = await post<StrategySummaryDTO>("/api/desk/strategy-lifecycle", { id: second.id, action: "stop" });
    assert.equal(stopped.json.lifecycle, "stopped");
    assert.equal((await get(`/api/s/${second.id}/status`)).status, 409, "a stopped strategy has no runner to ask");
    const archived = await post<StrategySummaryDTO>("/api/desk/strategy-lifecycle", { id: second.id, action: "archive" });
    assert.equal(archived.json.lifecycle, "archived");
    assert.ok(!(await get<DeskOverviewDTO>("/api/desk")).json.strategies.some((s) => s.id === second.id), "archived: off the overview");
    const restart = await post("/api/desk/strategy-lifecycle", { id: second.id, action: "start" });
    assert.equal(restart.status, 409);
    const log = await get<{ rows: Array<{ action: string }> }>("/api/audit?limit=100");
    const actions = log.json.rows.map((r) => r.action);
    for (const a of ["strategy.create", "desk.pause", "desk.emergency_close", "strategy.stop", "strategy.archive"]) assert.ok(actions.includes(a), `${a} audited (${actions.join(",")})`);
  });
});
