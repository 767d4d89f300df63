import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { isSameOrigin } from "@/server/auth/origin";
import { LoginLimiter } from "@/server/auth/rate-limit";
import { looksDefault } from "@/server/auth/secret";
import { parseCookies } from "@/server/auth/session";
import { ConfigError, isLoopback, webConfigFromEnv } from "@/server/config/web-config";
import { isPublicPage, loginRedirect } from "@/server/web/page-gate";
import { handshakeOriginAllowed } from "@/server/realtime/socket-auth";

describe("env → WebConfig", () => {
  test("defaults: paper on 127.0.0.1:3000, ./data, 12 h sessions, 64 KB bodies", () => {
    const c = webConfigFromEnv({}, "/srv/desk");
    assert.equal(c.host, "127.0.0.1");
    assert.equal(c.port, 3000);
    assert.equal(c.mode, "paper");
    assert.equal(c.dataDir, "/srv/desk/data");
    assert.equal(c.auth.sessionTtlMs, 12 * 3600_000);
    assert.equal(c.bodyLimitBytes, 65536);
    assert.equal(c.auth.secret, undefined);
    assert.equal(c.auth.cookieSecure, "auto");
    assert.equal(c.auth.trustProxyHops, 0);
  });

  test("values are read and coerced", () => {
    const c = webConfigFromEnv(
      {
        PORT: "8080",
        HOST: "0.0.0.0",
        SKEWDESK_MODE: "live",
        SKEWDESK_DATA_DIR: "/var/lib/skewdesk",
        SKEWDESK_AUTH_SECRET: "s".repeat(20) + "0123456789abcdef",
        SKEWDESK_OPERATOR_PASSWORD: "operator-password",
        SKEWDESK_SESSION_TTL_HOURS: "0.5",
        SKEWDESK_TRUST_PROXY: "1",
        SKEWDESK_PUBLIC_ORIGIN: "https://desk.example.com/, http://10.0.0.5:3000",
      },
      "/srv",
    );
    assert.deepEqual([c.port, c.host, c.mode, c.dataDir], [8080, "0.0.0.0", "live", "/var/lib/skewdesk"]);
    assert.equal(c.auth.sessionTtlMs, 1800_000);
    assert.equal(c.auth.trustProxyHops, 1);
    assert.equal(webConfigFromEnv({ SKEWDESK_TRUST_PROXY: "2" }).auth.trustProxyHops, 2);
    assert.equal(webConfigFromEnv({ SKEWDESK_TRUST_PROXY: "true" }).auth.trustProxyHops, 1);
    assert.deepEqual(c.publicOrigins, ["https://desk.example.com", "http://10.0.0.5:3000"]);
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ["port not a number", { PORT: "http" }, /PORT/],
    ["port out of range", { PORT: "70000" }, /PORT/],
    ["unknown mode", { SKEWDESK_MODE: "Live" }, /SKEWDESK_MODE/],
    ["short secret", { SKEWDESK_AUTH_SECRET: "short" }, /SKEWDESK_AUTH_SECRET: must be at least 32/],
    ["short operator password", { SKEWDESK_OPERATOR_PASSWORD: "123" }, /SKEWDESK_OPERATOR_PASSWORD/],
    ["bad proxy count", { SKEWDESK_TRUST_PROXY: "maybe" }, /SKEWDESK_TRUST_PROXY: must be the number of proxies/],
    ["bad origin", { SKEWDESK_PUBLIC_ORIGIN: "ftp://x" }, /SKEWDESK_PUBLIC_ORIGIN/],
    ["bad cookie mode", { SKEWDESK_COOKIE_SECURE: "yes" }, /SKEWDESK_COOKIE_SECURE/],
  ];
  for (const [name, env, re] of bad) {
    test(`refused: ${name}`, () => {
      assert.throws(() => webConfigFromEnv(env, "/srv"), (err: unknown) => err instanceof ConfigError && re.test(err.message));
    });
  }

  test("a bad secret value is never echoed in the error", () => {
    assert.throws(
      () => webConfigFromEnv({ SKEWDESK_AUTH_SECRET: "hunter2" }),
      (err: unknown) => err instanceof Error && !err.message.includes("hunter2"),
    );
  });

  test("empty strings count as unset", () => {
    const c = webConfigFromEnv({ SKEWDESK_AUTH_SECRET: "", SKEWDESK_OPERATOR_PASSWORD: " " }, "/srv");
    assert.equal(c.auth.secret, undefined);
    assert.equal(c.auth.operatorPassword, undefined);
  });
});

describe("small rules", () => {
  test("isLoopback", () => {
    for (const a of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1", "localhost", "[::1]"]) assert.equal(isLoopback(a), true, a);
    for (const a of ["0.0.0.0", "::", "10.0.0.1", "192.168.1.2", "::ffff:10.0.0.1", "", undefined, "127.0.0.1.evil.com"]) {
      assert.equal(isLoopback(a), false, String(a));
    }
  });

  test("looksDefault", () => {
    for (const s of ["change-me-please-change-me-please-xx", "x".repeat(40), "my-default-secret-for-skewdesk-000000", "abcabcabcabcabcabcabcabcabcabcabc"]) {
      assert.equal(looksDefault(s), true, s);
    }
    assert.equal(looksDefault("Jq3v9Zk1Lw8Rt2Yp6Xm0Nb4Hc7Gd5Fs1"), false);
  });

  const req = (headers: Record<string, string>) => ({ headers, socket: {} }) as unknown as IncomingMessage;
  test("isSameOrigin compares Origin with Host, or the configured public origins", () => {
    assert.equal(isSameOrigin(req({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" })), true);
    assert.equal(isSameOrigin(req({ host: "LOCALHOST:3000", origin: "http://localhost:3000" })), true);
    assert.equal(isSameOrigin(req({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3001" })), false);
    assert.equal(isSameOrigin(req({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000.evil.com" })), false);
    assert.equal(isSameOrigin(req({ host: "127.0.0.1:3000" })), false);
    assert.equal(isSameOrigin(req({ host: "127.0.0.1:3000", origin: "null" })), false);
    assert.equal(isSameOrigin(req({ host: "127.0.0.1:3000", origin: "file:///x" })), false);
    assert.equal(isSameOrigin(req({ host: "internal:3000", origin: "https://desk.example.com" }), ["https://desk.example.com"]), true);
  });

  test("socket handshake origin: WebSocket needs Origin; polling may use Sec-Fetch-Site", () => {
    assert.equal(handshakeOriginAllowed(req({ host: "h:1", upgrade: "websocket" }), []), false);
    assert.equal(handshakeOriginAllowed(req({ host: "h:1", upgrade: "websocket", "sec-fetch-site": "same-origin" }), []), false);
    assert.equal(handshakeOriginAllowed(req({ host: "h:1", "sec-fetch-site": "same-origin" }), []), true);
    assert.equal(handshakeOriginAllowed(req({ host: "h:1", "sec-fetch-site": "same-site" }), []), false);
    assert.equal(handshakeOriginAllowed(req({ host: "h:1", origin: "http://h:1", upgrade: "websocket" }), []), true);
  });

  test("page gate: public paths and safe redirects", () => {
    for (const p of ["/login", "/login/reset", "/_next/static/a.js", "/favicon.ico"]) assert.equal(isPublicPage(p, false), true, p);
    for (const p of ["/", "/loginx", "/settings", "/api/status", "/__nextjs_original-stack-frame"]) assert.equal(isPublicPage(p, false), false, p);
    assert.equal(isPublicPage("/__nextjs_original-stack-frame", true), true);
    assert.equal(loginRedirect("/a?b=1"), "/login?next=%2Fa%3Fb%3D1");
    assert.equal(loginRedirect("//evil.com"), "/login?next=%2F");
  });

  test("cookies parse; the first of duplicate names wins", () => {
    const c = parseCookies("a=1; skewdesk_session=tok; b=%20x; skewdesk_session=other; bad");
    assert.equal(c.get("skewdesk_session"), "tok");
    assert.equal(c.get("b"), " x");
  });

  test("login limiter: free failures, then a doubling wait after the last one; failures expire", () => {
    const l = new LoginLimiter({ windowMs: 60_000, baseDelayMs: 1_000, maxDelayMs: 8_000 });
    const key = [{ key: "u:ip|u", free: 3 }];
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) l.fail(key, t0);
    assert.deepEqual(l.check(key, t0 + 10), { allowed: false, retryAfterSec: 1 }, "the 4th attempt waits 1 s");
    assert.equal(l.check(key, t0 + 1_000).allowed, true);
    l.fail(key, t0 + 1_000);
    assert.equal(l.check(key, t0 + 2_500).allowed, false, "then 2 s");
    assert.equal(l.check(key, t0 + 3_000).allowed, true);
    for (let i = 0; i < 10; i++) l.fail(key, t0 + 3_000);
    assert.deepEqual(l.check(key, t0 + 3_000), { allowed: false, retryAfterSec: 8 }, "capped");
    assert.equal(l.check([{ key: "u:ip|v", free: 3 }], t0).allowed, true, "other keys are untouched");
    assert.equal(l.check(key, t0 + 63_001).allowed, true, "failures expire");
  });

  test("login limiter: the state round-trips (kept across restarts)", () => {
    const l = new LoginLimiter();
    const keys = [{ key: "u:a|b", free: 1 }];
    l.fail(keys, 5_000);
    const again = new LoginLimiter();
    again.restore(JSON.parse(JSON.stringify(l.snapshot(5_000))), 5_000);
    assert.equal(again.check(keys, 5_100).allowed, false);
  });
});
