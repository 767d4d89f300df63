// SIGTERM to the real product process (web server + runner worker, embedded database): every quote is
// cancelled, every write flushed, the run closed, and the process exits 0.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb } from "@/server/db";
import { createPrismaStore } from "@/server/store";

const root = new URL("../..", import.meta.url).pathname;
const password = "sigterm-operator-pw";

test("SIGTERM: quotes cancelled, writes flushed, run closed, exit 0", async () => {
  const dir = mkdtempSync(join(tmpdir(), "skewdesk-sigterm-"));
  try {
    const child = spawn(process.execPath, ["--experimental-wasm-modules", "--no-warnings", "--import", "tsx", "server/main.ts"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", PORT: "0", SKEWDESK_PAGES: "0", SKEWDESK_DATA_DIR: dir, SKEWDESK_OPERATOR_PASSWORD: password, SKEWDESK_TICK_MS: "100", SKEWDESK_BCRYPT_ROUNDS: "4" } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    const killer = setTimeout(() => child.kill("SIGKILL"), 90_000);

    const url = await new Promise<string>((resolve, reject) => {
      const t = setInterval(() => {
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearInterval(t);
          resolve(m[1]!);
        }
      }, 50);
      void exited.then((c) => reject(new Error(`server exited (${c}) before listening:\n${out}`)));
    });
    const origin = new URL(url).origin;
    const login = await fetch(`${url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ username: "operator", password }),
    });
    assert.equal(login.status, 200, await login.text());
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;

    // Wait until the runner has quotes resting at the venue.
    let open = 0;
    for (let i = 0; i < 100 && open === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const st = (await (await fetch(`${url}/api/status`, { headers: { cookie } })).json()) as { openOrders: unknown[] };
      open = st.openOrders.length;
    }
    assert.ok(open > 0, "the runner never quoted");

    const killedAt = Date.now();
    child.kill("SIGTERM");
    const code = await exited;
    clearTimeout(killer);
    assert.equal(code, 0, out);
    assert.doesNotMatch(out, new RegExp(password), "the password was logged");

    const db = await createDb({ dataDir: join(dir, "pglite") });
    try {
      const store = createPrismaStore(db);
      const strategy = (await store.listStrategies())[0]!;
      assert.deepEqual(await store.listOpenOrders(strategy.id), [], "orders left open after SIGTERM");
      const run = await store.lastRun(strategy.id);
      assert.equal(run?.stopReason, "SIGTERM");
      // The quotes resting at the signal end cancelled after it: by the shutdown's own cancel, or by a
      // re-quote's cancel that was already on its way when the signal came.
      const cancelled = (await store.listOrders(strategy.id, { limit: 1000 })).filter((o) => o.status === "cancelled" && o.closedAt !== null && o.closedAt.getTime() >= killedAt);
      assert.ok(cancelled.length > 0, "no quote was cancelled after SIGTERM");
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
