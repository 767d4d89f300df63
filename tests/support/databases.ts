// The databases a persistence-touching suite runs on: embedded PGlite always, and PostgreSQL whenever
// TEST_DATABASE_URL (or DATABASE_URL) is set, each in a fresh place that is removed afterwards. Without a
// URL the PostgreSQL variant is still listed, marked to skip with the reason, so the run's summary counts
// it as skipped instead of a line on stdout nobody reads.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createDb, type Db } from "@/server/db";

export interface TestDatabase {
  name: string;
  /** Why this variant does not run here: pass it to describe/test as `skip`, so the summary counts it. */
  skip?: string;
  /** Opens (and migrates) the same database again each call: state survives between opens. */
  open(): Promise<Db>;
  cleanup(): Promise<void>;
}

export function testDatabases(label: string): TestDatabase[] {
  const dir = mkdtempSync(join(tmpdir(), `skewdesk-${label}-`));
  const out: TestDatabase[] = [
    { name: "PGlite", open: () => createDb({ dataDir: join(dir, "pglite") }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) },
  ];
  const url = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (url) {
    const schema = `skewdesk_${label.replace(/\W/g, "_")}_${process.pid}_${randomBytes(3).toString("hex")}`;
    out.push({
      name: "PostgreSQL",
      open: () => createDb({ databaseUrl: url, schema }),
      cleanup: async () => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try {
          await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await c.end();
        }
      },
    });
  } else {
    out.push({
      name: "PostgreSQL",
      skip: "no PostgreSQL configured: set TEST_DATABASE_URL to a PostgreSQL URL to run this variant",
      open: () => Promise.reject(new Error("PostgreSQL variant is skipped: TEST_DATABASE_URL is not set")),
      cleanup: async () => undefined,
    });
  }
  return out;
}

/**
 * New PGlite data folders under one temporary root, removed when the process exits. Unlike memory://,
 * a folder starts as a copy of npm test's migrated template (SKEWDESK_PGLITE_TEMPLATE_DIR) instead of
 * PGlite's initdb, which takes 3–10 s per open on a loaded machine.
 */
export function scratchDataDirs(label: string): () => string {
  const root = mkdtempSync(join(tmpdir(), `skewdesk-${label}-`));
  process.once("exit", () => rmSync(root, { recursive: true, force: true }));
  let n = 0;
  return () => join(root, `pglite-${++n}`);
}
