import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { SignJWT } from "jose";
import { StartupRefused } from "@/server/auth/secret";
import { createWebServer } from "@/server/web/create-web-server";
import { defaultWebConfig } from "@/server/config/web-config";
import type { ApiErrorDTO } from "@/lib/events";
import { FakeRunnerHost } from "@/tests/support/fake-runner-host";
import { cookieFrom, OPERATOR_PASSWORD, VIEWER_PASSWORD, WebHarness } from "@/tests/support/web-harness";

const MUTATIONS: Array<[string, unknown]> = [
  ["/api/alerts/ack", { id: "A1" }],
  ["/api/params/preview", { params: { skewFactor: 1 } }],
  ["/api/params", { params: { skewFactor: 1 }, reason: "x" }],
  ["/api/params/rollback", { version: 1, reason: "x" }],
  ["/api/control", { action: "pause" }],
  ["/api/emergency-close", { confirm: true }],
];
const READS = [
  "/api/status",
  "/api/snapshots",
  "/api/fills",
  "/api/orders",
  "/api/alerts",
  "/api/params",
  "/api/emergency-close/preview",
  "/api/auth/me",
];

describe("sessions and roles", () => {
  let h: WebHarness;
  before(async () => {
    h = await WebHarness.start();
    h.fake.raiseAlert("rebalance", "warning", "x");
  });
  after(() => h.close());

  test("no session → 401 on every API read and mutation", async () => {
    for (const path of READS) assert.equal((await h.send(path)).status, 401, path);
    for (const [path, body] of MUTATIONS) {
      const r = await h.send(path, { body });
      assert.equal(r.status, 401, path);
      assert.ok((r.json as ApiErrorDTO).error);
    }
    assert.equal(h.fake.mutations.length, 0);
  });

  test("a forged, expired or foreign-key token is no session", async () => {
    const forged = await new SignJWT({ role: "operator" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("skewdesk")
      .setSubject("operator")
      .setJti("x")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("x".repeat(40)));
    const tampered = h.viewerCookie.replace(/\.[^.]+$/, ".AAAA");
    for (const cookie of [`skewdesk_session=${forged}`, tampered, "skewdesk_session=garbage", "skewdesk_session="]) {
      assert.equal((await h.get("/api/status", cookie)).status, 401, cookie.slice(0, 40));
    }
  });

  test("viewer: every read 200, every mutation 403, nothing reaches the host", async () => {
    for (const path of READS) assert.equal((await h.get(path, h.viewerCookie)).status, 200, path);
    const calls = h.fake.calls.length;
    for (const [path, body] of MUTATIONS) {
      const r = await h.post(path, body, h.viewerCookie);
      assert.equal(r.status, 403, path);
      assert.match((r.json as ApiErrorDTO).error, /operator/);
    }
    assert.equal(h.fake.calls.length, calls);
  });

  test("operator with a foreign Origin or no Origin → 403 on every mutation", async () => {
    for (const origin of ["http://evil.example", `http://127.0.0.1:${h.server.port + 1}`, "null", null, "not a url"]) {
      for (const [path, body] of MUTATIONS) {
        const r = await h.send(path, { body, cookie: h.operatorCookie, origin });
        assert.equal(r.status, 403, `${path} ${origin}`);
        assert.match((r.json as ApiErrorDTO).error, /Origin/);
      }
    }
    assert.equal(h.fake.mutations.length, 0);
  });

  test("login also requires same origin (no login CSRF)", async () => {
    const r = await h.send("/api/auth/login", { body: { username: "viewer", password: VIEWER_PASSWORD }, origin: "http://evil.example" });
    assert.equal(r.status, 403);
  });

  test("session cookie: HttpOnly, SameSite=Strict, Path=/, 12 h expiry, no Secure over plain http", async () => {
    const r = await h.send("/api/auth/login", { body: { username: "viewer", password: VIEWER_PASSWORD } });
    // The first Set-Cookie is the session's; the second the device cookie (tests/web/login-throttle.test.ts).
    const set = String((r.headers["set-cookie"] as string[])[0]);
    assert.match(set, /^skewdesk_session=[\w-]+\.[\w-]+\.[\w-]+;/);
    assert.match(set, /; HttpOnly/);
    assert.match(set, /; SameSite=Strict/);
    assert.match(set, /; Path=\//);
    assert.match(set, /; Max-Age=(43200|43199);/);
    const expires = Date.parse(/Expires=([^;]+)/.exec(set)![1]!);
    assert.ok(Math.abs(expires - (Date.now() + 12 * 3600_000)) < 5_000);
    assert.doesNotMatch(set, /Secure/);
  });

  test("Secure cookie behind a trusted https proxy", async () => {
    const p = await WebHarness.start({ auth: { trustProxyHops: 1 }, login: false });
    try {
      const r = await p.send("/api/auth/login", {
        body: { username: "viewer", password: VIEWER_PASSWORD },
        headers: { "x-forwarded-proto": "https" },
      });
      assert.match(String(r.headers["set-cookie"]), /; Secure/);
    } finally {
      await p.close();
    }
  });

  test("wrong password → 401 with a message that does not say which part was wrong", async () => {
    const r = await h.send("/api/auth/login", { body: { username: "nobody", password: "whatever-123" } });
    assert.equal(r.status, 401);
    assert.equal((r.json as ApiErrorDTO).error, "Wrong username or password");
    assert.equal(r.headers["set-cookie"], undefined);
    assert.equal(h.fake.audits.at(-1)!.action, "auth.login_failed");
  });

  test("logout clears the cookie and revokes the token", async () => {
    const cookie = await h.login("viewer", VIEWER_PASSWORD);
    assert.equal((await h.get("/api/auth/me", cookie)).status, 200);
    const r = await h.send("/api/auth/logout", { method: "POST", cookie });
    assert.equal(r.status, 200);
    assert.match(String(r.headers["set-cookie"]), /Max-Age=0/);
    assert.equal((await h.get("/api/auth/me", cookie)).status, 401);
    assert.equal((await h.get("/api/auth/me", h.viewerCookie)).status, 200, "other sessions stay valid");
  });

  test("pages: no session → 302 to /login?next=…; login page and assets stay public", async () => {
    let r = await h.send("/dashboard/x?w=1h");
    assert.equal(r.status, 302);
    assert.equal(r.headers.location, "/login?next=%2Fdashboard%2Fx%3Fw%3D1h");
    r = await h.send("/");
    assert.equal(r.headers.location, "/login?next=%2F");
    // pages:false in this harness, so a public page reaches the (absent) page handler: 404, not a redirect.
    for (const path of ["/login", "/login?next=%2F", "/_next/static/x.js", "/favicon.ico"]) {
      assert.equal((await h.send(path)).status, 404, path);
    }
    r = await h.send("/anything", { cookie: h.viewerCookie });
    assert.equal(r.status, 404, "with a session the page handler is reached");
  });
});

// Login throttling (backoff, device cookies, proxy hops, kept across restarts): tests/web/login-throttle.test.ts.

describe("first-run setup", () => {
  let h: WebHarness;
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "skewdesk-setup-"));
    h = await WebHarness.start({ dataDir, auth: { operatorPassword: undefined, viewerPassword: undefined }, login: false });
  });
  after(async () => {
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("setup-needed, then setup once from localhost, stored hashed with mode 0600; a second setup is refused", async () => {
    assert.deepEqual((await h.send("/api/auth/setup-needed")).json, { setupNeeded: true });
    // Through a reverse proxy the peer is loopback but the visitor is not: refused.
    const proxied = await h.send("/api/auth/setup", {
      body: { username: "remote", password: "a long password" },
      headers: { "x-forwarded-for": "203.0.113.9" },
    });
    assert.equal(proxied.status, 403);
    assert.match((proxied.json as ApiErrorDTO).error, /localhost/);
    const short = await h.send("/api/auth/setup", { body: { username: "alice", password: "short" } });
    assert.equal(short.status, 400);
    assert.ok((short.json as ApiErrorDTO).fields?.password);

    const [a, b] = await Promise.all([
      h.send("/api/auth/setup", { body: { username: "alice", password: "correct horse battery" } }),
      h.send("/api/auth/setup", { body: { username: "mallory", password: "another long one" } }),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [201, 409]);
    const winner = a.status === 201 ? a : b;
    const name = (winner.json as { username: string }).username;
    assert.equal((winner.json as { role: string }).role, "operator");
    // Setup signs the new operator in.
    assert.equal((await h.get("/api/auth/me", cookieFrom(winner))).status, 200);

    const file = join(dataDir, "users.json");
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const stored = JSON.parse(readFileSync(file, "utf8")) as Array<{ username: string; passwordHash: string }>;
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.username, name);
    assert.doesNotMatch(readFileSync(file, "utf8"), /correct horse|another long/);
    assert.ok(bcrypt.compareSync(name === "alice" ? "correct horse battery" : "another long one", stored[0]!.passwordHash));

    const again = await h.send("/api/auth/setup", { body: { username: "eve", password: "yet another password" } });
    assert.equal(again.status, 409);
    assert.deepEqual((await h.send("/api/auth/setup-needed")).json, { setupNeeded: false });
  });

  test("the account created by setup survives a restart (read back from users.json)", async () => {
    const again = await WebHarness.start({ dataDir, auth: { operatorPassword: undefined, viewerPassword: undefined }, login: false });
    try {
      assert.deepEqual((await again.send("/api/auth/setup-needed")).json, { setupNeeded: false });
    } finally {
      await again.close();
    }
  });
});

describe("accounts from a users file", () => {
  test("valid file: its accounts can sign in with their roles", async () => {
    const dir = mkdtempSync(join(tmpdir(), "skewdesk-users-"));
    const file = join(dir, "accounts.json");
    writeFileSync(file, JSON.stringify([{ username: "carol", role: "viewer", passwordHash: bcrypt.hashSync("carol-password", 4) }]));
    const h = await WebHarness.start({ dataDir: dir, auth: { operatorPassword: undefined, viewerPassword: undefined, usersFile: file }, login: false });
    try {
      const cookie = await h.login("carol", "carol-password");
      assert.deepEqual((await h.get("/api/auth/me", cookie)).json, { username: "carol", role: "viewer" });
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("invalid file (plain password, bad role, extra field) refuses to start", async () => {
    const dir = mkdtempSync(join(tmpdir(), "skewdesk-users-"));
    const file = join(dir, "accounts.json");
    try {
      for (const content of [
        "not json",
        JSON.stringify([{ username: "x", role: "admin", passwordHash: bcrypt.hashSync("p", 4) }]),
        JSON.stringify([{ username: "x", role: "viewer", passwordHash: "plaintext" }]),
        JSON.stringify([{ username: "x", role: "viewer", passwordHash: bcrypt.hashSync("p", 4), password: "p" }]),
      ]) {
        writeFileSync(file, content);
        await assert.rejects(
          createWebServer({ host: new FakeRunnerHost(), config: defaultWebConfig({ pages: false, dataDir: dir, auth: { usersFile: file } }) }),
          StartupRefused,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("refuse to start", () => {
  const GOOD_SECRET = "f3a9c1e07b5d24a8c6e1f09b3d7a5c2e8b4f6a1d";
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "skewdesk-refuse-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const start = (overrides: Parameters<typeof defaultWebConfig>[0]) =>
    createWebServer({ host: new FakeRunnerHost(), config: defaultWebConfig({ pages: false, dataDir: dir, ...overrides }), log: () => undefined });

  test("live mode with a missing secret", async () => {
    await assert.rejects(start({ mode: "live", auth: { operatorPassword: OPERATOR_PASSWORD } }), /live mode without SKEWDESK_AUTH_SECRET/);
  });

  test("live mode with a default-looking secret", async () => {
    for (const secret of ["change-me-change-me-change-me-change-me", "a".repeat(40), "abababababababababababababababababababab"]) {
      await assert.rejects(start({ mode: "live", auth: { secret, operatorPassword: OPERATOR_PASSWORD } }), StartupRefused, secret);
    }
  });

  test("beyond localhost without accounts, or without an explicit secret", async () => {
    await assert.rejects(start({ host: "0.0.0.0", auth: { secret: GOOD_SECRET } }), /beyond localhost/);
    await assert.rejects(start({ host: "0.0.0.0", auth: { operatorPassword: OPERATOR_PASSWORD } }), /beyond localhost without SKEWDESK_AUTH_SECRET/);
  });

  test("live mode with a good secret and accounts starts", async () => {
    const s = await start({ mode: "live", auth: { secret: GOOD_SECRET, operatorPassword: OPERATOR_PASSWORD, bcryptRounds: 4 } });
    await s.close();
  });

  test("paper on localhost without a secret generates one in the data dir (0600) and reuses it", async () => {
    const d = mkdtempSync(join(tmpdir(), "skewdesk-secret-"));
    try {
      const a = await WebHarness.start({ dataDir: d });
      const secretFile = join(d, "auth-secret");
      assert.equal(statSync(secretFile).mode & 0o777, 0o600);
      const first = readFileSync(secretFile, "utf8");
      assert.ok(first.trim().length >= 32);
      const cookie = a.operatorCookie;
      await a.close();
      const b = await WebHarness.start({ dataDir: d, login: false });
      try {
        assert.equal(readFileSync(secretFile, "utf8"), first);
        assert.equal((await b.get("/api/auth/me", cookie)).status, 200, "a session survives a restart");
      } finally {
        await b.close();
      }
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
