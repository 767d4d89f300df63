// Issue 9, item 4: DNS rebinding. With no account yet, a page on rebind.evil.example (resolved to 127.0.0.1)
// POSTed /api/auth/setup with its own Host and a matching Origin and got 201: it owned the desk. Every request
// (API, pages, the socket handshake) now has to name this desk by an allowed host.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAllowedHost } from "@/server/auth/origin";
import { webConfigFromEnv } from "@/server/config/web-config";
import { WebHarness } from "@/tests/support/web-harness";

describe("Host allow-list (no account yet: the rebinding target)", () => {
  let h: WebHarness;
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "skewdesk-rebind-"));
    h = await WebHarness.start({
      dataDir,
      auth: { operatorPassword: undefined, viewerPassword: undefined },
      config: { allowedHosts: ["desk.example.com"] },
      login: false,
    });
  });
  after(async () => {
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("setup with a rebinding Host and a matching Origin is refused, and no account is made (was 201)", async () => {
    const evil = `rebind.evil.example:${h.server.port}`;
    const r = await h.send("/api/auth/setup", { headers: { host: evil }, origin: `http://${evil}`, body: { username: "mallory", password: "long enough password" } });
    assert.equal(r.status, 403, r.text);
    assert.match(r.text, /does not answer to that host name/);
    assert.deepEqual((await h.send("/api/auth/setup-needed")).json, { setupNeeded: true });
  });

  test("every request checks it: API reads, pages and the socket handshake", async () => {
    const headers = { host: `rebind.evil.example:${h.server.port}` };
    assert.equal((await h.send("/api/health", { headers })).status, 403);
    assert.equal((await h.send("/", { headers })).status, 403);
    const socket = await h.send("/socket.io/?EIO=4&transport=polling", { headers: { ...headers, "sec-fetch-site": "same-origin" } });
    assert.equal(socket.status, 403, socket.text);
    assert.match(socket.text, /Host not allowed/);
  });

  test("this machine's names, IP literals and configured names are answered", async () => {
    const port = h.server.port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`, `app.localhost:${port}`, `[::1]:${port}`, `10.1.2.3:${port}`, "desk.example.com"]) {
      assert.equal((await h.send("/api/health", { headers: { host } })).status, 200, host);
    }
  });
});

describe("isAllowedHost", () => {
  test("names must be allowed; IP literals need no entry; malformed headers are refused", () => {
    const allowed = ["desk.lan"];
    const yes = ["127.0.0.1:3000", "0x7f.1:3000", "[::1]:3000", "[fe80::1]", "192.168.1.5", "localhost", "localhost.", "a.localhost:3000", "desk.lan", "DESK.LAN:443"];
    const no = [undefined, "", "rebind.evil.example", "evil.example:3000", "localhost.evil.example", "127.0.0.1.nip.io", "evil@127.0.0.1", "127.0.0.1/x", "desk.lan.evil.example", "a b"];
    for (const h of yes) assert.equal(isAllowedHost(h, allowed), true, String(h));
    for (const h of no) assert.equal(isAllowedHost(h, allowed), false, String(h));
  });

  test("configuration: SKEWDESK_ALLOWED_HOSTS, the public origins' hosts and a HOST name", () => {
    const c = webConfigFromEnv({ SKEWDESK_ALLOWED_HOSTS: "Desk.LAN, ops.example.org.", SKEWDESK_PUBLIC_ORIGIN: "https://desk.example.com", HOST: "trading-box" });
    assert.deepEqual(c.allowedHosts.sort(), ["desk.example.com", "desk.lan", "ops.example.org", "trading-box"]);
    assert.throws(() => webConfigFromEnv({ SKEWDESK_ALLOWED_HOSTS: "http://x.example" }), /SKEWDESK_ALLOWED_HOSTS/);
  });
});
