#!/usr/bin/env node
// The one test command (`npm test`): generate the Prisma client, type-check, lint, then every test file
// under tests/ in one node:test run so its closing summary counts all of them.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
process.chdir(root);

function run(label, cmd, args, env = {}) {
  console.log(`\n▶ ${label}: ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env } });
  if (r.status !== 0) {
    console.error(`✖ ${label} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out.sort();
}

// Filters let a developer run a subset: `npm test -- tests/lib`.
const filters = process.argv.slice(2);

if (existsSync("prisma/schema.prisma")) run("prisma client", "node", ["scripts/prisma-generate.mjs"]);
if (!filters.length) {
  run("typecheck", "npx", ["tsc", "--noEmit", "-p", "tsconfig.json"]);
  run("lint", "npx", ["eslint", "--max-warnings=0", "."]);
}
const files = findTests("tests").filter((f) => !filters.length || filters.some((x) => f.startsWith(x.replace(/^\.\//, ""))));
if (!files.length) {
  console.error("no test files matched");
  process.exit(1);
}
// Browser tests need the production pages: build them first (no-op when .next is fresh).
if (files.some((f) => f.startsWith("tests/e2e/"))) run("pages build", "node", ["scripts/ensure-build.mjs"]);
// One migrated embedded database for every test's new data folder to start from (a copy instead of
// initdb: 1–2 s instead of 3–30 s on this machine's loaded cores). Made from scratch once per run.
const templateRoot = mkdtempSync(join(tmpdir(), "skewdesk-pglite-template-"));
const template = join(templateRoot, "pglite");
process.on("exit", () => rmSync(templateRoot, { recursive: true, force: true }));
run("embedded database template", "node", ["--experimental-wasm-modules", "--no-warnings=ExperimentalWarning", "--import", "tsx", "scripts/pglite-template.ts", template]);
process.env.SKEWDESK_PGLITE_TEMPLATE_DIR = template;
run("tests", "node", ["--experimental-wasm-modules", "--no-warnings=ExperimentalWarning", "--import", "tsx", "--test", "--test-reporter=spec", "--test-reporter-destination=stdout", "--test-reporter=./scripts/slowest-files-reporter.mjs", "--test-reporter-destination=stdout", "--test-concurrency=2", ...files]);
