// Issue 9, item 6: one desk per PostgreSQL schema. Two desks on one DATABASE_URL both started and quoted the
// same strategy; now the second is refused at start with a message naming who holds the lock, and the lock
// goes with its session (close, or a connection the server killed). PGlite keeps its folder lock
// (tests/store/db-config.test.ts).
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb, DeskAlreadyRunningError } from "@/server/db";
import { takeDeskLock } from "@/server/db/pg-lock";
import { createRunnerHost } from "@/server/host/worker-host";
import { defaultWebConfig } from "@/server/config/web-config";

const PG_URL = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;

describe("the desk lock in PostgreSQL", { skip: PG_URL ? false : "set TEST_DATABASE_URL to run it" }, () => {
  const schemas: string[] = [];
  const fresh = () => {
    const s = `skewdesk_lock_${process.pid}_${randomBytes(3).toString("hex")}`;
    schemas.push(s);
    return s;
  };
  after(async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await c.end();
  });

  test("a second exclusive open of the same schema is refused, naming the holder; closing frees it", { timeout: 60_000 }, async () => {
    const schema = fresh();
    const first = await createDb({ databaseUrl: PG_URL, schema, exclusive: true });
    try {
      const err = await createDb({ databaseUrl: PG_URL, schema, exclusive: true }).then(
        (db) => db.close().then(() => null),
        (e: unknown) => e,
      );
      assert.ok(err instanceof DeskAlreadyRunningError, String(err));
      assert.match(err.message, /Another desk is already running on postgres .* schema skewdesk_lock_/);
      assert.match(err.message, new RegExp(`held by "skewdesk desk pid ${process.pid} on `));
      // A reader that does not trade (a test, a report) is not a desk: it opens fine.
      const reader = await createDb({ databaseUrl: PG_URL, schema });
      await reader.close();
      // Another schema is another desk.
      const other = await createDb({ databaseUrl: PG_URL, schema: fresh(), exclusive: true });
      await other.close();
    } finally {
      await first.close();
    }
    const again = await createDb({ databaseUrl: PG_URL, schema, exclusive: true });
    await again.close();
  });

  test("a lock whose connection the server killed is reported lost, then re-taken", { timeout: 60_000 }, async () => {
    const settings = { connectionString: PG_URL!, schema: fresh(), display: "test", connectTimeoutMs: 2_000, statementTimeoutMs: 5_000 };
    const events: string[] = [];
    let regained!: () => void;
    const back = new Promise<void>((r) => (regained = r));
    const lock = await takeDeskLock(settings, { retryMs: 50, onLost: (why) => events.push(`lost: ${why}`), onRegained: () => (events.push("regained"), regained()) });
    try {
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'skewdesk desk pid ${process.pid} %'`);
      await admin.end();
      await back;
      assert.match(events[0] ?? "", /^lost: /);
      assert.equal(events.at(-1), "regained");
      await assert.rejects(takeDeskLock(settings), DeskAlreadyRunningError);
    } finally {
      await lock.release();
    }
  });

  test("two desks (runner workers) on one DATABASE_URL: the second refuses to start", { timeout: 120_000 }, async () => {
    const url = new URL(PG_URL!);
    url.searchParams.set("schema", fresh());
    const dirs = [mkdtempSync(join(tmpdir(), "skewdesk-desk1-")), mkdtempSync(join(tmpdir(), "skewdesk-desk2-"))];
    const env = { DATABASE_URL: url.toString(), SKEWDESK_TICK_MS: "200" };
    const first = await createRunnerHost(defaultWebConfig({ port: 0, pages: false, dataDir: dirs[0]! }), env);
    try {
      const err = await createRunnerHost(defaultWebConfig({ port: 0, pages: false, dataDir: dirs[1]! }), env).then(
        (h) => h.stop("unexpected").then(() => null),
        (e: unknown) => e,
      );
      assert.ok(err instanceof Error, "the second desk was refused");
      assert.match(err.message, /runner failed to start: Another desk is already running on postgres/);
      assert.equal((await first.status()).running, true, "the first desk is untouched");
    } finally {
      await first.stop("test done");
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });
});
