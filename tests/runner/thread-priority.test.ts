// SKEWDESK_RUNNER_NICE: the runner thread's priority (server/host/thread-priority.ts). A raised priority is
// Linux's per-thread nice value: the runner's thread gets it, the web (main) thread keeps its own.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { runnerEnvFrom } from "@/server/host/runner-env";
import { setThreadNice, threadNice } from "@/server/host/thread-priority";
import { createRunnerHost } from "@/server/host/worker-host";

const linux = existsSync("/proc/thread-self/stat") ? false : "needs Linux's per-thread /proc/thread-self/stat";

/** Every thread of this process with its nice value (/proc/self/task/<tid>/stat, field 19). */
function threadNices(): { name: string; nice: number }[] {
  return readdirSync("/proc/self/task").flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      return [{ name, nice: Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]) }];
    } catch {
      return []; // the thread ended while we listed
    }
  });
}

describe("the runner thread's priority", () => {
  test("SKEWDESK_RUNNER_NICE is validated: a whole number from -20 to 19, unset by default", () => {
    assert.equal(runnerEnvFrom({}).SKEWDESK_RUNNER_NICE, undefined);
    assert.equal(runnerEnvFrom({ SKEWDESK_RUNNER_NICE: "" }).SKEWDESK_RUNNER_NICE, undefined);
    assert.equal(runnerEnvFrom({ SKEWDESK_RUNNER_NICE: "-10" }).SKEWDESK_RUNNER_NICE, -10);
    assert.equal(runnerEnvFrom({ SKEWDESK_RUNNER_NICE: "19" }).SKEWDESK_RUNNER_NICE, 19);
    for (const bad of ["-21", "20", "1.5", "high", "-"]) {
      assert.throws(() => runnerEnvFrom({ SKEWDESK_RUNNER_NICE: bad }), /SKEWDESK_RUNNER_NICE: must be a whole number from -20/, bad);
    }
  });

  test("a refusal by the system stops the start with what to do, naming the variable", () => {
    const refuse = () => {
      throw Object.assign(new Error("A system error occurred: uv_os_setpriority returned EACCES (permission denied)"), { code: "ERR_SYSTEM_ERROR" });
    };
    assert.throws(() => setThreadNice(-10, refuse), (err: Error) => {
      assert.match(err.message, /^SKEWDESK_RUNNER_NICE=-10: the runner thread's priority could not be set/);
      assert.match(err.message, /CAP_SYS_NICE/);
      assert.match(err.message, /unset SKEWDESK_RUNNER_NICE/);
      return true;
    });
  });

  test("set in a worker thread, it is that thread's: the main thread keeps its own", { skip: linux }, async () => {
    const before = threadNice();
    assert.notEqual(before, null);
    const worker = new Worker(
      // Worker threads do not inherit --import hooks on Node 20 (server/host/runner-worker-boot.mjs does the same).
      `(async () => {
         (await import("tsx/esm/api")).register();
         const { setThreadNice, threadNice } = await import(${JSON.stringify(new URL("../../server/host/thread-priority.ts", import.meta.url).href)});
         const { parentPort } = require("node:worker_threads");
         const out = setThreadNice(${before! + 3});
         parentPort.postMessage({ out, read: threadNice() });
       })();`,
      { eval: true, execArgv: process.execArgv },
    );
    const got = await new Promise<{ out: { nice: number; line: string }; read: number }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    await worker.terminate();
    assert.equal(got.read, before! + 3);
    assert.equal(got.out.nice, before! + 3);
    assert.equal(got.out.line, `runner thread priority: nice ${before! + 3}`);
    assert.equal(threadNice(), before, "the main thread's nice value is unchanged");
  });

  test("the desk's runner thread takes SKEWDESK_RUNNER_NICE at start; the web thread does not", { skip: linux }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "skewdesk-nice-"));
    const main = threadNice()!;
    // A value above the current one: lowering a thread's priority needs no privilege.
    const nice = Math.min(19, main + 5);
    const host = await createRunnerHost({ dataDir: dir, mode: "paper" }, { SKEWDESK_RUNNER_NICE: String(nice), SKEWDESK_RECORD: "0" });
    try {
      const threads = threadNices();
      const raised = threads.filter((t) => t.nice === nice);
      assert.ok(raised.length >= 1, `a thread at nice ${nice}: ${JSON.stringify(threads)}`);
      assert.equal(threadNice(), main, "the web (main) thread keeps its priority");
    } finally {
      await host.stop("test");
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a bad value stops the runner's start with the variable's message", async () => {
    const dir = mkdtempSync(join(tmpdir(), "skewdesk-nice-"));
    try {
      await assert.rejects(createRunnerHost({ dataDir: dir, mode: "paper" }, { SKEWDESK_RUNNER_NICE: "fast" }), /runner failed to start: Invalid runner environment:\n {2}SKEWDESK_RUNNER_NICE: must be a whole number/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
