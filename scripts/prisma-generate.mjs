#!/usr/bin/env node
// Generates the Prisma client into server/db/generated (gitignored) with the local CLI and no network.
// Skips the work when a stamp in the output folder matches the inputs, so `npm test` stays fast.
// `--force` regenerates anyway.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const schemaPath = join(root, "prisma/schema.prisma");
const outDir = join(root, "server/db/generated");
const stampPath = join(outDir, ".schema-stamp");
const cli = join(root, "node_modules/prisma/build/index.js");

// Everything that changes the output: the schema, the config and the installed CLI/client versions.
function inputsHash() {
  const h = createHash("sha256");
  h.update(readFileSync(schemaPath));
  const config = join(root, "prisma.config.ts");
  if (existsSync(config)) h.update(readFileSync(config));
  for (const pkg of ["prisma", "@prisma/client"]) {
    const p = join(root, "node_modules", pkg, "package.json");
    h.update(existsSync(p) ? JSON.parse(readFileSync(p, "utf8")).version : "missing");
  }
  return h.digest("hex");
}

const hash = inputsHash();
const force = process.argv.includes("--force");
if (!force && existsSync(stampPath) && readFileSync(stampPath, "utf8").trim() === hash && existsSync(join(outDir, "client.ts"))) {
  console.log("prisma client up to date (server/db/generated)");
  process.exit(0);
}

const r = spawnSync(process.execPath, [cli, "generate", "--schema", schemaPath], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    // `generate` never runs the schema engine, but the CLI insists on locating one and would try to
    // download it. Any existing file satisfies the check.
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath,
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    PRISMA_GENERATE_NO_HINTS: "1",
  },
});
if (r.status !== 0) {
  console.error(`prisma generate failed (exit ${r.status ?? r.signal})`);
  process.exit(r.status ?? 1);
}
writeFileSync(stampPath, hash + "\n");
