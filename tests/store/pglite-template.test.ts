// A new embedded data folder made from a copy of a migrated one (SKEWDESK_PGLITE_TEMPLATE_DIR), as the test
// run does for every folder it opens: a folder that holds a database is never overwritten, and a bad
// setting is a clear error naming the variable.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, DbConfigError, resolveDbTarget } from "@/server/db";
import { LOCK_FILE } from "@/server/db/data-dir-lock";
import { seedFromTemplate } from "@/server/db/pglite-template";

describe("SKEWDESK_PGLITE_TEMPLATE_DIR", () => {
  let root: string;
  let template: string;
  const saved = process.env.SKEWDESK_PGLITE_TEMPLATE_DIR;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "skewdesk-template-test-"));
    template = join(root, "template");
    delete process.env.SKEWDESK_PGLITE_TEMPLATE_DIR;
    const db = await createDb({ dataDir: template });
    // A mark only this template has, to tell a copy from a database made from scratch.
    await db.prisma.$executeRawUnsafe(`CREATE TABLE template_mark (id int)`);
    await db.close();
  });

  after(() => {
    if (saved === undefined) delete process.env.SKEWDESK_PGLITE_TEMPLATE_DIR;
    else process.env.SKEWDESK_PGLITE_TEMPLATE_DIR = saved;
    rmSync(root, { recursive: true, force: true });
  });

  test("unset or blank: no template; a relative path or a folder without a database: an error naming the variable", () => {
    const templateOf = (env: Record<string, string>, dataDir = join(root, "any")) => {
      const t = resolveDbTarget({ dataDir }, env);
      return t.kind === "pglite" ? t.template : "not PGlite";
    };
    assert.equal(templateOf({}), null);
    assert.equal(templateOf({ SKEWDESK_PGLITE_TEMPLATE_DIR: " " }), null);
    assert.equal(templateOf({ SKEWDESK_PGLITE_TEMPLATE_DIR: template }), template);
    assert.equal(templateOf({ SKEWDESK_PGLITE_TEMPLATE_DIR: template }, "memory://"), null, "memory cannot be filled by a copy");
    assert.throws(() => templateOf({ SKEWDESK_PGLITE_TEMPLATE_DIR: "data/pglite" }), (e: Error) => e instanceof DbConfigError && /SKEWDESK_PGLITE_TEMPLATE_DIR must be an absolute path/.test(e.message));
    assert.throws(() => templateOf({ SKEWDESK_PGLITE_TEMPLATE_DIR: root }), /SKEWDESK_PGLITE_TEMPLATE_DIR must be a PGlite data folder \(it has no PG_VERSION\)/);
  });

  test("a new folder gets the template's files but not its lock; a folder holding a database is left alone", () => {
    writeFileSync(join(template, LOCK_FILE), "999999");
    try {
      const fresh = join(root, "fresh");
      mkdirSync(fresh);
      assert.equal(seedFromTemplate(fresh, template), true);
      assert.equal(readFileSync(join(fresh, "PG_VERSION"), "utf8"), readFileSync(join(template, "PG_VERSION"), "utf8"));
      assert.ok(existsSync(join(fresh, "base")), "the tables' folder");
      assert.equal(existsSync(join(fresh, LOCK_FILE)), false, "another process's lock is not copied");
      writeFileSync(join(fresh, "mine"), "kept");
      assert.equal(seedFromTemplate(fresh, template), false);
      assert.equal(readFileSync(join(fresh, "mine"), "utf8"), "kept");
    } finally {
      rmSync(join(template, LOCK_FILE), { force: true });
    }
  });

  test("createDb opens a new folder from the template, migrated, and reopens it as it left it", async () => {
    process.env.SKEWDESK_PGLITE_TEMPLATE_DIR = template;
    const dir = join(root, "desk");
    const db = await createDb({ dataDir: dir });
    try {
      assert.deepEqual(db.appliedMigrations, [], "the template's migrations came with it");
      const marks = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'template_mark'`);
      assert.equal(Number(marks[0]?.n), 1, "a copy of the template, not a database made from scratch");
      await db.prisma.$executeRawUnsafe(`INSERT INTO template_mark VALUES (7)`);
    } finally {
      await db.close();
    }
    const again = await createDb({ dataDir: dir });
    try {
      const rows = await again.prisma.$queryRawUnsafe<{ id: number }[]>(`SELECT id FROM template_mark`);
      assert.deepEqual(rows.map((r) => r.id), [7], "reopened, not copied over");
    } finally {
      await again.close();
    }
  });
});
