// Issue 9, item 10's smaller points on the web side: resetting the metrics is an operator's act and is
// audited; the image optimizer is not open to visitors without a session; the data folder is the desk's
// user's alone. (NUL bytes and parameter patches: tests/web/params-real.test.ts.)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb } from "@/server/db";
import { startDesk } from "@/server/web/run-main";
import { FakeRunnerHost } from "@/tests/support/fake-runner-host";
import { WebHarness } from "@/tests/support/web-harness";

describe("metrics reset and the image optimizer", () => {
  let h: WebHarness;
  before(async () => {
    h = await WebHarness.start();
  });
  after(() => h.close());

  test("a viewer may read the metrics but not reset them (was: reset, unaudited)", async () => {
    assert.equal((await h.get("/api/metrics", h.viewerCookie)).status, 200);
    const r = await h.get("/api/metrics?reset=1", h.viewerCookie);
    assert.equal(r.status, 403, r.text);
    assert.match(r.text, /needs the operator role/);
    assert.equal(h.fake.audits.some((a) => a.action === "metrics.reset"), false);
  });

  test("an operator's reset is audited", async () => {
    assert.equal((await h.get("/api/metrics?reset=1", h.operatorCookie)).status, 200);
    const a = h.fake.audits.findLast((x) => x.action === "metrics.reset");
    assert.ok(a, "audited");
    assert.equal(a.actor, "operator");
  });

  test("a NUL in a reason is a 400 naming the field on every endpoint that takes one (was 500)", async () => {
    const before = h.fake.mutations.length;
    for (const [path, body] of [
      ["/api/params", { params: { skewFactor: 1 }, reason: "x\u0000y" }],
      ["/api/params/rollback", { version: 1, reason: "x\u0000y" }],
      ["/api/reconciliation/resolve", { action: "adopt", reason: "missed\u0000fills" }],
      ["/api/alerts/ack", { id: "A\u00001" }],
    ] as const) {
      const r = await h.post(path, body);
      assert.equal(r.status, 400, `${path}: ${r.text}`);
      assert.match(r.text, /control characters|alert id may use/, path);
    }
    assert.equal(h.fake.mutations.length, before, "nothing changed");
  });

  test("/_next/image needs a session (was: served to anyone)", async () => {
    const r = await h.send("/_next/image?url=%2Fscreenshot.png&w=640&q=75");
    assert.equal(r.status, 302);
    assert.match(String(r.headers.location), /^\/login\?next=/);
    assert.equal((await h.send("/_next/static/chunks/x.js")).status, 404, "other assets stay public");
  });
});

describe("the data folder is private", () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "skewdesk-private-"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test("the desk makes its data folder 0700, also one that existed as 0755 (was 0755 with 0644 files)", async () => {
    for (const name of ["fresh", "existing"]) {
      const dir = join(root, name);
      if (name === "existing") {
        mkdirSync(dir, { mode: 0o755 });
        chmodSync(dir, 0o755);
      }
      const desk = await startDesk({
        env: { SKEWDESK_DATA_DIR: dir, SKEWDESK_PAGES: "0", PORT: "0", SKEWDESK_OPERATOR_PASSWORD: "operator-pass-1234", SKEWDESK_BCRYPT_ROUNDS: "4" },
        dev: false,
        loadRunnerHostFactory: async () => () => new FakeRunnerHost(),
        log: () => undefined,
      });
      try {
        assert.equal(statSync(dir).mode & 0o777, 0o700, name);
        for (const f of readdirSync(dir)) assert.equal(statSync(join(dir, f)).mode & 0o077, 0, `${name}/${f} is not readable by others`);
      } finally {
        await desk.shutdown("test");
      }
    }
  });

  test("the embedded database's folder is 0700", async () => {
    const dir = join(root, "pglite");
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const db = await createDb({ dataDir: dir });
    try {
      assert.equal(statSync(dir).mode & 0o777, 0o700);
    } finally {
      await db.close();
    }
  });
});
