// The Next pages behind the custom server (production build): the session gate in front of them, and
// the login page with its assets reachable without a session. Browser behaviour is tested in tests/e2e.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "@/server/config/web-config";
import { WebHarness } from "@/tests/support/web-harness";

describe("pages (next build)", () => {
  let h: WebHarness;
  before(async () => {
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, "scripts/ensure-build.mjs")], { encoding: "utf8", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    assert.equal(r.status, 0, `ensure-build failed:\n${r.stdout}\n${r.stderr}`);
    h = await WebHarness.start({ config: { pages: true } });
  });
  after(() => h?.close());

  test("/ without a session redirects to the login page", async () => {
    const r = await h.send("/");
    assert.equal(r.status, 302);
    assert.equal(r.headers.location, "/login?next=%2F");
  });

  test("/login and its static assets load without a session", async () => {
    const r = await h.send("/login");
    assert.equal(r.status, 200);
    assert.match(String(r.headers["content-type"]), /text\/html/);
    assert.equal(r.headers["x-frame-options"], "DENY");
    const asset = /(\/_next\/static\/[^"']+\.(?:js|css))/.exec(r.text)?.[1];
    assert.ok(asset, "the login page references a static asset");
    assert.equal((await h.send(asset)).status, 200, asset);
  });

  test("the favicon is served on every page, without a session (issue 14: a 404 on every page)", async () => {
    const r = await h.send("/favicon.ico");
    assert.equal(r.status, 200);
    assert.match(String(r.headers["content-type"]), /image\/(x-icon|vnd\.microsoft\.icon)/);
    const login = await h.send("/login");
    assert.match(login.text, /<link rel="icon" href="\/favicon\.ico/);
  });

  test("/ with a session renders the dashboard", async () => {
    const r = await h.send("/", { cookie: h.viewerCookie });
    assert.equal(r.status, 200);
    assert.match(String(r.headers["content-type"]), /text\/html/);
  });
});
