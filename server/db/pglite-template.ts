// A new embedded database made by copying one already created and migrated, instead of PGlite's initdb.
// initdb takes 3 s on an idle core and 7–30 s on a loaded one; a copy takes 1–2 s. The test run makes
// one template and points every process it starts at it (SKEWDESK_PGLITE_TEMPLATE_DIR), so the many
// fresh data folders the tests open cost a copy each. Migrations still run after the copy: a template
// older than the code is brought up to date like any other data folder.
import { cpSync, existsSync, readdirSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { z } from "zod";
import { DbConfigError } from "./config";
import { LOCK_FILE } from "./data-dir-lock";

/** The file PostgreSQL writes into a data folder it has initialised: its presence means "not new". */
const MARKER = "PG_VERSION";

const templateDir = z
  .string()
  .trim()
  .refine((s) => isAbsolute(s), "must be an absolute path")
  .refine((s) => existsSync(join(s, MARKER)), `must be a PGlite data folder (it has no ${MARKER})`);

/** The template folder named by SKEWDESK_PGLITE_TEMPLATE_DIR, if any; a clear error when it is not one. */
export function pgliteTemplateFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): string | null {
  const raw = env.SKEWDESK_PGLITE_TEMPLATE_DIR;
  if (raw === undefined || raw.trim() === "") return null;
  const r = templateDir.safeParse(raw);
  if (!r.success) throw new DbConfigError(`Invalid database environment: SKEWDESK_PGLITE_TEMPLATE_DIR ${r.error.issues.map((i) => i.message).join("; ")}`);
  return r.data;
}

/**
 * Fills a new data folder from the template; a folder that holds a database is left alone. The marker is
 * copied last, so a copy cut short leaves a folder that still reads as new and is copied again.
 */
export function seedFromTemplate(dataDir: string, template: string): boolean {
  if (existsSync(join(dataDir, MARKER))) return false;
  for (const name of readdirSync(template)) {
    if (name === MARKER || name === LOCK_FILE) continue;
    cpSync(join(template, name), join(dataDir, name), { recursive: true, force: true });
  }
  cpSync(join(template, MARKER), join(dataDir, MARKER));
  return true;
}
