// Issue 14, item 8: the first start took 36–56 s with no output. Each slow start-up step now says what it
// is doing, and repeats that it is still at it while it lasts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDesk } from "@/server/web/run-main";
import { FakeRunnerHost } from "@/tests/support/fake-runner-host";

test("start-up says what it is doing, and that it is still at it while the runner opens its database", async () => {
  const dir = mkdtempSync(join(tmpdir(), "skewdesk-start-"));
  const lines: string[] = [];
  let release!: () => void;
  const runnerOpened = new Promise<void>((r) => (release = r));
  const starting = startDesk({
    env: { SKEWDESK_DATA_DIR: dir, SKEWDESK_OPERATOR_PASSWORD: "operator-pass-1234", SKEWDESK_PAGES: "0", SKEWDESK_BCRYPT_ROUNDS: "4", PORT: "0" },
    dev: false,
    log: (l) => lines.push(l),
    progressEveryMs: 5,
    // The runner's database opens only when the test says so: the wait is the test's, not the machine's.
    loadRunnerHostFactory: async () => async () => {
      await runnerOpened;
      return new FakeRunnerHost();
    },
  });
  try {
    while (!lines.some((l) => l.startsWith("[start] … still starting the runner"))) await new Promise((r) => setTimeout(r, 5));
    release();
    const desk = await starting;
    await desk.shutdown("test");
    const order = ["[start] Checking the accounts", "[start] Starting the runner: opening the database", "[start] runner ready", "[start] Starting the web server", "Skewdesk (PAPER) listening on"];
    let at = -1;
    for (const o of order) {
      const i = lines.findIndex((l, k) => k > at && l.startsWith(o));
      assert.ok(i > at, `"${o}" comes next in:\n${lines.join("\n")}`);
      at = i;
    }
    assert.match(lines[at]!, /started in \d+\.\d s/);
  } finally {
    release();
    rmSync(dir, { recursive: true, force: true });
  }
});
