// server/main.ts's lifecycle (through run-main, with the fake runner): refusals happen before the runner
// starts, and SIGTERM stops the runner (cancel quotes, flush) before the process exits 0.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "@/server/config/web-config";

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

function startChild(env: Record<string, string>, onReady?: (url: string, kill: (s: NodeJS.Signals) => void) => void): Promise<Run> {
  const child = spawn(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "tests/support/desk-with-fake.ts")], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? "", SKEWDESK_PAGES: "0", SKEWDESK_BCRYPT_ROUNDS: "4", ...env } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const run: Run = { stdout: "", stderr: "", code: null, signal: null };
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  child.stdout.on("data", (d: Buffer) => {
    run.stdout += d.toString();
    const m = /READY (\S+)/.exec(run.stdout);
    if (m && onReady) {
      const cb = onReady;
      onReady = undefined;
      cb(m[1]!, (s) => child.kill(s));
    }
  });
  child.stderr.on("data", (d: Buffer) => (run.stderr += d.toString()));
  return new Promise((resolve) =>
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ ...run, code, signal });
    }),
  );
}

describe("server process lifecycle", () => {
  test("SIGTERM: the runner is stopped (STOP SIGTERM) and the process exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "skewdesk-main-"));
    try {
      let health = 0;
      const run = await startChild({ SKEWDESK_DATA_DIR: dir, SKEWDESK_OPERATOR_PASSWORD: "operator-pass-1234" }, (url, kill) => {
        void fetch(`${url}/api/health`).then((r) => {
          health = r.status;
          kill("SIGTERM");
        });
      });
      assert.equal(health, 200);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /STOP SIGTERM/);
      assert.doesNotMatch(run.stdout + run.stderr, /operator-pass-1234/, "the password is never logged");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("live mode without a secret: refused with exit 2 before the runner starts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "skewdesk-main-"));
    try {
      const run = await startChild({ SKEWDESK_DATA_DIR: dir, SKEWDESK_MODE: "live", SKEWDESK_OPERATOR_PASSWORD: "operator-pass-1234" });
      assert.equal(run.code, 2);
      assert.match(run.stderr, /live mode without SKEWDESK_AUTH_SECRET/);
      assert.doesNotMatch(run.stdout, /FACTORY|READY/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
