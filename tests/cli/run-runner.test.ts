// Issue 14, item 8: `npm run runner -- --help` listed flags without descriptions or defaults and did not
// say that its default database is far slower than --db none; every run left an empty fills-cli-*.journal.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { FLAGS } from "@/server/cli/cli-options";

const ROOT = new URL("../..", import.meta.url).pathname;
const run = (args: string[]) =>
  spawnSync(process.execPath, ["--experimental-wasm-modules", "--no-warnings", "--import", "tsx", "server/cli/run-runner.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });

test("--help describes every flag with its default, and says how much faster --db none is", () => {
  const r = run(["--help"]);
  assert.equal(r.status, 0, r.stderr);
  for (const f of FLAGS) {
    const at = r.stdout.indexOf(`  --${f.name}`);
    assert.ok(at >= 0, `--${f.name} is listed`);
    const next = r.stdout.indexOf("\n  --", at + 3);
    const block = r.stdout.slice(at, next < 0 ? undefined : next);
    assert.ok(block.includes(f.help), `--${f.name} has its description`);
    if (f.type === "string") assert.match(block, /default: /, `--${f.name} has its default`);
  }
  assert.match(r.stdout, /--db[^]*default: memory:\/\/[^]*/);
  assert.match(r.stdout, /none: [^\n]*15–40× faster/);
});

test("a finished run leaves no empty journal behind", () => {
  const dir = mkdtempSync(join(tmpdir(), "skewdesk-cli-"));
  try {
    const r = run(["--db", "none", "--duration", "20s", "--journal-dir", dir, "--json"]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout.trim().split("\n").pop()!), "the summary");
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
