// Makes a migrated PGlite data folder for the test run to copy (see server/db/pglite-template.ts):
// node --experimental-wasm-modules --import tsx scripts/pglite-template.ts <new folder>
import { createDb } from "@/server/db";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: scripts/pglite-template.ts <new folder>");
  process.exit(2);
}
const t0 = performance.now();
// Made from scratch whatever the environment says: a template of a template would prove nothing.
delete process.env.SKEWDESK_PGLITE_TEMPLATE_DIR;
const db = await createDb({ dataDir: dir });
await db.close();
console.log(`embedded database template: ${db.appliedMigrations.length} migrations in ${((performance.now() - t0) / 1000).toFixed(1)} s (${dir})`);
