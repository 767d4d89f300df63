// Applies prisma/migrations/* at start through Prisma's own schema engine (the WebAssembly build, driven by
// the same driver adapter the client uses), so both PostgreSQL and PGlite record them in _prisma_migrations
// exactly as `prisma migrate deploy` would: same table, checksums, advisory lock and failure handling.
// The engine's ESM entry imports a .wasm file, which Node 20 only allows with --experimental-wasm-modules.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm";

export interface MigrationResult {
  /** Names of the migrations this call applied, oldest first; empty when the database was up to date. */
  applied: string[];
  durationMs: number;
}

export const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

/** The repository's prisma/migrations, found from this file or, failing that (e.g. bundled), from the working directory. */
export function defaultMigrationsDir(): string {
  // Not `new URL("…", import.meta.url)`: bundlers treat that form as an asset import and try to bundle the folder.
  const here = resolve(dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");
  if (existsSync(here)) return here;
  return resolve(/*turbopackIgnore: true*/ process.cwd(), "prisma/migrations");
}

/** Loads a migrations folder the way the Prisma CLI does: one sub-folder per migration holding migration.sql. */
export async function readMigrationsList(dir: string): Promise<MigrationList> {
  const baseDir = resolve(/*turbopackIgnore: true*/ dir);
  const lockPath = "migration_lock.toml";
  const lockContent = await readFile(join(baseDir, lockPath), "utf8").catch(() => null);
  const entries = await readdir(baseDir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return [];
    throw e;
  });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: await readFile(join(baseDir, name, "migration.sql"), "utf8").then(
          (value) => ({ tag: "ok" as const, value }),
          (e: Error) => ({ tag: "error" as const, value: e.message }),
        ),
      },
    })),
  );
  return { baseDir, lockfile: { path: lockPath, content: lockContent }, shadowDbInitScript: "", migrationDirectories };
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

type EngineModule = typeof import("@prisma/schema-engine-wasm");

async function loadEngineModule(): Promise<EngineModule> {
  try {
    return await import("@prisma/schema-engine-wasm");
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/wasm|Unknown file extension/i.test(msg)) {
      throw new MigrationError(
        `Cannot load Prisma's schema engine (${msg}). Start Node with --experimental-wasm-modules ` +
          `(e.g. NODE_OPTIONS=--experimental-wasm-modules) so migrations can run.`,
      );
    }
    throw e;
  }
}

/**
 * Opens a schema engine on the adapter, runs `run`, and frees the engine. `datamodel` is only needed by
 * commands that read a Prisma schema (diff); applying migrations works from the migration files alone.
 */
export async function withSchemaEngine<T>(
  adapter: SqlMigrationAwareDriverAdapterFactory,
  run: (engine: SchemaEngine) => Promise<T>,
  datamodel?: { path: string; content: string },
): Promise<T> {
  const { SchemaEngine } = await loadEngineModule();
  // The engine takes a session-level advisory lock while migrating and never closes its connections, so on
  // PostgreSQL the lock would outlive it until the pool reaped the idle connection (10 s later), stalling the
  // next migrate. Every connection it opens is tracked here and disposed with it.
  const opened: SqlDriverAdapter[] = [];
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    connect: async () => {
      const conn = await adapter.connect();
      opened.push(conn);
      return conn;
    },
    connectToShadowDb: async () => {
      const conn = await adapter.connectToShadowDb();
      opened.push(conn);
      return conn;
    },
  };
  const engine = await SchemaEngine.new(
    { datamodels: datamodel ? [[datamodel.path, datamodel.content]] : undefined },
    () => {},
    bindMigrationAwareSqlAdapterFactory(tracked),
  );
  try {
    return await run(engine);
  } finally {
    engine.free();
    await Promise.allSettled(opened.map((conn) => conn.dispose()));
  }
}

/** Applies every migration not yet recorded in _prisma_migrations. Idempotent. */
export async function migrate(
  adapter: SqlMigrationAwareDriverAdapterFactory,
  options: { migrationsDir?: string } = {},
): Promise<MigrationResult> {
  const started = performance.now();
  const migrationsList = await readMigrationsList(options.migrationsDir ?? defaultMigrationsDir());
  if (migrationsList.migrationDirectories.length === 0) {
    throw new MigrationError(`No migrations found in ${migrationsList.baseDir}`);
  }
  try {
    const out = await withSchemaEngine(adapter, (engine) => engine.applyMigrations({ migrationsList, filters: NO_FILTER }));
    return { applied: out.appliedMigrationNames, durationMs: performance.now() - started };
  } catch (e) {
    if (e instanceof MigrationError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new MigrationError(`Applying migrations from ${migrationsList.baseDir} failed: ${msg}`, { cause: e });
  }
}
