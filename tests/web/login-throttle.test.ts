// Issue 9, items 7 and 8: login throttling that slows guessing without locking the operator out, the client's
// address from the right end of the proxy chain, and throttling and logouts that survive a restart. The
// throttle's clock is injected: no test waits for a real second.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ApiErrorDTO } from "@/lib/events";
import { OPERATOR_PASSWORD, VIEWER_PASSWORD, WebHarness, type HttpResult } from "@/tests/support/web-harness";

/** "name=value" of the Set-Cookie named `name`. */
function cookieNamed(r: HttpResult, name: string): string {
  const set = r.headers["set-cookie"];
  const all = Array.isArray(set) ? set : set ? [set] : [];
  const c = all.find((x) => x.startsWith(`${name}=`));
  if (!c) throw new Error(`no ${name} cookie in ${r.status}`);
  return c.split(";")[0]!;
}

const login = (h: WebHarness, username: string, password: string, headers: Record<string, string> = {}, cookie?: string) =>
  h.send("/api/auth/login", { body: { username, password }, headers, cookie });

describe("login throttling: backoff, not lockout", () => {
  let h: WebHarness;
  let t = 1_700_000_000_000;
  before(async () => {
    h = await WebHarness.start({ login: false, clock: () => t });
  });
  after(() => h.close());

  test("after 5 failures the next attempt waits 1 s, then 2 s …, and the right password works once the wait is over (was: 15 minutes, right password refused)", async () => {
    for (let i = 0; i < 5; i++) assert.equal((await login(h, "viewer", "wrong-password")).status, 401);
    let r = await login(h, "viewer", VIEWER_PASSWORD);
    assert.equal(r.status, 429);
    assert.equal(r.headers["retry-after"], "1");
    assert.match((r.json as ApiErrorDTO).error, /Too many failed logins: try again in 1 s/);
    t += 1_000;
    assert.equal((await login(h, "viewer", "wrong-password")).status, 401);
    r = await login(h, "viewer", VIEWER_PASSWORD);
    assert.equal(r.headers["retry-after"], "2", "the wait doubles");
    t += 2_000;
    assert.equal((await login(h, "viewer", VIEWER_PASSWORD)).status, 200);
  });

  test("a browser that signed in before gets in while an attacker on the same address hammers the account and sprays usernames", async () => {
    const first = await login(h, "operator", OPERATOR_PASSWORD);
    assert.equal(first.status, 200);
    const device = cookieNamed(first, "skewdesk_device");
    assert.match(String(first.headers["set-cookie"]), /skewdesk_device=[^;]+; Path=\/api\/auth; HttpOnly; SameSite=Strict/);
    for (let i = 0; i < 40; i++) await login(h, "operator", `guess-${i}`);
    for (let i = 0; i < 40; i++) await login(h, `user${i}`, "spray-password");
    assert.equal((await login(h, "operator", OPERATOR_PASSWORD)).status, 429, "the attacker's way in is slowed");
    const r = await login(h, "operator", OPERATOR_PASSWORD, {}, device);
    assert.equal(r.status, 200, "the operator's own browser is not");
  });

  test("a device cookie only vouches for the user it signed in as", async () => {
    t += 3_600_000;
    const viewer = await login(h, "viewer", VIEWER_PASSWORD);
    const device = cookieNamed(viewer, "skewdesk_device");
    for (let i = 0; i < 6; i++) await login(h, "operator", `guess-${i}`, {}, device);
    assert.equal((await login(h, "operator", OPERATOR_PASSWORD, {}, device)).status, 429);
  });
});

describe("behind a proxy: the client is taken from the right end of X-Forwarded-For", () => {
  let h: WebHarness;
  const t = 1_700_000_000_000;
  before(async () => {
    h = await WebHarness.start({ login: false, auth: { trustProxyHops: 1 }, clock: () => t });
  });
  after(() => h.close());

  test("rotating the left part of the header does not reset the count (was: 40 guesses unthrottled)", async () => {
    for (let i = 0; i < 5; i++) {
      assert.equal((await login(h, "operator", "wrong-password", { "x-forwarded-for": `10.0.${i}.1, 198.51.100.66` })).status, 401);
    }
    assert.equal((await login(h, "operator", "wrong-password", { "x-forwarded-for": "10.9.9.9, 198.51.100.66" })).status, 429);
  });

  test("a spoofed address cannot be locked out by someone else (was: the leftmost entry was trusted)", async () => {
    for (let i = 0; i < 8; i++) await login(h, "viewer", "wrong-password", { "x-forwarded-for": "198.51.100.7, 198.51.100.99" });
    assert.equal((await login(h, "viewer", VIEWER_PASSWORD, { "x-forwarded-for": "198.51.100.7" })).status, 200);
  });
});

describe("kept across a restart", () => {
  let dataDir: string;
  const t = 1_700_000_000_000;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), "skewdesk-restart-auth-"));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test("item 7: the throttle's count survives a restart (was: reset), in a file only the desk can read", async () => {
    const a = await WebHarness.start({ dataDir, login: false, clock: () => t });
    for (let i = 0; i < 5; i++) await login(a, "operator", "wrong-password");
    await a.close();
    const b = await WebHarness.start({ dataDir, login: false, clock: () => t + 100 });
    try {
      assert.equal((await login(b, "operator", OPERATOR_PASSWORD)).status, 429);
      assert.equal(statSync(join(dataDir, "login-throttle.json")).mode & 0o777, 0o600);
    } finally {
      await b.close();
    }
  });

  test("item 8: a logged-out session stays logged out after a restart (was: 401 before, 200 after)", async () => {
    const a = await WebHarness.start({ dataDir, login: false, clock: () => t + 3_600_000 });
    const cookie = await a.login("viewer", VIEWER_PASSWORD);
    assert.equal((await a.get("/api/auth/me", cookie)).status, 200);
    assert.equal((await a.send("/api/auth/logout", { method: "POST", cookie })).status, 200);
    assert.equal((await a.get("/api/auth/me", cookie)).status, 401);
    await a.close();
    const b = await WebHarness.start({ dataDir, login: false });
    try {
      assert.equal((await b.get("/api/auth/me", cookie)).status, 401);
      assert.equal(statSync(join(dataDir, "revoked-sessions.json")).mode & 0o777, 0o600);
    } finally {
      await b.close();
    }
  });
});
