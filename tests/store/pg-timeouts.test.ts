// Issue 9, item 2: PostgreSQL with timeouts. An unreachable DATABASE_URL is a clear start-up error within the
// connect timeout (it used to hang with no output), and a connection that stops answering fails the write
// with a retryable error and is replaced (it used to stall every write for good). The waits here are the
// database client's own timeouts; the test's only deadline is the generous per-test timeout.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb, DbUnreachableError, type Db } from "@/server/db";
import { createPrismaStore } from "@/server/store";
import { isPermanentWriteError } from "@/server/runner/write-queue";
import { createRunnerHost } from "@/server/host/worker-host";
import { defaultWebConfig } from "@/server/config/web-config";
import { hangingProxy, silentServer } from "@/tests/support/tcp-proxy";

const PG_URL = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;

describe("start-up against a database that never answers", () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  before(async () => {
    silent = await silentServer();
  });
  after(() => silent.close());

  test("createDb fails within the connect timeout, naming the server and what to check", { timeout: 30_000 }, async () => {
    const err = await createDb({ databaseUrl: `postgresql://desk:s3cret@127.0.0.1:${silent.port}/test`, connectTimeoutMs: 300 }).then(
      (db) => db.close().then(() => null),
      (e: unknown) => e,
    );
    assert.ok(err instanceof DbUnreachableError, String(err));
    assert.match(err.message, new RegExp(`Cannot connect to PostgreSQL at postgres 127.0.0.1:${silent.port}/test schema public: no answer within the connect timeout`));
    assert.match(err.message, /Check DATABASE_URL/);
    assert.doesNotMatch(err.message, /s3cret/, "never the password");
  });

  test("the desk's runner refuses to start with that message instead of hanging", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "skewdesk-unreachable-"));
    try {
      const config = defaultWebConfig({ port: 0, pages: false, dataDir: dir });
      const err = await createRunnerHost(config, { DATABASE_URL: `postgresql://postgres@127.0.0.1:${silent.port}/test`, SKEWDESK_DB_CONNECT_TIMEOUT_MS: "300" }).then(
        (h) => h.stop("unexpected").then(() => null),
        (e: unknown) => e,
      );
      assert.ok(err instanceof Error, "refused");
      assert.match(err.message, /runner failed to start: Cannot connect to PostgreSQL at postgres 127.0.0.1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a connection that hangs mid-run (PostgreSQL)", { skip: PG_URL ? false : "set TEST_DATABASE_URL to run it" }, () => {
  const schema = `skewdesk_hang_${process.pid}_${randomBytes(3).toString("hex")}`;
  let proxy: Awaited<ReturnType<typeof hangingProxy>>;
  let db: Db;

  before(async () => {
    const target = new URL(PG_URL!);
    proxy = await hangingProxy(target.hostname, Number(target.port || 5432));
    const via = new URL(PG_URL!);
    via.hostname = "127.0.0.1";
    via.port = String(proxy.port);
    // Deadlines short enough to see a hang quickly, long enough that a loaded machine (load 14–20 once failed
    // this at 500 ms) still connects and migrates in time.
    db = await createDb({ databaseUrl: via.toString(), schema, connectTimeoutMs: 2_000, statementTimeoutMs: 2_000 });
  });
  after(async () => {
    await db?.close();
    await proxy?.close();
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  });

  test("the write fails with a retryable error instead of hanging, and the next one goes through a new connection", { timeout: 60_000 }, async () => {
    const store = createPrismaStore(db);
    const s = await store.ensureStrategy({ name: "hang", market: "M", symbol: "M", venue: "paper", mode: "paper", initialParams: {} });
    const alert = (id: string) => store.raiseAlert({ id, strategyId: s.id, kind: "error", severity: "info", message: id, createdAt: new Date(0) });
    await alert("before");

    proxy.hang(true);
    const err = await alert("during").then(() => null, (e: unknown) => e);
    assert.ok(err, "the write failed instead of hanging");
    assert.equal(isPermanentWriteError(err), false, `retryable: ${(err as Error).message}`);

    proxy.hang(false);
    let ok = false;
    let last: unknown;
    for (let i = 0; i < 5 && !ok; i++) {
      ok = await alert(`after-${i}`).then(
        () => true,
        (e: unknown) => ((last = e), false),
      );
    }
    assert.ok(ok, `a write after the network came back: ${String(last)}`);
  });
});
