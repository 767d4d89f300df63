// A new embedded database made by copying one already created and migrated, instead of PGlite's initdb.
// initdb takes 3 s on an idle core and 7–30 s on a loaded one; a copy takes 1–2 s. The test run makes
// one template and points every process it starts at it (SKEWDESK_PGLITE_TEMPLATE_DIR), so the many
// fresh data folders the tests open cost a copy each. Migrations still run after the copy: a template
// older than the code is brought up to date like any other data folder. The setting is read and checked
// with the other database variables (config.ts).
import { cpSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { LOCK_FILE } from "./data-dir-lock";

/** The file PostgreSQL writes into a data folder it has initialised: its presence means "not new". */
export const PGDATA_MARKER = "PG_VERSION";

/**
 * Fills a new data folder from the template; a folder that holds a database is left alone. The marker is
 * copied last, so a copy cut short leaves a folder that still reads as new and is copied again.
 */
export function seedFromTemplate(dataDir: string, template: string): boolean {
  if (existsSync(join(dataDir, PGDATA_MARKER))) return false;
  for (const name of readdirSync(template)) {
    if (name === PGDATA_MARKER || name === LOCK_FILE) continue;
    cpSync(join(template, name), join(dataDir, name), { recursive: true, force: true });
  }
  cpSync(join(template, PGDATA_MARKER), join(dataDir, PGDATA_MARKER));
  return true;
}
