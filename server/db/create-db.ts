// The one place a PrismaClient is made. DATABASE_URL → that PostgreSQL through @prisma/adapter-pg;
// otherwise embedded PGlite in a data folder that survives restarts. Migrations apply before it is handed out.
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { ensurePrivateDir } from "@/server/config/private-dir";
import { resolveDbTarget, type DbOptions, type DbTarget } from "./config";
import { PrismaClient } from "./generated/client";
import { lockDataDir } from "./data-dir-lock";
import { migrate, type MigrationResult } from "./migrate";
import { seedFromTemplate } from "./pglite-template";
import { pgClientConfig, probePostgres } from "./pg-connect";
import { takeDeskLock } from "./pg-lock";

export interface Db {
  prisma: PrismaClient;
  kind: "postgres" | "pglite";
  /** Where the data lives, without credentials, for logs: "pglite /abs/dir" or "postgres host:5432/db schema s". */
  location: string;
  /** PostgreSQL schema holding the tables ("public" for PGlite). */
  schema: string;
  /** Migrations this createDb call applied (empty when already up to date or migrate: false). */
  appliedMigrations: string[];
  /** Applies pending migrations on this connection again (a no-op when up to date). */
  migrate(): Promise<MigrationResult>;
  close(): Promise<void>;
}

async function open(
  target: DbTarget,
  options: DbOptions,
): Promise<{
  adapter: SqlMigrationAwareDriverAdapterFactory;
  schema: string;
  closeDriver: () => Promise<void>;
}> {
  if (target.kind === "postgres") {
    // Connect once first: an unreachable server is a clear error within the connect timeout, not a silent hang.
    await probePostgres(target);
    const lock = options.exclusive ? await takeDeskLock(target, { onLost: options.onLockLost, onRegained: options.onLockRegained }) : null;
    // `schema` makes the client qualify its queries; the pool's search_path (pgClientConfig) makes the schema
    // engine's unqualified migration SQL land in the same schema. A pool error (a dead idle connection) is
    // expected and handled by the pool replacing it; without a listener it would crash the process.
    const adapter = new PrismaPg(pgClientConfig(target), { schema: target.schema, onPoolError: () => undefined, onConnectionError: () => undefined });
    return { adapter, schema: target.schema, closeDriver: async () => void (await lock?.release()) };
  }
  const inMemory = target.dataDir.startsWith("memory://");
  let unlock = () => {};
  if (!inMemory) {
    ensurePrivateDir(target.dataDir);
    unlock = lockDataDir(target.dataDir);
  }
  try {
    if (target.template) seedFromTemplate(target.dataDir, target.template);
    const pglite = await PGlite.create(target.dataDir);
    return {
      adapter: new PrismaPGlite(pglite),
      schema: "public",
      closeDriver: async () => {
        try {
          await pglite.close();
        } finally {
          unlock();
        }
      },
    };
  } catch (e) {
    unlock();
    throw e;
  }
}

/**
 * Opens the database chosen by `options` then the environment (DATABASE_URL, SKEWDESK_DATA_DIR; see config.ts),
 * applies pending migrations, and returns a ready client. Call close() once when done.
 */
export async function createDb(options: DbOptions = {}): Promise<Db> {
  const target = resolveDbTarget(options);
  const { adapter, schema, closeDriver } = await open(target, options);
  const prisma = new PrismaClient({ adapter });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      await prisma.$disconnect();
    } finally {
      await closeDriver();
    }
  };
  try {
    const runMigrations = () => migrate(adapter, { migrationsDir: options.migrationsDir });
    const applied = options.migrate === false ? [] : (await runMigrations()).applied;
    await prisma.$connect();
    return { prisma, kind: target.kind, location: target.display, schema, appliedMigrations: applied, migrate: runMigrations, close };
  } catch (e) {
    await close().catch(() => {});
    throw e;
  }
}
