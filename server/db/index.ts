// Public face of the database layer: the rest of the code imports from "@/server/db".
export { createDb, type Db } from "./create-db";
export { DataDirInUseError, LOCK_FILE } from "./data-dir-lock";
export { DbUnreachableError } from "./pg-connect";
export { DeskAlreadyRunningError } from "./pg-lock";
export { DbConfigError, DEFAULT_DATA_DIR, MEMORY_DATA_DIR, resolveDbTarget, type DbOptions, type DbTarget } from "./config";
export { migrate, MigrationError, defaultMigrationsDir, readMigrationsList, type MigrationResult } from "./migrate";
export { Prisma, PrismaClient } from "./generated/client";
