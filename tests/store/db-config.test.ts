// Which database createDb opens, how bad configuration reads, and the PGlite folder lock. No database needed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DataDirInUseError, DbConfigError, DEFAULT_DATA_DIR, LOCK_FILE, resolveDbTarget } from "@/server/db";
import { lockDataDir } from "@/server/db/data-dir-lock";

describe("resolveDbTarget", () => {
  const PG = "postgresql://app:secret@db.example:6543/skewdesk";
  const cases: { name: string; options?: Parameters<typeof resolveDbTarget>[0]; env: Record<string, string | undefined>; want: object }[] = [
    { name: "nothing set → PGlite in the default folder", env: {}, want: { kind: "pglite", dataDir: resolve(DEFAULT_DATA_DIR) } },
    { name: "blank DATABASE_URL counts as unset", env: { DATABASE_URL: "  " }, want: { kind: "pglite" } },
    { name: "SKEWDESK_DATA_DIR picks the folder", env: { SKEWDESK_DATA_DIR: "/var/lib/sd" }, want: { kind: "pglite", dataDir: "/var/lib/sd" } },
    { name: "memory:// stays in memory", env: { SKEWDESK_DATA_DIR: "memory://" }, want: { kind: "pglite", dataDir: "memory://" } },
    { name: "DATABASE_URL → PostgreSQL, public schema", env: { DATABASE_URL: PG }, want: { kind: "postgres", schema: "public", connectionString: PG } },
    { name: "postgres:// is accepted too", env: { DATABASE_URL: "postgres://h/db" }, want: { kind: "postgres" } },
    { name: "?schema= in the URL selects the schema and is stripped", env: { DATABASE_URL: `${PG}?schema=desk` }, want: { kind: "postgres", schema: "desk", connectionString: PG } },
    { name: "options.schema beats the URL's", options: { schema: "t1" }, env: { DATABASE_URL: `${PG}?schema=desk` }, want: { schema: "t1" } },
    { name: "options.databaseUrl beats the environment", options: { databaseUrl: "postgresql://other/db" }, env: { DATABASE_URL: PG }, want: { kind: "postgres", connectionString: "postgresql://other/db" } },
    { name: "options.dataDir selects PGlite even with DATABASE_URL set", options: { dataDir: "memory://" }, env: { DATABASE_URL: PG }, want: { kind: "pglite", dataDir: "memory://" } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = resolveDbTarget(c.options, c.env);
      for (const [k, v] of Object.entries(c.want)) assert.equal((got as Record<string, unknown>)[k], v, k);
    });
  }

  test("PostgreSQL always has connect and statement timeouts: 5 s and 15 s, or the environment's, or the options'", () => {
    assert.deepEqual(pick(resolveDbTarget({}, { DATABASE_URL: PG })), [5_000, 15_000]);
    assert.deepEqual(pick(resolveDbTarget({}, { DATABASE_URL: PG, SKEWDESK_DB_CONNECT_TIMEOUT_MS: "2000", SKEWDESK_DB_STATEMENT_TIMEOUT_MS: "30000" })), [2_000, 30_000]);
    assert.deepEqual(pick(resolveDbTarget({ connectTimeoutMs: 700 }, { DATABASE_URL: PG, SKEWDESK_DB_CONNECT_TIMEOUT_MS: "2000" })), [700, 15_000]);
  });
  const pick = (t: ReturnType<typeof resolveDbTarget>) => (t.kind === "postgres" ? [t.connectTimeoutMs, t.statementTimeoutMs] : []);

  test("the display never shows credentials", () => {
    const t = resolveDbTarget({}, { DATABASE_URL: PG });
    assert.equal(t.display, "postgres db.example:6543/skewdesk schema public");
  });

  const bad: { name: string; options?: Parameters<typeof resolveDbTarget>[0]; env: Record<string, string | undefined>; message: RegExp }[] = [
    { name: "not a URL", env: { DATABASE_URL: "db host" }, message: /^Invalid database environment: DATABASE_URL must be a URL/ },
    { name: "a URL without the scheme", env: { DATABASE_URL: "localhost:5432" }, message: /DATABASE_URL must start with postgresql:\/\// },
    { name: "not PostgreSQL", env: { DATABASE_URL: "mysql://h/db" }, message: /DATABASE_URL must start with postgresql:\/\// },
    { name: "schema with quotes", options: { schema: 'x"; drop' }, env: {}, message: /^Invalid database options: schema must be a lower-case PostgreSQL identifier/ },
    { name: "schema in the URL is checked too", env: { DATABASE_URL: "postgresql://h/db?schema=Bad-Name" }, message: /^Invalid PostgreSQL schema: must be a lower-case PostgreSQL identifier/ },
    { name: "both databaseUrl and dataDir", options: { databaseUrl: PG, dataDir: "/x" }, env: {}, message: /not both/ },
    { name: "a connect timeout that is not a number", env: { DATABASE_URL: PG, SKEWDESK_DB_CONNECT_TIMEOUT_MS: "soon" }, message: /SKEWDESK_DB_CONNECT_TIMEOUT_MS/ },
    { name: "a statement timeout of 0 (= none)", env: { DATABASE_URL: PG, SKEWDESK_DB_STATEMENT_TIMEOUT_MS: "0" }, message: /SKEWDESK_DB_STATEMENT_TIMEOUT_MS must be at least 100/ },
  ];
  for (const c of bad) {
    test(`refuses ${c.name} with a clear message`, () => {
      assert.throws(() => resolveDbTarget(c.options, c.env), (e: unknown) => e instanceof DbConfigError && c.message.test(e.message));
    });
  }
});

describe("PGlite data folder lock", () => {
  const fresh = () => mkdtempSync(join(tmpdir(), "skewdesk-lock-"));

  test("a folder opens once per process and is free again after release", () => {
    const dir = fresh();
    try {
      const release = lockDataDir(dir);
      assert.equal(readFileSync(join(dir, LOCK_FILE), "utf8"), String(process.pid));
      assert.throws(() => lockDataDir(dir), DataDirInUseError);
      release();
      assert.equal(existsSync(join(dir, LOCK_FILE)), false);
      lockDataDir(dir)();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a folder held by another live process is refused", () => {
    const dir = fresh();
    try {
      writeFileSync(join(dir, LOCK_FILE), String(process.ppid));
      assert.throws(() => lockDataDir(dir), (e: unknown) => e instanceof DataDirInUseError && e.message.includes(String(process.ppid)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a lock left by a killed process is taken over", () => {
    const dir = fresh();
    try {
      writeFileSync(join(dir, LOCK_FILE), "2147483646"); // no such pid
      const release = lockDataDir(dir);
      assert.equal(readFileSync(join(dir, LOCK_FILE), "utf8"), String(process.pid));
      release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
