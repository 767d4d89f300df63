// Where the database lives, from explicit options first and the environment second, validated with zod.
import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import { PGDATA_MARKER } from "./pglite-template";

export const DEFAULT_DATA_DIR = "./data/pglite";
export const MEMORY_DATA_DIR = "memory://";

/** Options for createDb; each one beats its environment variable. */
export interface DbOptions {
  /** A PostgreSQL URL; beats DATABASE_URL. */
  databaseUrl?: string;
  /** PGlite data folder (or "memory://"); beats SKEWDESK_DATA_DIR. Giving it selects PGlite even when DATABASE_URL is set. */
  dataDir?: string;
  /** PostgreSQL schema to use instead of "public" (created if missing); also read from the URL's `?schema=`. */
  schema?: string;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** Folder holding the Prisma migrations; defaults to the repository's prisma/migrations. */
  migrationsDir?: string;
  /** PostgreSQL: a connection not made within this fails (default 5 s; SKEWDESK_DB_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number;
  /** PostgreSQL: a statement running or unanswered longer than this fails (default 15 s; SKEWDESK_DB_STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs?: number;
  /**
   * Take the desk's lock in the database: a second desk on the same PostgreSQL schema is refused
   * (DeskAlreadyRunningError). PGlite's folder lock is taken either way. For processes that trade.
   */
  exclusive?: boolean;
  /** With exclusive on PostgreSQL: the lock's connection broke and another desk could take it now. */
  onLockLost?: (why: string) => void;
  onLockRegained?: () => void;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;

export type DbTarget =
  | { kind: "postgres"; connectionString: string; schema: string; display: string; connectTimeoutMs: number; statementTimeoutMs: number }
  | {
      kind: "pglite";
      dataDir: string;
      display: string;
      /** A migrated data folder a new folder starts as a copy of (SKEWDESK_PGLITE_TEMPLATE_DIR); never for memory://. */
      template: string | null;
    };

const postgresUrl = z
  .string()
  .trim()
  .refine((s) => URL.canParse(s), "must be a URL such as postgresql://user:password@host:5432/dbname")
  .refine((s) => !URL.canParse(s) || /^postgres(ql)?:$/.test(new URL(s).protocol), "must start with postgresql:// or postgres://");

// Kept to plain identifiers so it can go into search_path and DDL without quoting games.
const schemaName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case PostgreSQL identifier (letters, digits, underscore; max 63)");

const dataDir = z.string().trim().min(1, "must not be empty");

// Empty strings count as unset: `DATABASE_URL= npm start` means "no database URL".
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

// npm test's migrated embedded database (see pglite-template.ts).
const templateDir = z
  .string()
  .trim()
  .refine((s) => isAbsolute(s), "must be an absolute path")
  .refine((s) => existsSync(join(s, PGDATA_MARKER)), `must be a PGlite data folder (it has no ${PGDATA_MARKER})`);

const timeoutMs = z.coerce.number().int("must be a whole number of ms").min(100, "must be at least 100 (ms)").max(600_000, "must be at most 600000 (ms)");

const envSchema = z.object({
  DATABASE_URL: z.preprocess(blankToUndefined, postgresUrl.optional()),
  SKEWDESK_DATA_DIR: z.preprocess(blankToUndefined, dataDir.optional()),
  SKEWDESK_DB_CONNECT_TIMEOUT_MS: z.preprocess(blankToUndefined, timeoutMs.optional()),
  SKEWDESK_DB_STATEMENT_TIMEOUT_MS: z.preprocess(blankToUndefined, timeoutMs.optional()),
  SKEWDESK_PGLITE_TEMPLATE_DIR: z.preprocess(blankToUndefined, templateDir.optional()),
});

const optionsSchema = z.object({
  databaseUrl: postgresUrl.optional(),
  dataDir: dataDir.optional(),
  schema: schemaName.optional(),
  connectTimeoutMs: timeoutMs.optional(),
  statementTimeoutMs: timeoutMs.optional(),
});

export class DbConfigError extends Error {
  override name = "DbConfigError";
}

// One line per problem, naming the variable or option: "Invalid database environment: DATABASE_URL must …".
function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `${i.path.length ? i.path.join(".") + " " : ""}${i.message}`);
  throw new DbConfigError(`Invalid ${what}: ${lines.join("; ")}`);
}

/** Resolves which database to open. Throws DbConfigError with a readable message on bad input. */
export function resolveDbTarget(options: DbOptions = {}, env: Readonly<Record<string, string | undefined>> = process.env): DbTarget {
  const opts = parse(
    optionsSchema,
    { databaseUrl: options.databaseUrl, dataDir: options.dataDir, schema: options.schema, connectTimeoutMs: options.connectTimeoutMs, statementTimeoutMs: options.statementTimeoutMs },
    "database options",
  );
  if (opts.databaseUrl && opts.dataDir) throw new DbConfigError("Invalid database options: give databaseUrl or dataDir, not both");

  const vars = parse(
    envSchema,
    {
      DATABASE_URL: env.DATABASE_URL,
      SKEWDESK_DATA_DIR: env.SKEWDESK_DATA_DIR,
      SKEWDESK_DB_CONNECT_TIMEOUT_MS: env.SKEWDESK_DB_CONNECT_TIMEOUT_MS,
      SKEWDESK_DB_STATEMENT_TIMEOUT_MS: env.SKEWDESK_DB_STATEMENT_TIMEOUT_MS,
      SKEWDESK_PGLITE_TEMPLATE_DIR: env.SKEWDESK_PGLITE_TEMPLATE_DIR,
    },
    "database environment",
  );
  const url = opts.databaseUrl ?? (opts.dataDir ? undefined : vars.DATABASE_URL);

  if (url) {
    const parsed = new URL(url);
    const fromUrl = parsed.searchParams.get("schema") ?? undefined;
    parsed.searchParams.delete("schema");
    const schema = parse(schemaName, opts.schema ?? fromUrl ?? "public", "PostgreSQL schema");
    const display = `postgres ${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname} schema ${schema}`;
    return {
      kind: "postgres",
      connectionString: parsed.toString(),
      schema,
      display,
      connectTimeoutMs: opts.connectTimeoutMs ?? vars.SKEWDESK_DB_CONNECT_TIMEOUT_MS ?? DEFAULT_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: opts.statementTimeoutMs ?? vars.SKEWDESK_DB_STATEMENT_TIMEOUT_MS ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    };
  }

  const dir = opts.dataDir ?? vars.SKEWDESK_DATA_DIR ?? DEFAULT_DATA_DIR;
  if (dir.startsWith("memory://")) return { kind: "pglite", dataDir: dir, display: `pglite ${dir}`, template: null };
  const abs = resolve(/*turbopackIgnore: true*/ dir);
  return { kind: "pglite", dataDir: abs, display: `pglite ${abs}`, template: vars.SKEWDESK_PGLITE_TEMPLATE_DIR ?? null };
}
