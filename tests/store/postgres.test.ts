// The Store contract on PostgreSQL when TEST_DATABASE_URL (or DATABASE_URL) is set: a fresh schema per run,
// dropped afterwards. Without a URL the suite is skipped and says why.
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import pg from "pg";
import { createDb } from "@/server/db";
import { createPrismaStore } from "@/server/store";
import { databaseContract, storeContract, type DatabaseHarness } from "./contract";

const url = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;

if (!url) {
  const why = "PostgreSQL store contract skipped: set TEST_DATABASE_URL (or DATABASE_URL) to a PostgreSQL URL to run it";
  test("Store contract: PostgreSQL", { skip: why }, () => {});
} else {
  const schema = `skewdesk_test_${process.pid}_${randomBytes(4).toString("hex")}`;

  const open = async (): Promise<DatabaseHarness> => {
    const db = await createDb({ databaseUrl: url, schema });
    return { db, store: createPrismaStore(db), close: () => db.close(), reopen: async () => (await db.close(), open()) };
  };

  const dropSchema = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  };

  storeContract(`PostgreSQL (schema ${schema})`, open, { afterAll: dropSchema, extraTests: databaseContract });
}
