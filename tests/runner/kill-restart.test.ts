// kill -9 a real runner process mid-trading, restart on the same database and journal, and check that
// every fill the dead process had booked is stored exactly once and the rebuilt state matches the rows.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Decimal from "decimal.js";
import pg from "pg";
import { openPaperSession } from "@/server/runner/open-paper-session";

const root = new URL("../..", import.meta.url).pathname;

interface Target {
  name: string;
  /** Why this variant does not run here (describe's skip: the summary counts it). */
  skip?: string;
  dbArg: string;
  dbOption: { dataDir: string } | { databaseUrl: string };
  cleanup(): Promise<void>;
}

function targets(): Target[] {
  const dir = mkdtempSync(join(tmpdir(), "skewdesk-kill-"));
  const out: Target[] = [
    { name: "PGlite", dbArg: join(dir, "pglite"), dbOption: { dataDir: join(dir, "pglite") }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) },
  ];
  const url = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (url) {
    const schema = `skewdesk_kill_${process.pid}_${randomBytes(3).toString("hex")}`;
    const withSchema = `${url}${url.includes("?") ? "&" : "?"}schema=${schema}`;
    out.push({
      name: "PostgreSQL",
      dbArg: withSchema,
      dbOption: { databaseUrl: withSchema },
      cleanup: async () => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => c.end());
      },
    });
  } else {
    // Listed and skipped with the reason, so the summary counts it (a console line went unnoticed).
    out.push({
      name: "PostgreSQL",
      skip: "no PostgreSQL configured: set TEST_DATABASE_URL to a PostgreSQL URL to run this variant",
      dbArg: "",
      dbOption: { databaseUrl: "" },
      cleanup: async () => undefined,
    });
  }
  return out;
}

/** Starts the headless runner slowly (simulated time 5x), returns the fills it printed when killed. */
async function runAndKill(dbArg: string, journalDir: string, strategy: string, killAfterFills: number): Promise<Array<{ tradeId: string }>> {
  const child = spawn(
    process.execPath,
    [
      "--experimental-wasm-modules",
      "--no-warnings",
      "--import",
      "tsx",
      "server/cli/run-runner.ts",
      "--db",
      dbArg,
      "--journal-dir",
      journalDir,
      "--strategy",
      strategy,
      "--speed",
      "5",
      "--tick",
      "100",
      "--duration",
      "1h",
      "--print-fills",
    ],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  const fills: Array<{ tradeId: string }> = [];
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  let buf = "";
  const exited = new Promise<NodeJS.Signals | number | null>((r) => child.on("exit", (code, signal) => r(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`runner printed only ${fills.length} fills in 90 s; stderr:\n${stderr.slice(-2000)}`)), 90_000);
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith("FILL ")) fills.push(JSON.parse(line.slice(5)) as { tradeId: string });
      }
      if (fills.length >= killAfterFills) {
        clearTimeout(timer);
        // A random moment after the threshold: anywhere inside a tick, a write or a journal append.
        setTimeout(() => {
          child.kill("SIGKILL");
          resolve();
        }, Math.floor(Math.random() * 300));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (fills.length < killAfterFills) reject(new Error(`runner exited (${code}) before ${killAfterFills} fills; stderr:\n${stderr.slice(-2000)}`));
    });
  });
  assert.equal(await exited, "SIGKILL");
  return fills;
}

for (const target of targets()) {
  // A skipped variant is one skipped test with its reason (a skipped describe is not counted).
  if (target.skip) {
    test(`kill -9 and restart on ${target.name}`, { skip: target.skip }, () => {});
    continue;
  }
  describe(`kill -9 and restart on ${target.name}`, () => {
    after(() => target.cleanup());

    test("nothing lost, nothing counted twice, state rebuilt from the rows", async () => {
      const journalDir = mkdtempSync(join(tmpdir(), "skewdesk-kill-journal-"));
      const strategy = `kill-${process.pid}`;
      const printed = await runAndKill(target.dbArg, journalDir, strategy, 15);

      const s = await openPaperSession({ db: target.dbOption, strategyName: strategy, journalDir, speed: "max", durableJournal: false });
      try {
        await s.runner.flushWrites(120_000); // PostgreSQL on a slow disk commits ~1,000 writes in 7–25 s
        const stored = await s.store.listFills(s.runner.strategyId, { limit: 100_000 });
        const ids = stored.map((f) => f.venueTradeId);
        assert.equal(new Set(ids).size, ids.length, "a fill stored twice");
        for (const f of printed) assert.ok(ids.includes(f.tradeId), `fill ${f.tradeId} booked before the kill is missing after restart`);

        const signed = stored.reduce((acc, f) => (f.side === "buy" ? acc.add(f.size) : acc.sub(f.size)), new Decimal(0));
        assert.equal(s.runner.inventory.toString(), signed.toString(), "inventory differs from the stored fills");
        const peak = [...stored].reverse().reduce((m, f) => Decimal.max(m, f.inventoryAfter.abs()), new Decimal(0));
        assert.equal(s.runner.currentPosition.peak.toString(), peak.toString());
        assert.equal((await s.store.listOpenOrders(s.runner.strategyId)).length, 0, "orders the new venue does not hold are still open");

        const runs = await s.store.lastRun(s.runner.strategyId);
        assert.ok(runs && runs.stoppedAt === null, "the new run is open");
        const state = { inv: s.runner.inventory.toString(), realized: s.runner.currentPosition.realized.toString(), fills: stored.length };
        await s.close("test done");

        // Recovery is idempotent: opening again changes nothing.
        const again = await openPaperSession({ db: target.dbOption, strategyName: strategy, journalDir, speed: "max", durableJournal: false });
        const stored2 = await again.store.listFills(again.runner.strategyId, { limit: 100_000 });
        assert.deepEqual(
          { inv: again.runner.inventory.toString(), realized: again.runner.currentPosition.realized.toString(), fills: stored2.length },
          state,
        );
        await again.close("test done");
      } finally {
        await s.close("test done");
      }
    });
  });
}
