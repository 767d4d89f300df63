// Lab runs are stored whole: a run's results read back as the same bytes from the in-memory store and
// from the embedded database (PGlite, through the migration), listed newest first.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, type Db } from "@/server/db";
import { createMemoryStore, createPrismaStore, type Store } from "@/server/store";
import { labRunRequestSchema } from "@/lib/lab/types";
import { planLab } from "@/server/lab/plan";
import { runLab } from "@/server/lab/engine";
import { recordOf, resultOf } from "@/server/lab/service";
import type { LabSetResult } from "@/lib/lab/types";

const dataDir = mkdtempSync(join(tmpdir(), "skewdesk-lab-store-"));
let db: Db | null = null;
after(async () => {
  await db?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

let results: LabSetResult[] | null = null;
async function labResults(): Promise<LabSetResult[]> {
  if (results) return results;
  const plan = planLab(labRunRequestSchema.parse({ market: { kind: "simulated", regime: "volatile", seeds: 2, durationMs: 30_000 }, grid: ["skewFactor=0,0.5,1"] }));
  const o = await runLab(plan, { workers: 0 });
  assert.equal(o.status, "done");
  results = (o as { results: LabSetResult[] }).results;
  return results;
}

const stores: [string, () => Promise<Store>][] = [
  ["memory", async () => createMemoryStore()],
  [
    "PGlite",
    async () => {
      db = await createDb({ dataDir: join(dataDir, "pglite") });
      return createPrismaStore(db);
    },
  ],
];

for (const [name, open] of stores) {
  describe(`lab runs in the ${name} store`, () => {
    test("a run and its results read back identically; the list is newest first", async () => {
      const store = await open();
      const rs = await labResults();
      const request = { market: { kind: "simulated", market: "story", regime: "volatile", seeds: 2, firstSeed: 1, durationMs: 30_000 }, grid: ["skewFactor=0,0.5,1"], tickMs: 500 };
      const first = await store.createLabRun({ name: "first", request, sets: 3, simulations: 6, createdBy: "operator" });
      assert.equal(first.status, "running");
      assert.equal(first.completed, 0);
      await new Promise((r) => setTimeout(r, 5));
      const second = await store.createLabRun({ name: "second", request, sets: 3, simulations: 6, createdBy: "operator" });
      await store.saveLabResults(first.id, rs.map(recordOf));
      const finished = new Date(first.createdAt.getTime() + 1234);
      await store.updateLabRun(first.id, { status: "done", completed: 6, finishedAt: finished, wallMs: 1234 });

      const got = await store.getLabRun(first.id);
      assert.ok(got);
      assert.equal(got.run.status, "done");
      assert.equal(got.run.completed, 6);
      assert.equal(got.run.wallMs, 1234);
      assert.equal(got.run.finishedAt?.getTime(), finished.getTime());
      assert.deepEqual(got.run.request, request);
      // JSONB keeps no key order; every value reads back as written.
      assert.deepEqual(got.results.map(resultOf), rs);

      assert.deepEqual((await store.listLabRuns()).map((r) => r.name), ["second", "first"]);
      assert.deepEqual((await store.getLabRun(second.id))?.results, []);
      assert.equal(await store.getLabRun("00000000-0000-4000-8000-000000000000"), null);
      await assert.rejects(store.updateLabRun("00000000-0000-4000-8000-000000000000", { status: "failed" }));
    });
  });
}
