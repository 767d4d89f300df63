// The Store contract on embedded PGlite, in a temporary data folder so the reopen test proves persistence.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb } from "@/server/db";
import { createPrismaStore } from "@/server/store";
import { databaseContract, storeContract, type DatabaseHarness } from "./contract";

const dataDir = mkdtempSync(join(tmpdir(), "skewdesk-store-"));

async function open(): Promise<DatabaseHarness> {
  const db = await createDb({ dataDir });
  return { db, store: createPrismaStore(db), close: () => db.close(), reopen: async () => (await db.close(), open()) };
}

storeContract("PGlite", open, { afterAll: async () => rmSync(dataDir, { recursive: true, force: true }), extraTests: databaseContract });
